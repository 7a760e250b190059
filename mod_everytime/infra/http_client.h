/*
 * http_client.h: the one HTTP client the social login providers share. One
 * libcurl easy handle per worker thread, reused (with its open connections)
 * from call to call; every call bounded by the EverytimeOAuth* directives:
 * connect and total timeouts, a response size cap, TLS verification, no
 * redirects, https only (http only to an allowed loopback address).
 */
#ifndef ET_OAUTH_HTTP_H
#define ET_OAUTH_HTTP_H

#include "core/config.h"

typedef struct et_http_reply {
    long status;      /* the HTTP status of the answer */
    const char *body; /* NUL-terminated, from r->pool */
    apr_size_t len;
} et_http_reply;

/* True for an https:// URL, or an http:// one to 127.0.0.1 or localhost when
 * allow_loopback is set (the test suite's mock providers). */
int et_http_url_allowed(const char *url, int allow_loopback);

/* The end of an exchange: now + EverytimeOAuthTimeout. Every call of one
 * login shares it, so a login with several calls still ends in time. */
apr_time_t et_http_deadline(const et_oauth_conf *o);

/* GET url (form NULL) or POST form as application/x-www-form-urlencoded, with
 * "Authorization: Bearer <bearer>" when bearer is not NULL, given until
 * deadline (and the connect timeout) to complete. APR_SUCCESS when a
 * complete answer within the limits arrived, whatever its status; an error
 * (logged, without credentials) when the URL is not allowed, the provider
 * cannot be reached, is too slow, or answers too much. */
apr_status_t et_http_call(request_rec *r, const et_oauth_conf *o, apr_time_t deadline,
                          const char *url, const char *bearer, const char *form,
                          et_http_reply *out);

/* The same outside a request (the outbox's deliverers): the answer from p,
 * log lines on s; body (NULL: GET) sent as the given Content-Type. */
apr_status_t et_http_send(apr_pool_t *p, server_rec *s, const et_oauth_conf *o, apr_time_t deadline,
                          const char *url, const char *bearer, const char *type, const char *body,
                          et_http_reply *out);

/* post_config: libcurl's global state, for this configuration generation. */
int et_http_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);

/* child_init: the per-thread handles' key; each handle is freed when its
 * thread ends. */
void et_http_child_init(apr_pool_t *pchild, server_rec *s);

/* Appends name=value to a form body (form may be NULL), the value encoded as
 * application/x-www-form-urlencoded (apr_pescape_urlencoded: space as '+'). */
const char *et_form_add(apr_pool_t *p, const char *form, const char *name, const char *value);

#endif

/*
 * http_client.c: the libcurl client of the social login providers. Every
 * limit is set on each call explicitly, so a slow or hostile provider costs a
 * worker at most EverytimeOAuthTimeout and EverytimeOAuthMaxResponse bytes.
 *
 * Each worker thread keeps one easy handle (handles must not be shared
 * between threads) for its whole life: libcurl's connection cache lives in
 * the handle, so the calls of one login, and the logins this thread serves
 * next, reuse an open connection to the provider instead of paying a TCP and
 * TLS handshake per call. curl_easy_reset after every call returns every
 * option to its default - the Authorization header, the form, the pointers
 * into the caller's stack - and keeps only the open connections and the DNS
 * and TLS session caches, which hold no request's data. A transfer that
 * failed part-way (timeout, answer too large) closes its connection, so a
 * half-read answer is never read by the next call.
 */
#include "infra/http_client.h"

#include <apr_escape.h>
#include <apr_lib.h>
#include <apr_thread_proc.h>
#include <curl/curl.h>

/* What a thread's handle keeps open between calls: a connection to each
 * provider host (Kakao, Google's token and key hosts, Apple), and none that
 * has been idle for a minute, which a provider has likely closed by then. */
#define ET_HTTP_KEEP_CONNECTIONS 4L
#define ET_HTTP_KEEP_IDLE        60L

typedef struct sink {
    char *buf;
    apr_size_t len, cap, limit;
    apr_pool_t *pool;
    int too_large;
} sink;

/* Keeps the answer in r->pool; refusing a byte past the cap makes libcurl
 * abort the transfer (CURLE_WRITE_ERROR). */
static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
    sink *s = arg;
    apr_size_t add = size * n;
    if (add > s->limit - s->len) {
        s->too_large = 1;
        return 0;
    }
    if (s->len + add + 1 > s->cap) {
        apr_size_t cap = s->cap ? s->cap : 4096;
        char *grown;
        while (cap < s->len + add + 1)
            cap *= 2;
        grown = apr_palloc(s->pool, cap);
        if (s->len)
            memcpy(grown, s->buf, s->len);
        s->buf = grown;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, add);
    s->len += add;
    s->buf[s->len] = '\0';
    return add;
}

static int is_http(const char *url)
{
    return !strncmp(url, "http://", 7);
}

/* http://127.0.0.1 or http://localhost, then an optional :port, then / or
 * the end - so "http://localhost@evil.example/" is not loopback. */
static int loopback_http(const char *url)
{
    const char *rest = NULL;
    if (!strncmp(url, "http://127.0.0.1", 16))
        rest = url + 16;
    else if (!strncmp(url, "http://localhost", 16))
        rest = url + 16;
    if (!rest)
        return 0;
    if (*rest == ':') {
        const char *d = ++rest;
        while (apr_isdigit(*rest))
            rest++;
        if (rest == d || rest - d > 5)
            return 0;
    }
    return *rest == '/' || *rest == '\0';
}

int et_http_url_allowed(const char *url, int allow_loopback)
{
    const char *c;
    if (!url)
        return 0;
    for (c = url; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return 0;
    if (!strncmp(url, "https://", 8))
        return url[8] && url[8] != '/';
    return allow_loopback && loopback_http(url);
}

apr_time_t et_http_deadline(const et_oauth_conf *o)
{
    return apr_time_now() + apr_time_from_sec(o->timeout);
}

static CURLcode set_limits(CURL *h, const et_oauth_conf *o, const char *url, long left_ms)
{
    CURLcode rc = CURLE_OK;
    long connect_ms = (long)(o->connect_timeout * 1000);
/* the first failing option stops the rest */
#define SET(opt, val)                           \
    do {                                        \
        if (rc == CURLE_OK)                     \
            rc = curl_easy_setopt(h, opt, val); \
    } while (0)
    SET(CURLOPT_URL, url);
    SET(CURLOPT_NOSIGNAL, 1L); /* no SIGALRM timeouts in a threaded server */
    SET(CURLOPT_CONNECTTIMEOUT_MS, connect_ms < left_ms ? connect_ms : left_ms);
    SET(CURLOPT_TIMEOUT_MS, left_ms);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_response);
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(CURLOPT_PROTOCOLS_STR, is_http(url) ? "http" : "https");
#else
    SET(CURLOPT_PROTOCOLS, is_http(url) ? (long)CURLPROTO_HTTP : (long)CURLPROTO_HTTPS);
#endif
    SET(CURLOPT_USERAGENT, "mod_everytime");
    SET(CURLOPT_MAXCONNECTS, ET_HTTP_KEEP_CONNECTIONS);
    SET(CURLOPT_MAXAGE_CONN, ET_HTTP_KEEP_IDLE);
#undef SET
    return rc;
}

static struct curl_slist *headers_for(apr_pool_t *p, const char *bearer, const char *type)
{
    struct curl_slist *l = curl_slist_append(NULL, "Accept: application/json"), *n;
    if (l && type && (n = curl_slist_append(l, "Expect:")))
        l = n;
    if (l && type && (n = curl_slist_append(l, apr_pstrcat(p, "Content-Type: ", type, NULL))))
        l = n;
    if (l && bearer) {
        n = curl_slist_append(l, apr_pstrcat(p, "Authorization: Bearer ", bearer, NULL));
        if (!n) {
            curl_slist_free_all(l);
            return NULL;
        }
        l = n;
    }
    return l;
}

static apr_status_t global_cleanup(void *unused)
{
    (void)unused;
    curl_global_cleanup();
    return APR_SUCCESS;
}

/* curl_global_init is not thread-safe: it runs here, in the parent before
 * any child or thread exists, once per configuration generation, undone when
 * the generation's pool goes. */
int et_http_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    (void)plog;
    (void)ptemp;
    if (rc != CURLE_OK) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "libcurl cannot be initialised: %s [%s]",
                     curl_easy_strerror(rc), __func__);
        return !OK;
    }
    apr_pool_cleanup_register(pconf, NULL, global_cleanup, apr_pool_cleanup_null);
    return OK;
}

/* The key under which each thread keeps its handle; its destructor frees the
 * handle (and closes its connections) when the thread ends. */
static apr_threadkey_t *thread_handles;

static void free_handle(void *h)
{
    curl_easy_cleanup(h);
}

/* The key's memory goes with pchild: forget it first. Threads still holding
 * a handle then are ending with the process. */
static apr_status_t forget_key(void *unused)
{
    (void)unused;
    if (thread_handles)
        apr_threadkey_private_delete(thread_handles);
    thread_handles = NULL;
    return APR_SUCCESS;
}

void et_http_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv = apr_threadkey_private_create(&thread_handles, free_handle, pchild);
    if (rv != APR_SUCCESS) {
        thread_handles = NULL;
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     "no per-thread libcurl handles; every provider call connects anew [%s]",
                     __func__);
        return;
    }
    apr_pool_cleanup_register(pchild, NULL, forget_key, apr_pool_cleanup_null);
}

/* This thread's handle, made on its first call. *own is set when it could
 * not be kept for the thread, and the caller frees it after the call. */
static CURL *take_handle(int *own)
{
    void *h = NULL;
    *own = 0;
    if (thread_handles && apr_threadkey_private_get(&h, thread_handles) == APR_SUCCESS && h)
        return h;
    if (!(h = curl_easy_init()))
        return NULL;
    if (!thread_handles || apr_threadkey_private_set(h, thread_handles) != APR_SUCCESS)
        *own = 1;
    return h;
}

static void give_back(CURL *h, int own)
{
    if (own)
        curl_easy_cleanup(h);
    else
        curl_easy_reset(h);
}

/* A failure's log line: the request's when there is one, else the server's
 * (the outbox's drain thread). Never a credential: the URL and the reason. */
#define CALL_LOG(c, level, fmt, ...)                                                          \
    do {                                                                                      \
        if ((c)->r)                                                                           \
            ET_LOG((c)->r, level, 0, fmt, ##__VA_ARGS__);                                     \
        else                                                                                  \
            ap_log_error(APLOG_MARK, level, 0, (c)->s, fmt " [%s]", ##__VA_ARGS__, __func__); \
    } while (0)

typedef struct {
    apr_pool_t *p;
    server_rec *s;
    request_rec *r; /* NULL outside a request */
} call_ctx;

static apr_status_t call(const call_ctx *c, const et_oauth_conf *o, apr_time_t deadline,
                         const char *url, const char *bearer, const char *type, const char *body,
                         et_http_reply *out)
{
    long left_ms = (long)apr_time_as_msec(deadline - apr_time_now());
    char err[CURL_ERROR_SIZE] = "";
    sink s = {NULL, 0, 0, (apr_size_t)o->max_response, c->p, 0};
    struct curl_slist *hdrs;
    CURLcode rc;
    CURL *h;
    int own;

    memset(out, 0, sizeof(*out));
    if (!et_http_url_allowed(url, o->allow_loopback)) {
        CALL_LOG(c, APLOG_ERR, "provider URL %s is not allowed (%s)", url, ET_DIR_OAUTH_LOOPBACK);
        return APR_EINVAL;
    }
    if (left_ms <= 0) {
        CALL_LOG(c, APLOG_ERR, "provider %s: no time left (%s)", url, ET_DIR_OAUTH_TIMEOUT);
        return APR_TIMEUP;
    }
    if (!(h = take_handle(&own)))
        return APR_ENOMEM;
    hdrs = headers_for(c->p, bearer, body ? type : NULL);
    rc = hdrs ? set_limits(h, o, url, left_ms) : CURLE_OUT_OF_MEMORY;
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    if (rc == CURLE_OK && body)
        rc = curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    if (rc == CURLE_OK)
        rc = curl_easy_perform(h);
    if (rc == CURLE_OK)
        rc = curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    give_back(h, own);
    curl_slist_free_all(hdrs);
    if (rc != CURLE_OK) {
        CALL_LOG(c, APLOG_ERR, "provider %s: %s", url,
                 s.too_large ? "answer larger than " ET_DIR_OAUTH_MAX_RESPONSE
                             : (err[0] ? err : curl_easy_strerror(rc)));
        return rc == CURLE_OPERATION_TIMEDOUT ? APR_TIMEUP : APR_EGENERAL;
    }
    out->body = s.buf ? s.buf : "";
    out->len = s.len;
    return APR_SUCCESS;
}

apr_status_t et_http_call(request_rec *r, const et_oauth_conf *o, apr_time_t deadline,
                          const char *url, const char *bearer, const char *form, et_http_reply *out)
{
    call_ctx c = {r->pool, r->server, r};
    return call(&c, o, deadline, url, bearer, "application/x-www-form-urlencoded", form, out);
}

apr_status_t et_http_send(apr_pool_t *p, server_rec *s, const et_oauth_conf *o, apr_time_t deadline,
                          const char *url, const char *bearer, const char *type, const char *body,
                          et_http_reply *out)
{
    call_ctx c = {p, s, NULL};
    return call(&c, o, deadline, url, bearer, type, body, out);
}

const char *et_form_add(apr_pool_t *p, const char *form, const char *name, const char *value)
{
    return apr_pstrcat(p, form ? form : "", form ? "&" : "", name, "=",
                       apr_pescape_urlencoded(p, value ? value : ""), NULL);
}

/*
 * csrf.c: the csrftoken cookie and its check, as Django's CsrfViewMiddleware
 * does it for SessionAuthentication: a random token in a cookie that scripts
 * of the site can read, repeated in a header on every unsafe request.
 */
#include "csrf.h"
#include "everytime.h"
#include "util.h"

#include <apr_general.h>
#include <apr_lib.h>
#include <string.h>
#include <util_cookies.h>

/* Readable by scripts (no HttpOnly): the client copies it into the header. */
static const char *const csrf_attrs = "Secure;SameSite=Strict;Path=/";

const char *et_csrf_new_token(apr_pool_t *p)
{
    unsigned char b[ET_CSRF_BYTES];
    if (apr_generate_random_bytes(b, sizeof(b)) != APR_SUCCESS)
        return NULL;
    return et_b64url_encode(p, b, sizeof(b));
}

int et_csrf_well_formed(const char *s)
{
    apr_size_t n = 0;
    if (!s)
        return 0;
    for (; s[n]; n++)
        if (!apr_isalnum(s[n]) && s[n] != '-' && s[n] != '_')
            return 0;
    return n == ET_CSRF_LEN;
}

int et_csrf_tokens_match(const char *cookie, const char *header)
{
    /* the length is public (always ET_CSRF_LEN); the value is compared in
     * constant time so that timing tells nothing about the cookie */
    return et_csrf_well_formed(cookie) && header && strlen(header) == ET_CSRF_LEN &&
           et_secure_equal(cookie, header, ET_CSRF_LEN);
}

int et_csrf_method_safe(int method_number)
{
    /* HEAD is M_GET with header_only; anything else may change something */
    return method_number == M_GET || method_number == M_OPTIONS || method_number == M_TRACE;
}

/* The request's csrftoken cookie when it is one of ours, else NULL. */
static const char *request_token(request_rec *r)
{
    const char *v = NULL;
    if (ap_cookie_read(r, ET_COOKIE_CSRF, &v, 0) != APR_SUCCESS || !et_csrf_well_formed(v))
        return NULL;
    return v;
}

/* Into t: err_headers_out where the answer may be an error (httpd drops
 * headers_out then), headers_out next to the token cookies. */
static void write_cookie(request_rec *r, const char *value, apr_table_t *t)
{
    long max_age = (long)et_conf(r->server)->refresh_ttl;
    if (!value) {
        ET_LOG(r, APLOG_ERR, 0, "no random bytes for a CSRF token: the cookie is not set");
        return;
    }
    ap_cookie_write(r, ET_COOKIE_CSRF, value, csrf_attrs, max_age, t, NULL);
}

int et_csrf_check(request_rec *r)
{
    const char *cookie = request_token(r);
    if (!cookie)
        write_cookie(r, et_csrf_new_token(r->pool), r->err_headers_out);
    if (et_csrf_method_safe(r->method_number) ||
        et_csrf_tokens_match(cookie, apr_table_get(r->headers_in, ET_CSRF_HEADER)))
        return 1;
    ET_LOG(r, APLOG_DEBUG, 0, "%s authenticated by cookie: CSRF token %s", r->method,
           cookie ? "missing or incorrect in " ET_CSRF_HEADER : "cookie missing");
    return 0;
}

int et_csrf_fail(et_req *q)
{
    return et_fail_detail(q, ET_E_PERMISSION_DENIED,
                          "CSRF Failed: CSRF token missing or incorrect.",
                          "CSRF 검증에 실패했습니다: CSRF 토큰이 없거나 올바르지 않습니다.");
}

void et_csrf_set_cookie(request_rec *r, int rotate)
{
    const char *keep = rotate ? NULL : request_token(r);
    write_cookie(r, keep ? keep : et_csrf_new_token(r->pool), r->headers_out);
}

void et_csrf_clear_cookie(request_rec *r)
{
    ap_cookie_remove(r, ET_COOKIE_CSRF, csrf_attrs, r->headers_out, NULL);
}

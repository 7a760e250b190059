/*
 * auth.c: reads the credentials the way simplejwt does, verifies the access
 * token and asks the revocation state. The result is kept per request, so
 * the check_authn hook and the API handler verify a token only once.
 */
#include "auth/auth.h"
#include "auth/csrf.h"
#include "auth/tokens.h"

#include <http_core.h>
#include <http_request.h>
#include <mod_auth.h>
#include <util_cookies.h>

static const char *const auth_note = "everytime-auth";

/* simplejwt's get_raw_token: a scheme other than Bearer means "no token";
 * Bearer with anything but exactly one value after it is a bad header. */
static et_auth_state raw_token(request_rec *r, const char **token, int *by_cookie)
{
    const char *h = apr_table_get(r->headers_in, "Authorization");
    const char *scheme, *rest;
    char *copy, *state;
    int parts = 0;
    *token = NULL;
    if (h) {
        copy = apr_pstrdup(r->pool, h);
        scheme = apr_strtok(copy, " ", &state);
        if (!scheme || strcmp(scheme, ET_AUTH_TYPE))
            return ET_AUTH_ANONYMOUS;
        while ((rest = apr_strtok(NULL, " ", &state)) != NULL) {
            *token = rest;
            parts++;
        }
        return parts == 1 ? ET_AUTH_OK : ET_AUTH_BAD_HEADER;
    }
    if (et_conf(r->server)->token_cookies) {
        const char *cookie = NULL;
        if (ap_cookie_read(r, ET_COOKIE_ACCESS, &cookie, 0) == APR_SUCCESS && cookie && *cookie) {
            *token = cookie;
            *by_cookie = 1;
            return ET_AUTH_OK;
        }
    }
    return ET_AUTH_ANONYMOUS;
}

static void verify(request_rec *r, et_auth_result *res, const char *token)
{
    et_srv_conf *c = et_conf(r->server);
    int live = 0;
    if (!c->configured || et_jwt_verify(r->pool, c, token, "access", apr_time_sec(apr_time_now()),
                                        &res->claims) != ET_JWT_OK) {
        res->state = ET_AUTH_BAD_TOKEN;
        return;
    }
    if (et_tokens_family_live(r, res->claims.sid, res->claims.user_id, &live) != APR_SUCCESS) {
        /* neither cache nor database could answer: deny */
        res->state = ET_AUTH_UNAVAILABLE;
        return;
    }
    res->state = live ? ET_AUTH_OK : ET_AUTH_BAD_TOKEN;
}

const et_auth_result *et_authenticate(request_rec *r)
{
    et_auth_result *res = NULL;
    const char *token;
    apr_pool_userdata_get((void **)&res, auth_note, r->pool);
    if (res)
        return res;
    res = apr_pcalloc(r->pool, sizeof(*res));
    res->state = raw_token(r, &token, &res->by_cookie);
    if (res->state == ET_AUTH_OK)
        verify(r, res, token);
    /* Django's SessionAuthentication: checked once the cookie is known to
     * authenticate, so a bad cookie stays a 401 (or anonymous) */
    if (res->state == ET_AUTH_OK && res->by_cookie && !et_csrf_check(r))
        res->state = ET_AUTH_CSRF_FAILED;
    if (res->state == ET_AUTH_OK) {
        r->user = apr_pstrdup(r->pool, res->claims.user_id);
        r->ap_auth_type = (char *)ET_AUTH_TYPE;
        apr_table_setn(r->subprocess_env, "EVERYTIME_USER_ID", res->claims.user_id);
        apr_table_setn(r->subprocess_env, "EVERYTIME_ROLE", res->claims.role);
    }
    apr_pool_userdata_setn(res, auth_note, NULL, r->pool);
    return res;
}

/* For any <Location> with "AuthType Bearer": our tokens guard other content. */
int et_check_authn(request_rec *r)
{
    const char *type = ap_auth_type(r);
    const et_auth_result *res;
    if (!type || strcasecmp(type, ET_AUTH_TYPE))
        return DECLINED;
    res = et_authenticate(r);
    switch (res->state) {
    case ET_AUTH_OK:
        return OK;
    case ET_AUTH_UNAVAILABLE:
        return HTTP_SERVICE_UNAVAILABLE;
    case ET_AUTH_CSRF_FAILED:
        return HTTP_FORBIDDEN;
    default:
        apr_table_setn(r->err_headers_out, "WWW-Authenticate", "Bearer realm=\"api\"");
        return HTTP_UNAUTHORIZED;
    }
}

void et_auth_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_check_authn(et_check_authn, NULL, NULL, APR_HOOK_MIDDLE, AP_AUTH_INTERNAL_PER_CONF);
}

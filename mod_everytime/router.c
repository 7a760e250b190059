/*
 * router.c: dispatch over the route tables of the groups it is handed,
 * walked in their order. Handlers validate, query and build a reply; this
 * file answers 404/405/401/403 and OPTIONS, reads the body and writes
 * whatever the route answered.
 */
#include "router.h"
#include "auth/auth.h"
#include "auth/csrf.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/query.h"
#include "core/body.h"
#include "core/lang.h"
#include "core/cors.h"

#include <http_protocol.h>
#include <http_request.h>

/* Compares one pattern segment with one path segment of length n. */
static int segment_matches(const char *pat, apr_size_t plen, const char *seg, apr_size_t n,
                           et_req *q, int *ni, int *nu, int *ns)
{
    if (plen == 5 && !strncmp(pat, "{str}", 5)) {
        /* any segment: the route itself tells a known value from others */
        if (n == 0 || *ns >= ET_MAX_PARAMS)
            return 0;
        q->strs[(*ns)++] = apr_pstrmemdup(q->r->pool, seg, n);
        return 1;
    }
    if (plen == 5 && !strncmp(pat, "{int}", 5)) {
        char buf[20];
        apr_int64_t v;
        if (n == 0 || n > 18 || *ni >= ET_MAX_PARAMS)
            return 0;
        memcpy(buf, seg, n);
        buf[n] = '\0';
        if (seg[0] == '-' || et_parse_i64(buf, &v) || v <= 0)
            return 0;
        q->ids[(*ni)++] = v;
        return 1;
    }
    if (plen == 6 && !strncmp(pat, "{uuid}", 6)) {
        if (n != ET_UUID_LEN || *nu >= ET_MAX_PARAMS)
            return 0;
        q->uuids[*nu] = apr_pstrmemdup(q->r->pool, seg, n);
        if (!et_is_uuid(q->uuids[*nu]))
            return 0;
        (*nu)++;
        return 1;
    }
    return plen == n && !strncmp(pat, seg, n);
}

int et_route_match(const char *pattern, const char *path, et_req *q)
{
    int ni = 0, nu = 0, ns = 0;
    while (*pattern == '/' && *path == '/') {
        const char *pend = strchr(pattern + 1, '/'), *send = strchr(path + 1, '/');
        apr_size_t plen = pend ? (apr_size_t)(pend - pattern - 1) : strlen(pattern + 1);
        apr_size_t n = send ? (apr_size_t)(send - path - 1) : strlen(path + 1);
        if (!segment_matches(pattern + 1, plen, path + 1, n, q, &ni, &nu, &ns))
            return 0;
        pattern += plen + 1;
        path += n + 1;
    }
    return *pattern == '\0' && *path == '\0';
}

static const char *method_name(int method)
{
    switch (method) {
    case M_GET:
        return "GET";
    case M_POST:
        return "POST";
    case M_PUT:
        return "PUT";
    case M_PATCH:
        return "PATCH";
    default:
        return "DELETE";
    }
}

const et_route *et_route_find(const et_group *const *groups, apr_pool_t *p, int method,
                              const char *path, et_req *q, const char **allow)
{
    const char *methods = "";
    const et_route *rt;
    for (; *groups; groups++) {
        for (rt = (*groups)->routes; rt && rt->pattern; rt++) {
            if (!et_route_match(rt->pattern, path, q))
                continue;
            if (rt->method == method)
                return rt;
            methods = apr_pstrcat(p, methods, *methods ? ", " : "", method_name(rt->method), NULL);
        }
    }
    *allow = methods;
    return NULL;
}

/* The path below the API root, without a trailing slash ("" is the root). */
static const char *route_path(request_rec *r)
{
    const char *mount = et_mount(r);
    const char *path = r->uri;
    apr_size_t n = mount ? strlen(mount) : 0;
    char *out;
    while (n && mount[n - 1] == '/')
        n--;
    if (n && !strncmp(path, mount, n) && (path[n] == '/' || path[n] == '\0'))
        path += n;
    out = apr_pstrdup(r->pool, path);
    n = strlen(out);
    if (n > 1 && out[n - 1] == '/')
        out[n - 1] = '\0';
    return out;
}

/* 401/403 for routes that need a user; NULL claims for public routes. */
static int check_access(et_req *q)
{
    const et_auth_result *a = et_authenticate(q->r);
    if (a->state == ET_AUTH_OK)
        q->user = &a->claims;
    /* on public routes too: Django refuses a cookie-authenticated write
     * without its CSRF token wherever the cookie authenticates */
    if (a->state == ET_AUTH_CSRF_FAILED)
        return et_csrf_fail(q);
    if (q->route->access == ET_PUBLIC)
        return OK;
    switch (a->state) {
    case ET_AUTH_OK:
        break;
    case ET_AUTH_BAD_HEADER:
        return et_fail(q, ET_E_BAD_AUTH_HEADER);
    case ET_AUTH_BAD_TOKEN:
        return et_fail(q, ET_E_TOKEN_NOT_VALID);
    case ET_AUTH_UNAVAILABLE:
        return et_fail_unavailable(q);
    default:
        return et_fail(q, ET_E_NOT_AUTHENTICATED);
    }
    if (q->route->access == ET_ADMIN && strcmp(q->user->role, ET_ROLE_ADMIN))
        return et_fail(q, ET_E_PERMISSION_DENIED);
    return OK;
}

/* OPTIONS: a browser's preflight from a listed origin, before any access
 * or CSRF check (a preflight carries no credentials); else the methods of
 * the path, as DRF answers it. */
static int answer_options(et_req *q, const char *allow)
{
    if (et_cors_preflight(q->r, q->conf, allow))
        return HTTP_NO_CONTENT;
    if (!*allow)
        return et_fail(q, ET_E_NOT_FOUND);
    apr_table_setn(q->r->headers_out, "Allow", apr_pstrcat(q->r->pool, allow, ", OPTIONS", NULL));
    return HTTP_OK;
}

static int dispatch(et_req *q, const et_group *const *groups)
{
    request_rec *r = q->r;
    const char *allow = "";
    int method = r->method_number, status;

    if (r->header_only)
        method = M_GET;
    q->route = et_route_find(groups, r->pool, method, route_path(r), q, &allow);
    if (method == M_OPTIONS)
        return answer_options(q, allow);
    if (!q->route) {
        if (!*allow)
            return et_fail(q, ET_E_NOT_FOUND);
        apr_table_setn(r->err_headers_out, "Allow", allow);
        return et_fail_detail(
            q, ET_E_METHOD_NOT_ALLOWED,
            apr_psprintf(r->pool, "Method \"%s\" not allowed.", ap_escape_html(r->pool, r->method)),
            apr_psprintf(r->pool, "메소드(Method) \"%s\"는 허용되지 않습니다.",
                         ap_escape_html(r->pool, r->method)));
    }
    if (!q->conf->configured)
        return et_fail_detail(q, ET_E_UNAVAILABLE, "The API is not configured on this server.",
                              "이 서버에는 API가 설정되어 있지 않습니다.");
    if (!(q->route->flags & ET_OWN_DB_CHECK) && et_db_schema_ok(r) != 1)
        return et_fail_unavailable(q);
    if ((status = check_access(q)) != OK)
        return status;
    if ((status = et_query_parse(q)) != OK)
        return status;
    if ((q->route->flags & ET_JSON_BODY) && (status = et_read_json_body(q)) != OK)
        return status;
    if (!q->body)
        q->body = et_json_obj(r->pool);
    return q->route->fn(q);
}

/* A reply that lost a string to invalid UTF-8 (a database row, a provider's
 * answer: bodies are checked on the way in) must not go out with the field
 * missing: a server error, with the key in the log. */
static int refuse_unwritable(et_req *q, int status)
{
    const char *key = et_json_error(q->r->pool);
    if (!key)
        return status;
    ET_LOG(q->r, APLOG_ERR, 0, "the reply's \"%s\" is not UTF-8: answered 500", key);
    return et_fail(q, ET_E_ERROR);
}

int et_router_handle(request_rec *r, const et_group *const *groups)
{
    et_req *q;
    int status;

    if (!r->handler || strcmp(r->handler, ET_HANDLER_NAME))
        return DECLINED;
    q = apr_pcalloc(r->pool, sizeof(*q));
    q->r = r;
    q->conf = et_conf(r->server);
    q->ko = et_prefers_korean(apr_table_get(r->headers_in, "Accept-Language"));
    /* on err_headers_out: errors keep them, a 401 and a 429 as much as a 200 */
    et_cors_headers(r, q->conf, r->err_headers_out);
    status = dispatch(q, groups);
    if (status == AP_FILTER_ERROR)
        return AP_FILTER_ERROR; /* httpd refused the body and has answered */
    status = refuse_unwritable(q, status);
    /* The status first: after one that drops the connection (413, 400)
     * ap_discard_request_body reads nothing, so a declared 500 MB body is
     * not drained; after any other, what was not read is skipped so that
     * keep-alive is not confused, and a body httpd refuses on the way
     * (bad chunking) is answered by httpd alone. */
    r->status = status;
    if (ap_status_drops_connection(status))
        r->connection->keepalive = AP_CONN_CLOSE;
    if (ap_discard_request_body(r) == AP_FILTER_ERROR)
        return AP_FILTER_ERROR;
    apr_table_mergen(r->headers_out, "Vary", "Accept-Language");
    if (status == HTTP_NO_CONTENT || (!q->reply && !q->reply_text))
        return OK;
    ap_set_content_type(r, "application/json");
    if ((q->reply ? et_json_send(r, q->reply)
                  : et_json_send_text(r, q->reply_text, q->reply_text_len)) != APR_SUCCESS)
        ET_LOG(r, APLOG_INFO, 0, "the client went away mid-reply");
    return OK;
}

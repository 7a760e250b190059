/*
 * router.c: one static table of routes, walked by one function. Handlers
 * validate, query and build a reply; this file answers 404/405/401/403,
 * reads the body and writes whatever the route answered.
 */
#include "router.h"
#include "api.h"
#include "auth.h"
#include "csrf.h"
#include "util.h"

#include <http_protocol.h>
#include <http_request.h>

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_POST, "/accounts/signup", et_accounts_signup, ET_PUBLIC, ET_JSON_BODY},
    {M_POST, "/accounts/login", et_accounts_login, ET_PUBLIC, ET_JSON_BODY},
    {M_POST, "/accounts/token_refresh", et_accounts_refresh, ET_PUBLIC, ET_JSON_BODY},
    {M_POST, "/accounts/token_verify", et_accounts_verify, ET_PUBLIC, ET_JSON_BODY},
    {M_POST, "/accounts/logout", et_accounts_logout, ET_USER, ET_JSON_BODY},
    {M_POST, "/accounts/logout_all", et_accounts_logout_all, ET_USER, 0},
    {M_GET, "/accounts/me", et_accounts_me_get, ET_USER, 0},
    {M_PATCH, "/accounts/me", et_accounts_me_patch, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/accounts/me", et_accounts_me_delete, ET_USER, ET_JSON_BODY},
    {M_POST, "/auth/login", et_social_login, ET_PUBLIC, ET_JSON_BODY},
    /* the signToken comes in X-ACCESS-TOKEN, read by the route itself */
    {M_POST, "/auth/signup", et_social_signup, ET_PUBLIC, ET_JSON_BODY},
    /* public: the Bearer token here is Kakao's, read by the route itself */
    {M_POST, "/accounts/kakao", et_social_kakao, ET_PUBLIC, 0},
    {M_GET, "/schools", et_schools_list, ET_PUBLIC, 0},
    {M_POST, "/schools", et_schools_create, ET_ADMIN, ET_JSON_BODY},
    {M_GET, "/boards", et_boards_list, ET_PUBLIC, 0},
    {M_POST, "/boards", et_boards_create, ET_USER, ET_JSON_BODY},
    {M_GET, "/boards/{int}", et_boards_get, ET_PUBLIC, 0},
    {M_PATCH, "/boards/{int}", et_boards_patch, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/boards/{int}", et_boards_delete, ET_USER, 0},
    {M_POST, "/boards/{int}/favorite", et_boards_favorite, ET_USER, 0},
    {M_DELETE, "/boards/{int}/favorite", et_boards_unfavorite, ET_USER, 0},
    {M_GET, "/me/boards", et_boards_mine, ET_USER, 0},
    {M_GET, "/boards/{int}/posts", et_posts_board_list, ET_PUBLIC, 0},
    {M_GET, "/posts", et_posts_list, ET_PUBLIC, 0},
    {M_POST, "/posts", et_posts_create, ET_USER, ET_JSON_BODY},
    {M_GET, "/posts/hot", et_posts_hot, ET_PUBLIC, 0},
    {M_GET, "/posts/{int}", et_posts_get, ET_PUBLIC, 0},
    {M_PUT, "/posts/{int}", et_posts_put, ET_USER, ET_JSON_BODY},
    {M_PATCH, "/posts/{int}", et_posts_patch, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/posts/{int}", et_posts_delete, ET_USER, 0},
    {M_GET, "/me/posts", et_posts_mine, ET_USER, 0},
    {M_POST, "/posts/{int}/like", et_posts_like, ET_USER, 0},
    {M_DELETE, "/posts/{int}/like", et_posts_unlike, ET_USER, 0},
    {M_POST, "/posts/{int}/scrap", et_posts_scrap, ET_USER, 0},
    {M_DELETE, "/posts/{int}/scrap", et_posts_unscrap, ET_USER, 0},
    {M_GET, "/me/scraps", et_me_scraps, ET_USER, 0},
    {M_GET, "/posts/{int}/comments", et_comments_list, ET_PUBLIC, 0},
    {M_POST, "/posts/{int}/comments", et_comments_create, ET_USER, ET_JSON_BODY},
    {M_PATCH, "/comments/{int}", et_comments_patch, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/comments/{int}", et_comments_delete, ET_USER, 0},
    {M_POST, "/comments/{int}/like", et_comments_like, ET_USER, 0},
    {M_DELETE, "/comments/{int}/like", et_comments_unlike, ET_USER, 0},
    {M_GET, "/me/comments", et_me_comments, ET_USER, 0},
    {M_POST, "/messages", et_messages_start, ET_USER, ET_JSON_BODY},
    {M_GET, "/messages", et_messages_conversations, ET_USER, 0},
    {M_GET, "/messages/{int}", et_messages_read, ET_USER, 0},
    {M_POST, "/messages/{int}", et_messages_reply, ET_USER, ET_JSON_BODY},
    /* no ET_JSON_BODY: the upload streams its own body (upload.c) */
    {M_POST, "/posts/{int}/media", et_media_upload, ET_USER, 0},
    {M_DELETE, "/media/{int}", et_media_delete, ET_USER, 0},
    {M_GET, "/courses", et_courses_list, ET_PUBLIC, 0},
    {M_POST, "/courses", et_courses_create, ET_ADMIN, ET_JSON_BODY},
    {M_GET, "/courses/{int}", et_courses_get, ET_PUBLIC, 0},
    {M_GET, "/timetables", et_timetables_list, ET_USER, 0},
    {M_POST, "/timetables", et_timetables_create, ET_USER, ET_JSON_BODY},
    {M_GET, "/timetables/{int}", et_timetables_get, ET_USER, 0},
    {M_PATCH, "/timetables/{int}", et_timetables_patch, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/timetables/{int}", et_timetables_delete, ET_USER, 0},
    {M_POST, "/timetables/{int}/courses", et_timetables_add_course, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/timetables/{int}/courses/{int}", et_timetables_remove_course, ET_USER, 0},
    {M_GET, "/me/courses", et_timetables_history, ET_USER, 0},
    {M_GET, "/course-infos/{int}/reviews", et_reviews_list, ET_PUBLIC, 0},
    {M_POST, "/course-infos/{int}/reviews", et_reviews_create, ET_USER, ET_JSON_BODY},
    {M_PATCH, "/reviews/{int}", et_reviews_patch, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/reviews/{int}", et_reviews_delete, ET_USER, 0},
    {M_POST, "/friends/requests", et_friends_request, ET_USER, ET_JSON_BODY},
    {M_GET, "/friends/requests", et_friends_requests, ET_USER, 0},
    {M_POST, "/friends/requests/{int}/accept", et_friends_accept, ET_USER, 0},
    {M_POST, "/friends/requests/{int}/reject", et_friends_reject, ET_USER, 0},
    {M_GET, "/friends", et_friends_list, ET_USER, 0},
    {M_DELETE, "/friends/{uuid}", et_friends_delete, ET_USER, 0},
    {M_GET, "/friends/{uuid}/timetable", et_friends_timetable, ET_USER, 0},
    {M_GET, "/health", et_ops_health, ET_PUBLIC, ET_OWN_DB_CHECK},
    {M_GET, "/schema", et_ops_schema, ET_PUBLIC, ET_OWN_DB_CHECK},
};

#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

/* Compares one pattern segment with one path segment of length n. */
static int segment_matches(const char *pat, apr_size_t plen, const char *seg, apr_size_t n,
                           et_req *q, int *ni, int *nu)
{
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
    int ni = 0, nu = 0;
    while (*pattern == '/' && *path == '/') {
        const char *pend = strchr(pattern + 1, '/'), *send = strchr(path + 1, '/');
        apr_size_t plen = pend ? (apr_size_t)(pend - pattern - 1) : strlen(pattern + 1);
        apr_size_t n = send ? (apr_size_t)(send - path - 1) : strlen(path + 1);
        if (!segment_matches(pattern + 1, plen, path + 1, n, q, &ni, &nu))
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

const et_route *et_route_find(apr_pool_t *p, int method, const char *path, et_req *q,
                              const char **allow)
{
    apr_size_t i;
    const char *methods = "";
    for (i = 0; i < N_ROUTES; i++) {
        if (!et_route_match(routes[i].pattern, path, q))
            continue;
        if (routes[i].method == method)
            return &routes[i];
        methods = apr_pstrcat(p, methods, *methods ? ", " : "", method_name(routes[i].method),
                              NULL);
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

static int dispatch(et_req *q)
{
    request_rec *r = q->r;
    const char *allow = "";
    int method = r->method_number, status;

    if (r->header_only)
        method = M_GET;
    q->route = et_route_find(r->pool, method, route_path(r), q, &allow);
    if (!q->route) {
        if (!*allow)
            return et_fail(q, ET_E_NOT_FOUND);
        apr_table_setn(r->err_headers_out, "Allow", allow);
        return et_fail_detail(q, ET_E_METHOD_NOT_ALLOWED,
                              apr_psprintf(r->pool, "Method \"%s\" not allowed.",
                                           ap_escape_html(r->pool, r->method)),
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
        q->body = et_json_object(r->pool);
    return q->route->fn(q);
}

int et_handler(request_rec *r)
{
    et_req *q;
    int status;

    if (!r->handler || strcmp(r->handler, ET_HANDLER_NAME))
        return DECLINED;
    q = apr_pcalloc(r->pool, sizeof(*q));
    q->r = r;
    q->conf = et_conf(r->server);
    q->ko = et_prefers_korean(apr_table_get(r->headers_in, "Accept-Language"));
    status = dispatch(q);
    if (status == AP_FILTER_ERROR)
        return AP_FILTER_ERROR; /* httpd refused the body and has answered */
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
        ET_LOG(r, APLOG_INFO, 0, APLOGNO(10520) "the client went away mid-reply");
    return OK;
}

/*
 * http_errors.c: httpd's own error answers under the API location, as the
 * API's {"detail", "code"} in English or Korean, with nothing to configure.
 *
 * httpd refuses some requests itself, before or while our handler runs: a
 * request line over LimitRequestLine (414) or a header over
 * LimitRequestFieldSize (400) in ap_read_request, %2F in the path (404)
 * before the location is merged, a body over LimitRequestBody (413) or
 * badly chunked (400) while the handler reads it. Each goes through ap_die()
 * to ap_send_error_response(), which writes HTML but runs the
 * insert_error_filter hook first. There, for a request whose location is
 * served by our handler, a filter is added that drops the HTML and sends the
 * JSON instead. The early refusals come before the <Location> sections are
 * merged, so the hook merges them itself (ap_location_walk) to find out.
 */
#include "core/http_errors.h"
#include "core/request.h"
#include "core/errors.h"
#include "core/lang.h"
#include "core/cors.h"

#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>

#define ET_ERROR_FILTER "EVERYTIME_ERROR_JSON"

static ap_filter_rec_t *error_filter;

/* The path of a request line httpd gave up on unparsed (over
 * LimitRequestLine): r->the_request keeps its first bytes. NULL if none. */
static const char *request_line_path(request_rec *r)
{
    const char *path = r->the_request ? strchr(r->the_request, ' ') : NULL;
    if (!path)
        return NULL;
    path += strspn(path, " ");
    return apr_pstrmemdup(r->pool, path, strcspn(path, " ?#"));
}

/* The handler core's type checker sets for r's merged configuration. */
static const char *configured_handler(request_rec *r)
{
    core_dir_config *d = ap_get_core_module_config(r->per_dir_config);
    const char *err = NULL, *h;
    if (!d->expr_handler)
        return d->handler;
    h = ap_expr_str_exec(r, d->expr_handler, &err);
    return err ? NULL : h;
}

/* Whether r is addressed to the API, even when httpd refused it before
 * merging its location. */
static int is_api_request(request_rec *r)
{
    const char *h;
    if (r->handler)
        return !strcmp(r->handler, ET_HANDLER_NAME);
    if (r->per_dir_config == r->server->lookup_defaults) {
        char *saved = r->uri;
        const char *uri = r->uri ? r->uri : request_line_path(r);
        int rc;
        if (!uri || uri[0] != '/')
            return 0;
        r->uri = (char *)uri;
        rc = ap_location_walk(r);
        r->uri = saved;
        if (rc != OK)
            return 0;
    }
    h = configured_handler(r);
    return h && !strcmp(h, ET_HANDLER_NAME);
}

/* The API's error for r->status, sent down the chain in place of httpd's. */
static apr_status_t send_json(request_rec *r, ap_filter_t *next)
{
    apr_bucket_alloc_t *ba = r->connection->bucket_alloc;
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, ba);
    et_req q;
    char *dumped;
    const char *text;
    apr_size_t len;

    memset(&q, 0, sizeof(q));
    q.r = r;
    q.ko = et_prefers_korean(apr_table_get(r->headers_in, "Accept-Language"));
    dumped = json_dumps(et_status_json(&q, r->status), JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!dumped)
        return APR_ENOMEM;
    text = apr_pstrdup(r->pool, dumped);
    free(dumped);
    len = strlen(text);
    ap_set_content_type(r, "application/json");
    ap_set_content_length(r, (apr_off_t)len);
    apr_table_mergen(r->headers_out, "Vary", "Accept-Language");
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_pool_create(text, len, r->pool, ba));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(ba));
    return ap_pass_brigade(next, bb);
}

/* Swallows httpd's HTML error page, then answers JSON at its end. */
static apr_status_t error_json_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    apr_bucket *b;
    ap_filter_t *next = f->next;
    for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b))
        if (APR_BUCKET_IS_EOS(b))
            break;
    if (b == APR_BRIGADE_SENTINEL(bb)) {
        apr_brigade_cleanup(bb);
        return APR_SUCCESS;
    }
    apr_brigade_cleanup(bb);
    ap_remove_output_filter(f);
    return send_json(f->r, next);
}

/* ap_send_error_response runs this hook, then keeps only err_headers_out:
 * the CORS headers are there when the handler ran, and set there when
 * httpd refused the request before it. */
static void insert_error_json(request_rec *r)
{
    if (!ap_is_HTTP_ERROR(r->status) || !is_api_request(r))
        return;
    ap_add_output_filter_handle(error_filter, NULL, r, r->connection);
    et_cors_headers(r, et_conf(r->server), r->err_headers_out);
}

void et_http_errors_register_hooks(apr_pool_t *p)
{
    (void)p;
    error_filter =
        ap_register_output_filter(ET_ERROR_FILTER, error_json_filter, NULL, AP_FTYPE_RESOURCE);
    ap_hook_insert_error_filter(insert_error_json, NULL, NULL, APR_HOOK_MIDDLE);
}

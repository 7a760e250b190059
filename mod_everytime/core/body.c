/*
 * body.c: the request body: read under the size cap, checked as JSON; and how a
 * body the input filters refused is answered.
 */
#include "core/body.h"
#include "infra/util.h"

#include <apr_lib.h>
#include <http_protocol.h>

int et_fail_body_read(et_req *q, apr_status_t rv)
{
    int status = ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
    if (status == AP_FILTER_ERROR) {
        q->reply = NULL; /* httpd has answered: LimitRequestBody, bad chunking */
        return AP_FILTER_ERROR;
    }
    if (status == HTTP_BAD_REQUEST)
        return et_fail_detail(q, ET_E_PARSE, "The request body could not be read.",
                              "요청 본문을 읽을 수 없습니다.");
    q->reply = et_status_json(q, status);
    return status;
}

/* Content-Type is JSON: application/json, optionally with parameters. */
static int is_json_type(const char *ct)
{
    apr_size_t n = strlen("application/json");
    if (!ct || strncasecmp(ct, "application/json", n))
        return 0;
    return ct[n] == '\0' || ct[n] == ';' || apr_isspace(ct[n]);
}

/* Reads the whole body into memory, refusing more than max bytes: APR_ENOSPC
 * when it is larger, as httpd's own body limit says it (413 through
 * ap_map_http_request_error); any other failure is the input filters'. */
static apr_status_t read_body(request_rec *r, apr_off_t max, char **out, apr_size_t *len)
{
    apr_bucket_brigade *all = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_off_t total = 0;
    int seen_eos = 0;
    apr_status_t rv;
    char *buf;
    apr_size_t n;

    while (!seen_eos) {
        apr_bucket *b;
        apr_off_t got = 0;
        rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES, APR_BLOCK_READ, 8192);
        if (rv != APR_SUCCESS)
            return rv;
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b))
            if (APR_BUCKET_IS_EOS(b))
                seen_eos = 1;
        apr_brigade_length(bb, 1, &got);
        total += got;
        if (total > max)
            return APR_ENOSPC;
        APR_BRIGADE_CONCAT(all, bb);
        if (!got && !seen_eos)
            break; /* a filter that gives nothing and no EOS: stop, do not spin */
    }
    n = (apr_size_t)total;
    buf = apr_palloc(r->pool, n + 1);
    rv = apr_brigade_flatten(all, buf, &n);
    if (rv != APR_SUCCESS)
        return rv;
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return APR_SUCCESS;
}

int et_read_json_body(et_req *q)
{
    request_rec *r = q->r;
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    const char *err = NULL;
    char *text = NULL;
    apr_size_t len = 0;
    apr_int64_t declared;
    json_t *v;
    apr_status_t rv;

    if (cl && et_parse_i64(cl, &declared) == 0 && declared > q->conf->max_body)
        return et_fail(q, ET_E_TOO_LARGE);
    if ((rv = read_body(r, q->conf->max_body, &text, &len)) != APR_SUCCESS)
        return et_fail_body_read(q, rv);
    if (len == 0) {
        q->body = et_json_obj(r->pool);
        return OK;
    }
    if (!is_json_type(apr_table_get(r->headers_in, "Content-Type")))
        return et_fail(q, ET_E_UNSUPPORTED_MEDIA);
    if (!(v = et_json_parse(r->pool, text, len, &err)))
        return et_fail_detail(q, ET_E_PARSE, err, "JSON 파싱 오류입니다.");
    if (!json_is_object(v)) {
        et_field_not_object(q, "non_field_errors", v);
        return et_fail_invalid(q);
    }
    q->body = v;
    return OK;
}

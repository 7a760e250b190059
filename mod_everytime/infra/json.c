/*
 * json.c: every value we create belongs to a pool through a cleanup, so an
 * early return cannot leak it; replies go out through json_dump_callback.
 */
#include "infra/json.h"

#include <apr_strings.h>
#include <http_protocol.h>
#include <util_filter.h>

static apr_status_t release(void *data)
{
    json_decref((json_t *)data);
    return APR_SUCCESS;
}

json_t *et_json_own(apr_pool_t *p, json_t *v)
{
    if (v)
        apr_pool_cleanup_register(p, v, release, apr_pool_cleanup_null);
    return v;
}

json_t *et_json_obj(apr_pool_t *p)
{
    return et_json_own(p, json_object());
}

json_t *et_json_arr(apr_pool_t *p)
{
    return et_json_own(p, json_array());
}

#define ERROR_KEY "et_json_error"

/* The first refusal is the one worth logging: keep it. */
static void refuse(apr_pool_t *p, const char *key)
{
    if (!et_json_error(p))
        apr_pool_userdata_setn(apr_pstrdup(p, key), ERROR_KEY, NULL, p);
}

const char *et_json_error(apr_pool_t *p)
{
    void *key = NULL;
    apr_pool_userdata_get(&key, ERROR_KEY, p);
    return key;
}

/* A new reference to val as a JSON string, JSON null for NULL, NULL when
 * val is not UTF-8 (recorded under key). */
static json_t *string_or_null(apr_pool_t *p, const char *key, const char *val)
{
    json_t *s;
    if (!val)
        return json_null();
    if (!(s = json_string(val)))
        refuse(p, key);
    return s;
}

void et_json_set(json_t *o, const char *key, json_t *v)
{
    json_object_set(o, key, v ? v : json_null());
}

void et_json_push(json_t *a, json_t *v)
{
    json_array_append(a, v ? v : json_null());
}

json_t *et_json_parse(apr_pool_t *p, const char *text, apr_size_t len, const char **err)
{
    json_error_t e;
    json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
    if (!v) {
        *err =
            apr_psprintf(p, "JSON parse error - %s (line %d, column %d)", e.text, e.line, e.column);
        return NULL;
    }
    /* JSON_ALLOW_NUL lets us see and refuse NUL in strings ourselves instead of
     * a confusing parser message; strings are checked by the field readers. */
    return et_json_own(p, v);
}

typedef struct {
    apr_bucket_brigade *bb;
    request_rec *r;
} dump_ctx;

static int dump_to_brigade(const char *buf, size_t len, void *data)
{
    dump_ctx *ctx = data;
    return apr_brigade_write(ctx->bb, NULL, NULL, buf, len) == APR_SUCCESS ? 0 : -1;
}

apr_status_t et_json_send(request_rec *r, json_t *v)
{
    dump_ctx ctx;
    apr_off_t len = 0;
    ctx.r = r;
    ctx.bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    /* 15 significant digits print a double such as 4.3 as "4.3", where
     * jansson's default of 17 prints "4.2999999999999998" */
    if (json_dump_callback(v, dump_to_brigade, &ctx,
                           JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_ENCODE_ANY |
                               JSON_REAL_PRECISION(15)) != 0)
        return APR_EGENERAL;
    apr_brigade_length(ctx.bb, 1, &len);
    ap_set_content_length(r, len);
    APR_BRIGADE_INSERT_TAIL(ctx.bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    return ap_pass_brigade(r->output_filters, ctx.bb);
}

apr_status_t et_json_send_text(request_rec *r, const char *text, apr_size_t len)
{
    apr_bucket_alloc_t *ba = r->connection->bucket_alloc;
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, ba);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_immortal_create(text, len, ba));
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(ba));
    ap_set_content_length(r, (apr_off_t)len);
    return ap_pass_brigade(r->output_filters, bb);
}

void et_json_set_str(apr_pool_t *p, json_t *o, const char *key, const char *val)
{
    json_t *s = string_or_null(p, key, val);
    json_object_set_new(o, key, s ? s : json_null());
}

void et_json_set_int(json_t *o, const char *key, apr_int64_t val)
{
    json_object_set_new(o, key, json_integer((json_int_t)val));
}

void et_json_set_bool(json_t *o, const char *key, int val)
{
    json_object_set_new(o, key, json_boolean(val));
}

void et_json_set_real(json_t *o, const char *key, double val)
{
    json_object_set_new(o, key, json_real(val));
}

void et_json_set_null(json_t *o, const char *key)
{
    json_object_set_new(o, key, json_null());
}

void et_json_push_str(apr_pool_t *p, json_t *a, const char *val)
{
    json_t *s = string_or_null(p, "[]", val);
    json_array_append_new(a, s ? s : json_null());
}

const char *et_json_text(apr_pool_t *p, json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    const char *copy = text ? apr_pstrdup(p, text) : NULL;
    free(text);
    return copy;
}

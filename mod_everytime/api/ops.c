/*
 * api/ops.c: health and the OpenAPI document.
 */
#include "api/groups.h"
#include "infra/cache.h"
#include "infra/util.h"

#include <http_protocol.h>
#include <unistd.h>

static const et_stmt statements[] = {
    {"et_ops_ping", "", 1, "SELECT 1", NULL, NULL},
    {"et_db_schema_version", "", 1, "SELECT MAX(version) FROM schema_version", NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* Generated at build time from docs/openapi.json (build/embed): the bytes
 * and their ETag, the quoted SHA-256 of the bytes. */
extern const char et_openapi_json[];
extern const apr_size_t et_openapi_json_len;
extern const char et_openapi_json_etag[];

static int database_ok(et_req *q)
{
    et_rows *rows;
    return et_db_select(q->r, "et_ops_ping", &rows) == APR_SUCCESS && rows->nrows == 1;
}

/* The token cache takes a store and answers a read. Under load shmcb may
 * evict our probe between the two: a miss is not a failure, an error is. */
static int cache_ok(et_req *q)
{
    const char *key = apr_psprintf(q->r->pool, "h:%" APR_PID_T_FMT, getpid());
    char buf[8];
    apr_size_t len = sizeof(buf) - 1;
    apr_status_t rv;
    if (et_cache_put(q->r, key, "ok", apr_time_from_sec(10)) != APR_SUCCESS)
        return 0;
    rv = et_cache_get(q->r, key, buf, &len);
    return rv == APR_SUCCESS || rv == APR_NOTFOUND;
}

static int et_ops_health(et_req *q)
{
    int db = database_ok(q), cache = cache_ok(q);
    json_t *o = et_json_obj(q->r->pool);
    et_json_set_str(q->r->pool, o, "status", db && cache ? "ok" : "unavailable");
    et_json_set_str(q->r->pool, o, "database", db ? "ok" : "unavailable");
    et_json_set_str(q->r->pool, o, "token_cache", cache ? "ok" : "unavailable");
    return et_reply(q, db && cache ? HTTP_OK : HTTP_SERVICE_UNAVAILABLE, o);
}

/* The document as it was built in, never parsed or re-dumped here (its
 * validity is a test's concern: t/api/schema.t). A client holding it asks
 * with If-None-Match and gets a bodiless 304; httpd's own conditional logic
 * decides (weak comparison, lists, "*"). */
static int et_ops_schema(et_req *q)
{
    apr_table_setn(q->r->headers_out, "ETag", et_openapi_json_etag);
    if (ap_meets_conditions(q->r) == HTTP_NOT_MODIFIED)
        return HTTP_NOT_MODIFIED;
    q->reply_text = et_openapi_json;
    q->reply_text_len = et_openapi_json_len;
    return HTTP_OK;
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {{M_GET, "/health", et_ops_health, ET_PUBLIC, ET_OWN_DB_CHECK},
                                  {M_GET, "/schema", et_ops_schema, ET_PUBLIC, ET_OWN_DB_CHECK},
                                  ET_ROUTES_END};

const et_group et_api_ops = {"ops", statements, routes};

/*
 * json.h: jansson values owned by a pool, parsing under our rules, and
 * dumping straight into the output brigade (the mod_md way).
 */
#ifndef ET_JSON_H
#define ET_JSON_H

#include <stddef.h> /* before APR: see everytime.h */

#include <httpd.h>
#include <jansson.h>

/* Hands v to the pool: it is released when the pool is. Returns v. */
json_t *et_json_own(apr_pool_t *p, json_t *v);
json_t *et_json_object(apr_pool_t *p);

/* Parses text; duplicates keys are refused. NULL with *err set on failure. */
json_t *et_json_parse(apr_pool_t *p, const char *text, apr_size_t len, const char **err);

/* Writes v as the response body (Content-Type set by the caller). */
apr_status_t et_json_send(request_rec *r, json_t *v);
/* Writes JSON text that outlives the request (a static document) as the
 * response body, without copying it. */
apr_status_t et_json_send_text(request_rec *r, const char *text, apr_size_t len);

/* Setters that take pool strings and may be given NULL for JSON null. */
void et_json_set_str(json_t *o, const char *key, const char *val);
void et_json_set_int(json_t *o, const char *key, apr_int64_t val);
void et_json_set_bool(json_t *o, const char *key, int val);

#endif

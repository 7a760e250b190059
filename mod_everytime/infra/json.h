/*
 * json.h: jansson values owned by a pool, parsing under our rules, and
 * dumping straight into the output brigade (the mod_md way).
 */
#ifndef ET_JSON_H
#define ET_JSON_H

#include <stddef.h> /* before APR: see everytime.h */

#include <httpd.h>
#include <jansson.h>

/*
 * Ownership, one rule for the whole module: every value a builder makes
 * belongs to a pool (et_json_obj, et_json_arr, et_json_own),
 * whose cleanup drops that one reference. Putting a value into a container
 * (et_json_set, et_json_push) gives the container a reference of its own, so
 * ownership never moves: a value may sit in two containers, be returned, or
 * be dropped on an early return, and is released exactly once, with the
 * pool. jansson's stealing calls (json_object_set_new, json_array_append_new)
 * are used in json.c only, on values that never leave it.
 */

/* Hands v to the pool: it is released when the pool is. Returns v. */
json_t *et_json_own(apr_pool_t *p, json_t *v);
json_t *et_json_obj(apr_pool_t *p);
json_t *et_json_arr(apr_pool_t *p);

/* Adds the container's own reference to v (NULL sets JSON null). */
void et_json_set(json_t *o, const char *key, json_t *v);
void et_json_push(json_t *a, json_t *v);

/*
 * Setters that create the scalar and hand it straight to the container. A
 * string may be NULL for JSON null. A string that is not UTF-8 (a database
 * row or a provider's answer: request bodies are checked on the way in)
 * cannot be written as JSON: its key is recorded on the pool and the reply
 * must not go out without it, so the router answers 500 naming the key
 * (et_json_error) instead of a reply with a field missing.
 */
void et_json_set_str(apr_pool_t *p, json_t *o, const char *key, const char *val);
void et_json_set_int(json_t *o, const char *key, apr_int64_t val);
void et_json_set_bool(json_t *o, const char *key, int val);
void et_json_set_real(json_t *o, const char *key, double val);
void et_json_set_null(json_t *o, const char *key);
void et_json_push_str(apr_pool_t *p, json_t *a, const char *val);

/* The key (or "[]" for an array element) of the first string
 * et_json_set_str or et_json_push_str refused on pool p, or NULL. */
const char *et_json_error(apr_pool_t *p);

/* v as compact JSON text (keys in insertion order) from p, or NULL. */
const char *et_json_text(apr_pool_t *p, json_t *v);

/* Parses text; duplicates keys are refused. NULL with *err set on failure. */
json_t *et_json_parse(apr_pool_t *p, const char *text, apr_size_t len, const char **err);

/* Writes v as the response body (Content-Type set by the caller). */
apr_status_t et_json_send(request_rec *r, json_t *v);
/* Writes JSON text that outlives the request (a static document) as the
 * response body, without copying it. */
apr_status_t et_json_send_text(request_rec *r, const char *text, apr_size_t len);

#endif

/*
 * cache.h: the token cache (token state, JWKS refetch marker, health):
 * an ap_socache provider (shmcb), or our own redis/memcached client
 * (cache_remote.h) for the shared ones. The cache only ever accelerates:
 * callers must be correct when it forgets, fails or is skipped.
 */
#ifndef ET_CACHE_H
#define ET_CACHE_H

#include "core/config.h"
#include "infra/cache_proto.h" /* et_cache_new_generation */

#define ET_CACHE_MUTEX_TYPE "everytime-cache"

/* Directive: EverytimeTokenCache provider[:args]. */
const char *et_cache_configure(cmd_parms *cmd, const char *spec, et_cache **out);

/* Hooks. */
int et_cache_pre_config(apr_pool_t *pconf);
int et_cache_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);
void et_cache_child_init(apr_pool_t *pchild, server_rec *s);

/* Request-time operations. A value is at most ET_CACHE_MAX_VALUE bytes. */
#define ET_CACHE_MAX_VALUE 256
apr_status_t et_cache_get(request_rec *r, const char *key, char *buf, apr_size_t *len);
apr_status_t et_cache_put(request_rec *r, const char *key, const char *val,
                          apr_interval_time_t ttl);
/* Stores val only when key holds nothing, so an answer read from the database
 * before a concurrent revocation cannot overwrite the revocation. */
apr_status_t et_cache_put_if_absent(request_rec *r, const char *key, const char *val,
                                    apr_interval_time_t ttl);
apr_status_t et_cache_remove(request_rec *r, const char *key);

/* The status of an operation that did not ask the cache: a shared cache
 * that failed a moment ago is skipped by the process for a back-off. */
#define ET_CACHE_SKIPPED (APR_OS_START_USERERR + 801)
/* et_cache_get_many: the length of a key that holds nothing */
#define ET_CACHE_ABSENT ((apr_size_t)-1)
/* The key of the cache's generation: a value renewed whenever a write that
 * other nodes must see may not have landed. An entry that names the
 * generation it was written under is void once it changes. */
#define ET_CACHE_GENERATION_KEY "g"

typedef enum {
    ET_STORE_SET,     /* store, replacing */
    ET_STORE_ADD,     /* store only where the key holds nothing (atomic) */
    ET_STORE_REQUIRED /* store, replacing; other nodes must see it: when it
                       * cannot be stored now, the generation is renewed
                       * before this process trusts the cache again */
} et_cache_store_mode;

/* Reads n keys that share one route (a shared cache keeps them on one
 * server) in one round trip. lens[i] is ET_CACHE_ABSENT for a missing key. */
apr_status_t et_cache_get_many(request_rec *r, const char *route, int n, const char *const *keys,
                               char (*vals)[ET_CACHE_MAX_VALUE], apr_size_t *lens);
/* Stores val under key, on route's server; ttl 0: no expiry. APR_EEXIST:
 * ET_STORE_ADD found the key taken. */
apr_status_t et_cache_store(request_rec *r, const char *route, et_cache_store_mode mode,
                            const char *key, const char *val, apr_interval_time_t ttl);

#endif

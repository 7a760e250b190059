/*
 * cache.h: the socache consumer (token state, login throttling, health).
 * The cache only ever accelerates: callers must be correct when it forgets.
 */
#ifndef ET_CACHE_H
#define ET_CACHE_H

#include "core/config.h"

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

#endif

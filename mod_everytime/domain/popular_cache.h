/*
 * domain/popular_cache.h: each process's short-lived copy of the ranking of
 * 실시간 인기 글 (GET /posts/popular/): the ids of the top posts per
 * configuration (virtual host) and school, so that the ranking statement,
 * whose cost grows with the 48-hour window, runs once per TTL instead of
 * once per request. Only ids are kept: the posts themselves, the viewer's
 * flags and whether they are still live are read on every request.
 */
#ifndef ET_POPULAR_CACHE_H
#define ET_POPULAR_CACHE_H

#include <apr_pools.h>
#include <apr_time.h>
#include <httpd.h>

#define ET_POPULAR_MAX 20 /* posts in the list */

typedef struct {
    int count;
    apr_int64_t ids[ET_POPULAR_MAX]; /* best first */
} et_popular_ids;

/* child_init: the table and its mutex, from the process's pool. Without the
 * mutex (logged) every lookup misses and the ranking is read each time. */
void et_popular_cache_child_init(apr_pool_t *pchild, server_rec *s);

/* 1 with *out filled when this process holds a ranking of (owner, school)
 * that has not expired at now; 0 otherwise. owner tells configurations
 * (and so databases) apart: the caller's et_srv_conf. */
int et_popular_cache_get(const void *owner, apr_int64_t school, apr_time_t now,
                         et_popular_ids *out);

/* Keeps a ranking until expires, in place of the oldest one when full. */
void et_popular_cache_put(const void *owner, apr_int64_t school, apr_time_t expires,
                          const et_popular_ids *ids);

#endif

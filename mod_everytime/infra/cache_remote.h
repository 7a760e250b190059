/*
 * cache_remote.h: our own clients for the shared token caches, redis and
 * memcached, behind the EverytimeTokenCache values operators already write
 * ("redis:host:port[,host:port]", "memcache:host:port[,...]").
 *
 * Why not mod_socache_redis/memcache: apr-util 1.6 cannot bound a read
 * (apr_redis multiplies a timeout already in microseconds by a million), so
 * a hung server held every request. Here every exchange has a deadline
 * (EverytimeCacheTimeout, connect + write + read); a server that misses it
 * is skipped by the whole process for a back-off (cache_health.h) and a
 * thread of the process probes it until it answers again.
 *
 * With several servers a key goes to one of them by a hash of its route (a
 * string the caller names: the keys of one family share one), the same on
 * every node. Keys are stored as "everytime:<key>".
 */
#ifndef ET_CACHE_REMOTE_H
#define ET_CACHE_REMOTE_H

#include "infra/cache.h"

typedef enum { ET_REMOTE_REDIS, ET_REMOTE_MEMCACHE } et_remote_kind;

/* Is name a provider this file serves? Sets *kind. */
int et_remote_kind_of(const char *name, et_remote_kind *kind);
/* Parses and resolves "host[:port][,host[:port]...]" (NULL: 127.0.0.1). */
const char *et_remote_create(apr_pool_t *p, et_remote_kind kind, const char *args, et_remote **out);
/* post_config: the remote is used by server s; probes wait at most timeout. */
void et_remote_register(et_remote *rc, apr_pool_t *pconf, server_rec *s,
                        apr_interval_time_t timeout);
/* child_init: the per-process locks, and the thread that probes failed servers. */
void et_remote_child_init(apr_pool_t *pchild, server_rec *s);

/* Reads keys[0..n), all held by route's server, in one round trip:
 * lens[i] is ET_CACHE_ABSENT for a key that holds nothing. */
apr_status_t et_remote_get_many(et_remote *rc, request_rec *r, const char *route, int n,
                                const char *const *keys, char (*vals)[ET_CACHE_MAX_VALUE],
                                apr_size_t *lens);
/* Stores val under key (route's server) for ttl (0: no expiry). */
apr_status_t et_remote_store(et_remote *rc, request_rec *r, const char *route,
                             et_cache_store_mode mode, const char *key, const char *val,
                             apr_interval_time_t ttl);
apr_status_t et_remote_remove(et_remote *rc, request_rec *r, const char *route, const char *key);
/* Is route's server being asked (not down, not waiting for a renewal)? */
int et_remote_usable(et_remote *rc, const char *route);

#endif

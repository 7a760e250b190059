/*
 * cache_family.h: what the token cache remembers about a refresh family
 * (tokens.c decides what to remember; this file decides how).
 *
 * A revocation lives under its own key, "r:<family>", read before anything
 * else: no "live" answer can overwrite it. A "live" answer lives under
 * "l:<family>" and holds the cache's generation (cache.h) when it was
 * written; it counts only while that generation is current. When a
 * revocation cannot be written (the cache hangs, restarts, is skipped), the
 * generation is renewed before the cache is trusted again, so every "live"
 * answer of before is void on every node at once.
 */
#ifndef ET_CACHE_FAMILY_H
#define ET_CACHE_FAMILY_H

#include "everytime.h"

typedef enum {
    ET_FAMILY_UNKNOWN, /* ask the database */
    ET_FAMILY_LIVE,
    ET_FAMILY_REVOKED
} et_family_state;

/* What the cache says about family ("<sid>:<user id>"). *gen receives the
 * generation to tag a "live" answer with (NULL: the cache has none yet). */
et_family_state et_family_cached(request_rec *r, const char *family, const char **gen);
/* The database said live: remembered under gen for ttl. */
void et_family_cache_live(request_rec *r, const char *family, const char *gen,
                          apr_interval_time_t ttl);
/* The family is revoked. fresh: a revocation made now, which other nodes
 * must see (ET_STORE_REQUIRED); else an answer read from the database. */
void et_family_cache_revoked(request_rec *r, const char *family, apr_interval_time_t ttl,
                             int fresh);

#endif

/*
 * cache_family.c: revocation answers in the token cache (see
 * cache_family.h). Three keys are read in one round trip from the server
 * that holds the family: its revocation, its "live" entry and the
 * generation that entry must name.
 */
#include "auth/cache_family.h"
#include "infra/cache.h"

#define REVOKED_PREFIX "r:"
#define LIVE_PREFIX    "l:"

et_family_state et_family_cached(request_rec *r, const char *family, const char **gen)
{
    const char *keys[3] = {apr_pstrcat(r->pool, REVOKED_PREFIX, family, NULL),
                           apr_pstrcat(r->pool, LIVE_PREFIX, family, NULL),
                           ET_CACHE_GENERATION_KEY};
    char(*vals)[ET_CACHE_MAX_VALUE] = apr_palloc(r->pool, 3 * ET_CACHE_MAX_VALUE);
    apr_size_t lens[3];
    *gen = NULL;
    if (et_cache_get_many(r, family, 3, keys, vals, lens) != APR_SUCCESS)
        return ET_FAMILY_UNKNOWN;
    if (lens[0] != ET_CACHE_ABSENT)
        return ET_FAMILY_REVOKED;
    if (lens[2] == ET_CACHE_ABSENT)
        return ET_FAMILY_UNKNOWN;
    *gen = apr_pstrdup(r->pool, vals[2]);
    return lens[1] != ET_CACHE_ABSENT && !strcmp(vals[1], vals[2]) ? ET_FAMILY_LIVE
                                                                   : ET_FAMILY_UNKNOWN;
}

void et_family_cache_live(request_rec *r, const char *family, const char *gen,
                          apr_interval_time_t ttl)
{
    if (!gen) {
        /* the first answer since the cache started (or lost the key): this
         * one names the generation, or another process just did */
        const char *fresh = et_cache_new_generation(r->pool);
        if (et_cache_store(r, family, ET_STORE_ADD, ET_CACHE_GENERATION_KEY, fresh, 0) !=
            APR_SUCCESS)
            return;
        gen = fresh;
    }
    et_cache_store(r, family, ET_STORE_SET, apr_pstrcat(r->pool, LIVE_PREFIX, family, NULL), gen,
                   ttl);
}

void et_family_cache_revoked(request_rec *r, const char *family, apr_interval_time_t ttl, int fresh)
{
    et_cache_store(r, family, fresh ? ET_STORE_REQUIRED : ET_STORE_SET,
                   apr_pstrcat(r->pool, REVOKED_PREFIX, family, NULL), "1", ttl);
}

/*
 * cache.c: one token cache instance per distinct EverytimeTokenCache. redis
 * and memcache go to our own client (cache_remote.c), whose every exchange
 * is bounded by EverytimeCacheTimeout; the other providers (shmcb) are an
 * ap_socache instance, guarded by one global mutex when the provider is not
 * multi-process safe. The lifecycle follows mod_authn_socache; the locking
 * follows mod_ssl (the mutex is taken around reads as well as writes).
 */
#include "infra/cache.h"
#include "infra/cache_remote.h"

#include <ap_provider.h>
#include <util_mutex.h>
#include <http_protocol.h>
#include <apr_random.h>
#include <unistd.h>

static apr_global_mutex_t *cache_mutex;
static const char *const cache_id = "everytime";

const char *et_cache_configure(cmd_parms *cmd, const char *spec, et_cache **out)
{
    const char *sep = ap_strchr_c(spec, ':');
    const char *name = sep ? apr_pstrmemdup(cmd->pool, spec, sep - spec) : spec;
    et_cache *c = apr_pcalloc(cmd->pool, sizeof(*c));
    et_remote_kind kind;
    const char *err;

    c->spec = spec;
    if (et_remote_kind_of(name, &kind)) {
        if ((err = et_remote_create(cmd->pool, kind, sep ? sep + 1 : NULL, &c->remote)))
            return apr_psprintf(cmd->pool, "%s: %s: %s", cmd->cmd->name, spec, err);
        *out = c;
        return NULL;
    }
    c->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name, AP_SOCACHE_PROVIDER_VERSION);
    if (!c->provider)
        return apr_psprintf(cmd->pool,
                            "%s: unknown socache provider '%s' "
                            "(load mod_socache_%s)",
                            cmd->cmd->name, name, name);
    err = c->provider->create(&c->instance, sep ? sep + 1 : NULL, cmd->temp_pool, cmd->pool);
    if (err)
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    *out = c;
    return NULL;
}

int et_cache_pre_config(apr_pool_t *pconf)
{
    apr_status_t rv = ap_mutex_register(pconf, ET_CACHE_MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0);
    return rv == APR_SUCCESS ? OK : !OK;
}

static apr_status_t destroy_cache(void *data)
{
    et_cache *c = data;
    if (c->initialised)
        c->provider->destroy(c->instance, NULL);
    c->initialised = 0;
    return APR_SUCCESS;
}

/* The default when no server names one: shmcb with its default size. */
static et_cache *default_cache(apr_pool_t *pconf, server_rec *s)
{
    static const char *const spec = "shmcb";
    et_cache *c = apr_pcalloc(pconf, sizeof(*c));
    c->spec = spec;
    c->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, spec, AP_SOCACHE_PROVIDER_VERSION);
    if (!c->provider) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "%s not set and mod_socache_shmcb is not loaded",
                     ET_DIR_TOKEN_CACHE);
        return NULL;
    }
    if (c->provider->create(&c->instance, NULL, pconf, pconf)) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "cannot create the default shmcb token cache");
        return NULL;
    }
    return c;
}

int et_cache_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    server_rec *v;
    et_cache *fallback = NULL;
    struct ap_socache_hints hints = {64, ET_CACHE_MAX_VALUE, 60 * APR_USEC_PER_SEC};
    apr_status_t rv;
    (void)ptemp;

    rv = ap_global_mutex_create(&cache_mutex, NULL, ET_CACHE_MUTEX_TYPE, NULL, s, pconf, 0);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, "cannot create the token cache mutex");
        return !OK;
    }
    for (v = s; v; v = v->next) {
        et_srv_conf *c = et_conf(v);
        if (!c->cache) {
            if (!fallback && !(fallback = default_cache(pconf, s)))
                return !OK;
            c->cache = fallback;
        }
        if (c->cache->remote) {
            et_remote_register(c->cache->remote, pconf, v, apr_time_from_msec(c->cache_timeout));
            c->cache->initialised = 1;
            continue;
        }
        if (c->cache->initialised)
            continue;
        rv = c->cache->provider->init(c->cache->instance, cache_id, &hints, v, pconf);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, v, "cannot initialise the token cache '%s'",
                         c->cache->spec);
            return !OK;
        }
        c->cache->initialised = 1;
        apr_pool_cleanup_register(pconf, c->cache, destroy_cache, apr_pool_cleanup_null);
    }
    return OK;
}

void et_cache_child_init(apr_pool_t *pchild, server_rec *s)
{
    const char *lockfile = apr_global_mutex_lockfile(cache_mutex);
    apr_status_t rv = apr_global_mutex_child_init(&cache_mutex, lockfile, pchild);
    if (rv != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     "cannot reopen the token cache mutex in a child");
    et_remote_child_init(pchild, s);
}

static int needs_lock(const et_cache *c)
{
    return c->provider && (c->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) != 0;
}

static et_cache *cache_of(request_rec *r)
{
    return et_conf(r->server)->cache;
}

static apr_status_t lock(request_rec *r, const et_cache *c)
{
    apr_status_t rv;
    if (!needs_lock(c))
        return APR_SUCCESS;
    rv = apr_global_mutex_lock(cache_mutex);
    if (rv != APR_SUCCESS)
        ET_LOG(r, APLOG_ERR, rv, "cannot lock the token cache");
    return rv;
}

static void unlock(const et_cache *c)
{
    if (needs_lock(c))
        apr_global_mutex_unlock(cache_mutex);
}

/* shmcb refuses an id shorter than this (AH00832, "unusably short id"):
 * the generation key "g" was refused on every read, so the families' cache
 * never answered and each request logged an error and asked the database. */
#define MIN_ID_LEN 4
/* Pads a short id: no key of the module ends with it. */
#define ID_PAD '#'

/* shmcb picks a subcache by the key's first byte, and our keys share their
 * first bytes ("f:", "t:"): without this every key would crowd into one
 * subcache, evicting live entries early. A character of a hash spreads them. */
static const char *spread(request_rec *r, const char *key)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    apr_uint32_t h = 2166136261u; /* FNV-1a */
    const unsigned char *k;
    apr_size_t n = strlen(key) + 1;
    char *out;
    for (k = (const unsigned char *)key; *k; k++)
        h = (h ^ *k) * 16777619u;
    out = apr_palloc(r->pool, (n < MIN_ID_LEN ? MIN_ID_LEN : n) + 1);
    out[0] = alphabet[(h ^ (h >> 16)) & 63];
    strcpy(out + 1, key);
    for (; n < MIN_ID_LEN; n++)
        out[n] = ID_PAD;
    out[n] = '\0';
    return out;
}

static apr_status_t get_locked(request_rec *r, et_cache *c, const char *key, char *buf,
                               apr_size_t *len)
{
    unsigned int n = (unsigned int)*len;
    apr_status_t rv;
    key = spread(r, key);
    rv = c->provider->retrieve(c->instance, r->server, (const unsigned char *)key, strlen(key),
                               (unsigned char *)buf, &n, r->pool);
    *len = n;
    return rv;
}

/* socache wants an expiry time; "no expiry" is a year. */
static apr_status_t put_locked(request_rec *r, et_cache *c, const char *key, const char *val,
                               apr_interval_time_t ttl)
{
    if (ttl <= 0)
        ttl = apr_time_from_sec(365 * 24 * 3600);
    key = spread(r, key);
    return c->provider->store(c->instance, r->server, (const unsigned char *)key, strlen(key),
                              apr_time_now() + ttl, (unsigned char *)apr_pstrdup(r->pool, val),
                              strlen(val), r->pool);
}

static apr_status_t remove_locked(request_rec *r, et_cache *c, const char *key)
{
    key = spread(r, key);
    return c->provider->remove(c->instance, r->server, (const unsigned char *)key, strlen(key),
                               r->pool);
}

static apr_status_t store_locked(request_rec *r, et_cache *c, et_cache_store_mode mode,
                                 const char *key, const char *val, apr_interval_time_t ttl)
{
    char probe[ET_CACHE_MAX_VALUE];
    apr_size_t probe_len = sizeof(probe);
    apr_status_t rv;
    switch (mode) {
    case ET_STORE_ADD:
        rv = get_locked(r, c, key, probe, &probe_len);
        return rv == APR_NOTFOUND ? put_locked(r, c, key, val, ttl) : APR_EEXIST;
    case ET_STORE_REQUIRED:
        /* not stored (shmcb full of entries that outlive it): renew the
         * generation, or at least forget it, so no entry of before counts */
        if ((rv = put_locked(r, c, key, val, ttl)) != APR_SUCCESS &&
            put_locked(r, c, ET_CACHE_GENERATION_KEY, et_cache_new_generation(r->pool), 0) !=
                APR_SUCCESS)
            remove_locked(r, c, ET_CACHE_GENERATION_KEY);
        return rv;
    default:
        return put_locked(r, c, key, val, ttl);
    }
}

static apr_status_t get_many_locked(request_rec *r, et_cache *c, int n, const char *const *keys,
                                    char (*vals)[ET_CACHE_MAX_VALUE], apr_size_t *lens)
{
    int i;
    for (i = 0; i < n; i++) {
        apr_size_t len = ET_CACHE_MAX_VALUE - 1;
        apr_status_t rv = get_locked(r, c, keys[i], vals[i], &len);
        if (rv != APR_SUCCESS && rv != APR_NOTFOUND)
            return rv;
        lens[i] = rv == APR_SUCCESS ? len : ET_CACHE_ABSENT;
        if (rv == APR_SUCCESS)
            vals[i][len] = '\0';
    }
    return APR_SUCCESS;
}

/* The instance of this request's server, or NULL when none was set up. */
static et_cache *usable_cache(request_rec *r)
{
    et_cache *c = cache_of(r);
    return c && c->initialised ? c : NULL;
}

apr_status_t et_cache_get_many(request_rec *r, const char *route, int n, const char *const *keys,
                               char (*vals)[ET_CACHE_MAX_VALUE], apr_size_t *lens)
{
    et_cache *c = usable_cache(r);
    apr_status_t rv;
    if (!c)
        return APR_ENOTIMPL;
    if (c->remote)
        return et_remote_get_many(c->remote, r, route, n, keys, vals, lens);
    if ((rv = lock(r, c)) != APR_SUCCESS)
        return rv;
    rv = get_many_locked(r, c, n, keys, vals, lens);
    unlock(c);
    return rv;
}

apr_status_t et_cache_store(request_rec *r, const char *route, et_cache_store_mode mode,
                            const char *key, const char *val, apr_interval_time_t ttl)
{
    et_cache *c = usable_cache(r);
    apr_status_t rv;
    if (!c)
        return APR_ENOTIMPL;
    if (c->remote)
        return et_remote_store(c->remote, r, route, mode, key, val, ttl);
    if ((rv = lock(r, c)) != APR_SUCCESS)
        return rv;
    rv = store_locked(r, c, mode, key, val, ttl);
    unlock(c);
    return rv;
}

apr_status_t et_cache_get(request_rec *r, const char *key, char *buf, apr_size_t *len)
{
    char val[1][ET_CACHE_MAX_VALUE];
    apr_size_t got;
    apr_status_t rv = et_cache_get_many(r, key, 1, &key, val, &got);
    if (rv == APR_ENOTIMPL || rv == ET_CACHE_SKIPPED)
        return APR_NOTFOUND;
    if (rv != APR_SUCCESS)
        return rv;
    if (got == ET_CACHE_ABSENT)
        return APR_NOTFOUND;
    if (got > *len)
        return APR_ENOSPC;
    memcpy(buf, val[0], got);
    *len = got;
    return APR_SUCCESS;
}

apr_status_t et_cache_put(request_rec *r, const char *key, const char *val, apr_interval_time_t ttl)
{
    return et_cache_store(r, key, ET_STORE_SET, key, val, ttl);
}

apr_status_t et_cache_put_if_absent(request_rec *r, const char *key, const char *val,
                                    apr_interval_time_t ttl)
{
    return et_cache_store(r, key, ET_STORE_ADD, key, val, ttl);
}

apr_status_t et_cache_remove(request_rec *r, const char *key)
{
    et_cache *c = usable_cache(r);
    apr_status_t rv;
    if (!c)
        return APR_ENOTIMPL;
    if (c->remote)
        return et_remote_remove(c->remote, r, key, key);
    if ((rv = lock(r, c)) != APR_SUCCESS)
        return rv;
    rv = remove_locked(r, c, key);
    unlock(c);
    return rv;
}

/*
 * cache.c: one ap_socache instance per distinct EverytimeTokenCache, guarded
 * by one global mutex when the provider is not multi-process safe. The
 * lifecycle follows mod_authn_socache; the locking follows mod_ssl (the
 * mutex is taken around reads as well as writes).
 */
#include "infra/cache.h"

#include <ap_provider.h>
#include <util_mutex.h>
#include <http_protocol.h>

static apr_global_mutex_t *cache_mutex;
static const char *const cache_id = "everytime";

const char *et_cache_configure(cmd_parms *cmd, const char *spec, et_cache **out)
{
    const char *sep = ap_strchr_c(spec, ':');
    const char *name = sep ? apr_pstrmemdup(cmd->pool, spec, sep - spec) : spec;
    et_cache *c = apr_pcalloc(cmd->pool, sizeof(*c));
    const char *err;

    c->spec = spec;
    c->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                     AP_SOCACHE_PROVIDER_VERSION);
    if (!c->provider)
        return apr_psprintf(cmd->pool, "%s: unknown socache provider '%s' "
                            "(load mod_socache_%s)", cmd->cmd->name, name, name);
    err = c->provider->create(&c->instance, sep ? sep + 1 : NULL, cmd->temp_pool,
                              cmd->pool);
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
    c->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, spec,
                                     AP_SOCACHE_PROVIDER_VERSION);
    if (!c->provider) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, APLOGNO(10501)
                     "%s not set and mod_socache_shmcb is not loaded", ET_DIR_TOKEN_CACHE);
        return NULL;
    }
    if (c->provider->create(&c->instance, NULL, pconf, pconf)) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, APLOGNO(10502)
                     "cannot create the default shmcb token cache");
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
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, APLOGNO(10503)
                     "cannot create the token cache mutex");
        return !OK;
    }
    for (v = s; v; v = v->next) {
        et_srv_conf *c = et_conf(v);
        if (!c->cache) {
            if (!fallback && !(fallback = default_cache(pconf, s)))
                return !OK;
            c->cache = fallback;
        }
        if (c->cache->initialised)
            continue;
        rv = c->cache->provider->init(c->cache->instance, cache_id, &hints, v, pconf);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, v, APLOGNO(10504)
                         "cannot initialise the token cache '%s'", c->cache->spec);
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
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, APLOGNO(10505)
                     "cannot reopen the token cache mutex in a child");
}

static int needs_lock(const et_cache *c)
{
    return (c->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) != 0;
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
        ET_LOG(r, APLOG_ERR, rv, APLOGNO(10506) "cannot lock the token cache");
    return rv;
}

static void unlock(const et_cache *c)
{
    if (needs_lock(c))
        apr_global_mutex_unlock(cache_mutex);
}

/* shmcb picks a subcache by the key's first byte, and our keys share their
 * first bytes ("f:", "t:"): without this every key would crowd into one
 * subcache, evicting live entries early. A character of a hash spreads them. */
static const char *spread(request_rec *r, const char *key)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    apr_uint32_t h = 2166136261u; /* FNV-1a */
    const unsigned char *k;
    char *out;
    for (k = (const unsigned char *)key; *k; k++)
        h = (h ^ *k) * 16777619u;
    out = apr_palloc(r->pool, strlen(key) + 2);
    out[0] = alphabet[(h ^ (h >> 16)) & 63];
    strcpy(out + 1, key);
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

static apr_status_t put_locked(request_rec *r, et_cache *c, const char *key,
                               const char *val, apr_interval_time_t ttl)
{
    key = spread(r, key);
    return c->provider->store(c->instance, r->server, (const unsigned char *)key,
                              strlen(key), apr_time_now() + ttl,
                              (unsigned char *)apr_pstrdup(r->pool, val), strlen(val),
                              r->pool);
}

typedef enum { OP_GET, OP_PUT, OP_PUT_IF_ABSENT, OP_REMOVE } cache_op_e;

/* Every operation: find the instance, lock when the provider needs it, act. */
static apr_status_t cache_op(request_rec *r, cache_op_e op, const char *key, const char *val,
                             apr_interval_time_t ttl, char *buf, apr_size_t *len)
{
    et_cache *c = cache_of(r);
    char probe[ET_CACHE_MAX_VALUE];
    apr_size_t probe_len = sizeof(probe);
    apr_status_t rv;
    if (!c || !c->initialised)
        return op == OP_GET ? APR_NOTFOUND : APR_ENOTIMPL;
    if ((rv = lock(r, c)) != APR_SUCCESS)
        return rv;
    switch (op) {
    case OP_GET:
        rv = get_locked(r, c, key, buf, len);
        break;
    case OP_PUT:
        rv = put_locked(r, c, key, val, ttl);
        break;
    case OP_PUT_IF_ABSENT:
        rv = get_locked(r, c, key, probe, &probe_len);
        rv = rv == APR_NOTFOUND ? put_locked(r, c, key, val, ttl) : APR_EEXIST;
        break;
    case OP_REMOVE:
        key = spread(r, key);
        rv = c->provider->remove(c->instance, r->server, (const unsigned char *)key,
                                 strlen(key), r->pool);
        break;
    }
    unlock(c);
    return rv;
}

apr_status_t et_cache_get(request_rec *r, const char *key, char *buf, apr_size_t *len)
{
    return cache_op(r, OP_GET, key, NULL, 0, buf, len);
}

apr_status_t et_cache_put(request_rec *r, const char *key, const char *val,
                          apr_interval_time_t ttl)
{
    return cache_op(r, OP_PUT, key, val, ttl, NULL, NULL);
}

apr_status_t et_cache_put_if_absent(request_rec *r, const char *key, const char *val,
                                    apr_interval_time_t ttl)
{
    return cache_op(r, OP_PUT_IF_ABSENT, key, val, ttl, NULL, NULL);
}

apr_status_t et_cache_remove(request_rec *r, const char *key)
{
    return cache_op(r, OP_REMOVE, key, NULL, 0, NULL, NULL);
}

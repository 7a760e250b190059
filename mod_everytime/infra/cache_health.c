/*
 * cache_health.c: the back-off state of one remote cache server in one
 * process (see cache_health.h). Pure: no lock, no clock, no log.
 */
#include "infra/cache_health.h"

int et_health_usable(const et_cache_health *h)
{
    return !h->down && h->dirty == h->renewed;
}

int et_health_failed(et_cache_health *h, apr_time_t now, int required)
{
    int was_up = !h->down;
    if (required)
        h->dirty++;
    if (was_up)
        h->retry_at = now + ET_CACHE_BACKOFF;
    h->down = 1;
    return was_up;
}

void et_health_skipped_required(et_cache_health *h)
{
    h->dirty++;
}

int et_health_probe_due(const et_cache_health *h, apr_time_t now)
{
    return !et_health_usable(h) && now >= h->retry_at;
}

void et_health_probe_failed(et_cache_health *h, apr_time_t now)
{
    h->down = 1;
    h->retry_at = now + ET_CACHE_BACKOFF;
}

int et_health_recovered(et_cache_health *h, unsigned dirty_seen)
{
    int was_down = h->down;
    h->down = 0;
    h->renewed = dirty_seen;
    return was_down;
}

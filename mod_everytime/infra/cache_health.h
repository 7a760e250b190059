/*
 * cache_health.h: what one process believes about one remote cache server,
 * as a pure state machine (the caller holds the lock and reads the clock).
 *
 * up     the server is asked;
 * down   it timed out or failed: requests skip it (straight to the database)
 *        and the recovery thread probes it every ET_CACHE_BACKOFF, renewing
 *        its generation when it answers (cache_remote.c says why always);
 * dirty  a write other nodes must see (a revocation) did not land, or was
 *        skipped while down: before the server is trusted again its
 *        generation must be renewed, which voids every "live" entry that
 *        could hide that revocation. A count, so that a probe knows which
 *        failures the generation it renewed covers.
 * Each function that changes what is logged returns 1, so the caller logs
 * once per change, not once per request.
 */
#ifndef ET_CACHE_HEALTH_H
#define ET_CACHE_HEALTH_H

#include <apr_time.h>

/* How long a failed server is skipped before the next probe. */
#define ET_CACHE_BACKOFF apr_time_from_msec(250)

typedef struct et_cache_health {
    int down;
    unsigned dirty;      /* required writes that failed or were skipped, ever */
    unsigned renewed;    /* how many of them a renewed generation covers */
    apr_time_t retry_at; /* the next probe, not before */
} et_cache_health;

/* May a request ask the server now? */
int et_health_usable(const et_cache_health *h);
/* A request's exchange failed; required: it was a write other nodes must
 * see. Returns 1 when the server was up until now (log "down"). */
int et_health_failed(et_cache_health *h, apr_time_t now, int required);
/* A required write was skipped because the server is down. */
void et_health_skipped_required(et_cache_health *h);
/* Is a probe due (down, and the back-off over)? */
int et_health_probe_due(const et_cache_health *h, apr_time_t now);
/* A probe (and, when dirty, the renewal of the generation) failed. */
void et_health_probe_failed(et_cache_health *h, apr_time_t now);
/* A probe answered and, when dirty, renewed the generation; dirty_seen is
 * h->dirty as read before the probe started (a write that failed during
 * the probe keeps the server untrusted). Returns 1 when the server was
 * down until now (log "back"). */
int et_health_recovered(et_cache_health *h, unsigned dirty_seen);

#endif

/*
 * domain/popular_cache.c: the per-process table of popular rankings. A
 * fixed number of slots allocated once from the child's pool, so memory
 * is bounded whatever the number of schools asked for; one mutex, held
 * only to copy at most one ranking in or out. Across processes and nodes
 * each holds its own copy: the list is approximate by up to the TTL.
 */
#include "domain/popular_cache.h"

#include <apr_thread_mutex.h>
#include <http_log.h>
#include <string.h>

/* Schools (and "all") per configuration held at once: a miss only costs
 * the ranking statement, so a small table suffices. */
#define SLOTS 64

typedef struct {
    const void *owner; /* NULL: free */
    apr_int64_t school;
    apr_time_t expires;
    et_popular_ids ids;
} slot;

static apr_thread_mutex_t *lock;
static slot *table;

void et_popular_cache_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv = apr_thread_mutex_create(&lock, APR_THREAD_MUTEX_DEFAULT, pchild);
    if (rv != APR_SUCCESS) {
        lock = NULL;
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     "cannot create the popular-posts cache mutex: this process ranks "
                     "popular posts on every request [%s]",
                     __func__);
        return;
    }
    table = apr_pcalloc(pchild, sizeof(*table) * SLOTS);
}

static slot *find(const void *owner, apr_int64_t school)
{
    int i;
    for (i = 0; i < SLOTS; i++)
        if (table[i].owner == owner && table[i].school == school)
            return &table[i];
    return NULL;
}

/* A free slot, else the one that expires first (an expired one if any). */
static slot *victim(void)
{
    slot *v = &table[0];
    int i;
    for (i = 0; i < SLOTS; i++) {
        if (!table[i].owner)
            return &table[i];
        if (table[i].expires < v->expires)
            v = &table[i];
    }
    return v;
}

int et_popular_cache_get(const void *owner, apr_int64_t school, apr_time_t now, et_popular_ids *out)
{
    slot *hit;
    int found = 0;
    if (!lock)
        return 0;
    apr_thread_mutex_lock(lock);
    hit = find(owner, school);
    if (hit && hit->expires > now) {
        *out = hit->ids;
        found = 1;
    }
    apr_thread_mutex_unlock(lock);
    return found;
}

void et_popular_cache_put(const void *owner, apr_int64_t school, apr_time_t expires,
                          const et_popular_ids *ids)
{
    slot *s;
    if (!lock)
        return;
    apr_thread_mutex_lock(lock);
    if (!(s = find(owner, school)))
        s = victim();
    s->owner = owner;
    s->school = school;
    s->expires = expires;
    s->ids = *ids;
    apr_thread_mutex_unlock(lock);
}

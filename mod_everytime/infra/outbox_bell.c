/*
 * outbox_bell.c: one mutex and condition variable per child process. The
 * flags are read under the mutex, except stopping, which a pass reads
 * between deliveries (a late read only delivers one more item).
 */
#include "infra/outbox_bell.h"

#include <apr_atomic.h>
#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>

static apr_thread_mutex_t *lock;
static apr_thread_cond_t *cond;
static int rung;
static volatile apr_uint32_t stopping;

static apr_status_t forget(void *unused)
{
    (void)unused;
    lock = NULL;
    cond = NULL;
    return APR_SUCCESS;
}

apr_status_t et_outbox_bell_init(apr_pool_t *pchild)
{
    apr_status_t rv = apr_thread_mutex_create(&lock, APR_THREAD_MUTEX_DEFAULT, pchild);
    if (rv == APR_SUCCESS)
        rv = apr_thread_cond_create(&cond, pchild);
    if (rv != APR_SUCCESS) {
        lock = NULL;
        cond = NULL;
        return rv;
    }
    rung = 0;
    apr_atomic_set32(&stopping, 0);
    apr_pool_cleanup_register(pchild, NULL, forget, apr_pool_cleanup_null);
    return APR_SUCCESS;
}

void et_outbox_bell_ring(void)
{
    if (!lock)
        return;
    apr_thread_mutex_lock(lock);
    rung = 1;
    apr_thread_cond_signal(cond);
    apr_thread_mutex_unlock(lock);
}

int et_outbox_bell_wait(apr_interval_time_t timeout)
{
    apr_time_t until = apr_time_now() + timeout;
    int stop;
    if (!lock)
        return 1;
    apr_thread_mutex_lock(lock);
    /* a ring while the last pass ran counts: it may have come too late for it */
    while (!rung && !apr_atomic_read32(&stopping) && apr_time_now() < until)
        apr_thread_cond_timedwait(cond, lock, until - apr_time_now());
    rung = 0;
    stop = apr_atomic_read32(&stopping) != 0;
    apr_thread_mutex_unlock(lock);
    return stop;
}

int et_outbox_bell_stopping(void)
{
    return apr_atomic_read32(&stopping) != 0;
}

void et_outbox_bell_stop(void)
{
    apr_atomic_set32(&stopping, 1);
    et_outbox_bell_ring();
}

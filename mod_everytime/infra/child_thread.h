/*
 * child_thread.h: a thread of a child process that lives as long as the
 * child's pool: started in child_init, told to stop and waited for when
 * the pool is cleaned up (a pre-cleanup: before the pool's other cleanups,
 * so the thread still has what it uses). The checkpoint thread
 * (db_checkpoint.c) and the outbox's drain thread (outbox_drain.c) run so.
 */
#ifndef ET_CHILD_THREAD_H
#define ET_CHILD_THREAD_H

#include <apr_pools.h>
#include <apr_thread_proc.h>

/* Starts fn(thread, data) in a thread of pchild. When pchild is cleaned up,
 * stop(data) tells the thread to end, and the cleanup waits until it has.
 * APR_SUCCESS, or why there is no thread (then stop is never called). */
apr_status_t et_child_thread_start(apr_pool_t *pchild, apr_thread_start_t fn, void *data,
                                   void (*stop)(void *data));

#endif

/*
 * outbox_bell.h: how a request tells its process's drain thread that a
 * delivery was committed (so it goes out now, not at the next poll), and
 * how the thread waits between polls and learns that it must stop.
 */
#ifndef ET_OUTBOX_BELL_H
#define ET_OUTBOX_BELL_H

#include <apr_pools.h>
#include <apr_time.h>

/* child_init: the bell of this process, gone with pchild. */
apr_status_t et_outbox_bell_init(apr_pool_t *pchild);

/* Wakes the waiting thread; nothing when there is no bell (a process
 * without a drain thread). Never blocks for long: one mutex, held only to
 * set a flag. */
void et_outbox_bell_ring(void);

/* Waits until rung, stopped or timeout passed; 1 when the thread must stop. */
int et_outbox_bell_wait(apr_interval_time_t timeout);

/* 1 once et_outbox_bell_stop was called: a pass in progress ends early. */
int et_outbox_bell_stopping(void);
void et_outbox_bell_stop(void);

#endif

/*
 * outbox_drain.h: the thread of each child process that delivers the
 * outbox, and the pass it runs.
 */
#ifndef ET_OUTBOX_DRAIN_H
#define ET_OUTBOX_DRAIN_H

#include "core/config.h"

/* child_init: starts this process's drain thread when a server drains
 * (EverytimeOutbox On, the default, on a configured server); it is stopped
 * and joined before pchild's other cleanups run (child exit, graceful
 * restart), so it never outlives mod_dbd's connections. */
void et_outbox_child_init(apr_pool_t *pchild, server_rec *s);

/* One pass over server s: for every kind s can deliver, claims the due rows
 * a batch at a time, hands each to its deliverer and settles it, until none
 * is due. Answers how many were handed over (-1: no database now). */
int et_outbox_drain(server_rec *s, apr_pool_t *p);

/* Seconds to wait after the attempts-th failed attempt: backoff_base,
 * doubling with each attempt, never above backoff_max. */
apr_int64_t et_outbox_backoff(const et_outbox_conf *o, int attempts);

#endif

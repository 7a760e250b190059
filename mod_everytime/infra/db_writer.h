/*
 * db_writer.h: one SQLite writer of the module at a time.
 *
 * SQLite lets one writer in; the others poll for its lock (db_sqlite.h's
 * busy handler), and polling is not fair: under a burst a writer that came
 * early can keep missing the lock to later ones, and the write tails were
 * hundreds of milliseconds. So the module's writers queue on one mutex of
 * the whole server (a process-shared pthread mutex), asleep until it is their turn:
 * between processes too, where polling left a writer that had waited 20 ms
 * (and so polled every 1 ms) losing to fresh ones for up to seconds. Only
 * writers from outside the module's requests (the checkpoint and outbox
 * threads, the sqlite3 shell) still meet in the busy handler. db.c takes
 * the turn around a write outside a transaction and for the whole of a
 * transaction (a BEGIN IMMEDIATE is a writer from its start), on SQLite
 * only.
 */
#ifndef ET_DB_WRITER_H
#define ET_DB_WRITER_H

#include "everytime.h"

/* The hooks: the mutex made when a server uses SQLite (post_config), opened
 * in each child (child_init). */
int et_db_writer_post_config(apr_pool_t *pconf, server_rec *s);
void et_db_writer_child_init(apr_pool_t *pchild, server_rec *s);

/* What et_db_writer_enter took, for et_db_writer_leave. */
#define ET_WRITER_GLOBAL  1 /* the server's mutex */
#define ET_WRITER_PROCESS 2 /* the process's own: no global mutex (unit tests) */

int et_db_writer_enter(void);
void et_db_writer_leave(int held);

/* 1 when a statement's SQL writes (INSERT, UPDATE, DELETE, REPLACE), e.g.
 * an INSERT ... RETURNING run as a select. */
int et_db_writes(const char *sql);

#endif

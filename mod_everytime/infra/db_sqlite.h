/*
 * db_sqlite.h: an SQLite connection's settings, made once on each new pooled
 * connection: how it waits for the database's write lock, and how often
 * it syncs.
 *
 * SQLite lets one writer in at a time. Without a busy handler, sqlite3_step
 * answers SQLITE_BUSY at once and apr's sqlite3 driver sleeps 100 ms before
 * each of its 15 retries: under a burst of writes a request lost a few of
 * those rounds to the others and took a second (the write p99 of bench/run).
 * The handler installed here waits in steps of a fraction of a millisecond
 * instead, so a writer gets the lock about as soon as it is free, for up to
 * EverytimeDBTimeout.
 */
#ifndef ET_DB_SQLITE_H
#define ET_DB_SQLITE_H

#include "everytime.h"
#include <apr_dbd.h>
#include <mod_dbd.h>

/* Installs the busy handler on dbd, an sqlite3 connection: a statement
 * waits for the lock for up to ms milliseconds. APR_SUCCESS, or APR_ENOTIMPL
 * when the process has no sqlite3_busy_handler (the driver's own retries
 * then stand). */
apr_status_t et_db_busy_install(ap_dbd_t *dbd, apr_int64_t ms);

/* A request has acquired dbd: its waits start afresh. Once a request has
 * waited the limit, its later statements give up at once (the driver's and
 * db.c's own retries then run their course and the request answers 503). */
void et_db_busy_new_request(ap_dbd_t *dbd);

/*
 * In WAL mode, PRAGMA synchronous = NORMAL: a commit appends to the WAL
 * without waiting for the disk (fsync), and the WAL is synced at each
 * checkpoint. The database cannot be corrupted this way; a power cut may
 * lose the last commits before a checkpoint (SQLite's documentation calls
 * it the right setting for WAL). With the default (FULL) every write held
 * the one write lock through an fsync, which on a disk is milliseconds: the
 * writes' rate and their tails were the disk's. A database in another
 * journal mode keeps FULL. With no_autocheckpoint (the process's
 * checkpoint thread runs, db_checkpoint.h), PRAGMA wal_autocheckpoint = 0
 * too: no request copies the WAL back. APR_SUCCESS, or the driver's error
 * code.
 */
int et_db_sqlite_sync(ap_dbd_t *dbd, apr_pool_t *p, int no_autocheckpoint);

/* libsqlite3's function name, found in the process (apr's sqlite3 driver
 * loads the library; the module does not link it), or NULL. */
void *et_db_sqlite_symbol(const char *name);

/*
 * SQLite's own locking, for the whole process: multi-thread mode and no
 * memory statistics. Must run before the process opens its first SQLite
 * connection (the parent, at post_config: the children inherit it).
 *
 * Debian's SQLite is built serialized: every call on a connection takes the
 * connection's mutex (three lock pairs per column a row is read by), and
 * with its memory statistics on, every allocation takes one mutex of the
 * process. Neither protects anything here: mod_dbd lends a connection to
 * one thread at a time, the checkpoint thread opens its own, and apr's
 * driver holds one mutex of the process around every statement anyway;
 * nothing of the module reads the statistics. 0, or SQLite's error code
 * (SQLITE_MISUSE, 21, once SQLite has started), or -1 when the process has
 * no sqlite3_config; SQLite then stays as it was, which is as safe.
 */
int et_db_sqlite_threading(void);

/* sqlite3_busy_handler on db, a native sqlite3 handle: 0, or -1 when the
 * process has no such call. */
int et_db_sqlite_set_busy_handler(void *db, int (*fn)(void *data, int count), void *data);

/* The pause before retry number count (0 for the first): short first, as a
 * write transaction of the module takes well under a millisecond, then
 * longer so that a long wait does not spin. */
apr_interval_time_t et_db_busy_pause(int count);

#endif

/*
 * db_checkpoint.h: SQLite's WAL checkpoints, in a thread of each child
 * instead of in the requests.
 *
 * By default SQLite checkpoints in whichever commit finds 1,000 pages in the
 * WAL: that request copies the pages into the database and waits for its
 * fsync, holding apr's sqlite3 mutex (one per process, around every sqlite3
 * call) all the while, so every request of its process waits too. Worse, a
 * WAL only starts over from its beginning when no reader still reads an
 * older snapshot of it, and a server busy with reads always has one: under
 * load the WAL never restarted and grew without bound (bench/run left a
 * 1 GB WAL after four minutes, each read searching an ever longer index of
 * it, each process's mapping of that index growing its memory).
 *
 * So each child runs one thread that, every ET_CHECKPOINT_INTERVAL, on a
 * connection of its own (not apr's: it takes no mutex of the requests),
 * copies what the WAL holds into the database (PASSIVE: waits for no one),
 * and once the WAL holds EverytimeSQLiteCheckpoint frames, makes it start
 * over (RESTART: holds off new writers for as long as the readers of the
 * old snapshot take to finish, a few milliseconds). The requests'
 * connections then checkpoint nothing themselves (et_db_sqlite_sync).
 */
#ifndef ET_DB_CHECKPOINT_H
#define ET_DB_CHECKPOINT_H

#include "everytime.h"

/* How often the thread checkpoints. */
#define ET_CHECKPOINT_INTERVAL apr_time_from_msec(100)

/* Starts the thread when a server of s's list uses SQLite; a pre-cleanup of
 * pchild stops it. */
void et_db_checkpoint_child_init(apr_pool_t *pchild, server_rec *s);

/* 1 while this process's thread checkpoints: its requests' connections
 * leave the checkpoints to it. */
int et_db_checkpoint_running(void);

#endif

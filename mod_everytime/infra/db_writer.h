/*
 * db_writer.h: one SQLite writer per process at a time.
 *
 * SQLite lets one writer in; the others poll for its lock (db_sqlite.h's
 * busy handler), and polling is not fair: under a burst a writer that came
 * early can keep missing the lock to later ones, and the write tails were
 * hundreds of milliseconds. The threads of one process queue on a mutex
 * instead, asleep until it is their turn, and only the one whose turn it is
 * polls, against the other processes' one each. db.c takes the turn around
 * a write outside a transaction and for the whole of a transaction (a
 * BEGIN IMMEDIATE is a writer from its start), on SQLite only.
 */
#ifndef ET_DB_WRITER_H
#define ET_DB_WRITER_H

void et_db_writer_enter(void);
void et_db_writer_leave(void);

/* 1 when a statement's SQL writes (INSERT, UPDATE, DELETE, REPLACE), e.g.
 * an INSERT ... RETURNING run as a select. */
int et_db_writes(const char *sql);

#endif

/*
 * db_outcome.h: what became of a statement, from the driver's error code.
 */
#ifndef ET_DB_OUTCOME_H
#define ET_DB_OUTCOME_H

/* ET_DB_OK is 0, so "!= ET_DB_OK" reads as "failed". */
typedef enum {
    ET_DB_OK = 0,
    ET_DB_CONFLICT, /* a unique key refused the row: the request's 409 */
    ET_DB_BUSY,     /* a deadlock, a lock wait, a busy SQLite: try again */
    ET_DB_DOWN,     /* the database is gone or refuses work: 503 */
    ET_DB_BUG       /* the statement itself is wrong: 500, logged */
} et_db_outcome;

/* The outcome of a failed statement: driver is apr_dbd_name's ("sqlite3",
 * "pgsql", "mysql"), rv what the apr_dbd call answered and message the
 * driver's apr_dbd_error text (NULL when there is none). pgsql answers the
 * same rv for every error: its SQLSTATE is read from the message, which
 * carries it because db.c sets the connection's error verbosity. An error
 * not known to be a conflict, a retry or a bug is ET_DB_DOWN (503), as
 * every error was before. */
et_db_outcome et_db_classify(const char *driver, int rv, const char *message);

/* "conflict", "busy", ... for log lines. */
const char *et_db_outcome_name(et_db_outcome o);

#endif

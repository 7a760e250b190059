/*
 * db.h: the statement registry and small helpers over mod_dbd.
 *
 * Every statement is registered at config time under a stable label
 * ("et_<group>_<verb>"), with its arguments and result columns declared
 * beside its SQL (infra/db_stmt.h).
 */
#ifndef ET_DB_H
#define ET_DB_H

#include "everytime.h"
#include "infra/db_outcome.h"
#include "infra/db_stmt.h"
#include <apr_dbd.h>
#include <mod_dbd.h>
#include <stdarg.h>

/* A result read to its end: cells[row * ncols + col], NULL for SQL NULL. */
typedef struct et_rows {
    int nrows;
    int ncols;
    const char **cells;
} et_rows;

#define ET_CELL(rows, i, j) ((rows)->cells[(i) * (rows)->ncols + (j)])

/* register_hooks: the statement tables (a list ending with NULL) that
 * et_db_register_statements registers. The database layer knows no group:
 * the module hands it the tables of all of them. */
void et_db_use_statements(const et_stmt *const *tables);

/* Directive time: checks every statement's declaration against its SQL
 * (et_stmt_check) and that mod_dbd is loaded; the error of the first
 * statement that disagrees stops the start. The statements are prepared on
 * each connection as requests run them (db_prepare.h). */
const char *et_db_register_statements(cmd_parms *cmd);

/* Request time: the statement's arguments follow, as its args declare them
 * ('s' a const char *, 'l' an apr_int64_t). All return ET_DB_OK (0), or what
 * went wrong, already logged with the label and the driver's message. A
 * caller answers 409 on ET_DB_CONFLICT where a unique key is its rule, and
 * et_fail_unavailable otherwise: 503, or 500 after an ET_DB_BUG (a label no
 * table declares, a SELECT run by et_db_exec or the other way round, a
 * result with other columns than declared, SQL the database refuses). */
et_db_outcome et_db_select(request_rec *r, const char *label, et_rows **out, ...);
et_db_outcome et_db_exec(request_rec *r, const char *label, int *nrows, ...);

/* 1 when a statement of this request failed as ET_DB_BUG: a programming
 * error, which no retry mends and the request answers 500. */
int et_db_had_bug(request_rec *r);

/* A transaction on the request's connection. A transaction still open when
 * the request ends is rolled back before the connection goes back to the pool. */
apr_status_t et_db_begin(request_rec *r);
apr_status_t et_db_commit(request_rec *r);
void et_db_rollback(request_rec *r);

/* A write transaction that is run again (a few times) when the database
 * refused it for a reason a second attempt clears: a deadlock (MariaDB), a
 * busy database (SQLite), a lost race on a unique key. fn runs its
 * statements and answers OK to commit, ET_DB_RETRY after a statement failed,
 * or another status, which rolls back and is answered. Answers OK, that
 * status, or ET_DB_GAVE_UP when no transaction could begin, every attempt
 * failed, or a failure was one no attempt mends (down, a bug; logged). */
#define ET_DB_RETRY   (-1)
#define ET_DB_GAVE_UP (-2)
typedef int (*et_db_txn_fn)(void *ctx);
int et_db_transaction(request_rec *r, et_db_txn_fn fn, void *ctx);

/* Runs fn(r, data) once the request's open transaction has committed, or at
 * once when none is open (a statement outside one has committed already). A
 * transaction that rolls back, or whose COMMIT fails, drops it. For what a
 * rollback cannot undo, such as removing the files its deleted rows named:
 * done inside the transaction, a failed commit would leave rows whose files
 * are gone. */
typedef void (*et_db_after_fn)(request_rec *r, void *data);
void et_db_after_commit(request_rec *r, et_db_after_fn fn, void *data);

/* The schema version this build expects (sql/<driver>/NNNN_*.sql). */
#define ET_SCHEMA_VERSION 10

/* Once per process: is the database at least ET_SCHEMA_VERSION? Logs and
 * answers 0 when it is older (the API then answers 503), -1 when the
 * database cannot be asked now (asked again next time). */
int et_db_schema_ok(request_rec *r);

/* The driver name ("sqlite3", "pgsql", "mysql") or NULL when unavailable. */
const char *et_db_driver(request_rec *r);

/* For what runs statements outside a request (infra/outbox_db.c), on a
 * connection of its own: the statement a label declares (NULL when no table
 * does), its SQL for a dialect, the argument array of the pb* calls from the
 * varargs its args declare, and a result read to its end (0, or the
 * driver's error code). Its statements are prepared as db_prepare.h says. */
const et_stmt *et_db_find_statement(const char *label);
const void **et_db_bind_args(apr_pool_t *p, const char *args, va_list ap);
int et_db_read_rows(apr_pool_t *p, const apr_dbd_driver_t *driver, apr_dbd_results_t *res,
                    et_rows **out);

/* Integer of a cell; 0 for NULL or garbage (cells come from our own columns). */
apr_int64_t et_cell_i64(const char *cell);

#endif

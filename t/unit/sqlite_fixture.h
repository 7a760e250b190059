/*
 * sqlite_fixture.h: a real SQLite database for the unit tests of code that
 * runs statements (the outbox). It stands in for mod_dbd: its optional
 * functions (ap_dbd_acquire, ap_dbd_open, ap_dbd_close) hand out one
 * connection to a fresh database made by the tree's SQLite migrations, on
 * which the module prepares the statements of the given tables as they run
 * (infra/db_prepare.h).
 */
#ifndef ET_UNIT_SQLITE_FIXTURE_H
#define ET_UNIT_SQLITE_FIXTURE_H

#include "infra/db.h"

/* Makes the database (every sql/sqlite migration, in order) in a new temporary
 * directory, registers the statements of tables (ending with NULL) under
 * et_db_register_statements, and answers a server whose configuration names
 * sqlite3. */
server_rec *et_fixture_open(apr_pool_t *p, const et_stmt *const *tables);
void et_fixture_close(void);

/* A request on that server, from its own pool. */
request_rec *et_fixture_request(apr_pool_t *p);

/* One number from SQL on the database (e.g. SELECT COUNT(*) ...). */
apr_int64_t et_fixture_number(const char *sql);

/* Runs SQL on the database; 0 or the driver's error. */
int et_fixture_exec(const char *sql);

/* The one connection. */
ap_dbd_t *et_fixture_dbd(void);

/* How many connections ap_dbd_open handed out and not yet closed. */
int et_fixture_open_connections(void);

#endif

/*
 * db_timeouts.h: the limits (EverytimeDBTimeout) a database session of the
 * module runs under, set once on each new pooled connection.
 */
#ifndef ET_DB_TIMEOUTS_H
#define ET_DB_TIMEOUTS_H

#include "everytime.h"
#include <apr_dbd.h>
#include <mod_dbd.h>

/* Sets, on a connection that has not had them yet, how long a statement and
 * a wait for a lock may take (pgsql: statement_timeout and lock_timeout;
 * mysql: max_statement_time and innodb_lock_wait_timeout); the database then
 * cancels the statement, which fails, and the request answers 503. On
 * sqlite3, how long a statement waits for the write lock (db_busy.h). A
 * connection that refuses is logged and tried again on its next use. */
void et_db_timeouts_apply(request_rec *r, ap_dbd_t *dbd);

/* The same after the driver reconnected the session (apr_dbd_check_conn):
 * the limits were the old session's. */
void et_db_timeouts_apply_again(request_rec *r, ap_dbd_t *dbd);

/* The SQL that sets them for a driver, or NULL when it has none. */
const char *et_db_timeouts_sql(apr_pool_t *p, const char *driver, apr_int64_t ms);

#endif

/*
 * db_timeouts.c: EverytimeDBTimeout on the module's database sessions.
 *
 * connect_timeout bounds only the connection; a statement stuck behind a row
 * lock, or slow, would otherwise hold its request (and its httpd thread) as
 * long as the database lets it. The database itself enforces these limits,
 * so they hold whatever the client library does; what they cannot bound is a
 * server that stopped answering altogether (see docs/operations.md: libpq's
 * tcp_user_timeout and keepalives in DBDParams cover a silent network).
 */
#include "infra/db_timeouts.h"
#include "core/config.h"
#include "infra/db_checkpoint.h"
#include "infra/db_sqlite.h"

#include <apr_strings.h>

/* The marker on the connection's own pool (it lives as long as the
 * connection): present once the limits are set on this session. */
static const char *const applied_key = "everytime-db-timeouts";

const char *et_db_timeouts_sql(apr_pool_t *p, const char *driver, apr_int64_t ms)
{
    if (!strcmp(driver, "pgsql"))
        /* one statement, so one round trip; both in milliseconds */
        return apr_psprintf(
            p, "SET statement_timeout = %" APR_INT64_T_FMT "; SET lock_timeout = %" APR_INT64_T_FMT,
            ms, ms);
    if (!strcmp(driver, "mysql"))
        /* max_statement_time in seconds (a fraction); InnoDB's lock wait in
         * whole seconds, at least 1, rounded up so it never fires first */
        return apr_psprintf(p,
                            "SET SESSION max_statement_time = %" APR_INT64_T_FMT
                            ".%03d, SESSION innodb_lock_wait_timeout = %" APR_INT64_T_FMT,
                            ms / 1000, (int)(ms % 1000), (ms + 999) / 1000);
    return NULL;
}

/* SQLite's are the connection's own (db_sqlite.h); either failing leaves
 * the driver's defaults, which work, only slower. */
static void sqlite_settings(request_rec *r, ap_dbd_t *dbd)
{
    apr_status_t rv = et_db_busy_install(dbd, et_conf(r->server)->db_timeout);
    int err;
    if (rv != APR_SUCCESS)
        ET_LOG(r, APLOG_WARNING, rv, "installing the SQLite busy handler failed");
    if ((err = et_db_sqlite_sync(dbd, r->pool, et_db_checkpoint_running())) != 0)
        ET_LOG(r, APLOG_WARNING, 0, "setting SQLite's synchronous failed: %s",
               apr_dbd_error(dbd->driver, dbd->handle, err));
}

void et_db_timeouts_apply(request_rec *r, ap_dbd_t *dbd)
{
    void *done = NULL;
    const char *sql;
    int nrows = 0, rv;

    if (!strcmp(apr_dbd_name(dbd->driver), "sqlite3"))
        et_db_busy_new_request(dbd);
    if (apr_pool_userdata_get(&done, applied_key, dbd->pool) == APR_SUCCESS && done)
        return;
    /* SQLite has no statement limits to set, but its wait for the write
     * lock is the connection's own (db_busy.c) */
    if (!strcmp(apr_dbd_name(dbd->driver), "sqlite3"))
        sqlite_settings(r, dbd);
    sql = et_db_timeouts_sql(r->pool, apr_dbd_name(dbd->driver), et_conf(r->server)->db_timeout);
    if (sql && (rv = apr_dbd_query(dbd->driver, dbd->handle, &nrows, sql)) != 0) {
        /* the request goes on; its statements are unbounded this once */
        ET_LOG(r, APLOG_WARNING, 0, "setting the database timeouts failed: %s",
               apr_dbd_error(dbd->driver, dbd->handle, rv));
        return;
    }
    apr_pool_userdata_setn((void *)1, applied_key, NULL, dbd->pool);
}

void et_db_timeouts_apply_again(request_rec *r, ap_dbd_t *dbd)
{
    apr_pool_userdata_setn(NULL, applied_key, NULL, dbd->pool);
    et_db_timeouts_apply(r, dbd);
}

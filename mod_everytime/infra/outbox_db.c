/*
 * outbox_db.c: statements outside a request, for the drain thread and the
 * deliverers it calls. The connection comes from mod_dbd's pool of the
 * server (ap_dbd_open, ap_dbd_close: the calls mod_dbd offers for work
 * without a request), where every registered statement is prepared on each
 * new connection, as for requests; the statement tables, the declared
 * arguments and the outcomes are the database layer's (db.h).
 */
#include "infra/outbox.h"
#include "core/config.h"
#include "infra/db_prepare.h"

#include <apr_optional.h>

struct et_outbox_db {
    server_rec *s;
    apr_pool_t *p;
    ap_dbd_t *dbd;
    const char *note; /* why the current item failed, for last_error */
    const char *rest; /* what its retry is to send instead of its payload */
};

et_outbox_db *et_outbox_db_open(server_rec *s, apr_pool_t *p)
{
    APR_OPTIONAL_FN_TYPE(ap_dbd_open) *open_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    et_outbox_db *db;
    ap_dbd_t *dbd = open_fn ? open_fn(p, s) : NULL;
    if (!dbd) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, "outbox: no database connection [%s]", __func__);
        return NULL;
    }
    db = apr_pcalloc(p, sizeof(*db));
    db->s = s;
    db->p = p;
    db->dbd = dbd;
    return db;
}

void et_outbox_db_close(et_outbox_db *db)
{
    APR_OPTIONAL_FN_TYPE(ap_dbd_close) *close_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    if (db && db->dbd && close_fn)
        close_fn(db->s, db->dbd);
    if (db)
        db->dbd = NULL;
}

server_rec *et_outbox_db_server(et_outbox_db *db)
{
    return db->s;
}

void et_outbox_note(et_outbox_db *db, const char *why)
{
    db->note = why ? apr_pstrndup(db->p, why, 250) : NULL;
}

const char *et_outbox_db_take_note(et_outbox_db *db)
{
    const char *n = db->note;
    db->note = NULL;
    return n;
}

void et_outbox_retry_with(et_outbox_db *db, const char *payload_json)
{
    db->rest = payload_json ? apr_pstrdup(db->p, payload_json) : NULL;
}

const char *et_outbox_db_take_rest(et_outbox_db *db)
{
    const char *r = db->rest;
    db->rest = NULL;
    return r;
}

static et_db_outcome failed(et_outbox_db *db, const char *label, int rv);

/* The statement of label, checked against its declaration, prepared on the
 * connection when it first runs there (db_prepare.h). */
static et_db_outcome statement(et_outbox_db *db, const char *label, int select,
                               apr_dbd_prepared_t **st)
{
    const et_stmt *e = et_db_find_statement(label);
    int rv;
    if (!e || select != (e->ncols > 0)) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, db->s,
                     "outbox: statement %s is not declared for this use (a bug) [%s]", label,
                     __func__);
        return ET_DB_BUG;
    }
    if (!db->dbd)
        return ET_DB_DOWN;
    rv = et_db_prepared(db->dbd, e, st);
    return rv ? failed(db, label, rv) : ET_DB_OK;
}

static et_db_outcome failed(et_outbox_db *db, const char *label, int rv)
{
    const char *m = apr_dbd_error(db->dbd->driver, db->dbd->handle, rv);
    et_db_outcome o = et_db_classify(apr_dbd_name(db->dbd->driver), rv, m);
    /* busy: another writer; the next poll tries again, nothing is lost */
    ap_log_error(APLOG_MARK, o == ET_DB_CONFLICT || o == ET_DB_BUSY ? APLOG_INFO : APLOG_ERR, 0,
                 db->s, "outbox: statement %s failed (%s, %d): %s [%s]", label,
                 et_db_outcome_name(o), rv, m ? m : "", __func__);
    return o;
}

/* After a failure that may be a lost connection (pgsql, mysql): a session
 * the driver re-established has lost its prepared statements, which mod_dbd
 * never prepares again; 1 when they are back and the statement may run once
 * more. */
static int recovered(et_outbox_db *db, const char *label, int rv)
{
    const char *driver = apr_dbd_name(db->dbd->driver);
    const char *m = apr_dbd_error(db->dbd->driver, db->dbd->handle, rv);
    if (!strcmp(driver, "sqlite3") || et_db_classify(driver, rv, m) != ET_DB_DOWN)
        return 0;
    if (apr_dbd_check_conn(db->dbd->driver, db->p, db->dbd->handle) != APR_SUCCESS)
        return 0;
    return et_db_prepare_again(db->dbd, et_db_find_statement(label));
}

et_db_outcome et_outbox_db_exec(et_outbox_db *db, const char *label, int *nrows, ...)
{
    apr_dbd_prepared_t *st = NULL;
    const void **args;
    et_db_outcome o;
    va_list ap;
    int rv, n = 0;

    if ((o = statement(db, label, 0, &st)) != ET_DB_OK)
        return o;
    va_start(ap, nrows);
    args = et_db_bind_args(db->p, et_db_find_statement(label)->args, ap);
    va_end(ap);
    rv = apr_dbd_pbquery(db->dbd->driver, db->p, db->dbd->handle, &n, st, args);
    if (rv && recovered(db, label, rv) && statement(db, label, 0, &st) == ET_DB_OK)
        rv = apr_dbd_pbquery(db->dbd->driver, db->p, db->dbd->handle, &n, st, args);
    if (rv)
        return failed(db, label, rv);
    if (nrows)
        *nrows = n;
    return ET_DB_OK;
}

et_db_outcome et_outbox_db_select(et_outbox_db *db, const char *label, et_rows **out, ...)
{
    apr_dbd_prepared_t *st = NULL;
    apr_dbd_results_t *res = NULL;
    const void **args;
    et_db_outcome o;
    et_rows *rows;
    va_list ap;
    int rv, random;

    if ((o = statement(db, label, 1, &st)) != ET_DB_OK)
        return o;
    va_start(ap, out);
    args = et_db_bind_args(db->p, et_db_find_statement(label)->args, ap);
    va_end(ap);
    /* as et_db_select: random access on all but mysql */
    random = strcmp(apr_dbd_name(db->dbd->driver), "mysql") != 0;
    rv = apr_dbd_pbselect(db->dbd->driver, db->p, db->dbd->handle, &res, st, random, args);
    if (rv && recovered(db, label, rv) && statement(db, label, 1, &st) == ET_DB_OK)
        rv = apr_dbd_pbselect(db->dbd->driver, db->p, db->dbd->handle, &res, st, random, args);
    if (rv)
        return failed(db, label, rv);
    if ((rv = et_db_read_rows(db->p, db->dbd->driver, res, &rows)) != 0)
        return failed(db, label, rv);
    if (rows->nrows && rows->ncols != et_db_find_statement(label)->ncols) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, db->s,
                     "outbox: statement %s: %d result columns, declared %d (a bug) [%s]", label,
                     rows->ncols, et_db_find_statement(label)->ncols, __func__);
        return ET_DB_BUG;
    }
    *out = rows;
    return ET_DB_OK;
}

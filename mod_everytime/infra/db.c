/*
 * db.c: the statement tables, checked at config time and prepared on a
 * connection as requests first run them (db_prepare.h), and helpers that
 * bind arguments, read result sets to their end and manage transactions.
 */
#include "infra/db.h"
#include "core/config.h"
#include "infra/db_prepare.h"
#include "infra/db_timeouts.h"
#include "infra/db_writer.h"

#include <apr_atomic.h>
#include <apr_general.h>
#include <mod_dbd.h>
#include <apr_optional.h>
#include <dlfcn.h>

/* The statement tables to register, handed over once by register_hooks
 * (et_db_use_statements) before any directive is read. A plain static is
 * safe: it is written only there, while httpd runs one thread, and only read
 * after; a restart that reloads the module writes it again, before the
 * configuration is read again. */
static const et_stmt *const *statement_tables;

void et_db_use_statements(const et_stmt *const *tables)
{
    statement_tables = tables;
}

/* The registered SQL of a label for a dialect, and the table's own copy of
 * the label (it outlives any connection). */
const et_stmt *et_db_find_statement(const char *label)
{
    const et_stmt *const *t;
    for (t = statement_tables; t && *t; t++) {
        const et_stmt *st;
        for (st = *t; st->label; st++)
            if (!strcmp(st->label, label))
                return st;
    }
    return NULL;
}

static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) * dbd_acquire;

const char *et_db_register_statements(cmd_parms *cmd)
{
    const et_stmt *const *t;
    /* first: a statement whose SQL and declaration disagree would bind its
     * arguments wrongly on every call */
    for (t = statement_tables; t && *t; t++) {
        const et_stmt *st;
        for (st = *t; st->label; st++) {
            const char *err = et_stmt_check(cmd->pool, st);
            if (err)
                return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
        }
    }
    if (!dbd_acquire)
        dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    if (!dbd_acquire)
        return apr_psprintf(cmd->pool, "%s needs mod_dbd: load it before this directive",
                            cmd->cmd->name);
    /* none goes to ap_dbd_prepare: a connection prepares a statement when a
     * request first runs it there (db_prepare.h) */
    return NULL;
}

/* Work waiting for the open transaction to commit (et_db_after_commit). */
typedef struct after_commit {
    et_db_after_fn fn;
    void *data;
    struct after_commit *next;
} after_commit;

typedef struct {
    ap_dbd_t *dbd;
    apr_dbd_transaction_t *trans;
    after_commit *after, **after_tail; /* in the order they were asked for */
    int bug;                           /* a statement failed as ET_DB_BUG */
    int writing;                       /* the SQLite writer turn it holds (db_writer.h), or 0 */
} req_db;

/* libpq's PQsetErrorVerbosity, found in the process: apr's pgsql driver
 * (loaded by apr_dso_load with RTLD_GLOBAL) brings libpq in, and the module
 * does not link it. Verbose errors carry the SQLSTATE, which is the only
 * way et_db_classify tells a unique violation from a lost connection: the
 * driver answers the same code for both. */
typedef int (*pq_set_verbosity_fn)(void *conn, int verbosity);
#define PQERRORS_VERBOSE 2

static void pgsql_verbose_errors(ap_dbd_t *dbd)
{
    static void *volatile set_verbosity;
    void *fn = set_verbosity;
    if (strcmp(apr_dbd_name(dbd->driver), "pgsql"))
        return;
    if (!fn) {
        void *self = dlopen(NULL, RTLD_LAZY);
        fn = self ? dlsym(self, "PQsetErrorVerbosity") : NULL;
        if (!fn)
            return;
        apr_atomic_casptr((volatile void **)&set_verbosity, fn, NULL);
    }
    ((pq_set_verbosity_fn)fn)(apr_dbd_native_handle(dbd->driver, dbd->handle), PQERRORS_VERBOSE);
}

static const char *const db_note = "everytime-db";

/* Once per process, on the first connection a request gets: every statement
 * prepared, so that one whose SQL the database refuses is in the error log
 * at once, as mod_dbd's eager preparation put it there when it opened a
 * connection (build/test fails a suite whose log has one). Checked again
 * on a later request when the database could not answer. */
static volatile apr_uint32_t statements_checked;

static void check_statements_once(request_rec *r, ap_dbd_t *dbd)
{
    if (statements_checked || apr_atomic_cas32(&statements_checked, 1, 0) != 0)
        return;
    if (et_db_prepare_all(dbd, statement_tables, r->server) < 0)
        apr_atomic_set32(&statements_checked, 0);
}

static req_db *req_db_get(request_rec *r)
{
    req_db *d = NULL;
    apr_pool_userdata_get((void **)&d, db_note, r->pool);
    if (!d) {
        d = apr_pcalloc(r->pool, sizeof(*d));
        apr_pool_userdata_setn(d, db_note, NULL, r->pool);
    }
    if (!d->dbd && dbd_acquire) {
        d->dbd = dbd_acquire(r);
        if (!d->dbd) {
            ET_LOG(r, APLOG_ERR, 0, "no database connection");
        } else {
            et_db_timeouts_apply(r, d->dbd);
            pgsql_verbose_errors(d->dbd);
            check_statements_once(r, d->dbd);
        }
    }
    return d;
}

const char *et_db_driver(request_rec *r)
{
    req_db *d = req_db_get(r);
    return d->dbd ? apr_dbd_name(d->dbd->driver) : NULL;
}

int et_db_had_bug(request_rec *r)
{
    req_db *d = NULL;
    apr_pool_userdata_get((void **)&d, db_note, r->pool);
    return d && d->bug;
}

/* A failure that is the code's, not the database's: logged, and the
 * request remembers it (it answers 500). */
static et_db_outcome db_bug(request_rec *r, req_db *d, const char *label, const char *what)
{
    ET_LOG(r, APLOG_ERR, 0, "statement %s: %s (a bug)", label, what);
    d->bug = 1;
    return ET_DB_BUG;
}

static et_db_outcome prepare_failed(request_rec *r, req_db *d, const et_stmt *e, int rv,
                                    apr_dbd_prepared_t **st);

/* The prepared statement of a label: *st, or ET_DB_DOWN without a
 * connection, ET_DB_BUG for a label no table declares or one run the way
 * its declaration does not allow (select: it has result columns); prepared
 * now when the connection has not run it yet (prepare_failed: when it
 * cannot be). */
static et_db_outcome statement(request_rec *r, req_db *d, const char *label, int select,
                               apr_dbd_prepared_t **st)
{
    const et_stmt *e = et_db_find_statement(label);
    int rv;
    if (!e)
        return db_bug(r, d, label, "no statement table declares it");
    if (select != (e->ncols > 0))
        return db_bug(r, d, label,
                      select ? "run by et_db_select, declared without result columns"
                             : "run by et_db_exec, declared with result columns");
    if (!d->dbd)
        return ET_DB_DOWN;
    rv = et_db_prepared(d->dbd, e, st);
    return rv ? prepare_failed(r, d, e, rv, st) : ET_DB_OK;
}

const void **et_db_bind_args(apr_pool_t *p, const char *fmt, va_list ap)
{
    int n = (int)strlen(fmt), i;
    const void **args = apr_pcalloc(p, sizeof(void *) * (n + 1));
    for (i = 0; i < n; i++) {
        if (fmt[i] == 's') {
            args[i] = va_arg(ap, const char *);
        } else {
            apr_int64_t *v = apr_palloc(p, sizeof(*v));
            *v = va_arg(ap, apr_int64_t);
            args[i] = v;
        }
    }
    return args;
}

/* Outside a transaction, on pgsql/mysql: the driver checks the connection,
 * re-establishing a lost session; 1 when it is usable. */
static int session_checked(request_rec *r, req_db *d)
{
    if (d->trans || !strcmp(apr_dbd_name(d->dbd->driver), "sqlite3"))
        return 0;
    if (apr_dbd_check_conn(d->dbd->driver, r->pool, d->dbd->handle) != APR_SUCCESS)
        return 0;
    /* a new session: its limits are gone with the old one */
    et_db_timeouts_apply_again(r, d->dbd);
    return 1;
}

/* A network database that restarted leaves mod_dbd's pooled connections
 * stale: the first statement fails, and when the driver reconnects (pgsql's
 * PQreset, mysql's reconnect) the session has lost its prepared statements,
 * which mod_dbd never prepares again. So, outside a transaction, a failure on
 * pgsql/mysql (other than one cancelled for EverytimeDBTimeout, which would
 * only wait as long again) checks the connection and tries to prepare the
 * statement anew (et_db_prepare_again):
 * a healthy session that still has it refuses (the original error stands);
 * a reconnected one accepts, and every other statement is prepared again
 * when it next runs. 1 when the caller may retry once. */
static int recover_connection(request_rec *r, req_db *d, const char *label)
{
    if (!session_checked(r, d) || !et_db_prepare_again(d->dbd, et_db_find_statement(label)))
        return 0;
    ET_LOG(r, APLOG_WARNING, 0,
           "the database connection was re-established: "
           "its statements are prepared again as they run");
    return 1;
}

/* A call the driver refused, read at once: the next call on the connection
 * (a recovery's prepare) replaces the driver's message. */
typedef struct {
    int rv;
    const char *message;
    et_db_outcome o;
} db_failure;

static db_failure failure_read(request_rec *r, req_db *d, int rv)
{
    const char *m = apr_dbd_error(d->dbd->driver, d->dbd->handle, rv);
    db_failure f;
    f.rv = rv;
    f.message = apr_pstrdup(r->pool, m ? m : "");
    f.o = et_db_classify(apr_dbd_name(d->dbd->driver), rv, f.message);
    return f;
}

/* Logs the failure (a lost race on a key is no error of the server's) and
 * answers its outcome; the request remembers a bug. */
static et_db_outcome failure_log(request_rec *r, req_db *d, const char *label, const db_failure *f)
{
    if (f->o == ET_DB_BUG)
        d->bug = 1;
    ET_LOG(r, f->o == ET_DB_CONFLICT ? APLOG_INFO : APLOG_ERR, 0,
           "statement %s failed (%s, %d): %s", label, et_db_outcome_name(f->o), f->rv, f->message);
    return f->o;
}

static et_db_outcome db_error(request_rec *r, req_db *d, const char *label, int rv)
{
    db_failure f = failure_read(r, d, rv);
    return failure_log(r, d, label, &f);
}

/* A statement this connection had not run yet did not prepare. When that
 * looks like a lost connection, the driver checks the session (and
 * re-establishes it) and the statement is prepared once more. Statements
 * of a lost session still in the connection's hash fail when next run,
 * and recover_connection then forgets them. */
static et_db_outcome prepare_failed(request_rec *r, req_db *d, const et_stmt *e, int rv,
                                    apr_dbd_prepared_t **st)
{
    db_failure f = failure_read(r, d, rv);
    if (f.o == ET_DB_DOWN && session_checked(r, d) && et_db_prepared(d->dbd, e, st) == 0)
        return ET_DB_OK;
    return failure_log(r, d, e->label, &f);
}

/* 1 when the statement may run once more on a re-established connection.
 * Only a failure that may be a lost connection is worth it: a conflict or a
 * bug would fail again, after preparing every statement anew. */
static int reconnected(request_rec *r, req_db *d, const char *label, const db_failure *f,
                       int select, apr_dbd_prepared_t **st)
{
    return f->o == ET_DB_DOWN && recover_connection(r, d, label) &&
           statement(r, d, label, select, st) == ET_DB_OK;
}

static int is_sqlite(const req_db *d)
{
    return !strcmp(apr_dbd_name(d->dbd->driver), "sqlite3");
}

/* Takes the process's SQLite writer turn (db_writer.h) for a write outside
 * a transaction, or for a transaction: 1 when taken now, 0 when it is not
 * SQLite or the request holds it already (its transaction is open). */
static int writer_enter(req_db *d)
{
    if (d->writing || !is_sqlite(d))
        return 0;
    d->writing = et_db_writer_enter();
    return 1;
}

static void writer_leave(req_db *d)
{
    int held = d->writing;
    if (!held)
        return;
    d->writing = 0;
    et_db_writer_leave(held);
}

static et_db_outcome select_bound(request_rec *r, req_db *d, const char *label,
                                  apr_dbd_prepared_t *st, const void **args, et_rows **out);

int et_db_read_rows(apr_pool_t *p, const apr_dbd_driver_t *driver, apr_dbd_results_t *res,
                    et_rows **out)
{
    et_rows *rows = apr_pcalloc(p, sizeof(*rows));
    apr_array_header_t *cells = apr_array_make(p, 16, sizeof(char *));
    apr_dbd_row_t *row = NULL;
    int rv, j;
    /* Read to the end all the same: a row left unread is never cleaned up */
    while ((rv = apr_dbd_get_row(driver, p, res, &row, -1)) == 0) {
        /* pgsql knows its columns only once the first row has arrived */
        if (rows->nrows == 0)
            rows->ncols = apr_dbd_num_cols(driver, res);
        for (j = 0; j < rows->ncols; j++) {
            char *cell = NULL;
            if (apr_dbd_datum_get(driver, row, j, APR_DBD_TYPE_STRING, &cell) != APR_SUCCESS)
                cell = NULL;
            APR_ARRAY_PUSH(cells, const char *) = cell ? apr_pstrdup(p, cell) : NULL;
        }
        rows->nrows++;
    }
    rows->cells = (const char **)cells->elts;
    *out = rows;
    return rv == -1 ? 0 : rv;
}

et_db_outcome et_db_select(request_rec *r, const char *label, et_rows **out, ...)
{
    req_db *d = req_db_get(r);
    apr_dbd_prepared_t *st = NULL;
    et_db_outcome o;
    const void **args;
    va_list ap;
    int solo;

    if ((o = statement(r, d, label, 1, &st)) != ET_DB_OK)
        return o;
    va_start(ap, out);
    args = et_db_bind_args(r->pool, et_db_find_statement(label)->args, ap);
    va_end(ap);
    /* an INSERT ... RETURNING outside a transaction writes */
    solo = et_db_writes(et_db_find_statement(label)->sql) && writer_enter(d);
    o = select_bound(r, d, label, st, args, out);
    if (solo)
        writer_leave(d);
    return o;
}

static et_db_outcome select_bound(request_rec *r, req_db *d, const char *label,
                                  apr_dbd_prepared_t *st, const void **args, et_rows **out)
{
    apr_dbd_results_t *res = NULL;
    et_rows *rows;
    int rv, random;

    /* Random access makes pgsql fetch the whole result at once: sequentially
     * it reports a lost connection as "no more rows". mysql's random mode
     * cannot step with -1 ("next row"), and reports errors sequentially. */
    random = strcmp(apr_dbd_name(d->dbd->driver), "mysql") != 0;
    rv = apr_dbd_pbselect(d->dbd->driver, r->pool, d->dbd->handle, &res, st, random, args);
    if (rv) {
        db_failure f = failure_read(r, d, rv);
        if (!reconnected(r, d, label, &f, 1, &st))
            return failure_log(r, d, label, &f);
        rv = apr_dbd_pbselect(d->dbd->driver, r->pool, d->dbd->handle, &res, st, random, args);
        if (rv)
            return db_error(r, d, label, rv);
    }
    if ((rv = et_db_read_rows(r->pool, d->dbd->driver, res, &rows)) != 0)
        return db_error(r, d, label, rv);
    if (rows->nrows && rows->ncols != et_db_find_statement(label)->ncols)
        return db_bug(r, d, label,
                      apr_psprintf(r->pool, "%d result columns, declared %d", rows->ncols,
                                   et_db_find_statement(label)->ncols));
    *out = rows;
    return ET_DB_OK;
}

/* SQLite has one writer at a time, and apr's driver gives up on a busy
 * database after about 1.6 s of flat retries. Under a burst of writers that
 * loses requests, so a write outside a transaction, or a BEGIN, is tried
 * again with growing, jittered waits for up to ET_SQLITE_BUSY_WAIT before the
 * request answers 503. */
#define ET_SQLITE_BUSY_WAIT apr_time_from_sec(8)
#define SQLITE_BUSY_CODE    5
#define SQLITE_LOCKED_CODE  6

typedef int (*db_attempt)(request_rec *r, req_db *d, void *ctx);

static int sqlite_busy_retry(request_rec *r, req_db *d, db_attempt attempt, void *ctx)
{
    apr_time_t give_up = apr_time_now() + ET_SQLITE_BUSY_WAIT;
    apr_interval_time_t wait = 5000;
    unsigned char jitter;
    int rv = -1;
    while (rv && apr_time_now() < give_up) {
        apr_generate_random_bytes(&jitter, 1);
        apr_sleep(wait + (apr_interval_time_t)jitter * 100);
        if (wait < 200000)
            wait *= 2;
        rv = attempt(r, d, ctx);
    }
    return rv;
}

typedef struct {
    apr_dbd_prepared_t *st;
    const void **args;
    int nrows;
} exec_call;

static int exec_once(request_rec *r, req_db *d, void *ctx)
{
    exec_call *c = ctx;
    return apr_dbd_pbquery(d->dbd->driver, r->pool, d->dbd->handle, &c->nrows, c->st, c->args);
}

static et_db_outcome exec_bound(request_rec *r, req_db *d, const char *label, exec_call *c,
                                int *nrows);

et_db_outcome et_db_exec(request_rec *r, const char *label, int *nrows, ...)
{
    req_db *d = req_db_get(r);
    apr_dbd_prepared_t *st = NULL;
    const void **args;
    exec_call call = {NULL, NULL, 0};
    et_db_outcome o;
    va_list ap;
    int solo;

    if ((o = statement(r, d, label, 0, &st)) != ET_DB_OK)
        return o;
    va_start(ap, nrows);
    args = et_db_bind_args(r->pool, et_db_find_statement(label)->args, ap);
    va_end(ap);
    call.st = st;
    call.args = args;
    solo = writer_enter(d);
    o = exec_bound(r, d, label, &call, nrows);
    if (solo)
        writer_leave(d);
    return o;
}

static et_db_outcome exec_bound(request_rec *r, req_db *d, const char *label, exec_call *c,
                                int *nrows)
{
    exec_call call = *c;
    int rv = exec_once(r, d, &call);
    if (rv) {
        db_failure f = failure_read(r, d, rv);
        if (reconnected(r, d, label, &f, 0, &call.st))
            rv = exec_once(r, d, &call);
        else if ((rv == SQLITE_BUSY_CODE || rv == SQLITE_LOCKED_CODE) && !d->trans && is_sqlite(d))
            rv = sqlite_busy_retry(r, d, exec_once, &call);
        else
            return failure_log(r, d, label, &f);
        if (rv)
            return db_error(r, d, label, rv);
    }
    if (nrows)
        *nrows = call.nrows;
    return ET_DB_OK;
}

static apr_status_t rollback_open(void *data)
{
    req_db *d = data;
    d->after = NULL; /* what waited for a commit that never comes */
    if (d->trans) {
        apr_dbd_transaction_mode_set(d->dbd->driver, d->trans, APR_DBD_TRANSACTION_ROLLBACK);
        apr_dbd_transaction_end(d->dbd->driver, d->dbd->pool, d->trans);
        d->trans = NULL;
    }
    writer_leave(d);
    return APR_SUCCESS;
}

/* One BEGIN. The drivers attach a transaction to the connection even when
 * BEGIN fails; left there it would poison every later statement on this
 * pooled connection, so a failed one is ended at once. */
static int begin_once(request_rec *r, req_db *d, void *ctx)
{
    apr_dbd_transaction_t *t = NULL;
    int rv = apr_dbd_transaction_start(d->dbd->driver, r->pool, d->dbd->handle, &t);
    (void)ctx;
    if (rv && t) {
        apr_dbd_transaction_mode_set(d->dbd->driver, t, APR_DBD_TRANSACTION_ROLLBACK);
        apr_dbd_transaction_end(d->dbd->driver, r->pool, t);
    }
    d->trans = rv ? NULL : t;
    return rv;
}

apr_status_t et_db_begin(request_rec *r)
{
    req_db *d = req_db_get(r);
    int rv;
    if (!d->dbd)
        return APR_EGENERAL;
    /* SQLite: a transaction is a writer (BEGIN IMMEDIATE) until it ends */
    writer_enter(d);
    rv = begin_once(r, d, NULL);
    if (rv && recover_connection(r, d, "et_ops_ping"))
        rv = begin_once(r, d, NULL);
    if (rv && is_sqlite(d))
        rv = sqlite_busy_retry(r, d, begin_once, NULL);
    if (rv) {
        d->trans = NULL;
        writer_leave(d);
        db_error(r, d, "BEGIN", rv);
        return APR_EGENERAL;
    }
    apr_pool_cleanup_register(r->pool, d, rollback_open, apr_pool_cleanup_null);
    return APR_SUCCESS;
}

/* Detached before they run: one of them may open a transaction of its own. */
static void run_after_commit(request_rec *r, req_db *d)
{
    after_commit *a = d->after;
    d->after = NULL;
    for (; a; a = a->next)
        a->fn(r, a->data);
}

apr_status_t et_db_commit(request_rec *r)
{
    req_db *d = req_db_get(r);
    apr_dbd_transaction_t *t = d->trans;
    int rv;
    if (!t)
        return APR_EGENERAL;
    d->trans = NULL;
    /* a statement that failed inside the transaction makes this a rollback */
    if (apr_dbd_transaction_mode_get(d->dbd->driver, t) & APR_DBD_TRANSACTION_ROLLBACK)
        rv = -1;
    else
        rv = 0;
    rv = apr_dbd_transaction_end(d->dbd->driver, r->pool, t) != 0 || rv;
    writer_leave(d);
    if (rv) {
        d->after = NULL;
        db_error(r, d, "COMMIT", rv);
        return APR_EGENERAL;
    }
    run_after_commit(r, d);
    return APR_SUCCESS;
}

void et_db_after_commit(request_rec *r, et_db_after_fn fn, void *data)
{
    req_db *d = req_db_get(r);
    after_commit *a;
    if (!d->trans) {
        fn(r, data);
        return;
    }
    a = apr_pcalloc(r->pool, sizeof(*a));
    a->fn = fn;
    a->data = data;
    if (!d->after)
        d->after_tail = &d->after;
    *d->after_tail = a;
    d->after_tail = &a->next;
}

void et_db_rollback(request_rec *r)
{
    req_db *d = req_db_get(r);
    rollback_open(d);
}

int et_db_schema_ok(request_rec *r)
{
    et_srv_conf *c = et_conf(r->server);
    et_rows *rows;
    apr_int64_t version;
    apr_uint32_t known = apr_atomic_read32(&c->schema_state);
    if (known)
        return known == ET_SCHEMA_GOOD;
    if (et_db_select(r, "et_db_schema_version", &rows) != APR_SUCCESS || rows->nrows != 1)
        return -1;
    version = et_cell_i64(ET_CELL(rows, 0, 0));
    if (version < ET_SCHEMA_VERSION)
        ET_LOG(r, APLOG_CRIT, 0,
               "the database schema is version %" APR_INT64_T_FMT
               ", older than the %d this module needs: run the migrations in sql/",
               version, ET_SCHEMA_VERSION);
    apr_atomic_set32(&c->schema_state,
                     version < ET_SCHEMA_VERSION ? ET_SCHEMA_OLD : ET_SCHEMA_GOOD);
    return version >= ET_SCHEMA_VERSION;
}

apr_int64_t et_cell_i64(const char *cell)
{
    return cell ? apr_atoi64(cell) : 0;
}

#define TXN_ATTEMPTS 5

int et_db_transaction(request_rec *r, et_db_txn_fn fn, void *ctx)
{
    int attempt, status;
    for (attempt = 0; attempt < TXN_ATTEMPTS; attempt++) {
        if (attempt)
            /* let the transaction we collided with finish */
            apr_sleep(apr_time_from_msec(5 * attempt));
        if (et_db_begin(r) != APR_SUCCESS)
            return ET_DB_GAVE_UP;
        status = fn(ctx);
        if (status == OK && et_db_commit(r) == APR_SUCCESS)
            return OK;
        et_db_rollback(r);
        if (status != OK && status != ET_DB_RETRY)
            return status;
        if (et_db_had_bug(r))
            break; /* the same statement would fail the same way */
    }
    return ET_DB_GAVE_UP;
}

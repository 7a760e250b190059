/*
 * db_sqlite.c: an SQLite connection's settings (db_sqlite.h): the busy
 * handler, and synchronous in WAL mode.
 *
 * The busy handler: *
 * apr's driver holds one mutex of the process (apr_dbd_mutex_lock) around
 * every sqlite3 call, and so while sqlite3_step runs this handler. The
 * handler lets go of it while it sleeps, as the driver's own retries do:
 * the writer it waits for may be another thread of this process, which
 * needs that mutex to finish its transaction.
 */
#include "infra/db_sqlite.h"

#include <apr_atomic.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <dlfcn.h>

/* libaprutil's, exported but declared only in its private apr_dbd_internal.h */
apr_status_t apr_dbd_mutex_lock(void);
apr_status_t apr_dbd_mutex_unlock(void);

/* sqlite3_busy_handler, found in the process: apr's sqlite3 driver (loaded
 * by apr_dso_load with RTLD_GLOBAL) brings libsqlite3 in; the module does
 * not link it. */
typedef int (*busy_fn)(void *data, int count);
typedef int (*set_busy_handler_fn)(void *db, busy_fn fn, void *data);

/* Only one thread per process polls (db_writer.h), so polling often costs
 * little, and a lock released is taken within a few tens of µs. */
#define FIRST_PAUSES 400 /* of 50 µs: the first 20 ms */
#define FIRST_PAUSE  50  /* µs */
#define LATER_PAUSE  apr_time_from_msec(1)

/* One per connection: one request at a time uses it, so plain fields do. */
typedef struct {
    apr_interval_time_t limit;
    apr_time_t since; /* the first retry of this wait */
    int gave_up;      /* this request waited its limit once already */
} busy_wait;

static const char *const busy_key = "everytime-sqlite-busy";

apr_interval_time_t et_db_busy_pause(int count)
{
    return count < FIRST_PAUSES ? FIRST_PAUSE : LATER_PAUSE;
}

/* 1: try again; 0: give up (the statement answers SQLITE_BUSY). */
static int wait_for_lock(void *data, int count)
{
    busy_wait *w = data;
    apr_time_t now = apr_time_now();
    /* apr's driver and db.c's sqlite_busy_retry step a busy statement again
     * and again: without this, each of their retries would wait the whole
     * limit anew, and a request stuck behind a lock would take minutes */
    if (w->gave_up)
        return 0;
    if (count == 0)
        w->since = now;
    else if (now - w->since >= w->limit) {
        w->gave_up = 1;
        return 0;
    }
    apr_dbd_mutex_unlock();
    apr_sleep(et_db_busy_pause(count));
    apr_dbd_mutex_lock();
    return 1;
}

void *et_db_sqlite_symbol(const char *name)
{
    void *self = dlopen(NULL, RTLD_LAZY);
    return self ? dlsym(self, name) : NULL;
}

/* sqlite3.h's values: the module does not build against the header */
#define SQLITE_CONFIG_MULTITHREAD 2
#define SQLITE_CONFIG_MEMSTATUS   9
typedef int (*config_fn)(int option, ...);

int et_db_sqlite_threading(void)
{
    config_fn config = (config_fn)et_db_sqlite_symbol("sqlite3_config");
    int rv;
    if (!config)
        return -1;
    if ((rv = config(SQLITE_CONFIG_MULTITHREAD)) != 0)
        return rv;
    return config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static set_busy_handler_fn find_set_busy_handler(void)
{
    static void *volatile found;
    void *fn = found;
    if (!fn) {
        if (!(fn = et_db_sqlite_symbol("sqlite3_busy_handler")))
            return NULL;
        apr_atomic_casptr((volatile void **)&found, fn, NULL);
    }
    return (set_busy_handler_fn)fn;
}

int et_db_sqlite_set_busy_handler(void *db, int (*fn)(void *data, int count), void *data)
{
    set_busy_handler_fn set = find_set_busy_handler();
    return set ? set(db, fn, data) : -1;
}

apr_status_t et_db_busy_install(ap_dbd_t *dbd, apr_int64_t ms)
{
    set_busy_handler_fn set = find_set_busy_handler();
    busy_wait *w;
    if (!set)
        return APR_ENOTIMPL;
    w = apr_pcalloc(dbd->pool, sizeof(*w));
    w->limit = apr_time_from_msec(ms);
    apr_pool_userdata_setn(w, busy_key, NULL, dbd->pool);
    return set(apr_dbd_native_handle(dbd->driver, dbd->handle), wait_for_lock, w) == 0
               ? APR_SUCCESS
               : APR_EGENERAL;
}

/* Runs a pragma, in *value its first answer (NULL for none). A pragma that
 * answers a row is a select to apr's driver, whose query calls it failed. */
static int pragma(ap_dbd_t *dbd, apr_pool_t *p, const char *sql, const char **value)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int rv = apr_dbd_select(dbd->driver, p, dbd->handle, &res, sql, 0);
    *value = NULL;
    if (rv)
        return rv;
    /* read to the end: a row left unread is never cleaned up */
    while (apr_dbd_get_row(dbd->driver, p, res, &row, -1) == 0)
        if (!*value)
            *value = apr_pstrdup(p, apr_dbd_get_entry(dbd->driver, row, 0));
    return 0;
}

int et_db_sqlite_sync(ap_dbd_t *dbd, apr_pool_t *p, int no_autocheckpoint)
{
    const char *mode, *ignored;
    int rv = pragma(dbd, p, "PRAGMA journal_mode", &mode);
    if (rv || !mode || strcasecmp(mode, "wal"))
        return rv;
    /* not a pragma that expires the prepared statements (those are flags
     * such as foreign_keys: apr's driver never prepares them again) */
    if ((rv = pragma(dbd, p, "PRAGMA synchronous = NORMAL", &ignored)))
        return rv;
    return no_autocheckpoint ? pragma(dbd, p, "PRAGMA wal_autocheckpoint = 0", &ignored) : 0;
}

void et_db_busy_new_request(ap_dbd_t *dbd)
{
    void *w = NULL;
    if (apr_pool_userdata_get(&w, busy_key, dbd->pool) == APR_SUCCESS && w)
        ((busy_wait *)w)->gave_up = 0;
}

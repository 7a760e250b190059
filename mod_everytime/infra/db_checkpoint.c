/*
 * db_checkpoint.c: the checkpoint thread of a child (db_checkpoint.h).
 *
 * It learns each database file from a connection of mod_dbd's pool (the
 * DBDParams are mod_dbd's), then keeps a connection of its own to it,
 * opened with libsqlite3's calls found in the process (apr's sqlite3 driver
 * brings the library in; the module does not link it). On that connection
 * it takes neither apr's mutex nor the process's writer turn: a checkpoint
 * waits only for what SQLite itself makes it wait for.
 */
#include "infra/db_checkpoint.h"
#include "infra/child_thread.h"
#include "core/config.h"
#include "infra/db_sqlite.h"

#include <apr_atomic.h>
#include <apr_optional.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>

/* sqlite3.h's, for the calls below */
#define SQLITE_OK                 0
#define SQLITE_OPEN_READWRITE     0x00000002
#define SQLITE_CHECKPOINT_PASSIVE 0
#define SQLITE_CHECKPOINT_RESTART 2

typedef int (*open_fn)(const char *file, void **db, int flags, const char *vfs);
typedef int (*close_fn)(void *db);
typedef int (*checkpoint_fn)(void *db, const char *schema, int mode, int *log, int *done);
typedef const char *(*filename_fn)(void *db, const char *schema);
typedef int (*exec_fn)(void *db, const char *sql, void *callback, void *data, char **error);

/* A RESTART holds off new writers while it waits for the readers of the old
 * snapshot: it waits in short steps, and gives up (to try again at the next
 * round) long before a writer's EverytimeDBTimeout. */
#define RESTART_PAUSE 100 /* µs */
#define RESTART_TRIES 2000

typedef struct {
    open_fn open;
    close_fn close;
    checkpoint_fn checkpoint;
    filename_fn filename;
    exec_fn exec;
} sqlite_calls;

typedef struct {
    const char *path;
    void *db; /* the thread's own connection */
} wal_file;

typedef struct {
    sqlite_calls calls;
    apr_array_header_t *unknown; /* server_rec *: whose file is yet to be learnt */
    apr_array_header_t *files;   /* wal_file */
    int restart_frames;
    int warned; /* a file that would not open was logged */
    server_rec *s;
} checkpointer;

static volatile apr_uint32_t running, stopping;

int et_db_checkpoint_running(void)
{
    return apr_atomic_read32(&running) != 0;
}

static int find_calls(sqlite_calls *c)
{
    c->open = (open_fn)et_db_sqlite_symbol("sqlite3_open_v2");
    c->close = (close_fn)et_db_sqlite_symbol("sqlite3_close");
    c->checkpoint = (checkpoint_fn)et_db_sqlite_symbol("sqlite3_wal_checkpoint_v2");
    c->filename = (filename_fn)et_db_sqlite_symbol("sqlite3_db_filename");
    c->exec = (exec_fn)et_db_sqlite_symbol("sqlite3_exec");
    return c->open && c->close && c->checkpoint && c->filename && c->exec;
}

static int restart_wait(void *data, int count)
{
    (void)data;
    if (count >= RESTART_TRIES)
        return 0;
    apr_sleep(RESTART_PAUSE);
    return 1;
}

/* The file of server s's pooled connections, or NULL (no connection yet,
 * or not SQLite, or a database in memory). */
static const char *file_of(checkpointer *ck, server_rec *s, apr_pool_t *p)
{
    APR_OPTIONAL_FN_TYPE(ap_dbd_open) *dbd_open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    APR_OPTIONAL_FN_TYPE(ap_dbd_close) *dbd_close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    ap_dbd_t *dbd = dbd_open && dbd_close ? dbd_open(p, s) : NULL;
    const char *path = NULL;
    if (!dbd)
        return NULL;
    if (!strcmp(apr_dbd_name(dbd->driver), "sqlite3"))
        path = ck->calls.filename(apr_dbd_native_handle(dbd->driver, dbd->handle), "main");
    path = path && *path ? apr_pstrdup(p, path) : NULL;
    dbd_close(s, dbd);
    return path;
}

/* Learns the files of the servers not known yet, opening one connection to
 * each file not seen before. */
static void learn_files(checkpointer *ck, apr_pool_t *p)
{
    int i, j;
    for (i = 0; i < ck->unknown->nelts; i++) {
        server_rec *s = APR_ARRAY_IDX(ck->unknown, i, server_rec *);
        const char *path = s ? file_of(ck, s, p) : NULL;
        wal_file f = {path, NULL};
        if (!path)
            continue;
        APR_ARRAY_IDX(ck->unknown, i, server_rec *) = NULL;
        for (j = 0; j < ck->files->nelts; j++)
            if (!strcmp(APR_ARRAY_IDX(ck->files, j, wal_file).path, path))
                break;
        if (j < ck->files->nelts)
            continue;
        /* a connection knows its database is in WAL mode once it has read it */
        if (ck->calls.open(path, &f.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
            ck->calls.exec(f.db, "SELECT COUNT(*) FROM sqlite_master", NULL, NULL, NULL) !=
                SQLITE_OK) {
            ck->calls.close(f.db);
            /* the requests checkpoint nothing: try again next round */
            APR_ARRAY_IDX(ck->unknown, i, server_rec *) = s;
            if (!ck->warned++)
                ap_log_error(APLOG_MARK, APLOG_WARNING, 0, ck->s,
                             "SQLite checkpoints: cannot open %s; trying again [%s]", path,
                             __func__);
            continue;
        }
        et_db_sqlite_set_busy_handler(f.db, restart_wait, NULL);
        APR_ARRAY_PUSH(ck->files, wal_file) = f;
    }
}

/* One round on one file: what the WAL holds into the database, and the WAL
 * made to start over once it is long. A database not in WAL mode answers
 * log -1: nothing to do. Busy (another process's thread is at it) waits for
 * the next round. */
static void checkpoint(checkpointer *ck, wal_file *f)
{
    int log = -1, done = -1;
    if (ck->calls.checkpoint(f->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) != SQLITE_OK)
        return;
    if (log >= ck->restart_frames)
        ck->calls.checkpoint(f->db, NULL, SQLITE_CHECKPOINT_RESTART, &log, &done);
}

static void *APR_THREAD_FUNC checkpoint_thread(apr_thread_t *t, void *data)
{
    checkpointer *ck = data;
    apr_pool_t *p;
    int i;
    apr_pool_create(&p, apr_thread_pool_get(t));
    while (!apr_atomic_read32(&stopping)) {
        learn_files(ck, p);
        for (i = 0; i < ck->files->nelts && !apr_atomic_read32(&stopping); i++)
            checkpoint(ck, &APR_ARRAY_IDX(ck->files, i, wal_file));
        apr_sleep(ET_CHECKPOINT_INTERVAL);
    }
    for (i = 0; i < ck->files->nelts; i++)
        ck->calls.close(APR_ARRAY_IDX(ck->files, i, wal_file).db);
    apr_pool_destroy(p);
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

/* When the child ends: the thread ends after its round, and new
 * connections checkpoint for themselves again. */
static void stop_thread(void *data)
{
    (void)data;
    apr_atomic_set32(&stopping, 1);
    apr_atomic_set32(&running, 0);
}

void et_db_checkpoint_child_init(apr_pool_t *pchild, server_rec *s)
{
    checkpointer *ck = apr_pcalloc(pchild, sizeof(*ck));
    server_rec *v;
    apr_status_t rv;
    ck->s = s;
    ck->restart_frames = (int)et_conf(s)->wal_restart;
    ck->unknown = apr_array_make(pchild, 2, sizeof(server_rec *));
    ck->files = apr_array_make(pchild, 1, sizeof(wal_file));
    for (v = s; v; v = v->next)
        if (et_conf_uses_sqlite(v))
            APR_ARRAY_PUSH(ck->unknown, server_rec *) = v;
    if (!ck->unknown->nelts || ck->restart_frames <= 0)
        return;
    if (!find_calls(&ck->calls)) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "SQLite checkpoints: libsqlite3's calls are not in the process; the "
                     "requests checkpoint [%s]",
                     __func__);
        return;
    }
    apr_atomic_set32(&stopping, 0);
    if ((rv = et_child_thread_start(pchild, checkpoint_thread, ck, stop_thread)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     "SQLite checkpoints: no thread; the requests checkpoint [%s]", __func__);
        return;
    }
    apr_atomic_set32(&running, 1);
}

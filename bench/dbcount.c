/* bench/dbcount.c: counts the statements httpd sends to its database, for
 * bench/run's "stmts" column, without a line of the module changed.
 *
 * bench/run builds it into a shared object and starts build/run with
 * LD_PRELOAD pointing at it and BENCH_DB_COUNTER naming a file of 8 bytes
 * that every process (root's httpd, its unprivileged children) maps shared
 * and adds to atomically. It interposes the client libraries' entry points,
 * each of which is one round trip to a database server:
 *   libpq:      PQexec, PQexecParams, PQexecPrepared, and their
 *               asynchronous PQsend* forms (apr_dbd_pgsql uses both);
 *   libmariadb: mysql_real_query, mysql_query, mysql_stmt_execute;
 *   SQLite:     no server, so no round trip: each connection opened gets a
 *               trace callback (SQLITE_TRACE_STMT) that counts the
 *               statements run (not a trigger's sub-programs).
 * Preparing a statement is not counted (PQprepare, PQsendPrepare, a PQexec of
 * "PREPARE ...", mysql_stmt_prepare): the module prepares a statement once
 * per connection, when a request first runs it there, and the column is
 * what a request costs on a connection that has run the case before.
 * A process without BENCH_DB_COUNTER only passes calls on. bench/run reads the
 * counter before and after one request on an idle server: the difference is
 * what that request cost.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

static unsigned long long *counter;
static int counter_state; /* 0 not tried, 1 mapped, -1 not counting */

static void count(void)
{
    if (counter_state == 0) {
        const char *path = getenv("BENCH_DB_COUNTER");
        int fd = path ? open(path, O_RDWR) : -1;
        void *map = MAP_FAILED;
        if (fd >= 0) {
            map = mmap(NULL, sizeof *counter, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            close(fd);
        }
        counter = map == MAP_FAILED ? NULL : map;
        counter_state = counter ? 1 : -1;
    }
    if (counter)
        __atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

/* the next definition of NAME: the client library, loaded by apr_dbd's
 * driver after this object (RTLD_NEXT finds it in the global scope) */
static void *next(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f)
        abort(); /* called through a library that is not there: cannot be */
    return f;
}

/* The client libraries call their own entry points through the PLT
 * (libpq's PQexecPrepared calls PQsendQueryPrepared, libmariadb's
 * mysql_query calls mysql_real_query): those land here too, and must not
 * count again. Only the outermost call of a thread counts. */
static __thread int depth;

#define CALL(ret, name, params, args, counts)      \
    ret name params                                \
    {                                              \
        static ret(*real) params;                  \
        ret result;                                \
        if (!real)                                 \
            real = (ret(*) params)next(#name);     \
        if (depth++ == 0 && (counts))              \
            count();                               \
        result = real args;                        \
        depth--;                                   \
        return result;                             \
    }
#define PASS(ret, name, params, args)    CALL(ret, name, params, args, 1)
#define PREPARE(ret, name, params, args) CALL(ret, name, params, args, 0)

static int is_prepare(const char *q)
{
    return q && !strncasecmp(q, "PREPARE ", 8);
}

/* ---- libpq (opaque types as void) ---- */
typedef unsigned int Oid;
CALL(void *, PQexec, (void *c, const char *q), (c, q), !is_prepare(q))
PASS(void *, PQexecParams,
     (void *c, const char *q, int n, const Oid *t, const char *const *v, const int *l, const int *f,
      int rf),
     (c, q, n, t, v, l, f, rf))
PASS(void *, PQexecPrepared,
     (void *c, const char *s, int n, const char *const *v, const int *l, const int *f, int rf),
     (c, s, n, v, l, f, rf))
PREPARE(void *, PQprepare, (void *c, const char *s, const char *q, int n, const Oid *t),
        (c, s, q, n, t))
CALL(int, PQsendQuery, (void *c, const char *q), (c, q), !is_prepare(q))
PASS(int, PQsendQueryParams,
     (void *c, const char *q, int n, const Oid *t, const char *const *v, const int *l, const int *f,
      int rf),
     (c, q, n, t, v, l, f, rf))
PASS(int, PQsendQueryPrepared,
     (void *c, const char *s, int n, const char *const *v, const int *l, const int *f, int rf),
     (c, s, n, v, l, f, rf))
PREPARE(int, PQsendPrepare, (void *c, const char *s, const char *q, int n, const Oid *t),
        (c, s, q, n, t))

/* ---- libmariadb ---- */
PASS(int, mysql_real_query, (void *m, const char *q, unsigned long n), (m, q, n))
PASS(int, mysql_query, (void *m, const char *q), (m, q))
PREPARE(int, mysql_stmt_prepare, (void *s, const char *q, unsigned long n), (s, q, n))
PASS(int, mysql_stmt_execute, (void *s), (s))

/* ---- SQLite ---- */
#define SQLITE_TRACE_STMT 0x01
typedef int (*trace_fn)(unsigned, void *, void *, void *);

static int on_statement(unsigned type, void *ctx, void *stmt, void *sql)
{
    (void)ctx;
    (void)stmt;
    /* a trigger's sub-program is reported as "-- TRIGGER name": not a statement */
    const char *text = sql;
    if (type == SQLITE_TRACE_STMT && !(text && text[0] == '-' && text[1] == '-'))
        count();
    return 0;
}

static void trace(void *db)
{
    static int (*set)(void *, unsigned, trace_fn, void *);
    if (!db || !getenv("BENCH_DB_COUNTER"))
        return;
    if (!set)
        set = (int (*)(void *, unsigned, trace_fn, void *))next("sqlite3_trace_v2");
    set(db, SQLITE_TRACE_STMT, on_statement, NULL);
}

int sqlite3_open(const char *file, void **db)
{
    static int (*real)(const char *, void **);
    if (!real)
        real = (int (*)(const char *, void **))next("sqlite3_open");
    int rc = real(file, db);
    trace(*db);
    return rc;
}

int sqlite3_open_v2(const char *file, void **db, int flags, const char *vfs)
{
    static int (*real)(const char *, void **, int, const char *);
    if (!real)
        real = (int (*)(const char *, void **, int, const char *))next("sqlite3_open_v2");
    int rc = real(file, db, flags, vfs);
    trace(*db);
    return rc;
}

/*
 * db_writer.c: the SQLite writer turn (db_writer.h). A global mutex made in
 * post_config when some server uses SQLite, of APR's process-shared pthread
 * kind whatever the Mutex directive says: a file lock (fcntl, Debian's
 * "Mutex file:... default") has the kernel detect deadlocks between
 * processes, not threads, and while one thread of a process waited for this
 * turn it refused another thread's lock of the token cache with EDEADLK
 * (bench/run logged hundreds). Without it (no SQLite, an APR without that
 * kind, the unit tests) a pthread mutex of the process. Either way the
 * waiters sleep in the kernel until it is free.
 */
#include "infra/db_writer.h"
#include "core/config.h"

#include <apr_global_mutex.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

static pthread_mutex_t turn = PTHREAD_MUTEX_INITIALIZER;
static apr_global_mutex_t *global_turn;

static apr_status_t forget(void *unused)
{
    (void)unused;
    global_turn = NULL;
    return APR_SUCCESS;
}

int et_db_writer_post_config(apr_pool_t *pconf, server_rec *s)
{
    apr_status_t rv;
    if (!et_conf_any_uses_sqlite(s))
        return OK;
    rv = apr_global_mutex_create(&global_turn, NULL, APR_LOCK_PROC_PTHREAD, pconf);
    if (rv != APR_SUCCESS) {
        /* each process's threads still take turns among themselves */
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     "no process-shared SQLite writer mutex: the processes poll for the lock");
        global_turn = NULL;
        return OK;
    }
    apr_pool_cleanup_register(pconf, NULL, forget, apr_pool_cleanup_null);
    return OK;
}

void et_db_writer_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv;
    if (!global_turn)
        return;
    rv = apr_global_mutex_child_init(&global_turn, apr_global_mutex_lockfile(global_turn), pchild);
    if (rv != APR_SUCCESS) {
        /* the process's own turn still keeps its threads in line */
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     "cannot reopen the SQLite writer mutex in a child");
        global_turn = NULL;
    }
}

int et_db_writer_enter(void)
{
    if (global_turn && apr_global_mutex_lock(global_turn) == APR_SUCCESS)
        return ET_WRITER_GLOBAL;
    pthread_mutex_lock(&turn);
    return ET_WRITER_PROCESS;
}

void et_db_writer_leave(int held)
{
    if (held == ET_WRITER_GLOBAL)
        apr_global_mutex_unlock(global_turn);
    else if (held == ET_WRITER_PROCESS)
        pthread_mutex_unlock(&turn);
}

int et_db_writes(const char *sql)
{
    static const char *const verbs[] = {"INSERT", "UPDATE", "DELETE", "REPLACE"};
    size_t i;
    while (*sql == ' ' || *sql == '\n' || *sql == '(')
        sql++;
    for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (!strncasecmp(sql, verbs[i], strlen(verbs[i])))
            return 1;
    return 0;
}

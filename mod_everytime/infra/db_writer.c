/*
 * db_writer.c: the process's SQLite writer turn (db_writer.h). A plain
 * pthread mutex: statically initialised, so no hook has to create it, and
 * its waiters sleep in the kernel until it is released.
 */
#include "infra/db_writer.h"

#include <pthread.h>
#include <string.h>
#include <strings.h>

static pthread_mutex_t turn = PTHREAD_MUTEX_INITIALIZER;

void et_db_writer_enter(void)
{
    pthread_mutex_lock(&turn);
}

void et_db_writer_leave(void)
{
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

/*
 * db_outcome.c: the drivers' error codes as a few outcomes. The codes are
 * what apr-util's drivers answer: SQLite's result code (apr's driver
 * answers SQLITE_ERROR for a step that failed, a unique violation too, so
 * its message decides), MySQL's error number (mysql_stmt_errno), and for
 * PostgreSQL the SQLSTATE in the message (libpq's verbose errors:
 * "ERROR:  23505: ...").
 */
#include "infra/db_outcome.h"

#include <apr_lib.h>
#include <string.h>

static et_db_outcome sqlite_outcome(int rv, const char *message)
{
    switch (rv) {
    case 19: /* SQLITE_CONSTRAINT */
        return ET_DB_CONFLICT;
    case 5: /* SQLITE_BUSY */
    case 6: /* SQLITE_LOCKED */
        return ET_DB_BUSY;
    case 1: /* SQLITE_ERROR: what apr's driver answers for most failures */
        /* sqlite3_errmsg's texts are not translated: they tell them apart */
        if (message && strstr(message, "UNIQUE constraint failed"))
            return ET_DB_CONFLICT;
        if (message && strstr(message, "database is locked"))
            return ET_DB_BUSY; /* apr's select gives up on a busy database */
        return ET_DB_BUG;      /* no such table or column, a syntax error */
    case 20:                   /* SQLITE_MISMATCH */
    case 21:                   /* SQLITE_MISUSE */
    case 25:                   /* SQLITE_RANGE: a parameter index out of range */
        return ET_DB_BUG;
    default: /* I/O, full, read-only, corrupt, cannot open */
        return ET_DB_DOWN;
    }
}

static et_db_outcome mysql_outcome(int rv)
{
    switch (rv) {
    case 1062: /* ER_DUP_ENTRY */
    case 1586: /* ER_DUP_ENTRY_WITH_KEY_NAME */
        return ET_DB_CONFLICT;
    case 1205: /* ER_LOCK_WAIT_TIMEOUT */
    case 1213: /* ER_LOCK_DEADLOCK */
    case 1969: /* ER_STATEMENT_TIMEOUT: EverytimeDBTimeout (not a lost connection) */
    case 3024: /* ER_QUERY_TIMEOUT (MySQL's word for it) */
        return ET_DB_BUSY;
    case 1054: /* ER_BAD_FIELD_ERROR */
    case 1064: /* ER_PARSE_ERROR */
    case 1146: /* ER_NO_SUCH_TABLE */
    case 1210: /* ER_WRONG_ARGUMENTS */
    case 2031: /* CR_PARAMS_NOT_BOUND */
    case 2034: /* CR_INVALID_PARAMETER_NO */
        return ET_DB_BUG;
    default: /* 2006 gone away, 2013 lost, 1053 shutdown, 1040 too many; 1243
              * unknown statement: a reconnected session lost them (db.c
              * prepares them again) */
        return ET_DB_DOWN;
    }
}

/* The SQLSTATE after "ERROR:  " in libpq's verbose message, or NULL (a
 * client-side error: the connection is lost or cannot be made). */
static const char *pgsql_sqlstate(const char *message, char state[6])
{
    const char *p = message ? strstr(message, "ERROR:  ") : NULL;
    int i;
    if (!p)
        return NULL;
    p += 8;
    for (i = 0; i < 5; i++)
        if (!apr_isalnum(p[i]))
            return NULL;
    if (p[5] != ':')
        return NULL;
    memcpy(state, p, 5);
    state[5] = '\0';
    return state;
}

static et_db_outcome pgsql_outcome(const char *message)
{
    char buf[6];
    const char *state = pgsql_sqlstate(message, buf);
    if (!state)
        return ET_DB_DOWN;
    if (!strcmp(state, "23505")) /* unique_violation */
        return ET_DB_CONFLICT;
    if (!strcmp(state, "40001") || !strcmp(state, "40P01") || /* serialization, deadlock */
        !strcmp(state, "55P03") || !strcmp(state, "57014"))   /* lock not available, cancel */
        return ET_DB_BUSY;
    if (!strncmp(state, "42", 2) || !strcmp(state, "08P01") || /* syntax/access, protocol */
        !strcmp(state, "0A000"))                               /* feature not supported */
        return ET_DB_BUG;
    return ET_DB_DOWN; /* 08xxx connection, 57Pxx shutdown, 53xxx resources, ... */
}

et_db_outcome et_db_classify(const char *driver, int rv, const char *message)
{
    if (!driver)
        return ET_DB_DOWN;
    if (!strcmp(driver, "sqlite3"))
        return sqlite_outcome(rv, message);
    if (!strcmp(driver, "mysql"))
        return mysql_outcome(rv);
    if (!strcmp(driver, "pgsql"))
        return pgsql_outcome(message);
    return ET_DB_DOWN;
}

const char *et_db_outcome_name(et_db_outcome o)
{
    static const char *const names[] = {"ok", "conflict", "busy", "down", "bug"};
    return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "unknown";
}

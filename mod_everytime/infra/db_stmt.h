/*
 * db_stmt.h: what a statement declares next to its SQL, and the check that
 * the SQL and the declaration agree (run when the statements are
 * registered, so a mismatch stops httpd's start instead of binding the
 * wrong arguments at request time).
 */
#ifndef ET_DB_STMT_H
#define ET_DB_STMT_H

#include <apr_pools.h>

/* A statement. Its arguments are described by args, one letter each: 's' a
 * const char * (NULL binds SQL NULL), 'l' an apr_int64_t; in the SQL text
 * they are written %s and %lld, in the same order. ncols is the number of
 * result columns a SELECT (or a RETURNING) gives, read by et_db_select and
 * checked against the driver's count; 0 for a statement run by et_db_exec. */
typedef struct et_stmt {
    const char *label;
    const char *args;
    int ncols;
    const char *sql; /* for every driver, unless a variant below is set */
    const char *sql_pgsql;
    const char *sql_mysql;
} et_stmt;

/* The argument letters the placeholders of sql stand for, into out (size
 * outlen): %s is 's', %lld is 'l', %% a literal percent sign. NULL on
 * success, or what is wrong (an unsupported placeholder, too many). */
const char *et_sql_args(const char *sql, char *out, apr_size_t outlen);

/* NULL when every SQL text of st has the placeholders its args declare,
 * else the error to stop the start with, naming the statement. */
const char *et_stmt_check(apr_pool_t *p, const et_stmt *st);

/* The SQL of st for a dialect (a driver's name: "sqlite3", "pgsql",
 * "mysql"): its variant for that driver, or the SQL for every driver. */
const char *et_db_dialect_sql(const et_stmt *st, const char *dialect);

#endif

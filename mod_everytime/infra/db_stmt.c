/*
 * db_stmt.c: a statement's declared arguments checked against the
 * placeholders of its SQL, the way apr_dbd_prepare reads them: '%' and a
 * letter starts a placeholder, "%%" is a literal '%'.
 */
#include "infra/db_stmt.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <string.h>

/* The letter of the placeholder at p (just after its '%'), and its length;
 * 0 for one the binder (db.c bind_args) has no letter for. */
static char placeholder(const char *p, apr_size_t *len)
{
    if (p[0] == 's') {
        *len = 1;
        return 's';
    }
    if (!strncmp(p, "lld", 3)) {
        *len = 3;
        return 'l';
    }
    *len = 1;
    return 0;
}

const char *et_sql_args(const char *sql, char *out, apr_size_t outlen)
{
    apr_size_t n = 0, len;
    const char *p;
    for (p = sql; *p; p++) {
        char letter;
        if (p[0] != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        if (!apr_isalpha(p[1]))
            continue; /* apr_dbd_prepare copies it as it is */
        if (!(letter = placeholder(p + 1, &len)))
            return "a placeholder other than %s and %lld";
        if (n + 1 >= outlen)
            return "too many placeholders";
        out[n++] = letter;
        p += len;
    }
    out[n] = '\0';
    return NULL;
}

static const char *check_sql(apr_pool_t *p, const et_stmt *st, const char *which, const char *sql)
{
    char found[64];
    const char *err = et_sql_args(sql, found, sizeof(found));
    if (err)
        return apr_psprintf(p, "statement %s (%s): %s", st->label, which, err);
    if (strcmp(found, st->args))
        return apr_psprintf(p,
                            "statement %s (%s): its SQL has the placeholders \"%s\" "
                            "(%d), its declaration says \"%s\" (%d)",
                            st->label, which, found, (int)strlen(found), st->args,
                            (int)strlen(st->args));
    return NULL;
}

const char *et_stmt_check(apr_pool_t *p, const et_stmt *st)
{
    const char *err;
    if (!st->args || !st->sql || st->ncols < 0)
        return apr_psprintf(p, "statement %s: no argument format, SQL or column count", st->label);
    err = check_sql(p, st, "SQL", st->sql);
    if (!err && st->sql_pgsql)
        err = check_sql(p, st, "pgsql SQL", st->sql_pgsql);
    if (!err && st->sql_mysql)
        err = check_sql(p, st, "mysql SQL", st->sql_mysql);
    return err;
}

const char *et_db_dialect_sql(const et_stmt *st, const char *dialect)
{
    if (!strcmp(dialect, "pgsql") && st->sql_pgsql)
        return st->sql_pgsql;
    if (!strcmp(dialect, "mysql") && st->sql_mysql)
        return st->sql_mysql;
    return st->sql;
}

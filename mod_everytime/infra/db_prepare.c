/*
 * db_prepare.c: statements prepared on a connection when first run
 * (db_prepare.h), kept in its prepared hash, which lives in the
 * connection's pool like the statements.
 */
#include "infra/db_prepare.h"
#include "infra/db_outcome.h"

#include <apr_hash.h>
#include <string.h>

static int prepare(ap_dbd_t *dbd, const et_stmt *e, apr_dbd_prepared_t **st)
{
    int rv;
    /* must start NULL: a driver fills in a statement it is handed */
    *st = NULL;
    rv = apr_dbd_prepare(dbd->driver, dbd->pool, dbd->handle,
                         et_db_dialect_sql(e, apr_dbd_name(dbd->driver)), e->label, st);
    if (rv)
        *st = NULL;
    return rv;
}

int et_db_prepared(ap_dbd_t *dbd, const et_stmt *e, apr_dbd_prepared_t **st)
{
    int rv;
    if ((*st = apr_hash_get(dbd->prepared, e->label, APR_HASH_KEY_STRING)))
        return 0;
    if ((rv = prepare(dbd, e, st)) == 0)
        apr_hash_set(dbd->prepared, e->label, APR_HASH_KEY_STRING, *st);
    return rv;
}

int et_db_prepare_again(ap_dbd_t *dbd, const et_stmt *e)
{
    apr_dbd_prepared_t *st;
    int nrows;
    if (!e || prepare(dbd, e, &st) != 0)
        return 0;
    /* The session did not have e: a new one, most likely, but maybe one that
     * has others of the hash, prepared since it was silently re-established
     * (mod_dbd checks a connection as it lends it). The connection starts
     * over so that the session and the hash name the same statements: on
     * PostgreSQL, preparing a name the session has fails. */
    if (!strcmp(apr_dbd_name(dbd->driver), "pgsql") &&
        (apr_dbd_query(dbd->driver, dbd->handle, &nrows, "DEALLOCATE ALL") != 0 ||
         prepare(dbd, e, &st) != 0))
        return 0;
    apr_hash_clear(dbd->prepared);
    apr_hash_set(dbd->prepared, e->label, APR_HASH_KEY_STRING, st);
    return 1;
}

int et_db_prepare_all(ap_dbd_t *dbd, const et_stmt *const *tables, server_rec *s)
{
    const char *driver = apr_dbd_name(dbd->driver);
    const et_stmt *const *t;
    int refused = 0;
    for (t = tables; t && *t; t++) {
        const et_stmt *e;
        for (e = *t; e->label; e++) {
            apr_dbd_prepared_t *st;
            int rv = et_db_prepared(dbd, e, &st);
            const char *why;
            if (!rv)
                continue;
            why = apr_dbd_error(dbd->driver, dbd->handle, rv);
            /* a database that cannot answer now says nothing of the SQL */
            if (et_db_classify(driver, rv, why) != ET_DB_BUG)
                return -1;
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                         "statement %s does not prepare on %s (%d): %s", e->label, driver, rv,
                         why ? why : "");
            refused++;
        }
    }
    return refused;
}

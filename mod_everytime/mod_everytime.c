/*
 * mod_everytime.c: the module declaration, its hooks, and the composition:
 * the one list of groups (groups.c) goes to the database layer (their
 * statements) and to the router (their routes), which know no group.
 */
#include "auth/auth.h"
#include "infra/cache.h"
#include "core/config.h"
#include "core/cursor.h"
#include "infra/db.h"
#include "infra/db_checkpoint.h"
#include "infra/db_sqlite.h"
#include "infra/db_writer.h"
#include "auth/et_jwt.h"
#include "api/groups.h"
#include "core/http_errors.h"
#include "auth/social/oauth.h"
#include "infra/http_client.h"
#include "infra/mail_deliver.h"
#include "infra/outbox_drain.h"
#include "auth/password.h"
#include "domain/push.h"
#include "domain/popular_cache.h"
#include "router.h"

#include <apr_hash.h>
#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>

static int et_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    return et_cache_pre_config(pconf);
}

/* A hash of nothing at the server's cost, so a login for an unknown
 * login_id spends as long as one with a wrong password. */
static const char *dummy_hash_for(apr_pool_t *p, int cost, apr_hash_t *made)
{
    const char *h = apr_hash_get(made, &cost, sizeof(cost));
    if (!h) {
        int *key = apr_pmemdup(p, &cost, sizeof(cost));
        h = et_password_hash(p, "everytime-dummy-password", cost);
        apr_hash_set(made, key, sizeof(*key), h);
    }
    return h;
}

/* Applies defaults and checks one server. A server that names no database
 * and no key does not serve the API (it answers 503); one that names some
 * but not all refuses to start. check_config runs for "apachectl
 * configtest" too, so a bad key or a missing directive shows there. */
static int et_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    server_rec *v;
    (void)plog;
    (void)ptemp;
    for (v = s; v; v = v->next) {
        et_srv_conf *c = et_conf(v);
        int wanted = c->database || c->sign_key || c->verify_key;
        const char *err = et_config_finish(pconf, v, c);
        if (!err)
            err = et_jwt_self_test(pconf, c);
        /* after the self-test, which names a key that cannot sign */
        if (!err)
            err = et_cursor_setup(pconf, c);
        if (err && wanted) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_CRIT, 0, v, "%s", err);
            return !OK;
        }
        c->configured = err == NULL;
    }
    return OK;
}

static int et_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    apr_hash_t *hashes = apr_hash_make(ptemp);
    server_rec *v;
    int rv;
    (void)plog;
    /* the first pass only checks the configuration; share nothing yet */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
        return OK;
    for (v = s; v; v = v->next) {
        et_srv_conf *c = et_conf(v);
        if (c->configured && !(c->dummy_hash = dummy_hash_for(pconf, c->password_cost, hashes)))
            c->configured = 0;
    }
    /* before any child opens a connection */
    if (et_conf_any_uses_sqlite(s) && (rv = et_db_sqlite_threading()) != 0)
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                     "SQLite keeps its default threading mode (sqlite3_config answered %d)", rv);
    if (et_db_writer_post_config(pconf, s) != OK)
        return !OK;
    return et_cache_post_config(pconf, ptemp, s);
}

static void et_child_init(apr_pool_t *pchild, server_rec *s)
{
    et_cache_child_init(pchild, s);
    et_db_writer_child_init(pchild, s);
    et_oauth_child_init(pchild, s);
    et_popular_cache_child_init(pchild, s);
    et_db_checkpoint_child_init(pchild, s);
    /* last: its thread may use what the calls above set up */
    et_outbox_child_init(pchild, s);
}

static int et_handler(request_rec *r)
{
    return et_router_handle(r, et_groups);
}

/* The statement tables of every group, for the database layer. From p, the
 * pool the module is loaded into (pconf): it lives as long as the
 * configuration that registers them, and a restart builds it again. */
static const et_stmt *const *statement_tables(apr_pool_t *p)
{
    const et_group *const *g;
    const et_stmt **tables;
    int n = 0;
    for (g = et_groups; *g; g++)
        n++;
    tables = apr_pcalloc(p, sizeof(*tables) * (n + 1));
    for (n = 0, g = et_groups; *g; g++)
        if ((*g)->statements)
            tables[n++] = (*g)->statements;
    return tables;
}

static void et_register_hooks(apr_pool_t *p)
{
    static const char *const after_dbd[] = {"mod_dbd.c", "mod_socache_shmcb.c", NULL};
    /* before any directive: EverytimeDatabase registers them */
    et_db_use_statements(statement_tables(p));
    /* the outbox's deliverers, by kind */
    et_outbox_register(ET_PUSH_KIND, et_push_deliver);
    et_outbox_register_ready(ET_PUSH_KIND, et_push_ready);
    ap_hook_pre_config(et_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(et_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(et_post_config, after_dbd, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(et_http_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(et_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(et_handler, NULL, NULL, APR_HOOK_MIDDLE);
    et_auth_register_hooks(p);
    et_http_errors_register_hooks(p);
    et_outbox_register(ET_MAIL_KIND, et_mail_deliver);
    et_outbox_register_ready(ET_MAIL_KIND, et_mail_ready);
}

module AP_MODULE_DECLARE_DATA everytime_module = {
    STANDARD20_MODULE_STUFF, et_create_dir_config, et_merge_dir_config, et_create_server_config,
    et_merge_server_config,  et_directives,        et_register_hooks,   AP_MODULE_FLAG_NONE};

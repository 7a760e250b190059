/*
 * tokens.c: refresh families and refresh-token rotation.
 *
 * SQL is the truth. The token cache remembers, for a short while, whether a
 * family is live or revoked, under keys that name the family and its user:
 * an answer about one pair never answers for a token that pairs the family
 * with someone else, as the database's answer would not. A revocation has
 * its own key, which no "live" answer can overwrite, and one whose cache
 * write fails voids every "live" answer before the cache is trusted again
 * (cache_family.h). Losing an entry, or skipping a failed cache, costs one
 * query, never lets a revoked token in.
 *
 * Refresh rotation spends each refresh token once. Presenting a spent one
 * revokes its family, unless EverytimeRefreshReuseInterval allows it: a
 * client that lost the answer to a refresh and retries within that many
 * seconds gets another pair of the same live family.
 */
#include "auth/tokens.h"
#include "auth/auth.h"
#include "infra/cache.h"
#include "auth/cache_family.h"
#include "auth/csrf.h"
#include "infra/util.h"

#include <util_cookies.h>

static const et_stmt statements[] = {
    {"et_tok_family_insert", "ssll", 0,
     "INSERT INTO token_families (id, user_id, created_at, expires_at) "
     "VALUES (%s, %s, %lld, %lld)",
     NULL, NULL},
    {"et_tok_refresh_insert", "ssll", 0,
     "INSERT INTO refresh_tokens (jti, family_id, created_at, expires_at) "
     "VALUES (%s, %s, %lld, %lld)",
     NULL, NULL},
    {"et_tok_family_state", "s", 2, "SELECT user_id, revoked_at FROM token_families WHERE id = %s",
     NULL, NULL},
    /* the one statement that decides which of many concurrent refreshes wins */
    {"et_tok_refresh_spend", "lsss", 0,
     "UPDATE refresh_tokens SET spent_at = %lld WHERE jti = %s AND spent_at IS NULL "
     "AND family_id IN (SELECT id FROM token_families WHERE id = %s AND user_id = %s "
     "AND revoked_at IS NULL)",
     NULL, NULL},
    {"et_tok_refresh_state", "ss", 3,
     "SELECT r.spent_at, f.revoked_at, f.user_id FROM refresh_tokens r "
     "JOIN token_families f ON f.id = r.family_id WHERE r.jti = %s AND r.family_id = %s",
     NULL, NULL},
    {"et_tok_family_revoke", "lss", 0,
     "UPDATE token_families SET revoked_at = %lld WHERE id = %s AND user_id = %s "
     "AND revoked_at IS NULL",
     NULL, NULL},
    {"et_tok_user_families", "s", 1,
     "SELECT id FROM token_families WHERE user_id = %s AND revoked_at IS NULL", NULL, NULL},
    {"et_tok_user_revoke", "lss", 0,
     "UPDATE token_families SET revoked_at = %lld WHERE user_id = %s "
     "AND revoked_at IS NULL AND id <> %s",
     NULL, NULL},
    {"et_tok_user_state", "s", 2, "SELECT role, is_active FROM users WHERE id = %s", NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

static const char *family_key(request_rec *r, const char *sid, const char *user_id)
{
    return apr_pstrcat(r->pool, sid, ":", user_id, NULL);
}

static apr_interval_time_t cache_ttl(request_rec *r)
{
    return apr_time_from_sec(et_conf(r->server)->cache_ttl);
}

/* A revocation outlives any access token that could still present it. */
static apr_interval_time_t revoked_ttl(request_rec *r)
{
    et_srv_conf *c = et_conf(r->server);
    return apr_time_from_sec(c->cache_ttl > c->access_ttl ? c->cache_ttl : c->access_ttl);
}

static void remember_revoked(request_rec *r, const char *sid, const char *user_id)
{
    if (et_conf(r->server)->cache_ttl > 0)
        et_family_cache_revoked(r, family_key(r, sid, user_id), revoked_ttl(r), 1);
}

static apr_status_t issue_pair(request_rec *r, const char *user_id, const char *role,
                               const char *sid, apr_int64_t now_us, et_token_pair *out)
{
    et_srv_conf *c = et_conf(r->server);
    et_claims access = {"access", user_id, role, sid, NULL, 0, 0, NULL, NULL};
    et_claims refresh = {"refresh", user_id, role, sid, NULL, 0, 0, NULL, NULL};
    out->sid = sid;
    out->access = et_jwt_issue(r->pool, c, &access, c->access_ttl);
    out->refresh = et_jwt_issue(r->pool, c, &refresh, c->refresh_ttl);
    if (!out->access || !out->refresh)
        return APR_EGENERAL;
    return et_db_exec(r, "et_tok_refresh_insert", NULL, refresh.jti, sid, now_us,
                      now_us + apr_time_from_sec(c->refresh_ttl));
}

apr_status_t et_tokens_login(request_rec *r, const char *user_id, const char *role,
                             et_token_pair *out)
{
    et_srv_conf *c = et_conf(r->server);
    apr_int64_t now = apr_time_now();
    const char *sid = et_uuid(r->pool);
    apr_status_t rv;
    if (!sid || (rv = et_db_begin(r)) != APR_SUCCESS)
        return APR_EGENERAL;
    rv = et_db_exec(r, "et_tok_family_insert", NULL, sid, user_id, now,
                    now + apr_time_from_sec(c->refresh_ttl));
    if (rv == APR_SUCCESS)
        rv = issue_pair(r, user_id, role, sid, now, out);
    if (rv == APR_SUCCESS)
        return et_db_commit(r);
    et_db_rollback(r);
    return rv;
}

/* Inside the spend transaction, or for a retry: the user must still be active. */
static et_refresh_result next_pair(request_rec *r, const et_claims *rt, apr_int64_t now,
                                   et_token_pair *out)
{
    et_rows *user;
    if (et_db_select(r, "et_tok_user_state", &user, rt->user_id) != APR_SUCCESS)
        return ET_REFRESH_ERROR;
    if (user->nrows != 1 || et_cell_i64(ET_CELL(user, 0, 1)) != 1)
        return ET_REFRESH_REFUSED;
    if (issue_pair(r, rt->user_id, ET_CELL(user, 0, 0), rt->sid, now, out) != APR_SUCCESS)
        return ET_REFRESH_ERROR;
    return ET_REFRESH_OK;
}

/* After a spend that changed nothing: is this a retry the reuse interval
 * allows? 1 when the token was spent at most that long ago in a family of
 * its user that is still live, 0 when not, -1 when the database failed.
 * Read outside the spend transaction, so it sees the winner of a concurrent
 * spend, whose commit the spend waited for. A retry changes no row: the new
 * pair joins the family, so a revocation at any later moment ends it too. */
static int retry_allowed(request_rec *r, const et_claims *rt)
{
    apr_int64_t interval = et_conf(r->server)->refresh_reuse;
    et_rows *rows;
    if (interval <= 0)
        return 0;
    if (et_db_select(r, "et_tok_refresh_state", &rows, rt->jti, rt->sid) != APR_SUCCESS)
        return -1;
    if (rows->nrows != 1 || ET_CELL(rows, 0, 0) == NULL || ET_CELL(rows, 0, 1) != NULL ||
        strcmp(ET_CELL(rows, 0, 2), rt->user_id))
        return 0;
    return apr_time_now() - et_cell_i64(ET_CELL(rows, 0, 0)) <= apr_time_from_sec(interval);
}

et_refresh_result et_tokens_refresh(request_rec *r, const et_claims *rt, et_token_pair *out)
{
    apr_int64_t now = apr_time_now();
    et_refresh_result res;
    int spent = 0;

    if (et_db_begin(r) != APR_SUCCESS)
        return ET_REFRESH_ERROR;
    if (et_db_exec(r, "et_tok_refresh_spend", &spent, now, rt->jti, rt->sid, rt->user_id) !=
        APR_SUCCESS) {
        et_db_rollback(r);
        return ET_REFRESH_ERROR;
    }
    if (spent == 1) {
        res = next_pair(r, rt, now, out);
        if (res == ET_REFRESH_OK)
            return et_db_commit(r) == APR_SUCCESS ? ET_REFRESH_OK : ET_REFRESH_ERROR;
        et_db_rollback(r);
        return res;
    }
    et_db_rollback(r);
    switch (retry_allowed(r, rt)) {
    case 1:
        return next_pair(r, rt, apr_time_now(), out);
    case -1:
        return ET_REFRESH_ERROR;
    }
    /* spent already (a replay), or the family is gone: end the family */
    if (et_tokens_revoke_family(r, rt->sid, rt->user_id) != APR_SUCCESS)
        return ET_REFRESH_ERROR;
    return ET_REFRESH_REFUSED;
}

apr_status_t et_tokens_family_live(request_rec *r, const char *sid, const char *user_id, int *live)
{
    int use_cache = et_conf(r->server)->cache_ttl > 0;
    const char *key = family_key(r, sid, user_id), *gen = NULL;
    et_family_state cached = use_cache ? et_family_cached(r, key, &gen) : ET_FAMILY_UNKNOWN;
    et_rows *rows;

    if (cached != ET_FAMILY_UNKNOWN) {
        *live = cached == ET_FAMILY_LIVE;
        return APR_SUCCESS;
    }
    if (et_db_select(r, "et_tok_family_state", &rows, sid) != APR_SUCCESS)
        return APR_EGENERAL;
    *live =
        rows->nrows == 1 && !strcmp(ET_CELL(rows, 0, 0), user_id) && ET_CELL(rows, 0, 1) == NULL;
    if (!use_cache || rows->nrows != 1 || strcmp(ET_CELL(rows, 0, 0), user_id))
        return APR_SUCCESS;
    if (*live)
        et_family_cache_live(r, key, gen, cache_ttl(r));
    else
        et_family_cache_revoked(r, key, revoked_ttl(r), 0);
    return APR_SUCCESS;
}

apr_status_t et_tokens_refresh_live(request_rec *r, const et_claims *rt, int *live)
{
    et_rows *rows;
    if (et_db_select(r, "et_tok_refresh_state", &rows, rt->jti, rt->sid) != APR_SUCCESS)
        return APR_EGENERAL;
    *live = rows->nrows == 1 && ET_CELL(rows, 0, 0) == NULL && ET_CELL(rows, 0, 1) == NULL &&
            !strcmp(ET_CELL(rows, 0, 2), rt->user_id);
    return APR_SUCCESS;
}

apr_status_t et_tokens_revoke_family(request_rec *r, const char *sid, const char *user_id)
{
    apr_status_t rv =
        et_db_exec(r, "et_tok_family_revoke", NULL, (apr_int64_t)apr_time_now(), sid, user_id);
    /* the cache learns only after the database holds it */
    if (rv == APR_SUCCESS)
        remember_revoked(r, sid, user_id);
    return rv;
}

apr_status_t et_tokens_revoke_user(request_rec *r, const char *user_id, const char *keep_sid)
{
    et_rows *fams;
    apr_status_t rv;
    int i;
    const char *keep = keep_sid ? keep_sid : "";
    if ((rv = et_db_select(r, "et_tok_user_families", &fams, user_id)) != APR_SUCCESS)
        return rv;
    rv = et_db_exec(r, "et_tok_user_revoke", NULL, (apr_int64_t)apr_time_now(), user_id, keep);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < fams->nrows; i++)
        if (strcmp(ET_CELL(fams, i, 0), keep))
            remember_revoked(r, ET_CELL(fams, i, 0), user_id);
    return APR_SUCCESS;
}

static const char *const cookie_attrs = "HttpOnly;Secure;SameSite=Strict;Path=/";

static void write_cookies(request_rec *r, const et_token_pair *pair, int new_session)
{
    et_srv_conf *c = et_conf(r->server);
    if (!c->token_cookies)
        return;
    ap_cookie_write(r, ET_COOKIE_ACCESS, pair->access, cookie_attrs, (int)c->access_ttl,
                    r->headers_out, NULL);
    ap_cookie_write(r, ET_COOKIE_REFRESH, pair->refresh, cookie_attrs, (int)c->refresh_ttl,
                    r->headers_out, NULL);
    et_csrf_set_cookie(r, new_session);
}

void et_tokens_set_cookies(request_rec *r, const et_token_pair *pair)
{
    write_cookies(r, pair, 1);
}

void et_tokens_renew_cookies(request_rec *r, const et_token_pair *pair)
{
    write_cookies(r, pair, 0);
}

void et_tokens_clear_cookies(request_rec *r)
{
    if (!et_conf(r->server)->token_cookies)
        return;
    ap_cookie_remove(r, ET_COOKIE_ACCESS, cookie_attrs, r->headers_out, NULL);
    ap_cookie_remove(r, ET_COOKIE_REFRESH, cookie_attrs, r->headers_out, NULL);
    et_csrf_clear_cookie(r);
}

const et_group et_auth_tokens = {"tokens", statements, NULL};

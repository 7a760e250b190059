/*
 * api/accounts.c: signup, login, token refresh/verify, logout, and "me".
 * The shapes and messages are simplejwt's and DRF's, per API.md.
 */
#include "api/groups.h"
#include "auth/auth.h"
#include "auth/csrf.h"
#include "auth/password.h"
#include "auth/throttle.h"
#include "auth/tokens.h"
#include "domain/users.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/validate.h"

#include <apr_lib.h>
#include <util_cookies.h>

#define USER_COLUMNS ET_USER_COLUMNS

static const et_stmt statements[] = {
    {"et_acc_user_get", "s", ET_U_NCOLS,
     "SELECT " USER_COLUMNS " FROM users u JOIN schools s ON s.id = u.school_id "
     "WHERE u.id = %s AND u.is_active = 1",
     NULL, NULL},
    {"et_acc_user_by_login", "s", ET_U_NCOLS,
     "SELECT " USER_COLUMNS " FROM users u JOIN schools s ON s.id = u.school_id "
     "WHERE u.login_id = %s AND u.is_active = 1",
     NULL, NULL},
    {"et_acc_insert", "sssssllll", 0,
     "INSERT INTO users (id, login_id, password, email, nickname, school_id, admission_year, "
     "role, is_active, created_at, updated_at) "
     "VALUES (%s, %s, %s, %s, %s, %lld, %lld, 'ROLE_USER', 1, %lld, %lld)",
     NULL, NULL},
    {"et_acc_update", "sssls", 0,
     "UPDATE users SET email = %s, nickname = %s, password = %s, updated_at = %lld "
     "WHERE id = %s AND is_active = 1",
     NULL, NULL},
    {"et_acc_deactivate", "ls", 0,
     "UPDATE users SET is_active = 0, updated_at = %lld WHERE id = %s", NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

static json_t *pair_json(apr_pool_t *p, const et_token_pair *pair)
{
    json_t *o = et_json_obj(p);
    et_json_set_str(p, o, "access", pair->access);
    et_json_set_str(p, o, "refresh", pair->refresh);
    return o;
}

/* {"user": User, "token": {"access", "refresh"}} for a fresh login. */
static int login_reply(et_req *q, int status, const et_rows *user)
{
    et_token_pair pair;
    json_t *o;
    if (et_tokens_login(q->r, ET_CELL(user, 0, ET_U_ID), ET_CELL(user, 0, ET_U_ROLE), &pair) !=
        APR_SUCCESS)
        return et_fail_unavailable(q);
    et_tokens_set_cookies(q->r, &pair);
    o = et_json_obj(q->r->pool);
    et_json_set(o, "user", et_user_json(q, user, 0));
    et_json_set(o, "token", pair_json(q->r->pool, &pair));
    return et_reply(q, status, o);
}

static int load_user(et_req *q, const char *label, const char *key, et_rows **out)
{
    return et_db_select(q->r, label, out, key) == APR_SUCCESS ? OK : HTTP_SERVICE_UNAVAILABLE;
}

/* --- validation -------------------------------------------------------- */

static const char *read_login_id(et_req *q)
{
    const char *s = et_body_str(q, "login_id", ET_REQUIRED, 0, 150);
    const char *c;
    if (!s)
        return NULL;
    for (c = s; *c; c++)
        if (!(apr_isalnum(*c) || strchr("@.+-_", *c))) {
            et_field_error_text(
                q, "login_id",
                "Enter a valid login id. This value may contain only letters, "
                "numbers, and @/./+/-/_ characters.",
                "올바른 아이디를 입력하세요. 영문, 숫자, @/./+/-/_ 만 쓸 수 있습니다.");
            return NULL;
        }
    return s;
}

/* --- routes -------------------------------------------------------------- */

static int et_accounts_signup(et_req *q)
{
    const char *login_id = read_login_id(q);
    const char *password = et_body_str(q, "password", ET_REQUIRED | ET_KEEP_SPACE, 0, 128);
    const char *email = et_body_email(q, "email", ET_REQUIRED);
    const char *nickname = et_body_str(q, "nickname", ET_REQUIRED, 0, 30);
    const char *id, *hash;
    apr_int64_t school_id = 0, year = 0, now;
    et_rows *user;
    et_db_outcome o;
    int status;

    et_body_int(q, "school_id", ET_REQUIRED, 1, APR_INT64_C(999999999999), &school_id);
    et_body_int(q, "admission_year", ET_REQUIRED, 1950, 2100, &year);
    if (password)
        et_users_password_acceptable(q, "password", password, login_id);
    if (school_id && et_users_school_exists(q, school_id) < 0)
        return et_fail_unavailable(q);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if ((status = et_users_check_taken(q, login_id, email, nickname, NULL)) != OK)
        return status;
    if (!(hash = et_password_hash(q->r->pool, password, q->conf->password_cost)) ||
        !(id = et_uuid(q->r->pool)))
        return et_fail_unavailable(q);
    now = apr_time_now();
    o = et_db_exec(q->r, "et_acc_insert", NULL, id, login_id, hash, email, nickname, school_id,
                   year, now, now);
    if (o == ET_DB_CONFLICT) {
        /* a concurrent signup took a value between our check and insert: the
         * check again names the field(s) for the 400 */
        status = et_users_check_taken(q, login_id, email, nickname, NULL);
        return status == OK ? et_fail_unavailable(q) : status;
    }
    if (o != ET_DB_OK)
        return et_fail_unavailable(q);
    if (load_user(q, "et_acc_user_get", id, &user) != OK || user->nrows != 1)
        return et_fail_unavailable(q);
    return login_reply(q, HTTP_CREATED, user);
}

/* --- login ------------------------------------------------------------------ */

static int et_accounts_login(et_req *q)
{
    const char *login_id = et_body_str(q, "login_id", ET_REQUIRED, 0, 150);
    const char *password = et_body_str(q, "password", ET_REQUIRED | ET_KEEP_SPACE, 0, 128);
    apr_int64_t wait;
    et_rows *user;
    et_pw_check check;
    int found;

    if (et_has_errors(q))
        return et_fail_invalid(q);
    /* counted before the password is looked at, so parallel guesses cannot
     * all be evaluated; a guess the database cannot count is not evaluated */
    if (et_throttle_attempt(q->r, login_id, &wait) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (wait > 0)
        return et_fail_throttled(q, wait);
    if (load_user(q, "et_acc_user_by_login", login_id, &user) != OK)
        return et_fail_unavailable(q);
    found = user->nrows == 1;
    /* an unknown login_id costs one bcrypt too, so timing tells nothing */
    check =
        et_password_check(password, found ? ET_CELL(user, 0, ET_U_PASSWORD) : q->conf->dummy_hash);
    if (check == ET_PW_CUT && found)
        ET_LOG(q->r, APLOG_NOTICE, 0,
               "user %s: refused a password longer than %d bytes whose first %d match the "
               "hash (a hash set before the limit keeps only those): they sign in with them",
               ET_CELL(user, 0, ET_U_ID), ET_PW_MAX_BYTES, ET_PW_MAX_BYTES);
    if (check != ET_PW_RIGHT || !found)
        return et_fail(q, ET_E_AUTH_FAILED);
    et_throttle_clear(q->r, login_id);
    return login_reply(q, HTTP_OK, user);
}

/* The refresh token from the body, or from its cookie in cookie mode
 * (then *by_cookie is set, when given). */
static const char *refresh_from_request(et_req *q, int flags, int *by_cookie)
{
    const char *cookie = NULL;
    if (et_body_has(q, "refresh") || !q->conf->token_cookies)
        return et_body_str(q, "refresh", flags | ET_KEEP_SPACE, 0, 0);
    if (ap_cookie_read(q->r, ET_COOKIE_REFRESH, &cookie, 0) == APR_SUCCESS && cookie && *cookie) {
        if (by_cookie)
            *by_cookie = 1;
        return cookie;
    }
    if (flags & ET_REQUIRED)
        et_field_error(q, "refresh", ET_M_REQUIRED, 0);
    return NULL;
}

static int verify_refresh(et_req *q, const char *token, et_claims *claims)
{
    return et_jwt_verify(q->r->pool, q->conf, token, "refresh", apr_time_sec(apr_time_now()),
                         claims) == ET_JWT_OK;
}

static int et_accounts_refresh(et_req *q)
{
    int by_cookie = 0;
    const char *token = refresh_from_request(q, ET_REQUIRED, &by_cookie);
    et_claims claims;
    et_token_pair pair;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    /* the cookie authenticates this write as the access cookie does others */
    if (by_cookie && !et_csrf_check(q->r))
        return et_csrf_fail(q);
    if (!verify_refresh(q, token, &claims))
        return et_fail(q, ET_E_TOKEN_INVALID);
    switch (et_tokens_refresh(q->r, &claims, &pair)) {
    case ET_REFRESH_OK:
        et_tokens_renew_cookies(q->r, &pair);
        return et_reply(q, HTTP_OK, pair_json(q->r->pool, &pair));
    case ET_REFRESH_REFUSED:
        return et_fail(q, ET_E_TOKEN_INVALID);
    default:
        return et_fail_unavailable(q);
    }
}

static int et_accounts_verify(et_req *q)
{
    const char *token = et_body_str(q, "token", ET_REQUIRED | ET_KEEP_SPACE, 0, 0);
    et_claims claims;
    apr_status_t rv;
    int live = 0;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (et_jwt_verify(q->r->pool, q->conf, token, NULL, apr_time_sec(apr_time_now()), &claims) !=
        ET_JWT_OK)
        return et_fail(q, ET_E_TOKEN_INVALID);
    rv = !strcmp(claims.token_type, "refresh")
             ? et_tokens_refresh_live(q->r, &claims, &live)
             : et_tokens_family_live(q->r, claims.sid, claims.user_id, &live);
    if (rv != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (!live)
        return et_fail(q, ET_E_TOKEN_INVALID);
    return et_reply(q, HTTP_OK, et_json_obj(q->r->pool));
}

static int et_accounts_logout(et_req *q)
{
    /* no CSRF check of its own: logout needs a user, and a user of the
     * access cookie has passed it already (a Bearer one needs none) */
    const char *token = refresh_from_request(q, 0, NULL);
    et_claims claims;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    /* a refresh token that is not the caller's is refused before anything changes */
    if (token && (!verify_refresh(q, token, &claims) || strcmp(claims.user_id, q->user->user_id)))
        return et_fail(q, ET_E_TOKEN_INVALID);
    if (et_tokens_revoke_family(q->r, q->user->sid, q->user->user_id) != APR_SUCCESS ||
        (token && et_tokens_revoke_family(q->r, claims.sid, claims.user_id) != APR_SUCCESS))
        return et_fail_unavailable(q);
    et_tokens_clear_cookies(q->r);
    return HTTP_NO_CONTENT;
}

static int et_accounts_logout_all(et_req *q)
{
    if (et_tokens_revoke_user(q->r, q->user->user_id, NULL) != APR_SUCCESS)
        return et_fail_unavailable(q);
    et_tokens_clear_cookies(q->r);
    return HTTP_NO_CONTENT;
}

static int et_accounts_me_get(et_req *q)
{
    et_rows *user;
    if (load_user(q, "et_acc_user_get", q->user->user_id, &user) != OK)
        return et_fail_unavailable(q);
    if (user->nrows != 1)
        return et_fail(q, ET_E_NOT_FOUND);
    return et_reply(q, HTTP_OK, et_user_json(q, user, 0));
}

/* Checks current_password when a new password is asked for; 1 when fine. */
static int current_password_ok(et_req *q, const et_rows *user)
{
    const char *current = et_body_str(q, "current_password", ET_REQUIRED | ET_KEEP_SPACE, 0, 128);
    if (current && !et_password_matches(current, ET_CELL(user, 0, ET_U_PASSWORD))) {
        et_field_error_text(q, "current_password", "Current password is incorrect.",
                            "현재 비밀번호가 올바르지 않습니다.");
        return 0;
    }
    return current != NULL;
}

static int et_accounts_me_patch(et_req *q)
{
    const char *nickname = et_body_str(q, "nickname", 0, 0, 30);
    const char *email = et_body_email(q, "email", 0);
    const char *password = et_body_str(q, "password", ET_KEEP_SPACE, 0, 128);
    const char *hash;
    et_rows *user;
    int status;

    if (load_user(q, "et_acc_user_get", q->user->user_id, &user) != OK)
        return et_fail_unavailable(q);
    if (user->nrows != 1)
        return et_fail(q, ET_E_NOT_FOUND);
    if (password &&
        et_users_password_acceptable(q, "password", password, ET_CELL(user, 0, ET_U_LOGIN)))
        current_password_ok(q, user);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if ((email || nickname) &&
        (status = et_users_check_taken(q, NULL, email, nickname, q->user->user_id)) != OK)
        return status;
    hash = password ? et_password_hash(q->r->pool, password, q->conf->password_cost)
                    : ET_CELL(user, 0, ET_U_PASSWORD);
    if (!hash ||
        et_db_exec(q->r, "et_acc_update", NULL, email ? email : ET_CELL(user, 0, ET_U_EMAIL),
                   nickname ? nickname : ET_CELL(user, 0, ET_U_NICK), hash,
                   (apr_int64_t)apr_time_now(), q->user->user_id) != APR_SUCCESS) {
        status = et_users_check_taken(q, NULL, email, nickname, q->user->user_id);
        return status == OK ? et_fail_unavailable(q) : status;
    }
    /* a new password ends every other session of the user */
    if (password && et_tokens_revoke_user(q->r, q->user->user_id, q->user->sid) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return et_accounts_me_get(q);
}

static int et_accounts_me_delete(et_req *q)
{
    const char *password = et_body_str(q, "password", ET_REQUIRED | ET_KEEP_SPACE, 0, 128);
    et_rows *user;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (load_user(q, "et_acc_user_get", q->user->user_id, &user) != OK)
        return et_fail_unavailable(q);
    if (user->nrows != 1)
        return et_fail(q, ET_E_NOT_FOUND);
    if (!et_password_matches(password, ET_CELL(user, 0, ET_U_PASSWORD))) {
        et_field_error_text(q, "password", "Password is incorrect.",
                            "비밀번호가 올바르지 않습니다.");
        return et_fail_invalid(q);
    }
    if (et_db_exec(q->r, "et_acc_deactivate", NULL, (apr_int64_t)apr_time_now(),
                   q->user->user_id) != APR_SUCCESS ||
        et_tokens_revoke_user(q->r, q->user->user_id, NULL) != APR_SUCCESS)
        return et_fail_unavailable(q);
    et_tokens_clear_cookies(q->r);
    return HTTP_NO_CONTENT;
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_POST, "/accounts/signup", et_accounts_signup, ET_PUBLIC, ET_JSON_BODY},
    {M_POST, "/accounts/login", et_accounts_login, ET_PUBLIC, ET_JSON_BODY},
    {M_POST, "/accounts/token_refresh", et_accounts_refresh, ET_PUBLIC, ET_JSON_BODY},
    {M_POST, "/accounts/token_verify", et_accounts_verify, ET_PUBLIC, ET_JSON_BODY},
    {M_POST, "/accounts/logout", et_accounts_logout, ET_USER, ET_JSON_BODY},
    {M_POST, "/accounts/logout_all", et_accounts_logout_all, ET_USER, 0},
    {M_GET, "/accounts/me", et_accounts_me_get, ET_USER, 0},
    {M_PATCH, "/accounts/me", et_accounts_me_patch, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/accounts/me", et_accounts_me_delete, ET_USER, ET_JSON_BODY},
    ET_ROUTES_END};

const et_group et_api_accounts = {"accounts", statements, routes};

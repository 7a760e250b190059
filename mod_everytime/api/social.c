/*
 * api/social.c: social login (API.md "Social login"). The provider clients
 * behind oauth.h say whose credential it is; this file maps that provider
 * account to a user: a linked account logs in (the same refresh families as
 * a password login), an unknown one gets a signToken that /auth/signup
 * spends once to create the user and the link together.
 *
 * Provider credentials (access tokens, codes) and signTokens are never
 * logged here; the provider clients do not log them either.
 */
#include "domain/devices.h"
#include "domain/users.h"
#include "api/groups.h"
#include "auth/auth.h"
#include "auth/social/oauth.h"
#include "auth/password.h"
#include "auth/tokens.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/validate.h"

#include <apr_lib.h>

/* Codes and messages of API.md, in the app's own shape. */
#define SC_NEED_SIGNUP  1030
#define SC_REJECTED     1031
#define SC_UNREACHABLE  1032
#define MSG_NEED_SIGNUP "need to signup, X-ACCESS-TOKEN is issued."
#define SIGN_HEADER     "X-ACCESS-TOKEN"
#define MAX_CREDENTIAL  4096
#define MAX_NICKNAME    30
#define MAX_PROVIDER_ID 255 /* social_accounts.provider_user_id */

static const et_stmt statements[] = {
    {"et_soc_linked", "ss", 3,
     "SELECT u.id, u.role, u.is_active FROM social_accounts s JOIN users u ON u.id = s.user_id "
     "WHERE s.provider = %s AND s.provider_user_id = %s",
     NULL, NULL},
    {"et_soc_link_insert", "sssl", 0,
     "INSERT INTO social_accounts (provider, provider_user_id, user_id, created_at) "
     "VALUES (%s, %s, %s, %lld)",
     NULL, NULL},
    {"et_soc_sign_insert", "sssll", 0,
     "INSERT INTO sign_tokens (jti, provider, provider_user_id, created_at, expires_at) "
     "VALUES (%s, %s, %s, %lld, %lld)",
     NULL, NULL},
    {"et_soc_sign_live", "sssl", 1,
     "SELECT jti FROM sign_tokens WHERE jti = %s AND provider = %s AND provider_user_id = %s "
     "AND spent_at IS NULL AND expires_at > %lld",
     NULL, NULL},
    /* the one statement that decides which of two signups with one token wins */
    {"et_soc_sign_spend", "lsssl", 0,
     "UPDATE sign_tokens SET spent_at = %lld WHERE jti = %s AND provider = %s "
     "AND provider_user_id = %s AND spent_at IS NULL AND expires_at > %lld",
     NULL, NULL},
    /* a Kakao header login creates its user before any school is chosen */
    {"et_soc_first_school", "", 1, "SELECT MIN(id) FROM schools", NULL, NULL},
    {"et_soc_user_insert", "sssssllll", 0,
     "INSERT INTO users (id, login_id, password, email, nickname, school_id, admission_year, "
     "role, is_active, created_at, updated_at) "
     "VALUES (%s, %s, %s, %s, %s, %lld, %lld, 'ROLE_USER', 1, %lld, %lld)",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* --- replies ------------------------------------------------------------- */

static int reply_code(et_req *q, int status, int code, const char *message)
{
    json_t *o = et_json_obj(q->r->pool);
    et_json_set_int(o, "statusCode", code);
    et_json_set_str(q->r->pool, o, "message", message);
    return et_reply(q, status, o);
}

/* What the provider's answer means for the client: 401 1031 or 502 1032. */
static int reply_provider_failure(et_req *q, et_oauth_result res, et_provider provider)
{
    const char *name = et_provider_name(provider);
    if (res == ET_OAUTH_REJECTED)
        return reply_code(q, HTTP_UNAUTHORIZED, SC_REJECTED,
                          apr_psprintf(q->r->pool, "%s refused the credential.", name));
    return reply_code(q, HTTP_BAD_GATEWAY, SC_UNREACHABLE,
                      apr_psprintf(q->r->pool, "%s could not be reached.", name));
}

static int reply_pair(et_req *q, int status, const et_token_pair *pair)
{
    json_t *o = et_json_obj(q->r->pool), *data = et_json_obj(q->r->pool);
    et_tokens_set_cookies(q->r, pair);
    et_json_set_str(q->r->pool, data, "accessToken", pair->access);
    et_json_set_str(q->r->pool, data, "refreshToken", pair->refresh);
    et_json_set(o, "data", data);
    return et_reply(q, status, o);
}

/* The provider's answer; an id that cannot be stored counts as garbage. */
static et_oauth_result identify(et_req *q, et_provider provider, const char *credential,
                                et_social_identity *who)
{
    et_oauth_result res;
    memset(who, 0, sizeof(*who));
    res = et_oauth_identify(q->r, provider, credential, who);
    if (res == ET_OAUTH_OK &&
        (!who->user_id || !*who->user_id || strlen(who->user_id) > MAX_PROVIDER_ID))
        return ET_OAUTH_UNREACHABLE;
    return res;
}

/* --- users and links ------------------------------------------------------ */

typedef struct linked_user {
    const char *id;
    const char *role;
    int active;
} linked_user;

/* 1 linked (filled in), 0 not linked, -1 database error. */
static int find_link(request_rec *r, const char *provider, const char *puid, linked_user *u)
{
    et_rows *rows;
    if (et_db_select(r, "et_soc_linked", &rows, provider, puid) != APR_SUCCESS)
        return -1;
    if (rows->nrows != 1)
        return 0;
    u->id = ET_CELL(rows, 0, 0);
    u->role = ET_CELL(rows, 0, 1);
    u->active = et_cell_i64(ET_CELL(rows, 0, 2)) == 1;
    return 1;
}

/* The device the user signs in on receives their pushes from now on. */
static apr_status_t store_fcm(request_rec *r, const char *fcm, const char *user_id)
{
    if (!fcm)
        return APR_SUCCESS;
    return et_device_register(r, fcm, user_id, NULL);
}

/* A login id no password user can have chosen already: the provider's name
 * and a fresh UUID's hex ("kakao_3f2a..."). */
static const char *social_login_id(apr_pool_t *p, const char *provider)
{
    const char *uuid = et_uuid(p);
    char *id, *o;
    const char *c;
    if (!uuid)
        return NULL;
    id = apr_pstrcat(p, provider, "_", uuid, NULL);
    for (o = id, c = id; *c; c++)
        if (*c != '-')
            *o++ = (char)apr_tolower(*c);
    *o = '\0';
    return id;
}

/* The user never gets this password: a bcrypt of random bytes nobody keeps,
 * so password login is impossible yet every check of a hash still works. */
static const char *unusable_password(et_req *q)
{
    unsigned char raw[32];
    if (apr_generate_random_bytes(raw, sizeof(raw)) != APR_SUCCESS)
        return NULL;
    return et_password_hash(q->r->pool, et_b64url_encode(q->r->pool, raw, sizeof(raw)),
                            q->conf->password_cost);
}

typedef struct new_user {
    const char *id;
    const char *login_id;
    const char *email;
    const char *nickname;
    apr_int64_t school_id;
    apr_int64_t year;
} new_user;

/* Fills id, login_id unless set, and a placeholder email (.invalid never
 * resolves) when none was given; email and nickname are unique in users. */
static apr_status_t prepare_user(et_req *q, const char *provider, new_user *u)
{
    if (!(u->id = et_uuid(q->r->pool)) ||
        (!u->login_id && !(u->login_id = social_login_id(q->r->pool, provider))))
        return APR_EGENERAL;
    if (!u->email)
        u->email = apr_pstrcat(q->r->pool, u->login_id, "@users.invalid", NULL);
    return APR_SUCCESS;
}

/* Inside the caller's transaction: the user and its provider link. */
static apr_status_t insert_user_and_link(et_req *q, const char *provider, const char *puid,
                                         const new_user *u)
{
    apr_int64_t now = apr_time_now();
    const char *hash = unusable_password(q);
    if (!hash)
        return APR_EGENERAL;
    if (et_db_exec(q->r, "et_soc_user_insert", NULL, u->id, u->login_id, hash, u->email,
                   u->nickname, u->school_id, u->year, now, now) != APR_SUCCESS)
        return APR_EGENERAL;
    return et_db_exec(q->r, "et_soc_link_insert", NULL, provider, puid, u->id, now);
}

static int link_conflict(et_req *q)
{
    return et_fail_detail(q, ET_E_CONFLICT, "This social account is already linked to a user.",
                          "이미 다른 사용자와 연결된 소셜 계정입니다.");
}

/* --- POST /auth/login ------------------------------------------------------- */

/* The provider named by socialType, or -1 with a field error. */
static int read_provider(et_req *q)
{
    const char *name = et_body_str(q, "socialType", ET_REQUIRED, 0, 10);
    int p;
    if (!name)
        return -1;
    if ((p = et_provider_from_name(name)) < 0)
        et_field_error_text(
            q, "socialType", apr_psprintf(q->r->pool, "\"%s\" is not a valid choice.", name),
            apr_psprintf(q->r->pool, "\"%s\"이 유효하지 않은 선택(choice)입니다.", name));
    return p;
}

/* A signToken for an account that is not linked yet, remembered by its jti. */
static int reply_need_signup(et_req *q, et_provider provider, const char *puid)
{
    et_claims sign = {"sign", NULL, NULL, NULL, NULL, 0, 0, et_provider_name(provider), puid};
    const char *token = et_jwt_issue(q->r->pool, q->conf, &sign, q->conf->sign_ttl);
    json_t *o, *data;
    if (!token || et_db_exec(q->r, "et_soc_sign_insert", NULL, sign.jti, sign.provider, puid,
                             (apr_int64_t)apr_time_now(),
                             (apr_int64_t)apr_time_from_sec(sign.exp)) != APR_SUCCESS)
        return et_fail_unavailable(q);
    o = et_json_obj(q->r->pool);
    et_json_set_int(o, "statusCode", SC_NEED_SIGNUP);
    data = et_json_obj(q->r->pool);
    et_json_set_str(q->r->pool, data, "signToken", token);
    et_json_set(o, "data", data);
    et_json_set_str(q->r->pool, o, "message", MSG_NEED_SIGNUP);
    return et_reply(q, HTTP_NOT_FOUND, o);
}

static int et_social_login(et_req *q)
{
    int provider = read_provider(q);
    const char *field = provider == ET_PROVIDER_KAKAO ? "oauthAccessToken" : "authorizationCode";
    const char *credential = NULL, *fcm;
    et_social_identity who;
    et_oauth_result res;
    et_token_pair pair;
    linked_user u;
    int linked;

    if (provider >= 0)
        credential = et_body_str(q, field, ET_REQUIRED | ET_KEEP_SPACE, 0, MAX_CREDENTIAL);
    fcm = et_body_str(q, "fcmToken", ET_NULLABLE, 0, ET_FCM_TOKEN_MAX);
    et_body_str(q, "nickname", ET_NULLABLE, 0, MAX_NICKNAME);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    res = identify(q, (et_provider)provider, credential, &who);
    if (res != ET_OAUTH_OK)
        return reply_provider_failure(q, res, (et_provider)provider);
    linked = find_link(q->r, et_provider_name((et_provider)provider), who.user_id, &u);
    if (linked < 0)
        return et_fail_unavailable(q);
    if (!linked)
        return reply_need_signup(q, (et_provider)provider, who.user_id);
    if (!u.active)
        return et_fail(q, ET_E_AUTH_FAILED);
    if (store_fcm(q->r, fcm, u.id) != APR_SUCCESS ||
        et_tokens_login(q->r, u.id, u.role, &pair) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return reply_pair(q, HTTP_OK, &pair);
}

/* --- POST /auth/signup ------------------------------------------------------ */

/* The signToken of the X-ACCESS-TOKEN header, verified and not spent yet;
 * else the 401 (or 503) set. Spending it is create_linked_user's. */
static int read_sign_token(et_req *q, et_claims *sign)
{
    const char *token = apr_table_get(q->r->headers_in, SIGN_HEADER);
    et_rows *rows;
    if (!token || !*token)
        return et_fail(q, ET_E_NOT_AUTHENTICATED);
    if (et_jwt_verify(q->r->pool, q->conf, token, "sign", apr_time_sec(apr_time_now()), sign) !=
            ET_JWT_OK ||
        et_provider_from_name(sign->provider) < 0)
        return et_fail(q, ET_E_TOKEN_INVALID);
    if (et_db_select(q->r, "et_soc_sign_live", &rows, sign->jti, sign->provider,
                     sign->provider_user_id, (apr_int64_t)apr_time_now()) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return rows->nrows == 1 ? OK : et_fail(q, ET_E_TOKEN_INVALID);
}

/* Spends the token, creates user and link: all or nothing. 1 done, 0 the
 * token was spent or expired meanwhile, -1 an insert failed. */
static int create_linked_user(et_req *q, const et_claims *sign, const new_user *u)
{
    apr_int64_t now = apr_time_now();
    int spent = 0;
    if (et_db_begin(q->r) != APR_SUCCESS)
        return -1;
    if (et_db_exec(q->r, "et_soc_sign_spend", &spent, now, sign->jti, sign->provider,
                   sign->provider_user_id, now) != APR_SUCCESS) {
        et_db_rollback(q->r);
        return -1;
    }
    if (spent != 1) {
        et_db_rollback(q->r);
        return 0;
    }
    if (insert_user_and_link(q, sign->provider, sign->provider_user_id, u) != APR_SUCCESS ||
        et_db_commit(q->r) != APR_SUCCESS) {
        et_db_rollback(q->r);
        return -1;
    }
    return 1;
}

/* After a failed insert: which conflict it was, or 503. */
static int explain_insert_failure(et_req *q, const et_claims *sign, const new_user *u)
{
    linked_user other;
    int status, linked = find_link(q->r, sign->provider, sign->provider_user_id, &other);
    if (linked > 0)
        return link_conflict(q);
    if (linked == 0 && (status = et_users_check_taken(q, NULL, u->email, u->nickname, NULL)) != OK)
        return status;
    return et_fail_unavailable(q);
}

static int et_social_signup(et_req *q)
{
    et_claims sign;
    new_user u;
    linked_user other;
    et_token_pair pair;
    int status, linked;

    if ((status = read_sign_token(q, &sign)) != OK)
        return status;
    memset(&u, 0, sizeof(u));
    u.nickname = et_body_str(q, "nickname", ET_REQUIRED, 0, MAX_NICKNAME);
    u.email = et_body_email(q, "email", ET_NULLABLE);
    et_body_int(q, "school_id", ET_REQUIRED, 1, APR_INT64_C(999999999999), &u.school_id);
    et_body_int(q, "admission_year", ET_REQUIRED, 1950, 2100, &u.year);
    if (u.school_id && et_users_school_exists(q, u.school_id) < 0)
        return et_fail_unavailable(q);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if ((linked = find_link(q->r, sign.provider, sign.provider_user_id, &other)) != 0)
        return linked < 0 ? et_fail_unavailable(q) : link_conflict(q);
    if ((status = et_users_check_taken(q, NULL, u.email, u.nickname, NULL)) != OK)
        return status;
    if (prepare_user(q, sign.provider, &u) != APR_SUCCESS)
        return et_fail_unavailable(q);
    switch (create_linked_user(q, &sign, &u)) {
    case 1:
        break;
    case 0:
        return et_fail(q, ET_E_TOKEN_INVALID);
    default:
        return explain_insert_failure(q, &sign, &u);
    }
    if (et_tokens_login(q->r, u.id, ET_ROLE_USER, &pair) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return reply_pair(q, HTTP_CREATED, &pair);
}

/* --- POST /accounts/kakao/ ---------------------------------------------------- */

static int kakao_message(et_req *q, int status, const char *message)
{
    json_t *o = et_json_obj(q->r->pool);
    et_json_set_str(q->r->pool, o, "message", message);
    return et_reply(q, status, o);
}

/* "Bearer <token>", read here: the router took it for one of ours, failed
 * to verify it and, this route being public, ignored it. */
static const char *kakao_bearer(request_rec *r)
{
    const char *h = apr_table_get(r->headers_in, "Authorization");
    const char *token;
    if (!h || strncmp(h, ET_AUTH_TYPE " ", sizeof(ET_AUTH_TYPE)))
        return NULL;
    token = h + sizeof(ET_AUTH_TYPE);
    if (!*token || strchr(token, ' ') || strlen(token) > MAX_CREDENTIAL)
        return NULL;
    return token;
}

/* A nickname and email for a user made from a Kakao profile: the profile's
 * own when free, else generated ones. 503 when the database cannot say. */
static int kakao_profile(et_req *q, const et_social_identity *who, new_user *u)
{
    et_rows *rows;
    const char *nick = who->nickname, *email = who->email_verified ? who->email : NULL;
    long chars = nick ? et_utf8_chars(nick) : -1;
    if (chars < 1 || chars > MAX_NICKNAME)
        nick = NULL;
    if (email && strlen(email) > 254)
        email = NULL;
    if (et_db_select(q->r, "et_acc_taken", &rows, "", email ? email : "", nick ? nick : "", "") !=
        APR_SUCCESS)
        return HTTP_SERVICE_UNAVAILABLE;
    if (rows->nrows > 0)
        nick = email = NULL;
    u->nickname = nick ? nick
                       : apr_pstrcat(q->r->pool, "kakao_",
                                     apr_pstrndup(q->r->pool, u->login_id + 6, 12), NULL);
    u->email = email;
    return OK;
}

/* A new user for a Kakao account: the first school, this year's intake. */
static int kakao_new_user(et_req *q, const et_social_identity *who, new_user *u)
{
    et_rows *rows;
    apr_time_exp_t now;
    const char *provider = et_provider_name(ET_PROVIDER_KAKAO);
    memset(u, 0, sizeof(*u));
    if (et_db_select(q->r, "et_soc_first_school", &rows) != APR_SUCCESS || rows->nrows != 1 ||
        !ET_CELL(rows, 0, 0))
        return HTTP_SERVICE_UNAVAILABLE;
    u->school_id = et_cell_i64(ET_CELL(rows, 0, 0));
    apr_time_exp_lt(&now, apr_time_now());
    u->year = now.tm_year + 1900;
    if (!(u->login_id = social_login_id(q->r->pool, provider)) || kakao_profile(q, who, u) != OK ||
        prepare_user(q, provider, u) != APR_SUCCESS)
        return HTTP_SERVICE_UNAVAILABLE;
    return OK;
}

/* Creates the user and the link in one transaction; OK, or 503. */
static int kakao_create(et_req *q, const et_social_identity *who, linked_user *out)
{
    const char *provider = et_provider_name(ET_PROVIDER_KAKAO);
    new_user u;
    if (kakao_new_user(q, who, &u) != OK || et_db_begin(q->r) != APR_SUCCESS)
        return HTTP_SERVICE_UNAVAILABLE;
    if (insert_user_and_link(q, provider, who->user_id, &u) != APR_SUCCESS ||
        et_db_commit(q->r) != APR_SUCCESS) {
        et_db_rollback(q->r);
        /* a concurrent first login of the same account made it meanwhile */
        return find_link(q->r, provider, who->user_id, out) == 1 ? OK : HTTP_SERVICE_UNAVAILABLE;
    }
    out->id = u.id;
    out->role = ET_ROLE_USER;
    out->active = 1;
    return OK;
}

static int et_social_kakao(et_req *q)
{
    const char *token = kakao_bearer(q->r);
    et_social_identity who;
    et_oauth_result res;
    et_token_pair pair;
    linked_user u;
    json_t *o;
    int linked;

    if (!token)
        return kakao_message(q, HTTP_BAD_REQUEST, "INVALID_TOKEN");
    res = identify(q, ET_PROVIDER_KAKAO, token, &who);
    if (res == ET_OAUTH_REJECTED)
        return kakao_message(q, HTTP_NOT_FOUND, "NOT_FOUND_IN_KAKAO");
    if (res != ET_OAUTH_OK)
        return reply_provider_failure(q, res, ET_PROVIDER_KAKAO);
    linked = find_link(q->r, et_provider_name(ET_PROVIDER_KAKAO), who.user_id, &u);
    if (linked < 0 || (!linked && kakao_create(q, &who, &u) != OK))
        return et_fail_unavailable(q);
    if (!u.active)
        return et_fail(q, ET_E_AUTH_FAILED);
    if (et_tokens_login(q->r, u.id, u.role, &pair) != APR_SUCCESS)
        return et_fail_unavailable(q);
    et_tokens_set_cookies(q->r, &pair);
    o = et_json_obj(q->r->pool);
    et_json_set_str(q->r->pool, o, "message", "SUCCESS");
    et_json_set_str(q->r->pool, o, "access_token", pair.access);
    et_json_set_str(q->r->pool, o, "refresh_token", pair.refresh);
    return et_reply(q, HTTP_OK, o);
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_POST, "/auth/login", et_social_login, ET_PUBLIC, ET_JSON_BODY},
    /* the signToken comes in X-ACCESS-TOKEN, read by the route itself */
    {M_POST, "/auth/signup", et_social_signup, ET_PUBLIC, ET_JSON_BODY},
    /* public: the Bearer token here is Kakao's, read by the route itself */
    {M_POST, "/accounts/kakao", et_social_kakao, ET_PUBLIC, 0},
    ET_ROUTES_END};

const et_group et_api_social = {"social", statements, routes};

/*
 * api/password_reset.c: password reset by a one-time token mailed to the
 * account's address. Asking answers 202 whatever the address, after the
 * same work either way (a token made, hashed, one row written in one
 * transaction), so neither the answer nor its time tells whether an
 * account uses the address. Spending a token sets the password and ends
 * every session of the user.
 */
#include "api/groups.h"
#include "auth/password.h"
#include "auth/tokens.h"
#include "core/errors.h"
#include "core/transaction.h"
#include "core/validate.h"
#include "domain/mailer.h"
#include "domain/users.h"
#include "infra/util.h"

#define TOKEN_TTL  apr_time_from_sec(1800)
#define TOKEN_KEEP apr_time_from_sec(86400) /* spent and expired rows kept a day */
#define TOKEN_MAX  100

static const et_stmt statements[] = {
    {"et_pwr_users", "s", 2,
     "SELECT id, email FROM users WHERE LOWER(email) = LOWER(%s) AND is_active = 1 ORDER BY id",
     NULL, NULL},
    {"et_pwr_sweep", "l", 0, "DELETE FROM password_resets WHERE expires_at < %lld", NULL, NULL},
    /* user NULL: the stand-in for an address nobody has, born expired */
    {"et_pwr_add", "sslll", 0,
     "INSERT INTO password_resets (token_hash, user_id, expires_at, used_at, created_at, "
     "updated_at) VALUES (%s, %s, %lld, NULL, %lld, %lld)",
     NULL, NULL},
    {"et_pwr_find", "sl", 2,
     "SELECT u.id, u.login_id FROM password_resets r JOIN users u ON u.id = r.user_id "
     "WHERE r.token_hash = %s AND r.used_at IS NULL AND r.expires_at > %lld AND u.is_active = 1",
     NULL, NULL},
    /* the one reset that spends the token; a second one finds it spent */
    {"et_pwr_spend", "llsl", 0,
     "UPDATE password_resets SET used_at = %lld, updated_at = %lld "
     "WHERE token_hash = %s AND used_at IS NULL AND expires_at > %lld",
     NULL, NULL},
    {"et_pwr_spend_user", "lls", 0,
     "UPDATE password_resets SET used_at = %lld, updated_at = %lld "
     "WHERE user_id = %s AND used_at IS NULL",
     NULL, NULL},
    {"et_pwr_set_password", "sls", 0,
     "UPDATE users SET password = %s, updated_at = %lld WHERE id = %s AND is_active = 1", NULL,
     NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* --- asking for a token -------------------------------------------------------- */

typedef struct {
    const et_rows *users; /* the active accounts of the address: usually 0 or 1 */
    const char **tokens;  /* one per user, or one for the stand-in */
} reset_mails;

static const char *reset_body(apr_pool_t *p, const char *token)
{
    return apr_psprintf(p,
                        "안녕하세요, 에브리타임입니다.\n\n"
                        "비밀번호 재설정을 요청하셨습니다. 아래 토큰을 앱의 비밀번호 재설정 "
                        "화면에 입력해 주세요. 30분 동안 한 번만 쓸 수 있습니다.\n\n"
                        "    %s\n\n"
                        "요청하지 않으셨다면 이 메일을 무시하세요. 비밀번호는 바뀌지 않습니다.\n",
                        token);
}

static int queue_resets(et_req *q, void *ctx)
{
    reset_mails *m = ctx;
    apr_int64_t now = apr_time_now();
    int i;
    if (et_db_exec(q->r, "et_pwr_sweep", NULL, now - TOKEN_KEEP) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (!m->users->nrows)
        return et_db_exec(q->r, "et_pwr_add", NULL, et_sha256_hex(q->r->pool, m->tokens[0]), NULL,
                          now, now, now) == APR_SUCCESS
                   ? OK
                   : ET_TXN_RETRY;
    for (i = 0; i < m->users->nrows; i++)
        if (et_db_exec(q->r, "et_pwr_add", NULL, et_sha256_hex(q->r->pool, m->tokens[i]),
                       ET_CELL(m->users, i, 0), now + TOKEN_TTL, now, now) != APR_SUCCESS ||
            et_mail_queue(q->r, ET_CELL(m->users, i, 1), "[에브리타임] 비밀번호 재설정 안내",
                          reset_body(q->r->pool, m->tokens[i])) != ET_DB_OK)
            return ET_TXN_RETRY;
    return OK;
}

static int et_password_reset(et_req *q)
{
    const char *email = et_body_email(q, "email", ET_REQUIRED);
    reset_mails m;
    et_rows *users;
    int i, status;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (!et_mail_enabled(q->r))
        return et_fail(q, ET_E_UNAVAILABLE);
    if (et_db_select(q->r, "et_pwr_users", &users, email) != APR_SUCCESS)
        return et_fail_unavailable(q);
    m.users = users;
    m.tokens = apr_pcalloc(q->r->pool, sizeof(*m.tokens) * (users->nrows + 1));
    for (i = 0; i < (users->nrows ? users->nrows : 1); i++)
        if (!(m.tokens[i] = et_random_token(q->r->pool)))
            return et_fail_unavailable(q);
    if ((status = et_transaction(q, queue_resets, &m)) != OK)
        return status;
    {
        json_t *o = et_json_obj(q->r->pool);
        et_json_set_str(q->r->pool, o, "detail",
                        q->ko ? "이 주소를 쓰는 계정이 있으면 비밀번호 재설정 메일을 보냈습니다."
                              : "If an account uses this address, a password reset mail is on "
                                "its way.");
        return et_reply(q, HTTP_ACCEPTED, o);
    }
}

/* --- spending a token ------------------------------------------------------------ */

typedef struct {
    const char *token_hash;
    const char *user_id;
    const char *password_hash;
} reset;

static int token_invalid(et_req *q)
{
    et_field_error_text(q, "token", "This reset token is invalid, spent or expired.",
                        "재설정 토큰이 올바르지 않거나 이미 쓰였거나 만료되었습니다.");
    return et_fail_invalid(q);
}

static int apply_reset(et_req *q, void *ctx)
{
    reset *x = ctx;
    apr_int64_t now = apr_time_now();
    int n = 0;
    if (et_db_exec(q->r, "et_pwr_spend", &n, now, now, x->token_hash, now) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (n != 1) /* a concurrent reset spent it first */
        return token_invalid(q);
    if (et_db_exec(q->r, "et_pwr_set_password", &n, x->password_hash, now, x->user_id) !=
            APR_SUCCESS ||
        et_db_exec(q->r, "et_pwr_spend_user", NULL, now, now, x->user_id) != APR_SUCCESS ||
        et_tokens_revoke_user(q->r, x->user_id, NULL) != APR_SUCCESS)
        return ET_TXN_RETRY;
    return OK;
}

static int et_password_reset_confirm(et_req *q)
{
    const char *token = et_body_str(q, "token", ET_REQUIRED | ET_KEEP_SPACE, 0, TOKEN_MAX);
    const char *password = et_body_str(q, "password", ET_REQUIRED | ET_KEEP_SPACE, 0, 128);
    et_rows *rows;
    reset x;
    int status;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    x.token_hash = et_sha256_hex(q->r->pool, token);
    if (et_db_select(q->r, "et_pwr_find", &rows, x.token_hash, (apr_int64_t)apr_time_now()) !=
        APR_SUCCESS)
        return et_fail_unavailable(q);
    if (rows->nrows != 1)
        return token_invalid(q);
    x.user_id = ET_CELL(rows, 0, 0);
    if (!et_users_password_acceptable(q, "password", password, ET_CELL(rows, 0, 1)))
        return et_fail_invalid(q);
    if (!(x.password_hash = et_password_hash(q->r->pool, password, q->conf->password_cost)))
        return et_fail_unavailable(q);
    if ((status = et_transaction(q, apply_reset, &x)) != OK)
        return status;
    et_tokens_clear_cookies(q->r);
    return HTTP_NO_CONTENT;
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_POST, "/accounts/password_reset", et_password_reset, ET_PUBLIC, ET_JSON_BODY},
    {M_POST, "/accounts/password_reset/confirm", et_password_reset_confirm, ET_PUBLIC,
     ET_JSON_BODY},
    ET_ROUTES_END};

const et_group et_api_password_reset = {"password_reset", statements, routes};

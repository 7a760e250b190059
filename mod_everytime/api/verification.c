/*
 * api/verification.c: school verification (학교 인증). A code of six digits
 * is mailed to an address at the school's domain; typing it back marks the
 * user verified and keeps the address, which verifies nobody else. Limits:
 * EMAILS_PER_HOUR mails per user an hour (429 after), CODE_TRIES tries per
 * code (the last wrong one voids it), CODE_TTL of life.
 */
#include "api/groups.h"
#include "auth/password.h"
#include "core/errors.h"
#include "core/transaction.h"
#include "core/validate.h"
#include "domain/mailer.h"
#include "domain/users.h"
#include "infra/util.h"

#include <apr_lib.h>

#define CODE_DIGITS     6
#define CODE_TTL        apr_time_from_sec(600)
#define CODE_TRIES      5
#define EMAILS_PER_HOUR 5
#define MAIL_WINDOW     apr_time_from_sec(3600)

static const et_stmt statements[] = {
    {"et_ver_user", "s", 3,
     "SELECT u.is_verified, s.domain, s.name FROM users u JOIN schools s ON s.id = u.school_id "
     "WHERE u.id = %s AND u.is_active = 1",
     NULL, NULL},
    {"et_ver_email_taken", "ss", 1, "SELECT id FROM users WHERE school_email = %s AND id <> %s",
     NULL, NULL},
    /* first in the send transaction: the user's row, locked, puts two sends
     * of one user in a line, so both cannot count the same mails */
    {"et_ver_lock", "s", 0, "UPDATE users SET updated_at = updated_at WHERE id = %s", NULL, NULL},
    {"et_ver_sent", "sl", 2,
     "SELECT COUNT(*), MIN(sent_at) FROM verification_mails WHERE user_id = %s AND sent_at > %lld",
     NULL, NULL},
    {"et_ver_sent_sweep", "sl", 0,
     "DELETE FROM verification_mails WHERE user_id = %s AND sent_at <= %lld", NULL, NULL},
    {"et_ver_sent_add", "sl", 0,
     "INSERT INTO verification_mails (user_id, sent_at) VALUES (%s, %lld)", NULL, NULL},
    {"et_ver_code_drop", "s", 0, "DELETE FROM verification_codes WHERE user_id = %s", NULL, NULL},
    {"et_ver_code_add", "ssslll", 0,
     "INSERT INTO verification_codes (user_id, email, code_hash, attempts, expires_at, "
     "created_at, updated_at) VALUES (%s, %s, %s, 0, %lld, %lld, %lld)",
     NULL, NULL},
    /* a try is counted before the code is looked at: parallel guesses
     * cannot all be checked against one count */
    {"et_ver_code_try", "lsll", 0,
     "UPDATE verification_codes SET attempts = attempts + 1, updated_at = %lld "
     "WHERE user_id = %s AND attempts < %lld AND expires_at > %lld",
     NULL, NULL},
    {"et_ver_code_get", "s", 2,
     "SELECT email, code_hash FROM verification_codes WHERE user_id = %s", NULL, NULL},
    {"et_ver_mark", "sls", 0,
     "UPDATE users SET is_verified = 1, school_email = %s, updated_at = %lld WHERE id = %s", NULL,
     NULL},
    {"et_ver_user_full", "s", ET_U_NCOLS,
     "SELECT " ET_USER_COLUMNS " FROM users u JOIN schools s ON s.id = u.school_id "
     "WHERE u.id = %s AND u.is_active = 1",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* --- sending a code ------------------------------------------------------------ */

typedef struct {
    const char *email; /* lowercased */
    const char *code;
    const char *hash;
    const char *school; /* its name, for the mail */
} code_mail;

static json_t *detail_json(et_req *q, const char *en, const char *ko)
{
    json_t *o = et_json_obj(q->r->pool);
    et_json_set_str(q->r->pool, o, "detail", q->ko ? ko : en);
    return o;
}

static int already_verified(et_req *q)
{
    return et_fail_detail(q, ET_E_CONFLICT, "You have already passed school verification.",
                          "이미 학교 인증을 마쳤습니다.");
}

static int email_taken(et_req *q)
{
    return et_fail_detail(q, ET_E_CONFLICT, "This address has already verified another account.",
                          "이 주소로 이미 다른 계정이 학교 인증을 마쳤습니다.");
}

static const char *lower(apr_pool_t *p, const char *s)
{
    char *out = apr_pstrdup(p, s), *c;
    for (c = out; *c; c++)
        *c = (char)apr_tolower(*c);
    return out;
}

/* Records an email field error unless email is at the school's domain. */
static void check_domain(et_req *q, const char *email, const char *domain)
{
    if (domain && *domain && et_email_in_domain(email, domain))
        return;
    if (!domain || !*domain)
        et_field_error_text(q, "email", "Your school has no mail domain to verify with.",
                            "학교에 인증할 메일 도메인이 없습니다.");
    else
        et_field_error_text(
            q, "email",
            apr_psprintf(q->r->pool, "Enter an address at your school's domain (%s).", domain),
            apr_psprintf(q->r->pool, "학교 도메인(%s)의 메일 주소를 입력하세요.", domain));
}

static const char *code_body(apr_pool_t *p, const char *school, const char *code)
{
    return apr_psprintf(p,
                        "안녕하세요, 에브리타임입니다.\n\n"
                        "%s 학교 인증 코드는 다음과 같습니다.\n\n"
                        "    %s\n\n"
                        "10분 안에 앱에 입력해 주세요. 요청하지 않으셨다면 이 메일을 무시하셔도 "
                        "됩니다.\n",
                        school, code);
}

static int queue_code(et_req *q, void *ctx)
{
    code_mail *m = ctx;
    const char *me = et_caller(q);
    apr_int64_t now, since;
    et_rows *rows;
    if (et_db_exec(q->r, "et_ver_lock", NULL, me) != APR_SUCCESS)
        return ET_TXN_RETRY;
    now = apr_time_now();
    since = now - MAIL_WINDOW;
    if (et_db_select(q->r, "et_ver_sent", &rows, me, since) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (et_cell_i64(ET_CELL(rows, 0, 0)) >= EMAILS_PER_HOUR) {
        /* until the oldest mail of the hour leaves the window */
        return et_fail_throttled(
            q, apr_time_sec(et_cell_i64(ET_CELL(rows, 0, 1)) + MAIL_WINDOW - now) + 1);
    }
    if (et_db_exec(q->r, "et_ver_sent_sweep", NULL, me, since) != APR_SUCCESS ||
        et_db_exec(q->r, "et_ver_sent_add", NULL, me, now) != APR_SUCCESS ||
        et_db_exec(q->r, "et_ver_code_drop", NULL, me) != APR_SUCCESS ||
        et_db_exec(q->r, "et_ver_code_add", NULL, me, m->email, m->hash, now + CODE_TTL, now,
                   now) != APR_SUCCESS ||
        et_mail_queue(q->r, m->email, "[에브리타임] 학교 인증 코드",
                      code_body(q->r->pool, m->school, m->code)) != ET_DB_OK)
        return ET_TXN_RETRY;
    return OK;
}

static int et_verification_send(et_req *q)
{
    const char *email = et_body_email(q, "email", ET_REQUIRED);
    code_mail m = {0};
    et_rows *user, *taken;
    int status;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (!et_mail_enabled(q->r))
        return et_fail(q, ET_E_UNAVAILABLE);
    if (et_db_select(q->r, "et_ver_user", &user, et_caller(q)) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (user->nrows != 1)
        return et_fail(q, ET_E_NOT_FOUND);
    if (et_cell_i64(ET_CELL(user, 0, 0)))
        return already_verified(q);
    check_domain(q, email, ET_CELL(user, 0, 1));
    if (et_has_errors(q))
        return et_fail_invalid(q);
    m.email = lower(q->r->pool, email);
    m.school = ET_CELL(user, 0, 2);
    if (et_db_select(q->r, "et_ver_email_taken", &taken, m.email, et_caller(q)) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (taken->nrows)
        return email_taken(q);
    /* bcrypt: a leaked row does not give the code away within its life */
    if (!(m.code = et_random_digits(q->r->pool, CODE_DIGITS)) ||
        !(m.hash = et_password_hash(q->r->pool, m.code, q->conf->password_cost)))
        return et_fail_unavailable(q);
    if ((status = et_transaction(q, queue_code, &m)) != OK)
        return status;
    return et_reply(q, HTTP_ACCEPTED,
                    detail_json(q, "A verification code is on its way to that address.",
                                "인증 코드를 메일로 보냈습니다."));
}

/* --- confirming a code ------------------------------------------------------------ */

static int code_invalid(et_req *q)
{
    et_field_error_text(q, "code", "The code is wrong or has expired. Ask for a new one.",
                        "코드가 틀렸거나 만료되었습니다. 새 코드를 요청하세요.");
    return et_fail_invalid(q);
}

/* The six digits of the body's code, or NULL after a field error. */
static const char *read_code(et_req *q)
{
    const char *code = et_body_str(q, "code", ET_REQUIRED, 0, CODE_DIGITS);
    int i;
    if (!code)
        return NULL;
    for (i = 0; code[i]; i++)
        if (!apr_isdigit(code[i]))
            break;
    if (i != CODE_DIGITS || code[i]) {
        et_field_error_text(q, "code", "Enter the 6-digit code from the mail.",
                            "메일로 받은 6자리 코드를 입력하세요.");
        return NULL;
    }
    return code;
}

typedef struct {
    const char *email;
} verified;

static int mark_verified(et_req *q, void *ctx)
{
    verified *v = ctx;
    et_db_outcome o =
        et_db_exec(q->r, "et_ver_mark", NULL, v->email, (apr_int64_t)apr_time_now(), et_caller(q));
    if (o == ET_DB_CONFLICT) /* another account confirmed the address in between */
        return email_taken(q);
    if (o != ET_DB_OK || et_db_exec(q->r, "et_ver_code_drop", NULL, et_caller(q)) != ET_DB_OK)
        return ET_TXN_RETRY;
    return OK;
}

static int et_verification_confirm(et_req *q)
{
    const char *code = read_code(q);
    apr_int64_t now = apr_time_now();
    et_rows *rows;
    verified v;
    int n = 0, status;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (et_db_exec(q->r, "et_ver_code_try", &n, now, et_caller(q), (apr_int64_t)CODE_TRIES, now) !=
        APR_SUCCESS)
        return et_fail_unavailable(q);
    if (n == 0) /* none, expired, or its tries spent */
        return code_invalid(q);
    if (et_db_select(q->r, "et_ver_code_get", &rows, et_caller(q)) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (rows->nrows != 1 || !et_password_matches(code, ET_CELL(rows, 0, 1)))
        return code_invalid(q);
    v.email = ET_CELL(rows, 0, 0);
    if ((status = et_transaction(q, mark_verified, &v)) != OK)
        return status;
    if (et_db_select(q->r, "et_ver_user_full", &rows, et_caller(q)) != APR_SUCCESS ||
        rows->nrows != 1)
        return et_fail_unavailable(q);
    return et_reply(q, HTTP_OK, et_user_json(q, rows, 0));
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_POST, "/accounts/verification", et_verification_send, ET_USER, ET_JSON_BODY},
    {M_POST, "/accounts/verification/confirm", et_verification_confirm, ET_USER, ET_JSON_BODY},
    ET_ROUTES_END};

const et_group et_api_verification = {"verification", statements, routes};

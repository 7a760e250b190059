/*
 * users.c: the User and School objects, how an author is shown (by name,
 * anonymously, or as a deleted account), and the checks that signups and
 * profile changes share: which of login_id, email and nickname are taken,
 * and whether a school exists.
 */
#include "domain/users.h"
#include "infra/util.h"
#include "auth/password.h"
#include "core/errors.h"

static const et_stmt statements[] = {
    {"et_acc_taken", "ssss", 3,
     "SELECT login_id, email, nickname FROM users "
     "WHERE (login_id = %s OR email = %s OR nickname = %s) AND id <> %s",
     NULL, NULL},
    {"et_acc_school_exists", "l", 1, "SELECT id FROM schools WHERE id = %lld", NULL, NULL},
    {"et_acc_verified", "s", 1, "SELECT is_verified FROM users WHERE id = %s", NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

const et_group et_domain_users = {"users", statements, NULL};

json_t *et_school_json(apr_pool_t *p, const char *id, const char *name, const char *domain,
                       const char *gpa_scale)
{
    json_t *s = et_json_obj(p);
    et_json_set_int(s, "id", et_cell_i64(id));
    et_json_set_str(p, s, "name", name);
    et_json_set_str(p, s, "domain", domain);
    /* 4.5 or 4.3: replies print reals with 15 digits, so 43 / 10.0 reads 4.3 */
    et_json_set_real(s, "gpa_scale", (double)et_cell_i64(gpa_scale) / 10.0);
    return s;
}

json_t *et_user_json(et_req *q, const et_rows *rows, int i)
{
    apr_pool_t *p = q->r->pool;
    json_t *u = et_json_obj(p);
    et_json_set_str(p, u, "id", ET_CELL(rows, i, ET_U_ID));
    et_json_set_str(p, u, "login_id", ET_CELL(rows, i, ET_U_LOGIN));
    et_json_set_str(p, u, "email", ET_CELL(rows, i, ET_U_EMAIL));
    et_json_set_str(p, u, "nickname", ET_CELL(rows, i, ET_U_NICK));
    et_json_set(
        u, "school",
        et_school_json(p, ET_CELL(rows, i, ET_U_SCHOOL_ID), ET_CELL(rows, i, ET_U_SCHOOL_NAME),
                       ET_CELL(rows, i, ET_U_SCHOOL_DOMAIN), ET_CELL(rows, i, ET_U_SCHOOL_SCALE)));
    et_json_set_int(u, "admission_year", et_cell_i64(ET_CELL(rows, i, ET_U_YEAR)));
    et_json_set_str(p, u, "role", ET_CELL(rows, i, ET_U_ROLE));
    et_json_set_str(p, u, "created_at", et_cell_time(p, ET_CELL(rows, i, ET_U_CREATED)));
    et_json_set_bool(u, "is_verified", et_cell_i64(ET_CELL(rows, i, ET_U_VERIFIED)) != 0);
    return u;
}

json_t *et_author_json(apr_pool_t *p, const char *user_id, const char *nickname, const char *label)
{
    json_t *a = et_json_obj(p);
    if (label) {
        et_json_set_null(a, "id");
        et_json_set_str(p, a, "nickname", label);
    } else {
        et_json_set_str(p, a, "id", user_id);
        et_json_set_str(p, a, "nickname", nickname);
    }
    return a;
}

void et_author_write(et_jbuf *b, const char *user_id, const char *nickname, const char *label)
{
    if (label) {
        et_jbuf_lit(b, "{\"id\":null,\"nickname\":");
        et_jbuf_str(b, "nickname", label);
    } else {
        et_jbuf_lit(b, "{\"id\":");
        et_jbuf_str(b, "id", user_id);
        et_jbuf_lit(b, ",\"nickname\":");
        et_jbuf_str(b, "nickname", nickname);
    }
    et_jbuf_lit(b, "}");
}

/* 409 naming each field whose value another user holds; OK when none. */
int et_users_check_taken(et_req *q, const char *login_id, const char *email, const char *nickname,
                         const char *self_id)
{
    static const char *const fields[] = {"login_id", "email", "nickname"};
    const char *wanted[3] = {login_id, email, nickname};
    et_rows *rows;
    int i, f;
    if (et_db_select(q->r, "et_acc_taken", &rows, login_id ? login_id : "", email ? email : "",
                     nickname ? nickname : "", self_id ? self_id : "") != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (rows->nrows == 0)
        return OK;
    for (i = 0; i < rows->nrows; i++)
        for (f = 0; f < 3; f++)
            if (wanted[f] && ET_CELL(rows, i, f) && !strcmp(ET_CELL(rows, i, f), wanted[f]))
                et_field_error_text(
                    q, fields[f],
                    apr_psprintf(q->r->pool, "A user with that %s already exists.", fields[f]),
                    "이미 사용 중입니다.");
    et_fail_detail(q, ET_E_CONFLICT, "A user with these details already exists.",
                   "이미 사용 중인 정보가 있습니다.");
    if (q->errors)
        et_json_set(q->reply, "errors", q->errors);
    return HTTP_CONFLICT;
}

int et_users_school_exists(et_req *q, apr_int64_t school_id)
{
    et_rows *rows;
    if (et_db_select(q->r, "et_acc_school_exists", &rows, school_id) != APR_SUCCESS)
        return -1;
    if (rows->nrows == 0) {
        et_field_invalid_pk(q, "school_id", school_id);
        return 0;
    }
    return 1;
}

int et_users_is_verified(request_rec *r, const char *user_id)
{
    et_rows *rows;
    if (et_db_select(r, "et_acc_verified", &rows, user_id) != APR_SUCCESS)
        return -1;
    return rows->nrows == 1 && et_cell_i64(ET_CELL(rows, 0, 0)) != 0;
}

int et_users_password_acceptable(et_req *q, const char *field, const char *pw, const char *login_id)
{
    int fails = et_password_policy(pw, login_id);
    if (fails & ET_PW_TOO_SHORT)
        et_field_error_text(q, field,
                            "This password is too short. It must contain at least 8 characters.",
                            "비밀번호가 너무 짧습니다. 최소 8 문자를 포함해야 합니다.");
    if (fails & ET_PW_NUMERIC)
        et_field_error_text(q, field, "This password is entirely numeric.",
                            "비밀번호가 전부 숫자로 되어 있습니다.");
    if (fails & ET_PW_LIKE_LOGIN)
        et_field_error_text(q, field, "The password is too similar to the login id.",
                            "비밀번호가 아이디와 너무 유사합니다.");
    if (fails & ET_PW_TOO_LONG)
        et_field_error_text(
            q, field,
            apr_psprintf(q->r->pool,
                         "Ensure this field has no more than %d bytes in UTF-8 (a Hangul "
                         "syllable takes 3 bytes): only the first %d bytes of a password can "
                         "be checked.",
                         ET_PW_MAX_BYTES, ET_PW_MAX_BYTES),
            apr_psprintf(q->r->pool,
                         "이 필드가 UTF-8로 %d바이트 이하인지 확인하십시오(한글 한 글자는 "
                         "3바이트). 비밀번호는 앞의 %d바이트까지만 확인할 수 있습니다.",
                         ET_PW_MAX_BYTES, ET_PW_MAX_BYTES));
    return fails == 0;
}

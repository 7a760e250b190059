/*
 * users.h: the User and School objects and how an author is shown, shared by
 * the account routes and every group that embeds users; and the checks that
 * signups (password and social) and profile changes share.
 */
#ifndef ET_USERS_H
#define ET_USERS_H

#include "infra/db.h"
#include "core/group.h"
#include "core/request.h"

/* The statements of the checks below (users.c). */
extern const et_group et_domain_users;

#define ET_DELETED_USER "deleted-user" /* the author of a deactivated account */

/* A user's columns, with their school's (table aliases u and s), in the
 * order of the enum below. */
#define ET_USER_COLUMNS                                                               \
    "u.id, u.login_id, u.email, u.nickname, u.admission_year, u.role, u.created_at, " \
    "s.id, s.name, s.domain, s.gpa_scale, u.password, u.is_verified"
enum {
    ET_U_ID,
    ET_U_LOGIN,
    ET_U_EMAIL,
    ET_U_NICK,
    ET_U_YEAR,
    ET_U_ROLE,
    ET_U_CREATED,
    ET_U_SCHOOL_ID,
    ET_U_SCHOOL_NAME,
    ET_U_SCHOOL_DOMAIN,
    ET_U_SCHOOL_SCALE,
    ET_U_PASSWORD,
    ET_U_VERIFIED,
    ET_U_NCOLS
};

/* 409 naming each of login_id, email, nickname (NULL: not asked) that a user
 * other than self_id (NULL: anyone) holds; OK when none; 503 on error. */
int et_users_check_taken(et_req *q, const char *login_id, const char *email, const char *nickname,
                         const char *self_id);
/* Records the password policy's failures of pw (API.md: signup's rules)
 * as field errors under field; 1 when acceptable. */
int et_users_password_acceptable(et_req *q, const char *field, const char *pw,
                                 const char *login_id);
/* 1 when the user has passed school verification, 0 when not (or unknown),
 * -1 when the database failed. */
int et_users_is_verified(request_rec *r, const char *user_id);
/* 1 when the school exists, 0 after a school_id field error, -1 on error. */
int et_users_school_exists(et_req *q, apr_int64_t school_id);

/* The User of row i of rows (ET_USER_COLUMNS). */
json_t *et_user_json(et_req *q, const et_rows *rows, int i);
/* The School: gpa_scale is the column's text, in tenths ("45": 4.5). */
json_t *et_school_json(apr_pool_t *p, const char *id, const char *name, const char *domain,
                       const char *gpa_scale);

/* {"id": user_id, "nickname": nickname}, or {"id": null, "nickname": label}
 * when label is given (anonymous writing, deleted accounts). Never put an
 * anonymous writer's id anywhere else in a reply. */
json_t *et_author_json(apr_pool_t *p, const char *user_id, const char *nickname, const char *label);
/* The same object, written into b (json_writer.h). */
void et_author_write(et_jbuf *b, const char *user_id, const char *nickname, const char *label);

#endif

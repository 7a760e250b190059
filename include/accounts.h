/*
 * accounts.h: the User representation, shared by the account routes and by
 * later resource groups that embed users.
 */
#ifndef ET_ACCOUNTS_H
#define ET_ACCOUNTS_H

#include "db.h"
#include "request.h"

/* Columns of the "et_acc_user_get" statement, in order. */
enum {
    ET_U_ID, ET_U_LOGIN, ET_U_EMAIL, ET_U_NICK, ET_U_YEAR, ET_U_ROLE, ET_U_CREATED,
    ET_U_SCHOOL_ID, ET_U_SCHOOL_NAME, ET_U_SCHOOL_DOMAIN, ET_U_PASSWORD, ET_U_NCOLS
};

/* 409 naming each of login_id, email, nickname (NULL: not asked) that a user
 * other than self_id (NULL: anyone) holds; OK when none; 503 on error. */
int et_accounts_check_taken(et_req *q, const char *login_id, const char *email,
                            const char *nickname, const char *self_id);
/* 1 when the school exists, 0 after a school_id field error, -1 on error. */
int et_accounts_school_exists(et_req *q, apr_int64_t school_id);

json_t *et_user_json(et_req *q, const et_rows *rows, int i);
json_t *et_school_json(const char *id, const char *name, const char *domain);

#endif

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

json_t *et_user_json(et_req *q, const et_rows *rows, int i);
json_t *et_school_json(const char *id, const char *name, const char *domain);

#endif

/*
 * api.h: the route functions and statement tables of every resource group.
 */
#ifndef ET_API_H
#define ET_API_H

#include "db.h"
#include "request.h"

/* tokens.c: refresh families */
extern const et_stmt et_auth_statements[];

/* api_accounts.c */
extern const et_stmt et_accounts_statements[];
int et_accounts_signup(et_req *q);
int et_accounts_login(et_req *q);
int et_accounts_refresh(et_req *q);
int et_accounts_verify(et_req *q);
int et_accounts_logout(et_req *q);
int et_accounts_logout_all(et_req *q);
int et_accounts_me_get(et_req *q);
int et_accounts_me_patch(et_req *q);
int et_accounts_me_delete(et_req *q);

/* api_schools_boards.c */
extern const et_stmt et_schools_boards_statements[];
int et_schools_list(et_req *q);
int et_schools_create(et_req *q);

/* api_ops.c */
extern const et_stmt et_ops_statements[];
int et_ops_health(et_req *q);
int et_ops_schema(et_req *q);

#endif

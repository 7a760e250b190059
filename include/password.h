/*
 * password.h: bcrypt hashing through apr-util, and the password policy.
 */
#ifndef ET_PASSWORD_H
#define ET_PASSWORD_H

#include <apr_pools.h>

/* A "$2y$" bcrypt hash of pw at the given cost, or NULL. */
const char *et_password_hash(apr_pool_t *p, const char *pw, int cost);
/* 1 when pw matches hash. */
int et_password_matches(const char *pw, const char *hash);

/* Policy failures, as flags; zero means acceptable. */
#define ET_PW_TOO_SHORT   1
#define ET_PW_NUMERIC     2
#define ET_PW_LIKE_LOGIN  4
#define ET_PW_MIN_LENGTH  8
int et_password_policy(const char *pw, const char *login_id);

#endif

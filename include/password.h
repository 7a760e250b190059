/*
 * password.h: bcrypt hashing through apr-util, and the password policy.
 */
#ifndef ET_PASSWORD_H
#define ET_PASSWORD_H

#include <apr_pools.h>

/* bcrypt reads no more than the first 72 bytes of a password. */
#define ET_PW_MAX_BYTES 72

/* 1 when bcrypt reads all of pw: at most ET_PW_MAX_BYTES bytes of UTF-8
 * (24 Hangul syllables). The one rule every path that sets a password and
 * every check of one goes through, so two passwords that differ are never
 * interchangeable. */
int et_password_fits(const char *pw);

/* A "$2y$" bcrypt hash of pw at the given cost, or NULL (also when pw does
 * not fit: a hash of a cut password is never made). */
const char *et_password_hash(apr_pool_t *p, const char *pw, int cost);

/* What a check of pw against hash found. */
typedef enum {
    ET_PW_WRONG = 0,
    ET_PW_RIGHT = 1,
    /* pw does not fit, and its first ET_PW_MAX_BYTES bytes match: the hash
     * was set before the limit from a longer password (bcrypt kept only its
     * first 72 bytes), or is of exactly those 72. Refused all the same. */
    ET_PW_CUT = 2
} et_pw_check;
/* Checks pw against hash. A pw that does not fit costs one bcrypt too (so
 * timing tells nothing) and is never ET_PW_RIGHT. */
et_pw_check et_password_check(const char *pw, const char *hash);
/* 1 when et_password_check says ET_PW_RIGHT. */
int et_password_matches(const char *pw, const char *hash);

/* Policy failures, as flags; zero means acceptable. */
#define ET_PW_TOO_SHORT  1
#define ET_PW_NUMERIC    2
#define ET_PW_LIKE_LOGIN 4
#define ET_PW_TOO_LONG   8 /* more bytes than bcrypt reads */
#define ET_PW_MIN_LENGTH 8
int et_password_policy(const char *pw, const char *login_id);

#endif

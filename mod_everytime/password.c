/*
 * password.c: apr-util's bcrypt, with a random salt per hash, and the
 * password policy.
 *
 * bcrypt reads only the first 72 bytes of a password: 'A'*72 + "secret-one"
 * and 'A'*72 would share a hash. So a password longer than that is refused
 * where it is set (the policy) and never matches where it is checked. A
 * hash set before this rule from a longer password holds its first 72
 * bytes only; its user signs in with those (et_password_check tells the
 * caller, which logs it) and then sets a new password.
 */
#include "password.h"
#include "util.h"

#include <apr_general.h>
#include <apr_md5.h>
#include <apu_version.h>
#include <apr_strings.h>
#include <string.h>

int et_password_fits(const char *pw)
{
    return pw && strlen(pw) <= ET_PW_MAX_BYTES;
}

/* apr-util declares these in apr_md5.h (bcrypt lives beside the MD5 crypt). */
const char *et_password_hash(apr_pool_t *p, const char *pw, int cost)
{
    unsigned char salt[16];
    char out[64];
    if (!et_password_fits(pw))
        return NULL;
    if (apr_generate_random_bytes(salt, sizeof(salt)) != APR_SUCCESS)
        return NULL;
    if (apr_bcrypt_encode(pw, (unsigned int)cost, salt, sizeof(salt), out, sizeof(out)) !=
        APR_SUCCESS)
        return NULL;
    return apr_pstrdup(p, out);
}

et_pw_check et_password_check(const char *pw, const char *hash)
{
    /* apr cuts a longer pw at 72 bytes itself: the same single bcrypt */
    int same = pw && hash && apr_password_validate(pw, hash) == APR_SUCCESS;
    if (!same)
        return ET_PW_WRONG;
    return et_password_fits(pw) ? ET_PW_RIGHT : ET_PW_CUT;
}

int et_password_matches(const char *pw, const char *hash)
{
    return et_password_check(pw, hash) == ET_PW_RIGHT;
}

int et_password_policy(const char *pw, const char *login_id)
{
    int fails = 0;
    long chars = 0;
    const unsigned char *s;
    for (s = (const unsigned char *)pw; *s; s++)
        if ((*s & 0xc0) != 0x80)
            chars++;
    if (chars < ET_PW_MIN_LENGTH)
        fails |= ET_PW_TOO_SHORT;
    if (!et_password_fits(pw))
        fails |= ET_PW_TOO_LONG;
    if (*pw && strspn(pw, "0123456789") == strlen(pw))
        fails |= ET_PW_NUMERIC;
    if (login_id && !strcasecmp(pw, login_id))
        fails |= ET_PW_LIKE_LOGIN;
    return fails;
}

/*
 * password.c: apr-util's bcrypt, with a random salt per hash.
 */
#include "password.h"
#include "util.h"

#include <apr_general.h>
#include <apr_md5.h>
#include <apu_version.h>
#include <apr_strings.h>
#include <string.h>

/* apr-util declares these in apr_md5.h (bcrypt lives beside the MD5 crypt). */
const char *et_password_hash(apr_pool_t *p, const char *pw, int cost)
{
    unsigned char salt[16];
    char out[64];
    if (apr_generate_random_bytes(salt, sizeof(salt)) != APR_SUCCESS)
        return NULL;
    if (apr_bcrypt_encode(pw, (unsigned int)cost, salt, sizeof(salt), out, sizeof(out))
        != APR_SUCCESS)
        return NULL;
    return apr_pstrdup(p, out);
}

int et_password_matches(const char *pw, const char *hash)
{
    return pw && hash && apr_password_validate(pw, hash) == APR_SUCCESS;
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
    if (*pw && strspn(pw, "0123456789") == strlen(pw))
        fails |= ET_PW_NUMERIC;
    if (login_id && !strcasecmp(pw, login_id))
        fails |= ET_PW_LIKE_LOGIN;
    return fails;
}

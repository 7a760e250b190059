/*
 * jwt.h: issuing and verifying our tokens. Pure over the server config, so
 * the unit tests drive it directly. The algorithm is pinned: the header's
 * "alg" must equal the configured one before anything else is looked at.
 */
#ifndef ET_JWT_H
#define ET_JWT_H

#include "core/config.h"

#define ET_JWT_MAX_LEN 4096

typedef struct et_claims {
    const char *token_type; /* access | refresh | sign */
    const char *user_id;    /* access, refresh */
    const char *role;       /* access, refresh */
    const char *sid;        /* access, refresh: the refresh family */
    const char *jti;
    apr_int64_t iat;
    apr_int64_t exp;
    const char *provider;         /* sign: "KAKAO" | "GOOGLE" | "APPLE" */
    const char *provider_user_id; /* sign: the provider's user id */
} et_claims;

typedef enum {
    ET_JWT_OK = 0,
    ET_JWT_MALFORMED,  /* not three base64url parts of sane size */
    ET_JWT_BAD_HEADER, /* alg missing or not the configured one, typ wrong, crit */
    ET_JWT_BAD_SIGNATURE,
    ET_JWT_BAD_CLAIMS, /* missing or mistyped claims, iss/aud mismatch */
    ET_JWT_EXPIRED,    /* exp passed or nbf in the future */
    ET_JWT_WRONG_TYPE  /* a valid token of another token_type */
} et_jwt_status;

/* Issues a token of the given type; jti and iat/exp are filled in. Returns
 * NULL on failure (a key that cannot sign). Access and refresh tokens carry
 * user_id, role and sid; sign tokens carry provider and provider_user_id
 * instead. */
const char *et_jwt_issue(apr_pool_t *p, const et_srv_conf *c, et_claims *claims, apr_int64_t ttl);

/* Verifies signature and claims at time now (seconds). want_type NULL accepts
 * access and refresh tokens. */
et_jwt_status et_jwt_verify(apr_pool_t *p, const et_srv_conf *c, const char *token,
                            const char *want_type, apr_int64_t now, et_claims *out);

/* Config time: signs and verifies a probe token, so a bad key stops httpd. */
const char *et_jwt_self_test(apr_pool_t *p, const et_srv_conf *c);

const char *et_jwt_alg_name(et_alg_e alg);

#endif

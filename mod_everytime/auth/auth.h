/*
 * auth.h: who is calling. Reads the Bearer token (or the access cookie),
 * verifies it and asks the revocation state; a cookie must also pass the
 * CSRF check on unsafe methods. The result is kept for the rest of the
 * request. Also the check_authn hook for "AuthType Bearer".
 */
#ifndef ET_AUTH_H
#define ET_AUTH_H

#include "auth/et_jwt.h"

typedef enum {
    ET_AUTH_ANONYMOUS, /* no credentials, or another scheme */
    ET_AUTH_OK,
    ET_AUTH_BAD_TOKEN,   /* invalid, expired, revoked or of the wrong type */
    ET_AUTH_BAD_HEADER,  /* "Bearer" without exactly one token after it */
    ET_AUTH_UNAVAILABLE, /* revocation state could not be read: deny */
    ET_AUTH_CSRF_FAILED  /* a valid access cookie on an unsafe method without
                            its CSRF token: refused on every route (csrf.h) */
} et_auth_state;

typedef struct et_auth_result {
    et_auth_state state;
    et_claims claims;
    int by_cookie; /* the token came from the access cookie, not the header */
} et_auth_result;

const et_auth_result *et_authenticate(request_rec *r);

int et_check_authn(request_rec *r);
void et_auth_register_hooks(apr_pool_t *p);

#define ET_AUTH_TYPE      "Bearer"
#define ET_ROLE_USER      "ROLE_USER"
#define ET_ROLE_ADMIN     "ROLE_ADMIN"
#define ET_COOKIE_ACCESS  "access_token"
#define ET_COOKIE_REFRESH "refresh_token"

#endif

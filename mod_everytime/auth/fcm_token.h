/*
 * fcm_token.h: the OAuth2 access token FCM wants, from the service account
 * of EverytimeFCMCredentials: an RS256 JWT assertion signed with the
 * account's key, exchanged at the token URL (grant type jwt-bearer), and
 * kept per process until it nears expiry.
 */
#ifndef ET_FCM_TOKEN_H
#define ET_FCM_TOKEN_H

#include "core/config.h"

#define ET_FCM_SCOPE "https://www.googleapis.com/auth/firebase.messaging"
#define ET_FCM_GRANT "urn:ietf:params:oauth:grant-type:jwt-bearer"
/* the assertion's lifetime: Google accepts at most an hour */
#define ET_FCM_ASSERTION_TTL 3600
/* a token is renewed this long before it expires */
#define ET_FCM_TOKEN_MARGIN 300

/* The signed assertion (iss client_email, scope, aud token_uri, iat now,
 * exp now + ET_FCM_ASSERTION_TTL), or NULL when the key cannot sign. */
const char *et_fcm_assertion(apr_pool_t *p, const et_fcm_conf *f, apr_int64_t now);

/* The access token of server s's account: the cached one while it has more
 * than ET_FCM_TOKEN_MARGIN seconds left, else a new one from the token URL.
 * NULL when none can be had now (logged, without the token). Called by the
 * drain thread only: one per process, so the cache needs no lock. */
const char *et_fcm_access_token(server_rec *s, apr_pool_t *p);

/* FCM refused the token (401): the next call exchanges a new one. */
void et_fcm_forget_token(server_rec *s);

#endif

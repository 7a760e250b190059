/*
 * oauth.h: the social login providers behind one small interface. Each
 * provider turns what the app sent (a Kakao access token, a Google or Apple
 * authorization code) into the provider's user id, through libcurl with
 * bounded timeouts, a response size cap, TLS verification and no redirects.
 */
#ifndef ET_OAUTH_H
#define ET_OAUTH_H

#include "core/config.h"

typedef enum { ET_PROVIDER_KAKAO, ET_PROVIDER_GOOGLE, ET_PROVIDER_APPLE } et_provider;

typedef struct et_social_identity {
    const char *user_id; /* the provider's stable user id (Kakao id, Google/Apple sub) */
    const char *email;   /* NULL when the provider gave none */
    int email_verified;
    const char *nickname; /* NULL when the provider gave none */
} et_social_identity;

typedef enum {
    ET_OAUTH_OK,
    ET_OAUTH_REJECTED,   /* the provider said no: 401, statusCode 1031 */
    ET_OAUTH_UNREACHABLE /* unreachable, timed out, or garbage: 502, statusCode 1032 */
} et_oauth_result;

/* Asks the provider who the credential belongs to. Never blocks past the
 * configured total timeout; never logs the credential. */
et_oauth_result et_oauth_identify(request_rec *r, et_provider provider, const char *credential,
                                  et_social_identity *out);

/* "KAKAO", "GOOGLE", "APPLE" <-> et_provider; -1 for anything else. */
int et_provider_from_name(const char *name);
const char *et_provider_name(et_provider provider);

/* child_init: the per-thread HTTP handles and the per-process JWKS table,
 * before any thread runs. */
void et_oauth_child_init(apr_pool_t *pchild, server_rec *s);

/* Apple's client_secret: an ES256 JWT with header kid = key_id and claims
 * iss = team_id, iat = now, exp = now + ttl (at most 15 minutes), aud
 * https://appleid.apple.com, sub = client_id, signed with the .p8 PEM key.
 * NULL when the key cannot sign. */
const char *et_apple_client_secret(apr_pool_t *p, const et_oauth_conf *o, apr_int64_t now,
                                   apr_int64_t ttl);

#endif

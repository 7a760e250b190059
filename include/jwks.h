/*
 * jwks.h: the providers' signing keys (JSON Web Key Sets) and the id_tokens
 * signed with them. Parsing and verification are pure, for the unit tests;
 * et_jwks_key keeps each provider's keys per process and refetches them,
 * rate-limited, when a token names a kid it does not know.
 */
#ifndef ET_JWKS_H
#define ET_JWKS_H

#include "config.h"

#include <openssl/evp.h>

#define ET_JWKS_MAX_KEYS    16
#define ET_ID_TOKEN_MAX_LEN 8192
/* how long fetched keys are trusted, and how often an unknown kid may refetch */
#define ET_JWKS_TTL              apr_time_from_sec(3600)
#define ET_JWKS_REFETCH_INTERVAL apr_time_from_sec(60)

typedef struct et_jwks et_jwks;

/* The usable keys of a JWKS document: kty RSA, a kid, n and e, at least 2048
 * bits, "use" sig and "alg" RS256 when given; other keys are skipped. The keys
 * are freed with p. NULL when the text is not a JWKS or holds no usable key. */
et_jwks *et_jwks_parse(apr_pool_t *p, const char *text, apr_size_t len);
int et_jwks_count(const et_jwks *set);
/* The key named kid, or NULL; owned by the set. */
EVP_PKEY *et_jwks_find(const et_jwks *set, const char *kid);

typedef enum {
    ET_IDT_OK = 0,
    ET_IDT_MALFORMED,  /* not a JWT of sane size */
    ET_IDT_BAD_HEADER, /* alg not RS256, no kid, typ not JWT, crit */
    ET_IDT_BAD_SIGNATURE,
    ET_IDT_BAD_CLAIMS, /* iss, aud or sub missing or wrong */
    ET_IDT_EXPIRED     /* exp passed (or missing), nbf in the future */
} et_idt_status;

typedef struct et_idt_claims {
    const char *sub;
    const char *email;  /* NULL when absent */
    int email_verified; /* true or "true" */
} et_idt_claims;

/* Reads the header: alg must be RS256 before anything else is looked at. */
et_idt_status et_idt_kid(apr_pool_t *p, const char *token, const char **kid);

/* Verifies an id_token's RS256 signature with key, then its claims: iss one of
 * issuers (NULL-terminated), aud equal to audience, exp after now (seconds). */
et_idt_status et_idt_verify(apr_pool_t *p, const char *token, EVP_PKEY *key,
                            const char *const *issuers, const char *audience, apr_int64_t now,
                            et_idt_claims *out);

typedef enum { ET_JWKS_GOOGLE = 0, ET_JWKS_APPLE, ET_JWKS_SOURCES } et_jwks_source;

typedef enum {
    ET_KEY_OK,
    ET_KEY_UNKNOWN,    /* no such kid, even after a refetch (or refetch not allowed yet) */
    ET_KEY_UNREACHABLE /* no keys could be fetched */
} et_key_status;

/* The key named kid for a provider, owned by r->pool. Fetches the JWKS from
 * url on first need and after ET_JWKS_TTL; an unknown kid refetches at most
 * once per ET_JWKS_REFETCH_INTERVAL per provider, across processes through
 * the socache marker "jwks-refetch:<provider>". */
et_key_status et_jwks_key(request_rec *r, const et_oauth_conf *o, apr_time_t deadline,
                          et_jwks_source src, const char *url, const char *kid, EVP_PKEY **out);

/* child_init: the per-process key table's mutex; without it (logged) the
 * Google and Apple logins of this process answer ET_KEY_UNREACHABLE. */
void et_jwks_child_init(apr_pool_t *pchild, server_rec *s);

#endif

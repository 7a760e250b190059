/*
 * fuzz_jwt.c: token verification (jwt.c, et_jwt_verify) with fixed keys.
 *
 * Input: one selector byte, then either a whole token (verified as it is,
 * under HS256, RS256 or ES256), or a header and a payload separated by a NUL
 * that this harness encodes and signs with the HS256 secret, so that the
 * fuzzer reaches the claim checks behind the signature. The selector also
 * picks the wanted token type and whether issuer and audience are required.
 * Properties: a token that verifies carries what its type promises (access
 * and refresh: UUID user_id and sid, a role, no provider claims; sign: a
 * provider account and no user), the wanted type, and an exp after now.
 */
#include "fuzz.h"
#include "auth/et_jwt.h"
#include "infra/util.h"

#include <apr_strings.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <string.h>

#define NOW    ((apr_int64_t)1700000000)
#define SECRET "fuzz-secret-0123456789abcdefghijklmnopqrstuvwxyz"

static const char *const types[] = {NULL, "access", "refresh", "sign"};

static et_srv_conf hs, hs_iss, rs, es;

/* PEM of a new key's private and public halves, in memory for good. */
static void pem_pair(EVP_PKEY *key, et_srv_conf *c, et_alg_e alg)
{
    BIO *priv = BIO_new(BIO_s_mem()), *pub = BIO_new(BIO_s_mem());
    char *data;
    long n;
    ET_FUZZ_CHECK(key && priv && pub);
    ET_FUZZ_CHECK(PEM_write_bio_PrivateKey(priv, key, NULL, NULL, 0, NULL, NULL) == 1);
    ET_FUZZ_CHECK(PEM_write_bio_PUBKEY(pub, key) == 1);
    c->alg = alg;
    n = BIO_get_mem_data(priv, &data);
    c->sign_key = (unsigned char *)strndup(data, (size_t)n);
    c->sign_key_len = (apr_size_t)n;
    n = BIO_get_mem_data(pub, &data);
    c->verify_key = (unsigned char *)strndup(data, (size_t)n);
    c->verify_key_len = (apr_size_t)n;
    BIO_free(priv);
    BIO_free(pub);
    EVP_PKEY_free(key);
}

/* Every configuration must accept the tokens it issues, or the fuzzing
 * would prove nothing. */
static void self_test(apr_pool_t *p, const et_srv_conf *c)
{
    et_claims in = {0}, out;
    const char *token;
    in.token_type = "access";
    in.user_id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    in.role = "ROLE_USER";
    in.sid = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";
    token = et_jwt_issue(p, c, &in, 300);
    ET_FUZZ_CHECK(token != NULL);
    ET_FUZZ_CHECK(et_jwt_verify(p, c, token, "access", apr_time_sec(apr_time_now()), &out) ==
                  ET_JWT_OK);
}

static void setup(apr_pool_t *p)
{
    static int done;
    static apr_pool_t *keep; /* what the configurations hold, for good */
    if (done)
        return;
    ET_FUZZ_CHECK(apr_pool_create(&keep, NULL) == APR_SUCCESS);
    hs.alg = ET_ALG_HS256;
    hs.sign_key = hs.verify_key = (const unsigned char *)SECRET;
    hs.sign_key_len = hs.verify_key_len = strlen(SECRET);
    /* as et_config_finish makes it */
    hs.verify_mac = et_hmac_make(keep, hs.verify_key, hs.verify_key_len);
    ET_FUZZ_CHECK(hs.verify_mac != NULL);
    hs_iss = hs;
    hs_iss.issuer = "https://everytime.example";
    hs_iss.audience = "everytime-app";
    pem_pair(EVP_RSA_gen(2048), &rs, ET_ALG_RS256);
    pem_pair(EVP_EC_gen("P-256"), &es, ET_ALG_ES256);
    self_test(p, &hs);
    self_test(p, &rs);
    self_test(p, &es);
    done = 1;
}

static const char *b64(apr_pool_t *p, const char *s)
{
    return et_b64url_encode(p, (const unsigned char *)s, strlen(s));
}

/* base64url(header).base64url(payload).HMAC-SHA256 under SECRET */
static const char *signed_token(apr_pool_t *p, const char *header, const char *payload)
{
    const char *input = apr_pstrcat(p, b64(p, header), ".", b64(p, payload), NULL);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    ET_FUZZ_CHECK(HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET), (const unsigned char *)input,
                       strlen(input), mac, &maclen) != NULL);
    return apr_pstrcat(p, input, ".", et_b64url_encode(p, mac, maclen), NULL);
}

static void check_claims(const et_claims *c, const char *want)
{
    ET_FUZZ_CHECK(c->token_type && c->jti);
    ET_FUZZ_CHECK(c->exp > NOW);
    if (want)
        ET_FUZZ_CHECK(!strcmp(c->token_type, want));
    if (!strcmp(c->token_type, "sign")) {
        ET_FUZZ_CHECK(want && !strcmp(want, "sign"));
        ET_FUZZ_CHECK(c->provider && *c->provider && c->provider_user_id && *c->provider_user_id);
        ET_FUZZ_CHECK(!c->user_id && !c->sid);
    } else {
        ET_FUZZ_CHECK(!strcmp(c->token_type, "access") || !strcmp(c->token_type, "refresh"));
        ET_FUZZ_CHECK(et_is_uuid(c->user_id) && et_is_uuid(c->sid) && c->role);
        ET_FUZZ_CHECK(!c->provider && !c->provider_user_id);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const et_srv_conf *c;
    const char *want, *token;
    et_claims out;
    unsigned sel;
    if (size < 1)
        return 0;
    p = et_fuzz_begin();
    setup(p);
    sel = data[0];
    want = types[sel & 3];
    if (sel & 4) {
        /* header NUL payload, signed here */
        const uint8_t *rest;
        size_t rest_size;
        const char *header = et_fuzz_split(p, data + 1, size - 1, &rest, &rest_size);
        token = signed_token(p, header, et_fuzz_text(p, rest, rest_size));
        c = sel & 8 ? &hs_iss : &hs;
    } else {
        static const et_srv_conf *const confs[] = {&hs, &hs_iss, &rs, &es};
        token = et_fuzz_text(p, data + 1, size - 1);
        c = confs[(sel >> 3) & 3];
    }
    if (et_jwt_verify(p, c, token, want, NOW, &out) == ET_JWT_OK)
        check_claims(&out, want);
    et_fuzz_end(p);
    return 0;
}

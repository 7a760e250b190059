/*
 * test_jwt.c: jwt.c's issue and verify, for HS256 and for RS256/ES256 with
 * keys generated here; hand-made tokens for every way a token must be refused.
 */
#include "suites.h"
#include "auth/et_jwt.h"
#include "infra/util.h"

#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <string.h>

/* ---- keys: generated once, in the parent, before the tests fork ----------- */

typedef struct {
    char *priv, *pub; /* PEM text, malloc'd, kept for the life of the program */
    size_t priv_len, pub_len;
} pem_pair;

static pem_pair rsa_a, rsa_b, ec_a, ec_b;
static int keys_ready;

static char *bio_text(BIO *bio, size_t *len)
{
    char *data;
    long n = BIO_get_mem_data(bio, &data);
    char *out = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(out);
    memcpy(out, data, (size_t)n);
    out[n] = '\0';
    *len = (size_t)n;
    return out;
}

static void pem_encode(EVP_PKEY *key, pem_pair *out)
{
    BIO *priv = BIO_new(BIO_s_mem()), *pub = BIO_new(BIO_s_mem());
    ck_assert_ptr_nonnull(priv);
    ck_assert_ptr_nonnull(pub);
    ck_assert_int_eq(PEM_write_bio_PrivateKey(priv, key, NULL, NULL, 0, NULL, NULL), 1);
    ck_assert_int_eq(PEM_write_bio_PUBKEY(pub, key), 1);
    out->priv = bio_text(priv, &out->priv_len);
    out->pub = bio_text(pub, &out->pub_len);
    BIO_free(priv);
    BIO_free(pub);
}

static void gen_rsa(pem_pair *out)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL);
    EVP_PKEY *key = NULL;
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_PKEY_keygen_init(ctx), 1);
    ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048), 0);
    ck_assert_int_eq(EVP_PKEY_keygen(ctx, &key), 1);
    pem_encode(key, out);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
}

static void gen_p256(pem_pair *out)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
    EVP_PKEY *key = NULL;
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_PKEY_keygen_init(ctx), 1);
    ck_assert_int_gt(EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1), 0);
    ck_assert_int_gt(EVP_PKEY_CTX_set_ec_param_enc(ctx, OPENSSL_EC_NAMED_CURVE), 0);
    ck_assert_int_eq(EVP_PKEY_keygen(ctx, &key), 1);
    pem_encode(key, out);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
}

static void make_keys(void)
{
    if (keys_ready)
        return;
    gen_rsa(&rsa_a);
    gen_rsa(&rsa_b);
    gen_p256(&ec_a);
    gen_p256(&ec_b);
    keys_ready = 1;
}

/* ---- configurations ------------------------------------------------------- */

static apr_pool_t *pool;
static et_srv_conf hs, rs, es;

/* 48 bytes; the array has room for the literal's terminator, which is not used */
#define SECRET_LEN 48
static const unsigned char secret[SECRET_LEN + 1] =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL";

static void conf_hs256(et_srv_conf *c)
{
    memset(c, 0, sizeof(*c));
    c->alg = ET_ALG_HS256;
    c->sign_key = secret;
    c->sign_key_len = SECRET_LEN;
    c->verify_key = c->sign_key;
    c->verify_key_len = c->sign_key_len;
    /* as et_config_finish makes it */
    c->verify_mac = et_hmac_make(pool, secret, SECRET_LEN);
    ck_assert_ptr_nonnull(c->verify_mac);
}

static void conf_pem(et_srv_conf *c, et_alg_e alg, const pem_pair *signer, const pem_pair *verifier)
{
    memset(c, 0, sizeof(*c));
    c->alg = alg;
    c->sign_key = (const unsigned char *)signer->priv;
    c->sign_key_len = signer->priv_len;
    c->verify_key = (const unsigned char *)verifier->pub;
    c->verify_key_len = verifier->pub_len;
}

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
    conf_hs256(&hs);
    conf_pem(&rs, ET_ALG_RS256, &rsa_a, &rsa_a);
    conf_pem(&es, ET_ALG_ES256, &ec_a, &ec_a);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* ---- hand-made tokens ----------------------------------------------------- */

#define NOW  ((apr_int64_t)1700000000)
#define USER "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
#define SID  "6ba7b810-9dad-41d1-80b4-00c04fd430c8"
#define JTI  "c9a646d3-9c61-4cb7-bfcd-ee2522c8f633"
#define HDR  "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

static const char *b64(const char *s)
{
    return et_b64url_encode(pool, (const unsigned char *)s, strlen(s));
}

/* header.payload, signed with HMAC-SHA256 under key */
static const char *hmac_token(const char *header, const char *payload, const void *key,
                              size_t keylen)
{
    const char *input = apr_pstrcat(pool, b64(header), ".", b64(payload), NULL);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    ck_assert_ptr_nonnull(HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)input,
                               strlen(input), mac, &maclen));
    ck_assert_uint_eq(maclen, 32);
    return apr_pstrcat(pool, input, ".", et_b64url_encode(pool, mac, maclen), NULL);
}

static const char *hs_token(const char *header, const char *payload)
{
    return hmac_token(header, payload, secret, SECRET_LEN);
}

/* A valid access payload with `extra` (",\"k\":v" or "") appended, and exp,
 * iat given as JSON text. */
static const char *payload_with(const char *exp, const char *iat, const char *extra)
{
    return apr_psprintf(pool,
                        "{\"token_type\":\"access\",%s%s%s%s\"jti\":\"" JTI "\","
                        "\"user_id\":\"" USER "\",\"role\":\"ROLE_USER\","
                        "\"sid\":\"" SID "\"%s}",
                        exp ? "\"exp\":" : "", exp ? apr_pstrcat(pool, exp, ",", NULL) : "",
                        iat ? "\"iat\":" : "", iat ? apr_pstrcat(pool, iat, ",", NULL) : "", extra);
}

static const char *good_payload(const char *extra)
{
    return payload_with(apr_psprintf(pool, "%" APR_INT64_T_FMT, NOW + 300),
                        apr_psprintf(pool, "%" APR_INT64_T_FMT, NOW), extra);
}

static et_jwt_status verify_hs(const char *token)
{
    et_claims out;
    return et_jwt_verify(pool, &hs, token, "access", NOW, &out);
}

/* The token with its signature decoded, one bit flipped and encoded again. */
static const char *flip_signature_bit(const char *token, apr_size_t bit)
{
    const char *dot = strrchr(token, '.');
    apr_size_t len = 0;
    unsigned char *sig = et_b64url_decode(pool, dot + 1, strlen(dot + 1), &len);
    ck_assert_ptr_nonnull(sig);
    ck_assert_uint_gt(len, bit / 8);
    sig[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    return apr_pstrcat(pool, apr_pstrmemdup(pool, token, (apr_size_t)(dot - token) + 1),
                       et_b64url_encode(pool, sig, len), NULL);
}

static const char *issue(const et_srv_conf *c, const char *type, apr_int64_t ttl, et_claims *in)
{
    const char *token;
    int sign = !strcmp(type, "sign");
    in->token_type = type;
    /* a sign token names a provider account, never a user or a session */
    in->user_id = sign ? NULL : USER;
    in->role = sign ? NULL : "ROLE_USER";
    in->sid = sign ? NULL : SID;
    in->provider = sign ? "KAKAO" : NULL;
    in->provider_user_id = sign ? "4242" : NULL;
    in->jti = NULL;
    token = et_jwt_issue(pool, c, in, ttl);
    ck_assert_msg(token != NULL, "%s: cannot issue", et_jwt_alg_name(c->alg));
    return token;
}

/* ---- round trips ---------------------------------------------------------- */

static et_srv_conf *alg_conf(int i)
{
    return i == 0 ? &hs : i == 1 ? &rs : &es;
}

static const char *const alg_names[] = {"HS256", "RS256", "ES256"};

START_TEST(round_trip)
{
    et_srv_conf *c = alg_conf(_i);
    et_claims in, out;
    apr_int64_t before = apr_time_sec(apr_time_now());
    const char *token = issue(c, "access", 300, &in), *dot;
    const char *header;
    apr_size_t hlen;

    ck_assert_str_eq(et_jwt_alg_name(c->alg), alg_names[_i]);
    ck_assert_uint_le(strlen(token), ET_JWT_MAX_LEN);
    /* the header names the configured algorithm */
    dot = strchr(token, '.');
    ck_assert_ptr_nonnull(dot);
    header = (const char *)et_b64url_decode(pool, token, (apr_size_t)(dot - token), &hlen);
    ck_assert_ptr_nonnull(header);
    ck_assert_msg(strstr(header, apr_psprintf(pool, "\"%s\"", alg_names[_i])) != NULL, "header %s",
                  header);

    /* issue filled jti, iat and exp */
    ck_assert(et_is_uuid(in.jti));
    ck_assert_int_ge(in.iat, before);
    ck_assert_int_le(in.iat, apr_time_sec(apr_time_now()));
    ck_assert_int_eq(in.exp - in.iat, 300);

    memset(&out, 0xa5, sizeof(out));
    ck_assert_int_eq(et_jwt_verify(pool, c, token, "access", in.iat, &out), ET_JWT_OK);
    ck_assert_str_eq(out.token_type, "access");
    ck_assert_str_eq(out.user_id, USER);
    ck_assert_str_eq(out.role, "ROLE_USER");
    ck_assert_str_eq(out.sid, SID);
    ck_assert_str_eq(out.jti, in.jti);
    ck_assert_int_eq(out.iat, in.iat);
    ck_assert_int_eq(out.exp, in.exp);
    ck_assert_int_eq(out.exp - out.iat, 300);

    /* refresh tokens too, with their own ttl */
    token = issue(c, "refresh", 14 * 24 * 3600, &in);
    ck_assert_int_eq(et_jwt_verify(pool, c, token, "refresh", in.iat + 1, &out), ET_JWT_OK);
    ck_assert_str_eq(out.token_type, "refresh");
    ck_assert_int_eq(out.exp - out.iat, 14 * 24 * 3600);
}
END_TEST

START_TEST(two_issues_differ)
{
    et_srv_conf *c = alg_conf(_i);
    et_claims a, b;
    const char *t1 = issue(c, "access", 300, &a), *t2 = issue(c, "access", 300, &b);
    ck_assert_str_ne(a.jti, b.jti);
    ck_assert_str_ne(t1, t2);
}
END_TEST

START_TEST(wrong_type)
{
    et_srv_conf *c = alg_conf(_i);
    et_claims in, out;
    const char *access = issue(c, "access", 300, &in);
    const char *refresh = issue(c, "refresh", 300, &in);
    const char *sign = issue(c, "sign", 300, &in);

    ck_assert_int_eq(et_jwt_verify(pool, c, access, "refresh", in.iat, &out), ET_JWT_WRONG_TYPE);
    ck_assert_int_eq(et_jwt_verify(pool, c, refresh, "access", in.iat, &out), ET_JWT_WRONG_TYPE);
    ck_assert_int_eq(et_jwt_verify(pool, c, sign, "access", in.iat, &out), ET_JWT_WRONG_TYPE);
    /* NULL takes access and refresh, but not sign */
    ck_assert_int_eq(et_jwt_verify(pool, c, access, NULL, in.iat, &out), ET_JWT_OK);
    ck_assert_str_eq(out.token_type, "access");
    ck_assert_int_eq(et_jwt_verify(pool, c, refresh, NULL, in.iat, &out), ET_JWT_OK);
    ck_assert_str_eq(out.token_type, "refresh");
    ck_assert_int_eq(et_jwt_verify(pool, c, sign, NULL, in.iat, &out), ET_JWT_WRONG_TYPE);
    /* a sign token, which has no user_id, is refused as refresh for its type */
    ck_assert_int_eq(et_jwt_verify(pool, c, sign, "refresh", in.iat, &out), ET_JWT_WRONG_TYPE);
    /* but a sign token is fine when asked for */
    ck_assert_int_eq(et_jwt_verify(pool, c, sign, "sign", in.iat, &out), ET_JWT_OK);
    ck_assert_str_eq(out.token_type, "sign");
    ck_assert_str_eq(out.provider, "KAKAO");
    ck_assert_str_eq(out.provider_user_id, "4242");
    ck_assert_ptr_null(out.user_id);
    ck_assert_ptr_null(out.sid);
    /* and access tokens carry no provider claims */
    ck_assert_int_eq(et_jwt_verify(pool, c, access, "access", in.iat, &out), ET_JWT_OK);
    ck_assert_ptr_null(out.provider);
}
END_TEST

START_TEST(expired)
{
    et_srv_conf *c = alg_conf(_i);
    et_claims in, out;
    const char *token = issue(c, "access", 300, &in);

    ck_assert_int_eq(et_jwt_verify(pool, c, token, "access", in.exp - 1, &out), ET_JWT_OK);
    ck_assert_int_eq(et_jwt_verify(pool, c, token, "access", in.exp, &out), ET_JWT_EXPIRED);
    ck_assert_int_eq(et_jwt_verify(pool, c, token, "access", in.iat + 10 * 365 * 86400, &out),
                     ET_JWT_EXPIRED);
    /* expiry is reported before the type */
    ck_assert_int_eq(et_jwt_verify(pool, c, token, "refresh", in.exp + 1, &out), ET_JWT_EXPIRED);
}
END_TEST

START_TEST(flipped_signature_bit)
{
    et_srv_conf *c = alg_conf(_i);
    et_claims in, out;
    const char *token = issue(c, "access", 300, &in);
    apr_size_t bits[] = {0, 7, 100, 255};
    apr_size_t i;

    for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
        ck_assert_int_eq(
            et_jwt_verify(pool, c, flip_signature_bit(token, bits[i]), "access", in.iat, &out),
            ET_JWT_BAD_SIGNATURE);
}
END_TEST

START_TEST(tampered_payload)
{
    et_srv_conf *c = alg_conf(_i);
    et_claims in, out;
    const char *token = issue(c, "access", 300, &in);
    const char *dot1 = strchr(token, '.'), *dot2 = strrchr(token, '.');
    apr_size_t len;
    char *payload = (char *)et_b64url_decode(pool, dot1 + 1, (apr_size_t)(dot2 - dot1 - 1), &len);
    char *role;
    const char *forged;

    ck_assert_ptr_nonnull(payload);
    role = strstr(payload, "ROLE_USER");
    ck_assert_ptr_nonnull(role);
    memcpy(role, "ROLE_ROOT", 9);
    forged = apr_pstrcat(pool, apr_pstrmemdup(pool, token, (apr_size_t)(dot1 - token)), ".",
                         b64(payload), dot2, NULL);
    ck_assert_int_eq(et_jwt_verify(pool, c, forged, "access", in.iat, &out), ET_JWT_BAD_SIGNATURE);
}
END_TEST

START_TEST(empty_or_truncated_signature)
{
    et_srv_conf *c = alg_conf(_i);
    et_claims in, out;
    const char *token = issue(c, "access", 300, &in);
    const char *dot2 = strrchr(token, '.');
    const char *empty = apr_pstrmemdup(pool, token, (apr_size_t)(dot2 - token) + 1);
    const char *shorter = apr_pstrmemdup(pool, token, strlen(token) - 4);
    const char *one = apr_pstrmemdup(pool, token, (apr_size_t)(dot2 - token) + 2);
    et_jwt_status st;

    ck_assert_int_eq(et_jwt_verify(pool, c, empty, "access", in.iat, &out), ET_JWT_MALFORMED);
    st = et_jwt_verify(pool, c, shorter, "access", in.iat, &out);
    ck_assert_msg(st == ET_JWT_MALFORMED || st == ET_JWT_BAD_SIGNATURE, "status %d", st);
    st = et_jwt_verify(pool, c, one, "access", in.iat, &out);
    ck_assert_msg(st == ET_JWT_MALFORMED || st == ET_JWT_BAD_SIGNATURE, "status %d", st);
    /* the signature's part with junk appended */
    st = et_jwt_verify(pool, c, apr_pstrcat(pool, token, "AAAA", NULL), "access", in.iat, &out);
    ck_assert_msg(st == ET_JWT_MALFORMED || st == ET_JWT_BAD_SIGNATURE, "status %d", st);
}
END_TEST

START_TEST(self_test_good)
{
    ck_assert_ptr_null(et_jwt_self_test(pool, alg_conf(_i)));
}
END_TEST

/* ---- HS256 hand-made tokens ----------------------------------------------- */

START_TEST(hand_made_baseline)
{
    et_claims out;
    /* the hand-made token is accepted, so each refusal below is its change's */
    ck_assert_int_eq(et_jwt_verify(pool, &hs, hs_token(HDR, good_payload("")), "access", NOW, &out),
                     ET_JWT_OK);
    ck_assert_str_eq(out.jti, JTI);
    ck_assert_str_eq(out.user_id, USER);
    ck_assert_int_eq(out.exp, NOW + 300);
    ck_assert_int_eq(out.iat, NOW);
    /* "typ" is optional */
    ck_assert_int_eq(verify_hs(hs_token("{\"alg\":\"HS256\"}", good_payload(""))), ET_JWT_OK);
    /* unknown claims are ignored */
    ck_assert_int_eq(verify_hs(hs_token(HDR, good_payload(",\"x\":[1,{}]"))), ET_JWT_OK);
}
END_TEST

START_TEST(header_alg_refused)
{
    static const char *const headers[] = {
        "{\"alg\":\"none\",\"typ\":\"JWT\"}",
        "{\"alg\":\"None\",\"typ\":\"JWT\"}",
        "{\"alg\":\"NONE\"}",
        "{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
        "{\"alg\":\"HS384\",\"typ\":\"JWT\"}",
        "{\"alg\":\"hs256\",\"typ\":\"JWT\"}",
        "{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
        "{\"alg\":\"ES256\",\"typ\":\"JWT\"}",
        "{\"alg\":\"\",\"typ\":\"JWT\"}",
        "{\"typ\":\"JWT\"}",
        "{\"alg\":null,\"typ\":\"JWT\"}",
        "{\"alg\":256,\"typ\":\"JWT\"}",
        "{\"alg\":[\"HS256\"],\"typ\":\"JWT\"}",
        "{}",
        /* typ must be JWT when present */
        "{\"alg\":\"HS256\",\"typ\":\"JWS\"}",
        "{\"alg\":\"HS256\",\"typ\":\"\"}",
        "{\"alg\":\"HS256\",\"typ\":1}",
        /* no critical extension is understood */
        "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"crit\":[\"exp\"]}",
        "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"crit\":[]}",
    };
    apr_size_t i;
    for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++)
        ck_assert_msg(verify_hs(hs_token(headers[i], good_payload(""))) == ET_JWT_BAD_HEADER,
                      "header %s: status %d", headers[i],
                      verify_hs(hs_token(headers[i], good_payload(""))));
}
END_TEST

START_TEST(alg_none_unsigned)
{
    /* the classic: alg none with an empty signature */
    const char *token = apr_pstrcat(pool, b64("{\"alg\":\"none\",\"typ\":\"JWT\"}"), ".",
                                    b64(good_payload("")), ".", NULL);
    et_jwt_status st = verify_hs(token);
    ck_assert_msg(st == ET_JWT_MALFORMED || st == ET_JWT_BAD_HEADER, "status %d", st);
    st = verify_hs(apr_pstrcat(pool, token, "AAAA", NULL));
    ck_assert_int_eq(st, ET_JWT_BAD_HEADER);
}
END_TEST

START_TEST(header_malformed)
{
    /* not JSON, not an object, duplicate keys (a second "alg"), not base64url */
    ck_assert_int_eq(verify_hs(hs_token("{\"alg\":\"HS256\"", good_payload(""))), ET_JWT_MALFORMED);
    ck_assert_int_eq(verify_hs(hs_token("[\"HS256\"]", good_payload(""))), ET_JWT_MALFORMED);
    ck_assert_int_eq(verify_hs(hs_token("\"HS256\"", good_payload(""))), ET_JWT_MALFORMED);
    ck_assert_int_eq(verify_hs(hs_token("{\"alg\":\"HS256\",\"alg\":\"none\"}", good_payload(""))),
                     ET_JWT_MALFORMED);
    {
        const char *t = hs_token(HDR, good_payload(""));
        ck_assert_int_eq(verify_hs(apr_pstrcat(pool, "e", t, NULL)), ET_JWT_MALFORMED);
        ck_assert_int_eq(verify_hs(apr_pstrcat(pool, "=", t, NULL)), ET_JWT_MALFORMED);
    }
}
END_TEST

START_TEST(payload_malformed)
{
    et_jwt_status st;
    ck_assert_int_eq(verify_hs(hs_token(HDR, "not json")), ET_JWT_MALFORMED);
    ck_assert_int_eq(verify_hs(hs_token(HDR, "[1,2]")), ET_JWT_MALFORMED);
    /* a second user_id must not be able to override the first */
    st = verify_hs(hs_token(HDR, good_payload(",\"user_id\":\"" SID "\"")));
    ck_assert_int_eq(st, ET_JWT_MALFORMED);
}
END_TEST

START_TEST(dots)
{
    static const char *const bad[] = {
        "", "abc", "abc.def", "a.b.c.d", "..", "...", ".b.c", "a..c", "a.b.", "a.b.c.",
    };
    et_claims out;
    const char *t = hs_token(HDR, good_payload(""));
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(et_jwt_verify(pool, &hs, bad[i], NULL, NOW, &out) == ET_JWT_MALFORMED, "'%s'",
                      bad[i]);
    ck_assert_int_eq(et_jwt_verify(pool, &hs, NULL, NULL, NOW, &out), ET_JWT_MALFORMED);
    /* a good token with a fourth part, or with a part dropped */
    ck_assert_int_eq(verify_hs(apr_pstrcat(pool, t, ".", strrchr(t, '.') + 1, NULL)),
                     ET_JWT_MALFORMED);
    ck_assert_int_eq(verify_hs(strchr(t, '.') + 1), ET_JWT_MALFORMED);
}
END_TEST

START_TEST(too_long)
{
    /* find a correctly signed token of exactly ET_JWT_MAX_LEN, then one byte more */
    const char *at_max = NULL, *over = NULL;
    int n, spaces;

    for (spaces = 0; spaces < 3 && !(at_max && over); spaces++) {
        const char *header =
            apr_psprintf(pool, "{\"alg\":\"HS256\",%.*s\"typ\":\"JWT\"}", spaces, "   ");
        for (n = 2400; n < 3300; n++) {
            char *pad = apr_palloc(pool, (apr_size_t)n + 1);
            const char *t;
            memset(pad, 'x', (apr_size_t)n);
            pad[n] = '\0';
            t = hs_token(header, good_payload(apr_psprintf(pool, ",\"pad\":\"%s\"", pad)));
            if (strlen(t) == ET_JWT_MAX_LEN)
                at_max = t;
            else if (strlen(t) == ET_JWT_MAX_LEN + 1)
                over = t;
        }
    }
    ck_assert_ptr_nonnull(at_max);
    ck_assert_ptr_nonnull(over);
    ck_assert_int_eq(verify_hs(at_max), ET_JWT_OK);
    ck_assert_int_eq(verify_hs(over), ET_JWT_MALFORMED);
}
END_TEST

START_TEST(claims_mistyped)
{
    const char *exp = apr_psprintf(pool, "%" APR_INT64_T_FMT, NOW + 300);
    const char *iat = apr_psprintf(pool, "%" APR_INT64_T_FMT, NOW);
    const char *const bad[] = {
        payload_with(apr_psprintf(pool, "\"%s\"", exp), iat, ""), /* exp as string */
        payload_with(apr_psprintf(pool, "%s.0", exp), iat, ""),   /* exp as real */
        payload_with(apr_psprintf(pool, "%s.5", exp), iat, ""),
        payload_with("true", iat, ""),
        payload_with("null", iat, ""),
        payload_with(NULL, iat, ""),                              /* no exp */
        payload_with(exp, NULL, ""),                              /* no iat */
        payload_with(exp, apr_psprintf(pool, "\"%s\"", iat), ""), /* iat as string */
        payload_with(exp, iat, ",\"nbf\":\"0\""),                 /* nbf as string */
        payload_with(exp, iat, ",\"nbf\":1.5"),
        /* user_id must be a UUID */
        apr_psprintf(pool,
                     "{\"token_type\":\"access\",\"exp\":%s,\"iat\":%s,\"jti\":\"" JTI "\","
                     "\"user_id\":\"42\",\"role\":\"ROLE_USER\",\"sid\":\"" SID "\"}",
                     exp, iat),
        apr_psprintf(pool,
                     "{\"token_type\":\"access\",\"exp\":%s,\"iat\":%s,\"jti\":\"" JTI "\","
                     "\"user_id\":42,\"role\":\"ROLE_USER\",\"sid\":\"" SID "\"}",
                     exp, iat),
        /* no jti */
        apr_psprintf(pool,
                     "{\"token_type\":\"access\",\"exp\":%s,\"iat\":%s,"
                     "\"user_id\":\"" USER "\",\"role\":\"ROLE_USER\",\"sid\":\"" SID "\"}",
                     exp, iat),
        /* token_type not a string */
        apr_psprintf(pool,
                     "{\"token_type\":1,\"exp\":%s,\"iat\":%s,\"jti\":\"" JTI "\","
                     "\"user_id\":\"" USER "\",\"role\":\"ROLE_USER\",\"sid\":\"" SID "\"}",
                     exp, iat),
        /* an access token without role, or without a UUID sid */
        apr_psprintf(pool,
                     "{\"token_type\":\"access\",\"exp\":%s,\"iat\":%s,\"jti\":\"" JTI "\","
                     "\"user_id\":\"" USER "\",\"sid\":\"" SID "\"}",
                     exp, iat),
        apr_psprintf(pool,
                     "{\"token_type\":\"access\",\"exp\":%s,\"iat\":%s,\"jti\":\"" JTI "\","
                     "\"user_id\":\"" USER "\",\"role\":\"ROLE_USER\"}",
                     exp, iat),
        apr_psprintf(pool,
                     "{\"token_type\":\"access\",\"exp\":%s,\"iat\":%s,\"jti\":\"" JTI "\","
                     "\"user_id\":\"" USER "\",\"role\":\"ROLE_USER\",\"sid\":\"x\"}",
                     exp, iat),
    };
    apr_size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(verify_hs(hs_token(HDR, bad[i])) == ET_JWT_BAD_CLAIMS,
                      "payload %s: status %d", bad[i], verify_hs(hs_token(HDR, bad[i])));
}
END_TEST

/* Sign tokens: the provider claims are required, user claims are refused,
 * and an access or refresh check says "wrong type", not "bad claims". */
START_TEST(sign_claims)
{
    et_claims out;
    const char *head = apr_psprintf(pool,
                                    "{\"token_type\":\"sign\",\"exp\":%" APR_INT64_T_FMT
                                    ",\"iat\":%" APR_INT64_T_FMT ",\"jti\":\"" JTI "\"",
                                    NOW + 300, NOW);
    const char *good =
        apr_pstrcat(pool, head, ",\"provider\":\"GOOGLE\",\"provider_user_id\":\"x1\"}", NULL);
    ck_assert_int_eq(et_jwt_verify(pool, &hs, hs_token(HDR, good), "sign", NOW, &out), ET_JWT_OK);
    ck_assert_str_eq(out.provider, "GOOGLE");
    ck_assert_str_eq(out.provider_user_id, "x1");
    ck_assert_int_eq(et_jwt_verify(pool, &hs, hs_token(HDR, good), "access", NOW, &out),
                     ET_JWT_WRONG_TYPE);
    ck_assert_int_eq(et_jwt_verify(pool, &hs, hs_token(HDR, good), "refresh", NOW, &out),
                     ET_JWT_WRONG_TYPE);
    ck_assert_int_eq(et_jwt_verify(pool, &hs, hs_token(HDR, good), NULL, NOW, &out),
                     ET_JWT_WRONG_TYPE);
    /* no provider, an empty provider user id, or a user's claims smuggled in */
    ck_assert_int_eq(
        et_jwt_verify(pool, &hs,
                      hs_token(HDR, apr_pstrcat(pool, head, ",\"provider_user_id\":\"x1\"}", NULL)),
                      "sign", NOW, &out),
        ET_JWT_BAD_CLAIMS);
    ck_assert_int_eq(et_jwt_verify(pool, &hs,
                                   hs_token(HDR, apr_pstrcat(pool, head,
                                                             ",\"provider\":\"KAKAO\","
                                                             "\"provider_user_id\":\"\"}",
                                                             NULL)),
                                   "sign", NOW, &out),
                     ET_JWT_BAD_CLAIMS);
    ck_assert_int_eq(et_jwt_verify(pool, &hs,
                                   hs_token(HDR, apr_pstrcat(pool, head,
                                                             ",\"provider\":\"KAKAO\","
                                                             "\"provider_user_id\":\"1\","
                                                             "\"user_id\":\"" USER "\"}",
                                                             NULL)),
                                   "sign", NOW, &out),
                     ET_JWT_BAD_CLAIMS);
    /* an access token still needs user_id, role and sid */
    ck_assert_int_eq(
        verify_hs(hs_token(HDR, apr_psprintf(pool,
                                             "{\"token_type\":\"access\",\"exp\":%" APR_INT64_T_FMT
                                             ",\"iat\":%" APR_INT64_T_FMT ",\"jti\":\"" JTI "\","
                                             "\"role\":\"ROLE_USER\",\"sid\":\"" SID "\","
                                             "\"provider\":\"KAKAO\",\"provider_user_id\":\"1\"}",
                                             NOW + 300, NOW))),
        ET_JWT_BAD_CLAIMS);
}
END_TEST

START_TEST(not_before)
{
    ck_assert_int_eq(verify_hs(hs_token(HDR, good_payload(apr_psprintf(
                                                 pool, ",\"nbf\":%" APR_INT64_T_FMT, NOW + 60)))),
                     ET_JWT_EXPIRED);
    ck_assert_int_eq(verify_hs(hs_token(HDR, good_payload(apr_psprintf(
                                                 pool, ",\"nbf\":%" APR_INT64_T_FMT, NOW + 1)))),
                     ET_JWT_EXPIRED);
    ck_assert_int_eq(verify_hs(hs_token(
                         HDR, good_payload(apr_psprintf(pool, ",\"nbf\":%" APR_INT64_T_FMT, NOW)))),
                     ET_JWT_OK);
    ck_assert_int_eq(verify_hs(hs_token(HDR, good_payload(apr_psprintf(
                                                 pool, ",\"nbf\":%" APR_INT64_T_FMT, NOW - 60)))),
                     ET_JWT_OK);
}
END_TEST

START_TEST(exp_in_hand_made)
{
    et_claims out;
    const char *t = hs_token(HDR, good_payload(""));
    ck_assert_int_eq(et_jwt_verify(pool, &hs, t, "access", NOW + 299, &out), ET_JWT_OK);
    ck_assert_int_eq(et_jwt_verify(pool, &hs, t, "access", NOW + 300, &out), ET_JWT_EXPIRED);
    ck_assert_int_eq(et_jwt_verify(pool, &hs, t, "access", NOW + 100000000, &out), ET_JWT_EXPIRED);
}
END_TEST

START_TEST(issuer_audience)
{
    et_claims in, out;
    const char *token;

    hs.issuer = "https://everytime.example";
    hs.audience = "everytime-api";
    token = issue(&hs, "access", 300, &in);
    ck_assert_int_eq(et_jwt_verify(pool, &hs, token, "access", in.iat, &out), ET_JWT_OK);

    /* a token of a server with neither is refused by one that wants them */
    hs.issuer = NULL;
    hs.audience = NULL;
    token = issue(&hs, "access", 300, &in);
    hs.issuer = "https://everytime.example";
    hs.audience = "everytime-api";
    ck_assert_int_eq(et_jwt_verify(pool, &hs, token, "access", in.iat, &out), ET_JWT_BAD_CLAIMS);

#define ISS ",\"iss\":\"https://everytime.example\""
#define AUD ",\"aud\":\"everytime-api\""
    ck_assert_int_eq(verify_hs(hs_token(HDR, good_payload(ISS AUD))), ET_JWT_OK);
    ck_assert_int_eq(verify_hs(hs_token(HDR, good_payload(AUD))), ET_JWT_BAD_CLAIMS);
    ck_assert_int_eq(
        verify_hs(hs_token(HDR, good_payload(",\"iss\":\"https://evil.example\"" AUD))),
        ET_JWT_BAD_CLAIMS);
    ck_assert_int_eq(verify_hs(hs_token(HDR, good_payload(",\"iss\":7" AUD))), ET_JWT_BAD_CLAIMS);
    ck_assert_int_eq(
        verify_hs(hs_token(HDR, good_payload(",\"iss\":\"https://everytime.example/\"" AUD))),
        ET_JWT_BAD_CLAIMS);
    ck_assert_int_eq(verify_hs(hs_token(HDR, good_payload(ISS))), ET_JWT_BAD_CLAIMS);
    ck_assert_int_eq(verify_hs(hs_token(HDR, good_payload(ISS ",\"aud\":\"other\""))),
                     ET_JWT_BAD_CLAIMS);
    ck_assert_int_eq(
        verify_hs(hs_token(HDR, good_payload(ISS ",\"aud\":[\"other\",\"everytime-api\"]"))),
        ET_JWT_OK);
    ck_assert_int_eq(verify_hs(hs_token(HDR, good_payload(ISS ",\"aud\":[\"everytime-api\"]"))),
                     ET_JWT_OK);
    ck_assert_int_eq(verify_hs(hs_token(HDR, good_payload(ISS ",\"aud\":[\"a\",\"b\"]"))),
                     ET_JWT_BAD_CLAIMS);
    ck_assert_int_eq(verify_hs(hs_token(HDR, good_payload(ISS ",\"aud\":[]"))), ET_JWT_BAD_CLAIMS);
    ck_assert_int_eq(verify_hs(hs_token(HDR, good_payload(ISS ",\"aud\":[1,null]"))),
                     ET_JWT_BAD_CLAIMS);
#undef ISS
#undef AUD
}
END_TEST

START_TEST(hs256_other_secret)
{
    static const unsigned char other[SECRET_LEN + 1] =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKM";
    ck_assert_int_eq(verify_hs(hmac_token(HDR, good_payload(""), other, SECRET_LEN)),
                     ET_JWT_BAD_SIGNATURE);
    /* a prefix of the secret is another secret */
    ck_assert_int_eq(verify_hs(hmac_token(HDR, good_payload(""), secret, 32)),
                     ET_JWT_BAD_SIGNATURE);
}
END_TEST

/* ---- algorithm confusion and keys ---------------------------------------- */

START_TEST(hs256_with_public_key_as_secret)
{
    et_claims out;
    const char *forged = hmac_token(HDR, good_payload(""), rsa_a.pub, rsa_a.pub_len);
    ck_assert_int_eq(et_jwt_verify(pool, &rs, forged, "access", NOW, &out), ET_JWT_BAD_HEADER);
    forged = hmac_token(HDR, good_payload(""), ec_a.pub, ec_a.pub_len);
    ck_assert_int_eq(et_jwt_verify(pool, &es, forged, "access", NOW, &out), ET_JWT_BAD_HEADER);
}
END_TEST

START_TEST(algorithm_pinned)
{
    et_claims in, out;
    const char *hs_t = issue(&hs, "access", 300, &in);
    const char *rs_t = issue(&rs, "access", 300, &in);
    const char *es_t = issue(&es, "access", 300, &in);

    ck_assert_int_eq(et_jwt_verify(pool, &rs, hs_t, "access", in.iat, &out), ET_JWT_BAD_HEADER);
    ck_assert_int_eq(et_jwt_verify(pool, &rs, es_t, "access", in.iat, &out), ET_JWT_BAD_HEADER);
    ck_assert_int_eq(et_jwt_verify(pool, &es, rs_t, "access", in.iat, &out), ET_JWT_BAD_HEADER);
    ck_assert_int_eq(et_jwt_verify(pool, &es, hs_t, "access", in.iat, &out), ET_JWT_BAD_HEADER);
    ck_assert_int_eq(et_jwt_verify(pool, &hs, rs_t, "access", in.iat, &out), ET_JWT_BAD_HEADER);
    ck_assert_int_eq(et_jwt_verify(pool, &hs, es_t, "access", in.iat, &out), ET_JWT_BAD_HEADER);
}
END_TEST

START_TEST(other_public_key)
{
    et_srv_conf rs_other, es_other;
    et_claims in, out;
    const char *rs_t = issue(&rs, "access", 300, &in);
    const char *es_t = issue(&es, "access", 300, &in);

    conf_pem(&rs_other, ET_ALG_RS256, &rsa_b, &rsa_b);
    conf_pem(&es_other, ET_ALG_ES256, &ec_b, &ec_b);
    ck_assert_int_eq(et_jwt_verify(pool, &rs_other, rs_t, "access", in.iat, &out),
                     ET_JWT_BAD_SIGNATURE);
    ck_assert_int_eq(et_jwt_verify(pool, &es_other, es_t, "access", in.iat, &out),
                     ET_JWT_BAD_SIGNATURE);
    /* and the key of the other algorithm does not verify either */
    rs_other.verify_key = (const unsigned char *)ec_a.pub;
    rs_other.verify_key_len = ec_a.pub_len;
    ck_assert_int_eq(et_jwt_verify(pool, &rs_other, rs_t, "access", in.iat, &out),
                     ET_JWT_BAD_SIGNATURE);
}
END_TEST

START_TEST(self_test_bad_keys)
{
    et_srv_conf c;
    const char *err;

    conf_pem(&c, ET_ALG_RS256, &rsa_a, &rsa_b);
    err = et_jwt_self_test(pool, &c);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "RS256") != NULL, "%s", err);

    conf_pem(&c, ET_ALG_ES256, &ec_a, &ec_b);
    ck_assert_ptr_nonnull(et_jwt_self_test(pool, &c));

    /* a private key that is not a key cannot sign */
    conf_pem(&c, ET_ALG_RS256, &rsa_a, &rsa_a);
    c.sign_key = (const unsigned char *)"not a key";
    c.sign_key_len = 9;
    err = et_jwt_self_test(pool, &c);
    ck_assert_ptr_nonnull(err);
    {
        et_claims in = {"access", USER, "ROLE_USER", SID, NULL, 0, 0, NULL, NULL};
        ck_assert_ptr_null(et_jwt_issue(pool, &c, &in, 60));
    }

    /* an EC key for RS256 */
    conf_pem(&c, ET_ALG_RS256, &ec_a, &ec_a);
    ck_assert_ptr_nonnull(et_jwt_self_test(pool, &c));
}
END_TEST

Suite *jwt_suite(void)
{
    Suite *s = suite_create("jwt");
    TCase *algs = tcase_create("per_alg"), *hand = tcase_create("hand_made"),
          *keys = tcase_create("keys");

    /* key generation is slow: once, in the parent, shared by every fork */
    tcase_add_unchecked_fixture(algs, make_keys, NULL);
    tcase_add_unchecked_fixture(hand, make_keys, NULL);
    tcase_add_unchecked_fixture(keys, make_keys, NULL);
    tcase_set_timeout(algs, 30);
    tcase_set_timeout(keys, 30);

    tcase_add_checked_fixture(algs, setup, teardown);
    tcase_add_loop_test(algs, round_trip, 0, 3);
    tcase_add_loop_test(algs, two_issues_differ, 0, 3);
    tcase_add_loop_test(algs, wrong_type, 0, 3);
    tcase_add_loop_test(algs, expired, 0, 3);
    tcase_add_loop_test(algs, flipped_signature_bit, 0, 3);
    tcase_add_loop_test(algs, tampered_payload, 0, 3);
    tcase_add_loop_test(algs, empty_or_truncated_signature, 0, 3);
    tcase_add_loop_test(algs, self_test_good, 0, 3);
    suite_add_tcase(s, algs);

    tcase_add_checked_fixture(hand, setup, teardown);
    tcase_add_test(hand, hand_made_baseline);
    tcase_add_test(hand, header_alg_refused);
    tcase_add_test(hand, alg_none_unsigned);
    tcase_add_test(hand, header_malformed);
    tcase_add_test(hand, payload_malformed);
    tcase_add_test(hand, dots);
    tcase_add_test(hand, too_long);
    tcase_add_test(hand, claims_mistyped);
    tcase_add_test(hand, sign_claims);
    tcase_add_test(hand, not_before);
    tcase_add_test(hand, exp_in_hand_made);
    tcase_add_test(hand, issuer_audience);
    tcase_add_test(hand, hs256_other_secret);
    suite_add_tcase(s, hand);

    tcase_add_checked_fixture(keys, setup, teardown);
    tcase_add_test(keys, hs256_with_public_key_as_secret);
    tcase_add_test(keys, algorithm_pinned);
    tcase_add_test(keys, other_public_key);
    tcase_add_test(keys, self_test_bad_keys);
    suite_add_tcase(s, keys);
    return s;
}

/*
 * test_jwks.c: jwks.c's key sets and id_token checks with RSA keys generated
 * here, oauth.c's Apple client_secret (verified with OpenSSL, not with the
 * code that made it), its URL rule and the form encoding of oauth_http.c.
 */
#include "suites.h"
#include "jwks.h"
#include "oauth.h"
#include "oauth_http.h"
#include "util.h"

#include <apr_pools.h>
#include <apr_strings.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <string.h>

#define AUD "client-123.apps.example"
#define NOW 1700000000

static const char *const google_iss[] = {"https://accounts.google.com", "accounts.google.com",
                                         NULL};

/* generated once, in the parent, before the tests fork */
static EVP_PKEY *key_a, *key_b, *key_small;
static apr_pool_t *pool;

static EVP_PKEY *gen_rsa(int bits)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL);
    EVP_PKEY *key = NULL;
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_PKEY_keygen_init(ctx), 1);
    ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits), 1);
    ck_assert_int_eq(EVP_PKEY_keygen(ctx, &key), 1);
    EVP_PKEY_CTX_free(ctx);
    return key;
}

static void keys_once(void)
{
    if (!key_a) {
        key_a = gen_rsa(2048);
        key_b = gen_rsa(2048);
        key_small = gen_rsa(1024);
    }
}

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

static const char *b64_bn(EVP_PKEY *key, const char *name)
{
    BIGNUM *bn = NULL;
    unsigned char *raw;
    int n;
    const char *out;
    ck_assert_int_eq(EVP_PKEY_get_bn_param(key, name, &bn), 1);
    n = BN_num_bytes(bn);
    raw = apr_palloc(pool, (apr_size_t)n);
    BN_bn2bin(bn, raw);
    out = et_b64url_encode(pool, raw, (apr_size_t)n);
    BN_free(bn);
    return out;
}

static const char *jwk(EVP_PKEY *key, const char *kid)
{
    return apr_psprintf(pool,
                        "{\"kty\":\"RSA\",\"alg\":\"RS256\",\"use\":\"sig\",\"kid\":\"%s\","
                        "\"n\":\"%s\",\"e\":\"%s\"}",
                        kid, b64_bn(key, OSSL_PKEY_PARAM_RSA_N),
                        b64_bn(key, OSSL_PKEY_PARAM_RSA_E));
}

static const char *b64_text(const char *s)
{
    return et_b64url_encode(pool, (const unsigned char *)s, strlen(s));
}

/* header and payload as given, RS256-signed with key */
static const char *sign(EVP_PKEY *key, const char *header, const char *payload)
{
    const char *input = apr_pstrcat(pool, b64_text(header), ".", b64_text(payload), NULL);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char sig[1024];
    size_t siglen = sizeof(sig);
    ck_assert_int_eq(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    ck_assert_int_eq(EVP_DigestSign(md, sig, &siglen, (const unsigned char *)input, strlen(input)),
                     1);
    EVP_MD_CTX_free(md);
    return apr_pstrcat(pool, input, ".", et_b64url_encode(pool, sig, siglen), NULL);
}

static const char *claims(const char *iss, const char *aud, long exp)
{
    return apr_psprintf(pool,
                        "{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"1098765\",\"iat\":%d,"
                        "\"exp\":%ld,\"email\":\"a@example.com\",\"email_verified\":true}",
                        iss, aud, NOW - 10, exp);
}

static const char *good_token(void)
{
    return sign(key_a, "{\"alg\":\"RS256\",\"kid\":\"ka\",\"typ\":\"JWT\"}",
                claims("https://accounts.google.com", AUD, NOW + 600));
}

static et_jwks *two_keys(void)
{
    const char *doc =
        apr_pstrcat(pool, "{\"keys\":[", jwk(key_a, "ka"), ",", jwk(key_b, "kb"), "]}", NULL);
    return et_jwks_parse(pool, doc, strlen(doc));
}

static et_idt_status check(const char *token, EVP_PKEY *key, et_idt_claims *c)
{
    return et_idt_verify(pool, token, key, google_iss, AUD, NOW, c);
}

START_TEST(parse_two_pick_by_kid)
{
    et_jwks *set = two_keys();
    ck_assert_ptr_nonnull(set);
    ck_assert_int_eq(et_jwks_count(set), 2);
    ck_assert_int_eq(EVP_PKEY_eq(et_jwks_find(set, "ka"), key_a), 1);
    ck_assert_int_eq(EVP_PKEY_eq(et_jwks_find(set, "kb"), key_b), 1);
    ck_assert_ptr_null(et_jwks_find(set, "kc"));
    ck_assert_ptr_null(et_jwks_find(set, ""));
}
END_TEST

START_TEST(parse_skips_bad_keys)
{
    const char *good = jwk(key_a, "ka");
    const char *doc = apr_pstrcat(
        pool, "{\"keys\":[", good,
        ",{\"kty\":\"RSA\",\"kid\":\"bad-n\",\"n\":\"!!not base64!!\",\"e\":\"AQAB\"}",
        ",{\"kty\":\"RSA\",\"kid\":\"no-e\",\"n\":\"", b64_bn(key_b, OSSL_PKEY_PARAM_RSA_N), "\"}",
        ",{\"kty\":\"RSA\",\"kid\":\"even-e\",\"n\":\"", b64_bn(key_b, OSSL_PKEY_PARAM_RSA_N),
        "\",\"e\":\"AQA\"}", ",{\"kty\":\"EC\",\"kid\":\"ec\",\"x\":\"AA\",\"y\":\"AA\"}", ",",
        jwk(key_small, "small"), ",{\"kty\":\"RSA\",\"kid\":\"hs\",\"alg\":\"HS256\",\"n\":\"",
        b64_bn(key_b, OSSL_PKEY_PARAM_RSA_N), "\",\"e\":\"AQAB\"}",
        ",{\"kty\":\"RSA\",\"kid\":\"enc\",\"use\":\"enc\",\"n\":\"",
        b64_bn(key_b, OSSL_PKEY_PARAM_RSA_N), "\",\"e\":\"AQAB\"}", ",{\"kty\":\"RSA\",\"n\":\"",
        b64_bn(key_b, OSSL_PKEY_PARAM_RSA_N), "\",\"e\":\"AQAB\"}", ",", jwk(key_b, "ka"), "]}",
        NULL);
    et_jwks *set = et_jwks_parse(pool, doc, strlen(doc));
    ck_assert_ptr_nonnull(set);
    ck_assert_int_eq(et_jwks_count(set), 1);
    /* a second key under a known kid does not replace the first */
    ck_assert_int_eq(EVP_PKEY_eq(et_jwks_find(set, "ka"), key_a), 1);
    ck_assert_ptr_null(et_jwks_find(set, "bad-n"));
    ck_assert_ptr_null(et_jwks_find(set, "small"));
}
END_TEST

START_TEST(parse_not_a_jwks)
{
    static const char *const docs[] = {
        "", "garbage", "[]", "{}", "{\"keys\":{}}", "{\"keys\":[]}", "{\"keys\":[1,\"x\",null]}"};
    size_t i;
    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
        ck_assert_ptr_null(et_jwks_parse(pool, docs[i], strlen(docs[i])));
}
END_TEST

START_TEST(id_token_verifies)
{
    et_jwks *set = two_keys();
    const char *token = good_token(), *kid;
    et_idt_claims c;
    ck_assert_int_eq(et_idt_kid(pool, token, &kid), ET_IDT_OK);
    ck_assert_str_eq(kid, "ka");
    ck_assert_int_eq(check(token, et_jwks_find(set, kid), &c), ET_IDT_OK);
    ck_assert_str_eq(c.sub, "1098765");
    ck_assert_str_eq(c.email, "a@example.com");
    ck_assert_int_eq(c.email_verified, 1);
    /* the other issuer spelling Google uses */
    token = sign(key_a, "{\"alg\":\"RS256\",\"kid\":\"ka\"}",
                 claims("accounts.google.com", AUD, NOW + 1));
    ck_assert_int_eq(check(token, key_a, &c), ET_IDT_OK);
}
END_TEST

START_TEST(wrong_key_or_tampered)
{
    const char *token = good_token();
    char *tampered = apr_pstrdup(pool, token);
    char *p = strchr(tampered, '.') + 5;
    et_idt_claims c;
    ck_assert_int_eq(check(token, key_b, &c), ET_IDT_BAD_SIGNATURE);
    *p = *p == 'A' ? 'B' : 'A';
    ck_assert_int_ne(check(tampered, key_a, &c), ET_IDT_OK);
    ck_assert_int_eq(check(apr_pstrcat(pool, token, "x", NULL), key_a, &c), ET_IDT_BAD_SIGNATURE);
    ck_assert_int_eq(check(token, NULL, &c), ET_IDT_BAD_SIGNATURE);
}
END_TEST

START_TEST(alg_pinned)
{
    const char *payload = claims("https://accounts.google.com", AUD, NOW + 600), *kid;
    const char *none = apr_pstrcat(pool, b64_text("{\"alg\":\"none\",\"kid\":\"ka\"}"), ".",
                                   b64_text(payload), ".x", NULL);
    const char *hs = sign(key_a, "{\"alg\":\"HS256\",\"kid\":\"ka\"}", payload);
    const char *rs512 = sign(key_a, "{\"alg\":\"RS512\",\"kid\":\"ka\"}", payload);
    const char *nokid = sign(key_a, "{\"alg\":\"RS256\"}", payload);
    const char *crit = sign(key_a, "{\"alg\":\"RS256\",\"kid\":\"ka\",\"crit\":[\"x\"]}", payload);
    const char *typ = sign(key_a, "{\"alg\":\"RS256\",\"kid\":\"ka\",\"typ\":\"at+jwt\"}", payload);
    et_idt_claims c;
    ck_assert_int_eq(et_idt_kid(pool, none, &kid), ET_IDT_BAD_HEADER);
    ck_assert_int_eq(check(none, key_a, &c), ET_IDT_BAD_HEADER);
    ck_assert_int_eq(check(hs, key_a, &c), ET_IDT_BAD_HEADER);
    ck_assert_int_eq(check(rs512, key_a, &c), ET_IDT_BAD_HEADER);
    ck_assert_int_eq(check(nokid, key_a, &c), ET_IDT_BAD_HEADER);
    ck_assert_int_eq(check(crit, key_a, &c), ET_IDT_BAD_HEADER);
    ck_assert_int_eq(check(typ, key_a, &c), ET_IDT_BAD_HEADER);
}
END_TEST

START_TEST(claims_refused)
{
    const char *hdr = "{\"alg\":\"RS256\",\"kid\":\"ka\"}";
    et_idt_claims c;
    ck_assert_int_eq(
        check(sign(key_a, hdr, claims("https://evil.example", AUD, NOW + 600)), key_a, &c),
        ET_IDT_BAD_CLAIMS);
    ck_assert_int_eq(
        check(sign(key_a, hdr, claims("https://accounts.google.com", "other", NOW + 600)), key_a,
              &c),
        ET_IDT_BAD_CLAIMS);
    ck_assert_int_eq(
        check(sign(key_a, hdr, claims("https://accounts.google.com", AUD, NOW)), key_a, &c),
        ET_IDT_EXPIRED);
    ck_assert_int_eq(
        check(sign(key_a, hdr, claims("https://accounts.google.com", AUD, NOW - 3600)), key_a, &c),
        ET_IDT_EXPIRED);
    ck_assert_int_eq(
        check(
            sign(key_a, hdr, "{\"iss\":\"accounts.google.com\",\"aud\":\"" AUD "\",\"sub\":\"1\"}"),
            key_a, &c),
        ET_IDT_EXPIRED);
    ck_assert_int_eq(check(sign(key_a, hdr,
                                "{\"iss\":\"accounts.google.com\",\"aud\":\"" AUD
                                "\",\"exp\":\"9999999999\",\"sub\":\"1\"}"),
                           key_a, &c),
                     ET_IDT_EXPIRED);
    ck_assert_int_eq(
        check(sign(key_a, hdr,
                   "{\"iss\":\"accounts.google.com\",\"aud\":\"" AUD "\",\"exp\":9999999999}"),
              key_a, &c),
        ET_IDT_BAD_CLAIMS);
    ck_assert_int_eq(check(sign(key_a, hdr,
                                "{\"iss\":\"accounts.google.com\",\"aud\":[\"" AUD
                                "\",\"x\"],\"exp\":9999999999,\"sub\":\"1\"}"),
                           key_a, &c),
                     ET_IDT_BAD_CLAIMS);
    ck_assert_int_eq(check(sign(key_a, hdr, "[1]"), key_a, &c), ET_IDT_MALFORMED);
    ck_assert_int_eq(check("a.b", key_a, &c), ET_IDT_MALFORMED);
    ck_assert_int_eq(check("", key_a, &c), ET_IDT_MALFORMED);
}
END_TEST

START_TEST(apple_email_verified_string)
{
    static const char *const apple_iss[] = {"https://appleid.apple.com", NULL};
    const char *hdr = "{\"alg\":\"RS256\",\"kid\":\"kb\"}";
    const char *pl = "{\"iss\":\"https://appleid.apple.com\",\"aud\":\"" AUD "\",\"exp\":"
                     "9999999999,\"sub\":\"001234.abcd\",\"email\":\"x@privaterelay.appleid.com\","
                     "\"email_verified\":\"true\"}";
    et_idt_claims c;
    ck_assert_int_eq(et_idt_verify(pool, sign(key_b, hdr, pl), key_b, apple_iss, AUD, NOW, &c),
                     ET_IDT_OK);
    ck_assert_str_eq(c.sub, "001234.abcd");
    ck_assert_int_eq(c.email_verified, 1);
    /* a Google token is not an Apple one */
    ck_assert_int_eq(et_idt_verify(pool, good_token(), key_a, apple_iss, AUD, NOW, &c),
                     ET_IDT_BAD_CLAIMS);
}
END_TEST

/* ---- Apple's client_secret --------------------------------------------- */

static const char *ec_pem(EVP_PKEY **keyout)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    BIO *bio = BIO_new(BIO_s_mem());
    char *data;
    long n;
    ck_assert_ptr_nonnull(key);
    ck_assert_int_eq(PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL), 1);
    n = BIO_get_mem_data(bio, &data);
    *keyout = key;
    data = apr_pstrmemdup(pool, data, (apr_size_t)n);
    BIO_free(bio);
    return data;
}

static json_t *part(const char *text, apr_size_t len)
{
    apr_size_t n;
    unsigned char *raw = et_b64url_decode(pool, text, len, &n);
    ck_assert_ptr_nonnull(raw);
    return json_loadb((const char *)raw, n, 0, NULL);
}

/* JOSE ES256 signatures are R||S; OpenSSL verifies DER */
static int es256_ok(EVP_PKEY *key, const char *token)
{
    const char *dot2 = strrchr(token, '.');
    apr_size_t n;
    unsigned char *sig = et_b64url_decode(pool, dot2 + 1, strlen(dot2 + 1), &n), *der = NULL;
    ECDSA_SIG *es = ECDSA_SIG_new();
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int derlen, ok;
    ck_assert_uint_eq(n, 64);
    ECDSA_SIG_set0(es, BN_bin2bn(sig, 32, NULL), BN_bin2bn(sig + 32, 32, NULL));
    derlen = i2d_ECDSA_SIG(es, &der);
    ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
         EVP_DigestVerify(md, der, (size_t)derlen, (const unsigned char *)token,
                          (size_t)(dot2 - token)) == 1;
    OPENSSL_free(der);
    ECDSA_SIG_free(es);
    EVP_MD_CTX_free(md);
    return ok;
}

START_TEST(apple_client_secret)
{
    EVP_PKEY *key;
    et_oauth_conf o;
    const char *secret, *dot1, *dot2;
    json_t *h, *c;
    memset(&o, 0, sizeof(o));
    o.apple_key = (const unsigned char *)ec_pem(&key);
    o.apple_key_len = strlen((const char *)o.apple_key);
    o.apple_team_id = "TEAM123456";
    o.apple_key_id = "KEY7654321";
    o.apple_client_id = "com.example.everytime";
    secret = et_apple_client_secret(pool, &o, NOW, 300);
    ck_assert_ptr_nonnull(secret);
    dot1 = strchr(secret, '.');
    dot2 = strrchr(secret, '.');
    h = part(secret, (apr_size_t)(dot1 - secret));
    c = part(dot1 + 1, (apr_size_t)(dot2 - dot1 - 1));
    ck_assert_str_eq(json_string_value(json_object_get(h, "alg")), "ES256");
    ck_assert_str_eq(json_string_value(json_object_get(h, "kid")), "KEY7654321");
    ck_assert_str_eq(json_string_value(json_object_get(c, "iss")), "TEAM123456");
    ck_assert_str_eq(json_string_value(json_object_get(c, "aud")), "https://appleid.apple.com");
    ck_assert_str_eq(json_string_value(json_object_get(c, "sub")), "com.example.everytime");
    ck_assert_int_eq(json_integer_value(json_object_get(c, "iat")), NOW);
    ck_assert_int_eq(json_integer_value(json_object_get(c, "exp")), NOW + 300);
    ck_assert_int_eq(es256_ok(key, secret), 1);
    json_decref(h);
    json_decref(c);
    /* Apple refuses a secret valid for longer; we never make one */
    ck_assert_ptr_null(et_apple_client_secret(pool, &o, NOW, 16 * 60));
    o.apple_key = (const unsigned char *)"not a key";
    o.apple_key_len = 9;
    ck_assert_ptr_null(et_apple_client_secret(pool, &o, NOW, 300));
    EVP_PKEY_free(key);
}
END_TEST

START_TEST(url_rule)
{
    ck_assert_int_eq(et_oauth_url_allowed("https://kapi.kakao.com/v2/user/me", 0), 1);
    ck_assert_int_eq(et_oauth_url_allowed("https:///x", 1), 0);
    ck_assert_int_eq(et_oauth_url_allowed("http://kapi.kakao.com/v2/user/me", 1), 0);
    ck_assert_int_eq(et_oauth_url_allowed("http://127.0.0.1:8529/token", 0), 0);
    ck_assert_int_eq(et_oauth_url_allowed("http://127.0.0.1:8529/token", 1), 1);
    ck_assert_int_eq(et_oauth_url_allowed("http://localhost/token", 1), 1);
    ck_assert_int_eq(et_oauth_url_allowed("http://localhost", 1), 1);
    ck_assert_int_eq(et_oauth_url_allowed("http://localhost@evil.example/", 1), 0);
    ck_assert_int_eq(et_oauth_url_allowed("http://localhost:80@evil.example/", 1), 0);
    ck_assert_int_eq(et_oauth_url_allowed("http://127.0.0.1.evil.example/", 1), 0);
    ck_assert_int_eq(et_oauth_url_allowed("ftp://127.0.0.1/", 1), 0);
    ck_assert_int_eq(et_oauth_url_allowed("https://a.example/x y", 1), 0);
    ck_assert_int_eq(et_oauth_url_allowed(NULL, 1), 0);
}
END_TEST

START_TEST(form_and_names)
{
    /* application/x-www-form-urlencoded as HTML defines it (apr_escape) */
    const char *f = et_form_add(pool, NULL, "code", "4/0A b&c=d+é");
    f = et_form_add(pool, f, "redirect_uri", NULL);
    f = et_form_add(pool, f, "state", "a~b*c-d_e.f");
    ck_assert_str_eq(f, "code=4%2f0A+b%26c%3dd%2b%c3%a9&redirect_uri=&state=a%7eb*c-d_e.f");
    ck_assert_int_eq(et_provider_from_name("KAKAO"), ET_PROVIDER_KAKAO);
    ck_assert_int_eq(et_provider_from_name("GOOGLE"), ET_PROVIDER_GOOGLE);
    ck_assert_int_eq(et_provider_from_name("APPLE"), ET_PROVIDER_APPLE);
    ck_assert_int_eq(et_provider_from_name("kakao"), -1);
    ck_assert_int_eq(et_provider_from_name(NULL), -1);
    ck_assert_str_eq(et_provider_name(ET_PROVIDER_APPLE), "APPLE");
}
END_TEST

Suite *jwks_suite(void)
{
    Suite *s = suite_create("jwks");
    TCase *t = tcase_create("jwks");
    tcase_add_unchecked_fixture(t, keys_once, NULL);
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 30);
    tcase_add_test(t, parse_two_pick_by_kid);
    tcase_add_test(t, parse_skips_bad_keys);
    tcase_add_test(t, parse_not_a_jwks);
    tcase_add_test(t, id_token_verifies);
    tcase_add_test(t, wrong_key_or_tampered);
    tcase_add_test(t, alg_pinned);
    tcase_add_test(t, claims_refused);
    tcase_add_test(t, apple_email_verified_string);
    tcase_add_test(t, apple_client_secret);
    tcase_add_test(t, url_rule);
    tcase_add_test(t, form_and_names);
    suite_add_tcase(s, t);
    return s;
}

/*
 * test_cursor.c: cursor.c's pure parts. ?limit= read as DRF reads it; a
 * cursor sealed for one list opens only for that list, with that key, and
 * untouched; the cursor key derived from each kind of signing key, the same
 * whichever PEM encoding holds a key, never the signing key itself.
 */
#include "suites.h"
#include "core/cursor.h"
#include "infra/util.h"

#include <apr_pools.h>
#include <apr_strings.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>

static apr_pool_t *pool;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* ---- ?limit= -------------------------------------------------------------- */

START_TEST(limit_in_range)
{
    ck_assert_int_eq(et_page_limit_parse("1"), 1);
    ck_assert_int_eq(et_page_limit_parse("20"), 20);
    ck_assert_int_eq(et_page_limit_parse("007"), 7);
    ck_assert_int_eq(et_page_limit_parse("99"), 99);
    ck_assert_int_eq(et_page_limit_parse("100"), ET_PAGE_MAX);
}
END_TEST

START_TEST(limit_above_max_is_max)
{
    ck_assert_int_eq(et_page_limit_parse("101"), ET_PAGE_MAX);
    ck_assert_int_eq(et_page_limit_parse("999"), ET_PAGE_MAX);
    ck_assert_int_eq(et_page_limit_parse("1000"), ET_PAGE_MAX);
    ck_assert_int_eq(et_page_limit_parse("0101"), ET_PAGE_MAX);
    /* past what an int64 holds: still a whole number above 100 */
    ck_assert_int_eq(et_page_limit_parse("99999999999999999999999999"), ET_PAGE_MAX);
    /* PostgreSQL's page statements cap their rows at this text: a page
     * of ET_PAGE_MAX and the row that tells whether another follows */
    ck_assert_int_eq(atoi(ET_PAGE_FETCH_MAX_SQL), ET_PAGE_MAX + 1);
}
END_TEST

START_TEST(limit_refused)
{
    static const char *const bad[] = {"0",    "00",   "000000000000000000000000",
                                      "-1",   "-100", "abc",
                                      "",     "1.5",  "1e3",
                                      " 5",   "5 ",   "+5",
                                      "0x10", "10a",  "١٠"};
    size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(et_page_limit_parse(bad[i]) == -1, "limit '%s' accepted", bad[i]);
}
END_TEST

/* ---- seal and open --------------------------------------------------------- */

static const unsigned char key_a[ET_CURSOR_KEY_LEN] = "0123456789abcdef0123456789abcde";
static const unsigned char key_b[ET_CURSOR_KEY_LEN] = "0123456789abcdef0123456789abcdX";

/* what et_cursor_setup makes of a cursor key */
static const et_hmac *mac_of(const unsigned char key[ET_CURSOR_KEY_LEN])
{
    const et_hmac *mac = et_hmac_make(pool, key, ET_CURSOR_KEY_LEN);
    ck_assert_ptr_nonnull(mac);
    return mac;
}

START_TEST(seal_open_round_trip)
{
    static const apr_int64_t keys[][2] = {
        {0, 0}, {1, 2}, {-5, 7}, {APR_INT64_C(4102444800000005), 42}, {1, -1}};
    size_t i;
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *c = et_cursor_seal(pool, mac_of(key_a), "posts", keys[i][0], keys[i][1]);
        apr_int64_t k1 = 99, k2 = 99;
        ck_assert_int_eq(et_cursor_open(pool, mac_of(key_a), "posts", c, &k1, &k2), 0);
        ck_assert_int_eq(k1, keys[i][0]);
        ck_assert_int_eq(k2, keys[i][1]);
    }
}
END_TEST

/* The format, spelt out: base64url("k1:k2") "." base64url(the first 12 bytes
 * of HMAC-SHA256(key, "<list>." base64url("k1:k2"))). */
START_TEST(seal_format)
{
    const char *c = et_cursor_seal(pool, mac_of(key_a), "comments", 123, 0);
    const char *payload = et_b64url_encode(pool, (const unsigned char *)"123:0", 5);
    const char *text = apr_pstrcat(pool, "comments.", payload, NULL);
    unsigned char m[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key_a, ET_CURSOR_KEY_LEN, (const unsigned char *)text, strlen(text), m,
         &len);
    ck_assert_str_eq(c, apr_pstrcat(pool, payload, ".", et_b64url_encode(pool, m, 12), NULL));
}
END_TEST

START_TEST(another_list_refused)
{
    const char *c = et_cursor_seal(pool, mac_of(key_a), "posts", 10, 3);
    static const char *const others[] = {
        "comments",  "messages", "conversations", "reviews", "courses", "me_scraps",
        "hot_posts", "Posts",    "post",          "posts.",  ""};
    apr_int64_t k1, k2;
    size_t i;
    for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        ck_assert_msg(et_cursor_open(pool, mac_of(key_a), others[i], c, &k1, &k2) == -1,
                      "a posts cursor opened as '%s'", others[i]);
    ck_assert_int_eq(et_cursor_open(pool, mac_of(key_a), "posts", c, &k1, &k2), 0);
}
END_TEST

START_TEST(another_key_refused)
{
    const char *c = et_cursor_seal(pool, mac_of(key_a), "posts", 10, 3);
    apr_int64_t k1, k2;
    ck_assert_int_eq(et_cursor_open(pool, mac_of(key_b), "posts", c, &k1, &k2), -1);
}
END_TEST

/* Any one character changed, anywhere, is refused. */
START_TEST(tampered_refused)
{
    const char *c = et_cursor_seal(pool, mac_of(key_a), "reviews", 1700000000123456, 77);
    apr_size_t i, n = strlen(c);
    apr_int64_t k1, k2;
    for (i = 0; i < n; i++) {
        char *t = apr_pstrdup(pool, c);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        ck_assert_msg(et_cursor_open(pool, mac_of(key_a), "reviews", t, &k1, &k2) == -1,
                      "changed at %zu: %s", i, t);
    }
}
END_TEST

START_TEST(malformed_refused)
{
    const char *c = et_cursor_seal(pool, mac_of(key_a), "posts", 5, 6);
    const char *dot = strchr(c, '.');
    const char *payload = apr_pstrmemdup(pool, c, (apr_size_t)(dot - c));
    const char *const bad[] = {
        "",
        "garbage",
        payload,
        apr_pstrcat(pool, payload, ".", NULL),
        apr_pstrcat(pool, c, "A", NULL),
        apr_pstrndup(pool, c, strlen(c) - 1),
        apr_pstrcat(pool, c, ".", NULL),
        apr_pstrcat(pool, "=", c, NULL),
        /* a forged payload under a real MAC */
        apr_pstrcat(pool, et_b64url_encode(pool, (const unsigned char *)"1:1", 3), dot, NULL),
        apr_psprintf(pool, "%s%0300d", c, 0),
    };
    apr_int64_t k1, k2;
    size_t i;
    ck_assert_int_eq(et_cursor_open(pool, mac_of(key_a), "posts", NULL, &k1, &k2), -1);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(et_cursor_open(pool, mac_of(key_a), "posts", bad[i], &k1, &k2) == -1,
                      "accepted: '%s'", bad[i]);
}
END_TEST

/* A body that is not "int:int" is refused even under a valid MAC. */
START_TEST(bad_body_refused)
{
    static const char *const bodies[] = {"1",   "1:",    ":1",   "a:1",
                                         "1:b", "1:2:3", "1:2 ", "99999999999999999999:1"};
    apr_int64_t k1, k2;
    size_t i;
    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        const char *b = et_b64url_encode(pool, (const unsigned char *)bodies[i], strlen(bodies[i]));
        const char *text = apr_pstrcat(pool, "posts.", b, NULL);
        unsigned char m[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        HMAC(EVP_sha256(), key_a, ET_CURSOR_KEY_LEN, (const unsigned char *)text, strlen(text), m,
             &len);
        ck_assert_msg(et_cursor_open(pool, mac_of(key_a), "posts",
                                     apr_pstrcat(pool, b, ".", et_b64url_encode(pool, m, 12), NULL),
                                     &k1, &k2) == -1,
                      "body '%s' accepted", bodies[i]);
    }
}
END_TEST

/* ---- the cursor key -------------------------------------------------------- */

/* PEM texts of one key, malloc'd once in the parent before the tests fork */
typedef struct {
    char *pkcs8, *traditional, *crlf, *encrypted;
} key_pems;

static key_pems rsa_1, rsa_2, ec_1, ec_2;
static int keys_ready;

static char *bio_text(BIO *bio)
{
    char *data;
    long n = BIO_get_mem_data(bio, &data);
    char *out = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(out);
    memcpy(out, data, (size_t)n);
    out[n] = '\0';
    BIO_free(bio);
    return out;
}

static char *with_crlf(const char *pem)
{
    char *out = malloc(2 * strlen(pem) + 1), *o = out;
    ck_assert_ptr_nonnull(out);
    for (; *pem; pem++) {
        if (*pem == '\n')
            *o++ = '\r';
        *o++ = *pem;
    }
    *o = '\0';
    return out;
}

static void encode(EVP_PKEY *key, key_pems *out)
{
    BIO *a = BIO_new(BIO_s_mem()), *b = BIO_new(BIO_s_mem()), *c = BIO_new(BIO_s_mem());
    ck_assert_int_eq(PEM_write_bio_PrivateKey(a, key, NULL, NULL, 0, NULL, NULL), 1);
    ck_assert_int_eq(PEM_write_bio_PrivateKey_traditional(b, key, NULL, NULL, 0, NULL, NULL), 1);
    ck_assert_int_eq(
        PEM_write_bio_PKCS8PrivateKey(c, key, EVP_aes_256_cbc(), "pass", 4, NULL, NULL), 1);
    out->pkcs8 = bio_text(a);
    out->traditional = bio_text(b);
    out->encrypted = bio_text(c);
    out->crlf = with_crlf(out->pkcs8);
    /* the two encodings differ as text */
    ck_assert_str_ne(out->pkcs8, out->traditional);
}

static void generate(int type, key_pems *out)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(type, NULL);
    EVP_PKEY *key = NULL;
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_PKEY_keygen_init(ctx), 1);
    if (type == EVP_PKEY_RSA)
        ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048), 0);
    else
        ck_assert_int_gt(EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1), 0);
    ck_assert_int_eq(EVP_PKEY_keygen(ctx, &key), 1);
    encode(key, out);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
}

static void make_keys(void)
{
    if (keys_ready)
        return;
    generate(EVP_PKEY_RSA, &rsa_1);
    generate(EVP_PKEY_RSA, &rsa_2);
    generate(EVP_PKEY_EC, &ec_1);
    generate(EVP_PKEY_EC, &ec_2);
    keys_ready = 1;
}

static const char *derive(et_alg_e alg, const char *key, unsigned char out[ET_CURSOR_KEY_LEN])
{
    et_srv_conf c;
    memset(&c, 0, sizeof(c));
    c.alg = alg;
    c.sign_key = (const unsigned char *)key;
    c.sign_key_len = strlen(key);
    memset(out, 0, ET_CURSOR_KEY_LEN);
    return et_cursor_derive_key(pool, &c, out);
}

#define SECRET "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL"

START_TEST(hs256_key_is_hmac_of_the_secret)
{
    unsigned char k[ET_CURSOR_KEY_LEN], other[ET_CURSOR_KEY_LEN], want[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ck_assert_ptr_null(derive(ET_ALG_HS256, SECRET, k));
    HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET), (const unsigned char *)"everytime cursor v1",
         19, want, &len);
    ck_assert_uint_eq(len, ET_CURSOR_KEY_LEN);
    ck_assert_mem_eq(k, want, ET_CURSOR_KEY_LEN);
    /* not the signing key, nor a piece of it */
    ck_assert(memcmp(k, SECRET, ET_CURSOR_KEY_LEN) != 0);
    ck_assert_ptr_null(derive(ET_ALG_HS256, SECRET "x", other));
    ck_assert(memcmp(k, other, ET_CURSOR_KEY_LEN) != 0);
}
END_TEST

/* One key, whatever its encoding, gives one cursor key; another key another. */
static void same_for_every_encoding(et_alg_e alg, const key_pems *one, const key_pems *two)
{
    unsigned char a[ET_CURSOR_KEY_LEN], b[ET_CURSOR_KEY_LEN], c[ET_CURSOR_KEY_LEN],
        d[ET_CURSOR_KEY_LEN], none[ET_CURSOR_KEY_LEN] = {0};
    ck_assert_ptr_null(derive(alg, one->pkcs8, a));
    ck_assert_ptr_null(derive(alg, one->traditional, b));
    ck_assert_ptr_null(derive(alg, one->crlf, c));
    ck_assert_ptr_null(derive(alg, two->pkcs8, d));
    ck_assert_mem_eq(a, b, ET_CURSOR_KEY_LEN);
    ck_assert_mem_eq(a, c, ET_CURSOR_KEY_LEN);
    ck_assert(memcmp(a, d, ET_CURSOR_KEY_LEN) != 0);
    ck_assert(memcmp(a, none, ET_CURSOR_KEY_LEN) != 0);
    /* not the HMAC of the PEM text, which would change with the encoding */
    ck_assert_ptr_null(derive(ET_ALG_HS256, one->pkcs8, b));
    ck_assert(memcmp(a, b, ET_CURSOR_KEY_LEN) != 0);
}

START_TEST(rs256_key_from_the_private_key)
{
    make_keys();
    same_for_every_encoding(ET_ALG_RS256, &rsa_1, &rsa_2);
}
END_TEST

START_TEST(es256_key_from_the_private_key)
{
    make_keys();
    same_for_every_encoding(ET_ALG_ES256, &ec_1, &ec_2);
}
END_TEST

START_TEST(unusable_private_keys_refused)
{
    unsigned char k[ET_CURSOR_KEY_LEN];
    const char *err;
    make_keys();
    err = derive(ET_ALG_RS256,
                 "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n", k);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "EverytimeJWTPrivateKey"));
    /* an encrypted key is refused, not prompted for */
    err = derive(ET_ALG_ES256, ec_1.encrypted, k);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "EverytimeJWTPrivateKey"));
    /* a public key is no private key */
    err = derive(ET_ALG_RS256, "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n", k);
    ck_assert_ptr_nonnull(err);
}
END_TEST

Suite *cursor_suite(void)
{
    Suite *s = suite_create("cursor");
    TCase *tc = tcase_create("limit");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, limit_in_range);
    tcase_add_test(tc, limit_above_max_is_max);
    tcase_add_test(tc, limit_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("seal");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, seal_open_round_trip);
    tcase_add_test(tc, seal_format);
    tcase_add_test(tc, another_list_refused);
    tcase_add_test(tc, another_key_refused);
    tcase_add_test(tc, tampered_refused);
    tcase_add_test(tc, malformed_refused);
    tcase_add_test(tc, bad_body_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("key");
    /* keys are generated once, in the parent, before the tests fork */
    tcase_add_unchecked_fixture(tc, make_keys, NULL);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, hs256_key_is_hmac_of_the_secret);
    tcase_add_test(tc, rs256_key_from_the_private_key);
    tcase_add_test(tc, es256_key_from_the_private_key);
    tcase_add_test(tc, unusable_private_keys_refused);
    suite_add_tcase(s, tc);
    return s;
}

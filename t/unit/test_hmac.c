/*
 * test_hmac.c: hmac.c against RFC 4231's HMAC-SHA256 test cases (a key
 * shorter than SHA-256's block, and one longer, which HMAC hashes first) and
 * against OpenSSL's one-shot HMAC(); one key used by several threads at once
 * gives each thread the MAC of its own data.
 */
#include "suites.h"
#include "infra/hmac.h"

#include <apr_pools.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
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

static const char *hex(const unsigned char *b, apr_size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *out = apr_palloc(pool, n * 2 + 1);
    apr_size_t i;
    for (i = 0; i < n; i++) {
        out[i * 2] = digits[b[i] >> 4];
        out[i * 2 + 1] = digits[b[i] & 15];
    }
    out[n * 2] = '\0';
    return out;
}

static const char *mac_hex(const unsigned char *key, apr_size_t klen, const char *data)
{
    unsigned char out[ET_HMAC_LEN];
    et_hmac *mac = et_hmac_make(pool, key, klen);
    ck_assert_ptr_nonnull(mac);
    ck_assert_int_eq(et_hmac_sha256(mac, data, strlen(data), out), 0);
    return hex(out, sizeof(out));
}

/* RFC 4231, 4.2: 20 bytes of 0x0b */
START_TEST(rfc4231_case_1)
{
    unsigned char key[20];
    memset(key, 0x0b, sizeof(key));
    ck_assert_str_eq(mac_hex(key, sizeof(key), "Hi There"),
                     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}
END_TEST

/* RFC 4231, 4.3: a key shorter than the output */
START_TEST(rfc4231_case_2)
{
    ck_assert_str_eq(mac_hex((const unsigned char *)"Jefe", 4, "what do ya want for nothing?"),
                     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
END_TEST

/* RFC 4231, 4.7: a 131-byte key, longer than the block, hashed first */
START_TEST(rfc4231_case_6)
{
    unsigned char key[131];
    memset(key, 0xaa, sizeof(key));
    ck_assert_str_eq(
        mac_hex(key, sizeof(key), "Test Using Larger Than Block-Size Key - Hash Key First"),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}
END_TEST

/* The key's MAC is the same for every call: no call's data stays in it */
START_TEST(calls_do_not_feed_the_key)
{
    static const unsigned char key[] = "0123456789abcdef0123456789abcdef";
    unsigned char first[ET_HMAC_LEN], again[ET_HMAC_LEN], other[ET_HMAC_LEN], ref[EVP_MAX_MD_SIZE];
    unsigned int rlen = 0;
    et_hmac *mac = et_hmac_make(pool, key, 32);
    ck_assert_ptr_nonnull(mac);
    ck_assert_int_eq(et_hmac_sha256(mac, "header.payload", 14, first), 0);
    ck_assert_int_eq(et_hmac_sha256(mac, "something else", 14, other), 0);
    ck_assert_int_eq(et_hmac_sha256(mac, "header.payload", 14, again), 0);
    ck_assert_mem_eq(first, again, ET_HMAC_LEN);
    ck_assert_int_ne(memcmp(first, other, ET_HMAC_LEN), 0);
    HMAC(EVP_sha256(), key, 32, (const unsigned char *)"header.payload", 14, ref, &rlen);
    ck_assert_uint_eq(rlen, ET_HMAC_LEN);
    ck_assert_mem_eq(first, ref, ET_HMAC_LEN);
    /* nothing to MAC with answers an error, not a MAC */
    ck_assert_int_eq(et_hmac_sha256(NULL, "x", 1, first), -1);
}
END_TEST

#define THREADS 4
#define CALLS   2000

typedef struct {
    const et_hmac *mac;
    const unsigned char *key;
    int id;
    int wrong; /* calls whose MAC differed from HMAC()'s */
} worker;

static void *work(void *data)
{
    worker *w = data;
    unsigned char got[ET_HMAC_LEN], want[EVP_MAX_MD_SIZE];
    unsigned int wlen;
    char text[64];
    int i;
    for (i = 0; i < CALLS; i++) {
        int n = snprintf(text, sizeof(text), "thread %d call %d", w->id, i);
        if (et_hmac_sha256(w->mac, text, (apr_size_t)n, got) != 0 ||
            !HMAC(EVP_sha256(), w->key, 32, (const unsigned char *)text, (size_t)n, want, &wlen) ||
            memcmp(got, want, ET_HMAC_LEN) != 0)
            w->wrong++;
    }
    return NULL;
}

START_TEST(threads_share_one_key)
{
    static const unsigned char key[] = "abcdefghijklmnopqrstuvwxyz012345";
    pthread_t t[THREADS];
    worker w[THREADS];
    int i;
    et_hmac *mac = et_hmac_make(pool, key, 32);
    ck_assert_ptr_nonnull(mac);
    for (i = 0; i < THREADS; i++) {
        w[i] = (worker){mac, key, i, 0};
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
        ck_assert_int_eq(w[i].wrong, 0);
    }
}
END_TEST

Suite *hmac_suite(void)
{
    Suite *s = suite_create("hmac");
    TCase *tc = tcase_create("hmac");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rfc4231_case_1);
    tcase_add_test(tc, rfc4231_case_2);
    tcase_add_test(tc, rfc4231_case_6);
    tcase_add_test(tc, calls_do_not_feed_the_key);
    tcase_add_test(tc, threads_share_one_key);
    suite_add_tcase(s, tc);
    return s;
}

/*
 * test_password.c: password.c's bcrypt hashing (at the lowest cost, for
 * speed), the 72-byte limit on both sides, and the password policy's flags.
 */
#include "suites.h"
#include "password.h"

#include <apr_general.h>
#include <apr_md5.h>
#include <apr_pools.h>
#include <apr_strings.h>
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

START_TEST(hash_and_match)
{
    const char *h = et_password_hash(pool, "correct horse battery", 4);

    ck_assert_ptr_nonnull(h);
    ck_assert_msg(!strncmp(h, "$2y$04$", 7), "hash %s", h);
    ck_assert_uint_eq(strlen(h), 60); /* $2y$04$ + 22 salt + 31 hash */
    ck_assert(et_password_matches("correct horse battery", h));
    ck_assert(!et_password_matches("correct horse batterY", h));
    ck_assert(!et_password_matches("correct horse battery ", h));
    ck_assert(!et_password_matches("correct horse batter", h));
    ck_assert(!et_password_matches("", h));
    ck_assert(!et_password_matches(NULL, h));
    ck_assert(!et_password_matches("correct horse battery", NULL));
    ck_assert(!et_password_matches("correct horse battery", ""));
    ck_assert(!et_password_matches("correct horse battery", "$2y$04$garbage"));
}
END_TEST

START_TEST(hash_cost)
{
    const char *h = et_password_hash(pool, "pw", 5);
    ck_assert_ptr_nonnull(h);
    ck_assert_msg(!strncmp(h, "$2y$05$", 7), "hash %s", h);
    ck_assert(et_password_matches("pw", h));
}
END_TEST

START_TEST(hash_is_salted)
{
    const char *a = et_password_hash(pool, "same password", 4);
    const char *b = et_password_hash(pool, "same password", 4);

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_ne(a, b);
    ck_assert(memcmp(a + 7, b + 7, 22) != 0); /* the salts themselves differ */
    ck_assert(et_password_matches("same password", a));
    ck_assert(et_password_matches("same password", b));
}
END_TEST

START_TEST(hash_utf8)
{
    const char *pw = "\xeb\xb9\x84\xeb\xb0\x80\xeb\xb2\x88\xed\x98\xb8"; /* 비밀번호 */
    const char *h = et_password_hash(pool, pw, 4);
    ck_assert_ptr_nonnull(h);
    ck_assert(et_password_matches(pw, h));
    ck_assert(!et_password_matches("\xeb\xb9\x84\xeb\xb0\x80\xeb\xb2\x88", h));
}
END_TEST

START_TEST(policy)
{
    /* too short */
    ck_assert_int_eq(et_password_policy("", "alice"), ET_PW_TOO_SHORT);
    ck_assert_int_eq(et_password_policy("abc", "alice"), ET_PW_TOO_SHORT);
    ck_assert_int_eq(et_password_policy("abcdefg", "alice"), ET_PW_TOO_SHORT);
    ck_assert_int_eq(et_password_policy("abcdefgh", "alice"), 0);
    /* numeric */
    ck_assert_int_eq(et_password_policy("12345678", "alice"), ET_PW_NUMERIC);
    ck_assert_int_eq(et_password_policy("1234", "alice"), ET_PW_NUMERIC | ET_PW_TOO_SHORT);
    ck_assert_int_eq(et_password_policy("1234567a", "alice"), 0);
    ck_assert_int_eq(et_password_policy("-1234567", "alice"), 0);
    /* like the login id, case-insensitively */
    ck_assert_int_eq(et_password_policy("alice1234", "alice1234"), ET_PW_LIKE_LOGIN);
    ck_assert_int_eq(et_password_policy("ALICE1234", "alice1234"), ET_PW_LIKE_LOGIN);
    ck_assert_int_eq(et_password_policy("Alice1234", "aLICE1234"), ET_PW_LIKE_LOGIN);
    ck_assert_int_eq(et_password_policy("alice12345", "alice1234"), 0);
    ck_assert_int_eq(et_password_policy("alice", "alice"), ET_PW_LIKE_LOGIN | ET_PW_TOO_SHORT);
    ck_assert_int_eq(et_password_policy("12345678", "12345678"), ET_PW_NUMERIC | ET_PW_LIKE_LOGIN);
    /* no login id to compare with */
    ck_assert_int_eq(et_password_policy("alice1234", NULL), 0);
    /* a good one */
    ck_assert_int_eq(et_password_policy("correct horse battery", "alice"), 0);
}
END_TEST

START_TEST(policy_counts_characters)
{
    /* 8 Hangul syllables are 24 bytes and 8 characters: long enough */
    const char *eight = "\xea\xb0\x80\xeb\x82\x98\xeb\x8b\xa4\xeb\x9d\xbc"
                        "\xeb\xa7\x88\xeb\xb0\x94\xec\x82\xac\xec\x95\x84"; /* 가나다라마바사아 */
    /* 7 are 21 bytes: too short, though more than 8 bytes */
    const char *seven = "\xea\xb0\x80\xeb\x82\x98\xeb\x8b\xa4\xeb\x9d\xbc"
                        "\xeb\xa7\x88\xeb\xb0\x94\xec\x82\xac";
    ck_assert_uint_eq(strlen(eight), 24);
    ck_assert_int_eq(et_password_policy(eight, "alice"), 0);
    ck_assert_int_eq(et_password_policy(seven, "alice"), ET_PW_TOO_SHORT);
    /* 4-byte characters count once too */
    ck_assert_int_eq(et_password_policy("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
                                        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
                                        "\xf0\x9f\x98\x80",
                                        "alice"),
                     ET_PW_TOO_SHORT);
    ck_assert_int_eq(
        et_password_policy("abcd\xea\xb0\x80\xea\xb0\x80\xea\xb0\x80\xea\xb0\x80", "alice"), 0);
}
END_TEST

/* n copies of s, from the test pool */
static const char *repeat(const char *s, int n)
{
    char *out = apr_pcalloc(pool, strlen(s) * (apr_size_t)n + 1);
    int i;
    for (i = 0; i < n; i++)
        strcat(out, s);
    return out;
}

#define GA "\xea\xb0\x80" /* 가: one Hangul syllable, 3 bytes of UTF-8 */

START_TEST(fits_72_bytes)
{
    const char *a72 = repeat("A", 72), *ga24 = repeat(GA, 24);
    ck_assert_uint_eq(strlen(ga24), 72);
    ck_assert(et_password_fits(""));
    ck_assert(et_password_fits(a72));
    ck_assert(!et_password_fits(repeat("A", 73)));
    ck_assert(!et_password_fits(apr_pstrcat(pool, a72, "secret-one", NULL)));
    /* 24 syllables fill the 72 bytes; one more byte of anything does not fit */
    ck_assert(et_password_fits(ga24));
    ck_assert(et_password_fits(repeat(GA, 23)));
    ck_assert(!et_password_fits(apr_pstrcat(pool, ga24, "a", NULL)));
    ck_assert(!et_password_fits(repeat(GA, 25)));
    /* bytes, not characters: 72 bytes of 4-byte emoji is 18 characters */
    ck_assert(et_password_fits(repeat("\xf0\x9f\x98\x80", 18)));
    ck_assert(!et_password_fits(repeat("\xf0\x9f\x98\x80", 19)));
    ck_assert(!et_password_fits(NULL));
}
END_TEST

START_TEST(policy_too_long)
{
    const char *a72 = repeat("A", 72), *ga24 = repeat(GA, 24);
    ck_assert_int_eq(et_password_policy(a72, "alice"), 0);
    ck_assert_int_eq(et_password_policy(apr_pstrcat(pool, a72, "secret-one", NULL), "alice"),
                     ET_PW_TOO_LONG);
    ck_assert_int_eq(et_password_policy(ga24, "alice"), 0);
    ck_assert_int_eq(et_password_policy(apr_pstrcat(pool, ga24, "a", NULL), "alice"),
                     ET_PW_TOO_LONG);
    /* 25 syllables are 25 characters, well under 128, yet 75 bytes */
    ck_assert_int_eq(et_password_policy(repeat(GA, 25), "alice"), ET_PW_TOO_LONG);
    /* reported beside the other failures */
    ck_assert_int_eq(et_password_policy(repeat("1", 73), "alice"), ET_PW_TOO_LONG | ET_PW_NUMERIC);
    ck_assert_int_eq(et_password_policy(repeat("1", 73), repeat("1", 73)),
                     ET_PW_TOO_LONG | ET_PW_NUMERIC | ET_PW_LIKE_LOGIN);
}
END_TEST

START_TEST(hash_refuses_too_long)
{
    ck_assert_ptr_null(et_password_hash(pool, repeat("A", 73), 4));
    ck_assert_ptr_null(et_password_hash(pool, apr_pstrcat(pool, repeat(GA, 24), "a", NULL), 4));
    ck_assert_ptr_nonnull(et_password_hash(pool, repeat(GA, 24), 4));
}
END_TEST

START_TEST(check_never_cuts)
{
    const char *a72 = repeat("A", 72), *ga24 = repeat(GA, 24);
    const char *h = et_password_hash(pool, a72, 4), *hk = et_password_hash(pool, ga24, 4);
    ck_assert_ptr_nonnull(h);
    ck_assert_ptr_nonnull(hk);
    ck_assert_int_eq(et_password_check(a72, h), ET_PW_RIGHT);
    ck_assert(et_password_matches(a72, h));
    /* bcrypt alone would take these: they are refused */
    ck_assert_int_eq(et_password_check(apr_pstrcat(pool, a72, "secret-one", NULL), h), ET_PW_CUT);
    ck_assert(!et_password_matches(apr_pstrcat(pool, a72, "secret-one", NULL), h));
    ck_assert(!et_password_matches(apr_pstrcat(pool, a72, "x", NULL), h));
    ck_assert_int_eq(et_password_check(repeat("B", 80), h), ET_PW_WRONG);
    ck_assert_int_eq(et_password_check(repeat("A", 71), h), ET_PW_WRONG);
    /* the same with Korean */
    ck_assert_int_eq(et_password_check(ga24, hk), ET_PW_RIGHT);
    ck_assert_int_eq(et_password_check(apr_pstrcat(pool, ga24, "a", NULL), hk), ET_PW_CUT);
    ck_assert_int_eq(et_password_check(repeat(GA, 25), hk), ET_PW_CUT);
    ck_assert_int_eq(et_password_check(repeat(GA, 23), hk), ET_PW_WRONG);
}
END_TEST

/* A hash set before the limit from a longer password holds its first 72
 * bytes only: the full password is refused (and reported as cut), the first
 * 72 bytes sign in. */
START_TEST(check_hash_from_before_the_limit)
{
    const char *a72 = repeat("A", 72), *full = apr_pstrcat(pool, a72, "secret-one", NULL);
    unsigned char salt[16];
    char h[64];
    ck_assert_int_eq(apr_generate_random_bytes(salt, sizeof(salt)), APR_SUCCESS);
    ck_assert_int_eq(apr_bcrypt_encode(full, 4, salt, sizeof(salt), h, sizeof(h)), APR_SUCCESS);
    ck_assert_int_eq(et_password_check(full, h), ET_PW_CUT);
    ck_assert(!et_password_matches(full, h));
    ck_assert_int_eq(et_password_check(a72, h), ET_PW_RIGHT);
}
END_TEST

Suite *password_suite(void)
{
    Suite *s = suite_create("password");
    TCase *h = tcase_create("hash"), *p = tcase_create("policy");

    tcase_add_checked_fixture(h, setup, teardown);
    tcase_add_test(h, hash_and_match);
    tcase_add_test(h, hash_cost);
    tcase_add_test(h, hash_is_salted);
    tcase_add_test(h, hash_utf8);
    tcase_add_test(h, fits_72_bytes);
    tcase_add_test(h, hash_refuses_too_long);
    tcase_add_test(h, check_never_cuts);
    tcase_add_test(h, check_hash_from_before_the_limit);
    suite_add_tcase(s, h);

    tcase_add_checked_fixture(p, setup, teardown);
    tcase_add_test(p, policy);
    tcase_add_test(p, policy_counts_characters);
    tcase_add_test(p, policy_too_long);
    suite_add_tcase(s, p);
    return s;
}

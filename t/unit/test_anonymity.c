/*
 * test_anonymity.c: anonymity.c's labels (익명N, 익명(글쓴이)) and which
 * anonymous writers take a number.
 */
#include "suites.h"
#include "domain/anonymity.h"

#include <apr_pools.h>

static apr_pool_t *pool;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

static const char *const author = "3f0c2a9e-1b7d-4c1a-9f0e-2d3c4b5a6978";
static const char *const other = "8e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b";

START_TEST(labels)
{
    ck_assert_str_eq(et_anon_label(pool, 0, 1), "익명1");
    ck_assert_str_eq(et_anon_label(pool, 0, 12), "익명12");
    ck_assert_str_eq(et_anon_label(pool, 0, 1000000), "익명1000000");
    ck_assert_str_eq(et_anon_label(pool, 1, 3), ET_ANON_POST_AUTHOR);
    ck_assert_str_eq(et_anon_label(pool, 1, 0), "익명(글쓴이)");
    /* a writer without a number yet (should not happen) is plain 익명 */
    ck_assert_str_eq(et_anon_label(pool, 0, 0), ET_ANON_PLAIN);
}
END_TEST

START_TEST(who_takes_a_number)
{
    /* the anonymous post's author is 익명(글쓴이), not a number */
    ck_assert_int_eq(et_anon_needs_number(author, author, 1), 0);
    /* a named post's author writing anonymously is one more 익명N */
    ck_assert_int_eq(et_anon_needs_number(author, author, 0), 1);
    ck_assert_int_eq(et_anon_needs_number(other, author, 1), 1);
    ck_assert_int_eq(et_anon_needs_number(other, author, 0), 1);
    ck_assert_int_eq(et_anon_needs_number(other, NULL, 1), 1);
}
END_TEST

Suite *anonymity_suite(void)
{
    Suite *s = suite_create("anonymity");
    TCase *tc = tcase_create("labels");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, labels);
    tcase_add_test(tc, who_takes_a_number);
    suite_add_tcase(s, tc);
    return s;
}

/*
 * test_csrf.c: csrf.c's pure parts: the token's form and randomness, the
 * comparison of header and cookie, and which methods need no token.
 */
#include "suites.h"
#include "csrf.h"

#include <httpd.h>
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

START_TEST(new_token_is_well_formed_and_fresh)
{
    const char *seen[64];
    int i, j;
    for (i = 0; i < 64; i++) {
        seen[i] = et_csrf_new_token(pool);
        ck_assert_ptr_nonnull(seen[i]);
        ck_assert_uint_eq(strlen(seen[i]), ET_CSRF_LEN);
        ck_assert_msg(strspn(seen[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789-_") == ET_CSRF_LEN,
                      "'%s' is not url-safe", seen[i]);
        ck_assert_msg(et_csrf_well_formed(seen[i]), "'%s' is refused", seen[i]);
        for (j = 0; j < i; j++)
            ck_assert_str_ne(seen[i], seen[j]);
    }
}
END_TEST

/* 43 characters: what 32 bytes make in base64url */
#define GOOD "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE"

static const struct {
    const char *text;
    int ok;
} forms[] = {
    {GOOD, 1},
    {"-------------------------------------------", 1},
    {NULL, 0},
    {"", 0},
    {GOOD "F", 0},                                               /* 44 */
    {"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd", 0},           /* 42 */
    {"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdE", 0},          /* base64, not url */
    {"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd=", 0},          /* padding */
    {"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbC d", 0},          /* space */
    {"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbC;d", 0},          /* cookie separator */
    {"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_Ab\xed\x95\x9c", 0}, /* 43 bytes, Hangul */
};

START_TEST(well_formed)
{
    ck_assert_msg(et_csrf_well_formed(forms[_i].text) == forms[_i].ok, "'%s': want %d",
                  forms[_i].text ? forms[_i].text : "(null)", forms[_i].ok);
}
END_TEST

START_TEST(tokens_match)
{
    char other[] = GOOD;
    apr_size_t i;
    ck_assert(et_csrf_tokens_match(GOOD, GOOD));
    ck_assert(!et_csrf_tokens_match(GOOD, NULL));
    ck_assert(!et_csrf_tokens_match(NULL, GOOD));
    ck_assert(!et_csrf_tokens_match(NULL, NULL));
    ck_assert(!et_csrf_tokens_match(GOOD, ""));
    ck_assert(!et_csrf_tokens_match("", ""));
    /* a prefix, or the token with more after it, is not the token */
    ck_assert(!et_csrf_tokens_match(GOOD, "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd"));
    ck_assert(!et_csrf_tokens_match(GOOD, GOOD "F"));
    ck_assert(!et_csrf_tokens_match(GOOD, GOOD " "));
    /* a cookie of another form never matches, even repeated exactly */
    ck_assert(!et_csrf_tokens_match("short", "short"));
    ck_assert(!et_csrf_tokens_match(GOOD "F", GOOD "F"));
    /* one character different, at every position */
    for (i = 0; i < ET_CSRF_LEN; i++) {
        char was = other[i];
        other[i] = was == 'x' ? 'y' : 'x';
        ck_assert_msg(!et_csrf_tokens_match(GOOD, other), "position %zu", i);
        other[i] = was;
    }
    ck_assert(et_csrf_tokens_match(GOOD, other));
}
END_TEST

START_TEST(safe_methods)
{
    ck_assert(et_csrf_method_safe(M_GET));
    ck_assert(et_csrf_method_safe(M_OPTIONS));
    ck_assert(et_csrf_method_safe(M_TRACE));
    ck_assert(!et_csrf_method_safe(M_POST));
    ck_assert(!et_csrf_method_safe(M_PUT));
    ck_assert(!et_csrf_method_safe(M_PATCH));
    ck_assert(!et_csrf_method_safe(M_DELETE));
    ck_assert(!et_csrf_method_safe(M_INVALID));
    ck_assert(!et_csrf_method_safe(M_PROPPATCH));
}
END_TEST

Suite *csrf_suite(void)
{
    Suite *s = suite_create("csrf");
    TCase *tc = tcase_create("token");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, new_token_is_well_formed_and_fresh);
    tcase_add_loop_test(tc, well_formed, 0, (int)(sizeof(forms) / sizeof(forms[0])));
    tcase_add_test(tc, tokens_match);
    tcase_add_test(tc, safe_methods);
    suite_add_tcase(s, tc);
    return s;
}

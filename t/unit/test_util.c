/*
 * test_util.c: util.c's base64url, against RFC 4648's vectors and by round trip;
 * UUIDs, RFC 3339 times, strict integer parsing, constant-time comparison and
 * query strings decoded as application/x-www-form-urlencoded.
 */
#include "suites.h"
#include "infra/util.h"

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

/* RFC 4648 section 10, without padding, plus the two url-safe characters */
static const struct {
    const char *plain;
    apr_size_t len;
    const char *b64url;
} vectors[] = {
    {"", 0, ""},
    {"f", 1, "Zg"},
    {"fo", 2, "Zm8"},
    {"foo", 3, "Zm9v"},
    {"foob", 4, "Zm9vYg"},
    {"fooba", 5, "Zm9vYmE"},
    {"foobar", 6, "Zm9vYmFy"},
    {"\xfb\xff", 2, "-_8"},
    {"\xff\xfe\xfd", 3, "__79"},
};

START_TEST(b64url_rfc4648_vectors)
{
    const char *enc =
        et_b64url_encode(pool, (const unsigned char *)vectors[_i].plain, vectors[_i].len);
    unsigned char *dec;
    apr_size_t len = 12345;

    ck_assert_str_eq(enc, vectors[_i].b64url);
    dec = et_b64url_decode(pool, vectors[_i].b64url, strlen(vectors[_i].b64url), &len);
    ck_assert_ptr_nonnull(dec);
    ck_assert_uint_eq(len, vectors[_i].len);
    ck_assert_mem_eq(dec, vectors[_i].plain, len);
}
END_TEST

START_TEST(b64url_round_trip_every_length)
{
    unsigned char data[200];
    apr_size_t n, i;

    for (i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)(i * 37 + 11);
    for (n = 0; n <= sizeof(data); n++) {
        const char *enc = et_b64url_encode(pool, data, n);
        apr_size_t len = 0;
        unsigned char *dec;

        ck_assert_uint_eq(strlen(enc), (n * 4 + 2) / 3);
        ck_assert_msg(strcspn(enc, "+/=") == strlen(enc), "not url-safe: %s", enc);
        dec = et_b64url_decode(pool, enc, strlen(enc), &len);
        ck_assert_ptr_nonnull(dec);
        ck_assert_uint_eq(len, n);
        ck_assert_mem_eq(dec, data, n);
    }
}
END_TEST

START_TEST(b64url_decode_refuses_bad_text)
{
    static const char *const bad[] = {
        "Zg==",            /* padding */
        "Zm9v+g",          /* standard alphabet */
        "Zm9v/g", "Zm9vY", /* impossible length */
        "Zh",              /* non-zero leftover bits */
        "Zm 9v",           /* whitespace */
    };
    apr_size_t i, len;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(et_b64url_decode(pool, bad[i], strlen(bad[i]), &len) == NULL, "accepted '%s'",
                      bad[i]);
}
END_TEST

START_TEST(b64url_decode_refuses_more)
{
    static const char *const bad[] = {
        "Zm9vYmFy=", /* padding after a full group */
        "Zm8=",      /* padded 2 bytes */
        "A",         /* 1 mod 4 */
        "Zm9vYmFyZ", /* 1 mod 4 after full groups */
        "Zm9",       /* "fo" is "Zm8": the leftover bits of "Zm9" are not zero */
        "Zg.",       /* a JWT's separator */
        "Zm9v\n",    "Zm9v\xc3\xa9",
    };
    apr_size_t i, len;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(et_b64url_decode(pool, bad[i], strlen(bad[i]), &len) == NULL, "accepted '%s'",
                      bad[i]);
    /* decoding stops at the length given, not at a NUL */
    {
        unsigned char *dec = et_b64url_decode(pool, "Zm9vYmFy", 4, &len);
        ck_assert_ptr_nonnull(dec);
        ck_assert_uint_eq(len, 3);
        ck_assert_mem_eq(dec, "foo", 3);
        ck_assert_ptr_null(et_b64url_decode(pool, "Zm\0v", 4, &len));
    }
}
END_TEST

/* ---- UUIDs ---------------------------------------------------------------- */

static int is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

START_TEST(uuid_format)
{
    int n;
    for (n = 0; n < 200; n++) {
        const char *u = et_uuid(pool);
        int i;
        ck_assert_ptr_nonnull(u);
        ck_assert_uint_eq(strlen(u), ET_UUID_LEN);
        for (i = 0; i < ET_UUID_LEN; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23)
                ck_assert_msg(u[i] == '-', "%s", u);
            else
                ck_assert_msg(is_lower_hex(u[i]), "%s", u);
        }
        ck_assert_msg(u[14] == '4', "not version 4: %s", u);            /* version */
        ck_assert_msg(strchr("89ab", u[19]) != NULL, "variant: %s", u); /* RFC 4122 */
        ck_assert(et_is_uuid(u));
    }
}
END_TEST

START_TEST(uuid_random)
{
    const char *a = et_uuid(pool), *b = et_uuid(pool);
    ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(is_uuid)
{
    static const char *const good[] = {
        "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "3F2504E0-4F89-41D3-9A0C-0305E82C3301",
        "3f2504E0-4f89-41D3-9a0c-0305E82C3301", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
    };
    static const char *const bad[] = {
        "",
        "3f2504e0-4f89-41d3-9a0c-0305e82c330",
        "3f2504e0-4f89-41d3-9a0c-0305e82c33011",
        "3f2504e04f8941d39a0c0305e82c3301",
        "3f2504e0-4f89-41d3-9a0c-0305e82c330g",
        "g3f2504e-4f89-41d3-9a0c-0305e82c3301",
        "3f2504e0-4f89-41d3-9a0c_0305e82c3301",
        "3f2504e0-4f8941d3--9a0c-0305e82c3301",
        "3f2504e0 4f89 41d3 9a0c 0305e82c3301",
        "{3f2504e0-4f89-41d3-9a0c-0305e82c33}",
        "3f2504e0-4f89-41d3-9a0c-0305e82c330\n",
        "+3f2504e-4f89-41d3-9a0c-0305e82c3301",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        ck_assert_msg(et_is_uuid(good[i]), "refused %s", good[i]);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(!et_is_uuid(bad[i]), "accepted '%s'", bad[i]);
    ck_assert(!et_is_uuid(NULL));
}
END_TEST

/* ---- times ---------------------------------------------------------------- */

START_TEST(time_rfc3339)
{
    ck_assert_str_eq(et_time_rfc3339(pool, apr_time_make(1680931009, 897442)),
                     "2023-04-08T05:16:49.897442Z");
    ck_assert_str_eq(et_time_rfc3339(pool, 0), "1970-01-01T00:00:00.000000Z");
    ck_assert_str_eq(et_time_rfc3339(pool, apr_time_make(0, 1)), "1970-01-01T00:00:00.000001Z");
    ck_assert_str_eq(et_time_rfc3339(pool, apr_time_make(1709251199, 999999)),
                     "2024-02-29T23:59:59.999999Z");
    ck_assert_str_eq(et_time_rfc3339(pool, apr_time_make(1709251199, 1000000)),
                     "2024-03-01T00:00:00.000000Z");
    /* past 2038 */
    ck_assert_str_eq(et_time_rfc3339(pool, apr_time_make(2147483648LL, 50)),
                     "2038-01-19T03:14:08.000050Z");
}
END_TEST

/* ---- integers ------------------------------------------------------------- */

START_TEST(i64_text)
{
    ck_assert_str_eq(et_i64_text(pool, 0), "0");
    ck_assert_str_eq(et_i64_text(pool, -42), "-42");
    ck_assert_str_eq(et_i64_text(pool, APR_INT64_C(9223372036854775807)), "9223372036854775807");
    ck_assert_str_eq(et_i64_text(pool, -APR_INT64_C(9223372036854775807) - 1),
                     "-9223372036854775808");
}
END_TEST

START_TEST(parse_i64_good)
{
    static const struct {
        const char *text;
        apr_int64_t v;
    } good[] = {
        {"0", 0},
        {"7", 7},
        {"-7", -7},
        {"-0", 0},
        {"007", 7},
        {"123456789012345678", APR_INT64_C(123456789012345678)},
        {"-123456789012345678", -APR_INT64_C(123456789012345678)},
        {"999999999999999999", APR_INT64_C(999999999999999999)},
    };
    apr_size_t i;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        apr_int64_t v = 12345;
        ck_assert_msg(et_parse_i64(good[i].text, &v) == 0, "refused %s", good[i].text);
        ck_assert_int_eq(v, good[i].v);
    }
}
END_TEST

START_TEST(parse_i64_bad)
{
    static const char *const bad[] = {
        "",
        "-",
        "+1",
        " 1",
        "1 ",
        "1\n",
        "1a",
        "a1",
        "0x10",
        "1.0",
        "1e3",
        "--1",
        "-+1",
        "1-",
        "1,000",
        "\xd9\xa1",            /* ARABIC-INDIC DIGIT ONE */
        "1234567890123456789", /* more than 18 digits */
        "9223372036854775808", /* past INT64_MAX */
        "-9223372036854775809",
        "99999999999999999999999999",
    };
    apr_size_t i;
    ck_assert_int_ne(et_parse_i64(NULL, NULL), 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        apr_int64_t v = 12345;
        ck_assert_msg(et_parse_i64(bad[i], &v) != 0, "accepted '%s'", bad[i]);
        ck_assert_int_eq(v, 12345); /* untouched on failure */
    }
}
END_TEST

/* ---- LIKE patterns ----------------------------------------------------------- */

START_TEST(like_contains)
{
    ck_assert_str_eq(et_like_contains(pool, ""), "%%");
    ck_assert_str_eq(et_like_contains(pool, "abc"), "%abc%");
    ck_assert_str_eq(et_like_contains(pool, "a%b_c!d"), "%a!%b!_c!!d%");
    ck_assert_str_eq(et_like_contains(pool, "%%"), "%!%!%%");
    /* multibyte text passes through untouched */
    ck_assert_str_eq(et_like_contains(pool, "\xec\x9e\x90\xec\x9c\xa0"),
                     "%\xec\x9e\x90\xec\x9c\xa0%");
}
END_TEST

/* ---- constant-time comparison ---------------------------------------------- */

START_TEST(secure_equal)
{
    unsigned char a[64], b[64];
    apr_size_t i;

    for (i = 0; i < sizeof(a); i++)
        a[i] = b[i] = (unsigned char)(i * 7);
    ck_assert(et_secure_equal(a, b, sizeof(a)));
    ck_assert(et_secure_equal(a, b, 0));
    ck_assert(et_secure_equal("x", "y", 0));
    /* every single-bit difference, at every position */
    for (i = 0; i < sizeof(a) * 8; i++) {
        b[i / 8] ^= (unsigned char)(1u << (i % 8));
        ck_assert_msg(!et_secure_equal(a, b, sizeof(a)), "bit %zu", i);
        /* a difference past len is not looked at */
        ck_assert(et_secure_equal(a, b, i / 8));
        b[i / 8] ^= (unsigned char)(1u << (i % 8));
    }
    ck_assert(et_secure_equal("abc", "abd", 2));
    ck_assert(!et_secure_equal("abc", "abd", 3));
}
END_TEST

/* ---- application/x-www-form-urlencoded query strings -------------------------- */

/* One decoded pair; lengths may exceed strlen() where a NUL was decoded. */
typedef struct {
    const char *name;
    apr_size_t name_len;
    const char *value;
    apr_size_t value_len;
} pair;

#define P(n, v)                            \
    {                                      \
        n, sizeof(n) - 1, v, sizeof(v) - 1 \
    }

static const struct {
    const char *query;
    int n;
    pair want[3];
} forms[] = {
    /* what URLSearchParams, axios and Python requests send for a space */
    {"title=%EC%A0%9C%EB%AA%A9+9e6341", 1, {P("title", "\xec\xa0\x9c\xeb\xaa\xa9 9e6341")}},
    {"q=a+b%20c++", 1, {P("q", "a b c  ")}},
    {"q=a%2Bb", 1, {P("q", "a+b")}},              /* an encoded plus is a plus */
    {"q=%ea%B0%80", 1, {P("q", "\xea\xb0\x80")}}, /* either case of hex */
    {"q=%2F%3D%26", 1, {P("q", "/=&")}},
    /* a '%' without two hex digits stays as it is (WHATWG, Django) */
    {"q=%zz", 1, {P("q", "%zz")}},
    {"q=100%", 1, {P("q", "100%")}},
    {"q=%4", 1, {P("q", "%4")}},
    {"q=%4g&r=%g4", 2, {P("q", "%4g"), P("r", "%g4")}},
    {"q=%%41", 1, {P("q", "%A")}},
    {"q=100%+%ED%99%95", 1, {P("q", "100% \xed\x99\x95")}},
    /* NULs are decoded, and the lengths say so */
    {"q=a%00b", 1, {P("q", "a\0b")}},
    {"q=%00", 1, {P("q", "\0")}},
    {"a%00b=1", 1, {P("a\0b", "1")}},
    /* splitting */
    {"a=1&b=2", 2, {P("a", "1"), P("b", "2")}},
    {"a=1&&b=2&", 2, {P("a", "1"), P("b", "2")}},
    {"&&", 0, {{NULL, 0, NULL, 0}}},
    {"", 0, {{NULL, 0, NULL, 0}}},
    {"flag", 1, {P("flag", "")}},
    {"flag=", 1, {P("flag", "")}},
    {"=x", 1, {P("", "x")}},
    {"a=b=c", 1, {P("a", "b=c")}},
    {"a%3Db=c", 1, {P("a=b", "c")}},
    {"n%61me=v&a+b=c+d", 2, {P("name", "v"), P("a b", "c d")}},
    {"a=1&a=2", 2, {P("a", "1"), P("a", "2")}}, /* in order: the reader picks */
    {"a=%26&b=%3D", 2, {P("a", "&"), P("b", "=")}},
};

START_TEST(form_decode)
{
    apr_array_header_t *got = et_form_decode(pool, forms[_i].query);
    int k;
    ck_assert_msg(got->nelts == forms[_i].n, "'%s': %d pairs, want %d", forms[_i].query, got->nelts,
                  forms[_i].n);
    for (k = 0; k < got->nelts; k++) {
        const et_form_field *f = &APR_ARRAY_IDX(got, k, et_form_field);
        const pair *w = &forms[_i].want[k];
        ck_assert_msg(f->name_len == w->name_len && !memcmp(f->name, w->name, w->name_len),
                      "'%s': name %d", forms[_i].query, k);
        ck_assert_msg(f->value_len == w->value_len && !memcmp(f->value, w->value, w->value_len),
                      "'%s': value %d is '%s' (%zu bytes)", forms[_i].query, k, f->value,
                      f->value_len);
        ck_assert(f->name[f->name_len] == '\0' && f->value[f->value_len] == '\0');
    }
}
END_TEST

START_TEST(form_decode_null)
{
    ck_assert_int_eq(et_form_decode(pool, NULL)->nelts, 0);
}
END_TEST

Suite *util_suite(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("b64url");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, b64url_rfc4648_vectors, 0, (int)(sizeof(vectors) / sizeof(vectors[0])));
    tcase_add_test(tc, b64url_round_trip_every_length);
    tcase_add_test(tc, b64url_decode_refuses_bad_text);
    tcase_add_test(tc, b64url_decode_refuses_more);
    suite_add_tcase(s, tc);

    tc = tcase_create("uuid");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, uuid_format);
    tcase_add_test(tc, uuid_random);
    tcase_add_test(tc, is_uuid);
    suite_add_tcase(s, tc);

    tc = tcase_create("text");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, time_rfc3339);
    tcase_add_test(tc, i64_text);
    tcase_add_test(tc, parse_i64_good);
    tcase_add_test(tc, parse_i64_bad);
    tcase_add_test(tc, secure_equal);
    tcase_add_test(tc, like_contains);
    suite_add_tcase(s, tc);

    tc = tcase_create("form");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, form_decode, 0, (int)(sizeof(forms) / sizeof(forms[0])));
    tcase_add_test(tc, form_decode_null);
    suite_add_tcase(s, tc);
    return s;
}

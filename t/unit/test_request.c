/*
 * test_request.c: the pure helpers of core/ (lang.c, validate.c, query.c,
 * errors.c, body.c): the Accept-Language choice of
 * Korean, the UTF-8 character count that length limits rely on, query
 * strings (a '+' is a space, a NUL is 400 naming the parameter), and the
 * API errors that httpd's statuses and failed body reads answer with.
 */
#include "suites.h"
#include "core/request.h"
#include "core/errors.h"
#include "core/validate.h"
#include "core/query.h"
#include "core/body.h"
#include "core/lang.h"

#include <apr_strings.h>
#include <stdio.h>
#include <string.h>

/* ---- et_prefers_korean ---------------------------------------------------- */

static const struct {
    const char *header;
    int ko;
} languages[] = {
    {"ko", 1},
    {"ko-KR", 1},
    {"KO-kr", 1},
    {"ko-KR,ko;q=0.9,en;q=0.8", 1},
    {"ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", 1},
    {"fr,ko;q=0.3", 1},
    {"fr, ko;q=0.3", 1},
    {"en;q=0.5,ko;q=0.6", 1},
    {"en-US,ko;q=0.5", 0},
    {"en", 0},
    {"en-US,en;q=0.9", 0},
    {"ko;q=0.4,en;q=0.5", 0},
    {NULL, 0},
    {"", 0},
    {"fr", 0},
    {"fr-FR,de;q=0.5", 0},
    {"*", 0},
    {"ko;q=0", 0},
    {"ko;q=0.0", 0},
    {"kok", 0}, /* Konkani, not Korean */
    {"kor", 0},
    {"eng,ko", 1}, /* "eng" is not English in this sense, ko wins */
};

START_TEST(prefers_korean)
{
    ck_assert_msg(et_prefers_korean(languages[_i].header) == languages[_i].ko, "'%s': want %d",
                  languages[_i].header ? languages[_i].header : "(null)", languages[_i].ko);
}
END_TEST

START_TEST(prefers_korean_leaves_header_alone)
{
    char header[] = "ko-KR;q=0.9, en;q=0.8";
    ck_assert_int_eq(et_prefers_korean(header), 1);
    ck_assert_str_eq(header, "ko-KR;q=0.9, en;q=0.8");
}
END_TEST

/* ---- et_utf8_chars -------------------------------------------------------- */

static const struct {
    const char *text;
    long chars;
} utf8[] = {
    {"", 0},
    {"a", 1},
    {"hello, world", 12},
    {"\x7f", 1},
    {"\xc2\xa9", 1},                             /* U+00A9, the smallest 2-byte lead */
    {"caf\xc3\xa9", 4},                          /* café */
    {"\xdf\xbf", 1},                             /* U+07FF */
    {"\xe0\xa0\x80", 1},                         /* U+0800, the smallest 3-byte */
    {"\xed\x9f\xbf", 1},                         /* U+D7FF, below the surrogates */
    {"\xee\x80\x80", 1},                         /* U+E000, above them */
    {"\xef\xbf\xbf", 1},                         /* U+FFFF */
    {"\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", 3}, /* 한국어 */
    {"ab\xea\xb0\x80"
     "cd",
     5},                     /* ab가cd */
    {"\xf0\x90\x80\x80", 1}, /* U+10000, the smallest 4-byte */
    {"\xf0\x9f\x98\x80", 1}, /* 😀 */
    {"\xf0\x9f\x98\x80\xf0\x9f\x98\x80x", 3},
    {"\xf4\x8f\xbf\xbf", 1}, /* U+10FFFF, the largest */
    /* invalid */
    {"\x80", -1}, /* lone continuation */
    {"a\xbf", -1},
    {"\xc0\x80", -1},         /* overlong NUL */
    {"\xc1\xbf", -1},         /* overlong 2-byte */
    {"\xe0\x80\x80", -1},     /* overlong 3-byte (U+0000) */
    {"\xe0\x9f\xbf", -1},     /* overlong 3-byte (U+07FF) */
    {"\xf0\x80\x80\x80", -1}, /* overlong 4-byte (U+0000) */
    {"\xf0\x8f\xbf\xbf", -1}, /* overlong 4-byte (U+FFFF) */
    {"\xed\xa0\x80", -1},     /* U+D800, a surrogate */
    {"\xed\xbf\xbf", -1},     /* U+DFFF */
    {"\xf4\x90\x80\x80", -1}, /* U+110000, past Unicode */
    {"\xf5\x80\x80\x80", -1},
    {"\xf8\x88\x80\x80\x80", -1}, /* 5-byte form */
    {"\xfe", -1},
    {"\xff", -1},
    /* truncated */
    {"\xc3", -1},
    {"abc\xc3", -1},
    {"\xea\xb0", -1},
    {"\xea", -1},
    {"\xf0\x9f\x98", -1},
    {"\xf0\x9f", -1},
    {"\xea\xb0x", -1},            /* continuation replaced by ASCII */
    {"\xf0\x9f\x98\x80\x80", -1}, /* one continuation too many */
};

static const char *hex(const char *s)
{
    static char buf[64];
    size_t i, n = 0;
    for (i = 0; s[i] && n + 4 < sizeof(buf); i++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%02x ", (unsigned char)s[i]);
    buf[n ? n - 1 : 0] = '\0';
    return buf;
}

START_TEST(utf8_chars)
{
    long got = et_utf8_chars(utf8[_i].text);
    ck_assert_msg(got == utf8[_i].chars, "bytes [%s]: got %ld, want %ld", hex(utf8[_i].text), got,
                  utf8[_i].chars);
}
END_TEST

START_TEST(utf8_long_text)
{
    /* 1000 Hangul syllables are 3000 bytes and 1000 characters */
    char buf[3001];
    int i;
    for (i = 0; i < 1000; i++)
        memcpy(buf + 3 * i, "\xea\xb0\x80", 3);
    buf[3000] = '\0';
    ck_assert_int_eq(et_utf8_chars(buf), 1000);
    buf[2999] = '\0'; /* the last one cut short */
    ck_assert_int_eq(et_utf8_chars(buf), -1);
}
END_TEST

/* ---- query strings, httpd's statuses and body reads as API errors ---------- */

static apr_pool_t *pool;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* A request with its query string, as little as query.c reads of it. */
static et_req *new_req(const char *args, int ko)
{
    request_rec *r = apr_pcalloc(pool, sizeof(*r));
    et_req *q = apr_pcalloc(pool, sizeof(*q));
    r->pool = pool;
    r->args = args ? apr_pstrdup(pool, args) : NULL;
    r->headers_in = apr_table_make(pool, 4);
    r->headers_out = apr_table_make(pool, 4);
    r->err_headers_out = apr_table_make(pool, 4);
    q->r = r;
    q->ko = ko;
    return q;
}

static const char *str_at(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : "(none)";
}

START_TEST(query_plus_is_space)
{
    et_req *q = new_req("title=%EC%A0%9C%EB%AA%A9+9e6341&q=a%2Bb&name=x&name=y", 0);
    ck_assert_int_eq(et_query_parse(q), OK);
    ck_assert_str_eq(et_query(q, "title"), "\xec\xa0\x9c\xeb\xaa\xa9 9e6341");
    ck_assert_str_eq(et_query(q, "q"), "a+b");
    ck_assert_str_eq(et_query(q, "name"), "y"); /* the last one, as QueryDict.get() */
    ck_assert_ptr_null(et_query(q, "limit"));
    ck_assert_ptr_null(q->reply);
}
END_TEST

START_TEST(query_without_parse)
{
    /* a route reached without the router still reads a decoded value */
    et_req *q = new_req("department=%EC%BB%B4+%EA%B3%B5", 0);
    ck_assert_str_eq(et_query(q, "department"), "\xec\xbb\xb4 \xea\xb3\xb5");
    q = new_req(NULL, 0);
    ck_assert_ptr_null(et_query(q, "q"));
}
END_TEST

static const struct {
    const char *args;
    const char *field; /* the parameter the error names */
} nul_queries[] = {
    {"q=a%00b", "q"},           {"q=%00", "q"}, {"board=1&title=%00x", "title"}, {"a%00b=1", "a"},
    {"q=ok&name=n%00", "name"},
};

START_TEST(query_nul_is_invalid)
{
    et_req *q = new_req(nul_queries[_i].args, 0);
    json_t *errors, *list;
    ck_assert_int_eq(et_query_parse(q), HTTP_BAD_REQUEST);
    ck_assert_str_eq(str_at(q->reply, "code"), "invalid");
    errors = json_object_get(q->reply, "errors");
    ck_assert_int_eq((int)json_object_size(errors), 1);
    list = json_object_get(errors, nul_queries[_i].field);
    ck_assert_msg(json_is_array(list), "'%s': no error under %s", nul_queries[_i].args,
                  nul_queries[_i].field);
    ck_assert_str_eq(json_string_value(json_array_get(list, 0)),
                     "Null characters are not allowed.");
    /* the parameter is not there to be read cut short */
    ck_assert_ptr_null(et_query(q, nul_queries[_i].field));
}
END_TEST

START_TEST(query_nul_in_korean)
{
    et_req *q = new_req("q=%00", 1);
    json_t *list;
    ck_assert_int_eq(et_query_parse(q), HTTP_BAD_REQUEST);
    list = json_object_get(json_object_get(q->reply, "errors"), "q");
    ck_assert_str_eq(json_string_value(json_array_get(list, 0)), "널 문자는 허용되지 않습니다.");
}
END_TEST

static const struct {
    int status;
    const char *code;
} statuses[] = {
    {HTTP_BAD_REQUEST, "parse_error"},
    {HTTP_UNAUTHORIZED, "not_authenticated"},
    {HTTP_FORBIDDEN, "permission_denied"},
    {HTTP_NOT_FOUND, "not_found"},
    {HTTP_METHOD_NOT_ALLOWED, "method_not_allowed"},
    {HTTP_REQUEST_ENTITY_TOO_LARGE, "payload_too_large"},
    {HTTP_REQUEST_URI_TOO_LARGE, "uri_too_long"},
    {HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"},
    {HTTP_SERVICE_UNAVAILABLE, "service_unavailable"},
    {HTTP_REQUEST_TIME_OUT, "error"},
    {HTTP_INTERNAL_SERVER_ERROR, "error"},
    {HTTP_NOT_IMPLEMENTED, "error"},
};

START_TEST(status_json)
{
    et_req *en = new_req(NULL, 0), *ko = new_req(NULL, 1);
    json_t *e = et_status_json(en, statuses[_i].status), *k;
    k = et_status_json(ko, statuses[_i].status);
    ck_assert_str_eq(str_at(e, "code"), statuses[_i].code);
    ck_assert_str_eq(str_at(k, "code"), statuses[_i].code);
    ck_assert_int_eq((int)json_object_size(e), 2); /* {"detail", "code"} */
    ck_assert_msg(strcmp(str_at(e, "detail"), str_at(k, "detail")) != 0,
                  "%d: the Korean detail is the English one", statuses[_i].status);
    ck_assert_msg((unsigned char)str_at(k, "detail")[0] >= 0xe0, "%d: '%s' is not Korean",
                  statuses[_i].status, str_at(k, "detail"));
    /* httpd's answer carries its own headers */
    ck_assert(apr_is_empty_table(en->r->err_headers_out));
}
END_TEST

START_TEST(status_json_reason)
{
    et_req *q = new_req(NULL, 0);
    ck_assert_str_eq(str_at(et_status_json(q, HTTP_REQUEST_TIME_OUT), "detail"),
                     "Request Timeout.");
    ck_assert_str_eq(str_at(et_status_json(q, HTTP_REQUEST_URI_TOO_LARGE), "detail"),
                     "Request URI is too long.");
}
END_TEST

static const struct {
    apr_status_t rv;
    int status;
    const char *code;
} body_reads[] = {
    {APR_ENOSPC, HTTP_REQUEST_ENTITY_TOO_LARGE, "payload_too_large"}, /* over a limit */
    {APR_EGENERAL, HTTP_BAD_REQUEST, "parse_error"},
    {APR_INCOMPLETE, HTTP_BAD_REQUEST, "parse_error"}, /* the client stopped short */
    {APR_EOF, HTTP_BAD_REQUEST, "parse_error"},
    {APR_TIMEUP, HTTP_REQUEST_TIME_OUT, "error"},
};

START_TEST(body_read_errors)
{
    et_req *q = new_req(NULL, 0);
    ck_assert_int_eq(et_fail_body_read(q, body_reads[_i].rv), body_reads[_i].status);
    ck_assert_str_eq(str_at(q->reply, "code"), body_reads[_i].code);
}
END_TEST

START_TEST(body_read_answered_by_httpd)
{
    et_req *q = new_req(NULL, 0);
    q->reply = et_json_obj(pool); /* whatever was there: httpd has answered */
    ck_assert_int_eq(et_fail_body_read(q, AP_FILTER_ERROR), AP_FILTER_ERROR);
    ck_assert_ptr_null(q->reply);
}
END_TEST

Suite *request_suite(void)
{
    Suite *s = suite_create("request");
    TCase *lang = tcase_create("accept_language"), *u = tcase_create("utf8");

    tcase_add_loop_test(lang, prefers_korean, 0, (int)(sizeof(languages) / sizeof(languages[0])));
    tcase_add_test(lang, prefers_korean_leaves_header_alone);
    suite_add_tcase(s, lang);

    tcase_add_loop_test(u, utf8_chars, 0, (int)(sizeof(utf8) / sizeof(utf8[0])));
    tcase_add_test(u, utf8_long_text);
    suite_add_tcase(s, u);

    u = tcase_create("query");
    tcase_add_checked_fixture(u, setup, teardown);
    tcase_add_test(u, query_plus_is_space);
    tcase_add_test(u, query_without_parse);
    tcase_add_loop_test(u, query_nul_is_invalid, 0,
                        (int)(sizeof(nul_queries) / sizeof(nul_queries[0])));
    tcase_add_test(u, query_nul_in_korean);
    suite_add_tcase(s, u);

    u = tcase_create("errors");
    tcase_add_checked_fixture(u, setup, teardown);
    tcase_add_loop_test(u, status_json, 0, (int)(sizeof(statuses) / sizeof(statuses[0])));
    tcase_add_test(u, status_json_reason);
    tcase_add_loop_test(u, body_read_errors, 0, (int)(sizeof(body_reads) / sizeof(body_reads[0])));
    tcase_add_test(u, body_read_answered_by_httpd);
    suite_add_tcase(s, u);
    return s;
}

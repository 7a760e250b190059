/*
 * test_mail.c: infra/mail.c's message text: RFC 2047 encoded-words (Korean
 * subjects and display names, split between whole characters, at most 75
 * characters each), header injection refused, the headers a mail needs, and
 * the base64 body decoding to the text with CRLF line ends. And
 * infra/util.c's school domain match.
 */
#include "suites.h"
#include "infra/mail.h"
#include "infra/util.h"

#include <apr_base64.h>
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

/* Decodes a header value of encoded-words (folded with CRLF SP) back to
 * its text; fails the test on anything else. Checks each word's length. */
static const char *decode_words(const char *v)
{
    const char *out = "";
    char *copy = apr_pstrdup(pool, v), *last, *w;
    for (w = apr_strtok(copy, "\r\n ", &last); w; w = apr_strtok(NULL, "\r\n ", &last)) {
        apr_size_t n = strlen(w);
        char *text;
        int len;
        ck_assert_msg(n <= 75, "encoded-word of %d characters: %s", (int)n, w);
        ck_assert_msg(!strncmp(w, "=?UTF-8?B?", 10) && !strcmp(w + n - 2, "?="), "not a word: %s",
                      w);
        w[n - 2] = '\0';
        text = apr_palloc(pool, apr_base64_decode_len(w + 10));
        len = apr_base64_decode(text, w + 10);
        text[len] = '\0';
        /* each word holds whole characters: it starts on a lead byte */
        ck_assert_msg(len == 0 || ((unsigned char)text[0] & 0xc0) != 0x80, "split character");
        out = apr_pstrcat(pool, out, text, NULL);
    }
    return out;
}

START_TEST(header_ascii_plain)
{
    ck_assert_str_eq(et_mail_header_text(pool, "Password reset", 0), "Password reset");
    /* "=?" would read as an encoded-word: encoded */
    ck_assert_str_eq(decode_words(et_mail_header_text(pool, "a =?b", 0)), "a =?b");
    /* specials in a display name need quoting; encoding does it */
    ck_assert_str_eq(decode_words(et_mail_header_text(pool, "Everytime, Inc.", 1)),
                     "Everytime, Inc.");
    ck_assert_str_eq(et_mail_header_text(pool, "Everytime, Inc.", 0), "Everytime, Inc.");
}
END_TEST

START_TEST(header_korean)
{
    const char *subject = "[에브리타임] 학교 인증 코드";
    const char *v = et_mail_header_text(pool, subject, 0);
    ck_assert_ptr_nonnull(v);
    ck_assert_msg(!strncmp(v, "=?UTF-8?B?", 10), "%s", v);
    ck_assert_str_eq(decode_words(v), subject);
    ck_assert_str_eq(decode_words(et_mail_header_text(pool, "에브리타임", 1)), "에브리타임");
}
END_TEST

START_TEST(header_long_split)
{
    /* 100 Hangul syllables (300 bytes): several words, none splitting one */
    const char *text = "";
    const char *v;
    int i;
    for (i = 0; i < 100; i++)
        text = apr_pstrcat(pool, text, i % 2 ? "가" : "힣", NULL);
    v = et_mail_header_text(pool, text, 0);
    ck_assert_ptr_nonnull(strstr(v, "?=\r\n =?UTF-8?B?"));
    ck_assert_str_eq(decode_words(v), text);
}
END_TEST

START_TEST(header_refuses)
{
    ck_assert_ptr_null(et_mail_header_text(pool, "bad \xff utf-8", 0));
    ck_assert_ptr_null(et_mail_header_text(pool, "\xed\xa0\x80 surrogate", 0));
    /* a line break is encoded, never the start of a header of its own */
    ck_assert_ptr_null(strstr(et_mail_header_text(pool, "a\r\nBcc: x@y", 0), "Bcc"));
    ck_assert_str_eq(decode_words(et_mail_header_text(pool, "a\r\nBcc: x@y", 0)), "a\r\nBcc: x@y");
}
END_TEST

START_TEST(addresses)
{
    ck_assert(et_mail_address_ok("student@snu.ac.kr"));
    ck_assert(!et_mail_address_ok("student@snu.ac.kr\r\nBcc: x@y.z"));
    ck_assert(!et_mail_address_ok("a b@snu.ac.kr"));
    ck_assert(!et_mail_address_ok("<a@snu.ac.kr>"));
    ck_assert(!et_mail_address_ok("a@b@c"));
    ck_assert(!et_mail_address_ok("@snu.ac.kr"));
    ck_assert(!et_mail_address_ok("a@"));
    ck_assert(!et_mail_address_ok("학생@snu.ac.kr"));
    ck_assert(!et_mail_address_ok(NULL));
}
END_TEST

/* The value of header name in message (up to its CRLF), or NULL. */
static const char *header(const char *msg, const char *name)
{
    const char *end = strstr(msg, "\r\n\r\n"), *h;
    const char *key = apr_pstrcat(pool, "\r\n", name, ": ", NULL);
    msg = apr_pstrcat(pool, "\r\n", msg, NULL);
    end = strstr(msg, "\r\n\r\n");
    h = strstr(msg, key);
    if (!h || h > end)
        return NULL;
    h += strlen(key);
    return apr_pstrmemdup(pool, h, strstr(h, "\r\n") - h);
}

START_TEST(compose)
{
    et_mail_msg m = {"noreply@everytime.example", "에브리타임", "student@snu.ac.kr",
                     "[에브리타임] 학교 인증 코드", "인증 코드: 123456\n10분 안에 입력하세요.\n"};
    /* 2026-12-07T13:53:53Z */
    const char *msg = et_mail_compose(pool, &m, apr_time_from_sec(1796651633)), *body, *id;
    char *plain;
    int len;
    ck_assert_ptr_nonnull(msg);
    ck_assert_str_eq(header(msg, "Date"), "Mon, 07 Dec 2026 13:53:53 +0000");
    id = header(msg, "Message-ID");
    ck_assert_msg(id && id[0] == '<' && strstr(id, "@everytime.example>"), "%s", id);
    ck_assert_str_eq(header(msg, "To"), "student@snu.ac.kr");
    ck_assert_str_eq(decode_words(header(msg, "Subject")), m.subject);
    ck_assert_msg(strstr(header(msg, "From"), " <noreply@everytime.example>"), "%s",
                  header(msg, "From"));
    ck_assert_str_eq(header(msg, "MIME-Version"), "1.0");
    ck_assert_str_eq(header(msg, "Content-Type"), "text/plain; charset=UTF-8");
    ck_assert_str_eq(header(msg, "Content-Transfer-Encoding"), "base64");
    /* the whole message is 7-bit with CRLF line ends */
    for (len = 0; msg[len]; len++) {
        ck_assert_msg(!(msg[len] & 0x80), "8-bit byte at %d", len);
        if (msg[len] == '\n')
            ck_assert_msg(len > 0 && msg[len - 1] == '\r', "bare LF at %d", len);
    }
    body = strstr(msg, "\r\n\r\n") + 4;
    {
        char *joined = apr_pstrdup(pool, body), *o = joined;
        const char *c;
        for (c = body; *c; c++)
            if (*c != '\r' && *c != '\n')
                *o++ = *c;
        *o = '\0';
        plain = apr_palloc(pool, apr_base64_decode_len(joined));
        len = apr_base64_decode(plain, joined);
        plain[len] = '\0';
    }
    ck_assert_str_eq(plain, "인증 코드: 123456\r\n10분 안에 입력하세요.\r\n");
}
END_TEST

START_TEST(compose_refuses)
{
    et_mail_msg m = {"noreply@everytime.example", NULL, "x@y.z\r\nBcc: z@w.v", "s", "b"};
    ck_assert_ptr_null(et_mail_compose(pool, &m, 0));
    m.to = "x@y.z";
    m.body = "\xc3";
    ck_assert_ptr_null(et_mail_compose(pool, &m, 0));
    m.body = "ok";
    ck_assert_ptr_nonnull(et_mail_compose(pool, &m, 0));
    /* no display name: the bare address */
    ck_assert_str_eq(header(et_mail_compose(pool, &m, 0), "From"), "noreply@everytime.example");
}
END_TEST

START_TEST(school_domain)
{
    ck_assert(et_email_in_domain("a@snu.ac.kr", "snu.ac.kr"));
    ck_assert(et_email_in_domain("a@SNU.AC.KR", "snu.ac.kr"));
    ck_assert(et_email_in_domain("a@cs.snu.ac.kr", "snu.ac.kr"));
    ck_assert(et_email_in_domain("a@mail.cs.Snu.ac.kr", "SNU.ac.kr"));
    ck_assert(!et_email_in_domain("a@evilsnu.ac.kr", "snu.ac.kr"));
    ck_assert(!et_email_in_domain("a@evil-snu.ac.kr", "snu.ac.kr"));
    ck_assert(!et_email_in_domain("a@snu.ac.kr.evil.com", "snu.ac.kr"));
    ck_assert(!et_email_in_domain("a@ac.kr", "snu.ac.kr"));
    ck_assert(!et_email_in_domain("snu.ac.kr", "snu.ac.kr"));
    ck_assert(!et_email_in_domain("a@snu.ac.kr", ""));
    ck_assert(!et_email_in_domain("a@snu.ac.kr", NULL));
}
END_TEST

START_TEST(random_codes)
{
    int i, seen[10] = {0};
    for (i = 0; i < 2000; i++) {
        const char *c = et_random_digits(pool, 6);
        int j;
        ck_assert_ptr_nonnull(c);
        ck_assert_int_eq(strlen(c), 6);
        for (j = 0; j < 6; j++) {
            ck_assert(c[j] >= '0' && c[j] <= '9');
            seen[c[j] - '0']++;
        }
    }
    /* 12000 digits: each of the ten about 1200 times, not a skewed few */
    for (i = 0; i < 10; i++)
        ck_assert_msg(seen[i] > 900 && seen[i] < 1500, "digit %d seen %d times", i, seen[i]);
    ck_assert_ptr_null(et_random_digits(pool, 0));
    ck_assert_ptr_null(et_random_digits(pool, 10));
    ck_assert_int_eq(strlen(et_random_token(pool)), 43);
    ck_assert_str_ne(et_random_token(pool), et_random_token(pool));
    /* FIPS 180-2's "abc" */
    ck_assert_str_eq(et_sha256_hex(pool, "abc"),
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

Suite *mail_suite(void)
{
    Suite *s = suite_create("mail");
    TCase *tc = tcase_create("mail");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, header_ascii_plain);
    tcase_add_test(tc, header_korean);
    tcase_add_test(tc, header_long_split);
    tcase_add_test(tc, header_refuses);
    tcase_add_test(tc, addresses);
    tcase_add_test(tc, compose);
    tcase_add_test(tc, compose_refuses);
    tcase_add_test(tc, school_domain);
    tcase_add_test(tc, random_codes);
    suite_add_tcase(s, tc);
    return s;
}

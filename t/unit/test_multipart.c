/*
 * test_multipart.c: the streaming multipart/form-data reader (multipart.c):
 * the boundary from the Content-Type, a body split at every offset (and at
 * every pair of offsets), CRLF and near-delimiter edge cases, refusals
 * (missing file part, huge headers, truncated bodies, two file parts, big
 * fields, a callback that stops), and random chunkings and mutations of a
 * few bodies ("fuzz-ish", with a fixed seed so a failure repeats), which must
 * answer alike however they are cut. t/fuzz/fuzz_multipart.c checks the same
 * properties on what libFuzzer makes up.
 */
#include "suites.h"
#include "domain/multipart.h"

#include <apr_pools.h>
#include <apr_strings.h>
#include <stdio.h>
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

/* What the file callback collected. limit: stop once more than this came. */
typedef struct {
    char *data;
    apr_size_t len, cap, limit;
    int calls;
} sink;

static int collect(void *baton, const char *data, apr_size_t len)
{
    sink *s = baton;
    ck_assert_uint_gt(len, 0);
    if (s->len + len > s->cap) {
        apr_size_t cap = s->cap ? s->cap * 2 : 64;
        char *grown;
        while (cap < s->len + len)
            cap *= 2;
        grown = apr_palloc(pool, cap);
        if (s->len)
            memcpy(grown, s->data, s->len);
        s->data = grown;
        s->cap = cap;
    }
    memcpy(s->data + s->len, data, len);
    s->len += len;
    s->calls++;
    return s->limit && s->len > s->limit;
}

/* Feeds body in the pieces that cuts[0..ncuts) (ascending offsets) make,
 * then finishes. The first error wins. */
static et_mp_status run_cuts(const char *boundary, const char *body, apr_size_t len,
                             const apr_size_t *cuts, int ncuts, sink *out)
{
    apr_pool_t *p; /* one per run: the pair-of-offsets test makes 150,000 readers */
    et_mp *m;
    apr_size_t from = 0;
    et_mp_status rv = ET_MP_OK;
    int i;
    ck_assert_int_eq(apr_pool_create(&p, pool), APR_SUCCESS);
    m = et_mp_create(p, boundary, collect, out);
    for (i = 0; i <= ncuts && rv == ET_MP_OK; i++) {
        apr_size_t to = i < ncuts ? cuts[i] : len;
        rv = et_mp_feed(m, body + from, to - from);
        from = to;
    }
    if (rv == ET_MP_OK)
        rv = et_mp_finish(m);
    ck_assert_uint_eq(et_mp_file_size(m), out->len);
    apr_pool_destroy(p);
    return rv;
}

static et_mp_status run_whole(const char *boundary, const char *body, apr_size_t len, sink *out)
{
    return run_cuts(boundary, body, len, NULL, 0, out);
}

#define LIT(s) (s), (sizeof(s) - 1)

/* ---- the boundary ---------------------------------------------------------- */

#define B70 "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234567"

static const struct {
    const char *content_type;
    const char *boundary; /* NULL: refused */
} boundaries[] = {
    {"multipart/form-data; boundary=abc", "abc"},
    {"multipart/form-data;boundary=abc", "abc"},
    {"Multipart/Form-Data; BOUNDARY=abc", "abc"},
    {"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
     "----WebKitFormBoundary7MA4YWxkTrZu0gW"},
    {"multipart/form-data; boundary=\"quoted boundary:with/=?\"", "quoted boundary:with/=?"},
    {"multipart/form-data; charset=utf-8; boundary=xyz", "xyz"},
    {"multipart/form-data; boundary=xyz; charset=utf-8", "xyz"},
    {"multipart/form-data ; boundary=xyz ;", "xyz"},
    {"multipart/form-data; boundary=" B70, B70},
    {"multipart/form-data; boundary=" B70 "8", NULL}, /* 71 characters */
    {"multipart/form-data", NULL},
    {"multipart/form-data;", NULL},
    {"multipart/form-data; boundary=", NULL},
    {"multipart/form-data; boundary=\"\"", NULL},
    {"multipart/form-data; boundary=\"unterminated", NULL},
    {"multipart/form-data; boundary=\"trailing space \"", NULL},
    {"multipart/form-data; boundary=a<b", NULL},
    {"multipart/form-data; boundary=\"a\\\"b\"", NULL}, /* '"' is not a boundary character */
    {"multipart/form-data; boundary=a; boundary=b", NULL},
    {"multipart/form-data boundary=abc", NULL},
    {"multipart/form-databoundary=abc", NULL},
    {"multipart/mixed; boundary=abc", NULL},
    {"application/octet-stream; boundary=abc", NULL},
    {"", NULL},
    {NULL, NULL},
};

START_TEST(boundary_from_content_type)
{
    const char *got = et_mp_boundary(pool, boundaries[_i].content_type);
    const char *want = boundaries[_i].boundary;
    if (!want)
        ck_assert_msg(got == NULL, "'%s': want no boundary, got '%s'", boundaries[_i].content_type,
                      got);
    else
        ck_assert_msg(got && !strcmp(got, want), "'%s': want '%s', got '%s'",
                      boundaries[_i].content_type, want, got ? got : "(null)");
}
END_TEST

START_TEST(is_form_data)
{
    ck_assert(et_mp_is_form_data("multipart/form-data; boundary=x"));
    ck_assert(et_mp_is_form_data("MULTIPART/FORM-DATA"));
    ck_assert(et_mp_is_form_data("  multipart/form-data"));
    ck_assert(!et_mp_is_form_data("multipart/form-datax"));
    ck_assert(!et_mp_is_form_data("multipart/mixed; boundary=x"));
    ck_assert(!et_mp_is_form_data("image/png"));
    ck_assert(!et_mp_is_form_data(""));
    ck_assert(!et_mp_is_form_data(NULL));
}
END_TEST

/* ---- a sample body, whole and split ----------------------------------------- */

/* preamble, an ignored field, the file (binary, with NUL, CR, LF and dashes),
 * another field, the closing delimiter with padding, an epilogue */
static const char sample[] =
    "This is the preamble, to be ignored.\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"title\"\r\n"
    "\r\n"
    "\xec\x82\xac\xec\xa7\x84 caption\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd.jpg\"\r\n"
    "Content-Type: image/jpeg\r\n"
    "\r\n"
    "\xff\xd8\xff\xe0\0\x10JFIF\0\r\n--XyY\r\n-\r\r\n\n--\r\n--Xy"
    "\r\n"
    "--XyZ   \r\n"
    "content-disposition: FORM-DATA; name=other\r\n"
    "\r\n"
    "x\r\n"
    "--XyZ--  \r\n"
    "epilogue --XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nnot me\r\n--XyZ--\r\n";

static const char sample_file[] = "\xff\xd8\xff\xe0\0\x10JFIF\0\r\n--XyY\r\n-\r\r\n\n--\r\n--Xy";

START_TEST(sample_whole)
{
    sink out = {0};
    ck_assert_int_eq(run_whole("XyZ", LIT(sample), &out), ET_MP_OK);
    ck_assert_uint_eq(out.len, sizeof(sample_file) - 1);
    ck_assert_mem_eq(out.data, sample_file, out.len);
}
END_TEST

START_TEST(sample_split_at_every_offset)
{
    apr_size_t len = sizeof(sample) - 1, k;
    for (k = 0; k <= len; k++) {
        sink out = {0};
        ck_assert_msg(run_cuts("XyZ", sample, len, &k, 1, &out) == ET_MP_OK, "cut at %lu",
                      (unsigned long)k);
        ck_assert_uint_eq(out.len, sizeof(sample_file) - 1);
        ck_assert_mem_eq(out.data, sample_file, out.len);
    }
}
END_TEST

START_TEST(sample_split_at_every_pair_of_offsets)
{
    apr_size_t len = sizeof(sample) - 1, cuts[2];
    for (cuts[0] = 0; cuts[0] <= len; cuts[0]++)
        for (cuts[1] = cuts[0]; cuts[1] <= len; cuts[1]++) {
            sink out = {0};
            ck_assert_msg(run_cuts("XyZ", sample, len, cuts, 2, &out) == ET_MP_OK,
                          "cuts at %lu, %lu", (unsigned long)cuts[0], (unsigned long)cuts[1]);
            ck_assert_uint_eq(out.len, sizeof(sample_file) - 1);
            ck_assert_mem_eq(out.data, sample_file, out.len);
        }
}
END_TEST

START_TEST(sample_byte_by_byte)
{
    apr_size_t len = sizeof(sample) - 1, i;
    apr_size_t *cuts = apr_palloc(pool, sizeof(*cuts) * len);
    sink out = {0};
    for (i = 0; i < len; i++)
        cuts[i] = i + 1;
    ck_assert_int_eq(run_cuts("XyZ", sample, len, cuts, (int)len, &out), ET_MP_OK);
    ck_assert_mem_eq(out.data, sample_file, sizeof(sample_file) - 1);
}
END_TEST

/* ---- CRLF and near-delimiter edge cases, each split at every offset ---------- */

static const struct {
    const char *what;
    const char *boundary;
    const char *body;
    apr_size_t body_len;
    const char *file;
    apr_size_t file_len;
} edges[] = {
#define EDGE(what, b, body, file)                               \
    {                                                           \
        what, b, body, sizeof(body) - 1, file, sizeof(file) - 1 \
    }
    EDGE("empty file", "b", "--b\r\nContent-Disposition: form-data; name=file\r\n\r\n\r\n--b--",
         ""),
    EDGE("file that is one CRLF", "b",
         "--b\r\nContent-Disposition: form-data; name=file\r\n\r\n\r\n\r\n--b--", "\r\n"),
    EDGE("file ending in CR", "b",
         "--b\r\nContent-Disposition: form-data; name=file\r\n\r\nab\r\r\n--b--", "ab\r"),
    EDGE("file ending in CRLF-", "b",
         "--b\r\nContent-Disposition: form-data; name=file\r\n\r\nab\r\n-\r\n--b--", "ab\r\n-"),
    EDGE("delimiter without its CRLF is content", "bnd",
         "--bnd\r\nContent-Disposition: form-data; name=file\r\n\r\n--bnd\n--bnd\r--bnd\r\n--bnd--",
         "--bnd\n--bnd\r--bnd"),
    EDGE("almost a delimiter", "bnd",
         "--bnd\r\nContent-Disposition: form-data; "
         "name=file\r\n\r\n\r\n--bn\r\n--b\r\n-\r\n\r\n--bnd--",
         "\r\n--bn\r\n--b\r\n-\r\n"),
    EDGE("CR CR LF before the delimiter", "b",
         "--b\r\nContent-Disposition: form-data; name=file\r\n\r\nx\r\r\r\n--b--", "x\r\r"),
    EDGE("a boundary of dashes", "--",
         "----\r\nContent-Disposition: form-data; name=file\r\n\r\n\r\n---\r\n--\r\n-x---"
         "\r\n------",
         "\r\n---\r\n--\r\n-x---"),
    EDGE("a repeated letter boundary", "aaa",
         "--aaa\r\nContent-Disposition: form-data; name=file\r\n\r\n\r\n--aa\r\n--aab\r\n"
         "--aa\r\n--aaa--",
         "\r\n--aa\r\n--aab\r\n--aa"),
    EDGE("a CRLF before the first delimiter", "b",
         "\r\n--b\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--b--\r\n", "abc"),
    EDGE("a preamble that contains the boundary without CRLF", "b",
         "x--b\r\n--b\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--b--", "abc"),
    EDGE("padding after delimiters", "b",
         "--b \t \r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--b\t\r\n"
         "Content-Disposition: form-data; name=x\r\n\r\ny\r\n--b--",
         "abc"),
    EDGE("no closing CRLF and an epilogue", "b",
         "--b\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--b--garbage\r\n--b",
         "abc"),
    EDGE("headers besides the disposition", "b",
         "--b\r\nContent-Type: text/plain\r\nX-Other: 1\r\nContent-Disposition: form-data; "
         "filename=\"a;b.png\"; name=\"file\"\r\n\r\nabc\r\n--b--",
         "abc"),
    EDGE("a field named like the file, in another case", "b",
         "--b\r\nContent-Disposition: form-data; name=\"File\"\r\n\r\nno\r\n--b\r\n"
         "Content-Disposition: form-data; name=\"file\"\r\n\r\nyes\r\n--b--",
         "yes"),
#undef EDGE
};

START_TEST(edge_cases)
{
    apr_size_t k;
    for (k = 0; k <= edges[_i].body_len; k++) {
        sink out = {0};
        et_mp_status rv =
            run_cuts(edges[_i].boundary, edges[_i].body, edges[_i].body_len, &k, 1, &out);
        ck_assert_msg(rv == ET_MP_OK, "%s, cut at %lu: %s", edges[_i].what, (unsigned long)k,
                      et_mp_status_text(rv));
        ck_assert_msg(out.len == edges[_i].file_len &&
                          !memcmp(out.data ? out.data : "", edges[_i].file, out.len),
                      "%s, cut at %lu: wrong file bytes (%lu)", edges[_i].what, (unsigned long)k,
                      (unsigned long)out.len);
    }
}
END_TEST

/* ---- refusals ----------------------------------------------------------------- */

static const struct {
    const char *what;
    const char *body;
    apr_size_t len;
    et_mp_status want;
} refusals[] = {
#define BAD(what, body, want)              \
    {                                      \
        what, body, sizeof(body) - 1, want \
    }
    BAD("empty body", "", ET_MP_EMISSING),
    BAD("no delimiter at all", "just some text\r\n", ET_MP_EMISSING),
    BAD("only other fields", "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--",
        ET_MP_EMISSING),
    BAD("only the closing delimiter", "--b--\r\n", ET_MP_EMISSING),
    BAD("no closing delimiter",
        "--b\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--b\r\n", ET_MP_ETRUNCATED),
    BAD("cut in the file", "--b\r\nContent-Disposition: form-data; name=file\r\n\r\nabc",
        ET_MP_ETRUNCATED),
    BAD("cut in the headers", "--b\r\nContent-Disposition: form-data; na", ET_MP_ETRUNCATED),
    BAD("cut after the last delimiter",
        "--b\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--b", ET_MP_ETRUNCATED),
    BAD("cut after one closing dash",
        "--b\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--b-", ET_MP_ETRUNCATED),
    BAD("two file parts",
        "--b\r\nContent-Disposition: form-data; name=file\r\n\r\na\r\n--b\r\n"
        "Content-Disposition: form-data; name=\"file\"\r\n\r\nb\r\n--b--",
        ET_MP_EDUPLICATE),
    BAD("no Content-Disposition", "--b\r\nContent-Type: image/png\r\n\r\nabc\r\n--b--",
        ET_MP_ESYNTAX),
    BAD("no headers at all", "--b\r\n\r\nabc\r\n--b--", ET_MP_ESYNTAX),
    BAD("not form-data", "--b\r\nContent-Disposition: attachment; name=file\r\n\r\nx\r\n--b--",
        ET_MP_ESYNTAX),
    BAD("no name", "--b\r\nContent-Disposition: form-data; filename=a.png\r\n\r\nx\r\n--b--",
        ET_MP_ESYNTAX),
    BAD("two dispositions",
        "--b\r\nContent-Disposition: form-data; name=file\r\nContent-Disposition: form-data; "
        "name=x\r\n\r\nx\r\n--b--",
        ET_MP_ESYNTAX),
    BAD("a header line without a colon",
        "--b\r\nContent-Disposition: form-data; name=file\r\nbogus\r\n\r\nx\r\n--b--",
        ET_MP_ESYNTAX),
    BAD("an unterminated quoted name",
        "--b\r\nContent-Disposition: form-data; name=\"file\r\n\r\nx\r\n--b--", ET_MP_ESYNTAX),
    BAD("a NUL in the headers",
        "--b\r\nContent-Disposition: form-data; name=file\r\nX: \0\r\n\r\nx\r\n--b--",
        ET_MP_ESYNTAX),
    BAD("text right after the boundary",
        "--bx\r\nContent-Disposition: form-data; name=file\r\n"
        "\r\nx\r\n--b--",
        ET_MP_ESYNTAX),
    BAD("a bare LF after the boundary",
        "--b\nContent-Disposition: form-data; name=file\r\n"
        "\r\nx\r\n--b--",
        ET_MP_ESYNTAX),
    BAD("padding then text", "--b  x\r\n", ET_MP_ESYNTAX),
#undef BAD
};

START_TEST(refused)
{
    apr_size_t k;
    /* the same answer wherever the body is cut */
    for (k = 0; k <= refusals[_i].len; k++) {
        sink out = {0};
        et_mp_status rv = run_cuts("b", refusals[_i].body, refusals[_i].len, &k, 1, &out);
        ck_assert_msg(rv == refusals[_i].want, "%s, cut at %lu: got '%s', want '%s'",
                      refusals[_i].what, (unsigned long)k, et_mp_status_text(rv),
                      et_mp_status_text(refusals[_i].want));
    }
}
END_TEST

/* A part whose header block is n bytes long, ending in the empty line. */
static char *body_with_header_block(apr_size_t n, apr_size_t *len)
{
    const char *head = "--b\r\nContent-Disposition: form-data; name=file\r\nX-Pad: ";
    const char *tail = "\r\n\r\nabc\r\n--b--";
    apr_size_t hn = strlen(head), tn = strlen(tail), block_fixed = hn - 5 + 4, pad;
    char *body;
    ck_assert_uint_ge(n, block_fixed);
    pad = n - block_fixed; /* the block starts after "--b\r\n" */
    *len = hn + pad + tn;
    body = apr_palloc(pool, *len);
    memcpy(body, head, hn);
    memset(body + hn, 'p', pad);
    memcpy(body + hn + pad, tail, tn);
    return body;
}

START_TEST(header_block_at_the_cap)
{
    apr_size_t len;
    char *body = body_with_header_block(ET_MP_HEADER_CAP, &len);
    sink out = {0};
    ck_assert_int_eq(run_whole("b", body, len, &out), ET_MP_OK);
    ck_assert_uint_eq(out.len, 3);
}
END_TEST

START_TEST(header_block_over_the_cap)
{
    apr_size_t len, k;
    char *body = body_with_header_block(ET_MP_HEADER_CAP + 1, &len);
    for (k = 0; k <= len; k += 97) {
        sink out = {0};
        ck_assert_int_eq(run_cuts("b", body, len, &k, 1, &out), ET_MP_EHEADER_SIZE);
    }
}
END_TEST

START_TEST(endless_header_line)
{
    /* a header that never ends fails once the cap is passed, not at the end */
    et_mp *m = et_mp_create(pool, "b", collect, &(sink){0});
    char chunk[1000];
    int i;
    et_mp_status rv = et_mp_feed(m, LIT("--b\r\nX: "));
    memset(chunk, 'h', sizeof(chunk));
    for (i = 0; i < 100 && rv == ET_MP_OK; i++)
        rv = et_mp_feed(m, chunk, sizeof(chunk));
    ck_assert_int_eq(rv, ET_MP_EHEADER_SIZE);
    ck_assert_int_le(i, ET_MP_HEADER_CAP / (int)sizeof(chunk) + 1);
    ck_assert_int_eq(et_mp_feed(m, LIT("\r\n\r\n")), ET_MP_EHEADER_SIZE);
    ck_assert_int_eq(et_mp_finish(m), ET_MP_EHEADER_SIZE);
}
END_TEST

START_TEST(other_fields_are_bounded)
{
    const char *head = "--b\r\nContent-Disposition: form-data; name=big\r\n\r\n";
    apr_size_t hn = strlen(head), len = hn + ET_MP_FIELDS_CAP + 100;
    char *body = apr_palloc(pool, len);
    sink out = {0};
    memcpy(body, head, hn);
    memset(body + hn, 'f', len - hn);
    ck_assert_int_eq(run_whole("b", body, len, &out), ET_MP_EFIELDS_SIZE);
}
END_TEST

START_TEST(many_small_fields_are_bounded)
{
    static const char part[] = "--b\r\nContent-Disposition: form-data; name=f\r\n\r\nv\r\n";
    et_mp *m = et_mp_create(pool, "b", collect, &(sink){0});
    et_mp_status rv = ET_MP_OK;
    int i;
    for (i = 0; i < 10000 && rv == ET_MP_OK; i++)
        rv = et_mp_feed(m, LIT(part));
    ck_assert_int_eq(rv, ET_MP_EFIELDS_SIZE);
}
END_TEST

START_TEST(callback_stops_the_reader)
{
    static const char body[] =
        "--b\r\nContent-Disposition: form-data; name=file\r\n\r\n0123456789\r\n--b--";
    apr_size_t k;
    for (k = 0; k < sizeof(body); k++) {
        sink out = {0};
        out.limit = 5;
        ck_assert_int_eq(run_cuts("b", LIT(body), &k, 1, &out), ET_MP_EABORT);
        ck_assert_uint_gt(out.len, 5);
    }
    {
        sink out = {.limit = 5};
        et_mp *m = et_mp_create(pool, "b", collect, &out);
        ck_assert_int_eq(et_mp_feed(m, LIT(body)), ET_MP_EABORT);
        ck_assert_int_eq(et_mp_feed(m, LIT("more")), ET_MP_EABORT);
        ck_assert_int_eq(et_mp_finish(m), ET_MP_EABORT);
    }
}
END_TEST

START_TEST(nothing_delivered_from_other_parts)
{
    static const char body[] =
        "preamble\r\n--b\r\nContent-Disposition: form-data; name=a\r\n\r\nAAAA\r\n--b\r\n"
        "Content-Disposition: form-data; name=c\r\n\r\nCCCC\r\n--b--\r\n";
    sink out = {0};
    ck_assert_int_eq(run_whole("b", LIT(body), &out), ET_MP_EMISSING);
    ck_assert_uint_eq(out.len, 0);
    ck_assert_int_eq(out.calls, 0);
}
END_TEST

START_TEST(large_file_in_big_chunks)
{
    /* 1 MiB of bytes with plenty of CRs, LFs and dashes, fed 64 KiB at a time */
    const char *head = "--AaB03x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n";
    const char *tail = "\r\n--AaB03x--\r\n";
    apr_size_t hn = strlen(head), tn = strlen(tail), fn = 1 << 20, len = hn + fn + tn, i;
    char *body = apr_palloc(pool, len);
    apr_size_t cuts[17];
    sink out = {0};
    unsigned int x = 12345;
    memcpy(body, head, hn);
    for (i = 0; i < fn; i++) {
        x = x * 1103515245u + 12345u;
        body[hn + i] = "\r\n-AaB03x"[(x >> 16) % 9];
    }
    memcpy(body + hn + fn, tail, tn);
    for (i = 0; i < 17; i++)
        cuts[i] = (i + 1) * 65536 < len ? (i + 1) * 65536 : len;
    ck_assert_int_eq(run_cuts("AaB03x", body, len, cuts, 17, &out), ET_MP_OK);
    ck_assert_uint_eq(out.len, fn);
    ck_assert_mem_eq(out.data, body + hn, fn);
}
END_TEST

/* ---- fuzz-ish: random chunkings and mutations ------------------------------------ */

/* A small PRNG of our own, so runs repeat on every libc. */
static unsigned int rnd_state;
static unsigned int rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 16) & 0x7fff;
}

/* cuts: 0..8 random ascending offsets of len */
static int random_cuts(apr_size_t len, apr_size_t *cuts)
{
    int n = (int)(rnd() % 9), i, j;
    for (i = 0; i < n; i++)
        cuts[i] = len ? rnd() % (len + 1) : 0;
    for (i = 1; i < n; i++) /* insertion sort */
        for (j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
            apr_size_t t = cuts[j];
            cuts[j] = cuts[j - 1];
            cuts[j - 1] = t;
        }
    return n;
}

START_TEST(fuzz_random_chunkings)
{
    int round;
    rnd_state = 20240401u;
    for (round = 0; round < 3000; round++) {
        apr_size_t cuts[8];
        int n, which = round % 3;
        sink out = {0};
        et_mp_status rv, want;
        const char *b, *body, *file;
        apr_size_t len, flen;
        if (which == 0) {
            b = "XyZ", body = sample, len = sizeof(sample) - 1;
            file = sample_file, flen = sizeof(sample_file) - 1, want = ET_MP_OK;
        } else if (which == 1) {
            int e = (int)(rnd() % (sizeof(edges) / sizeof(edges[0])));
            b = edges[e].boundary, body = edges[e].body, len = edges[e].body_len;
            file = edges[e].file, flen = edges[e].file_len, want = ET_MP_OK;
        } else {
            int e = (int)(rnd() % (sizeof(refusals) / sizeof(refusals[0])));
            b = "b", body = refusals[e].body, len = refusals[e].len;
            file = NULL, flen = 0, want = refusals[e].want;
        }
        n = random_cuts(len, cuts);
        rv = run_cuts(b, body, len, cuts, n, &out);
        ck_assert_msg(rv == want, "round %d: got '%s', want '%s'", round, et_mp_status_text(rv),
                      et_mp_status_text(want));
        if (file) {
            ck_assert_uint_eq(out.len, flen);
            ck_assert_mem_eq(out.data ? out.data : "", file, flen);
        }
    }
}
END_TEST

/* What holds for any body, valid or not: read whole and read in the pieces
 * cuts[] makes, it gives the same status and the same file bytes (a streaming
 * reader may not depend on where the feeds end); those bytes hold no
 * delimiter and appear in the body as they are. */
static void check_any_body(const char *boundary, const char *body, apr_size_t len,
                           const apr_size_t *cuts, int ncuts, const char *what, int round)
{
    sink whole = {0}, pieces = {0};
    et_mp_status a = run_whole(boundary, body, len, &whole);
    et_mp_status b = run_cuts(boundary, body, len, cuts, ncuts, &pieces);
    const char *delim = apr_pstrcat(pool, "\r\n--", boundary, NULL);
    apr_size_t dlen = strlen(delim), i;
    ck_assert_msg(a == b, "%s %d: whole '%s', in pieces '%s'", what, round, et_mp_status_text(a),
                  et_mp_status_text(b));
    ck_assert_msg(whole.len == pieces.len && !memcmp(whole.data ? whole.data : "",
                                                     pieces.data ? pieces.data : "", whole.len),
                  "%s %d: the file bytes depend on the cuts (%lu, %lu)", what, round,
                  (unsigned long)whole.len, (unsigned long)pieces.len);
    for (i = 0; i + dlen <= whole.len; i++)
        ck_assert_msg(memcmp(whole.data + i, delim, dlen) != 0,
                      "%s %d: a delimiter inside the file bytes", what, round);
    if (whole.len) {
        int found = 0;
        for (i = 0; !found && i + whole.len <= len; i++)
            found = !memcmp(body + i, whole.data, whole.len);
        ck_assert_msg(found, "%s %d: file bytes that are not in the body", what, round);
    }
}

START_TEST(fuzz_mutations_keep_the_properties)
{
    /* flipped, dropped and inserted bytes: any status will do, as long as it
     * and the file bytes are the same however the body is cut */
    apr_size_t base_len = sizeof(sample) - 1;
    char *body = apr_palloc(pool, base_len + 16);
    int round;
    rnd_state = 77u;
    for (round = 0; round < 3000; round++) {
        apr_size_t len = base_len, cuts[8];
        int edits = 1 + (int)(rnd() % 4), e, n;
        memcpy(body, sample, base_len);
        for (e = 0; e < edits; e++) {
            apr_size_t at = rnd() % len;
            switch (rnd() % 3) {
            case 0:
                body[at] = (char)rnd();
                break;
            case 1:
                memmove(body + at, body + at + 1, len - at - 1);
                len--;
                break;
            default:
                memmove(body + at + 1, body + at, len - at);
                body[at] = "\r\n-XyZ"[rnd() % 6];
                len++;
                break;
            }
        }
        n = random_cuts(len, cuts);
        check_any_body("XyZ", body, len, cuts, n, "mutation", round);
    }
}
END_TEST

START_TEST(fuzz_random_garbage_keeps_the_properties)
{
    static const char alphabet[] = "\r\n-b:; =\"Content-Disposition form-data name file\0\xff";
    char body[600];
    int round;
    rnd_state = 4242u;
    for (round = 0; round < 3000; round++) {
        apr_size_t len = rnd() % sizeof(body), i, cuts[8];
        int n;
        for (i = 0; i < len; i++)
            body[i] = alphabet[rnd() % (sizeof(alphabet) - 1)];
        n = random_cuts(len, cuts);
        check_any_body("b", body, len, cuts, n, "garbage", round);
    }
}
END_TEST

Suite *multipart_suite(void)
{
    Suite *s = suite_create("multipart");
    TCase *tc = tcase_create("boundary");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, boundary_from_content_type, 0,
                        (int)(sizeof(boundaries) / sizeof(boundaries[0])));
    tcase_add_test(tc, is_form_data);
    suite_add_tcase(s, tc);

    tc = tcase_create("split");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, sample_whole);
    tcase_add_test(tc, sample_split_at_every_offset);
    tcase_add_test(tc, sample_split_at_every_pair_of_offsets);
    tcase_add_test(tc, sample_byte_by_byte);
    tcase_add_loop_test(tc, edge_cases, 0, (int)(sizeof(edges) / sizeof(edges[0])));
    tcase_add_test(tc, large_file_in_big_chunks);
    suite_add_tcase(s, tc);

    tc = tcase_create("refusals");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, refused, 0, (int)(sizeof(refusals) / sizeof(refusals[0])));
    tcase_add_test(tc, header_block_at_the_cap);
    tcase_add_test(tc, header_block_over_the_cap);
    tcase_add_test(tc, endless_header_line);
    tcase_add_test(tc, other_fields_are_bounded);
    tcase_add_test(tc, many_small_fields_are_bounded);
    tcase_add_test(tc, callback_stops_the_reader);
    tcase_add_test(tc, nothing_delivered_from_other_parts);
    suite_add_tcase(s, tc);

    tc = tcase_create("fuzz");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fuzz_random_chunkings);
    tcase_add_test(tc, fuzz_mutations_keep_the_properties);
    tcase_add_test(tc, fuzz_random_garbage_keeps_the_properties);
    suite_add_tcase(s, tc);
    return s;
}

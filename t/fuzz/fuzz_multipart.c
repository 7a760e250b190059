/*
 * fuzz_multipart.c: the streaming multipart/form-data reader (multipart.c).
 *
 * Input: one selector byte, then the body. The selector picks the boundary
 * (short, long, self-overlapping, the browsers' kind) and how the body is cut
 * into feeds. Properties:
 *  - a body read whole and the same body read in pieces give the same status
 *    and the same file bytes (the reader is a streaming one: where the feeds
 *    end must not matter);
 *  - et_mp_file_size counts exactly the bytes the callback received;
 *  - the file bytes hold no delimiter, and appear in the body as they are;
 *  - once failed, the reader answers the same error to every later call.
 * The rest of the input also goes through the Content-Type parser, whose
 * boundary must be one that RFC 2046 allows.
 */
#include "fuzz.h"
#include "domain/multipart.h"

#include <apr_strings.h>
#include <string.h>

static const char *const boundaries[] = {
    "b",
    "XyZ",
    "aab", /* the delimiter "\r\n--aab" has borders for KMP to fall back on */
    "----WebKitFormBoundary7MA4YWxkTrZu0gW",
    "--",
};
#define NBOUNDARIES (sizeof(boundaries) / sizeof(boundaries[0]))

typedef struct {
    char *data;
    apr_size_t len, cap;
} sink;

static int collect(void *baton, const char *data, apr_size_t len)
{
    sink *s = baton;
    ET_FUZZ_CHECK(len > 0);
    if (s->len + len > s->cap) {
        apr_size_t cap = s->cap ? s->cap : 256;
        while (cap < s->len + len)
            cap *= 2;
        s->data = realloc(s->data, cap);
        ET_FUZZ_CHECK(s->data != NULL);
        s->cap = cap;
    }
    memcpy(s->data + s->len, data, len);
    s->len += len;
    return 0;
}

/* Reads body in pieces of step bytes (0: whole), then finishes. */
static et_mp_status run(apr_pool_t *p, const char *boundary, const char *body, size_t len,
                        size_t step, sink *out)
{
    et_mp *m = et_mp_create(p, boundary, collect, out);
    et_mp_status rv = ET_MP_OK, again;
    size_t at = 0;
    while (at < len && rv == ET_MP_OK) {
        size_t n = step && len - at > step ? step : len - at;
        rv = et_mp_feed(m, body + at, n);
        at += n;
    }
    if (rv == ET_MP_OK)
        rv = et_mp_finish(m);
    ET_FUZZ_CHECK(et_mp_file_size(m) == out->len);
    if (rv != ET_MP_OK) {
        again = et_mp_feed(m, "x", 1);
        ET_FUZZ_CHECK(again == rv);
        ET_FUZZ_CHECK(et_mp_finish(m) == rv);
    }
    return rv;
}

static const char *find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    size_t i;
    if (nlen == 0)
        return hay;
    for (i = 0; i + nlen <= hlen; i++)
        if (!memcmp(hay + i, needle, nlen))
            return hay + i;
    return NULL;
}

static void check_content_type(apr_pool_t *p, const char *text)
{
    const char *b = et_mp_boundary(p, text);
    size_t n, i;
    if (!b)
        return;
    ET_FUZZ_CHECK(et_mp_is_form_data(text));
    n = strlen(b);
    ET_FUZZ_CHECK(n >= 1 && n <= ET_MP_BOUNDARY_MAX);
    ET_FUZZ_CHECK(b[n - 1] != ' ');
    for (i = 0; i < n; i++)
        ET_FUZZ_CHECK(strchr("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "'()+_,-./:=? ",
                             b[i]) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *boundary, *delim, *body;
    size_t len, step;
    sink whole = {0}, pieces = {0};
    et_mp_status a, b;
    if (size < 1)
        return 0;
    p = et_fuzz_begin();
    boundary = boundaries[data[0] % NBOUNDARIES];
    step = 1 + data[0] / NBOUNDARIES % 16; /* 1..16 bytes a feed */
    body = et_fuzz_text(p, data + 1, size - 1);
    len = size - 1;

    a = run(p, boundary, body, len, 0, &whole);
    b = run(p, boundary, body, len, step, &pieces);
    ET_FUZZ_CHECK(a == b);
    ET_FUZZ_CHECK(whole.len == pieces.len);
    ET_FUZZ_CHECK(whole.len == 0 || !memcmp(whole.data, pieces.data, whole.len));
    ET_FUZZ_CHECK(whole.len <= len);
    delim = apr_pstrcat(p, "\r\n--", boundary, NULL);
    ET_FUZZ_CHECK(!find(whole.data, whole.len, delim, strlen(delim)));
    ET_FUZZ_CHECK(whole.len == 0 || find(body, len, whole.data, whole.len));
    if (a == ET_MP_OK)
        ET_FUZZ_CHECK(find(body, len, delim, strlen(delim)) != NULL);

    check_content_type(p, body);
    free(whole.data);
    free(pieces.data);
    et_fuzz_end(p);
    return 0;
}

/*
 * fuzz_util.c: the decoders and parsers of util.c.
 *
 * Input: any bytes, read by each function in turn. Properties:
 *  - et_b64url_decode accepts only canonical text: what it decodes encodes
 *    back to the same text; anything encoded decodes back to the bytes;
 *  - et_parse_i64 agrees with strtoll on the strict grammar (an optional '-',
 *    then 1 to 18 digits), and parses back what et_i64_text prints;
 *  - et_is_uuid agrees with a plain check of the 8-4-4-4-12 hex form;
 *  - et_like_contains wraps the text in '%' with every '%', '_' and '!'
 *    escaped by '!', and unescapes back to it.
 */
#include "fuzz.h"
#include "infra/util.h"

#include <apr_strings.h>
#include <errno.h>
#include <string.h>

static void check_b64(apr_pool_t *p, const uint8_t *data, size_t size, const char *text)
{
    apr_size_t n = 0, m = 0;
    size_t tlen = strlen(text);
    unsigned char *raw = et_b64url_decode(p, text, tlen, &n), *back;
    const char *enc;
    if (raw) {
        ET_FUZZ_CHECK(n == tlen * 3 / 4);
        ET_FUZZ_CHECK(!strcmp(et_b64url_encode(p, raw, n), text));
    }
    enc = et_b64url_encode(p, data, size);
    back = et_b64url_decode(p, enc, strlen(enc), &m);
    ET_FUZZ_CHECK(back && m == size && (size == 0 || !memcmp(back, data, size)));
}

static int strict_grammar(const char *s)
{
    size_t digits;
    if (*s == '-')
        s++;
    digits = strspn(s, "0123456789");
    return digits >= 1 && digits <= 18 && s[digits] == '\0';
}

static void check_i64(apr_pool_t *p, const char *text)
{
    apr_int64_t v = 0, back = 0;
    int rv = et_parse_i64(text, &v);
    ET_FUZZ_CHECK((rv == 0) == strict_grammar(text));
    if (rv == 0) {
        errno = 0;
        ET_FUZZ_CHECK(v == (apr_int64_t)strtoll(text, NULL, 10) && errno == 0);
        ET_FUZZ_CHECK(et_parse_i64(et_i64_text(p, v), &back) == 0 && back == v);
    }
}

static int reference_uuid(const char *s)
{
    size_t i;
    if (strlen(s) != 36)
        return 0;
    for (i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
            return 0;
    }
    return 1;
}

static void check_like(apr_pool_t *p, const char *text)
{
    const char *out = et_like_contains(p, text);
    size_t n = strlen(out), i, j = 0, tlen = strlen(text);
    char *plain = apr_palloc(p, n + 1);
    ET_FUZZ_CHECK(n >= 2 && out[0] == '%' && out[n - 1] == '%');
    for (i = 1; i + 1 < n; i++) {
        if (out[i] == '!') {
            ET_FUZZ_CHECK(i + 2 < n && strchr("%_!", out[i + 1]));
            i++;
        } else {
            ET_FUZZ_CHECK(out[i] != '%' && out[i] != '_');
        }
        plain[j++] = out[i];
    }
    plain[j] = '\0';
    ET_FUZZ_CHECK(j == tlen && !strcmp(plain, text));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = et_fuzz_begin();
    const char *text = et_fuzz_text(p, data, size);
    check_b64(p, data, size, text);
    check_i64(p, text);
    ET_FUZZ_CHECK(et_is_uuid(text) == reference_uuid(text));
    check_like(p, text);
    et_fuzz_end(p);
    return 0;
}

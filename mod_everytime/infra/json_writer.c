/*
 * json_writer.c: the one-pass JSON writer of json_writer.h. What jansson
 * would escape, this escapes the same way: the two quotes-or-backslash
 * characters, \b \f \n \r \t by name, every other control character as
 * \u00XX with upper-case hex; everything else (including U+007F and all of
 * non-ASCII) goes out as it is.
 */
#include "infra/json_writer.h"

#include <apr_strings.h>

et_jbuf *et_jbuf_make(apr_pool_t *p, apr_size_t size)
{
    et_jbuf *b = apr_palloc(p, sizeof(*b));
    b->pool = p;
    b->cap = size ? size : 256;
    b->data = apr_palloc(p, b->cap);
    b->len = 0;
    return b;
}

/* Room for n more bytes. The old block stays in the pool: a reply grows a
 * few times at most (the callers size it for a usual page). */
static void reserve(et_jbuf *b, apr_size_t n)
{
    char *bigger;
    apr_size_t cap = b->cap;
    if (b->len + n <= b->cap)
        return;
    while (cap < b->len + n)
        cap *= 2;
    bigger = apr_palloc(b->pool, cap);
    memcpy(bigger, b->data, b->len);
    b->data = bigger;
    b->cap = cap;
}

void et_jbuf_raw(et_jbuf *b, const char *text, apr_size_t len)
{
    reserve(b, len);
    memcpy(b->data + b->len, text, len);
    b->len += len;
}

int et_utf8_seq_len(const unsigned char *s)
{
    unsigned c = s[0], v;
    int n, i;
    if (c < 0x80)
        return 1;
    if (c < 0xC2 || c > 0xF4)
        return 0; /* a continuation byte, an overlong lead, or past U+10FFFF */
    n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    v = c & (0x7F >> n);
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0; /* also stops at the string's NUL */
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || (v >= 0xD800 && v <= 0xDFFF) ||
        v > 0x10FFFF)
        return 0;
    return n;
}

/* The escape of an ASCII character jansson escapes, written to out (up to 6
 * bytes): its length, 0 for a character that goes out as it is. */
static int escape(unsigned char c, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *named = NULL;
    switch (c) {
    case '"':
        named = "\\\"";
        break;
    case '\\':
        named = "\\\\";
        break;
    case '\b':
        named = "\\b";
        break;
    case '\f':
        named = "\\f";
        break;
    case '\n':
        named = "\\n";
        break;
    case '\r':
        named = "\\r";
        break;
    case '\t':
        named = "\\t";
        break;
    default:
        if (c >= 0x20)
            return 0;
        memcpy(out, "\\u00", 4);
        out[4] = hex[c >> 4];
        out[5] = hex[c & 15];
        return 6;
    }
    memcpy(out, named, 2);
    return 2;
}

/* 1 when every sequence of s is valid UTF-8 (checked before a byte is
 * written, so a refused string leaves nothing behind). */
static int utf8_valid(const unsigned char *s)
{
    while (*s) {
        int n = et_utf8_seq_len(s);
        if (!n)
            return 0;
        s += n;
    }
    return 1;
}

void et_jbuf_str(et_jbuf *b, const char *key, const char *val)
{
    const unsigned char *s = (const unsigned char *)val, *run;
    if (!val) {
        et_jbuf_lit(b, "null");
        return;
    }
    if (!utf8_valid(s)) {
        et_json_refuse(b->pool, key);
        et_jbuf_lit(b, "null");
        return;
    }
    reserve(b, 2);
    b->data[b->len++] = '"';
    for (run = s; *s; s++) {
        char esc[6];
        int n = *s < 0x80 ? escape(*s, esc) : 0;
        if (!n)
            continue;
        et_jbuf_raw(b, (const char *)run, (apr_size_t)(s - run));
        et_jbuf_raw(b, esc, (apr_size_t)n);
        run = s + 1;
    }
    et_jbuf_raw(b, (const char *)run, (apr_size_t)(s - run));
    et_jbuf_lit(b, "\"");
}

void et_jbuf_int(et_jbuf *b, apr_int64_t val)
{
    char text[24], *end = text + sizeof(text), *d = end;
    apr_uint64_t u = val < 0 ? (apr_uint64_t)0 - (apr_uint64_t)val : (apr_uint64_t)val;
    do {
        *--d = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (val < 0)
        *--d = '-';
    et_jbuf_raw(b, d, (apr_size_t)(end - d));
}

void et_jbuf_bool(et_jbuf *b, int val)
{
    if (val)
        et_jbuf_lit(b, "true");
    else
        et_jbuf_lit(b, "false");
}

static int dump_to_jbuf(const char *buf, size_t len, void *data)
{
    et_jbuf_raw(data, buf, len);
    return 0;
}

void et_jbuf_json(et_jbuf *b, json_t *v)
{
    if (!v) {
        et_jbuf_lit(b, "null");
        return;
    }
    json_dump_callback(v, dump_to_jbuf, b, ET_JSON_DUMP_FLAGS);
}

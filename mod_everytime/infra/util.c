/*
 * util.c: ids, times, base64url, form decoding. Pure functions over APR, so the unit tests
 * can exercise exactly what ships.
 */
#include "infra/util.h"

#include <apr_strings.h>
#include <apr_general.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <openssl/evp.h>

const char *et_uuid(apr_pool_t *p)
{
    unsigned char b[16];
    static const char hex[] = "0123456789abcdef";
    char *out = apr_palloc(p, ET_UUID_LEN + 1);
    int i, j = 0;

    if (apr_generate_random_bytes(b, sizeof(b)) != APR_SUCCESS)
        return NULL;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[j++] = '-';
        out[j++] = hex[b[i] >> 4];
        out[j++] = hex[b[i] & 0x0f];
    }
    out[j] = '\0';
    return out;
}

int et_is_uuid(const char *s)
{
    int i;
    if (!s || strlen(s) != ET_UUID_LEN)
        return 0;
    for (i = 0; i < ET_UUID_LEN; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return 0;
        }
    }
    return 1;
}

const char *et_time_rfc3339(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t e;
    if (apr_time_exp_gmt(&e, t) != APR_SUCCESS)
        return NULL;
    return apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", e.tm_year + 1900, e.tm_mon + 1,
                        e.tm_mday, e.tm_hour, e.tm_min, e.tm_sec, e.tm_usec);
}

const char *et_cell_time(apr_pool_t *p, const char *cell)
{
    return cell ? et_time_rfc3339(p, apr_atoi64(cell)) : NULL;
}

const char *et_i64_text(apr_pool_t *p, apr_int64_t v)
{
    return apr_psprintf(p, "%" APR_INT64_T_FMT, v);
}

int et_parse_i64(const char *s, apr_int64_t *out)
{
    const char *d = s;
    char *end;
    apr_int64_t v;
    if (!s || !*s)
        return -1;
    if (*d == '-')
        d++;
    if (!*d || strspn(d, "0123456789") != strlen(d) || strlen(d) > 18)
        return -1;
    errno = 0;
    v = apr_strtoi64(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

const char *et_like_contains(apr_pool_t *p, const char *text)
{
    apr_size_t n = strlen(text), i, j = 0;
    char *out = apr_palloc(p, 2 * n + 3);
    out[j++] = '%';
    for (i = 0; i < n; i++) {
        if (text[i] == '%' || text[i] == '_' || text[i] == '!')
            out[j++] = '!';
        out[j++] = text[i];
    }
    out[j++] = '%';
    out[j] = '\0';
    return out;
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const char *et_b64url_encode(apr_pool_t *p, const unsigned char *d, apr_size_t len)
{
    char *out = apr_palloc(p, (len + 2) / 3 * 4 + 1);
    apr_size_t i, j = 0;
    for (i = 0; i + 2 < len; i += 3) {
        out[j++] = b64url[d[i] >> 2];
        out[j++] = b64url[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
        out[j++] = b64url[((d[i + 1] & 15) << 2) | (d[i + 2] >> 6)];
        out[j++] = b64url[d[i + 2] & 63];
    }
    if (len - i == 1) {
        out[j++] = b64url[d[i] >> 2];
        out[j++] = b64url[(d[i] & 3) << 4];
    } else if (len - i == 2) {
        out[j++] = b64url[d[i] >> 2];
        out[j++] = b64url[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
        out[j++] = b64url[(d[i + 1] & 15) << 2];
    }
    out[j] = '\0';
    return out;
}

static int b64url_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

unsigned char *et_b64url_decode(apr_pool_t *p, const char *text, apr_size_t n, apr_size_t *outlen)
{
    unsigned char *out;
    apr_size_t i, j = 0;
    unsigned int acc = 0;
    int bits = 0;

    if (n % 4 == 1)
        return NULL;
    out = apr_palloc(p, n / 4 * 3 + 3);
    for (i = 0; i < n; i++) {
        int v = b64url_value(text[i]);
        if (v < 0)
            return NULL;
        acc = (acc << 6) | (unsigned int)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[j++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* leftover bits must be zero, or the text is not canonical */
    if (acc != 0)
        return NULL;
    out[j] = '\0';
    *outlen = j;
    return out;
}

int et_secure_equal(const void *a, const void *b, apr_size_t len)
{
    const volatile unsigned char *x = a, *y = b;
    unsigned char diff = 0;
    apr_size_t i;
    for (i = 0; i < len; i++)
        diff |= x[i] ^ y[i];
    return diff == 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One component, decoded the WHATWG way: '+' is a space, %XX a byte, and a
 * '%' without two hex digits after it is kept (so is Django's QueryDict). */
static const char *form_unescape(apr_pool_t *p, const char *s, apr_size_t n, apr_size_t *len)
{
    char *out = apr_palloc(p, n + 1);
    apr_size_t i, j = 0;
    for (i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '+') {
            out[j++] = ' ';
        } else if (s[i] == '%' && i + 2 < n && (hi = hex_value(s[i + 1])) >= 0 &&
                   (lo = hex_value(s[i + 2])) >= 0) {
            out[j++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
    *len = j;
    return out;
}

apr_array_header_t *et_form_decode(apr_pool_t *p, const char *s)
{
    apr_array_header_t *fields = apr_array_make(p, 8, sizeof(et_form_field));
    while (s && *s) {
        apr_size_t n = strcspn(s, "&");
        const char *eq = memchr(s, '=', n);
        if (n > 0) {
            et_form_field *f = apr_array_push(fields);
            apr_size_t name_n = eq ? (apr_size_t)(eq - s) : n;
            f->name = form_unescape(p, s, name_n, &f->name_len);
            f->value =
                form_unescape(p, s + name_n + (eq ? 1 : 0), eq ? n - name_n - 1 : 0, &f->value_len);
        }
        s += n;
        if (*s == '&')
            s++;
    }
    return fields;
}

int et_email_in_domain(const char *email, const char *domain)
{
    const char *at = strrchr(email, '@');
    apr_size_t n, d;
    if (!at || !domain || !*domain)
        return 0;
    n = strlen(++at);
    d = strlen(domain);
    if (n == d)
        return !strcasecmp(at, domain);
    /* a subdomain: the label boundary before the school's domain */
    return n > d && at[n - d - 1] == '.' && !strcasecmp(at + n - d, domain);
}

const char *et_random_digits(apr_pool_t *p, int digits)
{
    apr_uint32_t limit = 1, v;
    int i;
    char *out;
    if (digits < 1 || digits > 9)
        return NULL;
    for (i = 0; i < digits; i++)
        limit *= 10;
    /* rejection sampling: only the values below the largest multiple of
     * limit, so that every code is equally likely */
    do {
        if (apr_generate_random_bytes((unsigned char *)&v, sizeof(v)) != APR_SUCCESS)
            return NULL;
    } while (v >= APR_UINT32_MAX - APR_UINT32_MAX % limit);
    out = apr_psprintf(p, "%0*u", digits, (unsigned)(v % limit));
    return out;
}

const char *et_random_token(apr_pool_t *p)
{
    unsigned char rnd[32];
    if (apr_generate_random_bytes(rnd, sizeof(rnd)) != APR_SUCCESS)
        return NULL;
    return et_b64url_encode(p, rnd, sizeof(rnd));
}

const char *et_sha256_hex(apr_pool_t *p, const char *text)
{
    unsigned char md[32];
    unsigned int n = 0, i;
    char *hex = apr_palloc(p, 65);
    EVP_Digest(text, strlen(text), md, &n, EVP_sha256(), NULL);
    for (i = 0; i < 32; i++)
        apr_snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return hex;
}

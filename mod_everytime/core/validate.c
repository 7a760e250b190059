/*
 * validate.c: the JSON body's field readers: DRF's rules and messages for strings,
 * integers, booleans and email addresses, and UTF-8 text.
 */
#include "core/validate.h"
#include "infra/util.h"

#include <apr_lib.h>

long et_utf8_chars(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    long n = 0;
    while (*u) {
        int extra;
        if (*u < 0x80)
            extra = 0;
        else if ((*u & 0xe0) == 0xc0 && *u >= 0xc2)
            extra = 1;
        else if ((*u & 0xf0) == 0xe0)
            extra = 2;
        else if ((*u & 0xf8) == 0xf0 && *u <= 0xf4)
            extra = 3;
        else
            return -1;
        /* overlongs, UTF-16 surrogates and code points past U+10FFFF */
        if ((*u == 0xe0 && u[1] < 0xa0) || (*u == 0xed && u[1] > 0x9f) ||
            (*u == 0xf0 && u[1] < 0x90) || (*u == 0xf4 && u[1] > 0x8f))
            return -1;
        u++;
        while (extra--) {
            if ((*u & 0xc0) != 0x80)
                return -1;
            u++;
        }
        n++;
    }
    return n;
}

int et_body_has(const et_req *q, const char *field)
{
    return q->body && json_object_get(q->body, field) != NULL;
}

/* The field's JSON value, or NULL after recording "required" when needed. */
static json_t *body_field(et_req *q, const char *field, int flags)
{
    json_t *v = q->body ? json_object_get(q->body, field) : NULL;
    if (!v && (flags & ET_REQUIRED))
        et_field_error(q, field, ET_M_REQUIRED, 0);
    if (v && json_is_null(v)) {
        if (!(flags & ET_NULLABLE))
            et_field_error(q, field, ET_M_NULL, 0);
        return NULL;
    }
    return v;
}

/* What a number/boolean reader answers when body_field gave nothing: 0 for
 * absent or an accepted null, -1 when an error was recorded. */
static int absent_result(const et_req *q, const char *field, int flags)
{
    json_t *v = q->body ? json_object_get(q->body, field) : NULL;
    if (!v)
        return (flags & ET_REQUIRED) ? -1 : 0;
    return json_is_null(v) && (flags & ET_NULLABLE) ? 0 : -1;
}

static const char *trim(apr_pool_t *p, const char *s, apr_size_t len)
{
    apr_size_t a = 0, b = len;
    while (a < b && apr_isspace(s[a]))
        a++;
    while (b > a && apr_isspace(s[b - 1]))
        b--;
    return apr_pstrmemdup(p, s + a, b - a);
}

const char *et_body_str(et_req *q, const char *field, int flags, int min_len, int max_len)
{
    json_t *v = body_field(q, field, flags);
    const char *s;
    apr_size_t bytes;
    long chars;
    if (!v)
        return NULL;
    if (!json_is_string(v)) {
        et_field_error(q, field, ET_M_NOT_STRING, 0);
        return NULL;
    }
    bytes = json_string_length(v);
    if (memchr(json_string_value(v), '\0', bytes)) {
        et_field_error(q, field, ET_M_NUL_CHAR, 0);
        return NULL;
    }
    s = flags & ET_KEEP_SPACE ? apr_pstrmemdup(q->r->pool, json_string_value(v), bytes)
                              : trim(q->r->pool, json_string_value(v), bytes);
    if (!*s && !(flags & ET_ALLOW_BLANK)) {
        et_field_error(q, field, ET_M_BLANK, 0);
        return NULL;
    }
    chars = et_utf8_chars(s);
    if (max_len > 0 && chars > max_len) {
        et_field_error(q, field, ET_M_MAX_LENGTH, max_len);
        return NULL;
    }
    if (*s && chars < min_len) {
        et_field_error(q, field, ET_M_MIN_LENGTH, min_len);
        return NULL;
    }
    return s;
}

int et_body_int(et_req *q, const char *field, int flags, apr_int64_t min, apr_int64_t max,
                apr_int64_t *out)
{
    json_t *v = body_field(q, field, flags);
    apr_int64_t n;
    if (!v)
        return absent_result(q, field, flags);
    if (json_is_integer(v)) {
        n = (apr_int64_t)json_integer_value(v);
    } else if (json_is_string(v) && et_parse_i64(json_string_value(v), &n) == 0) {
        /* DRF's IntegerField takes "5" as well as 5 */
    } else {
        et_field_error(q, field, ET_M_NOT_INT, 0);
        return -1;
    }
    if (n < min) {
        et_field_error(q, field, ET_M_MIN_VALUE, min);
        return -1;
    }
    if (n > max) {
        et_field_error(q, field, ET_M_MAX_VALUE, max);
        return -1;
    }
    *out = n;
    return 1;
}

int et_body_bool(et_req *q, const char *field, int flags, int *out)
{
    json_t *v = body_field(q, field, flags);
    if (!v)
        return absent_result(q, field, flags);
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
    } else if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
        *out = (int)json_integer_value(v);
    } else if (json_is_string(v) &&
               (!strcmp(json_string_value(v), "true") || !strcmp(json_string_value(v), "false"))) {
        *out = !strcmp(json_string_value(v), "true");
    } else {
        et_field_error(q, field, ET_M_NOT_BOOL, 0);
        return -1;
    }
    return 1;
}

/* Django's EmailValidator in spirit: one @, a non-empty local part without
 * spaces, and a dotted domain of letters, digits and hyphens. */
static int email_ok(const char *s)
{
    const char *at = strchr(s, '@'), *d, *label;
    if (!at || at == s || strchr(at + 1, '@') || strpbrk(s, " \t\r\n\"<>()[],;:\\"))
        return 0;
    d = at + 1;
    if (!strchr(d, '.'))
        return 0;
    for (label = d; *label; label++)
        if (!(apr_isalnum(*label) || *label == '-' || *label == '.'))
            return 0;
    return d[0] != '.' && d[0] != '-' && d[strlen(d) - 1] != '.' && !strstr(d, "..");
}

const char *et_body_email(et_req *q, const char *field, int flags)
{
    const char *s = et_body_str(q, field, flags, 0, 254);
    if (s && !email_ok(s)) {
        et_field_error(q, field, ET_M_EMAIL, 0);
        return NULL;
    }
    return s;
}

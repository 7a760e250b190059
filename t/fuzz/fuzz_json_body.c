/*
 * fuzz_json_body.c: the JSON body readers of request.c on a fake request.
 *
 * Input: the request body. It goes through et_read_json_body (size cap,
 * content type, parse, "an object"), served by the stub input filter, and,
 * when it was an object, through every field reader (et_body_str, _int, _bool,
 * _email) for the names the routes use and for every key it holds, with
 * several flag sets. Properties:
 *  - what a reader hands back obeys the limits it was given (length in
 *    characters, trimmed, not blank unless allowed, no NUL; integers within
 *    min..max; booleans 0 or 1; an email with one '@');
 *  - a reader records a field error exactly when it refuses a value that was
 *    there (absent and accepted null are not errors);
 *  - the error reply can always be built.
 * The body text also goes through et_utf8_chars, compared with a reference
 * decoder of RFC 3629, and through et_prefers_korean.
 */
#include "fuzz.h"
#include "../unit/stubs.h"
#include "core/body.h"
#include "core/errors.h"
#include "core/lang.h"
#include "core/request.h"
#include "core/validate.h"

#include <apr_buckets.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <string.h>

#define MAX_BODY 2048

static const char *const fields[] = {"title",        "content", "email", "password", "id",
                                     "is_anonymous", "limit",   "name",  "",         "a.b"};

static const struct {
    int flags, min, max;
} str_rules[] = {
    {0, 0, 0},
    {ET_REQUIRED, 1, 20},
    {ET_KEEP_SPACE | ET_ALLOW_BLANK, 0, 5},
    {ET_NULLABLE | ET_ALLOW_BLANK, 2, 100},
    {ET_REQUIRED | ET_KEEP_SPACE, 8, 128},
};

static et_req *fake_request(apr_pool_t *p, const uint8_t *data, size_t size)
{
    request_rec *r = apr_pcalloc(p, sizeof(*r));
    et_req *q = apr_pcalloc(p, sizeof(*q));
    et_srv_conf *conf = apr_pcalloc(p, sizeof(*conf));
    r->pool = p;
    r->connection = apr_pcalloc(p, sizeof(conn_rec));
    r->connection->bucket_alloc = apr_bucket_alloc_create(p);
    r->headers_in = apr_table_make(p, 4);
    r->err_headers_out = apr_table_make(p, 4);
    apr_table_setn(r->headers_in, "Content-Type", "application/json; charset=utf-8");
    conf->max_body = MAX_BODY;
    q->r = r;
    q->conf = conf;
    q->ko = size > 0 && (data[0] & 1);
    et_stub_set_input((const char *)data, size);
    return q;
}

/* Field errors recorded under name so far. */
static size_t errors_of(const et_req *q, const char *name)
{
    json_t *list = q->errors ? json_object_get(q->errors, name) : NULL;
    return list ? json_array_size(list) : 0;
}

/* The field is there, and not a null the flags accept. */
static int given(const et_req *q, const char *name, int flags)
{
    json_t *v = json_object_get(q->body, name);
    return v && !(json_is_null(v) && (flags & ET_NULLABLE));
}

static void check_str(et_req *q, const char *name, int flags, int min, int max)
{
    size_t before = errors_of(q, name), n;
    const char *s = et_body_str(q, name, flags, min, max);
    long chars;
    if (!s) {
        if (given(q, name, flags) || (flags & ET_REQUIRED && !json_object_get(q->body, name)))
            ET_FUZZ_CHECK(errors_of(q, name) == before + 1);
        else
            ET_FUZZ_CHECK(errors_of(q, name) == before);
        return;
    }
    ET_FUZZ_CHECK(errors_of(q, name) == before);
    chars = et_utf8_chars(s);
    n = strlen(s);
    ET_FUZZ_CHECK(chars >= 0);
    ET_FUZZ_CHECK(json_string_length(json_object_get(q->body, name)) >= n);
    ET_FUZZ_CHECK(max <= 0 || chars <= max);
    ET_FUZZ_CHECK(n == 0 || chars >= min);
    ET_FUZZ_CHECK(n > 0 || (flags & ET_ALLOW_BLANK));
    if (!(flags & ET_KEEP_SPACE) && n > 0)
        ET_FUZZ_CHECK(!apr_isspace(s[0]) && !apr_isspace(s[n - 1]));
}

static void check_int(et_req *q, const char *name, int flags, apr_int64_t min, apr_int64_t max)
{
    size_t before = errors_of(q, name);
    apr_int64_t v = 0;
    int rv = et_body_int(q, name, flags, min, max, &v);
    ET_FUZZ_CHECK(rv == 1 || rv == 0 || rv == -1);
    ET_FUZZ_CHECK(errors_of(q, name) == before + (rv == -1));
    if (rv == 1)
        ET_FUZZ_CHECK(v >= min && v <= max);
    if (rv == 0)
        ET_FUZZ_CHECK(!given(q, name, flags));
}

static void check_bool(et_req *q, const char *name, int flags)
{
    size_t before = errors_of(q, name);
    int v = 7, rv = et_body_bool(q, name, flags, &v);
    ET_FUZZ_CHECK(errors_of(q, name) == before + (rv == -1));
    if (rv == 1)
        ET_FUZZ_CHECK(v == 0 || v == 1);
}

static void check_field(et_req *q, const char *name)
{
    const char *email;
    size_t i;
    for (i = 0; i < sizeof(str_rules) / sizeof(str_rules[0]); i++)
        check_str(q, name, str_rules[i].flags, str_rules[i].min, str_rules[i].max);
    check_int(q, name, 0, 1, APR_INT64_MAX);
    check_int(q, name, ET_REQUIRED | ET_NULLABLE, -5, 5);
    check_int(q, name, 0, APR_INT64_MIN, APR_INT64_MAX);
    check_bool(q, name, 0);
    check_bool(q, name, ET_REQUIRED | ET_NULLABLE);
    email = et_body_email(q, name, 0);
    if (email) {
        const char *at = strchr(email, '@');
        ET_FUZZ_CHECK(at && at != email && !strchr(at + 1, '@'));
    }
    (void)et_body_has(q, name);
}

/* RFC 3629, byte by byte: the number of characters, or -1. */
static long reference_utf8(const unsigned char *s)
{
    long count = 0;
    while (*s) {
        unsigned c = *s, need, min, cp, i;
        if (c < 0x80)
            need = 0, min = 0, cp = c;
        else if (c >= 0xc2 && c <= 0xdf)
            need = 1, min = 0x80, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            need = 2, min = 0x800, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3, min = 0x10000, cp = c & 0x07;
        else
            return -1;
        for (i = 1; i <= need; i++) {
            if ((s[i] & 0xc0) != 0x80)
                return -1;
            cp = (cp << 6) | (s[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return -1;
        s += need + 1;
        count++;
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = et_fuzz_begin();
    const char *text = et_fuzz_text(p, data, size);
    et_req *q = fake_request(p, data, size);
    int status = et_read_json_body(q), ko;

    ET_FUZZ_CHECK(et_utf8_chars(text) == reference_utf8((const unsigned char *)text));
    ko = et_prefers_korean(text);
    ET_FUZZ_CHECK(ko == 0 || ko == 1);

    if (status == OK) {
        const char *key;
        json_t *v;
        size_t i;
        ET_FUZZ_CHECK(json_is_object(q->body));
        for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
            check_field(q, fields[i]);
        json_object_foreach(q->body, key, v)
        {
            check_field(q, key);
        }
        if (et_has_errors(q))
            ET_FUZZ_CHECK(et_fail_invalid(q) == HTTP_BAD_REQUEST);
    } else {
        ET_FUZZ_CHECK(status == HTTP_BAD_REQUEST || status == HTTP_REQUEST_ENTITY_TOO_LARGE ||
                      status == HTTP_UNSUPPORTED_MEDIA_TYPE);
        ET_FUZZ_CHECK(size > 0);
    }
    ET_FUZZ_CHECK(status != HTTP_REQUEST_ENTITY_TOO_LARGE || size > MAX_BODY);
    if (q->reply)
        ET_FUZZ_CHECK(json_is_object(q->reply));
    et_fuzz_end(p);
    return 0;
}

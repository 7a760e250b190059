/*
 * util.h: small pure helpers with no httpd dependency (unit-tested).
 */
#ifndef ET_UTIL_H
#define ET_UTIL_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#define ET_UUID_LEN 36

/* A random (version 4) UUID in its 36-character text form. */
const char *et_uuid(apr_pool_t *p);
/* True when s is a 36-character UUID in lowercase or uppercase hex. */
int et_is_uuid(const char *s);

/* RFC 3339 in UTC with microseconds, e.g. "2023-04-08T05:16:49.897442Z". */
const char *et_time_rfc3339(apr_pool_t *p, apr_time_t t);
/* RFC 3339 of a database cell holding microseconds; NULL for a NULL cell. */
const char *et_cell_time(apr_pool_t *p, const char *cell);
/* Decimal text of an integer, from a pool. */
const char *et_i64_text(apr_pool_t *p, apr_int64_t v);
/* Strict decimal parse: only digits with an optional leading '-'; 0 on success. */
int et_parse_i64(const char *s, apr_int64_t *out);

/* base64url without padding. Decode refuses characters outside the alphabet,
 * padding and impossible lengths, and returns NULL then. */
const char *et_b64url_encode(apr_pool_t *p, const unsigned char *data, apr_size_t len);
unsigned char *et_b64url_decode(apr_pool_t *p, const char *text, apr_size_t textlen,
                                apr_size_t *outlen);

/* A LIKE pattern matching text anywhere: "%text%", with %, _ and the escape
 * character itself escaped by '!' (SQL: LIKE pattern ESCAPE '!'), so that
 * they match literally; the same on SQLite, PostgreSQL and MariaDB. */
const char *et_like_contains(apr_pool_t *p, const char *text);

/* True when the domain part of email is domain or a subdomain of it,
 * compared without regard to ASCII case: "a@cs.snu.ac.kr" is at "snu.ac.kr",
 * "a@evilsnu.ac.kr" is not. An empty domain matches nothing. */
int et_email_in_domain(const char *email, const char *domain);

/* digits decimal digits (1..9) drawn uniformly from the system's CSPRNG
 * (apr_generate_random_bytes), or NULL when it cannot be read. */
const char *et_random_digits(apr_pool_t *p, int digits);
/* 32 bytes of the CSPRNG as base64url (43 characters), or NULL. */
const char *et_random_token(apr_pool_t *p);
/* SHA-256 of the NUL-terminated text, as 64 lowercase hex digits. */
const char *et_sha256_hex(apr_pool_t *p, const char *text);

/* Constant-time comparison of two equal-length buffers. */
int et_secure_equal(const void *a, const void *b, apr_size_t len);

/* One name=value pair of an application/x-www-form-urlencoded string, both
 * decoded and NUL-terminated; a length beyond strlen() means that a NUL
 * (%00) was decoded inside. */
typedef struct {
    const char *name;
    apr_size_t name_len;
    const char *value;
    apr_size_t value_len;
} et_form_field;

/* Decodes a query string as browsers, axios and Django read it: pairs split
 * on '&' (empty ones skipped), name and value on the first '=' (no '=' is the
 * value ""), '+' is a space, %XX a byte, and a '%' without two hex digits
 * after it stays as it is. The et_form_field array, in order. */
apr_array_header_t *et_form_decode(apr_pool_t *p, const char *query);

#endif

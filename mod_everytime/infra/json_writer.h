/*
 * json_writer.h: JSON text written straight into one growing buffer, for
 * replies that are lists of rows (a page of posts, a thread of comments).
 * Building a jansson tree of every row and dumping it costs most of such a
 * request; this writes each value once, escaping each string once. The text
 * is byte-for-byte what et_json_send dumps for the same values (compact,
 * keys in the order written, strings escaped as jansson escapes them), so a
 * route may switch between the two without a client seeing a difference
 * (t/unit/test_json_writer.c compares them).
 */
#ifndef ET_JSON_WRITER_H
#define ET_JSON_WRITER_H

#include "infra/json.h"

typedef struct et_jbuf {
    apr_pool_t *pool;
    char *data; /* not NUL-terminated */
    apr_size_t len;
    apr_size_t cap;
} et_jbuf;

/* An empty buffer of the pool, with room for size bytes before it grows. */
et_jbuf *et_jbuf_make(apr_pool_t *p, apr_size_t size);

/* Text that is JSON already: punctuation and keys ("{\"id\":"). */
void et_jbuf_raw(et_jbuf *b, const char *text, apr_size_t len);
#define et_jbuf_lit(b, literal) et_jbuf_raw((b), (literal), sizeof(literal) - 1)

/* A JSON string, or null for NULL. A string that is not UTF-8 cannot be
 * written: null goes in its place and key is recorded on the pool as
 * et_json_set_str records it (the router answers 500, et_json_error). */
void et_jbuf_str(et_jbuf *b, const char *key, const char *val);
void et_jbuf_int(et_jbuf *b, apr_int64_t val);
void et_jbuf_bool(et_jbuf *b, int val);
/* A jansson value, dumped as et_json_send dumps it. */
void et_jbuf_json(et_jbuf *b, json_t *v);

/* The length of the valid UTF-8 sequence at s (1 to 4), 0 when none starts
 * there: jansson's rules (no overlong forms, no surrogates, nothing above
 * U+10FFFF). */
int et_utf8_seq_len(const unsigned char *s);

#endif

/*
 * cursor.h: keyset pagination. A cursor is the sort key of the last row a
 * page showed, sealed with an HMAC so a client cannot forge one that reads
 * rows it was not shown; a garbage or tampered cursor is 400, never 500.
 * The MAC covers the name of the list that made the cursor, so one list's
 * cursor is refused by another, and its key is derived from the token
 * signing key for cursors only (et_cursor_derive_key), never the key itself.
 */
#ifndef ET_CURSOR_H
#define ET_CURSOR_H

#include "infra/db.h"
#include "core/request.h"

#define ET_PAGE_DEFAULT 20
#define ET_PAGE_MAX     100

typedef struct et_page {
    const char *list; /* the list's name, which its cursors carry */
    int limit;        /* rows to show: 1..ET_PAGE_MAX */
    int has_cursor;   /* 0 for the first page */
    apr_int64_t key1; /* the last row shown: e.g. hot_at or id */
    apr_int64_t key2; /* a tie-breaker (id), 0 when unused */
} et_page;

/* Reads ?limit= and ?cursor= for the list named list (a constant such as
 * "posts" or "comments": a cursor made by another list is refused). OK, or
 * 400 already set up on q. */
int et_page_read(et_req *q, et_page *page, const char *list);

/* The cursor of the named list that continues after a row with these keys. */
const char *et_cursor_make(et_req *q, const char *list, apr_int64_t key1, apr_int64_t key2);

/* A page query fetches limit + 1 rows, to know whether another page follows.
 * The number of rows to show: */
int et_page_shown(const et_page *page, const et_rows *rows);
/* The cursor after the last row shown, made of its key columns (key2_col < 0:
 * none), or NULL when this is the last page. */
const char *et_page_next(et_req *q, const et_page *page, const et_rows *rows, int key1_col,
                         int key2_col);

/* {"results": list, "next": next or null}, owned by the request pool as
 * every builder's value (json.h); list is shared, not taken. */
json_t *et_page_json(et_req *q, json_t *list, const char *next);

/* Pure helpers, for the unit tests. */
/* ?limit= as DRF's paginators read it: a whole number of at least 1, where
 * more than ET_PAGE_MAX means ET_PAGE_MAX; -1 for anything else. */
int et_page_limit_parse(const char *text);
/* Seal and open with an explicit cursor key; open answers 0, or -1 for a
 * cursor that is malformed, tampered with or made by another list. */
const char *et_cursor_seal(apr_pool_t *p, const unsigned char key[ET_CURSOR_KEY_LEN],
                           const char *list, apr_int64_t key1, apr_int64_t key2);
int et_cursor_open(apr_pool_t *p, const unsigned char key[ET_CURSOR_KEY_LEN], const char *list,
                   const char *text, apr_int64_t *key1, apr_int64_t *key2);
/* The cursor key of a configuration whose alg and sign_key are set: NULL, or
 * an error text naming the directive. */
const char *et_cursor_derive_key(apr_pool_t *p, const et_srv_conf *c,
                                 unsigned char out[ET_CURSOR_KEY_LEN]);

#endif

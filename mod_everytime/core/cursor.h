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
/* The most rows a page query fetches (ET_PAGE_MAX and one more, to know
 * whether another page follows), as SQL text (test_cursor.c checks it). */
#define ET_PAGE_FETCH_MAX_SQL "101"

/*
 * The end of a page query: its order, and the page's rows as its last
 * argument (%lld: the limit and one more).
 *
 * PostgreSQL needs another form. A prepared statement gets a generic plan,
 * planned once without its arguments' values, only if that plan looks no
 * dearer than the plans made for the values; and without a value, LIMIT $n
 * looks like 10 % of the rows the query could return, thousands of posts,
 * whose joins it would hash instead of looking up. So every execution was
 * planned anew, and planning cost four times the execution (bench/README.md).
 * ET_SQL_PAGE_PG caps the query at a constant it can see, then cuts the
 * page out of those rows, in the same order, by the argument: the plan
 * looks like what it is, one index walk of a few rows, and is kept. The
 * query goes between ET_SQL_PAGE_PG_HEAD and ET_SQL_PAGE_PG(order, outer),
 * where outer is order over the query's own columns, read as the table p:
 * p.id DESC for p.id DESC, but p.sort_key DESC for s.created_at DESC.
 * Rows are read on demand, so the cap is never read beyond the page.
 */
#define ET_SQL_PAGE(order)  "ORDER BY " order " LIMIT %lld"
#define ET_SQL_PAGE_PG_HEAD "SELECT * FROM ("
#define ET_SQL_PAGE_PG(order, outer) \
    "ORDER BY " order " LIMIT " ET_PAGE_FETCH_MAX_SQL ") p ORDER BY " outer " LIMIT %lld"

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

/* At start-up, for a configuration whose alg and sign_key are set: derives
 * c->cursor_key and makes its MAC (c->cursor_mac). NULL, or an error text. */
const char *et_cursor_setup(apr_pool_t *p, et_srv_conf *c);

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
/* Seal and open with a cursor key's MAC (et_hmac_make of the key); seal
 * answers NULL only when OpenSSL fails, open 0, or -1 for a cursor that is
 * malformed, tampered with or made by another list. */
const char *et_cursor_seal(apr_pool_t *p, const et_hmac *key, const char *list, apr_int64_t key1,
                           apr_int64_t key2);
int et_cursor_open(apr_pool_t *p, const et_hmac *key, const char *list, const char *text,
                   apr_int64_t *key1, apr_int64_t *key2);
/* The cursor key of a configuration whose alg and sign_key are set: NULL, or
 * an error text naming the directive. */
const char *et_cursor_derive_key(apr_pool_t *p, const et_srv_conf *c,
                                 unsigned char out[ET_CURSOR_KEY_LEN]);

#endif

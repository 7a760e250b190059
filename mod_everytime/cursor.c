/*
 * cursor.c: "<base64url of key1:key2>.<base64url of a truncated HMAC>".
 * The MAC key is derived from the token signing key, so every server that
 * shares the configuration accepts every other's cursors.
 */
#include "cursor.h"
#include "util.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>

#define MAC_BYTES 12

static void mac(const unsigned char *key, apr_size_t keylen, const char *text, apr_size_t n,
                unsigned char out[EVP_MAX_MD_SIZE])
{
    unsigned int len = 0;
    HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)text, n, out, &len);
}

const char *et_cursor_seal(apr_pool_t *p, const unsigned char *key, apr_size_t keylen,
                           apr_int64_t key1, apr_int64_t key2)
{
    const char *body = apr_psprintf(p, "%" APR_INT64_T_FMT ":%" APR_INT64_T_FMT, key1, key2);
    const char *b = et_b64url_encode(p, (const unsigned char *)body, strlen(body));
    unsigned char m[EVP_MAX_MD_SIZE];
    mac(key, keylen, b, strlen(b), m);
    return apr_pstrcat(p, b, ".", et_b64url_encode(p, m, MAC_BYTES), NULL);
}

int et_cursor_open(apr_pool_t *p, const unsigned char *key, apr_size_t keylen,
                   const char *text, apr_int64_t *key1, apr_int64_t *key2)
{
    const char *dot = text ? strchr(text, '.') : NULL;
    unsigned char m[EVP_MAX_MD_SIZE], *given, *body;
    apr_size_t glen, blen;
    char *colon;
    if (!dot || strlen(text) > 200)
        return -1;
    given = et_b64url_decode(p, dot + 1, strlen(dot + 1), &glen);
    mac(key, keylen, text, (apr_size_t)(dot - text), m);
    if (!given || glen != MAC_BYTES || CRYPTO_memcmp(given, m, MAC_BYTES) != 0)
        return -1;
    body = et_b64url_decode(p, text, (apr_size_t)(dot - text), &blen);
    if (!body || !(colon = strchr((char *)body, ':')))
        return -1;
    *colon = '\0';
    return et_parse_i64((char *)body, key1) || et_parse_i64(colon + 1, key2) ? -1 : 0;
}

const char *et_cursor_make(et_req *q, apr_int64_t key1, apr_int64_t key2)
{
    return et_cursor_seal(q->r->pool, q->conf->sign_key, q->conf->sign_key_len, key1, key2);
}

int et_page_read(et_req *q, et_page *page)
{
    const char *limit = et_query(q, "limit"), *cursor = et_query(q, "cursor");
    apr_int64_t n = ET_PAGE_DEFAULT;
    page->limit = ET_PAGE_DEFAULT;
    page->has_cursor = 0;
    page->key1 = page->key2 = 0;
    if (limit && (et_parse_i64(limit, &n) || n < 1 || n > ET_PAGE_MAX))
        et_field_error_text(q, "limit", "Ensure limit is a whole number from 1 to 100.",
                            "limit은 1에서 100 사이의 정수여야 합니다.");
    if (cursor && et_cursor_open(q->r->pool, q->conf->sign_key, q->conf->sign_key_len, cursor,
                                 &page->key1, &page->key2))
        et_field_error_text(q, "cursor", "Invalid cursor.", "유효하지 않은 커서입니다.");
    if (et_has_errors(q))
        return et_fail_invalid(q);
    page->limit = (int)n;
    page->has_cursor = cursor != NULL;
    return OK;
}

int et_page_shown(const et_page *page, const et_rows *rows)
{
    return rows->nrows > page->limit ? page->limit : rows->nrows;
}

const char *et_page_next(et_req *q, const et_page *page, const et_rows *rows, int key1_col,
                         int key2_col)
{
    int last = page->limit - 1;
    if (rows->nrows <= page->limit)
        return NULL;
    return et_cursor_make(q, et_cell_i64(ET_CELL(rows, last, key1_col)),
                          key2_col < 0 ? 0 : et_cell_i64(ET_CELL(rows, last, key2_col)));
}

json_t *et_page_json(et_req *q, json_t *list, const char *next)
{
    json_t *o = et_json_object(q->r->pool);
    json_object_set_new(o, "results", list);
    et_json_set_str(o, "next", next);
    return o;
}

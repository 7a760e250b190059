/*
 * cursor.c: "<base64url of key1:key2>.<base64url of a truncated HMAC>".
 * The MAC is taken over "<list>.<base64url part>", so a cursor names the
 * list that made it without carrying the name. Its key is derived from the
 * token signing key (et_cursor_derive_key), so every server that shares the
 * configuration accepts every other's cursors, and a cursor MAC is never
 * made with the key that signs tokens.
 */
#include "core/cursor.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/query.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#define MAC_BYTES 12
/* what the derived key is for; a new version would make new keys */
#define CURSOR_KEY_LABEL "everytime cursor v1"

static int mac(const et_hmac *key, const char *list, const char *b64, apr_size_t n, apr_pool_t *p,
               unsigned char out[ET_HMAC_LEN])
{
    /* base64url has no '.', so the list and the payload cannot run together */
    const char *text = apr_pstrcat(p, list, ".", apr_pstrmemdup(p, b64, n), NULL);
    return et_hmac_sha256(key, text, strlen(text), out);
}

const char *et_cursor_seal(apr_pool_t *p, const et_hmac *key, const char *list, apr_int64_t key1,
                           apr_int64_t key2)
{
    const char *body = apr_psprintf(p, "%" APR_INT64_T_FMT ":%" APR_INT64_T_FMT, key1, key2);
    const char *b = et_b64url_encode(p, (const unsigned char *)body, strlen(body));
    unsigned char m[ET_HMAC_LEN];
    if (mac(key, list, b, strlen(b), p, m) != 0)
        return NULL;
    return apr_pstrcat(p, b, ".", et_b64url_encode(p, m, MAC_BYTES), NULL);
}

int et_cursor_open(apr_pool_t *p, const et_hmac *key, const char *list, const char *text,
                   apr_int64_t *key1, apr_int64_t *key2)
{
    const char *dot = text ? strchr(text, '.') : NULL;
    unsigned char m[ET_HMAC_LEN], *given, *body;
    apr_size_t glen, blen;
    char *colon;
    if (!dot || strlen(text) > 200)
        return -1;
    given = et_b64url_decode(p, dot + 1, strlen(dot + 1), &glen);
    if (mac(key, list, text, (apr_size_t)(dot - text), p, m) != 0)
        return -1;
    if (!given || glen != MAC_BYTES || CRYPTO_memcmp(given, m, MAC_BYTES) != 0)
        return -1;
    body = et_b64url_decode(p, text, (apr_size_t)(dot - text), &blen);
    if (!body || !(colon = strchr((char *)body, ':')))
        return -1;
    *colon = '\0';
    return et_parse_i64((char *)body, key1) || et_parse_i64(colon + 1, key2) ? -1 : 0;
}

/* A key file is never encrypted here: refuse instead of prompting. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

/* The secret number of a PEM private key: RSA's d, or EC's private scalar.
 * It is the same whatever encoding (PKCS#1, SEC1, PKCS#8, line endings)
 * holds the key, where the PEM text is not. */
static unsigned char *private_number(apr_pool_t *p, const unsigned char *pem, apr_size_t len,
                                     apr_size_t *n)
{
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL) : NULL;
    BIGNUM *bn = NULL;
    unsigned char *out = NULL;
    int id = key ? EVP_PKEY_get_base_id(key) : EVP_PKEY_NONE;
    const char *param = id == EVP_PKEY_RSA  ? OSSL_PKEY_PARAM_RSA_D
                        : id == EVP_PKEY_EC ? OSSL_PKEY_PARAM_PRIV_KEY
                                            : NULL;
    if (param && EVP_PKEY_get_bn_param(key, param, &bn) == 1 && !BN_is_zero(bn)) {
        *n = (apr_size_t)BN_num_bytes(bn);
        out = apr_palloc(p, *n);
        BN_bn2bin(bn, out);
    }
    BN_clear_free(bn);
    EVP_PKEY_free(key);
    BIO_free(bio);
    return out;
}

const char *et_cursor_derive_key(apr_pool_t *p, const et_srv_conf *c,
                                 unsigned char out[ET_CURSOR_KEY_LEN])
{
    const unsigned char *ikm = c->sign_key;
    apr_size_t n = c->sign_key_len;
    unsigned char *number = NULL;
    unsigned int len = 0;
    int ok;
    if (!ikm || !n)
        return apr_psprintf(p, "%s is not set", ET_DIR_JWT_SECRET);
    /* HS256: the secret's bytes; RS256/ES256: the private key's number */
    if (c->alg != ET_ALG_HS256) {
        if (!(number = private_number(p, c->sign_key, c->sign_key_len, &n)))
            return apr_psprintf(p,
                                "%s: cannot derive the cursor key: not an RSA or EC "
                                "private key",
                                ET_DIR_JWT_PRIVATE_KEY);
        ikm = number;
    }
    ok = HMAC(EVP_sha256(), ikm, (int)n, (const unsigned char *)CURSOR_KEY_LABEL,
              strlen(CURSOR_KEY_LABEL), out, &len) != NULL &&
         len == ET_CURSOR_KEY_LEN;
    if (number)
        OPENSSL_cleanse(number, n);
    return ok ? NULL : "cannot derive the cursor key (HMAC-SHA256 failed)";
}

const char *et_cursor_setup(apr_pool_t *p, et_srv_conf *c)
{
    const char *err = et_cursor_derive_key(p, c, c->cursor_key);
    if (err)
        return err;
    if (!(c->cursor_mac = et_hmac_make(p, c->cursor_key, ET_CURSOR_KEY_LEN)))
        return "cannot set up the cursor key's HMAC-SHA256";
    return NULL;
}

const char *et_cursor_make(et_req *q, const char *list, apr_int64_t key1, apr_int64_t key2)
{
    return et_cursor_seal(q->r->pool, q->conf->cursor_mac, list, key1, key2);
}

int et_page_limit_parse(const char *text)
{
    apr_size_t digits = strspn(text, "0123456789");
    apr_int64_t n = 0;
    if (!digits || text[digits])
        return -1;
    text += strspn(text, "0");
    /* four digits or more is above ET_PAGE_MAX, however many there are */
    if (strlen(text) > 3)
        return ET_PAGE_MAX;
    if (et_parse_i64(text, &n) || n < 1)
        return -1;
    return n > ET_PAGE_MAX ? ET_PAGE_MAX : (int)n;
}

int et_page_read(et_req *q, et_page *page, const char *list)
{
    const char *limit = et_query(q, "limit"), *cursor = et_query(q, "cursor");
    int n = limit ? et_page_limit_parse(limit) : ET_PAGE_DEFAULT;
    page->list = list;
    page->limit = ET_PAGE_DEFAULT;
    page->has_cursor = 0;
    page->key1 = page->key2 = 0;
    if (n < 1)
        et_field_error_text(q, "limit", "Ensure limit is a whole number of at least 1.",
                            "limit은 1 이상의 정수여야 합니다.");
    if (cursor &&
        et_cursor_open(q->r->pool, q->conf->cursor_mac, list, cursor, &page->key1, &page->key2))
        et_field_error_text(q, "cursor", "Invalid cursor.", "유효하지 않은 커서입니다.");
    if (et_has_errors(q))
        return et_fail_invalid(q);
    page->limit = n;
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
    return et_cursor_make(q, page->list, et_cell_i64(ET_CELL(rows, last, key1_col)),
                          key2_col < 0 ? 0 : et_cell_i64(ET_CELL(rows, last, key2_col)));
}

json_t *et_page_json(et_req *q, json_t *list, const char *next)
{
    json_t *o = et_json_obj(q->r->pool);
    et_json_set(o, "results", list);
    et_json_set_str(q->r->pool, o, "next", next);
    return o;
}

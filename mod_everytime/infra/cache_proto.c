/*
 * cache_proto.c: RESP (redis) and the memcached text protocol, built and
 * parsed without I/O so that the unit tests drive every branch. A parser
 * answers MORE until the whole reply is in the buffer and BAD for anything
 * it was not asked to understand: the caller then drops the connection.
 */
#include "infra/cache_proto.h"

#include <apr_general.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* The end of the line that starts at buf[from]: the index of its '\r'. */
static int line_end(const char *buf, apr_size_t len, apr_size_t from, apr_size_t *cr)
{
    apr_size_t i;
    for (i = from; i + 1 < len; i++)
        if (buf[i] == '\r' && buf[i + 1] == '\n') {
            *cr = i;
            return 1;
        }
    return 0;
}

/* A decimal of at most 9 digits, maybe negative; the whole of [s, s+n). */
static int small_int(const char *s, apr_size_t n, long *out)
{
    apr_size_t i = 0;
    long v = 0;
    int neg = n > 0 && s[0] == '-';
    if (neg)
        i++;
    if (n == i || n - i > 9)
        return 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return 1;
}

const char *et_resp_command(apr_pool_t *p, int argc, const char *const *argv, apr_size_t *len)
{
    struct iovec parts[1 + 2 * ET_PROTO_MAX_ITEMS];
    int i, n = 0;
    if (argc < 1 || argc > ET_PROTO_MAX_ITEMS)
        return NULL;
    parts[n].iov_base = apr_psprintf(p, "*%d\r\n", argc);
    parts[n].iov_len = strlen(parts[n].iov_base);
    n++;
    for (i = 0; i < argc; i++) {
        apr_size_t alen = strlen(argv[i]);
        parts[n].iov_base = apr_psprintf(p, "$%" APR_SIZE_T_FMT "\r\n", alen);
        parts[n].iov_len = strlen(parts[n].iov_base);
        n++;
        parts[n].iov_base = apr_pstrcat(p, argv[i], "\r\n", NULL);
        parts[n].iov_len = alen + 2;
        n++;
    }
    return apr_pstrcatv(p, parts, n, len);
}

/* A bulk string whose "$" line starts at buf[at]. */
static int resp_bulk(const char *buf, apr_size_t len, apr_size_t at, et_proto_item *item,
                     apr_size_t *next)
{
    apr_size_t cr;
    long n;
    if (at >= len)
        return ET_PROTO_MORE;
    if (buf[at] != '$')
        return ET_PROTO_BAD;
    if (!line_end(buf, len, at, &cr))
        return ET_PROTO_MORE;
    if (!small_int(buf + at + 1, cr - at - 1, &n) || n < -1)
        return ET_PROTO_BAD;
    if (n == -1) {
        item->data = NULL;
        item->len = 0;
        *next = cr + 2;
        return ET_PROTO_DONE;
    }
    if (len < cr + 2 + (apr_size_t)n + 2)
        return ET_PROTO_MORE;
    if (buf[cr + 2 + n] != '\r' || buf[cr + 2 + n + 1] != '\n')
        return ET_PROTO_BAD;
    item->data = buf + cr + 2;
    item->len = (apr_size_t)n;
    *next = cr + 2 + n + 2;
    return ET_PROTO_DONE;
}

static int resp_array(const char *buf, apr_size_t len, apr_size_t cr, et_proto_reply *out,
                      apr_size_t *used)
{
    long count;
    apr_size_t at = cr + 2;
    int i, rc;
    if (!small_int(buf + 1, cr - 1, &count) || count < -1 || count > ET_PROTO_MAX_ITEMS)
        return ET_PROTO_BAD;
    out->kind = ET_REPLY_VALUES;
    out->n = count < 0 ? 0 : (int)count;
    for (i = 0; i < out->n; i++)
        if ((rc = resp_bulk(buf, len, at, &out->items[i], &at)) != ET_PROTO_DONE)
            return rc;
    *used = at;
    return ET_PROTO_DONE;
}

int et_resp_parse(const char *buf, apr_size_t len, et_proto_reply *out, apr_size_t *used)
{
    apr_size_t cr;
    memset(out, 0, sizeof(*out));
    if (len == 0 || !line_end(buf, len, 0, &cr))
        return ET_PROTO_MORE;
    out->line = buf + 1;
    out->line_len = cr - 1;
    *used = cr + 2;
    switch (buf[0]) {
    case '+':
        out->kind = ET_REPLY_STATUS;
        return ET_PROTO_DONE;
    case '-':
        out->kind = ET_REPLY_ERROR;
        return ET_PROTO_DONE;
    case ':':
        out->kind = ET_REPLY_INTEGER;
        return ET_PROTO_DONE;
    case '$':
        out->kind = ET_REPLY_VALUES;
        out->n = 1;
        out->line = NULL;
        out->line_len = 0;
        return resp_bulk(buf, len, 0, &out->items[0], used);
    case '*':
        out->line = NULL;
        out->line_len = 0;
        return resp_array(buf, len, cr, out, used);
    }
    return ET_PROTO_BAD;
}

int et_mc_key_ok(const char *key)
{
    apr_size_t n = strlen(key), i;
    if (n == 0 || n > 250)
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)key[i] <= ' ' || (unsigned char)key[i] == 0x7f)
            return 0;
    return 1;
}

const char *et_mc_get(apr_pool_t *p, int n, const char *const *keys, apr_size_t *len)
{
    const char *req = "get";
    int i;
    if (n < 1 || n > ET_PROTO_MAX_ITEMS)
        return NULL;
    for (i = 0; i < n; i++) {
        if (!et_mc_key_ok(keys[i]))
            return NULL;
        req = apr_pstrcat(p, req, " ", keys[i], NULL);
    }
    req = apr_pstrcat(p, req, "\r\n", NULL);
    *len = strlen(req);
    return req;
}

#define MC_RELATIVE_MAX (30 * 24 * 3600)

const char *et_mc_store(apr_pool_t *p, const char *verb, const char *key, const char *val,
                        apr_int64_t ttl, apr_int64_t now_sec, apr_size_t *len)
{
    const char *req;
    if (!et_mc_key_ok(key) || ttl < 0)
        return NULL;
    if (ttl > MC_RELATIVE_MAX)
        ttl += now_sec;
    req = apr_psprintf(p, "%s %s 0 %" APR_INT64_T_FMT " %" APR_SIZE_T_FMT "\r\n%s\r\n", verb, key,
                       ttl, strlen(val), val);
    *len = strlen(req);
    return req;
}

static int starts(const char *s, apr_size_t n, const char *word)
{
    apr_size_t w = strlen(word);
    return n >= w && !memcmp(s, word, w);
}

/* "VALUE <key> <flags> <bytes>" at buf[at..cr): the item of its key. */
static int mc_value(const char *buf, apr_size_t len, apr_size_t at, apr_size_t cr, int nkeys,
                    const char *const *keys, et_proto_reply *out, apr_size_t *next)
{
    const char *key = buf + at + 6, *sp, *bytes_at;
    apr_size_t klen;
    long bytes;
    int i;
    if (!(sp = memchr(key, ' ', buf + cr - key)))
        return ET_PROTO_BAD;
    klen = sp - key;
    if (!(bytes_at = memchr(sp + 1, ' ', buf + cr - (sp + 1))))
        return ET_PROTO_BAD;
    bytes_at++;
    if (!small_int(bytes_at, buf + cr - bytes_at, &bytes) || bytes < 0)
        return ET_PROTO_BAD;
    if (len < cr + 2 + (apr_size_t)bytes + 2)
        return ET_PROTO_MORE;
    if (buf[cr + 2 + bytes] != '\r' || buf[cr + 2 + bytes + 1] != '\n')
        return ET_PROTO_BAD;
    for (i = 0; i < nkeys; i++)
        if (strlen(keys[i]) == klen && !memcmp(keys[i], key, klen))
            break;
    if (i == nkeys || out->items[i].data)
        return ET_PROTO_BAD;
    out->items[i].data = buf + cr + 2;
    out->items[i].len = (apr_size_t)bytes;
    *next = cr + 2 + bytes + 2;
    return ET_PROTO_DONE;
}

static int mc_error_line(const char *line, apr_size_t n)
{
    return (n == 5 && !memcmp(line, "ERROR", 5)) || starts(line, n, "CLIENT_ERROR") ||
           starts(line, n, "SERVER_ERROR");
}

int et_mc_parse(const char *buf, apr_size_t len, int nkeys, const char *const *keys,
                et_proto_reply *out, apr_size_t *used)
{
    apr_size_t at = 0, cr;
    int rc;
    memset(out, 0, sizeof(*out));
    if (nkeys < 0 || nkeys > ET_PROTO_MAX_ITEMS)
        return ET_PROTO_BAD;
    for (;;) {
        if (!line_end(buf, len, at, &cr))
            return ET_PROTO_MORE;
        if (at == 0 && mc_error_line(buf, cr)) {
            out->kind = ET_REPLY_ERROR;
            out->line = buf;
            out->line_len = cr;
            *used = cr + 2;
            return ET_PROTO_DONE;
        }
        if (nkeys == 0) {
            out->kind = ET_REPLY_STATUS;
            out->line = buf;
            out->line_len = cr;
            *used = cr + 2;
            return ET_PROTO_DONE;
        }
        if (cr - at == 3 && !memcmp(buf + at, "END", 3)) {
            out->kind = ET_REPLY_VALUES;
            out->n = nkeys;
            *used = cr + 2;
            return ET_PROTO_DONE;
        }
        if (!starts(buf + at, cr - at, "VALUE "))
            return ET_PROTO_BAD;
        if ((rc = mc_value(buf, len, at, cr, nkeys, keys, out, &at)) != ET_PROTO_DONE)
            return rc;
    }
}

const char *et_cache_new_generation(apr_pool_t *p)
{
    unsigned char rnd[8];
    char hex[2 * sizeof(rnd) + 1];
    apr_size_t i;
    if (apr_generate_random_bytes(rnd, sizeof(rnd)) != APR_SUCCESS)
        memset(rnd, 0, sizeof(rnd));
    for (i = 0; i < sizeof(rnd); i++)
        apr_snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
    /* the time too: unique even if the random source failed */
    return apr_psprintf(p, "%" APR_TIME_T_FMT "-%" APR_PID_T_FMT "-%s", apr_time_now(), getpid(),
                        hex);
}

/*
 * cache_proto.h: the two wire protocols of the remote token caches, as pure
 * functions (no socket, no clock): redis's RESP and memcached's text
 * protocol. Requests are built into a pool; replies are parsed from a
 * buffer that may hold only part of one, so the caller reads until a reply
 * is complete. Parsed values point into the caller's buffer.
 */
#ifndef ET_CACHE_PROTO_H
#define ET_CACHE_PROTO_H

#include <apr_pools.h>

/* The most values one reply carries (a multi-key read). */
#define ET_PROTO_MAX_ITEMS 8

/* Whether a buffer holds a whole reply yet. */
#define ET_PROTO_DONE 1
#define ET_PROTO_MORE 0
#define ET_PROTO_BAD  (-1)

typedef enum {
    ET_REPLY_STATUS,  /* RESP "+OK", memcache "STORED", "NOT_STORED", "DELETED", ... */
    ET_REPLY_ERROR,   /* RESP "-ERR ...", memcache "ERROR", "CLIENT_ERROR", "SERVER_ERROR" */
    ET_REPLY_INTEGER, /* RESP ":n" */
    ET_REPLY_VALUES   /* RESP bulk or array of bulks; memcache VALUE ... END */
} et_reply_kind;

typedef struct et_proto_item {
    const char *data; /* NULL: no such key (RESP nil, memcache not listed) */
    apr_size_t len;
} et_proto_item;

typedef struct et_proto_reply {
    et_reply_kind kind;
    const char *line; /* STATUS, ERROR, INTEGER: the line without its type or CRLF */
    apr_size_t line_len;
    int n; /* VALUES: how many items */
    et_proto_item items[ET_PROTO_MAX_ITEMS];
} et_proto_reply;

/* RESP: a command as an array of bulk strings. */
const char *et_resp_command(apr_pool_t *p, int argc, const char *const *argv, apr_size_t *len);
/* RESP: one reply from buf[0..len); *used is its length when DONE. Nested
 * arrays and arrays longer than ET_PROTO_MAX_ITEMS are BAD (never asked for). */
int et_resp_parse(const char *buf, apr_size_t len, et_proto_reply *out, apr_size_t *used);

/* memcache: a key the text protocol can carry (1-250 bytes, no space or control). */
int et_mc_key_ok(const char *key);
/* memcache: "get k1 k2 ...\r\n"; NULL when a key cannot be carried. */
const char *et_mc_get(apr_pool_t *p, int n, const char *const *keys, apr_size_t *len);
/* memcache: a storage command ("set", "add"); ttl in seconds, 0 = never
 * expires; past 30 days memcached reads exptime as a Unix time, so such a
 * ttl is sent as now_sec + ttl. NULL when the key cannot be carried. */
const char *et_mc_store(apr_pool_t *p, const char *verb, const char *key, const char *val,
                        apr_int64_t ttl, apr_int64_t now_sec, apr_size_t *len);
/* memcache: one reply. For a retrieval (nkeys > 0) the VALUE blocks are
 * matched to keys: items[i] answers keys[i]. Otherwise one status line. */
int et_mc_parse(const char *buf, apr_size_t len, int nkeys, const char *const *keys,
                et_proto_reply *out, apr_size_t *used);

/* A fresh cache generation value: unique across processes and nodes (the
 * time, the pid and random bytes). */
const char *et_cache_new_generation(apr_pool_t *p);

#endif

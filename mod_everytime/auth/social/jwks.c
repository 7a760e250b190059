/*
 * jwks.c: the providers' RSA signing keys and the id_tokens signed with them.
 *
 * Each process keeps the parsed keys in a small table under a thread mutex,
 * trusted for ET_JWKS_TTL, so a request neither parses JSON nor builds RSA
 * keys. The JWKS document itself stays out of the socache: the token cache
 * holds small values (ET_CACHE_MAX_VALUE, the size shmcb is laid out for), and
 * a JWKS never is one - a single 2048-bit key's modulus is 342 characters, and
 * real documents are 1-2 KB. Storing them would crowd token entries out of
 * shmcb, and a document past a subcache's size is refused outright. The cost
 * of keeping it per process is one fetch per process per provider an hour.
 * The socache carries only the cross-process marker that rate-limits
 * refetches caused by unknown kids: a stream of garbage tokens naming
 * invented kids costs the provider one fetch a minute, not one per request.
 * Keys handed to a request are reference-counted copies, so a refetch
 * replacing the table cannot free a key in use.
 */
#include "auth/social/jwks.h"
#include "infra/cache.h"
#include "infra/http_client.h"
#include "infra/util.h"

#include <apr_thread_mutex.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

typedef struct jwk {
    const char *kid;
    EVP_PKEY *key;
} jwk;

struct et_jwks {
    jwk keys[ET_JWKS_MAX_KEYS];
    int count;
};

static apr_status_t free_key(void *key)
{
    EVP_PKEY_free(key);
    return APR_SUCCESS;
}

/* base64url text of a JSON member as a big-endian unsigned integer. */
static BIGNUM *b64_bignum(apr_pool_t *p, json_t *jwk, const char *name)
{
    json_t *v = json_object_get(jwk, name);
    unsigned char *raw;
    apr_size_t n;
    if (!json_is_string(v) || !json_string_length(v) || json_string_length(v) > 2048)
        return NULL;
    raw = et_b64url_decode(p, json_string_value(v), json_string_length(v), &n);
    return raw && n ? BN_bin2bn(raw, (int)n, NULL) : NULL;
}

static EVP_PKEY *rsa_from_ne(BIGNUM *n, BIGNUM *e)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *key = NULL;
    int ok = bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
             OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) &&
             (params = OSSL_PARAM_BLD_to_param(bld)) &&
             (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) &&
             EVP_PKEY_fromdata_init(ctx) > 0 &&
             EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) > 0;
    if (!ok) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    return key;
}

static int member_is(json_t *o, const char *name, const char *want, int required)
{
    json_t *v = json_object_get(o, name);
    if (!v)
        return !required;
    return json_is_string(v) && !strcmp(json_string_value(v), want);
}

/* One RSA signing key of at least 2048 bits with an odd exponent > 1, or NULL. */
static EVP_PKEY *parse_key(apr_pool_t *p, json_t *k)
{
    BIGNUM *n, *e;
    EVP_PKEY *key = NULL;
    if (!member_is(k, "kty", "RSA", 1) || !member_is(k, "use", "sig", 0) ||
        !member_is(k, "alg", "RS256", 0))
        return NULL;
    n = b64_bignum(p, k, "n");
    e = b64_bignum(p, k, "e");
    if (n && e && BN_num_bits(n) >= 2048 && BN_is_odd(e) && !BN_is_one(e))
        key = rsa_from_ne(n, e);
    BN_free(n);
    BN_free(e);
    return key;
}

et_jwks *et_jwks_parse(apr_pool_t *p, const char *text, apr_size_t len)
{
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL), *keys, *k;
    et_jwks *set = apr_pcalloc(p, sizeof(*set));
    size_t i;
    keys = json_object_get(doc, "keys");
    json_array_foreach(keys, i, k)
    {
        json_t *kid = json_object_get(k, "kid");
        EVP_PKEY *key;
        if (set->count == ET_JWKS_MAX_KEYS)
            break;
        if (!json_is_object(k) || !json_is_string(kid) || !json_string_length(kid) ||
            et_jwks_find(set, json_string_value(kid)) || !(key = parse_key(p, k)))
            continue;
        apr_pool_cleanup_register(p, key, free_key, apr_pool_cleanup_null);
        set->keys[set->count].kid = apr_pstrdup(p, json_string_value(kid));
        set->keys[set->count++].key = key;
    }
    json_decref(doc);
    return set->count ? set : NULL;
}

int et_jwks_count(const et_jwks *set)
{
    return set ? set->count : 0;
}

EVP_PKEY *et_jwks_find(const et_jwks *set, const char *kid)
{
    int i;
    for (i = 0; set && kid && i < set->count; i++)
        if (!strcmp(set->keys[i].kid, kid))
            return set->keys[i].key;
    return NULL;
}

/* ---- id_tokens ---- */

typedef struct parts {
    const char *dot1, *dot2;
} parts;

static int split(const char *token, parts *pt)
{
    const char *a, *b;
    if (!token || strlen(token) > ET_ID_TOKEN_MAX_LEN || !(a = strchr(token, '.')) ||
        !(b = strchr(a + 1, '.')) || strchr(b + 1, '.') || a == token || b == a + 1 || !b[1])
        return -1;
    pt->dot1 = a;
    pt->dot2 = b;
    return 0;
}

static json_t *decode_object(apr_pool_t *p, const char *text, apr_size_t len)
{
    apr_size_t n;
    unsigned char *raw = et_b64url_decode(p, text, len, &n);
    json_t *v = raw ? json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, NULL) : NULL;
    if (v && !json_is_object(v)) {
        json_decref(v);
        v = NULL;
    }
    return v;
}

et_idt_status et_idt_kid(apr_pool_t *p, const char *token, const char **kid)
{
    parts pt;
    json_t *h, *alg, *typ, *k;
    et_idt_status st = ET_IDT_BAD_HEADER;
    *kid = NULL;
    if (split(token, &pt) || !(h = decode_object(p, token, (apr_size_t)(pt.dot1 - token))))
        return ET_IDT_MALFORMED;
    alg = json_object_get(h, "alg");
    typ = json_object_get(h, "typ");
    k = json_object_get(h, "kid");
    /* the algorithm is pinned before the key is even looked up */
    if (json_is_string(alg) && !strcmp(json_string_value(alg), "RS256") &&
        (!typ || (json_is_string(typ) && !strcmp(json_string_value(typ), "JWT"))) &&
        !json_object_get(h, "crit") && json_is_string(k) && json_string_length(k)) {
        *kid = apr_pstrdup(p, json_string_value(k));
        st = ET_IDT_OK;
    }
    json_decref(h);
    return st;
}

static int rs256_ok(apr_pool_t *p, const char *token, const parts *pt, EVP_PKEY *key)
{
    const char *sigtext = pt->dot2 + 1;
    apr_size_t siglen;
    unsigned char *sig = et_b64url_decode(p, sigtext, strlen(sigtext), &siglen);
    EVP_MD_CTX *md;
    int ok = 0;
    if (!sig || !key || EVP_PKEY_base_id(key) != EVP_PKEY_RSA || !(md = EVP_MD_CTX_new()))
        return 0;
    if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1)
        ok = EVP_DigestVerify(md, sig, siglen, (const unsigned char *)token,
                              (size_t)(pt->dot2 - token)) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

static const char *str_claim(json_t *pl, const char *name)
{
    json_t *v = json_object_get(pl, name);
    return json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL;
}

static int issuer_ok(const char *iss, const char *const *issuers)
{
    for (; iss && *issuers; issuers++)
        if (!strcmp(iss, *issuers))
            return 1;
    return 0;
}

/* aud is the client id: a string, or an array holding only it. */
static int audience_ok(json_t *aud, const char *want)
{
    if (json_is_array(aud) && json_array_size(aud) == 1)
        aud = json_array_get(aud, 0);
    return want && json_is_string(aud) && !strcmp(json_string_value(aud), want);
}

static et_idt_status check_claims(apr_pool_t *p, json_t *pl, const char *const *issuers,
                                  const char *audience, apr_int64_t now, et_idt_claims *out)
{
    json_t *exp = json_object_get(pl, "exp"), *nbf = json_object_get(pl, "nbf");
    json_t *ev = json_object_get(pl, "email_verified");
    const char *sub = str_claim(pl, "sub"), *email = str_claim(pl, "email");
    if (!issuer_ok(str_claim(pl, "iss"), issuers) ||
        !audience_ok(json_object_get(pl, "aud"), audience) || !sub || strlen(sub) > 255)
        return ET_IDT_BAD_CLAIMS;
    if (!json_is_integer(exp) || json_integer_value(exp) <= now)
        return ET_IDT_EXPIRED;
    if (nbf && (!json_is_integer(nbf) || json_integer_value(nbf) > now + 60))
        return ET_IDT_EXPIRED;
    out->sub = apr_pstrdup(p, sub);
    out->email = email ? apr_pstrdup(p, email) : NULL;
    /* Apple sends "true" as a string, Google a boolean */
    out->email_verified =
        json_is_true(ev) || (json_is_string(ev) && !strcmp(json_string_value(ev), "true"));
    return ET_IDT_OK;
}

et_idt_status et_idt_verify(apr_pool_t *p, const char *token, EVP_PKEY *key,
                            const char *const *issuers, const char *audience, apr_int64_t now,
                            et_idt_claims *out)
{
    const char *kid;
    et_idt_status st;
    json_t *pl;
    parts pt;
    memset(out, 0, sizeof(*out));
    if ((st = et_idt_kid(p, token, &kid)) != ET_IDT_OK)
        return st;
    split(token, &pt);
    if (!rs256_ok(p, token, &pt, key))
        return ET_IDT_BAD_SIGNATURE;
    if (!(pl = decode_object(p, pt.dot1 + 1, (apr_size_t)(pt.dot2 - pt.dot1 - 1))))
        return ET_IDT_MALFORMED;
    st = check_claims(p, pl, issuers, audience, now, out);
    json_decref(pl);
    return st;
}

/* ---- the per-process key table ---- */

typedef struct held_key {
    char *kid;
    EVP_PKEY *key;
} held_key;

typedef struct source_keys {
    char *url; /* where they came from (malloc) */
    held_key keys[ET_JWKS_MAX_KEYS];
    int count;
    apr_time_t fetched;
    apr_time_t refetched; /* last refetch for an unknown kid */
} source_keys;

static apr_thread_mutex_t *table_lock;
static source_keys table[ET_JWKS_SOURCES];
static const char *const source_names[ET_JWKS_SOURCES] = {"google", "apple"};

static void lock(void)
{
    apr_thread_mutex_lock(table_lock);
}

static void unlock(void)
{
    apr_thread_mutex_unlock(table_lock);
}

static void clear_source(source_keys *s)
{
    int i;
    for (i = 0; i < s->count; i++) {
        free(s->keys[i].kid);
        EVP_PKEY_free(s->keys[i].key);
    }
    s->count = 0;
    free(s->url);
    s->url = NULL;
}

static apr_status_t clear_table(void *unused)
{
    int i;
    (void)unused;
    for (i = 0; i < ET_JWKS_SOURCES; i++)
        clear_source(&table[i]);
    return APR_SUCCESS;
}

void et_jwks_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv = apr_thread_mutex_create(&table_lock, APR_THREAD_MUTEX_DEFAULT, pchild);
    if (rv != APR_SUCCESS) {
        table_lock = NULL;
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     "cannot create the JWKS table mutex: Google and Apple logins will fail "
                     "in this process [%s]",
                     __func__);
        return;
    }
    apr_pool_cleanup_register(pchild, NULL, clear_table, apr_pool_cleanup_null);
}

/* Copies a freshly parsed set into the table (called with the lock held). */
static void install(source_keys *s, const char *url, const et_jwks *set, apr_time_t now)
{
    int i;
    clear_source(s);
    if (!(s->url = strdup(url)))
        return;
    for (i = 0; i < set->count; i++) {
        char *kid = strdup(set->keys[i].kid);
        if (!kid || EVP_PKEY_up_ref(set->keys[i].key) != 1) {
            free(kid);
            continue;
        }
        s->keys[s->count].kid = kid;
        s->keys[s->count++].key = set->keys[i].key;
    }
    s->fetched = now;
}

/* The key, up-referenced and released with r->pool; lock held. */
static EVP_PKEY *take(request_rec *r, source_keys *s, const char *url, const char *kid)
{
    int i;
    if (!s->url || strcmp(s->url, url))
        return NULL;
    for (i = 0; i < s->count; i++)
        if (!strcmp(s->keys[i].kid, kid) && EVP_PKEY_up_ref(s->keys[i].key) == 1) {
            apr_pool_cleanup_register(r->pool, s->keys[i].key, free_key, apr_pool_cleanup_null);
            return s->keys[i].key;
        }
    return NULL;
}

static et_jwks *fetch(request_rec *r, const et_oauth_conf *o, apr_time_t deadline, const char *url)
{
    et_http_reply reply;
    et_jwks *set;
    if (et_http_call(r, o, deadline, url, NULL, NULL, &reply) != APR_SUCCESS)
        return NULL;
    if (reply.status != 200 || !(set = et_jwks_parse(r->pool, reply.body, reply.len))) {
        ET_LOG(r, APLOG_ERR, 0, "JWKS %s: status %ld, no usable RSA key", url, reply.status);
        return NULL;
    }
    return set;
}

/* An unknown kid may refetch once per interval per provider: in this process
 * by the table's clock, across processes by the socache marker. */
static int refetch_allowed(request_rec *r, source_keys *s, et_jwks_source src, apr_time_t now)
{
    const char *key = apr_pstrcat(r->pool, "jwks-refetch:", source_names[src], NULL);
    char buf[ET_CACHE_MAX_VALUE];
    apr_size_t len = sizeof(buf);
    if (s->refetched && now - s->refetched < ET_JWKS_REFETCH_INTERVAL)
        return 0;
    if (et_cache_get(r, key, buf, &len) == APR_SUCCESS)
        return 0;
    s->refetched = now;
    /* without the marker the limit still holds per process */
    if (et_cache_put(r, key, "1", ET_JWKS_REFETCH_INTERVAL) != APR_SUCCESS)
        ET_LOG(r, APLOG_WARNING, 0,
               "cannot store %s in the token cache: other processes may "
               "refetch the %s JWKS within the minute",
               key, source_names[src]);
    return 1;
}

et_key_status et_jwks_key(request_rec *r, const et_oauth_conf *o, apr_time_t deadline,
                          et_jwks_source src, const char *url, const char *kid, EVP_PKEY **out)
{
    source_keys *s = &table[src];
    apr_time_t now = apr_time_now();
    int have, fresh, go;
    et_jwks *set;

    if (!table_lock) {
        ET_LOG(r, APLOG_ERR, 0, "no JWKS table in this process (see the startup log)");
        return ET_KEY_UNREACHABLE;
    }
    lock();
    have = s->url && !strcmp(s->url, url) && s->count;
    fresh = have && now - s->fetched < ET_JWKS_TTL;
    if (fresh && (*out = take(r, s, url, kid))) {
        unlock();
        return ET_KEY_OK;
    }
    /* first need or stale: fetch; fresh keys without this kid: maybe refetch */
    go = !fresh || refetch_allowed(r, s, src, now);
    unlock();
    if (!go) {
        ET_LOG(r, APLOG_INFO, 0,
               "%s id_token names an unknown key; "
               "JWKS refetched less than a minute ago",
               source_names[src]);
        return ET_KEY_UNKNOWN;
    }
    set = fetch(r, o, deadline, url);
    lock();
    if (set)
        install(s, url, set, now);
    *out = take(r, s, url, kid); /* stale keys still serve when the fetch failed */
    have = s->url && !strcmp(s->url, url) && s->count;
    unlock();
    if (*out)
        return ET_KEY_OK;
    return have ? ET_KEY_UNKNOWN : ET_KEY_UNREACHABLE;
}

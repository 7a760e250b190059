/*
 * jwt.c: our tokens. libjwt 1.10 signs, and checks RS256/ES256 signatures;
 * but it takes the algorithm from the token and checks no claims, so we pin
 * the algorithm from the header ourselves, verify HS256 with a constant-time
 * comparison, and read every claim with jansson under our own rules.
 */
#include "auth/et_jwt.h"
#include "infra/json.h"
#include "infra/util.h"

#include <jansson.h>
#include <jwt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

const char *et_jwt_alg_name(et_alg_e alg)
{
    switch (alg) {
    case ET_ALG_RS256:
        return "RS256";
    case ET_ALG_ES256:
        return "ES256";
    default:
        return "HS256";
    }
}

static jwt_alg_t libjwt_alg(et_alg_e alg)
{
    switch (alg) {
    case ET_ALG_RS256:
        return JWT_ALG_RS256;
    case ET_ALG_ES256:
        return JWT_ALG_ES256;
    default:
        return JWT_ALG_HS256;
    }
}

/* Sets key to val when there is one. */
static void set_claim(apr_pool_t *p, json_t *o, const char *key, const char *val)
{
    if (val)
        et_json_set_str(p, o, key, val);
}

/* The claims as JSON text (free() it), or NULL when one of them cannot be
 * written (a provider's id that is not UTF-8: recorded on p, json.h), so a
 * token never goes out without a claim. */
static char *payload_json(apr_pool_t *p, const et_srv_conf *c, const et_claims *cl)
{
    json_t *o = et_json_obj(p);
    et_json_set_str(p, o, "token_type", cl->token_type);
    et_json_set_int(o, "exp", cl->exp);
    et_json_set_int(o, "iat", cl->iat);
    et_json_set_str(p, o, "jti", cl->jti);
    set_claim(p, o, "user_id", cl->user_id);
    set_claim(p, o, "provider", cl->provider);
    set_claim(p, o, "provider_user_id", cl->provider_user_id);
    set_claim(p, o, "role", cl->role);
    set_claim(p, o, "sid", cl->sid);
    set_claim(p, o, "iss", c->issuer);
    set_claim(p, o, "aud", c->audience);
    if (et_json_error(p))
        return NULL;
    return json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

const char *et_jwt_issue(apr_pool_t *p, const et_srv_conf *c, et_claims *cl, apr_int64_t ttl)
{
    jwt_t *jwt = NULL;
    char *payload, *token;
    const char *out = NULL;

    cl->jti = et_uuid(p);
    cl->iat = apr_time_sec(apr_time_now());
    cl->exp = cl->iat + ttl;
    if (!cl->jti || !(payload = payload_json(p, c, cl)))
        return NULL;
    if (jwt_new(&jwt) == 0 &&
        jwt_set_alg(jwt, libjwt_alg(c->alg), c->sign_key, (int)c->sign_key_len) == 0 &&
        jwt_add_grants_json(jwt, payload) == 0 && (token = jwt_encode_str(jwt)) != NULL) {
        out = apr_pstrdup(p, token);
        free(token);
    }
    free(payload);
    jwt_free(jwt);
    return out;
}

/* The three parts, each non-empty, and nothing else. */
static int split_token(const char *token, const char **dot1, const char **dot2)
{
    const char *a = strchr(token, '.'), *b;
    if (!a || !(b = strchr(a + 1, '.')) || strchr(b + 1, '.'))
        return -1;
    if (a == token || b == a + 1 || b[1] == '\0')
        return -1;
    *dot1 = a;
    *dot2 = b;
    return 0;
}

static json_t *decode_part(apr_pool_t *p, const char *text, apr_size_t len)
{
    apr_size_t n;
    unsigned char *raw = et_b64url_decode(p, text, len, &n);
    json_t *v;
    if (!raw)
        return NULL;
    v = json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, NULL);
    if (v && !json_is_object(v)) {
        json_decref(v);
        return NULL;
    }
    return v;
}

static et_jwt_status check_header(const et_srv_conf *c, json_t *h)
{
    json_t *alg = json_object_get(h, "alg"), *typ = json_object_get(h, "typ");
    if (!json_is_string(alg) || strcmp(json_string_value(alg), et_jwt_alg_name(c->alg)))
        return ET_JWT_BAD_HEADER;
    if (typ && (!json_is_string(typ) || strcmp(json_string_value(typ), "JWT")))
        return ET_JWT_BAD_HEADER;
    /* we understand no critical extensions */
    if (json_object_get(h, "crit"))
        return ET_JWT_BAD_HEADER;
    return ET_JWT_OK;
}

static et_jwt_status check_hmac(const et_srv_conf *c, apr_pool_t *p, const char *token,
                                const char *dot2)
{
    unsigned char mac[ET_HMAC_LEN];
    apr_size_t siglen;
    const char *sigtext = dot2 + 1;
    unsigned char *sig = et_b64url_decode(p, sigtext, strlen(sigtext), &siglen);
    if (!sig || et_hmac_sha256(c->verify_mac, token, (apr_size_t)(dot2 - token), mac) != 0)
        return ET_JWT_BAD_SIGNATURE;
    if (siglen != ET_HMAC_LEN || CRYPTO_memcmp(sig, mac, ET_HMAC_LEN) != 0)
        return ET_JWT_BAD_SIGNATURE;
    return ET_JWT_OK;
}

static et_jwt_status check_pubkey(const et_srv_conf *c, const char *token)
{
    jwt_t *jwt = NULL;
    et_jwt_status st = ET_JWT_BAD_SIGNATURE;
    if (jwt_decode(&jwt, token, c->verify_key, (int)c->verify_key_len) == 0 &&
        jwt_get_alg(jwt) == libjwt_alg(c->alg))
        st = ET_JWT_OK;
    jwt_free(jwt);
    return st;
}

static const char *claim_str(json_t *payload, const char *name)
{
    json_t *v = json_object_get(payload, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An integer claim; reals, strings and booleans are refused. */
static int claim_int(json_t *payload, const char *name, apr_int64_t *out)
{
    json_t *v = json_object_get(payload, name);
    if (!json_is_integer(v))
        return -1;
    *out = (apr_int64_t)json_integer_value(v);
    return 0;
}

static int audience_matches(json_t *aud, const char *want)
{
    size_t i;
    json_t *v;
    if (json_is_string(aud))
        return !strcmp(json_string_value(aud), want);
    if (json_is_array(aud))
        json_array_foreach(aud, i, v)
        {
            if (json_is_string(v) && !strcmp(json_string_value(v), want))
                return 1;
        }
    return 0;
}

/* A sign token names a provider account and no user: it must not carry a
 * user's claims, so nothing that reads user_id can mistake it for a session.
 * Access and refresh tokens need the whole session: user, role and family. */
static et_jwt_status check_type_claims(et_claims *out)
{
    if (!strcmp(out->token_type, "sign")) {
        if (!out->provider || !*out->provider || !out->provider_user_id ||
            !*out->provider_user_id || out->user_id || out->sid)
            return ET_JWT_BAD_CLAIMS;
        return ET_JWT_OK;
    }
    if (!et_is_uuid(out->user_id) || !out->role || !et_is_uuid(out->sid))
        return ET_JWT_BAD_CLAIMS;
    /* provider claims belong to sign tokens only */
    out->provider = out->provider_user_id = NULL;
    return ET_JWT_OK;
}

static et_jwt_status check_claims(apr_pool_t *p, const et_srv_conf *c, json_t *pl,
                                  const char *want_type, apr_int64_t now, et_claims *out)
{
    apr_int64_t nbf;
    const char *iss;
    memset(out, 0, sizeof(*out));
    if (claim_int(pl, "exp", &out->exp) || claim_int(pl, "iat", &out->iat))
        return ET_JWT_BAD_CLAIMS;
    out->token_type = claim_str(pl, "token_type");
    out->jti = claim_str(pl, "jti");
    out->user_id = claim_str(pl, "user_id");
    out->role = claim_str(pl, "role");
    out->sid = claim_str(pl, "sid");
    out->provider = claim_str(pl, "provider");
    out->provider_user_id = claim_str(pl, "provider_user_id");
    if (!out->token_type || !out->jti)
        return ET_JWT_BAD_CLAIMS;
    if (json_object_get(pl, "nbf")) {
        if (claim_int(pl, "nbf", &nbf))
            return ET_JWT_BAD_CLAIMS;
        if (nbf > now)
            return ET_JWT_EXPIRED;
    }
    if (c->issuer && (!(iss = claim_str(pl, "iss")) || strcmp(iss, c->issuer)))
        return ET_JWT_BAD_CLAIMS;
    if (c->audience && !audience_matches(json_object_get(pl, "aud"), c->audience))
        return ET_JWT_BAD_CLAIMS;
    if (out->exp <= now)
        return ET_JWT_EXPIRED;
    if (want_type ? strcmp(out->token_type, want_type)
                  : strcmp(out->token_type, "access") && strcmp(out->token_type, "refresh"))
        return ET_JWT_WRONG_TYPE;
    /* the type is known to be the wanted one: now the claims that type needs */
    if (check_type_claims(out) != ET_JWT_OK)
        return ET_JWT_BAD_CLAIMS;
    /* copy out of the JSON before it is released */
    out->token_type = apr_pstrdup(p, out->token_type);
    out->jti = apr_pstrdup(p, out->jti);
    out->user_id = out->user_id ? apr_pstrdup(p, out->user_id) : NULL;
    out->role = out->role ? apr_pstrdup(p, out->role) : NULL;
    out->sid = out->sid ? apr_pstrdup(p, out->sid) : NULL;
    out->provider = out->provider ? apr_pstrdup(p, out->provider) : NULL;
    out->provider_user_id = out->provider_user_id ? apr_pstrdup(p, out->provider_user_id) : NULL;
    return ET_JWT_OK;
}

et_jwt_status et_jwt_verify(apr_pool_t *p, const et_srv_conf *c, const char *token,
                            const char *want_type, apr_int64_t now, et_claims *out)
{
    const char *dot1, *dot2;
    json_t *header, *payload;
    et_jwt_status st;

    if (!token || strlen(token) > ET_JWT_MAX_LEN || split_token(token, &dot1, &dot2))
        return ET_JWT_MALFORMED;
    if (!(header = decode_part(p, token, (apr_size_t)(dot1 - token))))
        return ET_JWT_MALFORMED;
    st = check_header(c, header);
    json_decref(header);
    if (st != ET_JWT_OK)
        return st;
    st = c->alg == ET_ALG_HS256 ? check_hmac(c, p, token, dot2) : check_pubkey(c, token);
    if (st != ET_JWT_OK)
        return st;
    if (!(payload = decode_part(p, dot1 + 1, (apr_size_t)(dot2 - dot1 - 1))))
        return ET_JWT_MALFORMED;
    st = check_claims(p, c, payload, want_type, now, out);
    json_decref(payload);
    return st;
}

/* RS256 wants an RSA key of at least 2048 bits, ES256 a P-256 key. */
static const char *check_public_key(apr_pool_t *p, const et_srv_conf *c)
{
    BIO *bio;
    EVP_PKEY *key;
    const char *err = NULL;
    if (c->alg == ET_ALG_HS256)
        return NULL;
    bio = BIO_new_mem_buf(c->verify_key, (int)c->verify_key_len);
    key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    if (!key)
        err = "the public key is not a PEM public key";
    else if (c->alg == ET_ALG_RS256 &&
             (EVP_PKEY_base_id(key) != EVP_PKEY_RSA || EVP_PKEY_bits(key) < 2048))
        err = "RS256 needs an RSA key of at least 2048 bits";
    else if (c->alg == ET_ALG_ES256 &&
             (EVP_PKEY_base_id(key) != EVP_PKEY_EC || EVP_PKEY_bits(key) != 256))
        err = "ES256 needs an EC key on the P-256 curve";
    EVP_PKEY_free(key);
    BIO_free(bio);
    return err ? apr_psprintf(p, "%s: %s", ET_DIR_JWT_PUBLIC_KEY, err) : NULL;
}

const char *et_jwt_self_test(apr_pool_t *p, const et_srv_conf *c)
{
    et_claims in = {"access",    "00000000-0000-4000-8000-000000000000",
                    "ROLE_USER", "00000000-0000-4000-8000-000000000001",
                    NULL,        0,
                    0,           NULL,
                    NULL};
    et_claims out;
    const char *err = check_public_key(p, c), *token;
    if (err)
        return err;
    if (!(token = et_jwt_issue(p, c, &in, 60)))
        return apr_psprintf(p, "cannot sign a %s token with the configured key",
                            et_jwt_alg_name(c->alg));
    if (et_jwt_verify(p, c, token, "access", apr_time_sec(apr_time_now()), &out) != ET_JWT_OK)
        return apr_psprintf(p,
                            "a %s token signed with the configured key does not verify "
                            "with the configured public key",
                            et_jwt_alg_name(c->alg));
    return NULL;
}

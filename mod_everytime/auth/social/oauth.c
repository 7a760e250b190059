/*
 * oauth.c: who a Kakao access token or a Google/Apple authorization code
 * belongs to. Each provider is one function over the shared HTTP client
 * (infra/http_client.c); the id_tokens are verified in jwks.c.
 *
 * What goes over the wire (for the mock providers of t/api/social.t). Every
 * request carries "Accept: application/json" and "User-Agent: mod_everytime";
 * POST bodies are application/x-www-form-urlencoded (apr_pescape_urlencoded:
 * space as '+', every byte but letters, digits and "*-._" as %xx).
 *
 *   Kakao   GET  {EverytimeKakaoUserInfoURL}
 *                Authorization: Bearer <oauthAccessToken>
 *           200 {"id": 123456789, "properties": {"nickname": "..."},
 *                "kakao_account": {"profile": {"nickname": "..."}, "email": "...",
 *                                  "is_email_verified": true}}
 *           -> user id "123456789" (id must be a JSON integer > 0); nickname from
 *              kakao_account.profile.nickname, else properties.nickname.
 *           400 or 401 -> ET_OAUTH_REJECTED; any other status, non-JSON or no
 *           integer id -> ET_OAUTH_UNREACHABLE. A token with characters outside
 *           RFC 6750's b64token set is refused without a request.
 *
 *   Google  POST {EverytimeGoogleTokenURL}
 *                grant_type=authorization_code&code=<authorizationCode>
 *                &client_id=<EverytimeGoogleClientID>
 *                &client_secret=<EverytimeGoogleClientSecret>
 *                &redirect_uri=<EverytimeGoogleRedirectURI, empty when unset>
 *           200 {"id_token": "<RS256 JWT>", ...}
 *           GET  {EverytimeGoogleJWKSURL} -> {"keys": [{"kty": "RSA", "kid", "n", "e",
 *                                           "alg": "RS256"?, "use": "sig"?}]}
 *           id_token header {"alg": "RS256", "kid": ...}; claims iss
 *           "https://accounts.google.com" or "accounts.google.com", aud = client
 *           id, exp > now, sub (the user id), email, email_verified (boolean).
 *
 *   Apple   POST {EverytimeAppleTokenURL}
 *                client_id=<EverytimeAppleClientID>&client_secret=<ES256 JWT>
 *                &code=<authorizationCode>&grant_type=authorization_code
 *           client_secret: header {"alg": "ES256", "kid": <EverytimeAppleKeyID>,
 *           "typ": "JWT"}, claims {iss: team id, iat: now, exp: now + 300,
 *           aud: "https://appleid.apple.com", sub: client id}, signed with the
 *           .p8 key (signature R||S, 64 bytes).
 *           200 {"id_token": ...}; JWKS from {EverytimeAppleJWKSURL} as Google's;
 *           iss "https://appleid.apple.com", aud = client id, email_verified
 *           true or "true". The nickname is not Apple's: it comes from the request.
 *
 *   Token endpoints: 400 or 401 -> ET_OAUTH_REJECTED; other statuses, non-JSON,
 *   no id_token or one that is not a JWT -> ET_OAUTH_UNREACHABLE. An id_token
 *   that is a JWT but fails verification (alg not RS256, bad signature, wrong
 *   iss/aud, expired, kid unknown even after a refetch) -> ET_OAUTH_REJECTED.
 *   A JWKS that cannot be fetched (and no keys held) -> ET_OAUTH_UNREACHABLE.
 *   JWKS: fetched on first need and after an hour; a token naming an unknown
 *   kid refetches once per minute per provider at most (across processes), and
 *   the first fetch does not count - so a rotated-key test must come before a
 *   garbage-kid test, or run a minute later. A provider whose client id is not
 *   configured answers ET_OAUTH_UNREACHABLE (logged).
 *   Timeouts: EverytimeOAuthConnectTimeout per connection; EverytimeOAuthTimeout
 *   for the whole login (token + JWKS calls share one deadline); answers over
 *   EverytimeOAuthMaxResponse bytes are UNREACHABLE. No redirects are followed (a 3xx is UNREACHABLE).
 */
#include "auth/social/oauth.h"
#include "auth/social/jwks.h"
#include "infra/http_client.h"
#include "infra/json.h"

#include <apr_lib.h>
#include <jansson.h>
#include <jwt.h>

#define APPLE_AUDIENCE   "https://appleid.apple.com"
#define APPLE_SECRET_TTL 300
#define MAX_CREDENTIAL   4096

static const char *const provider_names[] = {"KAKAO", "GOOGLE", "APPLE"};

int et_provider_from_name(const char *name)
{
    int i;
    for (i = 0; name && i < 3; i++)
        if (!strcmp(name, provider_names[i]))
            return i;
    return -1;
}

const char *et_provider_name(et_provider provider)
{
    return (unsigned)provider < 3 ? provider_names[provider] : NULL;
}

void et_oauth_child_init(apr_pool_t *pchild, server_rec *s)
{
    et_http_child_init(pchild, s);
    et_jwks_child_init(pchild, s);
}

/* A JSON object from a provider's answer, released with r->pool. */
static json_t *answer_object(request_rec *r, const et_http_reply *reply)
{
    json_t *v = et_json_own(r->pool, json_loadb(reply->body, reply->len, 0, NULL));
    return json_is_object(v) ? v : NULL;
}

static const char *json_text(request_rec *r, json_t *v)
{
    return json_is_string(v) && json_string_length(v) ? apr_pstrdup(r->pool, json_string_value(v))
                                                      : NULL;
}

/* RFC 6750 b64token: what may follow "Bearer " without breaking the header. */
static int b64token(const char *t)
{
    apr_size_t n = strlen(t);
    if (!n || n > MAX_CREDENTIAL)
        return 0;
    for (; *t && *t != '='; t++)
        if (!apr_isalnum(*t) && !strchr("-._~+/", *t))
            return 0;
    for (; *t == '='; t++)
        ;
    return *t == '\0';
}

static et_oauth_result status_result(request_rec *r, const char *what, long status)
{
    if (status == 400 || status == 401)
        return ET_OAUTH_REJECTED;
    ET_LOG(r, APLOG_ERR, 0, "%s answered HTTP %ld", what, status);
    return ET_OAUTH_UNREACHABLE;
}

static et_oauth_result kakao(request_rec *r, const et_oauth_conf *o, const char *token,
                             et_social_identity *out)
{
    et_http_reply reply;
    json_t *me, *id, *account, *nick;
    if (!b64token(token))
        return ET_OAUTH_REJECTED;
    if (et_http_call(r, o, et_http_deadline(o), o->kakao_userinfo_url, token, NULL, &reply) !=
        APR_SUCCESS)
        return ET_OAUTH_UNREACHABLE;
    if (reply.status != 200)
        return status_result(r, "Kakao", reply.status);
    me = answer_object(r, &reply);
    id = json_object_get(me, "id");
    if (!json_is_integer(id) || json_integer_value(id) <= 0) {
        ET_LOG(r, APLOG_ERR, 0, "Kakao user info has no numeric id");
        return ET_OAUTH_UNREACHABLE;
    }
    account = json_object_get(me, "kakao_account");
    nick = json_object_get(json_object_get(account, "profile"), "nickname");
    if (!json_is_string(nick))
        nick = json_object_get(json_object_get(me, "properties"), "nickname");
    out->user_id = apr_psprintf(r->pool, "%" APR_INT64_T_FMT, (apr_int64_t)json_integer_value(id));
    out->nickname = json_text(r, nick);
    out->email = json_text(r, json_object_get(account, "email"));
    out->email_verified = out->email && json_is_true(json_object_get(account, "is_email_verified"));
    return ET_OAUTH_OK;
}

/* POSTs the form to a token endpoint; the id_token of a 200 answer. */
static et_oauth_result exchange(request_rec *r, const et_oauth_conf *o, apr_time_t deadline,
                                const char *what, const char *url, const char *form,
                                const char **id_token)
{
    et_http_reply reply;
    json_t *answer;
    if (et_http_call(r, o, deadline, url, NULL, form, &reply) != APR_SUCCESS)
        return ET_OAUTH_UNREACHABLE;
    if (reply.status != 200)
        return status_result(r, what, reply.status);
    answer = answer_object(r, &reply);
    if (!(*id_token = json_text(r, json_object_get(answer, "id_token")))) {
        ET_LOG(r, APLOG_ERR, 0, "%s token answer is not JSON with an id_token", what);
        return ET_OAUTH_UNREACHABLE;
    }
    return ET_OAUTH_OK;
}

static const char *idt_reason(et_idt_status st)
{
    switch (st) {
    case ET_IDT_BAD_HEADER:
        return "alg is not RS256, or no kid";
    case ET_IDT_BAD_SIGNATURE:
        return "signature does not verify, or unknown kid";
    case ET_IDT_BAD_CLAIMS:
        return "iss, aud or sub wrong";
    case ET_IDT_EXPIRED:
        return "expired";
    default:
        return "malformed";
    }
}

static et_oauth_result verify(request_rec *r, const et_oauth_conf *o, apr_time_t deadline,
                              et_jwks_source src, const char *jwks_url, const char *const *issuers,
                              const char *audience, const char *id_token, et_social_identity *out)
{
    const char *what = src == ET_JWKS_GOOGLE ? "Google" : "Apple", *kid;
    et_idt_claims claims;
    et_idt_status st = et_idt_kid(r->pool, id_token, &kid);
    EVP_PKEY *key = NULL;
    et_key_status ks;
    if (st == ET_IDT_MALFORMED) {
        ET_LOG(r, APLOG_ERR, 0, "%s id_token is not a JWT", what);
        return ET_OAUTH_UNREACHABLE;
    }
    if (st == ET_IDT_OK) {
        ks = et_jwks_key(r, o, deadline, src, jwks_url, kid, &key);
        if (ks == ET_KEY_UNREACHABLE)
            return ET_OAUTH_UNREACHABLE;
        st = ks == ET_KEY_OK ? et_idt_verify(r->pool, id_token, key, issuers, audience,
                                             apr_time_sec(apr_time_now()), &claims)
                             : ET_IDT_BAD_SIGNATURE;
    }
    if (st != ET_IDT_OK) {
        ET_LOG(r, APLOG_WARNING, 0, "%s id_token refused: %s", what, idt_reason(st));
        return ET_OAUTH_REJECTED;
    }
    out->user_id = claims.sub;
    out->email = claims.email;
    out->email_verified = claims.email_verified;
    return ET_OAUTH_OK;
}

static et_oauth_result not_configured(request_rec *r, const char *what, const char *directive)
{
    ET_LOG(r, APLOG_ERR, 0, "%s login is not configured (%s)", what, directive);
    return ET_OAUTH_UNREACHABLE;
}

static et_oauth_result google(request_rec *r, const et_oauth_conf *o, const char *code,
                              et_social_identity *out)
{
    static const char *const issuers[] = {"https://accounts.google.com", "accounts.google.com",
                                          NULL};
    apr_time_t deadline = et_http_deadline(o);
    const char *form, *id_token;
    et_oauth_result res;
    if (!o->google_client_id)
        return not_configured(r, "Google", ET_DIR_GOOGLE_CLIENT_ID);
    form = et_form_add(r->pool, NULL, "grant_type", "authorization_code");
    form = et_form_add(r->pool, form, "code", code);
    form = et_form_add(r->pool, form, "client_id", o->google_client_id);
    form = et_form_add(r->pool, form, "client_secret",
                       apr_pstrmemdup(r->pool, (const char *)o->google_client_secret,
                                      o->google_client_secret_len));
    form = et_form_add(r->pool, form, "redirect_uri", o->google_redirect_uri);
    res = exchange(r, o, deadline, "Google", o->google_token_url, form, &id_token);
    if (res != ET_OAUTH_OK)
        return res;
    return verify(r, o, deadline, ET_JWKS_GOOGLE, o->google_jwks_url, issuers, o->google_client_id,
                  id_token, out);
}

const char *et_apple_client_secret(apr_pool_t *p, const et_oauth_conf *o, apr_int64_t now,
                                   apr_int64_t ttl)
{
    jwt_t *jwt = NULL;
    char *token = NULL;
    const char *out = NULL;
    if (!o->apple_key || ttl <= 0 || ttl > 15 * 60)
        return NULL;
    if (jwt_new(&jwt) == 0 && jwt_add_header(jwt, "kid", o->apple_key_id) == 0 &&
        jwt_add_grant(jwt, "iss", o->apple_team_id) == 0 &&
        jwt_add_grant_int(jwt, "iat", (long)now) == 0 &&
        jwt_add_grant_int(jwt, "exp", (long)(now + ttl)) == 0 &&
        jwt_add_grant(jwt, "aud", APPLE_AUDIENCE) == 0 &&
        jwt_add_grant(jwt, "sub", o->apple_client_id) == 0 &&
        jwt_set_alg(jwt, JWT_ALG_ES256, o->apple_key, (int)o->apple_key_len) == 0 &&
        (token = jwt_encode_str(jwt)) != NULL)
        out = apr_pstrdup(p, token);
    free(token);
    jwt_free(jwt);
    return out;
}

static et_oauth_result apple(request_rec *r, const et_oauth_conf *o, const char *code,
                             et_social_identity *out)
{
    static const char *const issuers[] = {APPLE_AUDIENCE, NULL};
    apr_time_t deadline = et_http_deadline(o);
    const char *secret, *form, *id_token;
    et_oauth_result res;
    if (!o->apple_client_id)
        return not_configured(r, "Apple", ET_DIR_APPLE_CLIENT_ID);
    if (!(secret =
              et_apple_client_secret(r->pool, o, apr_time_sec(apr_time_now()), APPLE_SECRET_TTL))) {
        ET_LOG(r, APLOG_ERR, 0, "cannot sign the Apple client_secret");
        return ET_OAUTH_UNREACHABLE;
    }
    form = et_form_add(r->pool, NULL, "client_id", o->apple_client_id);
    form = et_form_add(r->pool, form, "client_secret", secret);
    form = et_form_add(r->pool, form, "code", code);
    form = et_form_add(r->pool, form, "grant_type", "authorization_code");
    res = exchange(r, o, deadline, "Apple", o->apple_token_url, form, &id_token);
    if (res != ET_OAUTH_OK)
        return res;
    return verify(r, o, deadline, ET_JWKS_APPLE, o->apple_jwks_url, issuers, o->apple_client_id,
                  id_token, out);
}

et_oauth_result et_oauth_identify(request_rec *r, et_provider provider, const char *credential,
                                  et_social_identity *out)
{
    const et_oauth_conf *o = &et_conf(r->server)->oauth;
    memset(out, 0, sizeof(*out));
    if (!credential || !*credential || strlen(credential) > MAX_CREDENTIAL)
        return ET_OAUTH_REJECTED;
    switch (provider) {
    case ET_PROVIDER_KAKAO:
        return kakao(r, o, credential, out);
    case ET_PROVIDER_GOOGLE:
        return google(r, o, credential, out);
    case ET_PROVIDER_APPLE:
        return apple(r, o, credential, out);
    }
    return ET_OAUTH_REJECTED;
}

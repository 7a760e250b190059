/*
 * fcm_token.c: Google's service-account flow (RFC 7523's jwt-bearer grant),
 * signed with libjwt as the Apple client secret is. The access token is
 * worth an hour; re-exchanging it per push would double every push's calls,
 * so each process keeps one per account and token URL.
 */
#include "auth/fcm_token.h"
#include "infra/http_client.h"

#include <jansson.h>
#include <jwt.h>

const char *et_fcm_assertion(apr_pool_t *p, const et_fcm_conf *f, apr_int64_t now)
{
    jwt_t *jwt = NULL;
    char *token = NULL;
    const char *out = NULL;
    if (!f->key)
        return NULL;
    if (jwt_new(&jwt) == 0 && jwt_add_grant(jwt, "iss", f->client_email) == 0 &&
        jwt_add_grant(jwt, "scope", ET_FCM_SCOPE) == 0 &&
        jwt_add_grant(jwt, "aud", f->token_uri) == 0 &&
        jwt_add_grant_int(jwt, "iat", (long)now) == 0 &&
        jwt_add_grant_int(jwt, "exp", (long)(now + ET_FCM_ASSERTION_TTL)) == 0 &&
        jwt_set_alg(jwt, JWT_ALG_RS256, f->key, (int)f->key_len) == 0 &&
        (token = jwt_encode_str(jwt)) != NULL)
        out = apr_pstrdup(p, token);
    free(token);
    jwt_free(jwt);
    return out;
}

/* One cached token per (account, token URL): vhosts that inherit one
 * configuration share it. A handful of accounts at most. */
#define ET_FCM_SLOTS 4

typedef struct {
    char account[512]; /* client_email and token URL, joined */
    char token[2048];
    apr_time_t expires;
} slot;

static slot slots[ET_FCM_SLOTS];

static slot *slot_for(apr_pool_t *p, const et_fcm_conf *f, int take)
{
    const char *account = apr_pstrcat(p, f->client_email, " ", f->token_url, NULL);
    int i, oldest = 0;
    for (i = 0; i < ET_FCM_SLOTS; i++) {
        if (!strcmp(slots[i].account, account))
            return &slots[i];
        if (slots[i].expires < slots[oldest].expires)
            oldest = i;
    }
    if (!take || strlen(account) >= sizeof(slots[0].account))
        return NULL;
    memset(&slots[oldest], 0, sizeof(slots[oldest]));
    strcpy(slots[oldest].account, account);
    return &slots[oldest];
}

/* The token URL's answer: the token and its lifetime, or NULL. */
static const char *read_answer(apr_pool_t *p, server_rec *s, const et_http_reply *reply,
                               apr_int64_t *ttl)
{
    json_t *doc = NULL, *tok, *exp;
    const char *out = NULL;
    if (reply->status == 200)
        doc = json_loadb(reply->body, reply->len, 0, NULL);
    tok = json_object_get(doc, "access_token");
    exp = json_object_get(doc, "expires_in");
    if (json_is_string(tok) && json_is_integer(exp) && json_integer_value(exp) > 0 &&
        json_string_length(tok) < sizeof(slots[0].token)) {
        out = apr_pstrdup(p, json_string_value(tok));
        *ttl = json_integer_value(exp);
    } else {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "FCM: the token URL answered %ld without an access token [%s]", reply->status,
                     __func__);
    }
    json_decref(doc);
    return out;
}

const char *et_fcm_access_token(server_rec *s, apr_pool_t *p)
{
    et_srv_conf *c = et_conf(s);
    apr_int64_t now = apr_time_sec(apr_time_now()), ttl = 0;
    const char *assertion, *form, *token;
    slot *sl = slot_for(p, &c->fcm, 0);
    et_http_reply reply;
    if (sl && sl->expires - apr_time_from_sec(ET_FCM_TOKEN_MARGIN) > apr_time_now())
        return apr_pstrdup(p, sl->token);
    if (!(assertion = et_fcm_assertion(p, &c->fcm, now))) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, "FCM: the service account's key cannot sign [%s]",
                     __func__);
        return NULL;
    }
    form = et_form_add(p, NULL, "grant_type", ET_FCM_GRANT);
    form = et_form_add(p, form, "assertion", assertion);
    if (et_http_send(p, s, &c->oauth, et_http_deadline(&c->oauth), c->fcm.token_url, NULL,
                     "application/x-www-form-urlencoded", form, &reply) != APR_SUCCESS ||
        !(token = read_answer(p, s, &reply, &ttl)))
        return NULL;
    if ((sl = slot_for(p, &c->fcm, 1))) {
        strcpy(sl->token, token);
        sl->expires = apr_time_now() + apr_time_from_sec(ttl);
    }
    return token;
}

void et_fcm_forget_token(server_rec *s)
{
    apr_pool_t *p;
    slot *sl;
    if (apr_pool_create(&p, NULL) != APR_SUCCESS)
        return;
    if ((sl = slot_for(p, &et_conf(s)->fcm, 0)))
        memset(sl, 0, sizeof(*sl));
    apr_pool_destroy(p);
}

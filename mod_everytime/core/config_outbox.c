/*
 * config_outbox.c: the outbox's and FCM's directives: each setter validates
 * its value and names the directive in its error; create puts the unset
 * sentinels, merge lets a vhost's own value win, finish applies the
 * defaults and checks what only the merged record can tell.
 */
#include "core/config_outbox.h"
#include "infra/http_client.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define UNSET (-1)

void et_outbox_conf_create(et_outbox_conf *o, et_fcm_conf *f)
{
    o->enabled = UNSET;
    o->own = 0;
    o->interval = UNSET;
    o->lease = UNSET;
    o->retry_set = 0;
    memset(f, 0, sizeof(*f));
}

#define MERGE_NUM(f) m->f = add->f != UNSET ? add->f : base->f
#define MERGE_PTR(f) m->f = add->f ? add->f : base->f

void et_outbox_conf_merge(et_outbox_conf *m, const et_outbox_conf *base, const et_outbox_conf *add)
{
    MERGE_NUM(enabled);
    /* a vhost that names EverytimeOutbox itself is drained on its own (it
     * may have a database of its own); the others share the main server's */
    m->own = add->enabled != UNSET;
    MERGE_NUM(interval);
    MERGE_NUM(lease);
    if (add->retry_set) {
        m->max_attempts = add->max_attempts;
        m->backoff_base = add->backoff_base;
        m->backoff_max = add->backoff_max;
        m->retry_set = 1;
    } else {
        m->max_attempts = base->max_attempts;
        m->backoff_base = base->backoff_base;
        m->backoff_max = base->backoff_max;
        m->retry_set = base->retry_set;
    }
}

void et_fcm_conf_merge(et_fcm_conf *m, const et_fcm_conf *base, const et_fcm_conf *add)
{
    /* the credentials travel together: one account's email, project and key */
    const et_fcm_conf *from = add->key ? add : base;
    m->client_email = from->client_email;
    m->project_id = from->project_id;
    m->token_uri = from->token_uri;
    m->key = from->key;
    m->key_len = from->key_len;
    MERGE_PTR(url);
    MERGE_PTR(token_url);
}

static et_srv_conf *conf_of(cmd_parms *cmd)
{
    return et_conf(cmd->server);
}

const char *et_set_outbox(cmd_parms *cmd, void *dc, int on)
{
    (void)dc;
    conf_of(cmd)->outbox.enabled = on;
    return NULL;
}

const char *et_set_outbox_interval(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    return et_conf_parse_count(cmd, v, 1, 3600, &conf_of(cmd)->outbox.interval);
}

const char *et_set_outbox_lease(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    return et_conf_parse_count(cmd, v, 10, 86400, &conf_of(cmd)->outbox.lease);
}

const char *et_set_outbox_retry(cmd_parms *cmd, void *dc, const char *attempts, const char *base,
                                const char *max)
{
    et_outbox_conf *o = &conf_of(cmd)->outbox;
    apr_int64_t n, b, m;
    const char *err = et_conf_parse_count(cmd, attempts, 1, 100, &n);
    (void)dc;
    if (!err)
        err = et_conf_parse_count(cmd, base, 1, 86400, &b);
    if (!err)
        err = et_conf_parse_count(cmd, max, 1, 7 * 86400, &m);
    if (!err && m < b)
        err = apr_psprintf(cmd->pool, "%s: the longest wait (%s) is shorter than the first (%s)",
                           cmd->cmd->name, max, base);
    if (err)
        return err;
    o->max_attempts = (int)n;
    o->backoff_base = b;
    o->backoff_max = m;
    o->retry_set = 1;
    return NULL;
}

const char *et_set_fcm_url(cmd_parms *cmd, void *dc, const char *v)
{
    et_fcm_conf *f = &conf_of(cmd)->fcm;
    (void)dc;
    if (strncmp(v, "https://", 8) && strncmp(v, "http://", 7))
        return apr_psprintf(cmd->pool, "%s: '%s' is not an http(s) URL", cmd->cmd->name, v);
    if (cmd->info)
        f->token_url = v;
    else /* without a trailing slash: paths are appended to it */
        f->url = apr_pstrndup(cmd->pool, v, strlen(v) - (v[strlen(v) - 1] == '/'));
    return NULL;
}

/* A string member of the key file, or NULL. */
static const char *member(apr_pool_t *p, json_t *o, const char *name)
{
    const char *v = json_string_value(json_object_get(o, name));
    return v && *v ? apr_pstrdup(p, v) : NULL;
}

/* The private key must be an RSA key OpenSSL reads: RS256 signs with it. */
static int rsa_key(const char *pem)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    int ok = k && EVP_PKEY_base_id(k) == EVP_PKEY_RSA;
    EVP_PKEY_free(k);
    BIO_free(bio);
    return ok;
}

/* A Google service account's JSON key, as the console hands it out: read
 * once here, never per push. Nothing of it is ever logged. */
const char *et_set_fcm_credentials(cmd_parms *cmd, void *dc, const char *v)
{
    et_fcm_conf *f = &conf_of(cmd)->fcm;
    const unsigned char *text;
    apr_size_t len;
    json_error_t jerr;
    json_t *doc;
    const char *err = et_read_secret(cmd->pool, v, cmd->cmd->name, &text, &len), *key;
    (void)dc;
    if (err)
        return err;
    doc = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return apr_psprintf(cmd->pool, "%s: not a JSON object (line %d: %s)", cmd->cmd->name,
                            jerr.line, jerr.text);
    }
    f->client_email = member(cmd->pool, doc, "client_email");
    f->project_id = member(cmd->pool, doc, "project_id");
    f->token_uri = member(cmd->pool, doc, "token_uri");
    key = member(cmd->pool, doc, "private_key");
    json_decref(doc);
    if (!f->client_email || !f->project_id || !f->token_uri || !key)
        return apr_psprintf(cmd->pool,
                            "%s: client_email, project_id, token_uri and private_key must all be "
                            "there",
                            cmd->cmd->name);
    if (!rsa_key(key))
        return apr_psprintf(cmd->pool, "%s: private_key is not an RSA private key in PEM",
                            cmd->cmd->name);
    f->key = (const unsigned char *)key;
    f->key_len = strlen(key);
    return NULL;
}

const char *et_outbox_conf_finish(apr_pool_t *p, et_outbox_conf *o, et_fcm_conf *f,
                                  const et_oauth_conf *oauth)
{
    if (o->enabled == UNSET)
        o->enabled = 1;
    if (o->interval == UNSET)
        o->interval = ET_DEFAULT_OUTBOX_INTERVAL;
    if (o->lease == UNSET)
        o->lease = ET_DEFAULT_OUTBOX_LEASE;
    if (!o->retry_set) {
        o->max_attempts = ET_DEFAULT_OUTBOX_ATTEMPTS;
        o->backoff_base = ET_DEFAULT_OUTBOX_BACKOFF;
        o->backoff_max = ET_DEFAULT_OUTBOX_BACKOFF_MAX;
    }
    if (!f->url)
        f->url = ET_DEFAULT_FCM_URL;
    if (!f->token_url)
        f->token_url = f->token_uri;
    /* the same policy as the social providers' URLs: https, or loopback
     * http when EverytimeOAuthAllowLoopback says so (the tests' mock) */
    if (!et_http_url_allowed(f->url, oauth->allow_loopback))
        return apr_psprintf(p, "%s: '%s' is not https (or loopback http with %s On)",
                            ET_DIR_FCM_URL, f->url, ET_DIR_OAUTH_LOOPBACK);
    if (f->token_url && !et_http_url_allowed(f->token_url, oauth->allow_loopback))
        return apr_psprintf(p, "%s: '%s' is not https (or loopback http with %s On)",
                            ET_DIR_FCM_TOKEN_URL, f->token_url, ET_DIR_OAUTH_LOOPBACK);
    return NULL;
}

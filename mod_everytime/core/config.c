/*
 * config.c: directives, create/merge, and the checks that refuse a bad
 * configuration when httpd reads it (so "apachectl configtest" shows it).
 */
#include "core/config.h"
#include "core/config_community.h"
#include "core/config_mail.h"
#include "core/config_outbox.h"
#include "core/cors.h"
#include "infra/cache.h"
#include "infra/db.h"
#include "infra/http_client.h"

#include <apr_file_io.h>
#include <apr_lib.h>
#include <http_core.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define UNSET (-1)

void *et_create_server_config(apr_pool_t *p, server_rec *s)
{
    et_srv_conf *c = apr_pcalloc(p, sizeof(*c));
    (void)s;
    c->access_ttl = UNSET;
    c->refresh_ttl = UNSET;
    c->sign_ttl = UNSET;
    c->cache_ttl = UNSET;
    c->cache_timeout = UNSET;
    c->db_timeout = UNSET;
    c->wal_restart = UNSET;
    c->refresh_reuse = UNSET;
    c->popular_cache = UNSET;
    c->password_cost = UNSET;
    c->max_body = UNSET;
    c->token_cookies = UNSET;
    c->hot_threshold = UNSET;
    c->report_threshold = UNSET;
    c->max_upload = UNSET;
    c->oauth.connect_timeout = UNSET;
    c->oauth.timeout = UNSET;
    c->oauth.max_response = UNSET;
    c->oauth.allow_loopback = UNSET;
    c->mail.starttls = UNSET;
    c->mail.timeout = UNSET;
    et_outbox_conf_create(&c->outbox, &c->fcm);
    return c;
}

void *et_create_dir_config(apr_pool_t *p, char *dir)
{
    (void)dir;
    return apr_pcalloc(p, sizeof(et_dir_conf));
}

void *et_merge_dir_config(apr_pool_t *p, void *basev, void *addv)
{
    et_dir_conf *base = basev, *add = addv;
    et_dir_conf *m = apr_pcalloc(p, sizeof(*m));
    m->mount = add->mount ? add->mount : base->mount;
    return m;
}

/* EverytimeAPIRoot when set; else the path of the innermost <Location>
 * (httpd keeps the last merged section's path in core's per-dir config). */
const char *et_mount(request_rec *r)
{
    et_dir_conf *d = ap_get_module_config(r->per_dir_config, &everytime_module);
    core_dir_config *core = ap_get_core_module_config(r->per_dir_config);
    if (d && d->mount)
        return d->mount;
    return core && core->d && core->d[0] == '/' ? core->d : NULL;
}

static const char *set_api_root(cmd_parms *cmd, void *dc, const char *v)
{
    et_dir_conf *d = dc;
    if (v[0] != '/')
        return apr_psprintf(cmd->pool, "%s: '%s' must be a URL path starting with /",
                            cmd->cmd->name, v);
    d->mount = v;
    return NULL;
}

#define MERGE_PTR(f) m->f = add->f ? add->f : base->f
#define MERGE_NUM(f) m->f = add->f != UNSET ? add->f : base->f

static void merge_oauth(et_oauth_conf *m, const et_oauth_conf *base, const et_oauth_conf *add)
{
    MERGE_NUM(connect_timeout);
    MERGE_NUM(timeout);
    MERGE_NUM(max_response);
    MERGE_NUM(allow_loopback);
    MERGE_PTR(kakao_userinfo_url);
    MERGE_PTR(google_token_url);
    MERGE_PTR(google_jwks_url);
    MERGE_PTR(google_client_id);
    MERGE_PTR(google_redirect_uri);
    MERGE_PTR(apple_token_url);
    MERGE_PTR(apple_jwks_url);
    MERGE_PTR(apple_client_id);
    MERGE_PTR(apple_team_id);
    MERGE_PTR(apple_key_id);
    /* a secret or key travels with its length */
    m->google_client_secret_len =
        add->google_client_secret ? add->google_client_secret_len : base->google_client_secret_len;
    MERGE_PTR(google_client_secret);
    m->apple_key_len = add->apple_key ? add->apple_key_len : base->apple_key_len;
    MERGE_PTR(apple_key);
}

void *et_merge_server_config(apr_pool_t *p, void *basev, void *addv)
{
    et_srv_conf *base = basev, *add = addv;
    et_srv_conf *m = apr_pcalloc(p, sizeof(*m));
    MERGE_PTR(database);
    m->alg = add->alg != ET_ALG_UNSET ? add->alg : base->alg;
    if (add->sign_key) {
        m->sign_key = add->sign_key;
        m->sign_key_len = add->sign_key_len;
    } else {
        m->sign_key = base->sign_key;
        m->sign_key_len = base->sign_key_len;
    }
    if (add->verify_key) {
        m->verify_key = add->verify_key;
        m->verify_key_len = add->verify_key_len;
    } else {
        m->verify_key = base->verify_key;
        m->verify_key_len = base->verify_key_len;
    }
    MERGE_PTR(issuer);
    MERGE_PTR(audience);
    MERGE_NUM(access_ttl);
    MERGE_NUM(refresh_ttl);
    MERGE_NUM(sign_ttl);
    MERGE_NUM(cache_ttl);
    MERGE_NUM(cache_timeout);
    MERGE_NUM(db_timeout);
    MERGE_NUM(wal_restart);
    MERGE_NUM(refresh_reuse);
    MERGE_NUM(popular_cache);
    MERGE_NUM(password_cost);
    MERGE_NUM(max_body);
    MERGE_NUM(token_cookies);
    if (add->throttle_set) {
        m->throttle_max = add->throttle_max;
        m->throttle_window = add->throttle_window;
        m->throttle_set = 1;
    } else {
        m->throttle_max = base->throttle_max;
        m->throttle_window = base->throttle_window;
        m->throttle_set = base->throttle_set;
    }
    MERGE_NUM(hot_threshold);
    MERGE_NUM(report_threshold);
    MERGE_PTR(media_dir);
    MERGE_PTR(media_url);
    MERGE_NUM(max_upload);
    MERGE_PTR(cors_origins); /* a vhost's own list replaces the main server's */
    MERGE_PTR(cache);
    merge_oauth(&m->oauth, &base->oauth, &add->oauth);
    et_mail_merge(&m->mail, &base->mail, &add->mail);
    et_outbox_conf_merge(&m->outbox, &base->outbox, &add->outbox);
    et_fcm_conf_merge(&m->fcm, &base->fcm, &add->fcm);
    return m;
}

static et_srv_conf *cmd_conf(cmd_parms *cmd)
{
    return et_conf(cmd->server);
}

static const char *set_database(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    if (strcmp(v, "sqlite3") && strcmp(v, "pgsql") && strcmp(v, "mysql"))
        return apr_psprintf(cmd->pool, "%s: '%s' is not one of sqlite3, pgsql, mysql",
                            cmd->cmd->name, v);
    cmd_conf(cmd)->database = v;
    /* here, so that a statement's bad declaration names this directive */
    return et_db_register_statements(cmd);
}

static const char *set_alg(cmd_parms *cmd, void *dc, const char *v)
{
    et_srv_conf *c = cmd_conf(cmd);
    (void)dc;
    if (!strcmp(v, "HS256"))
        c->alg = ET_ALG_HS256;
    else if (!strcmp(v, "RS256"))
        c->alg = ET_ALG_RS256;
    else if (!strcmp(v, "ES256"))
        c->alg = ET_ALG_ES256;
    else
        return apr_psprintf(cmd->pool, "%s: '%s' is not one of HS256, RS256, ES256", cmd->cmd->name,
                            v);
    return NULL;
}

static const char *set_secret(cmd_parms *cmd, void *dc, const char *v)
{
    et_srv_conf *c = cmd_conf(cmd);
    const char *err;
    (void)dc;
    err = et_read_secret(cmd->pool, v, cmd->cmd->name, &c->sign_key, &c->sign_key_len);
    if (err)
        return err;
    if (c->sign_key_len < ET_MIN_HMAC_SECRET)
        return apr_psprintf(cmd->pool, "%s: an HMAC secret must be at least %d bytes",
                            cmd->cmd->name, ET_MIN_HMAC_SECRET);
    c->verify_key = c->sign_key;
    c->verify_key_len = c->sign_key_len;
    return NULL;
}

static const char *set_pem(cmd_parms *cmd, const char *v, const unsigned char **key,
                           apr_size_t *len)
{
    const char *err = et_read_secret(cmd->pool, v, cmd->cmd->name, key, len);
    if (err)
        return err;
    if (!strstr((const char *)*key, "-----BEGIN "))
        return apr_psprintf(cmd->pool, "%s: not a PEM key", cmd->cmd->name);
    return NULL;
}

static const char *set_private_key(cmd_parms *cmd, void *dc, const char *v)
{
    et_srv_conf *c = cmd_conf(cmd);
    (void)dc;
    return set_pem(cmd, v, &c->sign_key, &c->sign_key_len);
}

static const char *set_public_key(cmd_parms *cmd, void *dc, const char *v)
{
    et_srv_conf *c = cmd_conf(cmd);
    (void)dc;
    return set_pem(cmd, v, &c->verify_key, &c->verify_key_len);
}

static const char *set_issuer(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    cmd_conf(cmd)->issuer = v;
    return NULL;
}

static const char *set_audience(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    cmd_conf(cmd)->audience = v;
    return NULL;
}

static const char *set_seconds(cmd_parms *cmd, void *dc, const char *v)
{
    et_srv_conf *c = cmd_conf(cmd);
    const char *name = cmd->cmd->name;
    apr_int64_t *field = !strcmp(name, ET_DIR_ACCESS_TTL)    ? &c->access_ttl
                         : !strcmp(name, ET_DIR_REFRESH_TTL) ? &c->refresh_ttl
                         : !strcmp(name, ET_DIR_SIGN_TTL)    ? &c->sign_ttl
                                                             : &c->cache_ttl;
    (void)dc;
    return et_conf_parse_count(cmd, v, field == &c->cache_ttl ? 0 : 1, 10LL * 365 * 86400, field);
}

/* Milliseconds one exchange with a shared token cache may take. */
static const char *set_cache_timeout(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    return et_conf_parse_count(cmd, v, 1, ET_MAX_CACHE_TIMEOUT, &cmd_conf(cmd)->cache_timeout);
}

/* Milliseconds a database statement, or its wait for a row lock, may take
 * on pgsql and mysql before the database cancels it (infra/db_timeouts.c). */
static const char *set_db_timeout(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    return et_conf_parse_count(cmd, v, 1, ET_MAX_DB_TIMEOUT, &cmd_conf(cmd)->db_timeout);
}

/* WAL pages past which the checkpoint thread makes an SQLite WAL start over
 * (infra/db_checkpoint.h); 0 leaves the checkpoints to SQLite's requests. */
static const char *set_sqlite_checkpoint(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    return et_conf_parse_count(cmd, v, 0, ET_MAX_SQLITE_CHECKPOINT, &cmd_conf(cmd)->wal_restart);
}

/* Seconds after its first use during which a refresh token presented again
 * gets a new pair instead of revoking its family; 0 keeps strict reuse
 * detection. An hour at most: the window is a replayed token's too. */
static const char *set_refresh_reuse(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    return et_conf_parse_count(cmd, v, 0, ET_MAX_REFRESH_REUSE, &cmd_conf(cmd)->refresh_reuse);
}

static const char *set_cost(cmd_parms *cmd, void *dc, const char *v)
{
    apr_int64_t n;
    const char *err = et_conf_parse_count(cmd, v, 4, 31, &n);
    (void)dc;
    if (!err)
        cmd_conf(cmd)->password_cost = (int)n;
    return err;
}

static const char *set_max_body(cmd_parms *cmd, void *dc, const char *v)
{
    apr_int64_t n;
    const char *err = et_conf_parse_count(cmd, v, 1, APR_INT64_C(1) << 30, &n);
    (void)dc;
    if (!err)
        cmd_conf(cmd)->max_body = (apr_off_t)n;
    return err;
}

static const char *set_cookies(cmd_parms *cmd, void *dc, int on)
{
    (void)dc;
    cmd_conf(cmd)->token_cookies = on;
    return NULL;
}

static const char *set_throttle(cmd_parms *cmd, void *dc, const char *max, const char *win)
{
    et_srv_conf *c = cmd_conf(cmd);
    apr_int64_t n, w = ET_DEFAULT_THROTTLE_WIN;
    const char *err = et_conf_parse_count(cmd, max, 0, 1000000, &n);
    (void)dc;
    if (!err && win)
        err = et_conf_parse_count(cmd, win, 1, 86400, &w);
    if (err)
        return err;
    c->throttle_max = (int)n;
    c->throttle_window = (int)w;
    c->throttle_set = 1;
    return NULL;
}

static const char *set_max_upload(cmd_parms *cmd, void *dc, const char *v)
{
    apr_int64_t n;
    const char *err = et_conf_parse_count(cmd, v, 1, APR_INT64_C(1) << 32, &n);
    (void)dc;
    if (!err)
        cmd_conf(cmd)->max_upload = (apr_off_t)n;
    return err;
}

static const char *set_media_dir(cmd_parms *cmd, void *dc, const char *v)
{
    const char *path = ap_server_root_relative(cmd->pool, v);
    apr_finfo_t fi;
    (void)dc;
    if (!path || apr_stat(&fi, path, APR_FINFO_TYPE, cmd->pool) != APR_SUCCESS ||
        fi.filetype != APR_DIR)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a directory", cmd->cmd->name, v);
    cmd_conf(cmd)->media_dir = path;
    return NULL;
}

static const char *set_media_url(cmd_parms *cmd, void *dc, const char *v)
{
    apr_size_t n = strlen(v);
    (void)dc;
    if (v[0] != '/' && strncmp(v, "https://", 8) && strncmp(v, "http://", 7))
        return apr_psprintf(cmd->pool, "%s: '%s' must be a path or an http(s) URL", cmd->cmd->name,
                            v);
    cmd_conf(cmd)->media_url = n && v[n - 1] == '/' ? v : apr_pstrcat(cmd->pool, v, "/", NULL);
    return NULL;
}

/* The oauth fields a generic setter writes, found through cmd->info. */
#define OAUTH_FIELD(f)        ((void *)APR_OFFSETOF(et_srv_conf, oauth.f))
#define OAUTH_SLOT(cmd, type) ((type *)((char *)cmd_conf(cmd) + (apr_size_t)(cmd)->info))

static const char *set_oauth_seconds(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    return et_conf_parse_count(cmd, v, 1, 300, OAUTH_SLOT(cmd, apr_int64_t));
}

static const char *set_oauth_max_response(cmd_parms *cmd, void *dc, const char *v)
{
    apr_int64_t n;
    const char *err = et_conf_parse_count(cmd, v, 1024, 16 * 1024 * 1024, &n);
    (void)dc;
    if (!err)
        cmd_conf(cmd)->oauth.max_response = (apr_off_t)n;
    return err;
}

static const char *set_oauth_loopback(cmd_parms *cmd, void *dc, int on)
{
    (void)dc;
    cmd_conf(cmd)->oauth.allow_loopback = on;
    return NULL;
}

/* https://, or http:// to 127.0.0.1/localhost; whether EverytimeOAuthAllowLoopback
 * permits the latter is known only after the merge (et_config_finish). */
static const char *set_oauth_url(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    if (!et_http_url_allowed(v, 1))
        return apr_psprintf(cmd->pool,
                            "%s: '%s' must be an https:// URL (http:// only for "
                            "127.0.0.1 or localhost with %s On)",
                            cmd->cmd->name, v, ET_DIR_OAUTH_LOOPBACK);
    *OAUTH_SLOT(cmd, const char *) = v;
    return NULL;
}

/* Ids and the redirect URI travel percent-encoded in a form body; white
 * space in one is a copy-and-paste accident, not a value. */
static const char *set_oauth_text(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    if (!*v || strpbrk(v, " \t\r\n"))
        return apr_psprintf(cmd->pool, "%s: '%s' is empty or holds white space", cmd->cmd->name, v);
    *OAUTH_SLOT(cmd, const char *) = v;
    return NULL;
}

static const char *set_google_secret(cmd_parms *cmd, void *dc, const char *v)
{
    et_oauth_conf *o = &cmd_conf(cmd)->oauth;
    (void)dc;
    return et_read_secret(cmd->pool, v, cmd->cmd->name, &o->google_client_secret,
                          &o->google_client_secret_len);
}

/* The .p8 file Apple hands out: a PEM PKCS#8 EC key on P-256, read once here. */
static const char *set_apple_key(cmd_parms *cmd, void *dc, const char *v)
{
    et_oauth_conf *o = &cmd_conf(cmd)->oauth;
    const char *path = strncmp(v, "file:", 5) ? apr_pstrcat(cmd->pool, "file:", v, NULL) : v;
    const char *err =
        et_read_secret(cmd->pool, path, cmd->cmd->name, &o->apple_key, &o->apple_key_len);
    BIO *bio;
    EVP_PKEY *key = NULL;
    int ok;
    (void)dc;
    if (err)
        return err;
    bio = BIO_new_mem_buf(o->apple_key, (int)o->apple_key_len);
    if (bio)
        key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    ok = key && EVP_PKEY_base_id(key) == EVP_PKEY_EC && EVP_PKEY_bits(key) == 256;
    EVP_PKEY_free(key);
    BIO_free(bio);
    if (!ok)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a PEM EC P-256 private key (.p8)",
                            cmd->cmd->name, v);
    return NULL;
}

/* One origin of EverytimeCORSOrigins; each line adds to the server's list. */
static const char *set_cors_origin(cmd_parms *cmd, void *dc, const char *v)
{
    et_srv_conf *c = cmd_conf(cmd);
    const char *origin, *why = et_cors_origin_parse(cmd->pool, v, &origin);
    (void)dc;
    if (why)
        return apr_psprintf(cmd->pool, "%s: '%s' %s", cmd->cmd->name, v, why);
    if (!c->cors_origins)
        c->cors_origins = apr_array_make(cmd->pool, 4, sizeof(const char *));
    APR_ARRAY_PUSH(c->cors_origins, const char *) = origin;
    return NULL;
}

static const char *set_cache(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    return et_cache_configure(cmd, v, &cmd_conf(cmd)->cache);
}

const command_rec et_directives[] = {
    AP_INIT_TAKE1(ET_DIR_API_ROOT, set_api_root, NULL, ACCESS_CONF | RSRC_CONF,
                  "URL path the API routes are relative to (default: the <Location> path)"),
    AP_INIT_TAKE1(ET_DIR_DATABASE, set_database, NULL, RSRC_CONF,
                  "SQL dialect of the DBDriver in use: sqlite3, pgsql or mysql"),
    AP_INIT_TAKE1(ET_DIR_JWT_ALG, set_alg, NULL, RSRC_CONF,
                  "JWT signing algorithm: HS256 (default), RS256 or ES256"),
    AP_INIT_TAKE1(ET_DIR_JWT_SECRET, set_secret, NULL, RSRC_CONF,
                  "HMAC secret (at least 32 bytes), literal or file:/path"),
    AP_INIT_TAKE1(ET_DIR_JWT_PRIVATE_KEY, set_private_key, NULL, RSRC_CONF,
                  "PEM private key for RS256/ES256, file:/path"),
    AP_INIT_TAKE1(ET_DIR_JWT_PUBLIC_KEY, set_public_key, NULL, RSRC_CONF,
                  "PEM public key for RS256/ES256, file:/path"),
    AP_INIT_TAKE1(ET_DIR_JWT_ISSUER, set_issuer, NULL, RSRC_CONF, "iss claim to issue and require"),
    AP_INIT_TAKE1(ET_DIR_JWT_AUDIENCE, set_audience, NULL, RSRC_CONF,
                  "aud claim to issue and require"),
    AP_INIT_TAKE1(ET_DIR_ACCESS_TTL, set_seconds, NULL, RSRC_CONF,
                  "access token lifetime in seconds (300)"),
    AP_INIT_TAKE1(ET_DIR_REFRESH_TTL, set_seconds, NULL, RSRC_CONF,
                  "refresh token lifetime in seconds (1209600)"),
    AP_INIT_TAKE1(ET_DIR_SIGN_TTL, set_seconds, NULL, RSRC_CONF,
                  "social signup (signToken) lifetime in seconds (600)"),
    AP_INIT_TAKE1(ET_DIR_CACHE_TTL, set_seconds, NULL, RSRC_CONF,
                  "seconds a cached revocation answer is trusted (30)"),
    AP_INIT_TAKE1(ET_DIR_REFRESH_REUSE, set_refresh_reuse, NULL, RSRC_CONF,
                  "seconds a spent refresh token may be presented again for a new pair "
                  "instead of revoking its family (0)"),
    AP_INIT_TAKE1(ET_DIR_CACHE_TIMEOUT, set_cache_timeout, NULL, RSRC_CONF,
                  "milliseconds a redis or memcache exchange may take (250)"),
    AP_INIT_TAKE1(ET_DIR_DB_TIMEOUT, set_db_timeout, NULL, RSRC_CONF,
                  "milliseconds a database statement or lock wait may take (5000)"),
    AP_INIT_TAKE1(ET_DIR_SQLITE_CHECKPOINT, set_sqlite_checkpoint, NULL, RSRC_CONF,
                  "WAL pages past which SQLite's WAL starts over (4096); 0: SQLite checkpoints "
                  "in the requests"),
    AP_INIT_TAKE1(ET_DIR_TOKEN_CACHE, set_cache, NULL, RSRC_CONF,
                  "socache provider for token state, provider[:args] (shmcb)"),
    AP_INIT_TAKE1(ET_DIR_PASSWORD_COST, set_cost, NULL, RSRC_CONF, "bcrypt cost, 4..31 (12)"),
    AP_INIT_TAKE1(ET_DIR_MAX_BODY, set_max_body, NULL, RSRC_CONF,
                  "largest JSON request body in bytes (1048576)"),
    AP_INIT_FLAG(ET_DIR_TOKEN_COOKIES, set_cookies, NULL, RSRC_CONF,
                 "also hand tokens out as HttpOnly cookies (Off)"),
    AP_INIT_TAKE12(ET_DIR_LOGIN_THROTTLE, set_throttle, NULL, RSRC_CONF,
                   "failed logins allowed per client and login_id, and the window "
                   "in seconds (10 300); 0 turns throttling off"),
    ET_COMMUNITY_DIRECTIVES,
    AP_INIT_TAKE1(ET_DIR_MEDIA_DIR, set_media_dir, NULL, RSRC_CONF,
                  "directory uploaded media are written to (uploads are off without it)"),
    AP_INIT_TAKE1(ET_DIR_MEDIA_URL, set_media_url, NULL, RSRC_CONF,
                  "URL prefix under which httpd serves EverytimeMediaDir (/media/)"),
    AP_INIT_TAKE1(ET_DIR_MAX_UPLOAD, set_max_upload, NULL, RSRC_CONF,
                  "largest uploaded file in bytes (10485760)"),
    AP_INIT_ITERATE(ET_DIR_CORS_ORIGINS, set_cors_origin, NULL, RSRC_CONF,
                    "origins (scheme://host[:port]) whose pages may call the API with "
                    "credentials (none)"),
    AP_INIT_TAKE1(ET_DIR_OAUTH_CONNECT_TIMEOUT, set_oauth_seconds, OAUTH_FIELD(connect_timeout),
                  RSRC_CONF, "seconds to connect to a social login provider (2)"),
    AP_INIT_TAKE1(ET_DIR_OAUTH_TIMEOUT, set_oauth_seconds, OAUTH_FIELD(timeout), RSRC_CONF,
                  "seconds a whole exchange with a social login provider may take (5)"),
    AP_INIT_TAKE1(ET_DIR_OAUTH_MAX_RESPONSE, set_oauth_max_response, NULL, RSRC_CONF,
                  "largest answer accepted from a provider, bytes (262144)"),
    AP_INIT_FLAG(ET_DIR_OAUTH_LOOPBACK, set_oauth_loopback, NULL, RSRC_CONF,
                 "allow http:// provider URLs on 127.0.0.1/localhost, for tests (Off)"),
    AP_INIT_TAKE1(ET_DIR_KAKAO_USERINFO_URL, set_oauth_url, OAUTH_FIELD(kakao_userinfo_url),
                  RSRC_CONF, "Kakao user-info URL (" ET_DEFAULT_KAKAO_USERINFO_URL ")"),
    AP_INIT_TAKE1(ET_DIR_GOOGLE_TOKEN_URL, set_oauth_url, OAUTH_FIELD(google_token_url), RSRC_CONF,
                  "Google token URL (" ET_DEFAULT_GOOGLE_TOKEN_URL ")"),
    AP_INIT_TAKE1(ET_DIR_GOOGLE_JWKS_URL, set_oauth_url, OAUTH_FIELD(google_jwks_url), RSRC_CONF,
                  "Google JWKS URL (" ET_DEFAULT_GOOGLE_JWKS_URL ")"),
    AP_INIT_TAKE1(ET_DIR_GOOGLE_CLIENT_ID, set_oauth_text, OAUTH_FIELD(google_client_id), RSRC_CONF,
                  "Google OAuth client id (the id_token audience)"),
    AP_INIT_TAKE1(ET_DIR_GOOGLE_CLIENT_SECRET, set_google_secret, NULL, RSRC_CONF,
                  "Google OAuth client secret, literal or file:/path"),
    AP_INIT_TAKE1(ET_DIR_GOOGLE_REDIRECT_URI, set_oauth_text, OAUTH_FIELD(google_redirect_uri),
                  RSRC_CONF, "redirect_uri sent with a Google code (empty for app codes)"),
    AP_INIT_TAKE1(ET_DIR_APPLE_TOKEN_URL, set_oauth_url, OAUTH_FIELD(apple_token_url), RSRC_CONF,
                  "Apple token URL (" ET_DEFAULT_APPLE_TOKEN_URL ")"),
    AP_INIT_TAKE1(ET_DIR_APPLE_JWKS_URL, set_oauth_url, OAUTH_FIELD(apple_jwks_url), RSRC_CONF,
                  "Apple JWKS URL (" ET_DEFAULT_APPLE_JWKS_URL ")"),
    AP_INIT_TAKE1(ET_DIR_APPLE_CLIENT_ID, set_oauth_text, OAUTH_FIELD(apple_client_id), RSRC_CONF,
                  "Apple services id (client_id, the id_token audience)"),
    AP_INIT_TAKE1(ET_DIR_APPLE_TEAM_ID, set_oauth_text, OAUTH_FIELD(apple_team_id), RSRC_CONF,
                  "Apple developer team id (iss of the client_secret)"),
    AP_INIT_TAKE1(ET_DIR_APPLE_KEY_ID, set_oauth_text, OAUTH_FIELD(apple_key_id), RSRC_CONF,
                  "id of the Apple Sign in key (kid of the client_secret)"),
    AP_INIT_TAKE1(ET_DIR_APPLE_KEY_FILE, set_apple_key, NULL, RSRC_CONF,
                  "the Apple Sign in .p8 key file (EC P-256, PEM)"),
    ET_MAIL_DIRECTIVES,
    ET_OUTBOX_DIRECTIVES,
    /* designated: clang's -Wmissing-field-initializers accepts no bare {NULL} */
    {.name = NULL}};

static void oauth_defaults(et_oauth_conf *o)
{
    if (o->timeout == UNSET)
        o->timeout = ET_DEFAULT_OAUTH_TIMEOUT;
    /* an unset connect timeout follows a short total one down */
    if (o->connect_timeout == UNSET)
        o->connect_timeout = o->timeout < ET_DEFAULT_OAUTH_CONNECT_TIMEOUT
                                 ? o->timeout
                                 : ET_DEFAULT_OAUTH_CONNECT_TIMEOUT;
    if (o->max_response == UNSET)
        o->max_response = ET_DEFAULT_OAUTH_MAX_RESPONSE;
    if (o->allow_loopback == UNSET)
        o->allow_loopback = 0;
    if (!o->kakao_userinfo_url)
        o->kakao_userinfo_url = ET_DEFAULT_KAKAO_USERINFO_URL;
    if (!o->google_token_url)
        o->google_token_url = ET_DEFAULT_GOOGLE_TOKEN_URL;
    if (!o->google_jwks_url)
        o->google_jwks_url = ET_DEFAULT_GOOGLE_JWKS_URL;
    if (!o->apple_token_url)
        o->apple_token_url = ET_DEFAULT_APPLE_TOKEN_URL;
    if (!o->apple_jwks_url)
        o->apple_jwks_url = ET_DEFAULT_APPLE_JWKS_URL;
}

/* After the merge: loopback URLs need the flag; a provider is configured
 * completely or not at all (a half-configured one would fail every login). */
static const char *oauth_finish(apr_pool_t *p, et_oauth_conf *o)
{
    oauth_defaults(o); /* before the URLs below are read */
    const char *const urls[][2] = {{ET_DIR_KAKAO_USERINFO_URL, o->kakao_userinfo_url},
                                   {ET_DIR_GOOGLE_TOKEN_URL, o->google_token_url},
                                   {ET_DIR_GOOGLE_JWKS_URL, o->google_jwks_url},
                                   {ET_DIR_APPLE_TOKEN_URL, o->apple_token_url},
                                   {ET_DIR_APPLE_JWKS_URL, o->apple_jwks_url}};
    int apple;
    apr_size_t i;
    for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
        if (!et_http_url_allowed(urls[i][1], o->allow_loopback))
            return apr_psprintf(p, "%s: '%s' is http:// but %s is Off", urls[i][0], urls[i][1],
                                ET_DIR_OAUTH_LOOPBACK);
    if (o->connect_timeout > o->timeout)
        return apr_psprintf(p, "%s must not exceed %s", ET_DIR_OAUTH_CONNECT_TIMEOUT,
                            ET_DIR_OAUTH_TIMEOUT);
    if (!o->google_client_id != !o->google_client_secret)
        return apr_psprintf(p, "%s and %s must be set together", ET_DIR_GOOGLE_CLIENT_ID,
                            ET_DIR_GOOGLE_CLIENT_SECRET);
    apple = !!o->apple_client_id + !!o->apple_team_id + !!o->apple_key_id + !!o->apple_key;
    if (apple && apple != 4)
        return apr_psprintf(p, "%s, %s, %s and %s must be set together", ET_DIR_APPLE_CLIENT_ID,
                            ET_DIR_APPLE_TEAM_ID, ET_DIR_APPLE_KEY_ID, ET_DIR_APPLE_KEY_FILE);
    return NULL;
}

const char *et_config_finish(apr_pool_t *p, server_rec *s, et_srv_conf *c)
{
    const char *err;
    (void)s;
    if ((err = oauth_finish(p, &c->oauth)) || (err = et_mail_finish(p, &c->mail)) ||
        (err = et_outbox_conf_finish(p, &c->outbox, &c->fcm, &c->oauth)))
        return err;
    if (c->access_ttl == UNSET)
        c->access_ttl = ET_DEFAULT_ACCESS_TTL;
    if (c->refresh_ttl == UNSET)
        c->refresh_ttl = ET_DEFAULT_REFRESH_TTL;
    if (c->sign_ttl == UNSET)
        c->sign_ttl = ET_DEFAULT_SIGN_TTL;
    if (c->cache_ttl == UNSET)
        c->cache_ttl = ET_DEFAULT_CACHE_TTL;
    if (c->cache_timeout == UNSET)
        c->cache_timeout = ET_DEFAULT_CACHE_TIMEOUT;
    if (c->db_timeout == UNSET)
        c->db_timeout = ET_DEFAULT_DB_TIMEOUT;
    if (c->wal_restart == UNSET)
        c->wal_restart = ET_DEFAULT_SQLITE_CHECKPOINT;
    if (c->refresh_reuse == UNSET)
        c->refresh_reuse = ET_DEFAULT_REFRESH_REUSE;
    if (c->password_cost == UNSET)
        c->password_cost = ET_DEFAULT_COST;
    if (c->max_body == UNSET)
        c->max_body = ET_DEFAULT_MAX_BODY;
    if (c->token_cookies == UNSET)
        c->token_cookies = 0;
    if (!c->throttle_set) {
        c->throttle_max = ET_DEFAULT_THROTTLE_MAX;
        c->throttle_window = ET_DEFAULT_THROTTLE_WIN;
    }
    if (c->hot_threshold == UNSET)
        c->hot_threshold = ET_DEFAULT_HOT;
    if (c->report_threshold == UNSET)
        c->report_threshold = ET_DEFAULT_REPORT;
    if (c->popular_cache == UNSET)
        c->popular_cache = ET_DEFAULT_POPULAR_CACHE;
    if (c->max_upload == UNSET)
        c->max_upload = ET_DEFAULT_MAX_UPLOAD;
    if (!c->media_url)
        c->media_url = ET_DEFAULT_MEDIA_URL;
    if (c->alg == ET_ALG_UNSET)
        c->alg = ET_ALG_HS256;
    if (!c->database)
        return apr_psprintf(p, "%s is not set", ET_DIR_DATABASE);
    if (!c->sign_key || !c->verify_key)
        return c->alg == ET_ALG_HS256
                   ? apr_psprintf(p, "%s is not set", ET_DIR_JWT_SECRET)
                   : apr_psprintf(p, "%s and %s must both be set for this algorithm",
                                  ET_DIR_JWT_PRIVATE_KEY, ET_DIR_JWT_PUBLIC_KEY);
    if (c->alg == ET_ALG_HS256 &&
        (c->sign_key != c->verify_key || c->sign_key_len < ET_MIN_HMAC_SECRET))
        return apr_psprintf(p, "%s: HS256 needs %s, not key files", ET_DIR_JWT_ALG,
                            ET_DIR_JWT_SECRET);
    if (c->alg != ET_ALG_HS256 && c->sign_key == c->verify_key)
        return apr_psprintf(p, "%s: RS256/ES256 need %s and %s, not a secret", ET_DIR_JWT_ALG,
                            ET_DIR_JWT_PRIVATE_KEY, ET_DIR_JWT_PUBLIC_KEY);
    if (c->alg == ET_ALG_HS256 &&
        !(c->verify_mac = et_hmac_make(p, c->verify_key, c->verify_key_len)))
        return apr_psprintf(p, "%s: cannot set up HMAC-SHA256 with it", ET_DIR_JWT_SECRET);
    return NULL;
}

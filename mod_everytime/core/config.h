/*
 * config.h: the module's per-server configuration and its directives.
 */
#ifndef ET_CONFIG_H
#define ET_CONFIG_H

#include "everytime.h"
#include "infra/hmac.h"
#include <ap_socache.h>
#include <apr_global_mutex.h>

#define ET_DIR_API_ROOT              "EverytimeAPIRoot"
#define ET_DIR_DATABASE              "EverytimeDatabase"
#define ET_DIR_JWT_ALG               "EverytimeJWTAlgorithm"
#define ET_DIR_JWT_SECRET            "EverytimeJWTSecret"
#define ET_DIR_JWT_PRIVATE_KEY       "EverytimeJWTPrivateKey"
#define ET_DIR_JWT_PUBLIC_KEY        "EverytimeJWTPublicKey"
#define ET_DIR_JWT_ISSUER            "EverytimeJWTIssuer"
#define ET_DIR_JWT_AUDIENCE          "EverytimeJWTAudience"
#define ET_DIR_ACCESS_TTL            "EverytimeAccessTokenTTL"
#define ET_DIR_REFRESH_TTL           "EverytimeRefreshTokenTTL"
#define ET_DIR_SIGN_TTL              "EverytimeSignTokenTTL"
#define ET_DIR_TOKEN_CACHE           "EverytimeTokenCache"
#define ET_DIR_CACHE_TTL             "EverytimeCacheTTL"
#define ET_DIR_CACHE_TIMEOUT         "EverytimeCacheTimeout"
#define ET_DIR_DB_TIMEOUT            "EverytimeDBTimeout"
#define ET_DIR_SQLITE_CHECKPOINT     "EverytimeSQLiteCheckpoint"
#define ET_DIR_PASSWORD_COST         "EverytimePasswordCost"
#define ET_DIR_MAX_BODY              "EverytimeMaxBodySize"
#define ET_DIR_TOKEN_COOKIES         "EverytimeTokenCookies"
#define ET_DIR_LOGIN_THROTTLE        "EverytimeLoginThrottle"
#define ET_DIR_HOT_THRESHOLD         "EverytimeHotThreshold"
#define ET_DIR_REPORT_THRESHOLD      "EverytimeReportThreshold"
#define ET_DIR_POPULAR_CACHE         "EverytimePopularCacheSeconds"
#define ET_DIR_MEDIA_DIR             "EverytimeMediaDir"
#define ET_DIR_MEDIA_URL             "EverytimeMediaURL"
#define ET_DIR_MAX_UPLOAD            "EverytimeMaxUploadSize"
#define ET_DIR_OAUTH_CONNECT_TIMEOUT "EverytimeOAuthConnectTimeout"
#define ET_DIR_OAUTH_TIMEOUT         "EverytimeOAuthTimeout"
#define ET_DIR_OAUTH_MAX_RESPONSE    "EverytimeOAuthMaxResponse"
#define ET_DIR_OAUTH_LOOPBACK        "EverytimeOAuthAllowLoopback"
#define ET_DIR_KAKAO_USERINFO_URL    "EverytimeKakaoUserInfoURL"
#define ET_DIR_GOOGLE_TOKEN_URL      "EverytimeGoogleTokenURL"
#define ET_DIR_GOOGLE_JWKS_URL       "EverytimeGoogleJWKSURL"
#define ET_DIR_GOOGLE_CLIENT_ID      "EverytimeGoogleClientID"
#define ET_DIR_GOOGLE_CLIENT_SECRET  "EverytimeGoogleClientSecret"
#define ET_DIR_GOOGLE_REDIRECT_URI   "EverytimeGoogleRedirectURI"
#define ET_DIR_APPLE_TOKEN_URL       "EverytimeAppleTokenURL"
#define ET_DIR_APPLE_JWKS_URL        "EverytimeAppleJWKSURL"
#define ET_DIR_APPLE_CLIENT_ID       "EverytimeAppleClientID"
#define ET_DIR_APPLE_TEAM_ID         "EverytimeAppleTeamID"
#define ET_DIR_APPLE_KEY_ID          "EverytimeAppleKeyID"
#define ET_DIR_APPLE_KEY_FILE        "EverytimeAppleKeyFile"
#define ET_DIR_REFRESH_REUSE         "EverytimeRefreshReuseInterval"
#define ET_DIR_CORS_ORIGINS          "EverytimeCORSOrigins"
#define ET_DIR_SMTP_URL              "EverytimeSMTPURL"
#define ET_DIR_MAIL_FROM             "EverytimeMailFrom"
#define ET_DIR_SMTP_USER             "EverytimeSMTPUser"
#define ET_DIR_SMTP_PASSWORD         "EverytimeSMTPPassword"
#define ET_DIR_SMTP_CA_FILE          "EverytimeSMTPCAFile"
#define ET_DIR_SMTP_TIMEOUT          "EverytimeSMTPTimeout"
#define ET_DIR_OUTBOX                "EverytimeOutbox"
#define ET_DIR_OUTBOX_INTERVAL       "EverytimeOutboxInterval"
#define ET_DIR_OUTBOX_RETRY          "EverytimeOutboxRetry"
#define ET_DIR_OUTBOX_LEASE          "EverytimeOutboxLease"
#define ET_DIR_FCM_CREDENTIALS       "EverytimeFCMCredentials"
#define ET_DIR_FCM_URL               "EverytimeFCMURL"
#define ET_DIR_FCM_TOKEN_URL         "EverytimeFCMTokenURL"

#define ET_DEFAULT_ACCESS_TTL            300
#define ET_DEFAULT_REFRESH_TTL           (14 * 24 * 3600)
#define ET_DEFAULT_SIGN_TTL              600
#define ET_DEFAULT_CACHE_TTL             30
#define ET_DEFAULT_CACHE_TIMEOUT         250    /* ms */
#define ET_MAX_CACHE_TIMEOUT             10000  /* ms */
#define ET_DEFAULT_DB_TIMEOUT            5000   /* ms */
#define ET_MAX_DB_TIMEOUT                600000 /* ms */
#define ET_DEFAULT_SQLITE_CHECKPOINT     4096   /* WAL pages */
#define ET_MAX_SQLITE_CHECKPOINT         1000000
#define ET_DEFAULT_COST                  12
#define ET_DEFAULT_MAX_BODY              (1024 * 1024)
#define ET_DEFAULT_THROTTLE_MAX          10
#define ET_DEFAULT_THROTTLE_WIN          300
#define ET_MIN_HMAC_SECRET               32
#define ET_DEFAULT_HOT                   10
#define ET_DEFAULT_REPORT                5
#define ET_DEFAULT_POPULAR_CACHE         30
#define ET_MAX_POPULAR_CACHE             3600
#define ET_DEFAULT_MAX_UPLOAD            (10 * 1024 * 1024)
#define ET_DEFAULT_MEDIA_URL             "/media/"
#define ET_DEFAULT_OAUTH_CONNECT_TIMEOUT 2
#define ET_DEFAULT_OAUTH_TIMEOUT         5
#define ET_DEFAULT_OAUTH_MAX_RESPONSE    (256 * 1024)
#define ET_DEFAULT_KAKAO_USERINFO_URL    "https://kapi.kakao.com/v2/user/me"
#define ET_DEFAULT_GOOGLE_TOKEN_URL      "https://oauth2.googleapis.com/token"
#define ET_DEFAULT_GOOGLE_JWKS_URL       "https://www.googleapis.com/oauth2/v3/certs"
#define ET_DEFAULT_APPLE_TOKEN_URL       "https://appleid.apple.com/auth/token"
#define ET_DEFAULT_APPLE_JWKS_URL        "https://appleid.apple.com/auth/keys"
#define ET_DEFAULT_REFRESH_REUSE         0
#define ET_MAX_REFRESH_REUSE             3600
#define ET_DEFAULT_OUTBOX_INTERVAL       5 /* seconds between polls */
#define ET_DEFAULT_OUTBOX_ATTEMPTS       8
#define ET_DEFAULT_OUTBOX_BACKOFF        30   /* seconds before the second attempt */
#define ET_DEFAULT_OUTBOX_BACKOFF_MAX    3600 /* seconds between attempts, at most */
#define ET_DEFAULT_OUTBOX_LEASE          300  /* seconds a claim lasts */
#define ET_DEFAULT_FCM_URL               "https://fcm.googleapis.com"
/* bytes of the key that seals pagination cursors (HMAC-SHA256) */
#define ET_CURSOR_KEY_LEN 32

typedef enum { ET_ALG_UNSET = 0, ET_ALG_HS256, ET_ALG_RS256, ET_ALG_ES256 } et_alg_e;

typedef struct et_remote et_remote; /* cache_remote.h */

/* A token cache instance. Shared by every server that inherits it, so that
 * a vhost without its own EverytimeTokenCache uses the main server's. */
typedef struct et_cache {
    const char *spec;                      /* "provider[:args]" as configured */
    const ap_socache_provider_t *provider; /* NULL for remote */
    ap_socache_instance_t *instance;
    et_remote *remote; /* redis, memcache: our own client */
    int initialised;
} et_cache;

/* The social login providers (oauth.c). Timeouts in seconds; -1 unset. */
typedef struct et_oauth_conf {
    apr_int64_t connect_timeout;
    apr_int64_t timeout;    /* the whole exchange */
    apr_off_t max_response; /* bytes of a provider's answer */
    int allow_loopback;     /* -1 unset; http://127.0.0.1|localhost allowed */
    const char *kakao_userinfo_url;
    const char *google_token_url;
    const char *google_jwks_url;
    const char *google_client_id;
    const unsigned char *google_client_secret;
    apr_size_t google_client_secret_len;
    const char *google_redirect_uri;
    const char *apple_token_url;
    const char *apple_jwks_url;
    const char *apple_client_id;
    const char *apple_team_id;
    const char *apple_key_id;
    const unsigned char *apple_key; /* PEM of the .p8 EC P-256 key */
    apr_size_t apple_key_len;
} et_oauth_conf;

/* Mail over SMTP (core/config_mail.c, infra/smtp.c); -1 / NULL unset. */
typedef struct et_mail_conf {
    const char *smtp_url;  /* smtp:// or smtps://; NULL: no mail */
    int starttls;          /* smtp:// must upgrade with STARTTLS (1) or not (0) */
    const char *from;      /* the envelope sender and From: address */
    const char *from_name; /* From:'s display name (UTF-8), or NULL */
    const char *user;
    const unsigned char *password;
    apr_size_t password_len;
    const char *ca_file; /* trust anchors for the server's certificate */
    apr_int64_t timeout; /* seconds one delivery may take */
} et_mail_conf;
/* The outbox's drain and the FCM deliverer (core/config_outbox.c). Numbers
 * -1 unset; times in seconds. */
typedef struct et_outbox_conf {
    int enabled;              /* EverytimeOutbox: this server's children drain */
    int own;                  /* a vhost that said EverytimeOutbox itself */
    apr_int64_t interval;     /* seconds between polls */
    int max_attempts;         /* EverytimeOutboxRetry: attempts, then dropped */
    apr_int64_t backoff_base; /* seconds before the second attempt, doubling */
    apr_int64_t backoff_max;  /* the cap of the back-off */
    int retry_set;
    apr_int64_t lease; /* seconds a claim lasts before others may take the row */
} et_outbox_conf;

/* FCM HTTP v1: the service account of EverytimeFCMCredentials and the URLs. */
typedef struct et_fcm_conf {
    const char *client_email; /* the JWT assertion's iss */
    const char *project_id;
    const char *token_uri;    /* the credentials' (the assertion's aud) */
    const unsigned char *key; /* PEM of the account's RSA private key */
    apr_size_t key_len;
    const char *url;       /* EverytimeFCMURL: the base of messages:send */
    const char *token_url; /* EverytimeFCMTokenURL: where the assertion goes */
} et_fcm_conf;

#define ET_SCHEMA_GOOD 1
#define ET_SCHEMA_OLD  2

typedef struct et_srv_conf {
    const char *database; /* sqlite3 | pgsql | mysql */
    et_alg_e alg;
    const unsigned char *sign_key; /* HMAC secret or PEM private key */
    apr_size_t sign_key_len;
    const unsigned char *verify_key; /* HMAC secret or PEM public key */
    apr_size_t verify_key_len;
    const et_hmac *verify_mac; /* HS256: verify_key's, made by et_config_finish */
    const char *issuer;
    const char *audience;
    apr_int64_t access_ttl; /* seconds; -1 unset */
    apr_int64_t refresh_ttl;
    apr_int64_t sign_ttl; /* social signup tokens */
    apr_int64_t cache_ttl;
    apr_int64_t cache_timeout; /* ms one exchange with a shared cache may take */
    apr_int64_t db_timeout;    /* ms a statement, or its wait for a lock, may take */
    apr_int64_t wal_restart; /* WAL pages past which it starts over; 0: SQLite's own checkpoints */
    apr_int64_t refresh_reuse; /* seconds a spent refresh token may be retried */
    apr_int64_t popular_cache; /* seconds a ranking of /posts/popular/ is reused; 0 off */
    int password_cost;
    apr_off_t max_body;
    int token_cookies;   /* -1 unset, 0, 1 */
    int throttle_max;    /* login attempts per window; 0 = off */
    int throttle_window; /* seconds */
    int throttle_set;
    int hot_threshold;     /* likes that make a post HOT */
    int report_threshold;  /* distinct reporters that blind a post or comment */
    const char *media_dir; /* where uploads are written; NULL: uploads off */
    const char *media_url; /* URL prefix httpd serves media_dir under */
    apr_off_t max_upload;  /* bytes per uploaded file */
    /* const char *s, as browsers write Origin; NULL: no CORS */
    apr_array_header_t *cors_origins;
    et_cache *cache;
    et_oauth_conf oauth;
    et_mail_conf mail;
    et_outbox_conf outbox;
    et_fcm_conf fcm;
    const char *dummy_hash;                      /* bcrypt of nothing, for timing parity */
    unsigned char cursor_key[ET_CURSOR_KEY_LEN]; /* derived from sign_key at start-up */
    const et_hmac *cursor_mac;                   /* cursor_key's (et_cursor_setup) */
    int configured;                              /* post_config found it usable */
    volatile apr_uint32_t schema_state;          /* per process: 0 unknown, or below */
} et_srv_conf;

/* Per-directory: where the API is mounted (the <Location> path). */
typedef struct et_dir_conf {
    const char *mount;
} et_dir_conf;

extern const command_rec et_directives[];

void *et_create_dir_config(apr_pool_t *p, char *dir);
void *et_merge_dir_config(apr_pool_t *p, void *base, void *add);
/* The API root of this request: EverytimeAPIRoot, or the innermost <Location>. */
const char *et_mount(request_rec *r);

void *et_create_server_config(apr_pool_t *p, server_rec *s);
void *et_merge_server_config(apr_pool_t *p, void *base, void *add);

/* Fills in defaults and checks the keys; returns NULL or an error text. */
const char *et_config_finish(apr_pool_t *p, server_rec *s, et_srv_conf *conf);

static inline et_srv_conf *et_conf(server_rec *s)
{
    return ap_get_module_config(s->module_config, &everytime_module);
}

/* 1 when server s serves the API (its configuration complete) from SQLite. */
static inline int et_conf_uses_sqlite(server_rec *s)
{
    const et_srv_conf *c = et_conf(s);
    return c->configured && !strcmp(c->database, "sqlite3");
}

/* Whether s or one of its virtual hosts serves the API from SQLite. */
static inline int et_conf_any_uses_sqlite(server_rec *s)
{
    for (; s; s = s->next)
        if (et_conf_uses_sqlite(s))
            return 1;
    return 0;
}

/* v as a whole number from min to max into *out, or the error that names
 * the directive (every numeric Everytime* directive reads through it). */
const char *et_conf_parse_count(cmd_parms *cmd, const char *v, apr_int64_t min, apr_int64_t max,
                                apr_int64_t *out);

/* config_outbox.c: the outbox's and FCM's create, merge and defaults (their
 * directives: core/config_outbox.h). */
void et_outbox_conf_create(et_outbox_conf *o, et_fcm_conf *f);
void et_outbox_conf_merge(et_outbox_conf *m, const et_outbox_conf *base, const et_outbox_conf *add);
void et_fcm_conf_merge(et_fcm_conf *m, const et_fcm_conf *base, const et_fcm_conf *add);
const char *et_outbox_conf_finish(apr_pool_t *p, et_outbox_conf *o, et_fcm_conf *f,
                                  const et_oauth_conf *oauth);

/* Reads "file:/path" or a literal value; used for secrets and keys (secret.c). */
const char *et_read_secret(apr_pool_t *p, const char *value, const char *directive,
                           const unsigned char **out, apr_size_t *len);

#endif

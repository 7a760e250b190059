/*
 * test_oauth_config.c: the social login directives of config.c, driven
 * through the module's own command table: what each refuses, the defaults
 * after the merge, the loopback rule that only the merged configuration can
 * check, and the Apple key file validated when it is read. The same harness
 * drives EverytimeRefreshReuseInterval (issue 8): its range, its default,
 * and a vhost's explicit 0 winning over the main server's value; and
 * EverytimePopularCacheSeconds and EverytimeSQLiteCheckpoint likewise.
 */
#include "suites.h"
#include "stubs.h"
#include "core/config.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>

static apr_pool_t *pool;
static server_rec server;
static et_srv_conf *conf;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
    conf = et_create_server_config(pool, &server);
    et_stub_server_config(&server, conf);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

static const command_rec *directive(const char *name)
{
    const command_rec *cmd;
    for (cmd = et_directives; cmd->name; cmd++)
        if (!strcmp(cmd->name, name))
            return cmd;
    ck_abort_msg("directive %s is missing", name);
    return NULL;
}

/* What httpd does for one line "name value": NULL or the error text. */
static const char *set(const char *name, const char *value)
{
    const command_rec *cmd = directive(name);
    cmd_parms parms;
    memset(&parms, 0, sizeof(parms));
    parms.pool = pool;
    parms.temp_pool = pool;
    parms.server = &server;
    parms.cmd = cmd;
    parms.info = cmd->cmd_data;
    if (cmd->args_how == FLAG)
        return cmd->AP_FLAG(&parms, NULL, !strcmp(value, "On"));
    ck_assert_int_eq(cmd->args_how, TAKE1);
    return cmd->AP_TAKE1(&parms, NULL, value);
}

static void set_ok(const char *name, const char *value)
{
    const char *err = set(name, value);
    ck_assert_msg(err == NULL, "%s %s: %s", name, value, err);
}

static void set_refused(const char *name, const char *value)
{
    const char *err = set(name, value);
    ck_assert_msg(err != NULL, "%s %s was accepted", name, value);
    ck_assert_msg(strstr(err, name) != NULL, "error does not name %s: %s", name, err);
}

/* A whole number directive refuses one above its range, a negative one,
 * one with a unit and an empty one. */
static void refuses_beyond(const char *name, const char *over, const char *with_unit)
{
    set_refused(name, over);
    set_refused(name, "-1");
    set_refused(name, with_unit);
    set_refused(name, "");
}

/* the rest et_config_finish needs, so only the oauth checks can fail */
static const char *finish(void)
{
    conf->database = "sqlite3";
    conf->sign_key = conf->verify_key = (const unsigned char *)"0123456789abcdef0123456789abcdef";
    conf->sign_key_len = conf->verify_key_len = 32;
    return et_config_finish(pool, &server, conf);
}

static const char *write_key(const char *curve)
{
    EVP_PKEY *key = EVP_EC_gen(curve);
    char *path = apr_psprintf(pool, "/tmp/et-unit-p8-%ld-%s.pem", (long)getpid(), curve);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(key);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
    EVP_PKEY_free(key);
    return path;
}

START_TEST(defaults)
{
    const et_oauth_conf *o = &conf->oauth;
    const char *err = finish();
    ck_assert_msg(err == NULL, "%s", err);
    ck_assert_int_eq(o->connect_timeout, 2);
    ck_assert_int_eq(o->timeout, 5);
    ck_assert_int_eq(o->max_response, 256 * 1024);
    ck_assert_int_eq(o->allow_loopback, 0);
    ck_assert_str_eq(o->kakao_userinfo_url, "https://kapi.kakao.com/v2/user/me");
    ck_assert_str_eq(o->google_token_url, "https://oauth2.googleapis.com/token");
    ck_assert_str_eq(o->google_jwks_url, "https://www.googleapis.com/oauth2/v3/certs");
    ck_assert_str_eq(o->apple_token_url, "https://appleid.apple.com/auth/token");
    ck_assert_str_eq(o->apple_jwks_url, "https://appleid.apple.com/auth/keys");
    ck_assert_ptr_null(o->google_client_id);
    ck_assert_ptr_null(o->apple_client_id);
}
END_TEST

START_TEST(numbers)
{
    set_refused("EverytimeOAuthTimeout", "0");
    set_refused("EverytimeOAuthTimeout", "2s");
    set_refused("EverytimeOAuthConnectTimeout", "301");
    set_refused("EverytimeOAuthMaxResponse", "100");
    set_ok("EverytimeOAuthMaxResponse", "65536");
    set_ok("EverytimeOAuthTimeout", "1");
    ck_assert_ptr_null(finish());
    /* an unset connect timeout follows a short total one */
    ck_assert_int_eq(conf->oauth.connect_timeout, 1);
    ck_assert_int_eq(conf->oauth.max_response, 65536);
}
END_TEST

START_TEST(connect_over_total)
{
    set_ok("EverytimeOAuthConnectTimeout", "3");
    set_ok("EverytimeOAuthTimeout", "2");
    ck_assert_ptr_nonnull(strstr(finish(), "EverytimeOAuthConnectTimeout"));
}
END_TEST

START_TEST(urls)
{
    set_refused("EverytimeKakaoUserInfoURL", "http://kapi.kakao.com/v2/user/me");
    set_refused("EverytimeGoogleTokenURL", "ftp://127.0.0.1/token");
    set_refused("EverytimeGoogleJWKSURL", "http://localhost@evil.example/certs");
    set_ok("EverytimeAppleJWKSURL", "https://keys.example/auth/keys");
    /* loopback is accepted when read, whatever the order of the directives... */
    set_ok("EverytimeGoogleTokenURL", "http://127.0.0.1:8548/token");
    ck_assert_ptr_nonnull(strstr(finish(), "EverytimeGoogleTokenURL"));
}
END_TEST

START_TEST(loopback_on)
{
    set_ok("EverytimeKakaoUserInfoURL", "http://localhost:8548/v2/user/me");
    set_ok("EverytimeOAuthAllowLoopback", "On");
    ck_assert_ptr_null(finish());
    ck_assert_int_eq(conf->oauth.allow_loopback, 1);
    ck_assert_str_eq(conf->oauth.apple_jwks_url, "https://appleid.apple.com/auth/keys");
}
END_TEST

START_TEST(google_pair)
{
    set_refused("EverytimeGoogleClientID", "two words");
    set_refused("EverytimeGoogleClientSecret", "file:/nonexistent/secret");
    set_ok("EverytimeGoogleClientID", "abc.apps.googleusercontent.com");
    ck_assert_ptr_nonnull(strstr(finish(), "EverytimeGoogleClientSecret"));
    set_ok("EverytimeGoogleClientSecret", "s3cret");
    ck_assert_ptr_null(finish());
    ck_assert_uint_eq(conf->oauth.google_client_secret_len, 6);
}
END_TEST

START_TEST(apple_key)
{
    const char *p256 = write_key("P-256"), *p384 = write_key("P-384");
    set_refused("EverytimeAppleKeyFile", "/nonexistent/AuthKey.p8");
    set_refused("EverytimeAppleKeyFile", p384);
    set_ok("EverytimeAppleKeyFile", p256);
    ck_assert_ptr_nonnull(strstr((const char *)conf->oauth.apple_key, "PRIVATE KEY"));
    ck_assert_ptr_nonnull(strstr(finish(), "EverytimeAppleTeamID"));
    set_ok("EverytimeAppleClientID", "com.example.app");
    set_ok("EverytimeAppleTeamID", "TEAM123456");
    set_ok("EverytimeAppleKeyID", "KEY1234567");
    ck_assert_ptr_null(finish());
    unlink(p256);
    unlink(p384);
}
END_TEST

START_TEST(merge_inherits)
{
    et_srv_conf *vhost = et_create_server_config(pool, &server), *m;
    set_ok("EverytimeGoogleClientID", "base-client");
    set_ok("EverytimeGoogleClientSecret", "base-secret");
    set_ok("EverytimeOAuthTimeout", "7");
    vhost->oauth.google_client_id = "vhost-client";
    m = et_merge_server_config(pool, conf, vhost);
    ck_assert_str_eq(m->oauth.google_client_id, "vhost-client");
    ck_assert_str_eq((const char *)m->oauth.google_client_secret, "base-secret");
    ck_assert_uint_eq(m->oauth.google_client_secret_len, 11);
    ck_assert_int_eq(m->oauth.timeout, 7);
    ck_assert_int_eq(m->oauth.connect_timeout, -1);
}
END_TEST

START_TEST(refresh_reuse)
{
    et_srv_conf *vhost = et_create_server_config(pool, &server), *m;
    ck_assert_ptr_null(finish());
    ck_assert_int_eq(conf->refresh_reuse, 0);
    refuses_beyond("EverytimeRefreshReuseInterval", "3601", "10s");
    set_ok("EverytimeRefreshReuseInterval", "3600");
    ck_assert_int_eq(conf->refresh_reuse, 3600);
    set_ok("EverytimeRefreshReuseInterval", "10");
    /* unset in a vhost: inherited; set to 0 there: 0, not the main server's 10 */
    m = et_merge_server_config(pool, conf, vhost);
    ck_assert_int_eq(m->refresh_reuse, 10);
    vhost->refresh_reuse = 0;
    m = et_merge_server_config(pool, conf, vhost);
    ck_assert_int_eq(m->refresh_reuse, 0);
}
END_TEST

START_TEST(popular_cache)
{
    et_srv_conf *vhost = et_create_server_config(pool, &server), *m;
    ck_assert_ptr_null(finish());
    ck_assert_int_eq(conf->popular_cache, 30);
    refuses_beyond("EverytimePopularCacheSeconds", "3601", "30s");
    set_ok("EverytimePopularCacheSeconds", "3600");
    ck_assert_int_eq(conf->popular_cache, 3600);
    set_ok("EverytimePopularCacheSeconds", "5");
    /* unset in a vhost: inherited; set to 0 there: off, not the main server's 5 */
    m = et_merge_server_config(pool, conf, vhost);
    ck_assert_int_eq(m->popular_cache, 5);
    vhost->popular_cache = 0;
    m = et_merge_server_config(pool, conf, vhost);
    ck_assert_int_eq(m->popular_cache, 0);
}
END_TEST

START_TEST(sqlite_checkpoint)
{
    et_srv_conf *vhost = et_create_server_config(pool, &server), *m;
    ck_assert_ptr_null(finish());
    ck_assert_int_eq(conf->wal_restart, 4096);
    refuses_beyond("EverytimeSQLiteCheckpoint", "1000001", "4k");
    ck_assert_int_eq(conf->wal_restart, 4096);
    set_ok("EverytimeSQLiteCheckpoint", "1000000");
    ck_assert_int_eq(conf->wal_restart, 1000000);
    set_ok("EverytimeSQLiteCheckpoint", "0");
    ck_assert_int_eq(conf->wal_restart, 0);
    /* unset in a vhost: inherited (0 stays off) */
    m = et_merge_server_config(pool, conf, vhost);
    ck_assert_int_eq(m->wal_restart, 0);
}
END_TEST

Suite *oauth_config_suite(void)
{
    Suite *s = suite_create("oauth_config");
    TCase *t = tcase_create("directives");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, defaults);
    tcase_add_test(t, numbers);
    tcase_add_test(t, connect_over_total);
    tcase_add_test(t, urls);
    tcase_add_test(t, loopback_on);
    tcase_add_test(t, google_pair);
    tcase_add_test(t, apple_key);
    tcase_add_test(t, sqlite_checkpoint);
    tcase_add_test(t, merge_inherits);
    tcase_add_test(t, refresh_reuse);
    tcase_add_test(t, popular_cache);
    suite_add_tcase(s, t);
    return s;
}

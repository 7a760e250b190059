/*
 * test_fcm.c: FCM's service-account assertion (auth/fcm_token.c), verified
 * with the public half of the key: RS256, and the claims Google requires;
 * and EverytimeFCMCredentials reading a service account's JSON key.
 */
#include "suites.h"
#include "auth/fcm_token.h"
#include "core/config_outbox.h"
#include "stubs.h"

#include <apr_file_io.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static apr_pool_t *pool;
static char *priv_pem, *pub_pem;

static char *bio_text(BIO *b)
{
    char *data;
    long n = BIO_get_mem_data(b, &data);
    return apr_pstrmemdup(pool, data, (apr_size_t)n);
}

/* once for the case: an RSA key takes a while on a loaded machine */
static void make_key(void)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL);
    EVP_PKEY *key = NULL;
    BIO *priv = BIO_new(BIO_s_mem()), *pub = BIO_new(BIO_s_mem());
    static apr_pool_t *keys;
    apr_pool_create(&keys, NULL);
    pool = keys;
    ck_assert_int_eq(EVP_PKEY_keygen_init(ctx), 1);
    ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048), 0);
    ck_assert_int_eq(EVP_PKEY_keygen(ctx, &key), 1);
    ck_assert_int_eq(PEM_write_bio_PrivateKey(priv, key, NULL, NULL, 0, NULL, NULL), 1);
    ck_assert_int_eq(PEM_write_bio_PUBKEY(pub, key), 1);
    priv_pem = bio_text(priv);
    pub_pem = bio_text(pub);
    BIO_free(priv);
    BIO_free(pub);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
}

static void setup(void)
{
    apr_pool_create(&pool, NULL);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

START_TEST(assertion_is_rs256_with_googles_claims)
{
    et_fcm_conf f = {0};
    jwt_t *jwt = NULL;
    const char *a;
    f.client_email = "push@p.iam.gserviceaccount.com";
    f.token_uri = "https://oauth2.googleapis.com/token";
    f.key = (const unsigned char *)priv_pem;
    f.key_len = strlen(priv_pem);
    a = et_fcm_assertion(pool, &f, 1765000000);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(jwt_decode(&jwt, a, (const unsigned char *)pub_pem, (int)strlen(pub_pem)), 0);
    ck_assert_int_eq(jwt_get_alg(jwt), JWT_ALG_RS256);
    ck_assert_str_eq(jwt_get_grant(jwt, "iss"), "push@p.iam.gserviceaccount.com");
    ck_assert_str_eq(jwt_get_grant(jwt, "scope"),
                     "https://www.googleapis.com/auth/firebase.messaging");
    ck_assert_str_eq(jwt_get_grant(jwt, "aud"), "https://oauth2.googleapis.com/token");
    ck_assert_int_eq(jwt_get_grant_int(jwt, "iat"), 1765000000);
    ck_assert_int_eq(jwt_get_grant_int(jwt, "exp"), 1765000000 + 3600);
    jwt_free(jwt);
}
END_TEST

START_TEST(assertion_needs_a_key)
{
    et_fcm_conf f = {0};
    f.client_email = "a@b";
    f.token_uri = "https://t";
    ck_assert_ptr_null(et_fcm_assertion(pool, &f, 1));
}
END_TEST

/* EverytimeFCMCredentials with the file's text; NULL or the error. */
static const char *credentials(const char *json, et_srv_conf **out)
{
    static server_rec server;
    static command_rec directive;
    cmd_parms cmd;
    char path[] = "/tmp/et-unit-fcm-XXXXXX";
    int fd = mkstemp(path);
    et_srv_conf *c;
    const char *err;
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, json, strlen(json)), (int)strlen(json));
    close(fd);
    c = et_create_server_config(pool, &server);
    et_stub_server_config(&server, c);
    memset(&cmd, 0, sizeof(cmd));
    directive.name = ET_DIR_FCM_CREDENTIALS;
    cmd.cmd = &directive;
    cmd.pool = pool;
    cmd.temp_pool = pool;
    cmd.server = &server;
    err = et_set_fcm_credentials(&cmd, NULL, apr_pstrcat(pool, "file:", path, NULL));
    unlink(path);
    *out = c;
    return err;
}

START_TEST(credentials_are_read_once)
{
    et_srv_conf *c;
    char *json;
    /* the PEM with its newlines escaped, as the console writes it */
    char *escaped = apr_pstrdup(pool, ""), *line, *last = NULL, *pem = apr_pstrdup(pool, priv_pem);
    for (line = apr_strtok(pem, "\n", &last); line; line = apr_strtok(NULL, "\n", &last))
        escaped = apr_pstrcat(pool, escaped, line, "\\n", NULL);
    json = apr_psprintf(pool,
                        "{\"type\": \"service_account\", \"project_id\": \"et-1\", "
                        "\"client_email\": \"p@et-1.iam.gserviceaccount.com\", "
                        "\"token_uri\": \"https://oauth2.googleapis.com/token\", "
                        "\"private_key\": \"%s\"}",
                        escaped);
    ck_assert_ptr_null(credentials(json, &c));
    ck_assert_str_eq(c->fcm.project_id, "et-1");
    ck_assert_str_eq(c->fcm.client_email, "p@et-1.iam.gserviceaccount.com");
    ck_assert_str_eq(c->fcm.token_uri, "https://oauth2.googleapis.com/token");
    ck_assert_str_eq((const char *)c->fcm.key, priv_pem);
}
END_TEST

START_TEST(credentials_are_checked)
{
    et_srv_conf *c;
    const char *err = credentials("[1, 2]", &c);
    ck_assert_ptr_nonnull(strstr(err, "EverytimeFCMCredentials: not a JSON object"));
    err = credentials("{\"project_id\": \"x\", \"client_email\": \"a@b\"}", &c);
    ck_assert_ptr_nonnull(strstr(err, "must all be there"));
    err = credentials("{\"project_id\": \"x\", \"client_email\": \"a@b\", \"token_uri\": "
                      "\"https://t\", \"private_key\": \"not a key\"}",
                      &c);
    ck_assert_ptr_nonnull(strstr(err, "is not an RSA private key"));
    ck_assert_ptr_null(c->fcm.key);
}
END_TEST

Suite *fcm_suite(void)
{
    Suite *s = suite_create("fcm");
    TCase *tc = tcase_create("fcm");
    tcase_add_unchecked_fixture(tc, make_key, NULL);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, assertion_is_rs256_with_googles_claims);
    tcase_add_test(tc, assertion_needs_a_key);
    tcase_add_test(tc, credentials_are_read_once);
    tcase_add_test(tc, credentials_are_checked);
    suite_add_tcase(s, tc);
    return s;
}

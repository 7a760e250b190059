/*
 * test_config_mail.c: the mail directives (core/config_mail.c): what each
 * refuses with an error naming it, STARTTLS going with its URL through the
 * merge, and the checks after the merge (a URL needs a sender, AUTH needs
 * both halves).
 */
#include "suites.h"
#include "stubs.h"
#include "core/config.h"
#include "core/config_mail.h"

#include <apr_strings.h>
#include <string.h>

static apr_pool_t *pool;
static server_rec server;
static et_srv_conf *conf;
static cmd_parms parms;
static command_rec cmd;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
    conf = et_create_server_config(pool, &server);
    et_stub_server_config(&server, conf);
    memset(&parms, 0, sizeof(parms));
    parms.pool = parms.temp_pool = pool;
    parms.server = &server;
    parms.cmd = &cmd;
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

static cmd_parms *as(const char *directive)
{
    cmd.name = directive;
    return &parms;
}

static void refused(const char *err, const char *directive, const char *why)
{
    ck_assert_msg(err != NULL, "%s: accepted", directive);
    ck_assert_msg(strstr(err, directive) && strstr(err, why), "%s", err);
}

START_TEST(smtp_url)
{
    ck_assert_ptr_null(et_mail_set_url(as(ET_DIR_SMTP_URL), NULL, "smtp://127.0.0.1:25", NULL));
    ck_assert_int_eq(conf->mail.starttls, 0);
    ck_assert_ptr_null(
        et_mail_set_url(as(ET_DIR_SMTP_URL), NULL, "smtp://mail.example.ac.kr:587", "starttls"));
    ck_assert_int_eq(conf->mail.starttls, 1);
    ck_assert_ptr_null(
        et_mail_set_url(as(ET_DIR_SMTP_URL), NULL, "SMTPS://mail.example:465", NULL));
    ck_assert_int_eq(conf->mail.starttls, 0);
    refused(et_mail_set_url(as(ET_DIR_SMTP_URL), NULL, "http://mail.example", NULL),
            ET_DIR_SMTP_URL, "not an smtp:// or smtps:// URL");
    refused(et_mail_set_url(as(ET_DIR_SMTP_URL), NULL, "smtp://", NULL), ET_DIR_SMTP_URL,
            "not an smtp://");
    refused(et_mail_set_url(as(ET_DIR_SMTP_URL), NULL, "smtp://a\r\nb", NULL), ET_DIR_SMTP_URL,
            "not an smtp://");
    refused(et_mail_set_url(as(ET_DIR_SMTP_URL), NULL, "smtp://a", "TLS"), ET_DIR_SMTP_URL,
            "is not STARTTLS");
    refused(et_mail_set_url(as(ET_DIR_SMTP_URL), NULL, "smtps://a", "STARTTLS"), ET_DIR_SMTP_URL,
            "TLS from the start");
}
END_TEST

START_TEST(mail_from)
{
    ck_assert_ptr_null(
        et_mail_set_from(as(ET_DIR_MAIL_FROM), NULL, "noreply@everytime.example", "에브리타임"));
    ck_assert_str_eq(conf->mail.from_name, "에브리타임");
    refused(et_mail_set_from(as(ET_DIR_MAIL_FROM), NULL, "noreply", NULL), ET_DIR_MAIL_FROM,
            "not a mail address");
    refused(et_mail_set_from(as(ET_DIR_MAIL_FROM), NULL, "a@b.c\r\nBcc: x@y.z", NULL),
            ET_DIR_MAIL_FROM, "not a mail address");
    refused(et_mail_set_from(as(ET_DIR_MAIL_FROM), NULL, "a@b.c", "name\r\nBcc: x@y.z"),
            ET_DIR_MAIL_FROM, "control character");
    refused(et_mail_set_from(as(ET_DIR_MAIL_FROM), NULL, "a@b.c", ""), ET_DIR_MAIL_FROM, "empty");
}
END_TEST

START_TEST(timeout)
{
    ck_assert_ptr_null(et_mail_set_timeout(as(ET_DIR_SMTP_TIMEOUT), NULL, "30"));
    ck_assert_int_eq(conf->mail.timeout, 30);
    refused(et_mail_set_timeout(as(ET_DIR_SMTP_TIMEOUT), NULL, "0"), ET_DIR_SMTP_TIMEOUT,
            "1 to 300");
    refused(et_mail_set_timeout(as(ET_DIR_SMTP_TIMEOUT), NULL, "301"), ET_DIR_SMTP_TIMEOUT,
            "1 to 300");
    refused(et_mail_set_timeout(as(ET_DIR_SMTP_TIMEOUT), NULL, "10s"), ET_DIR_SMTP_TIMEOUT,
            "1 to 300");
    refused(et_mail_set_ca_file(as(ET_DIR_SMTP_CA_FILE), NULL, "/nonexistent/ca.pem"),
            ET_DIR_SMTP_CA_FILE, "not a readable file");
}
END_TEST

START_TEST(merge_and_finish)
{
    et_srv_conf *vhost = et_create_server_config(pool, &server), *m;
    ck_assert_ptr_null(
        et_mail_set_url(as(ET_DIR_SMTP_URL), NULL, "smtp://mail.example:587", "STARTTLS"));
    /* a vhost without a URL of its own keeps the main server's, STARTTLS with it */
    m = et_merge_server_config(pool, conf, vhost);
    ck_assert_str_eq(m->mail.smtp_url, "smtp://mail.example:587");
    ck_assert_int_eq(m->mail.starttls, 1);
    ck_assert_int_eq((int)m->mail.timeout, -1);
    et_mail_defaults(&m->mail);
    ck_assert_int_eq((int)m->mail.timeout, ET_DEFAULT_SMTP_TIMEOUT);
    /* a URL without a sender, AUTH half set */
    refused(et_mail_finish(pool, &conf->mail), ET_DIR_MAIL_FROM, "needs");
    ck_assert_ptr_null(et_mail_set_from(as(ET_DIR_MAIL_FROM), NULL, "a@b.c", NULL));
    ck_assert_ptr_null(et_mail_finish(pool, &conf->mail));
    ck_assert_ptr_null(et_mail_set_user(as(ET_DIR_SMTP_USER), NULL, "everytime"));
    refused(et_mail_finish(pool, &conf->mail), ET_DIR_SMTP_PASSWORD, "set together");
    ck_assert_ptr_null(et_mail_set_password(as(ET_DIR_SMTP_PASSWORD), NULL, "secret"));
    ck_assert_ptr_null(et_mail_finish(pool, &conf->mail));
    ck_assert_str_eq((const char *)conf->mail.password, "secret");
}
END_TEST

Suite *config_mail_suite(void)
{
    Suite *s = suite_create("config_mail");
    TCase *tc = tcase_create("config_mail");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, smtp_url);
    tcase_add_test(tc, mail_from);
    tcase_add_test(tc, timeout);
    tcase_add_test(tc, merge_and_finish);
    suite_add_tcase(s, tc);
    return s;
}

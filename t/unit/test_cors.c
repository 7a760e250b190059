/*
 * test_cors.c: EverytimeCORSOrigins through the module's own command table
 * (what it refuses, how it keeps an origin, a vhost's list replacing the
 * main server's) and the headers of core/cors.c: on every answer to a
 * listed origin, none for another, and the preflight's.
 */
#include "suites.h"
#include "stubs.h"
#include "core/config.h"
#include "core/cors.h"

#include <apr_strings.h>
#include <apr_tables.h>
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

/* What httpd does for "EverytimeCORSOrigins a b ...": the setter once per
 * word, stopping at the first error. */
static const char *set(const char *words)
{
    const command_rec *cmd;
    cmd_parms parms;
    char *copy = apr_pstrdup(pool, words), *last, *w;
    for (cmd = et_directives; cmd->name && strcmp(cmd->name, ET_DIR_CORS_ORIGINS); cmd++)
        ;
    ck_assert_ptr_nonnull(cmd->name);
    ck_assert_int_eq(cmd->args_how, ITERATE);
    memset(&parms, 0, sizeof(parms));
    parms.pool = pool;
    parms.temp_pool = pool;
    parms.server = &server;
    parms.cmd = cmd;
    for (w = apr_strtok(copy, " ", &last); w; w = apr_strtok(NULL, " ", &last)) {
        const char *err = cmd->AP_TAKE1(&parms, NULL, w);
        if (err)
            return err;
    }
    return NULL;
}

static void refused(const char *value, const char *why)
{
    const char *err = set(value);
    ck_assert_msg(err != NULL, "'%s' was accepted", value);
    ck_assert_msg(strstr(err, ET_DIR_CORS_ORIGINS) && strstr(err, value) && strstr(err, why),
                  "'%s': %s", value, err);
}

/* The origins the configuration holds, joined by spaces. */
static const char *listed(const et_srv_conf *c)
{
    return c->cors_origins ? apr_array_pstrcat(pool, c->cors_origins, ' ') : "(none)";
}

START_TEST(origins_refused)
{
    refused("*", "cannot be *");
    refused("null", "must start with http:// or https://");
    refused("localhost:3000", "must start with http:// or https://");
    refused("ftp://example.com", "must start with http:// or https://");
    refused("//example.com", "must start with");
    refused("http://localhost:3000/", "no path");
    refused("https://app.example.ac.kr/app", "no path");
    refused("https://app.example.ac.kr?x=1", "no path");
    refused("https://app.example.ac.kr#top", "no path");
    refused("http://user@example.com", "no path");
    refused("http://", "no valid host name");
    refused("http://:3000", "no valid host name");
    refused("http://.example.com", "no valid host name");
    refused("http://example..com", "no valid host name");
    refused("http://example.com.", "no valid host name");
    refused("http://-example.com", "no valid host name");
    refused("http://exa_mple.com", "no path"); /* the name ends at the underscore */
    refused("http://[]:80", "no valid host name");
    refused("http://[::1", "no valid host name");
    refused("http://localhost:", "port");
    refused("http://localhost:0", "port");
    refused("http://localhost:03000", "port");
    refused("http://localhost:65536", "port");
    refused("http://localhost:123456", "port");
    refused("http://localhost:-1", "port");
    refused("http://localhost:3000:3001", "no path");
    ck_assert_str_eq(listed(conf), "(none)");
}
END_TEST

START_TEST(origins_kept_as_browsers_send_them)
{
    ck_assert_ptr_null(set("http://localhost:3000 https://app.example.ac.kr"));
    ck_assert_ptr_null(
        set("HTTPS://App.Example.AC.KR:8443 https://b.example:443 http://c.example:80"));
    ck_assert_ptr_null(set("http://127.0.0.1:65535 http://[::1]:3000 https://x-1.example"));
    ck_assert_str_eq(listed(conf), "http://localhost:3000 https://app.example.ac.kr "
                                   "https://app.example.ac.kr:8443 https://b.example "
                                   "http://c.example http://127.0.0.1:65535 http://[::1]:3000 "
                                   "https://x-1.example");
    /* one bad word stops the line: httpd refuses to start */
    ck_assert_ptr_nonnull(set("http://ok.example http://bad.example/"));
}
END_TEST

START_TEST(vhost_list_replaces_main)
{
    et_srv_conf *main_conf = conf, *vhost, *merged;
    ck_assert_ptr_null(set("http://main.example"));
    vhost = et_create_server_config(pool, &server);
    merged = et_merge_server_config(pool, main_conf, vhost);
    ck_assert_str_eq(listed(merged), "http://main.example");
    et_stub_server_config(&server, conf = vhost);
    ck_assert_ptr_null(set("http://vhost.example"));
    merged = et_merge_server_config(pool, main_conf, vhost);
    ck_assert_str_eq(listed(merged), "http://vhost.example");
    merged = et_merge_server_config(pool, et_create_server_config(pool, &server),
                                    et_create_server_config(pool, &server));
    ck_assert_str_eq(listed(merged), "(none)");
}
END_TEST

static request_rec *request(int method, const char *origin)
{
    request_rec *r = apr_pcalloc(pool, sizeof(*r));
    r->pool = pool;
    r->method_number = method;
    r->headers_in = apr_table_make(pool, 4);
    r->headers_out = apr_table_make(pool, 4);
    r->err_headers_out = apr_table_make(pool, 4);
    if (origin)
        apr_table_setn(r->headers_in, "Origin", origin);
    return r;
}

/* "name: value" of every header of t, in order, joined by "; ". */
static int add_header(void *rec, const char *k, const char *v)
{
    char **out = rec;
    *out = apr_psprintf(pool, "%s%s%s: %s", *out, **out ? "; " : "", k, v);
    return 1;
}
static const char *headers(const apr_table_t *t)
{
    char *out = "";
    apr_table_do(add_header, &out, t, NULL);
    return out;
}

START_TEST(answer_headers)
{
    request_rec *r;
    ck_assert_ptr_null(set("http://localhost:3000 https://app.example.ac.kr"));

    r = request(M_GET, "https://app.example.ac.kr");
    et_cors_headers(r, conf, r->err_headers_out);
    ck_assert_str_eq(headers(r->err_headers_out),
                     "Vary: Origin; Access-Control-Allow-Origin: https://app.example.ac.kr; "
                     "Access-Control-Allow-Credentials: true; "
                     "Access-Control-Expose-Headers: Retry-After, Allow");
    /* httpd's error path adds them again: once is enough */
    et_cors_headers(r, conf, r->err_headers_out);
    ck_assert_int_eq(apr_table_elts(r->err_headers_out)->nelts, 4);

    /* an origin is compared byte for byte, as the browser compares our answer */
    const char *others[] = {"https://evil.example",
                            "https://App.example.ac.kr",
                            "https://app.example.ac.kr/",
                            "http://app.example.ac.kr",
                            "http://localhost:3001",
                            "null",
                            ""};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        r = request(M_GET, others[i]);
        et_cors_headers(r, conf, r->err_headers_out);
        ck_assert_msg(!strcmp(headers(r->err_headers_out), "Vary: Origin"), "%s: %s", others[i],
                      headers(r->err_headers_out));
        ck_assert_ptr_null(et_cors_origin(r, conf));
    }
    r = request(M_GET, NULL);
    et_cors_headers(r, conf, r->err_headers_out);
    ck_assert_str_eq(headers(r->err_headers_out), "Vary: Origin");

    /* a server without the directive: nothing at all */
    r = request(M_GET, "https://app.example.ac.kr");
    et_cors_headers(r, et_create_server_config(pool, &server), r->err_headers_out);
    ck_assert_str_eq(headers(r->err_headers_out), "");
}
END_TEST

START_TEST(preflight)
{
    request_rec *r;
    ck_assert_ptr_null(set("http://localhost:3000"));

    r = request(M_OPTIONS, "http://localhost:3000");
    apr_table_setn(r->headers_in, "Access-Control-Request-Method", "DELETE");
    apr_table_setn(r->headers_in, "Access-Control-Request-Headers", "authorization, x-evil");
    ck_assert_int_eq(et_cors_preflight(r, conf, "GET, DELETE"), 1);
    ck_assert_str_eq(headers(r->headers_out),
                     "Access-Control-Allow-Methods: GET, DELETE; "
                     "Access-Control-Allow-Headers: " ET_CORS_ALLOW_HEADERS "; "
                     "Access-Control-Max-Age: 600");
    ck_assert_ptr_null(strstr(ET_CORS_ALLOW_HEADERS, "X-Evil"));

    r = request(M_OPTIONS, "http://localhost:3000");
    apr_table_setn(r->headers_in, "Access-Control-Request-Method", "GET");
    ck_assert_int_eq(et_cors_preflight(r, conf, ""), 1);
    ck_assert_str_eq(apr_table_get(r->headers_out, "Access-Control-Allow-Methods"),
                     ET_CORS_COMMON_METHODS);

    /* not a preflight: no request method, another method, another origin */
    r = request(M_OPTIONS, "http://localhost:3000");
    ck_assert_int_eq(et_cors_preflight(r, conf, "GET"), 0);
    r = request(M_GET, "http://localhost:3000");
    apr_table_setn(r->headers_in, "Access-Control-Request-Method", "GET");
    ck_assert_int_eq(et_cors_preflight(r, conf, "GET"), 0);
    r = request(M_OPTIONS, "http://localhost:3001");
    apr_table_setn(r->headers_in, "Access-Control-Request-Method", "GET");
    ck_assert_int_eq(et_cors_preflight(r, conf, "GET"), 0);
    ck_assert_str_eq(headers(r->headers_out), "");
    r = request(M_OPTIONS, "http://localhost:3000");
    apr_table_setn(r->headers_in, "Access-Control-Request-Method", "GET");
    ck_assert_int_eq(et_cors_preflight(r, et_create_server_config(pool, &server), "GET"), 0);
}
END_TEST

Suite *cors_suite(void)
{
    Suite *s = suite_create("cors");
    TCase *tc = tcase_create("cors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, origins_refused);
    tcase_add_test(tc, origins_kept_as_browsers_send_them);
    tcase_add_test(tc, vhost_list_replaces_main);
    tcase_add_test(tc, answer_headers);
    tcase_add_test(tc, preflight);
    suite_add_tcase(s, tc);
    return s;
}

/*
 * test_cache_proto.c: cache_proto.c, the wire protocols of the shared token
 * caches: RESP commands and replies (whole, split anywhere, nil, errors,
 * junk), memcache commands (keys it cannot carry, long TTLs) and replies.
 */
#include "suites.h"
#include "infra/cache_proto.h"

#include <string.h>

static apr_pool_t *pool;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

static int resp(const char *s, et_proto_reply *out, apr_size_t *used)
{
    return et_resp_parse(s, strlen(s), out, used);
}

START_TEST(resp_command_is_an_array_of_bulks)
{
    const char *argv[] = {"SET", "everytime:l:a", "v1", "PX", "30000"};
    apr_size_t len;
    const char *cmd = et_resp_command(pool, 5, argv, &len);
    ck_assert_str_eq(cmd, "*5\r\n$3\r\nSET\r\n$13\r\neverytime:l:a\r\n$2\r\nv1\r\n$2\r\nPX\r\n"
                          "$5\r\n30000\r\n");
    ck_assert_uint_eq(len, strlen(cmd));
    ck_assert_ptr_null(et_resp_command(pool, 0, argv, &len));
}
END_TEST

START_TEST(resp_simple_replies)
{
    et_proto_reply r;
    apr_size_t used;
    ck_assert_int_eq(resp("+OK\r\n", &r, &used), ET_PROTO_DONE);
    ck_assert_int_eq(r.kind, ET_REPLY_STATUS);
    ck_assert_uint_eq(r.line_len, 2);
    ck_assert_uint_eq(used, 5);
    ck_assert_int_eq(resp("-ERR wrong\r\n", &r, &used), ET_PROTO_DONE);
    ck_assert_int_eq(r.kind, ET_REPLY_ERROR);
    ck_assert_int_eq(resp(":42\r\n", &r, &used), ET_PROTO_DONE);
    ck_assert_int_eq(r.kind, ET_REPLY_INTEGER);
    ck_assert_int_eq(resp("+PONG", &r, &used), ET_PROTO_MORE);
    ck_assert_int_eq(resp("", &r, &used), ET_PROTO_MORE);
    ck_assert_int_eq(resp("?what\r\n", &r, &used), ET_PROTO_BAD);
}
END_TEST

START_TEST(resp_bulk_and_nil)
{
    et_proto_reply r;
    apr_size_t used;
    ck_assert_int_eq(resp("$5\r\nhello\r\n", &r, &used), ET_PROTO_DONE);
    ck_assert_int_eq(r.kind, ET_REPLY_VALUES);
    ck_assert_int_eq(r.n, 1);
    ck_assert_uint_eq(r.items[0].len, 5);
    ck_assert(!memcmp(r.items[0].data, "hello", 5));
    ck_assert_uint_eq(used, 11);
    /* a value may hold CRLF: the length decides */
    ck_assert_int_eq(resp("$4\r\na\r\nb\r\n", &r, &used), ET_PROTO_DONE);
    ck_assert_uint_eq(r.items[0].len, 4);
    ck_assert_int_eq(resp("$-1\r\n", &r, &used), ET_PROTO_DONE);
    ck_assert_ptr_null(r.items[0].data);
    ck_assert_int_eq(resp("$0\r\n\r\n", &r, &used), ET_PROTO_DONE);
    ck_assert_ptr_nonnull(r.items[0].data);
    ck_assert_uint_eq(r.items[0].len, 0);
    ck_assert_int_eq(resp("$5\r\nhelloXY", &r, &used), ET_PROTO_BAD);
    ck_assert_int_eq(resp("$-2\r\n", &r, &used), ET_PROTO_BAD);
    ck_assert_int_eq(resp("$x\r\n", &r, &used), ET_PROTO_BAD);
    ck_assert_int_eq(resp("$9999999999\r\n", &r, &used), ET_PROTO_BAD);
}
END_TEST

START_TEST(resp_array_of_bulks_split_anywhere)
{
    static const char whole[] = "*3\r\n$-1\r\n$3\r\n1a2\r\n$3\r\n1a2\r\n";
    et_proto_reply r;
    apr_size_t used, cut;
    for (cut = 0; cut < sizeof(whole) - 1; cut++)
        ck_assert_msg(et_resp_parse(whole, cut, &r, &used) == ET_PROTO_MORE,
                      "a reply cut at %u is not complete", (unsigned)cut);
    ck_assert_int_eq(resp(whole, &r, &used), ET_PROTO_DONE);
    ck_assert_uint_eq(used, sizeof(whole) - 1);
    ck_assert_int_eq(r.n, 3);
    ck_assert_ptr_null(r.items[0].data);
    ck_assert(r.items[1].len == 3 && !memcmp(r.items[1].data, "1a2", 3));
    ck_assert(r.items[2].len == 3 && !memcmp(r.items[2].data, "1a2", 3));
    /* what we never ask for */
    ck_assert_int_eq(resp("*1\r\n*1\r\n$1\r\na\r\n", &r, &used), ET_PROTO_BAD);
    ck_assert_int_eq(resp("*1\r\n:1\r\n", &r, &used), ET_PROTO_BAD);
    ck_assert_int_eq(resp("*9\r\n", &r, &used), ET_PROTO_BAD);
    ck_assert_int_eq(resp("*-1\r\n", &r, &used), ET_PROTO_DONE);
    ck_assert_int_eq(r.n, 0);
}
END_TEST

START_TEST(mc_keys_and_commands)
{
    const char *keys[] = {"everytime:r:a", "everytime:g"};
    const char *bad[] = {"has space"};
    char long_key[252];
    apr_size_t len;
    ck_assert(et_mc_key_ok("everytime:l:sid:1"));
    ck_assert(!et_mc_key_ok(""));
    ck_assert(!et_mc_key_ok("a\r\nflush_all"));
    memset(long_key, 'k', sizeof(long_key) - 1);
    long_key[sizeof(long_key) - 1] = '\0';
    ck_assert(!et_mc_key_ok(long_key));
    ck_assert_str_eq(et_mc_get(pool, 2, keys, &len), "get everytime:r:a everytime:g\r\n");
    ck_assert_ptr_null(et_mc_get(pool, 1, bad, &len));
    ck_assert_str_eq(et_mc_store(pool, "add", "k", "v1", 30, 1700000000, &len),
                     "add k 0 30 2\r\nv1\r\n");
    ck_assert_str_eq(et_mc_store(pool, "set", "k", "v", 0, 1700000000, &len),
                     "set k 0 0 1\r\nv\r\n");
    /* past 30 days memcached reads a Unix time */
    ck_assert_str_eq(et_mc_store(pool, "set", "k", "v", 31 * 86400, 1700000000, &len),
                     "set k 0 1702678400 1\r\nv\r\n");
    ck_assert_ptr_null(et_mc_store(pool, "set", "a b", "v", 1, 0, &len));
}
END_TEST

START_TEST(mc_retrieval_replies)
{
    const char *keys[] = {"everytime:r:a", "everytime:l:a", "everytime:g"};
    static const char whole[] = "VALUE everytime:g 0 3\r\nabc\r\n"
                                "VALUE everytime:l:a 0 3\r\nabc\r\nEND\r\n";
    et_proto_reply r;
    apr_size_t used, cut;
    for (cut = 0; cut < sizeof(whole) - 1; cut++)
        ck_assert_msg(et_mc_parse(whole, cut, 3, keys, &r, &used) == ET_PROTO_MORE,
                      "a reply cut at %u is not complete", (unsigned)cut);
    ck_assert_int_eq(et_mc_parse(whole, sizeof(whole) - 1, 3, keys, &r, &used), ET_PROTO_DONE);
    ck_assert_uint_eq(used, sizeof(whole) - 1);
    ck_assert_int_eq(r.kind, ET_REPLY_VALUES);
    ck_assert_ptr_null(r.items[0].data);
    ck_assert(r.items[1].len == 3 && !memcmp(r.items[1].data, "abc", 3));
    ck_assert(r.items[2].len == 3 && !memcmp(r.items[2].data, "abc", 3));
    ck_assert_int_eq(et_mc_parse("END\r\n", 5, 3, keys, &r, &used), ET_PROTO_DONE);
    ck_assert_ptr_null(r.items[1].data);
    /* a key not asked for, twice the same, a wrong length */
    ck_assert_int_eq(et_mc_parse("VALUE other 0 1\r\nx\r\nEND\r\n", 25, 3, keys, &r, &used),
                     ET_PROTO_BAD);
    ck_assert_int_eq(et_mc_parse("VALUE everytime:g 0 1\r\nx\r\nVALUE everytime:g 0 1\r\nx\r\n"
                                 "END\r\n",
                                 57, 3, keys, &r, &used),
                     ET_PROTO_BAD);
    ck_assert_int_eq(et_mc_parse("VALUE everytime:g 0 1\r\nxy\r\nEND\r\n", 32, 3, keys, &r, &used),
                     ET_PROTO_BAD);
    ck_assert_int_eq(et_mc_parse("SERVER_ERROR out of memory\r\n", 28, 3, keys, &r, &used),
                     ET_PROTO_DONE);
    ck_assert_int_eq(r.kind, ET_REPLY_ERROR);
}
END_TEST

START_TEST(mc_status_replies)
{
    et_proto_reply r;
    apr_size_t used;
    ck_assert_int_eq(et_mc_parse("NOT_STORED\r\n", 12, 0, NULL, &r, &used), ET_PROTO_DONE);
    ck_assert_int_eq(r.kind, ET_REPLY_STATUS);
    ck_assert(r.line_len == 10 && !memcmp(r.line, "NOT_STORED", 10));
    ck_assert_int_eq(et_mc_parse("ERROR\r\n", 7, 0, NULL, &r, &used), ET_PROTO_DONE);
    ck_assert_int_eq(r.kind, ET_REPLY_ERROR);
    ck_assert_int_eq(et_mc_parse("CLIENT_ERROR bad\r\n", 18, 0, NULL, &r, &used), ET_PROTO_DONE);
    ck_assert_int_eq(r.kind, ET_REPLY_ERROR);
    ck_assert_int_eq(et_mc_parse("STORED", 6, 0, NULL, &r, &used), ET_PROTO_MORE);
}
END_TEST

Suite *cache_proto_suite(void)
{
    Suite *s = suite_create("cache_proto");
    TCase *tc = tcase_create("wire");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, resp_command_is_an_array_of_bulks);
    tcase_add_test(tc, resp_simple_replies);
    tcase_add_test(tc, resp_bulk_and_nil);
    tcase_add_test(tc, resp_array_of_bulks_split_anywhere);
    tcase_add_test(tc, mc_keys_and_commands);
    tcase_add_test(tc, mc_retrieval_replies);
    tcase_add_test(tc, mc_status_replies);
    suite_add_tcase(s, tc);
    return s;
}

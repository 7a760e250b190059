/*
 * test_router.c: router.c's pattern matcher and its lookup in the real route
 * table: typed {int} and {uuid} segments, any {str} segment, 404 and 405
 * with Allow.
 */
#include "suites.h"
#include "api/groups.h"
#include "router.h"

#include <apr_pools.h>
#include <apr_strings.h>
#include <httpd.h>
#include <string.h>

static apr_pool_t *pool;
static et_req *q;

/* A request as little as et_route_match needs: a pool for the {uuid} copies. */
static void setup(void)
{
    request_rec *r;
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
    r = apr_pcalloc(pool, sizeof(*r));
    r->pool = pool;
    q = apr_pcalloc(pool, sizeof(*q));
    q->r = r;
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

static int match(const char *pattern, const char *path)
{
    memset(q->ids, 0, sizeof(q->ids));
    memset(q->uuids, 0, sizeof(q->uuids));
    memset(q->strs, 0, sizeof(q->strs));
    return et_route_match(pattern, path, q);
}

#define UUID_LC "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
#define UUID_UC "3F2504E0-4F89-41D3-9A0C-0305E82C3301"
#define UUID_2  "6ba7b810-9dad-41d1-80b4-00c04fd430c8"

START_TEST(exact_segments)
{
    ck_assert(match("/accounts/me", "/accounts/me"));
    ck_assert(match("/schools", "/schools"));
    ck_assert(!match("/accounts/me", "/accounts/mE"));
    ck_assert(!match("/accounts/me", "/accounts/m"));
    ck_assert(!match("/accounts/me", "/accounts/mee"));
    ck_assert(!match("/accounts/me", "/account/me"));
    ck_assert(!match("/accounts/me", "/accounts"));      /* missing segment */
    ck_assert(!match("/accounts/me", "/accounts/me/x")); /* extra segment */
    ck_assert(!match("/accounts/me", "/accounts/me/"));  /* extra empty segment */
    ck_assert(!match("/accounts/me", "/accounts//me"));
    ck_assert(!match("/accounts/me", "accounts/me"));
    ck_assert(!match("/accounts/me", ""));
    ck_assert(!match("/accounts/me", "/"));
    ck_assert(!match("/schools", "/schoolsx"));
    ck_assert(!match("/schools", "/school"));
}
END_TEST

START_TEST(root)
{
    ck_assert(match("", ""));
    ck_assert(match("/", "/"));
    ck_assert(!match("", "/"));
    ck_assert(!match("/", ""));
    ck_assert(!match("/", "/schools"));
    ck_assert(!match("/schools", ""));
}
END_TEST

START_TEST(int_accepted)
{
    static const struct {
        const char *seg;
        apr_int64_t v;
    } good[] = {
        {"1", 1},
        {"7", 7},
        {"42", 42},
        {"123456789012345678", APR_INT64_C(123456789012345678)},
        {"999999999999999999", APR_INT64_C(999999999999999999)},
    };
    apr_size_t i;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ck_assert_msg(match("/posts/{int}", apr_pstrcat(pool, "/posts/", good[i].seg, NULL)),
                      "refused %s", good[i].seg);
        ck_assert_int_eq(q->ids[0], good[i].v);
    }
}
END_TEST

START_TEST(int_refused)
{
    static const char *const bad[] = {
        "0",
        "-1",
        "-0",
        "01x",
        "x1",
        "",
        "+1",
        " 1",
        "1 ",
        "1.0",
        "1e3",
        "0x10",
        "1234567890123456789",  /* 19 digits */
        "12345678901234567890", /* 20 */
        "9223372036854775808",  /* past INT64_MAX */
        "99999999999999999999999999999999",
        UUID_LC,
    };
    apr_size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(!match("/posts/{int}", apr_pstrcat(pool, "/posts/", bad[i], NULL)),
                      "accepted '%s'", bad[i]);
    /* the segment ends at '/': a valid int followed by more is another segment */
    ck_assert(!match("/posts/{int}", "/posts/1/"));
    ck_assert(!match("/posts/{int}", "/posts/1/2"));
    ck_assert(!match("/posts/{int}", "/posts"));
}
END_TEST

START_TEST(uuid_accepted)
{
    ck_assert(match("/users/{uuid}", "/users/" UUID_LC));
    ck_assert_str_eq(q->uuids[0], UUID_LC);
    ck_assert(match("/users/{uuid}", "/users/" UUID_UC));
    ck_assert_str_eq(q->uuids[0], UUID_UC);
    ck_assert(match("/users/{uuid}", "/users/00000000-0000-0000-0000-000000000000"));
    ck_assert_str_eq(q->uuids[0], "00000000-0000-0000-0000-000000000000");
    /* a copy from the request's pool, not a pointer into the path */
    {
        char path[] = "/users/" UUID_LC;
        ck_assert(match("/users/{uuid}", path));
        ck_assert_ptr_ne(q->uuids[0], path + 7);
        path[7] = 'f';
        ck_assert_str_eq(q->uuids[0], UUID_LC);
    }
}
END_TEST

START_TEST(uuid_refused)
{
    static const char *const bad[] = {
        "",
        "1",
        "3f2504e0-4f89-41d3-9a0c-0305e82c330",   /* 35 */
        "3f2504e0-4f89-41d3-9a0c-0305e82c33011", /* 37 */
        "3f2504e04f8941d39a0c0305e82c3301",      /* no hyphens */
        "3f2504e0-4f89-41d3-9a0c-0305e82c330g",  /* not hex */
        "3f2504e0_4f89-41d3-9a0c-0305e82c3301",  /* wrong separator */
        "3f2504e0-4f8941d3-9a0c-0305e82c3301-",  /* hyphen moved */
        "{3f2504e0-4f89-41d3-9a0c-0305e82c33}",
        "3f2504e0-4f89-41d3-9a0c-0305e82c 301",
        "3f2504e0-4f89-41d3-9a0c-0305e82c33%1",
    };
    apr_size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(!match("/users/{uuid}", apr_pstrcat(pool, "/users/", bad[i], NULL)),
                      "accepted '%s'", bad[i]);
    ck_assert(!match("/users/{uuid}", "/users/" UUID_LC "/"));
    ck_assert(!match("/users/{uuid}", "/users"));
}
END_TEST

START_TEST(str_segments)
{
    char path[] = "/me/devices/dXk3:APA91b-x_Y.z";
    ck_assert(match("/me/devices/{str}", path));
    ck_assert_str_eq(q->strs[0], "dXk3:APA91b-x_Y.z");
    /* a copy from the request's pool, not a pointer into the path */
    ck_assert_ptr_ne(q->strs[0], path + 12);
    path[12] = 'Q';
    ck_assert_str_eq(q->strs[0], "dXk3:APA91b-x_Y.z");
    ck_assert(match("/me/devices/{str}", "/me/devices/42"));
    ck_assert_str_eq(q->strs[0], "42");
    ck_assert(match("/a/{str}/b/{str}", "/a/x/b/y"));
    ck_assert_str_eq(q->strs[1], "y");
    /* one segment, never empty, never two */
    ck_assert(!match("/me/devices/{str}", "/me/devices/"));
    ck_assert(!match("/me/devices/{str}", "/me/devices"));
    ck_assert(!match("/me/devices/{str}", "/me/devices/a/b"));
    ck_assert(!match("/me/devices/{str}", "/me/devices//"));
}
END_TEST

START_TEST(several_params_in_order)
{
    ck_assert(match("/boards/{int}/posts/{int}/comments/{int}", "/boards/3/posts/14/comments/159"));
    ck_assert_int_eq(q->ids[0], 3);
    ck_assert_int_eq(q->ids[1], 14);
    ck_assert_int_eq(q->ids[2], 159);

    ck_assert(match("/schools/{uuid}/boards/{int}/members/{uuid}/{int}",
                    "/schools/" UUID_LC "/boards/8/members/" UUID_2 "/9"));
    ck_assert_str_eq(q->uuids[0], UUID_LC);
    ck_assert_str_eq(q->uuids[1], UUID_2);
    ck_assert_int_eq(q->ids[0], 8);
    ck_assert_int_eq(q->ids[1], 9);

    /* ET_MAX_PARAMS of each kind fit */
    ck_assert(match("/{int}/{int}/{int}/{int}", "/1/2/3/4"));
    ck_assert_int_eq(q->ids[3], 4);
    ck_assert(
        match("/{uuid}/{uuid}/{uuid}/{uuid}", "/" UUID_LC "/" UUID_2 "/" UUID_UC "/" UUID_LC));
    ck_assert_str_eq(q->uuids[2], UUID_UC);
    ck_assert_str_eq(q->uuids[3], UUID_LC);

    /* one bad parameter anywhere spoils the match */
    ck_assert(!match("/boards/{int}/posts/{int}", "/boards/3/posts/0"));
    ck_assert(!match("/boards/{int}/posts/{int}", "/boards/x/posts/1"));
    ck_assert(!match("/schools/{uuid}/boards/{int}", "/schools/" UUID_LC "/boards/" UUID_LC));
    ck_assert(!match("/boards/{int}/posts/{int}", "/boards/3/post/1"));
    ck_assert(!match("/boards/{int}/posts/{int}", "/boards/3/posts"));
    ck_assert(!match("/boards/{int}/posts/{int}", "/boards/3/posts/1/x"));
}
END_TEST

START_TEST(params_reset_per_match)
{
    /* a second match numbers its parameters from zero again */
    ck_assert(et_route_match("/a/{int}", "/a/5", q));
    ck_assert(et_route_match("/b/{int}", "/b/6", q));
    ck_assert_int_eq(q->ids[0], 6);
}
END_TEST

START_TEST(find_in_table)
{
    const char *allow = "unset";
    const et_route *rt;

    rt = et_route_find(et_groups, pool, M_GET, "/accounts/me", q, &allow);
    ck_assert_ptr_nonnull(rt);
    ck_assert_int_eq(rt->method, M_GET);
    ck_assert_str_eq(rt->pattern, "/accounts/me");
    ck_assert_int_eq(rt->access, ET_USER);

    rt = et_route_find(et_groups, pool, M_PATCH, "/accounts/me", q, &allow);
    ck_assert_ptr_nonnull(rt);
    ck_assert_int_eq(rt->method, M_PATCH);
    ck_assert(rt->flags & ET_JSON_BODY);

    rt = et_route_find(et_groups, pool, M_POST, "/schools", q, &allow);
    ck_assert_ptr_nonnull(rt);
    ck_assert_int_eq(rt->access, ET_ADMIN);

    rt = et_route_find(et_groups, pool, M_POST, "/accounts/login", q, &allow);
    ck_assert_ptr_nonnull(rt);
    ck_assert_int_eq(rt->access, ET_PUBLIC);
}
END_TEST

START_TEST(find_method_not_allowed)
{
    const char *allow = NULL;

    ck_assert_ptr_null(et_route_find(et_groups, pool, M_DELETE, "/schools", q, &allow));
    ck_assert_ptr_nonnull(allow);
    ck_assert_str_eq(allow, "GET, POST");

    allow = NULL;
    ck_assert_ptr_null(et_route_find(et_groups, pool, M_PUT, "/accounts/me", q, &allow));
    ck_assert_str_eq(allow, "GET, PATCH, DELETE");

    allow = NULL;
    ck_assert_ptr_null(et_route_find(et_groups, pool, M_GET, "/accounts/login", q, &allow));
    ck_assert_str_eq(allow, "POST");
}
END_TEST

START_TEST(find_unknown)
{
    static const char *const unknown[] = {
        "/nope", "/accounts", "/accounts/me/x", "/accounts/me/", "/Schools", "", "/", "//",
    };
    apr_size_t i;
    for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        const char *allow = NULL;
        ck_assert_msg(et_route_find(et_groups, pool, M_GET, unknown[i], q, &allow) == NULL,
                      "found '%s'", unknown[i]);
        ck_assert_ptr_nonnull(allow);
        ck_assert_msg(!strcmp(allow, ""), "allow for '%s': '%s'", unknown[i], allow);
    }
}
END_TEST

Suite *router_suite(void)
{
    Suite *s = suite_create("router");
    TCase *m = tcase_create("match"), *f = tcase_create("find");

    tcase_add_checked_fixture(m, setup, teardown);
    tcase_add_test(m, exact_segments);
    tcase_add_test(m, root);
    tcase_add_test(m, int_accepted);
    tcase_add_test(m, int_refused);
    tcase_add_test(m, uuid_accepted);
    tcase_add_test(m, uuid_refused);
    tcase_add_test(m, str_segments);
    tcase_add_test(m, several_params_in_order);
    tcase_add_test(m, params_reset_per_match);
    suite_add_tcase(s, m);

    tcase_add_checked_fixture(f, setup, teardown);
    tcase_add_test(f, find_in_table);
    tcase_add_test(f, find_method_not_allowed);
    tcase_add_test(f, find_unknown);
    suite_add_tcase(s, f);
    return s;
}

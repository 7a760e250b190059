/*
 * test_json.c: json.c's one ownership rule, checked by reference counts (a
 * value in two containers is released exactly once, with its pool), and the
 * string setters' refusal of invalid UTF-8 (recorded on the pool under the
 * key, never a field quietly missing).
 */
#include "suites.h"
#include "infra/json.h"

#include <apr_pools.h>
#include <stdlib.h>
#include <string.h>

static apr_pool_t *pool;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void teardown(void)
{
    if (pool)
        apr_pool_destroy(pool);
}

/* Destroys the test's pool now (teardown then has nothing to do). */
static void destroy_pool(void)
{
    apr_pool_destroy(pool);
    pool = NULL;
}

START_TEST(builders_are_pool_owned)
{
    json_t *o = et_json_obj(pool), *a = et_json_arr(pool);
    ck_assert(json_is_object(o));
    ck_assert(json_is_array(a));
    ck_assert_uint_eq(o->refcount, 1);
    ck_assert_uint_eq(a->refcount, 1);
    json_incref(o); /* the test's own reference outlives the pool's */
    destroy_pool();
    ck_assert_uint_eq(o->refcount, 1);
    json_decref(o);
}
END_TEST

/* The case the convention exists for: one value set into two containers
 * (and a builder returning it), all owned by the pool, released once. */
START_TEST(shared_value_released_once)
{
    json_t *reply = et_json_obj(pool), *list = et_json_arr(pool), *v = et_json_obj(pool);
    et_json_set_int(v, "id", 7);
    et_json_set(reply, "first", v);
    et_json_push(list, v);
    et_json_set(reply, "all", list);
    /* the pool's reference, and one for each container */
    ck_assert_uint_eq(v->refcount, 3);
    ck_assert_uint_eq(list->refcount, 2);
    ck_assert_ptr_eq(json_object_get(reply, "first"), v);
    ck_assert_ptr_eq(json_array_get(list, 0), v);
    json_incref(v);
    json_incref(reply);
    destroy_pool();
    /* the pool dropped exactly its one reference to each value: what is
     * left is the containers' and the test's */
    ck_assert_uint_eq(reply->refcount, 1);
    ck_assert_uint_eq(list->refcount, 1);
    ck_assert_uint_eq(v->refcount, 3);
    json_decref(reply); /* frees reply, then the list: each held v once */
    ck_assert_uint_eq(v->refcount, 1);
    json_decref(v);
}
END_TEST

/* jansson's allocations, counted while a test runs. */
static long live_blocks;

static void *counting_malloc(size_t n)
{
    void *b = malloc(n);
    if (b)
        live_blocks++;
    return b;
}

static void counting_free(void *b)
{
    if (b)
        live_blocks--;
    free(b);
}

/* Nothing leaks and nothing is freed twice: every block jansson allocated
 * for a reply built the way handlers build one is back when the pool is. */
START_TEST(pool_releases_everything)
{
    json_malloc_t old_malloc;
    json_free_t old_free;
    json_t *reply, *list, *shared;
    int i;
    json_get_alloc_funcs(&old_malloc, &old_free);
    json_set_alloc_funcs(counting_malloc, counting_free);
    live_blocks = 0;
    reply = et_json_obj(pool);
    list = et_json_arr(pool);
    shared = et_json_obj(pool);
    et_json_set_str(pool, shared, "nickname", "익명");
    for (i = 0; i < 20; i++) {
        json_t *item = et_json_obj(pool), *media = et_json_arr(pool);
        et_json_set_int(item, "id", i);
        et_json_set(item, "author", shared);
        et_json_set(item, "media", media);
        et_json_push(media, shared);
        et_json_push(list, item);
    }
    et_json_set(reply, "results", list);
    et_json_set_null(reply, "next");
    ck_assert_int_gt(live_blocks, 40);
    destroy_pool();
    ck_assert_int_eq(live_blocks, 0);
    json_set_alloc_funcs(old_malloc, old_free);
}
END_TEST

START_TEST(null_is_json_null)
{
    json_t *o = et_json_obj(pool), *a = et_json_arr(pool);
    et_json_set(o, "owner", NULL);
    et_json_set_str(pool, o, "hot_at", NULL);
    et_json_set_null(o, "parent");
    et_json_push(a, NULL);
    et_json_push_str(pool, a, NULL);
    ck_assert(json_is_null(json_object_get(o, "owner")));
    ck_assert(json_is_null(json_object_get(o, "hot_at")));
    ck_assert(json_is_null(json_object_get(o, "parent")));
    ck_assert_uint_eq(json_array_size(a), 2);
    ck_assert(json_is_null(json_array_get(a, 0)));
    ck_assert(json_is_null(json_array_get(a, 1)));
    ck_assert_ptr_null(et_json_error(pool));
    ck_assert_ptr_null(et_json_own(pool, NULL));
}
END_TEST

START_TEST(scalars)
{
    json_t *o = et_json_obj(pool), *a = et_json_arr(pool);
    et_json_set_str(pool, o, "name", "자료구조");
    et_json_set_int(o, "id", APR_INT64_C(9007199254740993));
    et_json_set_bool(o, "is_mine", 1);
    et_json_set_real(o, "average_rating", 4.3);
    et_json_push_str(pool, a, "This field is required.");
    ck_assert_str_eq(json_string_value(json_object_get(o, "name")), "자료구조");
    ck_assert(json_integer_value(json_object_get(o, "id")) == APR_INT64_C(9007199254740993));
    ck_assert(json_is_true(json_object_get(o, "is_mine")));
    ck_assert(json_real_value(json_object_get(o, "average_rating")) == 4.3);
    ck_assert_str_eq(json_string_value(json_array_get(a, 0)), "This field is required.");
    ck_assert_ptr_null(et_json_error(pool));
}
END_TEST

/* A row that is not UTF-8 is an error the reply cannot go out with. */
START_TEST(invalid_utf8_is_an_error)
{
    static const char *const bad[] = {
        "\xff",              /* never in UTF-8 */
        "caf\xe9",           /* Latin-1 */
        "\xc0\xaf",          /* overlong "/" */
        "\xed\xa0\x80",      /* a UTF-16 surrogate */
        "\xe2\x82",          /* truncated sequence */
        "ok\xf4\x90\x80\x80" /* above U+10FFFF */
    };
    apr_size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        apr_pool_t *p;
        json_t *o;
        ck_assert_int_eq(apr_pool_create(&p, pool), APR_SUCCESS);
        o = et_json_obj(p);
        et_json_set_str(p, o, "title", "fine");
        ck_assert_ptr_null(et_json_error(p));
        et_json_set_str(p, o, "nickname", bad[i]);
        ck_assert_msg(et_json_error(p) != NULL, "bad[%d] accepted", (int)i);
        ck_assert_str_eq(et_json_error(p), "nickname");
        apr_pool_destroy(p);
    }
}
END_TEST

START_TEST(first_refusal_is_kept)
{
    json_t *o = et_json_obj(pool), *a = et_json_arr(pool);
    apr_pool_t *other;
    et_json_push_str(pool, a, "\xff");
    ck_assert_str_eq(et_json_error(pool), "[]");
    et_json_set_str(pool, o, "content", "\xfe");
    ck_assert_str_eq(et_json_error(pool), "[]");
    /* recorded on the pool that was given, no other */
    ck_assert_int_eq(apr_pool_create(&other, NULL), APR_SUCCESS);
    ck_assert_ptr_null(et_json_error(other));
    apr_pool_destroy(other);
}
END_TEST

START_TEST(parsed_values_are_pool_owned)
{
    const char *err = NULL, *text = "{\"a\": [1, 2]}";
    json_t *v = et_json_parse(pool, text, strlen(text), &err);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(v->refcount, 1);
    json_incref(v);
    destroy_pool();
    ck_assert_uint_eq(v->refcount, 1);
    json_decref(v);
}
END_TEST

Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("json");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, builders_are_pool_owned);
    tcase_add_test(tc, shared_value_released_once);
    tcase_add_test(tc, pool_releases_everything);
    tcase_add_test(tc, null_is_json_null);
    tcase_add_test(tc, scalars);
    tcase_add_test(tc, invalid_utf8_is_an_error);
    tcase_add_test(tc, first_refusal_is_kept);
    tcase_add_test(tc, parsed_values_are_pool_owned);
    suite_add_tcase(s, tc);
    return s;
}

/*
 * test_cache_health.c: the back-off state of a shared cache server
 * (cache_health.c): skipped after a failure, one log line per change,
 * probes spaced by the back-off, and a failed revocation that keeps the
 * server untrusted until a probe that started after it renews the
 * generation. And the server lists of EverytimeTokenCache (cache_remote.c).
 */
#include "suites.h"
#include "infra/cache_health.h"
#include "infra/cache_remote.h"

static apr_pool_t *pool;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

START_TEST(failure_skips_and_logs_once)
{
    et_cache_health h = {0};
    apr_time_t t = apr_time_from_sec(1000);
    ck_assert(et_health_usable(&h));
    ck_assert_int_eq(et_health_failed(&h, t, 0), 1);
    ck_assert(!et_health_usable(&h));
    /* the other requests in flight fail too: no second log line */
    ck_assert_int_eq(et_health_failed(&h, t + 1000, 0), 0);
    ck_assert(!et_health_probe_due(&h, t + ET_CACHE_BACKOFF - 1));
    ck_assert(et_health_probe_due(&h, t + ET_CACHE_BACKOFF));
    et_health_probe_failed(&h, t + ET_CACHE_BACKOFF);
    ck_assert(!et_health_probe_due(&h, t + 2 * ET_CACHE_BACKOFF - 1));
    ck_assert(et_health_probe_due(&h, t + 2 * ET_CACHE_BACKOFF));
    ck_assert_int_eq(et_health_recovered(&h, h.dirty), 1);
    ck_assert(et_health_usable(&h));
    ck_assert(!et_health_probe_due(&h, t + 10 * ET_CACHE_BACKOFF));
    /* a probe that finds nothing to recover logs nothing */
    ck_assert_int_eq(et_health_recovered(&h, h.dirty), 0);
}
END_TEST

START_TEST(failed_revocation_waits_for_its_renewal)
{
    et_cache_health h = {0};
    apr_time_t t = apr_time_from_sec(1000);
    unsigned seen;
    ck_assert_int_eq(et_health_failed(&h, t, 1), 1);
    /* a probe starts, then a revocation is skipped while it runs */
    seen = h.dirty;
    et_health_skipped_required(&h);
    ck_assert_int_eq(et_health_recovered(&h, seen), 1);
    ck_assert_msg(!et_health_usable(&h), "a revocation newer than the probe's renewal");
    ck_assert(et_health_probe_due(&h, t + ET_CACHE_BACKOFF));
    ck_assert_int_eq(et_health_recovered(&h, h.dirty), 0);
    ck_assert(et_health_usable(&h));
}
END_TEST

START_TEST(server_lists)
{
    et_remote *rc = NULL;
    ck_assert_ptr_null(et_remote_create(pool, ET_REMOTE_REDIS, "127.0.0.1:6390", &rc));
    ck_assert_ptr_nonnull(rc);
    ck_assert_ptr_null(
        et_remote_create(pool, ET_REMOTE_MEMCACHE, "127.0.0.1:11211, 127.0.0.1", &rc));
    ck_assert_ptr_null(et_remote_create(pool, ET_REMOTE_REDIS, "[::1]:6379", &rc));
    ck_assert_ptr_null(et_remote_create(pool, ET_REMOTE_REDIS, NULL, &rc));
    ck_assert_ptr_nonnull(et_remote_create(pool, ET_REMOTE_REDIS, "127.0.0.1:0", &rc));
    ck_assert_ptr_nonnull(et_remote_create(pool, ET_REMOTE_REDIS, "127.0.0.1:65536", &rc));
    ck_assert_ptr_nonnull(et_remote_create(pool, ET_REMOTE_REDIS, "127.0.0.1:63x", &rc));
    ck_assert_ptr_nonnull(et_remote_create(pool, ET_REMOTE_REDIS, "[::1", &rc));
    ck_assert_ptr_nonnull(et_remote_create(pool, ET_REMOTE_REDIS, ",", &rc));
}
END_TEST

Suite *cache_health_suite(void)
{
    Suite *s = suite_create("cache_health");
    TCase *tc = tcase_create("backoff");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, failure_skips_and_logs_once);
    tcase_add_test(tc, failed_revocation_waits_for_its_renewal);
    tcase_add_test(tc, server_lists);
    suite_add_tcase(s, tc);
    return s;
}

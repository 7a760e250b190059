/*
 * test_db_timeouts.c: the SQL that puts EverytimeDBTimeout on a session
 * (db_timeouts.c), in each database's units.
 */
#include "suites.h"
#include "infra/db_outcome.h"
#include "infra/db_timeouts.h"

static apr_pool_t *pool;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

START_TEST(pgsql_in_milliseconds)
{
    ck_assert_str_eq(et_db_timeouts_sql(pool, "pgsql", 5000),
                     "SET statement_timeout = 5000; SET lock_timeout = 5000");
}
END_TEST

START_TEST(mysql_in_seconds_lock_wait_rounded_up)
{
    ck_assert_str_eq(et_db_timeouts_sql(pool, "mysql", 1500),
                     "SET SESSION max_statement_time = 1.500, "
                     "SESSION innodb_lock_wait_timeout = 2");
    ck_assert_str_eq(et_db_timeouts_sql(pool, "mysql", 25),
                     "SET SESSION max_statement_time = 0.025, "
                     "SESSION innodb_lock_wait_timeout = 1");
}
END_TEST

START_TEST(sqlite_has_none)
{
    ck_assert_ptr_null(et_db_timeouts_sql(pool, "sqlite3", 5000));
}
END_TEST

/* A statement the limits cancelled is busy (503 at once), not a lost
 * connection that db.c would reconnect and run again for as long again. */
START_TEST(mysql_cancellations_recognised)
{
    ck_assert_int_eq(et_db_classify("mysql", 1969, ""), ET_DB_BUSY);
    ck_assert_int_eq(et_db_classify("mysql", 1205, ""), ET_DB_BUSY);
    ck_assert_int_eq(et_db_classify("mysql", 3024, ""), ET_DB_BUSY);
    ck_assert_int_eq(et_db_classify("mysql", 2006, ""), ET_DB_DOWN); /* server gone: reconnect */
    ck_assert_int_eq(et_db_classify("pgsql", 0,
                                    "ERROR:  57014: canceling statement due to "
                                    "statement timeout"),
                     ET_DB_BUSY);
}
END_TEST

Suite *db_timeouts_suite(void)
{
    Suite *s = suite_create("db_timeouts");
    TCase *tc = tcase_create("sql");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pgsql_in_milliseconds);
    tcase_add_test(tc, mysql_in_seconds_lock_wait_rounded_up);
    tcase_add_test(tc, sqlite_has_none);
    tcase_add_test(tc, mysql_cancellations_recognised);
    suite_add_tcase(s, tc);
    return s;
}

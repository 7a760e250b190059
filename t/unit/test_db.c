/*
 * test_db.c: the database layer's pure parts: each driver's error codes as
 * outcomes (db_outcome.c).
 */
#include "suites.h"
#include "infra/db_outcome.h"

/* --- outcomes ---------------------------------------------------------------- */

START_TEST(sqlite_codes)
{
    ck_assert_int_eq(et_db_classify("sqlite3", 19, "UNIQUE constraint failed: users.email"),
                     ET_DB_CONFLICT);
    ck_assert_int_eq(et_db_classify("sqlite3", 5, "database is locked"), ET_DB_BUSY);
    ck_assert_int_eq(et_db_classify("sqlite3", 6, NULL), ET_DB_BUSY);
    /* apr's select gives up on a busy database with SQLITE_ERROR */
    ck_assert_int_eq(et_db_classify("sqlite3", 1, "database is locked"), ET_DB_BUSY);
    ck_assert_int_eq(et_db_classify("sqlite3", 1, "no such table: userz"), ET_DB_BUG);
    ck_assert_int_eq(et_db_classify("sqlite3", 25, "column index out of range"), ET_DB_BUG);
    ck_assert_int_eq(et_db_classify("sqlite3", 10, "disk I/O error"), ET_DB_DOWN);
    ck_assert_int_eq(et_db_classify("sqlite3", 13, "database or disk is full"), ET_DB_DOWN);
}
END_TEST

START_TEST(mysql_codes)
{
    ck_assert_int_eq(et_db_classify("mysql", 1062, "Duplicate entry 'a' for key 'email'"),
                     ET_DB_CONFLICT);
    ck_assert_int_eq(et_db_classify("mysql", 1213, NULL), ET_DB_BUSY);
    ck_assert_int_eq(et_db_classify("mysql", 1205, NULL), ET_DB_BUSY);
    ck_assert_int_eq(et_db_classify("mysql", 2006, "MySQL server has gone away"), ET_DB_DOWN);
    ck_assert_int_eq(et_db_classify("mysql", 2013, NULL), ET_DB_DOWN);
    ck_assert_int_eq(et_db_classify("mysql", 1064, "You have an error in your SQL syntax"),
                     ET_DB_BUG);
    ck_assert_int_eq(et_db_classify("mysql", 1054, "Unknown column"), ET_DB_BUG);
    ck_assert_int_eq(et_db_classify("mysql", 2031, NULL), ET_DB_BUG);
}
END_TEST

START_TEST(pgsql_sqlstates)
{
    /* one code for every error: the SQLSTATE of the verbose message decides */
    ck_assert_int_eq(
        et_db_classify("pgsql", 7,
                       "ERROR:  23505: duplicate key value violates unique constraint \"u\"\n"
                       "DETAIL:  Key (email)=(a@b.c) already exists.\n"),
        ET_DB_CONFLICT);
    ck_assert_int_eq(et_db_classify("pgsql", 7, "ERROR:  40P01: deadlock detected\n"), ET_DB_BUSY);
    ck_assert_int_eq(et_db_classify("pgsql", 7, "ERROR:  40001: could not serialize access\n"),
                     ET_DB_BUSY);
    ck_assert_int_eq(et_db_classify("pgsql", 7, "ERROR:  57014: canceling statement\n"),
                     ET_DB_BUSY);
    ck_assert_int_eq(et_db_classify("pgsql", 7, "ERROR:  42P01: relation \"x\" does not exist\n"),
                     ET_DB_BUG);
    ck_assert_int_eq(et_db_classify("pgsql", 7, "ERROR:  08P01: bind message supplies 1\n"),
                     ET_DB_BUG);
    ck_assert_int_eq(et_db_classify("pgsql", 7, "FATAL:  57P01: terminating connection\n"),
                     ET_DB_DOWN);
    /* client-side: no SQLSTATE at all */
    ck_assert_int_eq(et_db_classify("pgsql", 7, "server closed the connection unexpectedly\n"),
                     ET_DB_DOWN);
    ck_assert_int_eq(et_db_classify("pgsql", 7, NULL), ET_DB_DOWN);
    /* the default verbosity has no code: not read as a conflict */
    ck_assert_int_eq(et_db_classify("pgsql", 7, "ERROR:  duplicate key value violates\n"),
                     ET_DB_DOWN);
    ck_assert_int_eq(et_db_classify("pgsql", 7, "ERROR:  2350"), ET_DB_DOWN);
}
END_TEST

START_TEST(unknown_driver_and_names)
{
    ck_assert_int_eq(et_db_classify("oracle", 1, NULL), ET_DB_DOWN);
    ck_assert_int_eq(et_db_classify(NULL, 19, NULL), ET_DB_DOWN);
    ck_assert_str_eq(et_db_outcome_name(ET_DB_CONFLICT), "conflict");
    ck_assert_str_eq(et_db_outcome_name(ET_DB_BUG), "bug");
    ck_assert_str_eq(et_db_outcome_name((et_db_outcome)42), "unknown");
}
END_TEST

Suite *db_suite(void)
{
    Suite *s = suite_create("db");
    TCase *tc = tcase_create("outcome");
    tcase_add_test(tc, sqlite_codes);
    tcase_add_test(tc, mysql_codes);
    tcase_add_test(tc, pgsql_sqlstates);
    tcase_add_test(tc, unknown_driver_and_names);
    suite_add_tcase(s, tc);
    return s;
}

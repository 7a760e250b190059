/*
 * test_db.c: the database layer's pure parts: each driver's error codes as
 * outcomes (db_outcome.c); the placeholders of a statement's SQL against its
 * declared arguments (db_stmt.c), which decides whether httpd starts; SQLite's
 * threading mode (db_sqlite.c), as a new process sets it; statements prepared
 * on a connection as they first run (db_prepare.c), every shipped one on a
 * migrated SQLite database.
 */
#include "suites.h"
#include "sqlite_fixture.h"
#include "infra/db.h"
#include "infra/db_prepare.h"
#include "infra/db_sqlite.h"
#include "api/groups.h"

#include <apr_hash.h>

#include <apr_dbd.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* --- outcomes ---------------------------------------------------------------- */

START_TEST(sqlite_codes)
{
    ck_assert_int_eq(et_db_classify("sqlite3", 19, "UNIQUE constraint failed: users.email"),
                     ET_DB_CONFLICT);
    /* what apr's driver answers for a unique violation (seen in t/api/boards.t) */
    ck_assert_int_eq(et_db_classify("sqlite3", 1,
                                    "UNIQUE constraint failed: board_favorites.user_id, "
                                    "board_favorites.board_id"),
                     ET_DB_CONFLICT);
    ck_assert_int_eq(et_db_classify("sqlite3", 1, "NOT NULL constraint failed: users.email"),
                     ET_DB_BUG);
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
    /* a reconnected session without its statements: recovered, not a bug */
    ck_assert_int_eq(et_db_classify("mysql", 1243, NULL), ET_DB_DOWN);
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

/* --- placeholders ------------------------------------------------------------ */

/* et_sql_args of sql: its letters, or "!" and the error */
static const char *letters(const char *sql)
{
    static char buf[64];
    const char *err = et_sql_args(sql, buf, sizeof(buf));
    if (err) {
        buf[0] = '!';
        buf[1] = '\0';
    }
    return buf;
}

START_TEST(placeholders_in_order)
{
    ck_assert_str_eq(letters("SELECT 1"), "");
    ck_assert_str_eq(letters(""), "");
    ck_assert_str_eq(letters("SELECT a FROM t WHERE id = %lld"), "l");
    ck_assert_str_eq(letters("INSERT INTO t VALUES (%s, %lld, %s, %lld)"), "slsl");
    ck_assert_str_eq(letters("%s%lld%s"), "sls");
    ck_assert_str_eq(letters("UPDATE t SET n = n + 1 WHERE id = %lld AND u = %s"), "ls");
}
END_TEST

START_TEST(percent_signs_that_are_not_placeholders)
{
    /* "%%" is a literal '%', as apr_dbd_prepare reads it */
    ck_assert_str_eq(letters("SELECT 1 WHERE a LIKE '%%x%%' AND b = %s"), "s");
    ck_assert_str_eq(letters("SELECT 1 WHERE a LIKE '%%%s'"), "s"); /* %% then %s */
    /* '%' before a non-letter is copied as it is */
    ck_assert_str_eq(letters("SELECT 5 % 3, 100%"), "");
    ck_assert_str_eq(letters("SELECT '%1'"), "");
}
END_TEST

START_TEST(placeholders_the_binder_cannot_bind)
{
    ck_assert_str_eq(letters("WHERE id = %d"), "!");
    ck_assert_str_eq(letters("WHERE id = %ld"), "!");
    ck_assert_str_eq(letters("WHERE id = %llu"), "!");
    ck_assert_str_eq(letters("WHERE t = %pDt"), "!");
    ck_assert_str_eq(letters("WHERE a = %x"), "!");
}
END_TEST

START_TEST(too_many_placeholders)
{
    char sql[64 * 4 + 1] = "", buf[8];
    int i;
    for (i = 0; i < 64; i++)
        strcat(sql, "%s, ");
    ck_assert_ptr_nonnull(et_sql_args(sql, buf, sizeof(buf)));
    ck_assert_ptr_null(et_sql_args("%s%s%s%s%s%s%s", buf, sizeof(buf)));
    ck_assert_str_eq(buf, "sssssss");
    ck_assert_ptr_nonnull(et_sql_args("%s%s%s%s%s%s%s%s", buf, sizeof(buf)));
}
END_TEST

/* --- registration ------------------------------------------------------------ */

static apr_pool_t *pool;

static void pool_setup(void)
{
    apr_pool_create(&pool, NULL);
}

static void pool_teardown(void)
{
    apr_pool_destroy(pool);
}

START_TEST(declaration_matches)
{
    static const et_stmt ok[] = {
        {"et_t_get", "ls", 2, "SELECT a, b FROM t WHERE id = %lld AND u = %s", NULL, NULL},
        {"et_t_put", "", 0, "DELETE FROM t", NULL, NULL},
        {"et_t_variant", "sl", 1, "SELECT %s, %lld", "SELECT %s::text, %lld", "SELECT %s, %lld"},
    };
    size_t i;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        ck_assert_ptr_null(et_stmt_check(pool, &ok[i]));
}
END_TEST

START_TEST(mismatch_names_the_statement)
{
    static const et_stmt one_short = {"et_t_short", "ls", 1, "SELECT a FROM t WHERE id = %lld",
                                      NULL,         NULL};
    static const et_stmt swapped = {"et_t_swapped", "sl", 0, "UPDATE t SET a = %lld WHERE u = %s",
                                    NULL,           NULL};
    static const et_stmt bad_variant = {"et_t_variant", "s", 1, "SELECT %s", NULL, "SELECT %s, %s"};
    static const et_stmt unbindable = {"et_t_d", "l", 1, "SELECT a FROM t WHERE id = %d",
                                       NULL,     NULL};
    static const et_stmt undeclared = {"et_t_none", NULL, 0, "SELECT 1", NULL, NULL};
    const char *err = et_stmt_check(pool, &one_short);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "et_t_short") && strstr(err, "\"l\" (1)") &&
                      strstr(err, "\"ls\" (2)"),
                  "%s", err);
    err = et_stmt_check(pool, &swapped);
    ck_assert_msg(err && strstr(err, "et_t_swapped"), "%s", err ? err : "(null)");
    err = et_stmt_check(pool, &bad_variant);
    ck_assert_msg(err && strstr(err, "et_t_variant") && strstr(err, "mysql"), "%s",
                  err ? err : "(null)");
    err = et_stmt_check(pool, &unbindable);
    ck_assert_msg(err && strstr(err, "et_t_d") && strstr(err, "%lld"), "%s", err ? err : "(null)");
    err = et_stmt_check(pool, &undeclared);
    ck_assert_msg(err && strstr(err, "et_t_none"), "%s", err ? err : "(null)");
}
END_TEST

/* The tables that ship: a mismatch here would stop every httpd start. */
START_TEST(shipped_statements_are_declared_right)
{
    const et_group *const *g;
    int n = 0;
    for (g = et_groups; *g; g++) {
        const et_stmt *st;
        for (st = (*g)->statements; st && st->label; st++, n++) {
            const char *err = et_stmt_check(pool, st);
            ck_assert_msg(!err, "%s", err);
        }
    }
    ck_assert_int_gt(n, 100);
}
END_TEST

/* EverytimeDatabase refuses the configuration, naming the directive and the
 * statement, before it asks for mod_dbd. */
START_TEST(registration_stops_the_start)
{
    static const et_stmt bad[] = {
        {"et_t_fine", "l", 1, "SELECT a FROM t WHERE id = %lld", NULL, NULL},
        {"et_t_short", "lls", 0, "UPDATE t SET a = %lld WHERE id = %lld", NULL, NULL},
        {NULL, NULL, 0, NULL, NULL, NULL}};
    static const et_stmt *const tables[] = {bad, NULL};
    command_rec directive = {.name = "EverytimeDatabase"};
    cmd_parms cmd;
    const char *err;
    memset(&cmd, 0, sizeof(cmd));
    cmd.pool = pool;
    cmd.cmd = &directive;
    et_db_use_statements(tables);
    err = et_db_register_statements(&cmd);
    et_db_use_statements(NULL);
    ck_assert_msg(err && strstr(err, "EverytimeDatabase: statement et_t_short") &&
                      strstr(err, "\"ll\" (2)") && strstr(err, "\"lls\" (3)"),
                  "%s", err ? err : "(null)");
}
END_TEST

/* --- SQLite's threading mode ------------------------------------------------------ */

#define SQLITE_MISUSE_CODE 21

/* In a new process, as httpd's parent is: loads apr's sqlite3 driver (and so
 * libsqlite3), sets the threading mode first when set_mode, opens a
 * connection, and checks that the mode can no longer be set. Its exit
 * status: 1 when the connection has a mutex of its own (serialized), 0 when
 * it has none, 2 and more when a step failed. */
static int connection_mutex_in_new_process(int set_mode)
{
    pid_t pid = fork();
    int status = 0;
    if (pid == 0) {
        apr_pool_t *p;
        const apr_dbd_driver_t *driver;
        apr_dbd_t *handle;
        void *(*db_mutex)(void *);
        apr_pool_create(&p, NULL);
        apr_dbd_init(p);
        if (apr_dbd_get_driver(p, "sqlite3", &driver) != APR_SUCCESS)
            _exit(2);
        if (set_mode && et_db_sqlite_threading() != 0)
            _exit(3);
        if (apr_dbd_open(driver, p, ":memory:", &handle) != APR_SUCCESS)
            _exit(4);
        /* once a connection has started SQLite, the mode stays as it is */
        if (et_db_sqlite_threading() != SQLITE_MISUSE_CODE)
            _exit(5);
        db_mutex = (void *(*)(void *))et_db_sqlite_symbol("sqlite3_db_mutex");
        if (!db_mutex)
            _exit(6);
        _exit(db_mutex(apr_dbd_native_handle(driver, handle)) ? 1 : 0);
    }
    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

START_TEST(sqlite_connections_without_their_own_mutex)
{
    ck_assert_int_eq(connection_mutex_in_new_process(1), 0);
}
END_TEST

/* Debian's SQLite is serialized unless told: what the setting takes away */
START_TEST(sqlite_default_is_serialized)
{
    ck_assert_int_eq(connection_mutex_in_new_process(0), 1);
}
END_TEST

/* --- statements prepared as they first run ---------------------------------------- */

static const et_stmt probe_statements[] = {
    {"et_t_probe_one", "", 1, "SELECT 1", NULL, NULL},
    {"et_t_probe_users", "s", 1, "SELECT COUNT(*) FROM users WHERE id = %s", NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL},
};
static const et_stmt refused_statements[] = {
    {"et_t_fine", "", 1, "SELECT 1", NULL, NULL},
    {"et_t_no_such_table", "", 1, "SELECT x FROM no_such_table", NULL, NULL},
    {"et_t_no_such_column", "", 1, "SELECT no_such_column FROM users", NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL},
};

START_TEST(prepared_when_first_run_then_kept)
{
    static const et_stmt *const tables[] = {probe_statements, NULL};
    apr_dbd_prepared_t *first = NULL, *again = NULL;
    ap_dbd_t *dbd;
    et_fixture_open(pool, tables);
    dbd = et_fixture_dbd();
    /* registering prepares nothing */
    ck_assert_uint_eq(apr_hash_count(dbd->prepared), 0);
    ck_assert_int_eq(et_db_prepared(dbd, &probe_statements[1], &first), 0);
    ck_assert_ptr_nonnull(first);
    ck_assert_uint_eq(apr_hash_count(dbd->prepared), 1);
    ck_assert_int_eq(et_db_prepared(dbd, &probe_statements[1], &again), 0);
    ck_assert_ptr_eq(first, again);
    ck_assert_uint_eq(apr_hash_count(dbd->prepared), 1);
    et_fixture_close();
}
END_TEST

/* A new session's statement: the connection forgets the others (prepared
 * again when they run), and keeps the one it prepared */
START_TEST(prepared_again_forgets_the_others)
{
    static const et_stmt *const tables[] = {probe_statements, NULL};
    apr_dbd_prepared_t *st = NULL;
    ap_dbd_t *dbd;
    et_fixture_open(pool, tables);
    dbd = et_fixture_dbd();
    ck_assert_int_eq(et_db_prepared(dbd, &probe_statements[0], &st), 0);
    ck_assert_int_eq(et_db_prepared(dbd, &probe_statements[1], &st), 0);
    ck_assert_int_eq(et_db_prepare_again(dbd, &probe_statements[1]), 1);
    ck_assert_uint_eq(apr_hash_count(dbd->prepared), 1);
    ck_assert_ptr_nonnull(apr_hash_get(dbd->prepared, "et_t_probe_users", APR_HASH_KEY_STRING));
    ck_assert_int_eq(et_db_prepare_again(dbd, NULL), 0);
    et_fixture_close();
}
END_TEST

START_TEST(refused_statements_are_counted_and_not_kept)
{
    static const et_stmt *const tables[] = {refused_statements, NULL};
    apr_dbd_prepared_t *st = NULL;
    ap_dbd_t *dbd;
    server_rec *s;
    et_fixture_open(pool, tables);
    s = et_fixture_request(pool)->server;
    dbd = et_fixture_dbd();
    ck_assert_int_eq(et_db_prepare_all(dbd, tables, s), 2);
    ck_assert_uint_eq(apr_hash_count(dbd->prepared), 1);
    ck_assert_ptr_nonnull(apr_hash_get(dbd->prepared, "et_t_fine", APR_HASH_KEY_STRING));
    ck_assert_int_ne(et_db_prepared(dbd, &refused_statements[1], &st), 0);
    ck_assert_ptr_null(st);
    et_fixture_close();
}
END_TEST

/* What mod_dbd's eager preparation checked at every start: every statement
 * the module ships prepares on its database (SQLite here; build/test fails
 * a PostgreSQL or MariaDB suite whose error log names one) */
START_TEST(every_shipped_statement_prepares_on_sqlite)
{
    const et_stmt **tables = apr_pcalloc(pool, 64 * sizeof(*tables));
    const et_group *const *g;
    ap_dbd_t *dbd;
    int n = 0;
    for (g = et_groups; *g; g++)
        if ((*g)->statements) {
            ck_assert_int_lt(n, 63);
            tables[n++] = (*g)->statements;
        }
    et_fixture_open(pool, tables);
    dbd = et_fixture_dbd();
    ck_assert_int_eq(et_db_prepare_all(dbd, tables, et_fixture_request(pool)->server), 0);
    ck_assert_uint_gt(apr_hash_count(dbd->prepared), 100);
    et_fixture_close();
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

    tc = tcase_create("statements");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, placeholders_in_order);
    tcase_add_test(tc, percent_signs_that_are_not_placeholders);
    tcase_add_test(tc, placeholders_the_binder_cannot_bind);
    tcase_add_test(tc, too_many_placeholders);
    tcase_add_test(tc, declaration_matches);
    tcase_add_test(tc, mismatch_names_the_statement);
    tcase_add_test(tc, shipped_statements_are_declared_right);
    tcase_add_test(tc, registration_stops_the_start);
    suite_add_tcase(s, tc);

    tc = tcase_create("prepared as they first run");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, prepared_when_first_run_then_kept);
    tcase_add_test(tc, prepared_again_forgets_the_others);
    tcase_add_test(tc, refused_statements_are_counted_and_not_kept);
    tcase_add_test(tc, every_shipped_statement_prepares_on_sqlite);
    suite_add_tcase(s, tc);

    tc = tcase_create("sqlite threading");
    tcase_add_test(tc, sqlite_connections_without_their_own_mutex);
    tcase_add_test(tc, sqlite_default_is_serialized);
    suite_add_tcase(s, tc);
    return s;
}

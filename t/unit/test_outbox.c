/*
 * test_outbox.c: the outbox on a real SQLite database (sqlite_fixture.c):
 * a queued delivery exists after its transaction commits and not after it
 * rolls back; unknown kinds are bugs; a kind the server cannot deliver
 * queues nothing.
 */
#include "suites.h"
#include "sqlite_fixture.h"
#include "infra/outbox.h"

static apr_pool_t *pool;
static server_rec *server;
static int test_ready = 1;

static et_send_result deliver_nothing(server_rec *s, apr_pool_t *p, et_outbox_db *db,
                                      const char *payload)
{
    (void)s;
    (void)p;
    (void)db;
    (void)payload;
    return ET_SEND_DONE;
}

static int ready_when_told(server_rec *s)
{
    (void)s;
    return test_ready;
}

static void setup(void)
{
    static const et_stmt *const tables[] = {et_outbox_statements, NULL};
    apr_pool_create(&pool, NULL);
    server = et_fixture_open(pool, tables);
    et_outbox_register("unit", deliver_nothing);
    et_outbox_register_ready("unit", ready_when_told);
    test_ready = 1;
}

static void teardown(void)
{
    et_fixture_close();
    apr_pool_destroy(pool);
}

static apr_int64_t queued(void)
{
    return et_fixture_number("SELECT COUNT(*) FROM outbox WHERE kind = 'unit'");
}

START_TEST(put_commits_with_the_transaction)
{
    request_rec *r = et_fixture_request(pool);
    ck_assert_int_eq(et_db_begin(r), APR_SUCCESS);
    ck_assert_int_eq(et_outbox_put(r, "unit", "{\"to\": \"학생@example.ac.kr\"}"), ET_DB_OK);
    ck_assert_int_eq(et_db_commit(r), APR_SUCCESS);
    ck_assert_int_eq(queued(), 1);
    ck_assert_int_eq(et_fixture_number("SELECT COUNT(*) FROM outbox WHERE kind = 'unit' AND "
                                       "payload = '{\"to\": \"학생@example.ac.kr\"}' AND "
                                       "attempts = 0 AND claimed_by IS NULL AND "
                                       "next_attempt_at <= updated_at"),
                     1);
}
END_TEST

START_TEST(put_rolls_back_with_the_transaction)
{
    request_rec *r = et_fixture_request(pool);
    ck_assert_int_eq(et_db_begin(r), APR_SUCCESS);
    ck_assert_int_eq(et_outbox_put(r, "unit", "{}"), ET_DB_OK);
    et_db_rollback(r);
    ck_assert_int_eq(queued(), 0);
}
END_TEST

START_TEST(put_of_an_unknown_kind_is_a_bug)
{
    request_rec *r = et_fixture_request(pool);
    ck_assert_int_eq(et_outbox_put(r, "carrier-pigeon", "{}"), ET_DB_BUG);
    ck_assert_int_eq(et_outbox_put(r, NULL, "{}"), ET_DB_BUG);
    ck_assert_int_eq(et_fixture_number("SELECT COUNT(*) FROM outbox"), 0);
}
END_TEST

START_TEST(put_of_a_kind_not_configured_queues_nothing)
{
    request_rec *r = et_fixture_request(pool);
    test_ready = 0;
    ck_assert_int_eq(et_db_begin(r), APR_SUCCESS);
    ck_assert_int_eq(et_outbox_put(r, "unit", "{}"), ET_DB_OK);
    ck_assert_int_eq(et_db_commit(r), APR_SUCCESS);
    ck_assert_int_eq(queued(), 0);
}
END_TEST

Suite *outbox_suite(void)
{
    Suite *s = suite_create("outbox");
    TCase *tc = tcase_create("put");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, put_commits_with_the_transaction);
    tcase_add_test(tc, put_rolls_back_with_the_transaction);
    tcase_add_test(tc, put_of_an_unknown_kind_is_a_bug);
    tcase_add_test(tc, put_of_a_kind_not_configured_queues_nothing);
    suite_add_tcase(s, tc);
    return s;
}

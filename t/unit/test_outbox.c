/*
 * test_outbox.c: the outbox on a real SQLite database (sqlite_fixture.c):
 * a queued delivery exists after its transaction commits and not after it
 * rolls back; unknown kinds are bugs; a kind the server cannot deliver
 * queues nothing; the drain's pass: claims, deliveries, retries with
 * back-off, drops after the last attempt (logged by kind and id, never the
 * payload), claims of others left alone until they lapse.
 */
#include "suites.h"
#include "sqlite_fixture.h"
#include "infra/outbox.h"
#include "infra/outbox_drain.h"
#include "core/config.h"
#include "stubs.h"

#include <string.h>

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

/* --- the drain --------------------------------------------------------------- */

static et_send_result next_result;
static int delivered;
static const char *last_payload;

static et_send_result scripted(server_rec *s, apr_pool_t *p, et_outbox_db *db, const char *payload)
{
    (void)s;
    delivered++;
    last_payload = apr_pstrdup(pool, payload);
    if (next_result != ET_SEND_DONE)
        et_outbox_note(db, apr_psprintf(p, "status %d", 503));
    if (next_result == ET_SEND_RETRY && !strcmp(payload, "{\"devices\": [1, 2]}"))
        et_outbox_retry_with(db, "{\"devices\": [2]}");
    return next_result;
}

static void drain_setup(void)
{
    et_outbox_conf *o;
    setup();
    et_outbox_register("unit", scripted);
    o = &et_conf(server)->outbox;
    o->enabled = 1;
    o->max_attempts = 3;
    o->backoff_base = 10;
    o->backoff_max = 25;
    o->lease = 300;
    next_result = ET_SEND_DONE;
    delivered = 0;
    last_payload = NULL;
    et_stub_log_reset();
}

static void queue(const char *payload)
{
    request_rec *r = et_fixture_request(pool);
    ck_assert_int_eq(et_outbox_put(r, "unit", payload), ET_DB_OK);
}

/* a column of the one row of the outbox */
static apr_int64_t col(const char *expr)
{
    return et_fixture_number(apr_pstrcat(pool, "SELECT ", expr, " FROM outbox", NULL));
}

/* makes every row due now */
static void due(void)
{
    ck_assert_int_eq(et_fixture_exec("UPDATE outbox SET next_attempt_at = 0"), 0);
}

START_TEST(drain_delivers_and_deletes)
{
    queue("{\"n\": 1}");
    queue("{\"n\": 2}");
    ck_assert_int_eq(et_outbox_drain(server, pool), 2);
    ck_assert_int_eq(delivered, 2);
    ck_assert_str_eq(last_payload, "{\"n\": 2}");
    ck_assert_int_eq(queued(), 0);
    ck_assert_int_eq(et_fixture_open_connections(), 0);
    /* nothing left: a second pass hands nothing over */
    ck_assert_int_eq(et_outbox_drain(server, pool), 0);
    ck_assert_int_eq(delivered, 2);
}
END_TEST

START_TEST(drain_backs_off_then_drops)
{
    apr_int64_t before = (apr_int64_t)apr_time_now();
    queue("{\"secret\": \"payload-text\"}");
    next_result = ET_SEND_RETRY;
    ck_assert_int_eq(et_outbox_drain(server, pool), 1);
    ck_assert_int_eq(col("attempts"), 1);
    ck_assert_int_eq(col("claimed_by IS NULL AND claimed_until IS NULL"), 1);
    ck_assert_int_eq(col("last_error = 'status 503'"), 1);
    /* the first wait is the base, 10 s */
    ck_assert_int_ge(col("next_attempt_at"), before + apr_time_from_sec(10));
    ck_assert_int_le(col("next_attempt_at"), (apr_int64_t)apr_time_now() + apr_time_from_sec(10));
    /* not due yet: left alone */
    ck_assert_int_eq(et_outbox_drain(server, pool), 0);
    ck_assert_int_eq(delivered, 1);
    due();
    before = (apr_int64_t)apr_time_now();
    ck_assert_int_eq(et_outbox_drain(server, pool), 1);
    ck_assert_int_eq(col("attempts"), 2);
    ck_assert_int_ge(col("next_attempt_at"), before + apr_time_from_sec(20));
    due();
    ck_assert_int_eq(et_outbox_drain(server, pool), 1);
    /* the third and last attempt failed: dropped, logged by kind and id */
    ck_assert_int_eq(queued(), 0);
    ck_assert_int_eq(delivered, 3);
    ck_assert_ptr_nonnull(strstr(et_stub_log(), "outbox: unit 1 dropped: 3 attempts failed"));
    ck_assert_ptr_null(strstr(et_stub_log(), "payload-text"));
}
END_TEST

START_TEST(drain_retries_what_is_left_of_a_partial_delivery)
{
    queue("{\"devices\": [1, 2]}");
    next_result = ET_SEND_RETRY;
    ck_assert_int_eq(et_outbox_drain(server, pool), 1);
    ck_assert_int_eq(col("payload = '{\"devices\": [2]}'"), 1);
    due();
    next_result = ET_SEND_DONE;
    ck_assert_int_eq(et_outbox_drain(server, pool), 1);
    ck_assert_str_eq(last_payload, "{\"devices\": [2]}");
    ck_assert_int_eq(queued(), 0);
}
END_TEST

START_TEST(drain_drops_what_the_deliverer_refuses)
{
    queue("{}");
    next_result = ET_SEND_DROP;
    ck_assert_int_eq(et_outbox_drain(server, pool), 1);
    ck_assert_int_eq(queued(), 0);
    ck_assert_ptr_nonnull(strstr(et_stub_log(), "outbox: unit 1 dropped: refused"));
}
END_TEST

START_TEST(backoff_doubles_up_to_its_cap)
{
    et_outbox_conf o;
    o.backoff_base = 30;
    o.backoff_max = 3600;
    ck_assert_int_eq(et_outbox_backoff(&o, 1), 30);
    ck_assert_int_eq(et_outbox_backoff(&o, 2), 60);
    ck_assert_int_eq(et_outbox_backoff(&o, 5), 480);
    ck_assert_int_eq(et_outbox_backoff(&o, 8), 3600);
    ck_assert_int_eq(et_outbox_backoff(&o, 100), 3600);
}
END_TEST

START_TEST(drain_leaves_a_live_claim_and_takes_a_lapsed_one)
{
    char *sql;
    queue("{}");
    sql = apr_psprintf(pool,
                       "UPDATE outbox SET claimed_by = 'another-node', attempts = 1, "
                       "claimed_until = %" APR_INT64_T_FMT,
                       (apr_int64_t)apr_time_now() + apr_time_from_sec(60));
    ck_assert_int_eq(et_fixture_exec(sql), 0);
    ck_assert_int_eq(et_outbox_drain(server, pool), 0);
    ck_assert_int_eq(queued(), 1);
    /* its process died: the claim lapses, and the row is delivered here */
    sql = apr_psprintf(pool, "UPDATE outbox SET claimed_until = %" APR_INT64_T_FMT,
                       (apr_int64_t)apr_time_now() - 1);
    ck_assert_int_eq(et_fixture_exec(sql), 0);
    ck_assert_int_eq(et_outbox_drain(server, pool), 1);
    ck_assert_int_eq(queued(), 0);
}
END_TEST

START_TEST(drain_drops_a_row_whose_attempts_ran_out_in_a_dead_process)
{
    queue("{}");
    ck_assert_int_eq(et_fixture_exec("UPDATE outbox SET attempts = 3, claimed_by = 'dead', "
                                     "claimed_until = 1"),
                     0);
    ck_assert_int_eq(et_outbox_drain(server, pool), 1);
    ck_assert_int_eq(delivered, 0);
    ck_assert_int_eq(queued(), 0);
    ck_assert_ptr_nonnull(strstr(et_stub_log(), "outbox: unit 1 dropped: 3 attempts"));
}
END_TEST

START_TEST(drain_skips_a_kind_the_server_cannot_deliver)
{
    queue("{}");
    test_ready = 0;
    ck_assert_int_eq(et_outbox_drain(server, pool), 0);
    ck_assert_int_eq(queued(), 1);
    ck_assert_int_eq(col("attempts"), 0);
}
END_TEST

START_TEST(drain_takes_more_than_one_batch)
{
    int i;
    for (i = 0; i < 40; i++)
        queue(apr_psprintf(pool, "{\"n\": %d}", i));
    ck_assert_int_eq(et_outbox_drain(server, pool), 40);
    ck_assert_int_eq(delivered, 40);
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
    tc = tcase_create("drain");
    tcase_add_checked_fixture(tc, drain_setup, teardown);
    tcase_set_timeout(tc, 20); /* real SQLite writes on a shared machine */
    tcase_add_test(tc, drain_delivers_and_deletes);
    tcase_add_test(tc, drain_backs_off_then_drops);
    tcase_add_test(tc, drain_retries_what_is_left_of_a_partial_delivery);
    tcase_add_test(tc, drain_drops_what_the_deliverer_refuses);
    tcase_add_test(tc, backoff_doubles_up_to_its_cap);
    tcase_add_test(tc, drain_leaves_a_live_claim_and_takes_a_lapsed_one);
    tcase_add_test(tc, drain_drops_a_row_whose_attempts_ran_out_in_a_dead_process);
    tcase_add_test(tc, drain_skips_a_kind_the_server_cannot_deliver);
    tcase_add_test(tc, drain_takes_more_than_one_batch);
    suite_add_tcase(s, tc);
    return s;
}

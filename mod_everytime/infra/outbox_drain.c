/*
 * outbox_drain.c: the drain thread. It never touches a request: requests
 * only insert rows (and ring the bell), so a slow or dead provider costs
 * this thread its time and nothing else. Rows are claimed before they are
 * sent and the claim lapses (EverytimeOutboxLease), so a process that dies
 * mid-send loses nothing and two processes, vhosts or nodes sharing the
 * database never send one row twice.
 */
#include "infra/outbox_drain.h"
#include "infra/child_thread.h"
#include "infra/outbox.h"
#include "infra/outbox_bell.h"

#include <apr_atomic.h>
#include <apr_general.h>
#include <apr_thread_proc.h>
#include <unistd.h>

/* rows claimed at once: small, so a claim's lease covers its sends */
#define ET_OUTBOX_BATCH 16

apr_int64_t et_outbox_backoff(const et_outbox_conf *o, int attempts)
{
    apr_int64_t wait = o->backoff_base;
    while (--attempts > 0 && wait < o->backoff_max)
        wait *= 2;
    return wait < o->backoff_max ? wait : o->backoff_max;
}

/* A token no other claim, in any process or node, will carry. */
static const char *claim_token(apr_pool_t *p)
{
    unsigned char b[8];
    if (apr_generate_random_bytes(b, sizeof(b)) != APR_SUCCESS)
        memset(b, 0, sizeof(b));
    return apr_psprintf(p, "%ld-%02x%02x%02x%02x%02x%02x%02x%02x-%" APR_TIME_T_FMT, (long)getpid(),
                        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], apr_time_now());
}

typedef struct {
    server_rec *s;
    const et_outbox_conf *o;
    et_outbox_db *db;
    apr_pool_t *p;
    const char *token;
} pass;

static void log_drop(pass *ps, const char *kind, apr_int64_t id, const char *why)
{
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, ps->s,
                 "outbox: %s %" APR_INT64_T_FMT " dropped: %s [%s]", kind, id, why, __func__);
}

/* What became of one claimed row, written back (if the claim is still ours). */
static void settle(pass *ps, const char *kind, apr_int64_t id, int attempts, et_send_result res)
{
    apr_int64_t now = (apr_int64_t)apr_time_now();
    const char *note = et_outbox_db_take_note(ps->db);
    const char *rest = et_outbox_db_take_rest(ps->db);
    if (res == ET_SEND_RETRY && attempts >= ps->o->max_attempts) {
        log_drop(ps, kind, id,
                 apr_psprintf(ps->p, "%d attempts failed%s%s", attempts, note ? ", the last: " : "",
                              note ? note : ""));
        res = ET_SEND_DROP;
    } else if (res == ET_SEND_DROP) {
        log_drop(ps, kind, id,
                 apr_psprintf(ps->p, "refused by its deliverer%s%s", note ? ": " : "",
                              note ? note : ""));
    }
    if (res != ET_SEND_RETRY) {
        et_outbox_db_exec(ps->db, "et_outbox_done", NULL, id, ps->token);
        return;
    }
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, ps->s,
                 "outbox: %s %" APR_INT64_T_FMT " attempt %d failed%s%s; next in %" APR_INT64_T_FMT
                 " s [%s]",
                 kind, id, attempts, note ? ": " : "", note ? note : "",
                 et_outbox_backoff(ps->o, attempts), __func__);
    et_outbox_db_exec(ps->db, "et_outbox_retry", NULL,
                      now + apr_time_from_sec(et_outbox_backoff(ps->o, attempts)),
                      note ? note : "failed", rest, now, id, ps->token);
}

/* One row: to its deliverer, unless the process is stopping (then it goes
 * back as it was) or it ran out of attempts in a process that died. */
static void deliver_row(pass *ps, const char *kind, apr_int64_t id, const char *payload,
                        int attempts)
{
    et_outbox_deliver_fn fn = et_outbox_deliverer(kind);
    apr_pool_t *item;
    et_send_result res;
    if (et_outbox_bell_stopping()) {
        et_outbox_db_exec(ps->db, "et_outbox_release", NULL, id, ps->token);
        return;
    }
    if (attempts > ps->o->max_attempts) {
        log_drop(ps, kind, id, apr_psprintf(ps->p, "%d attempts", attempts - 1));
        et_outbox_db_exec(ps->db, "et_outbox_done", NULL, id, ps->token);
        return;
    }
    apr_pool_create(&item, ps->p);
    et_outbox_db_take_note(ps->db);
    et_outbox_db_take_rest(ps->db);
    res = fn ? fn(ps->s, item, ps->db, payload) : ET_SEND_RETRY;
    settle(ps, kind, id, attempts, res);
    apr_pool_destroy(item);
}

/* Claims one batch of kind and delivers it; the number claimed (-1 when the
 * claim failed). */
static int drain_batch(pass *ps, const char *kind)
{
    apr_int64_t now = (apr_int64_t)apr_time_now();
    int claimed = 0, i;
    et_rows *rows;
    if (et_outbox_db_select(ps->db, "et_outbox_due", &rows, kind, now, now) != ET_DB_OK)
        return -1;
    if (!rows->nrows)
        return 0; /* nothing due: no write at all */
    ps->token = claim_token(ps->p);
    if (et_outbox_db_exec(ps->db, "et_outbox_claim", &claimed, ps->token,
                          now + apr_time_from_sec(ps->o->lease), now, now, now, kind, now, now,
                          (apr_int64_t)ET_OUTBOX_BATCH) != ET_DB_OK)
        return -1;
    if (!claimed)
        return 0;
    if (et_outbox_db_select(ps->db, "et_outbox_claimed", &rows, ps->token) != ET_DB_OK)
        return -1; /* the claim lapses; the rows go out later */
    for (i = 0; i < rows->nrows; i++)
        deliver_row(ps, ET_CELL(rows, i, 1), et_cell_i64(ET_CELL(rows, i, 0)), ET_CELL(rows, i, 2),
                    (int)et_cell_i64(ET_CELL(rows, i, 3)));
    return claimed;
}

/* Is the database at the schema with the outbox? Once known good, per
 * process; the answer is the one the requests read (schema_state). */
static int schema_ready(pass *ps)
{
    et_srv_conf *c = et_conf(ps->s);
    et_rows *rows;
    if (apr_atomic_read32(&c->schema_state) == ET_SCHEMA_GOOD)
        return 1;
    if (et_outbox_db_select(ps->db, "et_outbox_schema", &rows) != ET_DB_OK || rows->nrows != 1 ||
        et_cell_i64(ET_CELL(rows, 0, 0)) < ET_SCHEMA_VERSION)
        return 0;
    apr_atomic_set32(&c->schema_state, ET_SCHEMA_GOOD);
    return 1;
}

int et_outbox_drain(server_rec *s, apr_pool_t *p)
{
    const char *const *kinds;
    int nkinds = et_outbox_kinds(&kinds), i, n, handed = 0;
    pass ps = {s, &et_conf(s)->outbox, NULL, p, NULL};
    if (!(ps.db = et_outbox_db_open(s, p)))
        return -1;
    if (schema_ready(&ps))
        for (i = 0; i < nkinds; i++) {
            if (!et_outbox_ready(s, kinds[i]))
                continue;
            do {
                n = drain_batch(&ps, kinds[i]);
                handed += n > 0 ? n : 0;
            } while (n == ET_OUTBOX_BATCH && !et_outbox_bell_stopping());
        }
    et_outbox_db_close(ps.db);
    return handed;
}

/* --- the thread ------------------------------------------------------------ */

typedef struct {
    apr_array_header_t *servers; /* server_rec *: the ones drained here */
    apr_interval_time_t interval;
} drain_state;

static void *APR_THREAD_FUNC drain_thread(apr_thread_t *t, void *data)
{
    drain_state *st = data;
    apr_pool_t *p;
    int i;
    apr_pool_create(&p, apr_thread_pool_get(t));
    do {
        for (i = 0; i < st->servers->nelts && !et_outbox_bell_stopping(); i++) {
            apr_pool_clear(p);
            et_outbox_drain(APR_ARRAY_IDX(st->servers, i, server_rec *), p);
        }
    } while (!et_outbox_bell_wait(st->interval));
    apr_pool_destroy(p);
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

/* When the child ends: the thread ends after the delivery in progress,
 * which the provider timeouts bound. */
static void stop_thread(void *data)
{
    (void)data;
    et_outbox_bell_stop();
}

/* The main server, and each vhost that says EverytimeOutbox itself: the
 * other vhosts share the main server's database and drain. */
static drain_state *servers_to_drain(apr_pool_t *p, server_rec *s)
{
    drain_state *st = apr_pcalloc(p, sizeof(*st));
    server_rec *v;
    st->servers = apr_array_make(p, 2, sizeof(server_rec *));
    for (v = s; v; v = v->next) {
        et_srv_conf *c = et_conf(v);
        if (!c->configured || !c->outbox.enabled || (v != s && !c->outbox.own))
            continue;
        APR_ARRAY_PUSH(st->servers, server_rec *) = v;
        if (!st->interval || apr_time_from_sec(c->outbox.interval) < st->interval)
            st->interval = apr_time_from_sec(c->outbox.interval);
    }
    return st;
}

void et_outbox_child_init(apr_pool_t *pchild, server_rec *s)
{
    drain_state *st = servers_to_drain(pchild, s);
    apr_status_t rv;
    if (!st->servers->nelts)
        return;
    if ((rv = et_outbox_bell_init(pchild)) == APR_SUCCESS)
        rv = et_child_thread_start(pchild, drain_thread, st, stop_thread);
    if (rv != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     "outbox: no drain thread; deliveries wait for another process [%s]", __func__);
}

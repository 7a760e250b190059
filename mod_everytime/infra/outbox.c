/*
 * outbox.c: queuing a delivery (et_outbox_put) and the registry of the
 * deliverers by kind. The registry is written only while httpd runs one
 * thread (register_hooks, before any child exists) and read after, so a
 * plain static needs no lock.
 */
#include "infra/outbox.h"
#include "infra/outbox_bell.h"

#define ET_OUTBOX_KINDS 8

typedef struct {
    const char *kind;
    et_outbox_deliver_fn deliver;
    et_outbox_ready_fn ready;
} registered;

static registered kinds[ET_OUTBOX_KINDS];
static const char *kind_names[ET_OUTBOX_KINDS];
static int nkinds;

/* The entry of kind; a new one when add is set and there is room. */
static registered *entry(const char *kind, int add)
{
    int i;
    for (i = 0; i < nkinds; i++)
        if (!strcmp(kinds[i].kind, kind))
            return &kinds[i];
    if (!add || nkinds == ET_OUTBOX_KINDS)
        return NULL;
    kinds[nkinds].kind = kind_names[nkinds] = kind;
    return &kinds[nkinds++];
}

void et_outbox_register(const char *kind, et_outbox_deliver_fn fn)
{
    registered *e = entry(kind, 1);
    if (e)
        e->deliver = fn;
}

void et_outbox_register_ready(const char *kind, et_outbox_ready_fn fn)
{
    registered *e = entry(kind, 1);
    if (e)
        e->ready = fn;
}

et_outbox_deliver_fn et_outbox_deliverer(const char *kind)
{
    registered *e = entry(kind, 0);
    return e ? e->deliver : NULL;
}

int et_outbox_ready(server_rec *s, const char *kind)
{
    registered *e = entry(kind, 0);
    return e && e->deliver && (!e->ready || e->ready(s));
}

int et_outbox_kinds(const char *const **out)
{
    *out = kind_names;
    return nkinds;
}

/* After the commit: the row is visible, this process's drain may take it. */
static void ring(request_rec *r, void *unused)
{
    (void)r;
    (void)unused;
    et_outbox_bell_ring();
}

et_db_outcome et_outbox_put(request_rec *r, const char *kind, const char *payload_json)
{
    apr_int64_t now = (apr_int64_t)apr_time_now();
    et_db_outcome o;
    if (!kind || !payload_json || !et_outbox_deliverer(kind)) {
        ET_LOG(r, APLOG_ERR, 0, "outbox: no deliverer for kind %s (a bug)", kind ? kind : "(null)");
        return ET_DB_BUG;
    }
    if (!et_outbox_ready(r->server, kind)) {
        ET_LOG(r, APLOG_DEBUG, 0, "outbox: %s is not configured here; nothing queued", kind);
        return ET_DB_OK;
    }
    o = et_db_exec(r, "et_outbox_put", NULL, kind, payload_json, now, now, now);
    if (o == ET_DB_OK)
        et_db_after_commit(r, ring, NULL);
    return o;
}

/* The claim: one UPDATE takes up to a batch of due rows of a kind that no
 * live claim holds, and marks them with a token no other claim uses; the
 * claimer then reads back the rows that carry its token. The outer WHERE
 * repeats the conditions, so a row another claimer took meanwhile is left
 * alone on every database: PostgreSQL re-reads a row it waited for against
 * the WHERE (and SKIP LOCKED passes over rows being claimed), MariaDB's
 * UPDATE reads the newest version of each row, SQLite has one writer.
 * attempts counts the claim, so a row that kills its process each time
 * still runs out of attempts. */
#define CLAIM_SET                                                                        \
    "UPDATE outbox SET claimed_by = %s, claimed_until = %lld, attempts = attempts + 1, " \
    "updated_at = %lld WHERE next_attempt_at <= %lld "                                   \
    "AND (claimed_until IS NULL OR claimed_until < %lld) "
#define CLAIM_DUE                                                                          \
    "kind = %s AND next_attempt_at <= %lld AND (claimed_until IS NULL OR claimed_until < " \
    "%lld) "

const et_stmt et_outbox_statements[] = {
    {"et_outbox_put", "sslll", 0,
     "INSERT INTO outbox (kind, payload, attempts, next_attempt_at, created_at, updated_at) "
     "VALUES (%s, %s, 0, %lld, %lld, %lld)",
     NULL, NULL},
    {"et_outbox_claim", "sllllslll", 0,
     CLAIM_SET "AND id IN (SELECT id FROM outbox WHERE " CLAIM_DUE
               "ORDER BY next_attempt_at, id LIMIT %lld)",
     CLAIM_SET "AND id IN (SELECT id FROM outbox WHERE " CLAIM_DUE
               "ORDER BY next_attempt_at, id LIMIT %lld FOR UPDATE SKIP LOCKED)",
     /* MariaDB refuses a subquery on the table it updates, and has UPDATE ... LIMIT */
     CLAIM_SET "AND " CLAIM_DUE "ORDER BY next_attempt_at, id LIMIT %lld"},
    /* a read first: SQLite's UPDATE takes the write lock even when it matches
     * nothing, and an empty outbox is the common case */
    {"et_outbox_due", "sll", 1,
     "SELECT id FROM outbox WHERE " CLAIM_DUE "ORDER BY next_attempt_at LIMIT 1", NULL, NULL},
    {"et_outbox_claimed", "s", 4,
     "SELECT id, kind, payload, attempts FROM outbox WHERE claimed_by = %s ORDER BY id", NULL,
     NULL},
    /* sent, or refused for good: gone, if the claim is still ours */
    {"et_outbox_done", "ls", 0, "DELETE FROM outbox WHERE id = %lld AND claimed_by = %s", NULL,
     NULL},
    /* payload: what is left to send (a push that reached some devices), or NULL */
    {"et_outbox_retry", "lsslls", 0,
     "UPDATE outbox SET next_attempt_at = %lld, last_error = %s, "
     "payload = COALESCE(%s, payload), claimed_by = NULL, "
     "claimed_until = NULL, updated_at = %lld WHERE id = %lld AND claimed_by = %s",
     NULL, NULL},
    /* claimed but not tried (the process is stopping): as it was */
    {"et_outbox_release", "ls", 0,
     "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL, attempts = attempts - 1 "
     "WHERE id = %lld AND claimed_by = %s",
     NULL, NULL},
    {"et_outbox_schema", "", 1, "SELECT MAX(version) FROM schema_version", NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

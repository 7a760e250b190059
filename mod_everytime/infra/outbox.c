/*
 * outbox.c: queuing a delivery (et_outbox_put) and the registry of the
 * deliverers by kind. The registry is written only while httpd runs one
 * thread (register_hooks, before any child exists) and read after, so a
 * plain static needs no lock.
 */
#include "infra/outbox.h"

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

et_db_outcome et_outbox_put(request_rec *r, const char *kind, const char *payload_json)
{
    apr_int64_t now = (apr_int64_t)apr_time_now();
    if (!kind || !payload_json || !et_outbox_deliverer(kind)) {
        ET_LOG(r, APLOG_ERR, 0, "outbox: no deliverer for kind %s (a bug)", kind ? kind : "(null)");
        return ET_DB_BUG;
    }
    if (!et_outbox_ready(r->server, kind)) {
        ET_LOG(r, APLOG_DEBUG, 0, "outbox: %s is not configured here; nothing queued", kind);
        return ET_DB_OK;
    }
    return et_db_exec(r, "et_outbox_put", NULL, kind, payload_json, now, now, now);
}

const et_stmt et_outbox_statements[] = {
    {"et_outbox_put", "sslll", 0,
     "INSERT INTO outbox (kind, payload, attempts, next_attempt_at, created_at, updated_at) "
     "VALUES (%s, %s, 0, %lld, %lld, %lld)",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

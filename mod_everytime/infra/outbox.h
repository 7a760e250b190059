/*
 * outbox.h: deliveries made outside the request that caused them (a push, a
 * mail). A request puts one row into the outbox table inside its own
 * transaction, so the delivery exists exactly when the event does; a drain
 * thread in every child process (outbox_drain.c) claims due rows, hands each
 * to the deliverer registered for its kind, and deletes it once it is done,
 * or tries again later with back-off. The request never waits for a
 * delivery, and a delivery that fails never fails the request.
 */
#ifndef ET_OUTBOX_H
#define ET_OUTBOX_H

#include "everytime.h"
#include "infra/db.h"

/* A database connection outside any request (the drain thread's). */
typedef struct et_outbox_db et_outbox_db;

/* Queues one delivery inside the caller's current transaction (et_db_begin/
   et_db_transaction): it commits or rolls back with the event that caused it.
   payload_json is the deliverer's JSON, UTF-8; it is never logged. A kind no
   deliverer is registered for is a bug (ET_DB_BUG, logged); a kind this
   server cannot deliver (its ready check says no: push without
   EverytimeFCMCredentials) queues nothing and answers ET_DB_OK, as there is
   nobody to send it. Once the transaction commits, this process's drain
   thread is woken, so a delivery does not wait for the next poll. */
et_db_outcome et_outbox_put(request_rec *r, const char *kind, const char *payload_json);

typedef enum {
    ET_SEND_DONE,  /* delivered: the row is deleted */
    ET_SEND_RETRY, /* not now (the provider is down, busy): tried again later */
    ET_SEND_DROP   /* never (the payload or the recipient is refused): deleted */
} et_send_result;

/* A deliverer sends one queued item; it runs outside any request, in the
   drain thread of a child process. db is a connection for its own statements. */
typedef et_send_result (*et_outbox_deliver_fn)(server_rec *s, apr_pool_t *p, et_outbox_db *db,
                                               const char *payload_json);

/* At configuration time (called from mod_everytime.c's composition). */
void et_outbox_register(const char *kind, et_outbox_deliver_fn fn);

/* Optional, at the same time: whether server s has what delivering kind
   needs (its directives). A server that has not neither queues nor claims
   that kind; a kind without a ready check is always ready. */
typedef int (*et_outbox_ready_fn)(server_rec *s);
void et_outbox_register_ready(const char *kind, et_outbox_ready_fn fn);

/* The deliverer of kind, or NULL; whether s can deliver kind. */
et_outbox_deliver_fn et_outbox_deliverer(const char *kind);
int et_outbox_ready(server_rec *s, const char *kind);

/* The registered kinds, for the drain: kinds[0..n-1]. */
int et_outbox_kinds(const char *const **kinds);

/* A deliverer's own statements, on db: as et_db_exec and et_db_select (the
   same statement tables, the same declared arguments), outside a request.
   Failures are logged with the label and answered as outcomes. */
et_db_outcome et_outbox_db_exec(et_outbox_db *db, const char *label, int *nrows, ...);
et_db_outcome et_outbox_db_select(et_outbox_db *db, const char *label, et_rows **out, ...);

/* A deliverer's word on why an item failed, kept as the row's last_error
   (at most 250 bytes; never a token, a payload or an address); and the
   drain's reading of it, which clears it. */
void et_outbox_note(et_outbox_db *db, const char *why);
const char *et_outbox_db_take_note(et_outbox_db *db);

/* With ET_SEND_RETRY: the payload the next attempt gets instead (what is
   left of an item that was partly delivered, so no part is sent twice); and
   the drain's reading of it. */
void et_outbox_retry_with(et_outbox_db *db, const char *payload_json);
const char *et_outbox_db_take_rest(et_outbox_db *db);

/* The drain's connection: from mod_dbd's pool for server s, or NULL (logged)
   when none can be had now; closed gives it back. p is the pool its work
   allocates from. */
et_outbox_db *et_outbox_db_open(server_rec *s, apr_pool_t *p);
void et_outbox_db_close(et_outbox_db *db);
server_rec *et_outbox_db_server(et_outbox_db *db);

/* The outbox's own statements, listed with the groups' (api/groups.c). */
extern const et_stmt et_outbox_statements[];

#endif

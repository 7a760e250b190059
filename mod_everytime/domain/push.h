/*
 * push.h: the outbox's "push" deliverer, FCM HTTP v1. A notification is
 * queued as et_outbox_put(r, ET_PUSH_KIND, payload) with the payload
 *   {"user_id": "<uuid>", "title": "…", "body": "…",
 *    "data": {"kind": "comment", "post": "12", …}}   (data: string values)
 * and sent, from the drain thread, to every device of that user
 * (fcm_tokens), one messages:send each.
 */
#ifndef ET_PUSH_H
#define ET_PUSH_H

#include "core/group.h"
#include "infra/outbox.h"

#define ET_PUSH_KIND "push"

/* Its statements (fcm_tokens). */
extern const et_group et_domain_push;

/* The deliverer: DONE when every device was sent to (or is gone: FCM's
 * UNREGISTERED removes the device), RETRY on a network error, 429, 401 or
 * 5xx (the next attempt only goes to the devices not reached yet), DROP for
 * a payload that is not the shape above or a message FCM refuses (400). */
et_send_result et_push_deliver(server_rec *s, apr_pool_t *p, et_outbox_db *db,
                               const char *payload_json);

/* Whether s pushes: EverytimeFCMCredentials is set. */
int et_push_ready(server_rec *s);

#endif

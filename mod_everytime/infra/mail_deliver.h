/*
 * mail_deliver.h: the outbox's deliverer of kind "mail": a queued
 * {"to", "subject", "body"} composed (infra/mail.c) and sent over SMTP
 * (infra/smtp.c) by the drain thread, with the main server's mail directives.
 */
#ifndef ET_MAIL_DELIVER_H
#define ET_MAIL_DELIVER_H

#include "infra/outbox.h"

/* The outbox kind of a mail. */
#define ET_MAIL_KIND "mail"

/* ET_SEND_DONE once the server took it, ET_SEND_RETRY while it cannot be
 * reached or answers 4xx, ET_SEND_DROP for a payload that is no mail or a
 * mail the server refuses (5xx). */
et_send_result et_mail_deliver(server_rec *s, apr_pool_t *p, et_outbox_db *db,
                               const char *payload_json);

/* Whether server s sends mail (EverytimeSMTPURL is set). */
int et_mail_ready(server_rec *s);

#endif

/*
 * mailer.h: the mails the API sends (school verification codes, password
 * reset tokens), queued in the outbox inside the caller's transaction and
 * delivered over SMTP afterwards (infra/mail_deliver.c): a request never
 * waits for a mail server.
 */
#ifndef ET_MAILER_H
#define ET_MAILER_H

#include "core/request.h"
#include "infra/db.h"
#include "infra/mail_deliver.h" /* ET_MAIL_KIND */

/* 1 when this server sends mail (EverytimeSMTPURL is set). */
int et_mail_enabled(request_rec *r);

/* Queues one mail inside the request's open transaction. */
et_db_outcome et_mail_queue(request_rec *r, const char *to, const char *subject, const char *body);

#endif

/*
 * smtp.h: one message to one recipient over SMTP with libcurl, as the mail
 * directives say (smtp:// with or without STARTTLS, smtps://, AUTH, a CA
 * file), bounded by EverytimeSMTPTimeout. Called from outside requests (the
 * outbox's drain thread): it may wait that long.
 */
#ifndef ET_SMTP_H
#define ET_SMTP_H

#include "core/config.h"

typedef enum {
    ET_SMTP_SENT,
    ET_SMTP_TRY_AGAIN, /* unreachable, timed out, 4xx: the same mail may pass later */
    ET_SMTP_REFUSED    /* 5xx: the server will not take this mail, ever */
} et_smtp_result;

/* Sends message (RFC 5322 text with CRLF line ends, infra/mail.h) from
 * c->from to the address to. Logs a failure on s with the server's answer,
 * never the message or credentials. */
et_smtp_result et_smtp_send(server_rec *s, apr_pool_t *p, const et_mail_conf *c, const char *to,
                            const char *message);

#endif

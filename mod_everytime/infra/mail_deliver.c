/*
 * mail_deliver.c: from an outbox row to an SMTP transaction. The payload
 * is ours (domain/mailer.c), but it is checked all the same: a row that is
 * not a mail is dropped, never retried for ever.
 */
#include "infra/mail_deliver.h"
#include "infra/mail.h"
#include "infra/smtp.h"

#include <jansson.h>

int et_mail_ready(server_rec *s)
{
    return et_conf(s)->mail.smtp_url != NULL;
}

static const char *field(apr_pool_t *p, json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? apr_pstrdup(p, v) : NULL;
}

et_send_result et_mail_deliver(server_rec *s, apr_pool_t *p, et_outbox_db *db,
                               const char *payload_json)
{
    const et_mail_conf *c = &et_conf(s)->mail;
    json_t *o = json_loads(payload_json, 0, NULL);
    et_mail_msg m = {c->from, c->from_name, NULL, NULL, NULL};
    const char *text;
    (void)db;
    if (o) {
        m.to = field(p, o, "to");
        m.subject = field(p, o, "subject");
        m.body = field(p, o, "body");
        json_decref(o);
    }
    if (!(text = et_mail_compose(p, &m, apr_time_now()))) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "outbox: a mail that cannot be composed (recipient or text), dropped [%s]",
                     __func__);
        return ET_SEND_DROP;
    }
    switch (et_smtp_send(s, p, c, m.to, text)) {
    case ET_SMTP_SENT:
        return ET_SEND_DONE;
    case ET_SMTP_REFUSED:
        return ET_SEND_DROP;
    default:
        return ET_SEND_RETRY;
    }
}

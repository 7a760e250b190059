/*
 * mailer.c: a mail becomes an outbox row of the request's transaction
 * ({"to", "subject", "body"}), so it is sent exactly when what it tells of
 * (a code, a token) was committed.
 */
#include "domain/mailer.h"
#include "infra/json.h"
#include "infra/outbox.h"

int et_mail_enabled(request_rec *r)
{
    return et_conf(r->server)->mail.smtp_url != NULL;
}

et_db_outcome et_mail_queue(request_rec *r, const char *to, const char *subject, const char *body)
{
    json_t *m = et_json_obj(r->pool);
    const char *text;
    et_json_set_str(r->pool, m, "to", to);
    et_json_set_str(r->pool, m, "subject", subject);
    et_json_set_str(r->pool, m, "body", body);
    if (!(text = et_json_text(r->pool, m)))
        return ET_DB_BUG;
    return et_outbox_put(r, ET_MAIL_KIND, text);
}

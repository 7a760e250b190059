/*
 * config_mail.c: the mail directives. Every value is checked when httpd
 * reads it, so a typo stops the start instead of losing mail at run time.
 */
#include "core/config_mail.h"
#include "infra/mail.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <http_config.h>

#define UNSET (-1)

static et_mail_conf *mail_conf(cmd_parms *cmd)
{
    return &et_conf(cmd->server)->mail;
}

/* No byte that could end a header line or an SMTP command. */
static int header_safe(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

const char *et_mail_set_url(cmd_parms *cmd, void *dc, const char *url, const char *tls)
{
    et_mail_conf *c = mail_conf(cmd);
    int smtps = !strncasecmp(url, "smtps://", 8);
    (void)dc;
    if ((!smtps && strncasecmp(url, "smtp://", 7)) || !header_safe(url) || !url[smtps ? 8 : 7] ||
        strchr(url, ' '))
        return apr_psprintf(cmd->pool, "%s: '%s' is not an smtp:// or smtps:// URL", cmd->cmd->name,
                            url);
    if (tls && strcasecmp(tls, "STARTTLS"))
        return apr_psprintf(cmd->pool, "%s: '%s' is not STARTTLS", cmd->cmd->name, tls);
    if (tls && smtps)
        return apr_psprintf(cmd->pool,
                            "%s: smtps:// is TLS from the start; STARTTLS is for smtp://",
                            cmd->cmd->name);
    c->smtp_url = url;
    c->starttls = tls != NULL;
    return NULL;
}

const char *et_mail_set_from(cmd_parms *cmd, void *dc, const char *addr, const char *name)
{
    et_mail_conf *c = mail_conf(cmd);
    (void)dc;
    if (!et_mail_address_ok(addr))
        return apr_psprintf(cmd->pool, "%s: '%s' is not a mail address", cmd->cmd->name, addr);
    if (name && (!*name || !header_safe(name)))
        return apr_psprintf(cmd->pool, "%s: the display name is empty or holds a control character",
                            cmd->cmd->name);
    c->from = addr;
    c->from_name = name;
    return NULL;
}

const char *et_mail_set_user(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    if (!*v || !header_safe(v))
        return apr_psprintf(cmd->pool, "%s: empty or holds a control character", cmd->cmd->name);
    mail_conf(cmd)->user = v;
    return NULL;
}

const char *et_mail_set_password(cmd_parms *cmd, void *dc, const char *v)
{
    et_mail_conf *c = mail_conf(cmd);
    const char *err = et_read_secret(cmd->pool, v, cmd->cmd->name, &c->password, &c->password_len);
    (void)dc;
    if (err)
        return err;
    /* a file's trailing newline is not part of the password */
    while (c->password_len &&
           (c->password[c->password_len - 1] == '\n' || c->password[c->password_len - 1] == '\r'))
        c->password_len--;
    if (!c->password_len || memchr(c->password, '\0', c->password_len))
        return apr_psprintf(cmd->pool, "%s: the password is empty or holds a NUL", cmd->cmd->name);
    c->password = (const unsigned char *)apr_pstrmemdup(cmd->pool, (const char *)c->password,
                                                        c->password_len);
    return NULL;
}

const char *et_mail_set_ca_file(cmd_parms *cmd, void *dc, const char *v)
{
    const char *path = ap_server_root_relative(cmd->pool, v);
    apr_finfo_t fi;
    (void)dc;
    if (!path || apr_stat(&fi, path, APR_FINFO_TYPE, cmd->pool) != APR_SUCCESS ||
        fi.filetype != APR_REG)
        return apr_psprintf(cmd->pool, "%s: '%s' is not a readable file", cmd->cmd->name, v);
    mail_conf(cmd)->ca_file = path;
    return NULL;
}

const char *et_mail_set_timeout(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    return et_conf_parse_count(cmd, v, 1, ET_MAX_SMTP_TIMEOUT, &mail_conf(cmd)->timeout);
}

#define MERGE_PTR(f) m->f = add->f ? add->f : base->f
#define MERGE_NUM(f) m->f = add->f != UNSET ? add->f : base->f

void et_mail_merge(et_mail_conf *m, const et_mail_conf *base, const et_mail_conf *add)
{
    MERGE_PTR(smtp_url);
    /* STARTTLS belongs to the URL it was given with */
    m->starttls = add->smtp_url ? add->starttls : base->starttls;
    MERGE_PTR(from);
    m->from_name = add->from ? add->from_name : base->from_name;
    MERGE_PTR(user);
    m->password_len = add->password ? add->password_len : base->password_len;
    MERGE_PTR(password);
    MERGE_PTR(ca_file);
    MERGE_NUM(timeout);
}

void et_mail_defaults(et_mail_conf *c)
{
    if (c->starttls == UNSET)
        c->starttls = 0;
    if (c->timeout == UNSET)
        c->timeout = ET_DEFAULT_SMTP_TIMEOUT;
}

const char *et_mail_finish(apr_pool_t *p, et_mail_conf *c)
{
    et_mail_defaults(c);
    if (c->smtp_url && !c->from)
        return apr_psprintf(p, "%s needs %s", ET_DIR_SMTP_URL, ET_DIR_MAIL_FROM);
    if (!c->user != !c->password)
        return apr_psprintf(p, "%s and %s must be set together", ET_DIR_SMTP_USER,
                            ET_DIR_SMTP_PASSWORD);
    return NULL;
}

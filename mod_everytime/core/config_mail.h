/*
 * config_mail.h: the mail directives (EverytimeSMTP*, EverytimeMailFrom):
 * their setters, merge and defaults, kept out of config.c, which lists them
 * in et_directives through ET_MAIL_DIRECTIVES.
 */
#ifndef ET_CONFIG_MAIL_H
#define ET_CONFIG_MAIL_H

#include "core/config.h"

#define ET_DEFAULT_SMTP_TIMEOUT 10 /* seconds */
#define ET_MAX_SMTP_TIMEOUT     300

const char *et_mail_set_url(cmd_parms *cmd, void *dc, const char *url, const char *tls);
const char *et_mail_set_from(cmd_parms *cmd, void *dc, const char *addr, const char *name);
const char *et_mail_set_user(cmd_parms *cmd, void *dc, const char *v);
const char *et_mail_set_password(cmd_parms *cmd, void *dc, const char *v);
const char *et_mail_set_ca_file(cmd_parms *cmd, void *dc, const char *v);
const char *et_mail_set_timeout(cmd_parms *cmd, void *dc, const char *v);

#define ET_MAIL_DIRECTIVES                                                                    \
    AP_INIT_TAKE12(ET_DIR_SMTP_URL, et_mail_set_url, NULL, RSRC_CONF,                         \
                   "SMTP server, smtp://host[:port] or smtps://host[:port], then STARTTLS "   \
                   "to require the upgrade on smtp:// (no mail without it)"),                 \
        AP_INIT_TAKE12(ET_DIR_MAIL_FROM, et_mail_set_from, NULL, RSRC_CONF,                   \
                       "sender address of the module's mail, then an optional display name"), \
        AP_INIT_TAKE1(ET_DIR_SMTP_USER, et_mail_set_user, NULL, RSRC_CONF,                    \
                      "user name for SMTP AUTH"),                                             \
        AP_INIT_TAKE1(ET_DIR_SMTP_PASSWORD, et_mail_set_password, NULL, RSRC_CONF,            \
                      "password for SMTP AUTH, literal or file:/path"),                       \
        AP_INIT_TAKE1(ET_DIR_SMTP_CA_FILE, et_mail_set_ca_file, NULL, RSRC_CONF,              \
                      "PEM file of the CAs that sign the SMTP server's certificate "          \
                      "(the system's store)"),                                                \
        AP_INIT_TAKE1(ET_DIR_SMTP_TIMEOUT, et_mail_set_timeout, NULL, RSRC_CONF,              \
                      "seconds one delivery to the SMTP server may take (10)")

/* Merge, and defaults after the merge; et_mail_finish checks that what is
 * set belongs together and answers NULL or the error. */
void et_mail_merge(et_mail_conf *m, const et_mail_conf *base, const et_mail_conf *add);
void et_mail_defaults(et_mail_conf *c);
const char *et_mail_finish(apr_pool_t *p, et_mail_conf *c);

#endif

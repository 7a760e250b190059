/*
 * config_outbox.h: the directives of the outbox's drain (EverytimeOutbox*)
 * and of the FCM deliverer (EverytimeFCM*), listed in et_directives
 * (config.c) through ET_OUTBOX_DIRECTIVES.
 */
#ifndef ET_CONFIG_OUTBOX_H
#define ET_CONFIG_OUTBOX_H

#include "core/config.h"

const char *et_set_outbox(cmd_parms *cmd, void *dc, int on);
const char *et_set_outbox_interval(cmd_parms *cmd, void *dc, const char *v);
const char *et_set_outbox_retry(cmd_parms *cmd, void *dc, const char *attempts, const char *base,
                                const char *max);
const char *et_set_outbox_lease(cmd_parms *cmd, void *dc, const char *v);
const char *et_set_fcm_credentials(cmd_parms *cmd, void *dc, const char *v);
const char *et_set_fcm_url(cmd_parms *cmd, void *dc, const char *v);

#define ET_OUTBOX_DIRECTIVES                                                                      \
    AP_INIT_FLAG(ET_DIR_OUTBOX, et_set_outbox, NULL, RSRC_CONF,                                   \
                 "each child process runs a thread that delivers the outbox (On)"),               \
        AP_INIT_TAKE1(ET_DIR_OUTBOX_INTERVAL, et_set_outbox_interval, NULL, RSRC_CONF,            \
                      "seconds between two looks at the outbox (5)"),                             \
        AP_INIT_TAKE3(ET_DIR_OUTBOX_RETRY, et_set_outbox_retry, NULL, RSRC_CONF,                  \
                      "attempts of a delivery, seconds before the second, and the longest wait "  \
                      "between two (8 30 3600)"),                                                 \
        AP_INIT_TAKE1(ET_DIR_OUTBOX_LEASE, et_set_outbox_lease, NULL, RSRC_CONF,                  \
                      "seconds a claimed delivery stays with its process before others may "      \
                      "take it (300)"),                                                           \
        AP_INIT_TAKE1(ET_DIR_FCM_CREDENTIALS, et_set_fcm_credentials, NULL, RSRC_CONF,            \
                      "the FCM service account's JSON key, file:/path (push is off without it)"), \
        AP_INIT_TAKE1(ET_DIR_FCM_URL, et_set_fcm_url, (void *)0, RSRC_CONF,                       \
                      "the base URL of FCM's messages:send (" ET_DEFAULT_FCM_URL ")"),            \
        AP_INIT_TAKE1(ET_DIR_FCM_TOKEN_URL, et_set_fcm_url, (void *)1, RSRC_CONF,                 \
                      "where the service account's assertion is exchanged for an access token "   \
                      "(the credentials' token_uri)")

#endif

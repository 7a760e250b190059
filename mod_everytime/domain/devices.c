/*
 * devices.c: registering a device's FCM token for a user.
 */
#include "domain/devices.h"

static const et_stmt statements[] = {
    /* a device's token moves to whoever registers it; a registration that
     * names no platform (a social login's) keeps the one known */
    {"et_dev_upsert", "sssl", 0,
     "INSERT INTO fcm_tokens (token, user_id, platform, updated_at) VALUES (%s, %s, "
     "NULLIF(%s, ''), %lld) "
     "ON CONFLICT (token) DO UPDATE SET user_id = excluded.user_id, "
     "platform = COALESCE(excluded.platform, fcm_tokens.platform), "
     "updated_at = excluded.updated_at",
     NULL,
     "INSERT INTO fcm_tokens (token, user_id, platform, updated_at) VALUES (%s, %s, "
     "NULLIF(%s, ''), %lld) "
     "ON DUPLICATE KEY UPDATE user_id = VALUES(user_id), "
     "platform = COALESCE(VALUES(platform), platform), updated_at = VALUES(updated_at)"},
    {NULL, NULL, 0, NULL, NULL, NULL}};

const et_group et_domain_devices = {"devices", statements, NULL};

et_db_outcome et_device_register(request_rec *r, const char *token, const char *user_id,
                                 const char *platform)
{
    return et_db_exec(r, "et_dev_upsert", NULL, token, user_id, platform ? platform : "",
                      (apr_int64_t)apr_time_now());
}

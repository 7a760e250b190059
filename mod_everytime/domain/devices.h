/*
 * devices.h: the devices a user receives pushes on: one FCM registration
 * token per device (fcm_tokens), from POST /me/devices/ or a social
 * login's fcmToken. A device's token belongs to whoever registered it last.
 */
#ifndef ET_DEVICES_H
#define ET_DEVICES_H

#include "infra/db.h"
#include "core/group.h"

/* The statements of the registration below (devices.c). */
extern const et_group et_domain_devices;

/* The longest token fcm_tokens.token holds. */
#define ET_FCM_TOKEN_MAX 255

/* Registers token for user_id, taking it from whoever had it. platform
 * ("android", "ios", "web") may be NULL: a known one is then kept. */
et_db_outcome et_device_register(request_rec *r, const char *token, const char *user_id,
                                 const char *platform);

#endif

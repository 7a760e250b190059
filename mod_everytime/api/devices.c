/*
 * api/devices.c: the caller's devices for push: POST /me/devices/ registers
 * an FCM token (taking it from whoever had it: the device is now the
 * caller's), DELETE /me/devices/{fcm_token}/ removes one of the caller's.
 *
 * A token is what FCM hands an app: letters, digits and "-_:." only, which
 * also keeps it one path segment for DELETE. Someone else's token, like an
 * unknown one, is 404: a token is a secret of its device.
 */
#include "api/groups.h"
#include "core/errors.h"
#include "core/validate.h"
#include "domain/devices.h"

#include <apr_lib.h>

static const et_stmt statements[] = {{"et_dev_delete", "ss", 0,
                                      "DELETE FROM fcm_tokens WHERE token = %s AND user_id = %s",
                                      NULL, NULL},
                                     {NULL, NULL, 0, NULL, NULL, NULL}};

static const char *const platforms[] = {"android", "ios", "web", NULL};

static int token_char(char c)
{
    return apr_isalnum(c) || c == '-' || c == '_' || c == ':' || c == '.';
}

/* The fcm_token field, or NULL with a field error. */
static const char *read_token(et_req *q)
{
    const char *token = et_body_str(q, "fcm_token", ET_REQUIRED, 0, ET_FCM_TOKEN_MAX), *c;
    for (c = token; c && *c; c++)
        if (!token_char(*c)) {
            et_field_error_text(q, "fcm_token",
                                "Enter the token FCM gave this device: letters, digits and "
                                "\"-_:.\" only.",
                                "이 기기가 FCM에서 받은 토큰을 입력하세요. 영문자, 숫자와 "
                                "\"-_:.\"만 쓸 수 있습니다.");
            return NULL;
        }
    return token;
}

/* The platform field: NULL when absent, or with a field error. */
static const char *read_platform(et_req *q)
{
    const char *platform = et_body_str(q, "platform", ET_NULLABLE, 0, 10);
    int i;
    for (i = 0; platform && platforms[i]; i++)
        if (!strcmp(platform, platforms[i]))
            return platform;
    if (platform)
        et_field_error_text(q, "platform",
                            apr_psprintf(q->r->pool, "\"%s\" is not a valid choice.", platform),
                            "android, ios, web 중 하나여야 합니다.");
    return NULL;
}

/* POST /me/devices/ {fcm_token, platform?} → 201 {fcm_token, platform} */
static int et_devices_register(et_req *q)
{
    const char *token = read_token(q), *platform = read_platform(q);
    json_t *o;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (et_device_register(q->r, token, et_caller(q), platform) != ET_DB_OK)
        return et_fail_unavailable(q);
    o = et_json_obj(q->r->pool);
    et_json_set_str(q->r->pool, o, "fcm_token", token);
    et_json_set_str(q->r->pool, o, "platform", platform);
    return et_reply(q, HTTP_CREATED, o);
}

/* DELETE /me/devices/{fcm_token}/ → 204 */
static int et_devices_delete(et_req *q)
{
    int n = 0;
    const char *token = q->strs[0];
    /* longer than any stored token: nothing to look up */
    if (strlen(token) <= ET_FCM_TOKEN_MAX &&
        et_db_exec(q->r, "et_dev_delete", &n, token, et_caller(q)) != ET_DB_OK)
        return et_fail_unavailable(q);
    return n ? HTTP_NO_CONTENT : et_fail(q, ET_E_NOT_FOUND);
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_POST, "/me/devices", et_devices_register, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/me/devices/{str}", et_devices_delete, ET_USER, 0},
    ET_ROUTES_END};

const et_group et_api_devices = {"devices", statements, routes};

/*
 * push.c: FCM HTTP v1's messages:send, per device of the user, from the
 * outbox's drain thread (never from a request).
 */
#include "domain/push.h"
#include "auth/fcm_token.h"
#include "infra/http_client.h"
#include "infra/json.h"

static const et_stmt statements[] = {
    {"et_push_devices", "s", 1, "SELECT token FROM fcm_tokens WHERE user_id = %s ORDER BY token",
     NULL, NULL},
    /* FCM says the app is gone from that device */
    {"et_push_forget", "ss", 0, "DELETE FROM fcm_tokens WHERE token = %s AND user_id = %s", NULL,
     NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

const et_group et_domain_push = {"push", statements, NULL};

int et_push_ready(server_rec *s)
{
    et_srv_conf *c = et_conf(s);
    return c->configured && c->fcm.key != NULL;
}

/* A queued push, read and checked. */
typedef struct {
    json_t *doc;
    const char *user_id, *title, *body;
    json_t *data;
    json_t *only; /* "tokens": the devices a partial delivery left, or NULL */
} push;

static int data_ok(json_t *data)
{
    const char *k;
    json_t *v;
    if (!json_is_object(data))
        return 0;
    json_object_foreach(data, k, v) if (!json_is_string(v)) return 0;
    return 1;
}

static int read_push(apr_pool_t *p, const char *payload, push *out)
{
    const char *err;
    memset(out, 0, sizeof(*out));
    out->doc = et_json_parse(p, payload, strlen(payload), &err);
    if (!json_is_object(out->doc))
        return 0;
    out->user_id = json_string_value(json_object_get(out->doc, "user_id"));
    out->title = json_string_value(json_object_get(out->doc, "title"));
    out->body = json_string_value(json_object_get(out->doc, "body"));
    out->data = json_object_get(out->doc, "data");
    out->only = json_object_get(out->doc, "tokens");
    if (!out->data)
        out->data = et_json_obj(p);
    return out->user_id && out->title && out->body && data_ok(out->data) &&
           (!out->only || json_is_array(out->only));
}

static int listed(json_t *only, const char *token)
{
    size_t i;
    json_t *v;
    if (!only)
        return 1;
    json_array_foreach(only, i,
                       v) if (json_is_string(v) && !strcmp(json_string_value(v), token)) return 1;
    return 0;
}

/* The message FCM is sent for one device. */
static const char *message(apr_pool_t *p, const push *ps, const char *token)
{
    json_t *root = et_json_obj(p), *m = et_json_obj(p), *n = et_json_obj(p);
    char *text;
    const char *out;
    et_json_set_str(p, m, "token", token);
    et_json_set_str(p, n, "title", ps->title);
    et_json_set_str(p, n, "body", ps->body);
    et_json_set(m, "notification", n);
    et_json_set(m, "data", ps->data);
    et_json_set(root, "message", m);
    text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    out = text ? apr_pstrdup(p, text) : NULL;
    free(text);
    return out;
}

/* FCM's errorCode in an error answer's details ("UNREGISTERED", ...). */
static const char *error_code(apr_pool_t *p, const et_http_reply *reply)
{
    const char *err;
    json_t *doc = et_json_parse(p, reply->body, reply->len, &err);
    json_t *details = json_object_get(json_object_get(doc, "error"), "details"), *d;
    size_t i;
    json_array_foreach(details, i, d)
    {
        const char *code = json_string_value(json_object_get(d, "errorCode"));
        if (code)
            return code;
    }
    return NULL;
}

typedef enum { DEV_SENT, DEV_GONE, DEV_RETRY, DEV_REFUSED } device_result;

static device_result send_one(server_rec *s, apr_pool_t *p, const push *ps, const char *url,
                              const char *bearer, const char *token, long *status)
{
    et_srv_conf *c = et_conf(s);
    const char *body = message(p, ps, token), *code;
    et_http_reply reply;
    *status = 0;
    if (!body)
        return DEV_REFUSED; /* not UTF-8: checked when read, so never */
    if (et_http_send(p, s, &c->oauth, et_http_deadline(&c->oauth), url, bearer,
                     "application/json; charset=UTF-8", body, &reply) != APR_SUCCESS)
        return DEV_RETRY;
    *status = reply.status;
    if (reply.status == 200)
        return DEV_SENT;
    code = error_code(p, &reply);
    if (code && !strcmp(code, "UNREGISTERED"))
        return DEV_GONE;
    if (reply.status == 401)
        et_fcm_forget_token(s); /* expired early or revoked: a new one next time */
    if (reply.status == 401 || reply.status == 429 || reply.status >= 500)
        return DEV_RETRY;
    return DEV_REFUSED;
}

/* The payload of the next attempt: the same push, for the devices left. */
static const char *rest_of(apr_pool_t *p, const push *ps, json_t *left)
{
    char *text;
    const char *out;
    et_json_set(ps->doc, "tokens", left);
    text = json_dumps(ps->doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    out = text ? apr_pstrdup(p, text) : NULL;
    free(text);
    return out;
}

et_send_result et_push_deliver(server_rec *s, apr_pool_t *p, et_outbox_db *db,
                               const char *payload_json)
{
    et_srv_conf *c = et_conf(s);
    json_t *left = et_json_arr(p);
    const char *bearer, *url;
    int i, sent = 0, refused = 0;
    long status = 0;
    et_rows *rows;
    push ps;

    if (!read_push(p, payload_json, &ps)) {
        et_outbox_note(db, "not a push payload");
        return ET_SEND_DROP;
    }
    if (et_outbox_db_select(db, "et_push_devices", &rows, ps.user_id) != ET_DB_OK) {
        et_outbox_note(db, "the devices could not be read");
        return ET_SEND_RETRY;
    }
    if (!rows->nrows)
        return ET_SEND_DONE; /* a user without a device: nothing to do */
    if (!(bearer = et_fcm_access_token(s, p))) {
        et_outbox_note(db, "no FCM access token");
        return ET_SEND_RETRY;
    }
    url = apr_pstrcat(p, c->fcm.url, "/v1/projects/", c->fcm.project_id, "/messages:send", NULL);
    for (i = 0; i < rows->nrows; i++) {
        const char *token = ET_CELL(rows, i, 0);
        device_result res;
        if (!listed(ps.only, token))
            continue;
        res = send_one(s, p, &ps, url, bearer, token, &status);
        if (res == DEV_GONE)
            et_outbox_db_exec(db, "et_push_forget", NULL, token, ps.user_id);
        else if (res == DEV_RETRY)
            et_json_push_str(p, left, token);
        sent += res == DEV_SENT;
        refused += res == DEV_REFUSED;
        if (res == DEV_RETRY || res == DEV_REFUSED)
            et_outbox_note(db, status ? apr_psprintf(p, "FCM answered %ld", status)
                                      : "FCM could not be reached");
    }
    if (json_array_size(left)) {
        if (sent || refused || json_array_size(left) < (size_t)rows->nrows)
            et_outbox_retry_with(db, rest_of(p, &ps, left));
        return ET_SEND_RETRY;
    }
    return refused && !sent ? ET_SEND_DROP : ET_SEND_DONE;
}

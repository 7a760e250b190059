/*
 * request.h: the per-request context handed to every route, and its reply.
 * The error model is errors.h's, the body readers validate.h's, the query
 * string query.h's, the body body.h's, the language lang.h's.
 */
#ifndef ET_REQUEST_H
#define ET_REQUEST_H

#include "core/config.h"
#include "infra/json.h"
#include "infra/json_writer.h"
#include "auth/et_jwt.h"

#define ET_MAX_PARAMS 4

struct et_route;

typedef struct et_req {
    request_rec *r;
    et_srv_conf *conf;
    const struct et_route *route;
    apr_int64_t ids[ET_MAX_PARAMS];   /* {int} path parameters, in order */
    const char *uuids[ET_MAX_PARAMS]; /* {uuid} path parameters, in order */
    const char *strs[ET_MAX_PARAMS];  /* {str} path parameters (any segment), in order */
    json_t *body;                     /* the JSON object sent, or an empty one */
    json_t *reply;                    /* what the route answers */
    const char *reply_text;           /* or: JSON text sent as it is (reply NULL) */
    apr_size_t reply_text_len;
    json_t *errors;        /* field errors collected by the readers */
    apr_table_t *args;     /* the decoded query string (et_query) */
    const et_claims *user; /* NULL when anonymous */
    int ko;                /* Korean detail messages */
} et_req;

/* Replies. */
int et_reply(et_req *q, int status, json_t *body);
/* A reply written as JSON text already (json_writer.h): b's text, sent as it is. */
int et_reply_jbuf(et_req *q, int status, const et_jbuf *b);

/* The caller's user id, or NULL for anonymous callers. */
const char *et_caller(const et_req *q);

#endif

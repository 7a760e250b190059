/*
 * request.c: the request's reply and caller. Routes never write to the client
 * themselves: the router sends what et_reply recorded.
 */
#include "core/request.h"

int et_reply(et_req *q, int status, json_t *body)
{
    q->reply = body;
    return status;
}

int et_reply_jbuf(et_req *q, int status, const et_jbuf *b)
{
    q->reply = NULL;
    q->reply_text = b->data;
    q->reply_text_len = b->len;
    return status;
}

const char *et_caller(const et_req *q)
{
    return q->user ? q->user->user_id : NULL;
}

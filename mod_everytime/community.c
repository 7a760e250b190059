/*
 * community.c: author rendering shared by posts, comments and messages, and
 * the retried write transaction they share.
 */
#include "community.h"
#include "db.h"

json_t *et_author_json(const char *user_id, const char *nickname, const char *label)
{
    json_t *a = json_object();
    if (label) {
        json_object_set_new(a, "id", json_null());
        et_json_set_str(a, "nickname", label);
    } else {
        et_json_set_str(a, "id", user_id);
        et_json_set_str(a, "nickname", nickname);
    }
    return a;
}

const char *et_caller(const et_req *q)
{
    return q->user ? q->user->user_id : NULL;
}

#define TXN_ATTEMPTS 5

int et_transaction(et_req *q, et_txn_fn fn, void *ctx)
{
    int attempt, status;
    for (attempt = 0; attempt < TXN_ATTEMPTS; attempt++) {
        if (attempt)
            /* let the transaction we collided with finish */
            apr_sleep(apr_time_from_msec(5 * attempt));
        if (et_db_begin(q->r) != APR_SUCCESS)
            return et_fail_unavailable(q);
        status = fn(q, ctx);
        if (status == OK && et_db_commit(q->r) == APR_SUCCESS)
            return OK;
        et_db_rollback(q->r);
        if (status != OK && status != ET_TXN_RETRY)
            return status;
    }
    return et_fail_unavailable(q);
}

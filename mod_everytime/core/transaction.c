/*
 * transaction.c: et_db_transaction for a route: its function sees the
 * request, and giving up is answered 503.
 */
#include "core/transaction.h"
#include "core/errors.h"

typedef struct {
    et_req *q;
    et_txn_fn fn;
    void *ctx;
} txn_call;

static int call(void *data)
{
    txn_call *c = data;
    return c->fn(c->q, c->ctx);
}

int et_transaction(et_req *q, et_txn_fn fn, void *ctx)
{
    txn_call c = {q, fn, ctx};
    int status = et_db_transaction(q->r, call, &c);
    return status == ET_DB_GAVE_UP ? et_fail_unavailable(q) : status;
}

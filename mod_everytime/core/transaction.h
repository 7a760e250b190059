/*
 * transaction.h: a route's write transaction, retried by the database layer
 * (et_db_transaction) and answered 503 when it cannot be done.
 */
#ifndef ET_TRANSACTION_H
#define ET_TRANSACTION_H

#include "infra/db.h"
#include "core/request.h"

/* fn runs its statements and answers OK to commit, ET_TXN_RETRY after a
 * statement failed, or the status of an error reply it has set (404, 409
 * ...), which rolls back and is answered. Answers OK or that status, or 503
 * (set up) when the database would not do it. */
#define ET_TXN_RETRY ET_DB_RETRY
typedef int (*et_txn_fn)(et_req *q, void *ctx);
int et_transaction(et_req *q, et_txn_fn fn, void *ctx);

#endif

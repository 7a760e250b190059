/*
 * community.h: what posts, comments and messages share: how an author is
 * shown, with anonymity, and the fixed labels.
 */
#ifndef ET_COMMUNITY_H
#define ET_COMMUNITY_H

#include "request.h"

#define ET_ANON_PREFIX "익명"            /* + number: 익명1, 익명2 ... */
#define ET_ANON_POST_AUTHOR "익명(글쓴이)" /* the anonymous post's author, in its comments */
#define ET_ANON_PLAIN "익명"             /* an anonymous post's own author */
#define ET_DELETED_USER "deleted-user"   /* the author of a deactivated account */

/* {"id": user_id, "nickname": nickname}, or {"id": null, "nickname": label}
 * when label is given (anonymous writing, deleted accounts). Never put an
 * anonymous writer's id anywhere else in a reply. */
json_t *et_author_json(const char *user_id, const char *nickname, const char *label);

/* The caller's user id, or NULL for anonymous callers. */
const char *et_caller(const et_req *q);

/* A write transaction that is run again (a few times, then 503) when the
 * database refused it for a reason a second attempt clears: a deadlock
 * (MariaDB), a busy database (SQLite), a lost race on a unique key. fn runs
 * its statements and answers OK to commit, ET_TXN_RETRY after a statement
 * failed, or the status of an error reply it has set (404, 409 ...), which
 * rolls back and is answered. Answers OK or that status. */
#define ET_TXN_RETRY (-1)
typedef int (*et_txn_fn)(et_req *q, void *ctx);
int et_transaction(et_req *q, et_txn_fn fn, void *ctx);

#endif

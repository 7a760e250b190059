/*
 * anonymity.h: 익명1, 익명2 ... Each anonymous writer gets one number per
 * post, in the order they first wrote anonymously there, and keeps it for
 * every later comment; the anonymous post's own author is 익명(글쓴이)
 * instead. Only labels leave this file's callers: never the writer's id.
 */
#ifndef ET_ANONYMITY_H
#define ET_ANONYMITY_H

#include "infra/db.h"
#include "core/group.h"

#define ET_ANON_PREFIX      "익명"         /* + number: 익명1, 익명2 ... */
#define ET_ANON_POST_AUTHOR "익명(글쓴이)" /* the anonymous post's author, in its comments */
#define ET_ANON_PLAIN       "익명"         /* an anonymous post's own author */

/* Whether an anonymous comment by writer_id on this post takes a number:
 * everyone but the author of an anonymous post (who is 익명(글쓴이)). */
int et_anon_needs_number(const char *writer_id, const char *post_author_id, int post_is_anonymous);

/* Inside the caller's write transaction: gives user_id the next number on
 * post_id unless they hold one already. Callers update the post's row first
 * (its counter), which serializes writers of one post; should two numbers
 * still collide, UNIQUE(post_id, number) fails the statement and the caller
 * runs its whole transaction again. APR_SUCCESS or an error already logged. */
apr_status_t et_anon_number_assign(request_rec *r, apr_int64_t post_id, const char *user_id);

/* The writer's number on the post in *number (0 when none yet). */
apr_status_t et_anon_number_get(request_rec *r, apr_int64_t post_id, const char *user_id,
                                apr_int64_t *number);

/* How an anonymous writer is shown in a post's comments: 익명(글쓴이) for the
 * anonymous post's author, else 익명<number> (익명 alone without a number). */
const char *et_anon_label(apr_pool_t *p, int is_post_author, apr_int64_t number);

/* The statements of the anonymous numbers. */
extern const et_group et_domain_anonymity;

#endif

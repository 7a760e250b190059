/*
 * comments.h: what other resource groups need to know about a comment:
 * whether it is live (on a live post of a live board) and who wrote it.
 */
#ifndef ET_COMMENTS_H
#define ET_COMMENTS_H

#include "infra/db.h"
#include "core/group.h"
#include "core/request.h"

/* The statements of the lookup below (comments.c). */
extern const et_group et_domain_comments;

/* The post p of a comment is live while it and its board are. */
#define ET_LIVE_COMMENT_POST                                                           \
    "p.is_deleted = 0 AND EXISTS (SELECT 1 FROM boards b WHERE b.id = p.board_id AND " \
    "b.is_deleted = 0) "

/* A comment c on its post p is live while it, its post and the post's
 * board are. */
#define ET_LIVE_COMMENT "c.is_deleted = 0 AND " ET_LIVE_COMMENT_POST

typedef struct et_comment_ref {
    apr_int64_t id;
    apr_int64_t post_id;
    const char *author_id; /* never put it in a reply when is_anonymous */
    int is_anonymous;
    int is_blinded;             /* the comment: hidden but from its author and admins */
    int post_blinded;           /* its post, likewise */
    const char *post_author_id; /* only for et_blind_hides: never in a reply */
} et_comment_ref;

/* 1 and *out filled when comment id is live, 0 when it does not exist or is
 * deleted, or its post or board is (answer 404), -1 when the database
 * failed (answer 503). */
int et_comment_lookup(request_rec *r, apr_int64_t id, et_comment_ref *out);

/* et_comment_lookup as the caller may see it: 0 also when the comment or
 * its post is blinded to them (domain/moderation.h). */
int et_comment_find(const et_req *q, apr_int64_t id, et_comment_ref *out);

#endif

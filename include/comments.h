/*
 * comments.h: what other resource groups need to know about a comment:
 * whether it is live (on a live post of a live board) and who wrote it.
 */
#ifndef ET_COMMENTS_H
#define ET_COMMENTS_H

#include "db.h"

typedef struct et_comment_ref {
    apr_int64_t id;
    apr_int64_t post_id;
    const char *author_id; /* never put it in a reply when is_anonymous */
    int is_anonymous;
} et_comment_ref;

/* 1 and *out filled when comment id is live, 0 when it does not exist or is
 * deleted, or its post or board is (answer 404), -1 when the database
 * failed (answer 503). */
int et_comment_lookup(request_rec *r, apr_int64_t id, et_comment_ref *out);

#endif

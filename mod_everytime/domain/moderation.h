/*
 * moderation.h: what reports (blinding) and blocks hide, and from whom.
 *
 * A blinded post or comment (EverytimeReportThreshold reporters) is seen by
 * its author and admins only. A blocked user's posts, comments and
 * conversations leave their blocker's lists. Lists filter in their SQL with
 * the fragments below, never after the query, so that a page holds what it
 * promises and the database's indexes do the work; a single read asks
 * et_blind_hides.
 */
#ifndef ET_MODERATION_H
#define ET_MODERATION_H

#include "infra/db.h"
#include "core/group.h"
#include "core/request.h"

/* The statements of et_block_between (moderation.c). */
extern const et_group et_domain_moderation;

/* Row t (a table alias with is_blinded and author_id) is seen by the
 * viewer. Binds: the viewer's id ('' when anonymous: nobody's), then 1 for
 * an admin viewer, else 0 (et_viewer_admin). */
#define ET_SEEN(t)   "(" t ".is_blinded = 0 OR " t ".author_id = %s OR %lld = 1)"
#define ET_SEEN_ARGS "sl"

/* The user author (a column) is not blocked by the viewer. Binds: the
 * viewer's id ('' when anonymous). Walks user_blocks' unique index
 * (blocker_id, blocked_id). */
#define ET_UNBLOCKED(author)                                                 \
    "NOT EXISTS (SELECT 1 FROM user_blocks ub WHERE ub.blocker_id = %s AND " \
    "ub.blocked_id = " author ")"
#define ET_UNBLOCKED_ARGS "s"

/* The caller's id for the fragments above: '' when anonymous. */
const char *et_viewer(const et_req *q);
/* 1 when the caller is an admin, else 0. */
apr_int64_t et_viewer_admin(const et_req *q);

/* 1 when an item that is_blinded, written by author_id, must read as 404
 * to the caller: anyone but its author and admins. */
int et_blind_hides(const et_req *q, int is_blinded, const char *author_id);

/* 1 when blocker blocks blocked, 0 when not, -1 when the database failed
 * (logged). */
int et_block_between(request_rec *r, const char *blocker, const char *blocked);

#endif

/*
 * moderation.c: who a blinded item hides from, and whether one user blocks
 * another (moderation.h).
 */
#include "domain/moderation.h"
#include "auth/auth.h"

static const et_stmt statements[] = {
    {"et_block_between", "ss", 1,
     "SELECT 1 FROM user_blocks WHERE blocker_id = %s AND blocked_id = %s", NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

const et_group et_domain_moderation = {"moderation", statements, NULL};

const char *et_viewer(const et_req *q)
{
    return q->user ? q->user->user_id : "";
}

apr_int64_t et_viewer_admin(const et_req *q)
{
    return q->user && !strcmp(q->user->role, ET_ROLE_ADMIN);
}

int et_blind_hides(const et_req *q, int is_blinded, const char *author_id)
{
    if (!is_blinded || et_viewer_admin(q))
        return 0;
    return !q->user || strcmp(q->user->user_id, author_id) != 0;
}

int et_block_between(request_rec *r, const char *blocker, const char *blocked)
{
    et_rows *rows;
    if (et_db_select(r, "et_block_between", &rows, blocker, blocked) != APR_SUCCESS)
        return -1;
    return rows->nrows > 0;
}

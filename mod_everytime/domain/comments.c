/*
 * comments.c: what other groups need of a comment: whether it is live, on
 * a live post of a live board, and who wrote it.
 */
#include "domain/comments.h"

static const et_stmt statements[] = {
    {"et_cmt_ref", "l", 4,
     "SELECT c.id, c.post_id, c.author_id, c.is_anonymous FROM comments c "
     "JOIN posts p ON p.id = c.post_id WHERE c.id = %lld AND " ET_LIVE_COMMENT,
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

const et_group et_domain_comments = {"comments", statements, NULL};

/* Columns of et_cmt_ref. */
enum { REF_ID, REF_POST, REF_AUTHOR, REF_ANON };

int et_comment_lookup(request_rec *r, apr_int64_t id, et_comment_ref *out)
{
    et_rows *rows;
    if (et_db_select(r, "et_cmt_ref", &rows, id) != APR_SUCCESS)
        return -1;
    if (!rows->nrows)
        return 0;
    out->id = et_cell_i64(ET_CELL(rows, 0, REF_ID));
    out->post_id = et_cell_i64(ET_CELL(rows, 0, REF_POST));
    out->author_id = ET_CELL(rows, 0, REF_AUTHOR);
    out->is_anonymous = et_cell_i64(ET_CELL(rows, 0, REF_ANON)) != 0;
    return 1;
}

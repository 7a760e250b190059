/*
 * comments.c: what other groups need of a comment: whether it is live, on
 * a live post of a live board, and who wrote it.
 */
#include "domain/comments.h"
#include "domain/moderation.h"

static const et_stmt statements[] = {
    {"et_cmt_ref", "l", 7,
     "SELECT c.id, c.post_id, c.author_id, c.is_anonymous, c.is_blinded, p.is_blinded, "
     "p.author_id FROM comments c "
     "JOIN posts p ON p.id = c.post_id WHERE c.id = %lld AND " ET_LIVE_COMMENT,
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

const et_group et_domain_comments = {"comments", statements, NULL};

/* Columns of et_cmt_ref. */
enum { REF_ID, REF_POST, REF_AUTHOR, REF_ANON, REF_BLINDED, REF_POST_BLINDED, REF_POST_AUTHOR };

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
    out->is_blinded = et_cell_i64(ET_CELL(rows, 0, REF_BLINDED)) != 0;
    out->post_blinded = et_cell_i64(ET_CELL(rows, 0, REF_POST_BLINDED)) != 0;
    out->post_author_id = ET_CELL(rows, 0, REF_POST_AUTHOR);
    return 1;
}

int et_comment_find(const et_req *q, apr_int64_t id, et_comment_ref *out)
{
    int found = et_comment_lookup(q->r, id, out);
    if (found == 1 && (et_blind_hides(q, out->is_blinded, out->author_id) ||
                       et_blind_hides(q, out->post_blinded, out->post_author_id)))
        return 0;
    return found;
}

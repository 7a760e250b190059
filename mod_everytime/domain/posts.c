/*
 * posts.c: what several groups need of posts: whether one is live (and who
 * wrote it). Post objects are written by post_render.c.
 */
#include "domain/posts.h"

static const et_stmt statements[] = {
    /* et_post_lookup, which other groups call on every write: no text */
    {"et_post_ref", "l", 7,
     "SELECT p.id, p.board_id, p.author_id, p.is_anonymous, b.allow_anonymous, "
     "p.is_blinded, b.requires_verification " ET_LIVE_POSTS "AND p.id = %lld",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

const et_group et_domain_posts = {"posts", statements, NULL};

/* Columns of et_post_ref. */
enum { REF_ID, REF_BOARD, REF_AUTHOR, REF_ANON, REF_BOARD_ANON, REF_BLINDED, REF_BOARD_VERIFIED };

/* --- lookup ----------------------------------------------------------------------- */

int et_post_lookup(request_rec *r, apr_int64_t id, et_post_ref *out)
{
    et_rows *rows;
    if (et_db_select(r, "et_post_ref", &rows, id) != APR_SUCCESS)
        return -1;
    if (!rows->nrows)
        return 0;
    out->id = et_cell_i64(ET_CELL(rows, 0, REF_ID));
    out->board_id = et_cell_i64(ET_CELL(rows, 0, REF_BOARD));
    out->author_id = ET_CELL(rows, 0, REF_AUTHOR);
    out->is_anonymous = et_cell_i64(ET_CELL(rows, 0, REF_ANON)) != 0;
    out->board_allows_anonymous = et_cell_i64(ET_CELL(rows, 0, REF_BOARD_ANON)) != 0;
    out->is_blinded = et_cell_i64(ET_CELL(rows, 0, REF_BLINDED)) != 0;
    out->board_requires_verification = et_cell_i64(ET_CELL(rows, 0, REF_BOARD_VERIFIED)) != 0;
    return 1;
}

int et_post_find(const et_req *q, apr_int64_t id, et_post_ref *out)
{
    int found = et_post_lookup(q->r, id, out);
    if (found == 1 && et_blind_hides(q, out->is_blinded, out->author_id))
        return 0;
    return found;
}

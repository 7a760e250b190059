/*
 * posts.c: what several groups need of posts: whether one is live (and who
 * wrote it), and Post objects rendered from the rows of a statement built
 * on ET_POST_SELECT_HEAD (the post routes' lists, the caller's scraps).
 */
#include "domain/posts.h"
#include "domain/anonymity.h"
#include "domain/users.h"
#include "infra/util.h"

static const et_stmt statements[] = {
    /* et_post_lookup, which other groups call on every write: no text */
    {"et_post_ref", "l", 6,
     "SELECT p.id, p.board_id, p.author_id, p.is_anonymous, b.allow_anonymous, "
     "b.requires_verification " ET_LIVE_POSTS "AND p.id = %lld",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

const et_group et_domain_posts = {"posts", statements, NULL};

/* Columns of ET_POST_SELECT_HEAD, in order. */
enum {
    P_ID,
    P_BOARD,
    P_AUTHOR,
    P_NICK,
    P_ACTIVE,
    P_TITLE,
    P_CONTENT,
    P_ANON,
    P_QUESTION,
    P_HOT,
    P_LIKES,
    P_COMMENTS,
    P_SCRAPS,
    P_CREATED,
    P_UPDATED,
    P_SORT,
    P_LIKED,
    P_SCRAPPED,
    P_MEDIA_ID,
    P_MEDIA_FILE,
    P_MEDIA_TYPE,
    P_MEDIA_SIZE
};

/* Columns of et_post_ref. */
enum { REF_ID, REF_BOARD, REF_AUTHOR, REF_ANON, REF_BOARD_ANON, REF_BOARD_VERIFIED };

/* --- rendering ------------------------------------------------------------------ */

static json_t *post_author_json(apr_pool_t *p, const et_rows *rows, int i)
{
    if (et_cell_i64(ET_CELL(rows, i, P_ANON)))
        return et_author_json(p, NULL, NULL, ET_ANON_PLAIN);
    if (et_cell_i64(ET_CELL(rows, i, P_ACTIVE)) != 1)
        return et_author_json(p, NULL, NULL, ET_DELETED_USER);
    return et_author_json(p, ET_CELL(rows, i, P_AUTHOR), ET_CELL(rows, i, P_NICK), NULL);
}

static json_t *media_json(et_req *q, const et_rows *rows, int i)
{
    json_t *m = et_json_obj(q->r->pool);
    et_json_set_int(m, "id", et_cell_i64(ET_CELL(rows, i, P_MEDIA_ID)));
    et_json_set_str(
        q->r->pool, m, "url",
        apr_pstrcat(q->r->pool, q->conf->media_url, ET_CELL(rows, i, P_MEDIA_FILE), NULL));
    et_json_set_str(q->r->pool, m, "content_type", ET_CELL(rows, i, P_MEDIA_TYPE));
    et_json_set_int(m, "size", et_cell_i64(ET_CELL(rows, i, P_MEDIA_SIZE)));
    return m;
}

/* A Post from row i, with an empty media list for the caller to fill. */
static json_t *post_json(et_req *q, const et_rows *rows, int i)
{
    const char *caller = et_caller(q);
    json_t *p = et_json_obj(q->r->pool);
    et_json_set_int(p, "id", et_cell_i64(ET_CELL(rows, i, P_ID)));
    et_json_set_int(p, "board", et_cell_i64(ET_CELL(rows, i, P_BOARD)));
    et_json_set(p, "author", post_author_json(q->r->pool, rows, i));
    et_json_set_str(q->r->pool, p, "title", ET_CELL(rows, i, P_TITLE));
    et_json_set_str(q->r->pool, p, "content", ET_CELL(rows, i, P_CONTENT));
    et_json_set_bool(p, "is_anonymous", et_cell_i64(ET_CELL(rows, i, P_ANON)) != 0);
    et_json_set_bool(p, "is_question", et_cell_i64(ET_CELL(rows, i, P_QUESTION)) != 0);
    et_json_set_str(q->r->pool, p, "hot_at", et_cell_time(q->r->pool, ET_CELL(rows, i, P_HOT)));
    et_json_set(p, "media", et_json_arr(q->r->pool));
    et_json_set_int(p, "like_count", et_cell_i64(ET_CELL(rows, i, P_LIKES)));
    et_json_set_int(p, "comment_count", et_cell_i64(ET_CELL(rows, i, P_COMMENTS)));
    et_json_set_int(p, "scrap_count", et_cell_i64(ET_CELL(rows, i, P_SCRAPS)));
    et_json_set_bool(p, "is_liked", ET_CELL(rows, i, P_LIKED) != NULL);
    et_json_set_bool(p, "is_scrapped", ET_CELL(rows, i, P_SCRAPPED) != NULL);
    et_json_set_bool(p, "is_mine", caller && !strcmp(caller, ET_CELL(rows, i, P_AUTHOR)));
    et_json_set_str(q->r->pool, p, "created_at",
                    et_cell_time(q->r->pool, ET_CELL(rows, i, P_CREATED)));
    et_json_set_str(q->r->pool, p, "updated_at",
                    et_cell_time(q->r->pool, ET_CELL(rows, i, P_UPDATED)));
    return p;
}

/* The posts of rows (one row per media file, a post's rows adjacent), at
 * most limit of them; *next, a cursor of the list called name, continues
 * after the last one shown when the rows held another post, else NULL. */
json_t *et_posts_from_rows(et_req *q, const et_rows *rows, int limit, const char *name,
                           const char **next)
{
    json_t *list = et_json_arr(q->r->pool), *media = NULL;
    apr_int64_t last_id = 0, last_key = 0;
    int i, shown = 0;
    *next = NULL;
    for (i = 0; i < rows->nrows; i++) {
        apr_int64_t id = et_cell_i64(ET_CELL(rows, i, P_ID));
        if (!media || id != last_id) {
            json_t *post;
            if (shown == limit) {
                *next = et_cursor_make(q, name, last_key, last_id);
                break;
            }
            post = post_json(q, rows, i);
            et_json_push(list, post);
            media = json_object_get(post, "media");
            last_id = id;
            last_key = et_cell_i64(ET_CELL(rows, i, P_SORT));
            shown++;
        }
        if (ET_CELL(rows, i, P_MEDIA_ID))
            et_json_push(media, media_json(q, rows, i));
    }
    return list;
}

json_t *et_post_page_json(et_req *q, const et_rows *rows, const et_page *page)
{
    const char *next;
    json_t *list = et_posts_from_rows(q, rows, page->limit, page->list, &next);
    return et_page_json(q, list, next);
}

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
    out->board_requires_verification = et_cell_i64(ET_CELL(rows, 0, REF_BOARD_VERIFIED)) != 0;
    return 1;
}

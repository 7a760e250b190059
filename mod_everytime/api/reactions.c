/*
 * api/reactions.c: likes of posts and comments, scraps of posts, and
 * /me/scraps/. One of each per user (a second is 409, taking back one that
 * does not exist 404); nobody likes their own writing (403). Every counter
 * moves in the same transaction as the row it counts, and a post that
 * reaches EverytimeHotThreshold likes gets hot_at once, for good.
 */
#include "api/groups.h"
#include "domain/comments.h"
#include "domain/notifications.h"
#include "core/transaction.h"
#include "core/cursor.h"
#include "domain/posts.h"
#include "domain/post_render.h"
#include "core/errors.h"

/* "before" of a first page: every key is smaller */
#define KEY_MAX APR_INT64_C(9223372036854775807)

static const et_stmt statements[] = {
    /* The counted row is updated first: its lock orders concurrent reactions
     * to one target, so the check for an existing reaction below cannot race.
     * hot_at is assigned before like_count: MariaDB reads columns already
     * assigned in the same UPDATE, the others the old values. */
    {"et_react_post_like_up", "lll", 0,
     "UPDATE posts SET hot_at = CASE WHEN hot_at IS NULL AND like_count + 1 >= %lld "
     "THEN %lld ELSE hot_at END, like_count = like_count + 1 WHERE id = %lld AND is_deleted = 0",
     NULL, NULL},
    /* the post whose hot_at the like just set: it became HOT at that moment */
    {"et_react_post_turned_hot", "ll", 2,
     "SELECT author_id, title FROM posts WHERE id = %lld AND hot_at = %lld", NULL, NULL},
    {"et_react_post_like_down", "l", 0,
     "UPDATE posts SET like_count = like_count - 1 WHERE id = %lld AND is_deleted = 0", NULL, NULL},
    {"et_react_post_like_get", "ls", 1,
     "SELECT 1 FROM post_likes WHERE post_id = %lld AND user_id = %s", NULL, NULL},
    {"et_react_post_like_insert", "lsl", 0,
     "INSERT INTO post_likes (post_id, user_id, created_at) VALUES (%lld, %s, %lld)", NULL, NULL},
    {"et_react_post_like_delete", "ls", 0,
     "DELETE FROM post_likes WHERE post_id = %lld AND user_id = %s", NULL, NULL},
    {"et_react_post_like_count", "l", 1, "SELECT like_count FROM posts WHERE id = %lld", NULL,
     NULL},

    {"et_react_scrap_up", "l", 0,
     "UPDATE posts SET scrap_count = scrap_count + 1 WHERE id = %lld AND is_deleted = 0", NULL,
     NULL},
    {"et_react_scrap_down", "l", 0,
     "UPDATE posts SET scrap_count = scrap_count - 1 WHERE id = %lld AND is_deleted = 0", NULL,
     NULL},
    {"et_react_scrap_get", "ls", 1,
     "SELECT 1 FROM post_scraps WHERE post_id = %lld AND user_id = %s", NULL, NULL},
    {"et_react_scrap_insert", "lsl", 0,
     "INSERT INTO post_scraps (post_id, user_id, created_at) VALUES (%lld, %s, %lld)", NULL, NULL},
    {"et_react_scrap_delete", "ls", 0,
     "DELETE FROM post_scraps WHERE post_id = %lld AND user_id = %s", NULL, NULL},
    {"et_react_scrap_count", "l", 1, "SELECT scrap_count FROM posts WHERE id = %lld", NULL, NULL},

    {"et_react_cmt_like_up", "l", 0,
     "UPDATE comments SET like_count = like_count + 1 WHERE id = %lld AND is_deleted = 0", NULL,
     NULL},
    {"et_react_cmt_like_down", "l", 0,
     "UPDATE comments SET like_count = like_count - 1 WHERE id = %lld AND is_deleted = 0", NULL,
     NULL},
    {"et_react_cmt_like_get", "ls", 1,
     "SELECT 1 FROM comment_likes WHERE comment_id = %lld AND user_id = %s", NULL, NULL},
    {"et_react_cmt_like_insert", "lsl", 0,
     "INSERT INTO comment_likes (comment_id, user_id, created_at) VALUES (%lld, %s, %lld)", NULL,
     NULL},
    {"et_react_cmt_like_delete", "ls", 0,
     "DELETE FROM comment_likes WHERE comment_id = %lld AND user_id = %s", NULL, NULL},
    {"et_react_cmt_like_count", "l", 1, "SELECT like_count FROM comments WHERE id = %lld", NULL,
     NULL},

    /* the caller's scraps, newest first, keyed (scrapped at, post id) */
    {"et_react_scraps_mine", "s" ET_POST_VISIBLE_ARGS "llllss", ET_PC_NCOLS,
     ET_POST_PAGE("s.created_at",
                  "FROM post_scraps s JOIN posts p ON p.id = s.post_id "
                  "JOIN boards b ON b.id = p.board_id AND b.is_deleted = 0 "
                  "WHERE s.user_id = %s AND p.is_deleted = 0 " ET_POST_VISIBLE
                  "AND s.created_at <= %lld AND (s.created_at < %lld OR s.post_id < %lld) ",
                  "s.created_at DESC, p.id DESC", "p.sort_key DESC, p.id DESC"),
     NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* One kind of reaction: its statements (et_react_<name>_<verb>), the fields
 * of its answer and its refusals. */
typedef struct {
    const char *up, *down, *get, *insert, *remove, *count;
    int hot;                 /* up also takes the HOT threshold and the time */
    const char *count_field; /* "like_count" */
    const char *state_field; /* "is_liked" */
    const char *twice_en, *twice_ko;
    const char *none_en, *none_ko;
} reaction_kind;

static const reaction_kind post_like = {"et_react_post_like_up",
                                        "et_react_post_like_down",
                                        "et_react_post_like_get",
                                        "et_react_post_like_insert",
                                        "et_react_post_like_delete",
                                        "et_react_post_like_count",
                                        1,
                                        "like_count",
                                        "is_liked",
                                        "You have already liked this post.",
                                        "이미 공감한 글입니다.",
                                        "You have not liked this post.",
                                        "공감하지 않은 글입니다."};

static const reaction_kind post_scrap = {"et_react_scrap_up",
                                         "et_react_scrap_down",
                                         "et_react_scrap_get",
                                         "et_react_scrap_insert",
                                         "et_react_scrap_delete",
                                         "et_react_scrap_count",
                                         0,
                                         "scrap_count",
                                         "is_scrapped",
                                         "You have already scrapped this post.",
                                         "이미 스크랩한 글입니다.",
                                         "You have not scrapped this post.",
                                         "스크랩하지 않은 글입니다."};

static const reaction_kind comment_like = {"et_react_cmt_like_up",
                                           "et_react_cmt_like_down",
                                           "et_react_cmt_like_get",
                                           "et_react_cmt_like_insert",
                                           "et_react_cmt_like_delete",
                                           "et_react_cmt_like_count",
                                           0,
                                           "like_count",
                                           "is_liked",
                                           "You have already liked this comment.",
                                           "이미 공감한 댓글입니다.",
                                           "You have not liked this comment.",
                                           "공감하지 않은 댓글입니다."};

typedef struct {
    const reaction_kind *kind;
    apr_int64_t target; /* the post or comment */
    apr_int64_t count;  /* the counter after the change */
} reaction;

/* In the like's transaction, right where the like may have set hot_at:
 * when it did (hot_at is the time just written; it is set once, for good),
 * the post's author hears that the post became HOT. Nobody is the actor:
 * who liked stays unknown. */
static int notify_hot(et_req *q, apr_int64_t post, apr_int64_t now)
{
    et_notice n = {ET_NOTE_HOT, NULL, NULL, NULL, post, 0, 0, NULL};
    et_rows *rows;
    if (et_db_select(q->r, "et_react_post_turned_hot", &rows, post, now) != ET_DB_OK)
        return ET_TXN_RETRY;
    if (!rows->nrows)
        return OK;
    n.recipient = ET_CELL(rows, 0, 0);
    n.subject = ET_CELL(rows, 0, 1);
    return et_notify(q->r, &n) == ET_DB_OK ? OK : ET_TXN_RETRY;
}

/* Moves the target's counter by one (404 when the target went away). */
static int move_counter(et_req *q, const reaction *x, int up)
{
    apr_int64_t now = apr_time_now();
    int n;
    apr_status_t rv;
    if (up && x->kind->hot)
        rv = et_db_exec(q->r, x->kind->up, &n, (apr_int64_t)q->conf->hot_threshold, now, x->target);
    else
        rv = et_db_exec(q->r, up ? x->kind->up : x->kind->down, &n, x->target);
    if (rv != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (!n)
        return et_fail(q, ET_E_NOT_FOUND);
    return up && x->kind->hot ? notify_hot(q, x->target, now) : OK;
}

static int read_counter(et_req *q, reaction *x)
{
    et_rows *rows;
    if (et_db_select(q->r, x->kind->count, &rows, x->target) != APR_SUCCESS || rows->nrows != 1)
        return ET_TXN_RETRY;
    x->count = et_cell_i64(ET_CELL(rows, 0, 0));
    return OK;
}

static int add_reaction(et_req *q, void *ctx)
{
    reaction *x = ctx;
    et_rows *rows;
    int status;
    if ((status = move_counter(q, x, 1)) != OK)
        return status;
    if (et_db_select(q->r, x->kind->get, &rows, x->target, q->user->user_id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (rows->nrows)
        return et_fail_detail(q, ET_E_CONFLICT, x->kind->twice_en, x->kind->twice_ko);
    if (et_db_exec(q->r, x->kind->insert, NULL, x->target, q->user->user_id,
                   (apr_int64_t)apr_time_now()) != APR_SUCCESS)
        return ET_TXN_RETRY;
    return read_counter(q, x);
}

static int remove_reaction(et_req *q, void *ctx)
{
    reaction *x = ctx;
    int status, n;
    if ((status = move_counter(q, x, 0)) != OK)
        return status;
    if (et_db_exec(q->r, x->kind->remove, &n, x->target, q->user->user_id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    return n ? OK : et_fail_detail(q, ET_E_NOT_FOUND, x->kind->none_en, x->kind->none_ko);
}

/* POST: 201 {"<count>": n, "<state>": true}; DELETE: 204. */
static int react(et_req *q, const reaction_kind *kind, apr_int64_t target, int add)
{
    reaction x = {kind, target, 0};
    json_t *o;
    int status = et_transaction(q, add ? add_reaction : remove_reaction, &x);
    if (status != OK)
        return status;
    if (!add)
        return HTTP_NO_CONTENT;
    o = et_json_obj(q->r->pool);
    et_json_set_int(o, kind->count_field, x.count);
    et_json_set_bool(o, kind->state_field, 1);
    return et_reply(q, HTTP_CREATED, o);
}

/* The live post of the path; liking it is refused to its author. OK, or
 * 404 / 403 / 503 already set up. */
static int find_post(et_req *q, int own_forbidden)
{
    et_post_ref post;
    int found = et_post_find(q, q->ids[0], &post);
    if (found < 0)
        return et_fail_unavailable(q);
    if (!found)
        return et_fail(q, ET_E_NOT_FOUND);
    if (own_forbidden && !strcmp(post.author_id, q->user->user_id))
        return et_fail_detail(q, ET_E_PERMISSION_DENIED, "You cannot like your own post.",
                              "자신의 글은 공감할 수 없습니다.");
    return OK;
}

static int find_comment(et_req *q, int own_forbidden)
{
    et_comment_ref comment;
    int found = et_comment_find(q, q->ids[0], &comment);
    if (found < 0)
        return et_fail_unavailable(q);
    if (!found)
        return et_fail(q, ET_E_NOT_FOUND);
    if (own_forbidden && !strcmp(comment.author_id, q->user->user_id))
        return et_fail_detail(q, ET_E_PERMISSION_DENIED, "You cannot like your own comment.",
                              "자신의 댓글은 공감할 수 없습니다.");
    return OK;
}

/* --- routes ------------------------------------------------------------------- */

static int et_posts_like(et_req *q)
{
    int status = find_post(q, 1);
    return status != OK ? status : react(q, &post_like, q->ids[0], 1);
}

static int et_posts_unlike(et_req *q)
{
    int status = find_post(q, 0);
    return status != OK ? status : react(q, &post_like, q->ids[0], 0);
}

static int et_posts_scrap(et_req *q)
{
    int status = find_post(q, 0);
    return status != OK ? status : react(q, &post_scrap, q->ids[0], 1);
}

static int et_posts_unscrap(et_req *q)
{
    int status = find_post(q, 0);
    return status != OK ? status : react(q, &post_scrap, q->ids[0], 0);
}

static int et_comments_like(et_req *q)
{
    int status = find_comment(q, 1);
    return status != OK ? status : react(q, &comment_like, q->ids[0], 1);
}

static int et_comments_unlike(et_req *q)
{
    int status = find_comment(q, 0);
    return status != OK ? status : react(q, &comment_like, q->ids[0], 0);
}

static int et_me_scraps(et_req *q)
{
    const char *me = q->user->user_id;
    et_page page;
    et_rows *rows;
    apr_int64_t key = KEY_MAX, id = KEY_MAX;
    int status;
    if ((status = et_page_read(q, &page, "me_scraps")) != OK)
        return status;
    if (page.has_cursor) {
        key = page.key1;
        id = page.key2;
    }
    if (et_db_select(q->r, "et_react_scraps_mine", &rows, me, me, et_viewer_admin(q), me, key, key,
                     id, (apr_int64_t)page.limit + 1, me, me) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return et_post_page_reply(q, rows, &page);
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_POST, "/posts/{int}/like", et_posts_like, ET_USER, 0},
    {M_DELETE, "/posts/{int}/like", et_posts_unlike, ET_USER, 0},
    {M_POST, "/posts/{int}/scrap", et_posts_scrap, ET_USER, 0},
    {M_DELETE, "/posts/{int}/scrap", et_posts_unscrap, ET_USER, 0},
    {M_GET, "/me/scraps", et_me_scraps, ET_USER, 0},
    {M_POST, "/comments/{int}/like", et_comments_like, ET_USER, 0},
    {M_DELETE, "/comments/{int}/like", et_comments_unlike, ET_USER, 0},
    ET_ROUTES_END};

const et_group et_api_reactions = {"reactions", statements, routes};

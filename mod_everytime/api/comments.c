/*
 * api/comments.c: a post's comments (top-level ones oldest first, each with
 * its replies), writing, editing and deleting them, and /me/comments/.
 * A reply to a reply hangs under the top-level comment: threads are one
 * level deep. A deleted comment that still has live replies keeps its place
 * as a placeholder with neither content nor author.
 */
#include "domain/anonymity.h"
#include "api/groups.h"
#include "auth/auth.h"
#include "domain/comments.h"
#include "domain/users.h"
#include "core/transaction.h"
#include "core/cursor.h"
#include "domain/posts.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/validate.h"

#include <apr_hash.h>

#define COMMENT_MAX_CHARS 3000

/* What every comment answer is built from. The caller's id binds first (for
 * is_liked; '' when anonymous). The post's author id is only compared here,
 * never read out: an anonymous writer's id must not reach a reply. */
#define COMMENT_SELECT                                                                       \
    "SELECT c.id, c.post_id, c.parent_id, c.author_id, u.nickname, u.is_active, c.content, " \
    "c.is_anonymous, c.like_count, c.is_deleted, c.created_at, c.updated_at, n.number, "     \
    "CASE WHEN p.is_anonymous = 1 AND p.author_id = c.author_id THEN 1 ELSE 0 END, "         \
    "(SELECT COUNT(*) FROM comment_likes l WHERE l.comment_id = c.id AND l.user_id = %s) "   \
    "FROM comments c JOIN users u ON u.id = c.author_id JOIN posts p ON p.id = c.post_id "   \
    "LEFT JOIN post_anon_numbers n ON n.post_id = c.post_id AND n.user_id = c.author_id "
#define LIVE_COMMENT ET_LIVE_COMMENT

enum {
    C_ID,
    C_POST,
    C_PARENT,
    C_AUTHOR,
    C_NICK,
    C_ACTIVE,
    C_CONTENT,
    C_ANON,
    C_LIKES,
    C_DELETED,
    C_CREATED,
    C_UPDATED,
    C_NUMBER,
    C_POST_AUTHOR,
    C_LIKED,
    C_NCOLS /* declared by the statements: checked against each result */
};

static const et_stmt statements[] = {
    /* a page of top-level comments: deleted ones only while a reply lives */
    {"et_cmt_top", "slll", C_NCOLS,
     COMMENT_SELECT
     "WHERE c.post_id = %lld AND c.parent_id IS NULL AND c.id > %lld "
     "AND (c.is_deleted = 0 OR EXISTS (SELECT 1 FROM comments r WHERE r.post_id = c.post_id "
     "AND r.parent_id = c.id AND r.is_deleted = 0)) ORDER BY c.id LIMIT %lld",
     NULL, NULL},
    /* the live replies of the top-level comments with ids in a range */
    {"et_cmt_replies", "slll", C_NCOLS,
     COMMENT_SELECT "WHERE c.post_id = %lld AND c.parent_id BETWEEN %lld AND %lld "
                    "AND c.is_deleted = 0 ORDER BY c.id",
     NULL, NULL},
    {"et_cmt_get", "sl", C_NCOLS, COMMENT_SELECT "WHERE c.id = %lld AND " LIVE_COMMENT, NULL, NULL},
    {"et_cmt_mine", "ssll", C_NCOLS,
     COMMENT_SELECT "WHERE c.author_id = %s AND " LIVE_COMMENT
                    "AND c.id < %lld ORDER BY c.id DESC LIMIT %lld",
     NULL, NULL},
    {"et_cmt_parent", "ll", 1,
     "SELECT parent_id FROM comments WHERE id = %lld AND post_id = %lld AND is_deleted = 0", NULL,
     NULL},
    /* the post's row first: it serializes the writers of one post (anonymous
     * numbers) and takes the locks in the same order as every other write */
    {"et_cmt_count_up", "l", 0,
     "UPDATE posts SET comment_count = comment_count + 1 WHERE id = %lld AND is_deleted = 0", NULL,
     NULL},
    {"et_cmt_count_down", "l", 0,
     "UPDATE posts SET comment_count = comment_count - 1 WHERE id = %lld AND is_deleted = 0", NULL,
     NULL},
    {"et_cmt_insert", "llsslll", 1,
     "INSERT INTO comments (post_id, parent_id, author_id, content, is_anonymous, like_count, "
     "is_deleted, created_at, updated_at) VALUES (%lld, NULLIF(%lld, 0), %s, %s, %lld, 0, 0, "
     "%lld, %lld) RETURNING id",
     NULL, NULL},
    {"et_cmt_update", "sll", 0,
     "UPDATE comments SET content = %s, updated_at = %lld WHERE id = %lld AND is_deleted = 0", NULL,
     NULL},
    {"et_cmt_delete", "ll", 0,
     "UPDATE comments SET is_deleted = 1, updated_at = %lld WHERE id = %lld AND is_deleted = 0",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* --- answers --------------------------------------------------------------- */

static apr_int64_t cell_i64(const et_rows *rows, int i, int col)
{
    return et_cell_i64(ET_CELL(rows, i, col));
}

static const char *caller_key(const et_req *q)
{
    return q->user ? q->user->user_id : "";
}

static json_t *author_json(et_req *q, const et_rows *rows, int i)
{
    if (cell_i64(rows, i, C_ANON))
        return et_author_json(q->r->pool, NULL, NULL,
                              et_anon_label(q->r->pool, (int)cell_i64(rows, i, C_POST_AUTHOR),
                                            cell_i64(rows, i, C_NUMBER)));
    if (!cell_i64(rows, i, C_ACTIVE))
        return et_author_json(q->r->pool, NULL, NULL, ET_DELETED_USER);
    return et_author_json(q->r->pool, ET_CELL(rows, i, C_AUTHOR), ET_CELL(rows, i, C_NICK), NULL);
}

/* One Comment; "replies" (empty, to be filled) only when asked for. */
static json_t *comment_json(et_req *q, const et_rows *rows, int i, int with_replies)
{
    apr_pool_t *p = q->r->pool;
    json_t *c = et_json_obj(p);
    const char *caller = et_caller(q);
    int deleted = cell_i64(rows, i, C_DELETED) != 0;
    et_json_set_int(c, "id", cell_i64(rows, i, C_ID));
    et_json_set_int(c, "post", cell_i64(rows, i, C_POST));
    if (ET_CELL(rows, i, C_PARENT))
        et_json_set_int(c, "parent", cell_i64(rows, i, C_PARENT));
    else
        et_json_set_null(c, "parent");
    /* a deleted placeholder names nobody, not even anonymously */
    et_json_set(c, "author", deleted ? NULL : author_json(q, rows, i));
    et_json_set_str(p, c, "content", deleted ? NULL : ET_CELL(rows, i, C_CONTENT));
    et_json_set_bool(c, "is_anonymous", (int)cell_i64(rows, i, C_ANON));
    et_json_set_int(c, "like_count", cell_i64(rows, i, C_LIKES));
    if (caller)
        et_json_set_bool(c, "is_liked", cell_i64(rows, i, C_LIKED) > 0);
    et_json_set_bool(c, "is_mine", caller && !strcmp(caller, ET_CELL(rows, i, C_AUTHOR)));
    et_json_set_bool(c, "is_deleted", deleted);
    if (with_replies)
        et_json_set(c, "replies", et_json_arr(p));
    et_json_set_str(p, c, "created_at", et_cell_time(p, ET_CELL(rows, i, C_CREATED)));
    et_json_set_str(p, c, "updated_at", et_cell_time(p, ET_CELL(rows, i, C_UPDATED)));
    return c;
}

/* The first ntop rows of top as top-level comments, each with its rows of
 * replies (both lists in id order). */
static json_t *thread_json(et_req *q, const et_rows *top, int ntop, const et_rows *replies)
{
    json_t *list = et_json_arr(q->r->pool);
    apr_hash_t *by_id = apr_hash_make(q->r->pool);
    int i;
    for (i = 0; i < ntop; i++) {
        json_t *c = comment_json(q, top, i, 1);
        et_json_push(list, c);
        apr_hash_set(by_id, ET_CELL(top, i, C_ID), APR_HASH_KEY_STRING, c);
    }
    for (i = 0; replies && i < replies->nrows; i++) {
        json_t *parent = apr_hash_get(by_id, ET_CELL(replies, i, C_PARENT), APR_HASH_KEY_STRING);
        if (parent)
            et_json_push(json_object_get(parent, "replies"), comment_json(q, replies, i, 0));
    }
    return list;
}

/* The live replies of the top-level comments first_id..last_id of a post. */
static apr_status_t load_replies(et_req *q, apr_int64_t post_id, apr_int64_t first_id,
                                 apr_int64_t last_id, et_rows **out)
{
    return et_db_select(q->r, "et_cmt_replies", out, caller_key(q), post_id, first_id, last_id);
}

/* Answers one live comment as the thread shows it: a top-level one with its
 * replies. */
static int reply_comment(et_req *q, int status, apr_int64_t id)
{
    et_rows *rows, *replies = NULL;
    json_t *list;
    if (et_db_select(q->r, "et_cmt_get", &rows, caller_key(q), id) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (!rows->nrows)
        return et_fail(q, ET_E_NOT_FOUND);
    if (!ET_CELL(rows, 0, C_PARENT) &&
        load_replies(q, cell_i64(rows, 0, C_POST), id, id, &replies) != APR_SUCCESS)
        return et_fail_unavailable(q);
    /* a reply alone, or a top-level comment with its replies */
    if (ET_CELL(rows, 0, C_PARENT)) {
        list = et_json_arr(q->r->pool);
        et_json_push(list, comment_json(q, rows, 0, 0));
    } else {
        list = thread_json(q, rows, 1, replies);
    }
    return et_reply(q, status, json_array_get(list, 0));
}

/* --- lookups -------------------------------------------------------------------- */

/* The comment of the path for a change by its author or an admin: OK, or
 * 404 / 403 / 503 already set up. */
static int comment_to_change(et_req *q, et_comment_ref *c)
{
    int found = et_comment_lookup(q->r, q->ids[0], c);
    if (found < 0)
        return et_fail_unavailable(q);
    if (!found)
        return et_fail(q, ET_E_NOT_FOUND);
    if (strcmp(q->user->role, ET_ROLE_ADMIN) && strcmp(q->user->user_id, c->author_id))
        return et_fail(q, ET_E_PERMISSION_DENIED);
    return OK;
}

/* The live post of the path: OK, or 404 / 503 already set up. */
static int find_post(et_req *q, et_post_ref *post)
{
    int found = et_post_lookup(q->r, q->ids[0], post);
    if (found < 0)
        return et_fail_unavailable(q);
    return found ? OK : et_fail(q, ET_E_NOT_FOUND);
}

/* --- routes ------------------------------------------------------------------ */

static int et_comments_list(et_req *q)
{
    apr_int64_t post_id = q->ids[0];
    et_post_ref post;
    et_page page;
    et_rows *top, *replies = NULL;
    int status, shown;
    if ((status = find_post(q, &post)) != OK || (status = et_page_read(q, &page, "comments")) != OK)
        return status;
    if (et_db_select(q->r, "et_cmt_top", &top, caller_key(q), post_id,
                     page.has_cursor ? page.key1 : 0, (apr_int64_t)page.limit + 1) != APR_SUCCESS)
        return et_fail_unavailable(q);
    shown = et_page_shown(&page, top);
    if (shown && load_replies(q, post_id, cell_i64(top, 0, C_ID), cell_i64(top, shown - 1, C_ID),
                              &replies) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return et_reply(q, HTTP_OK,
                    et_page_json(q, thread_json(q, top, shown, replies),
                                 et_page_next(q, &page, top, C_ID, -1)));
}

typedef struct {
    apr_int64_t post_id;
    apr_int64_t parent_id; /* the top-level comment, 0 for none */
    const char *content;
    int anonymous;
    int numbered;   /* takes a 익명N number */
    apr_int64_t id; /* the new comment */
} new_comment;

static int insert_comment(et_req *q, void *ctx)
{
    new_comment *c = ctx;
    apr_int64_t now;
    et_rows *rows;
    int n;
    if (et_db_exec(q->r, "et_cmt_count_up", &n, c->post_id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (n == 0)
        return et_fail(q, ET_E_NOT_FOUND);
    /* Read the clock only now that the post's row is ours: its writers take
     * their ids in the order they get the lock, and so do their times. Read
     * before, a writer that waited for the lock would be stamped earlier than
     * the comments that got in ahead of it. */
    now = apr_time_now();
    if (c->numbered && et_anon_number_assign(q->r, c->post_id, q->user->user_id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (et_db_select(q->r, "et_cmt_insert", &rows, c->post_id, c->parent_id, q->user->user_id,
                     c->content, (apr_int64_t)c->anonymous, now, now) != APR_SUCCESS ||
        rows->nrows != 1)
        return ET_TXN_RETRY;
    c->id = cell_i64(rows, 0, 0);
    return OK;
}

/* The top-level comment a reply to parent hangs under: 0 with a field error
 * when parent is not a live comment of the post, -1 on a database error. */
static apr_int64_t thread_of(et_req *q, apr_int64_t post_id, apr_int64_t parent)
{
    et_rows *rows;
    if (et_db_select(q->r, "et_cmt_parent", &rows, parent, post_id) != APR_SUCCESS)
        return -1;
    if (rows->nrows == 0) {
        et_field_invalid_pk(q, "parent", parent);
        return 0;
    }
    return ET_CELL(rows, 0, 0) ? cell_i64(rows, 0, 0) : parent;
}

/* OK when the caller passed school verification, else 403 (or 503). */
static int may_write(et_req *q)
{
    int verified = et_users_is_verified(q->r, et_caller(q));
    if (verified < 0)
        return et_fail_unavailable(q);
    if (!verified)
        return et_fail_detail(q, ET_E_PERMISSION_DENIED,
                              "Only users who passed school verification may comment on this "
                              "board.",
                              "학교 인증을 마친 사용자만 이 게시판에 댓글을 쓸 수 있습니다.");
    return OK;
}

static int et_comments_create(et_req *q)
{
    new_comment c = {0};
    et_post_ref post;
    apr_int64_t parent = 0;
    int status;
    if ((status = find_post(q, &post)) != OK)
        return status;
    c.post_id = post.id;
    c.content = et_body_str(q, "content", ET_REQUIRED, 0, COMMENT_MAX_CHARS);
    et_body_int(q, "parent", ET_NULLABLE, 1, APR_INT64_MAX, &parent);
    et_body_bool(q, "is_anonymous", 0, &c.anonymous);
    if (c.anonymous && !post.board_allows_anonymous)
        et_field_error_text(q, "is_anonymous", "This board does not allow anonymous comments.",
                            "이 게시판에는 익명으로 댓글을 쓸 수 없습니다.");
    if (parent > 0 && (c.parent_id = thread_of(q, c.post_id, parent)) < 0)
        return et_fail_unavailable(q);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (post.board_requires_verification && (status = may_write(q)) != OK)
        return status;
    c.numbered =
        c.anonymous && et_anon_needs_number(q->user->user_id, post.author_id, post.is_anonymous);
    if ((status = et_transaction(q, insert_comment, &c)) != OK)
        return status;
    return reply_comment(q, HTTP_CREATED, c.id);
}

static int et_comments_patch(et_req *q)
{
    et_comment_ref comment;
    const char *content;
    int status, n;
    if ((status = comment_to_change(q, &comment)) != OK)
        return status;
    /* content is all a comment lets one change; without it, nothing changes */
    content = et_body_str(q, "content", 0, 0, COMMENT_MAX_CHARS);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (content) {
        if (et_db_exec(q->r, "et_cmt_update", &n, content, (apr_int64_t)apr_time_now(),
                       q->ids[0]) != APR_SUCCESS)
            return et_fail_unavailable(q);
        if (n == 0)
            return et_fail(q, ET_E_NOT_FOUND);
    }
    return reply_comment(q, HTTP_OK, q->ids[0]);
}

typedef struct {
    apr_int64_t id;
    apr_int64_t post_id;
} gone_comment;

static int delete_comment(et_req *q, void *ctx)
{
    gone_comment *g = ctx;
    int n;
    if (et_db_exec(q->r, "et_cmt_count_down", &n, g->post_id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (n == 0)
        return et_fail(q, ET_E_NOT_FOUND);
    if (et_db_exec(q->r, "et_cmt_delete", &n, (apr_int64_t)apr_time_now(), g->id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    /* deleted meanwhile by someone else: the count must not drop twice */
    return n ? OK : et_fail(q, ET_E_NOT_FOUND);
}

static int et_comments_delete(et_req *q)
{
    gone_comment g;
    et_comment_ref comment;
    int status;
    if ((status = comment_to_change(q, &comment)) != OK)
        return status;
    g.id = comment.id;
    g.post_id = comment.post_id;
    if ((status = et_transaction(q, delete_comment, &g)) != OK)
        return status;
    return HTTP_NO_CONTENT;
}

static int et_me_comments(et_req *q)
{
    et_page page;
    et_rows *rows;
    json_t *list;
    int status, i, shown;
    if ((status = et_page_read(q, &page, "me_comments")) != OK)
        return status;
    if (et_db_select(q->r, "et_cmt_mine", &rows, q->user->user_id, q->user->user_id,
                     page.has_cursor ? page.key1 : APR_INT64_MAX,
                     (apr_int64_t)page.limit + 1) != APR_SUCCESS)
        return et_fail_unavailable(q);
    shown = et_page_shown(&page, rows);
    list = et_json_arr(q->r->pool);
    /* a flat list of the caller's own writing: no replies hang here */
    for (i = 0; i < shown; i++)
        et_json_push(list, comment_json(q, rows, i, 0));
    return et_reply(q, HTTP_OK, et_page_json(q, list, et_page_next(q, &page, rows, C_ID, -1)));
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_GET, "/posts/{int}/comments", et_comments_list, ET_PUBLIC, 0},
    {M_POST, "/posts/{int}/comments", et_comments_create, ET_USER, ET_JSON_BODY},
    {M_PATCH, "/comments/{int}", et_comments_patch, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/comments/{int}", et_comments_delete, ET_USER, 0},
    {M_GET, "/me/comments", et_me_comments, ET_USER, 0},
    ET_ROUTES_END};

const et_group et_api_comments = {"comments", statements, routes};

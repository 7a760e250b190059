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
#include "domain/moderation.h"
#include "domain/notifications.h"
#include "domain/users.h"
#include "core/transaction.h"
#include "core/cursor.h"
#include "domain/posts.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/validate.h"

#include <apr_hash.h>

#define COMMENT_MAX_CHARS 3000
/* About the size of one Comment, to size a reply's buffer once. */
#define COMMENT_BYTES 400

/* What every comment answer is built from. Its arguments come first
 * (COMMENT_VIEW): the viewer, whom a comment that is deleted, blinded to
 * them or by someone they block shows to as a placeholder (is_deleted);
 * then the caller's id for is_liked ('' when anonymous). The post's author
 * id is only compared here, never read out: an anonymous writer's id must
 * not reach a reply. */
#define COMMENT_SELECT                                                                       \
    "SELECT c.id, c.post_id, c.parent_id, c.author_id, u.nickname, u.is_active, c.content, " \
    "c.is_anonymous, c.like_count, "                                                         \
    "CASE WHEN c.is_deleted = 1 OR NOT (" SHOWN_C ") THEN 1 ELSE 0 END, "                    \
    "c.created_at, c.updated_at, n.number, "                                                 \
    "CASE WHEN p.is_anonymous = 1 AND p.author_id = c.author_id THEN 1 ELSE 0 END, "         \
    "(SELECT COUNT(*) FROM comment_likes l WHERE l.comment_id = c.id AND l.user_id = %s), "  \
    "c.is_blinded "                                                                          \
    "FROM comments c JOIN users u ON u.id = c.author_id JOIN posts p ON p.id = c.post_id "   \
    "LEFT JOIN post_anon_numbers n ON n.post_id = c.post_id AND n.user_id = c.author_id "
#define COMMENT_ARGS SHOWN_ARGS "s"
/* COMMENT_SELECT's arguments. */
#define COMMENT_VIEW(q) et_viewer(q), et_viewer_admin(q), et_viewer(q), caller_key(q)
/* Comment c (or r) is shown to the viewer: seen (not blinded, or theirs, or an
 * admin's view) and not by someone they block. Binds the viewer,
 * et_viewer_admin and the viewer. */
#define SHOWN_C       ET_SEEN("c") " AND " ET_UNBLOCKED("c.author_id")
#define SHOWN_R       ET_SEEN("r") " AND " ET_UNBLOCKED("r.author_id")
#define SHOWN_ARGS    ET_SEEN_ARGS ET_UNBLOCKED_ARGS
#define SHOWN_VIEW(q) et_viewer(q), et_viewer_admin(q), et_viewer(q)
#define LIVE_COMMENT  ET_LIVE_COMMENT

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
    C_BLINDED,
    C_NCOLS /* declared by the statements: checked against each result */
};

/* A page of comments: the two SQL texts (sql, sql_pgsql) of COMMENT_SELECT
 * with where, in order (ET_SQL_PAGE, cursor.h; outer: order over the
 * page's columns). */
#define COMMENT_PAGE(where, order, outer)    \
    COMMENT_SELECT where ET_SQL_PAGE(order), \
        ET_SQL_PAGE_PG_HEAD COMMENT_SELECT where ET_SQL_PAGE_PG(order, outer)

/* A page of top-level comments: hidden ones (deleted, blinded, blocked)
 * only while a reply the viewer is shown lives, as placeholders. Only
 * while the post is live and not blinded to the viewer (et_post_find's
 * rule, checked here to spare the page a round trip): no rows sends the
 * handler to et_post_find, to tell a 404 from an empty page. */
/* clang-format off */
#define TOP_COMMENTS                                                    \
    "WHERE c.post_id = %lld AND c.parent_id IS NULL AND c.id > %lld "   \
    "AND " ET_LIVE_COMMENT_POST "AND " ET_SEEN("p") " "                 \
    "AND ((c.is_deleted = 0 AND " SHOWN_C ") "                          \
    "OR EXISTS (SELECT 1 FROM comments r WHERE r.post_id = c.post_id "  \
    "AND r.parent_id = c.id AND r.is_deleted = 0 AND " SHOWN_R ")) "
/* clang-format on */

static const et_stmt statements[] = {
    {"et_cmt_top", COMMENT_ARGS "ll" ET_SEEN_ARGS SHOWN_ARGS SHOWN_ARGS "l", C_NCOLS,
     COMMENT_PAGE(TOP_COMMENTS, "c.id", "p.id"), NULL},
    /* the replies shown of the top-level comments with ids in a range */
    {"et_cmt_replies", COMMENT_ARGS "lll" SHOWN_ARGS, C_NCOLS,
     COMMENT_SELECT "WHERE c.post_id = %lld AND c.parent_id BETWEEN %lld AND %lld "
                    "AND c.is_deleted = 0 AND " SHOWN_C " ORDER BY c.id",
     NULL, NULL},
    {"et_cmt_get", COMMENT_ARGS "l", C_NCOLS, COMMENT_SELECT "WHERE c.id = %lld AND " LIVE_COMMENT,
     NULL, NULL},
    /* the caller's own comments, but those on a post blinded to them */
    {"et_cmt_mine", COMMENT_ARGS "s" ET_SEEN_ARGS "ll", C_NCOLS,
     COMMENT_PAGE("WHERE c.author_id = %s AND " LIVE_COMMENT
                  "AND " ET_SEEN("p") " AND c.id < %lld ",
                  "c.id DESC", "p.id DESC"),
     NULL},
    {"et_cmt_parent", "ll", 2,
     "SELECT parent_id, author_id FROM comments WHERE id = %lld AND post_id = %lld "
     "AND is_deleted = 0",
     NULL, NULL},
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

/* --- answers: written straight from the rows (infra/json_writer.h) -------- */

static apr_int64_t cell_i64(const et_rows *rows, int i, int col)
{
    return et_cell_i64(ET_CELL(rows, i, col));
}

static const char *caller_key(const et_req *q)
{
    return q->user ? q->user->user_id : "";
}

static void write_author(et_req *q, et_jbuf *b, const et_rows *rows, int i)
{
    if (cell_i64(rows, i, C_ANON))
        et_author_write(b, NULL, NULL,
                        et_anon_label(q->r->pool, (int)cell_i64(rows, i, C_POST_AUTHOR),
                                      cell_i64(rows, i, C_NUMBER)));
    else if (!cell_i64(rows, i, C_ACTIVE))
        et_author_write(b, NULL, NULL, ET_DELETED_USER);
    else
        et_author_write(b, ET_CELL(rows, i, C_AUTHOR), ET_CELL(rows, i, C_NICK), NULL);
}

/* Row numbers of one thread's replies, in id order. */
typedef struct {
    const et_rows *rows;
    apr_array_header_t *at; /* of int */
} reply_rows;

static void write_comment(et_req *q, et_jbuf *b, const et_rows *rows, int i,
                          const reply_rows *replies);

static void write_replies(et_req *q, et_jbuf *b, const reply_rows *replies)
{
    int k;
    et_jbuf_lit(b, "[");
    for (k = 0; replies->at && k < replies->at->nelts; k++) {
        if (k)
            et_jbuf_lit(b, ",");
        write_comment(q, b, replies->rows, APR_ARRAY_IDX(replies->at, k, int), NULL);
    }
    et_jbuf_lit(b, "]");
}

/* One Comment; "replies" only for a top-level comment of a thread (replies
 * not NULL). The keys in the order of docs/openapi.json's Comment. */
static void write_comment(et_req *q, et_jbuf *b, const et_rows *rows, int i,
                          const reply_rows *replies)
{
    const char *caller = et_caller(q);
    int deleted = cell_i64(rows, i, C_DELETED) != 0;
    et_jbuf_lit(b, "{\"id\":");
    et_jbuf_int(b, cell_i64(rows, i, C_ID));
    et_jbuf_lit(b, ",\"post\":");
    et_jbuf_int(b, cell_i64(rows, i, C_POST));
    et_jbuf_lit(b, ",\"parent\":");
    if (ET_CELL(rows, i, C_PARENT))
        et_jbuf_int(b, cell_i64(rows, i, C_PARENT));
    else
        et_jbuf_lit(b, "null");
    /* a deleted placeholder names nobody, not even anonymously */
    et_jbuf_lit(b, ",\"author\":");
    if (deleted)
        et_jbuf_lit(b, "null");
    else
        write_author(q, b, rows, i);
    et_jbuf_lit(b, ",\"content\":");
    et_jbuf_str(b, "content", deleted ? NULL : ET_CELL(rows, i, C_CONTENT));
    et_jbuf_lit(b, ",\"is_anonymous\":");
    et_jbuf_bool(b, cell_i64(rows, i, C_ANON) != 0);
    et_jbuf_lit(b, ",\"like_count\":");
    et_jbuf_int(b, cell_i64(rows, i, C_LIKES));
    if (caller) {
        et_jbuf_lit(b, ",\"is_liked\":");
        et_jbuf_bool(b, cell_i64(rows, i, C_LIKED) > 0);
    }
    et_jbuf_lit(b, ",\"is_mine\":");
    et_jbuf_bool(b, caller && !strcmp(caller, ET_CELL(rows, i, C_AUTHOR)));
    et_jbuf_lit(b, ",\"is_deleted\":");
    et_jbuf_bool(b, deleted);
    /* only for its author and admins: everyone else is not shown it, or
     * shown a placeholder */
    if (!deleted && cell_i64(rows, i, C_BLINDED))
        et_jbuf_lit(b, ",\"is_blinded\":true");
    if (replies) {
        et_jbuf_lit(b, ",\"replies\":");
        write_replies(q, b, replies);
    }
    et_jbuf_lit(b, ",\"created_at\":");
    et_jbuf_str(b, "created_at", et_cell_time(q->r->pool, ET_CELL(rows, i, C_CREATED)));
    et_jbuf_lit(b, ",\"updated_at\":");
    et_jbuf_str(b, "updated_at", et_cell_time(q->r->pool, ET_CELL(rows, i, C_UPDATED)));
    et_jbuf_lit(b, "}");
}

/* The first ntop rows of top as top-level comments, each with its rows of
 * replies (both lists in id order), as a JSON array. */
static void write_thread(et_req *q, et_jbuf *b, const et_rows *top, int ntop,
                         const et_rows *replies)
{
    apr_hash_t *by_parent = apr_hash_make(q->r->pool);
    int i;
    for (i = 0; replies && i < replies->nrows; i++) {
        const char *parent = ET_CELL(replies, i, C_PARENT);
        apr_array_header_t *at = apr_hash_get(by_parent, parent, APR_HASH_KEY_STRING);
        if (!at) {
            at = apr_array_make(q->r->pool, 4, sizeof(int));
            apr_hash_set(by_parent, parent, APR_HASH_KEY_STRING, at);
        }
        APR_ARRAY_PUSH(at, int) = i;
    }
    et_jbuf_lit(b, "[");
    for (i = 0; i < ntop; i++) {
        reply_rows mine = {replies,
                           apr_hash_get(by_parent, ET_CELL(top, i, C_ID), APR_HASH_KEY_STRING)};
        if (i)
            et_jbuf_lit(b, ",");
        write_comment(q, b, top, i, &mine);
    }
    et_jbuf_lit(b, "]");
}

/* {"results": ..., "next": ...} around what write wrote. */
static int page_reply(et_req *q, et_jbuf *b, const char *next)
{
    et_jbuf_lit(b, ",\"next\":");
    et_jbuf_str(b, "next", next);
    et_jbuf_lit(b, "}");
    return et_reply_jbuf(q, HTTP_OK, b);
}

/* The live replies of the top-level comments first_id..last_id of a post. */
static apr_status_t load_replies(et_req *q, apr_int64_t post_id, apr_int64_t first_id,
                                 apr_int64_t last_id, et_rows **out)
{
    return et_db_select(q->r, "et_cmt_replies", out, COMMENT_VIEW(q), post_id, first_id, last_id,
                        SHOWN_VIEW(q));
}

/* Answers one live comment as the thread shows it: a top-level one with its
 * replies (none yet when it was just created: created is set). */
static int reply_comment(et_req *q, int status, apr_int64_t id, int created)
{
    et_rows *rows, *replies = NULL;
    et_jbuf *b;
    reply_rows all = {NULL, NULL};
    int i;
    if (et_db_select(q->r, "et_cmt_get", &rows, COMMENT_VIEW(q), id) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (!rows->nrows)
        return et_fail(q, ET_E_NOT_FOUND);
    if (!ET_CELL(rows, 0, C_PARENT) && !created &&
        load_replies(q, cell_i64(rows, 0, C_POST), id, id, &replies) != APR_SUCCESS)
        return et_fail_unavailable(q);
    b = et_jbuf_make(q->r->pool, COMMENT_BYTES * (replies ? replies->nrows + 1 : 1));
    /* a reply alone, or a top-level comment with its replies */
    if (ET_CELL(rows, 0, C_PARENT)) {
        write_comment(q, b, rows, 0, NULL);
        return et_reply_jbuf(q, status, b);
    }
    all.rows = replies;
    all.at = apr_array_make(q->r->pool, replies ? replies->nrows : 0, sizeof(int));
    for (i = 0; replies && i < replies->nrows; i++)
        APR_ARRAY_PUSH(all.at, int) = i;
    write_comment(q, b, rows, 0, &all);
    return et_reply_jbuf(q, status, b);
}

/* --- lookups -------------------------------------------------------------------- */

/* The comment of the path for a change by its author or an admin: OK, or
 * 404 / 403 / 503 already set up. */
static int comment_to_change(et_req *q, et_comment_ref *c)
{
    int found = et_comment_find(q, q->ids[0], c);
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
    int found = et_post_find(q, q->ids[0], post);
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
    et_jbuf *b;
    int status, shown;
    if ((status = et_page_read(q, &page, "comments")) != OK) {
        /* a post that is not there is a 404 before any question of the page */
        int found = find_post(q, &post);
        return found != OK ? found : status;
    }
    if (et_db_select(q->r, "et_cmt_top", &top, COMMENT_VIEW(q), post_id,
                     page.has_cursor ? page.key1 : 0, et_viewer(q), et_viewer_admin(q),
                     SHOWN_VIEW(q), SHOWN_VIEW(q), (apr_int64_t)page.limit + 1) != APR_SUCCESS)
        return et_fail_unavailable(q);
    /* no rows: an empty page of a live post, or no post to show */
    if (!top->nrows && (status = find_post(q, &post)) != OK)
        return status;
    shown = et_page_shown(&page, top);
    if (shown && load_replies(q, post_id, cell_i64(top, 0, C_ID), cell_i64(top, shown - 1, C_ID),
                              &replies) != APR_SUCCESS)
        return et_fail_unavailable(q);
    b = et_jbuf_make(q->r->pool, COMMENT_BYTES * (shown + (replies ? replies->nrows : 0)) + 64);
    et_jbuf_lit(b, "{\"results\":");
    write_thread(q, b, top, shown, replies);
    return page_reply(q, b, et_page_next(q, &page, top, C_ID, -1));
}

typedef struct {
    const et_post_ref *post;
    apr_int64_t parent_id;  /* the top-level comment, 0 for none */
    const char *replied_to; /* the author of the comment replied to, NULL for none */
    const char *content;
    int anonymous;
    int numbered;   /* takes a 익명N number */
    apr_int64_t id; /* the new comment */
} new_comment;

/* The name an anonymous comment shows for its writer on this post, which
 * its notifications show too, in *label: 익명N, or 익명(글쓴이) for the
 * anonymous post's author; NULL when the comment is not anonymous. */
static apr_status_t writer_label(et_req *q, const new_comment *c, const char **label)
{
    apr_int64_t number = 0;
    apr_status_t rv = APR_SUCCESS;
    *label = NULL;
    if (!c->anonymous)
        return rv;
    if (c->numbered)
        rv = et_anon_number_get(q->r, c->post->id, q->user->user_id, &number);
    *label = et_anon_label(q->r->pool, !c->numbered, number);
    return rv;
}

/* In the comment's transaction: a reply tells the author of the comment it
 * answers; every comment tells the post's author, unless that is who the
 * reply already told. et_notify leaves out the writer themselves. */
static int notify_comment(et_req *q, const new_comment *c)
{
    et_notice n = {ET_NOTE_REPLY, c->replied_to, q->user->user_id, NULL, c->post->id, c->id, 0,
                   c->content};
    if (writer_label(q, c, &n.actor_label) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (c->replied_to && et_notify(q->r, &n) != ET_DB_OK)
        return ET_TXN_RETRY;
    if (c->replied_to && !strcmp(c->replied_to, c->post->author_id))
        return OK;
    n.kind = ET_NOTE_COMMENT;
    n.recipient = c->post->author_id;
    return et_notify(q->r, &n) == ET_DB_OK ? OK : ET_TXN_RETRY;
}

static int insert_comment(et_req *q, void *ctx)
{
    new_comment *c = ctx;
    apr_int64_t now;
    et_rows *rows;
    int n;
    if (et_db_exec(q->r, "et_cmt_count_up", &n, c->post->id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (n == 0)
        return et_fail(q, ET_E_NOT_FOUND);
    /* Read the clock only now that the post's row is ours: its writers take
     * their ids in the order they get the lock, and so do their times. Read
     * before, a writer that waited for the lock would be stamped earlier than
     * the comments that got in ahead of it. */
    now = apr_time_now();
    if (c->numbered && et_anon_number_assign(q->r, c->post->id, q->user->user_id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (et_db_select(q->r, "et_cmt_insert", &rows, c->post->id, c->parent_id, q->user->user_id,
                     c->content, (apr_int64_t)c->anonymous, now, now) != APR_SUCCESS ||
        rows->nrows != 1)
        return ET_TXN_RETRY;
    c->id = cell_i64(rows, 0, 0);
    return notify_comment(q, c);
}

/* The top-level comment a reply to parent hangs under, and in *author who
 * wrote parent: 0 with a field error when parent is not a live comment of
 * the post, -1 on a database error. */
static apr_int64_t thread_of(et_req *q, apr_int64_t post_id, apr_int64_t parent,
                             const char **author)
{
    et_rows *rows;
    if (et_db_select(q->r, "et_cmt_parent", &rows, parent, post_id) != APR_SUCCESS)
        return -1;
    if (rows->nrows == 0) {
        et_field_invalid_pk(q, "parent", parent);
        return 0;
    }
    *author = ET_CELL(rows, 0, 1);
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
    c.post = &post;
    c.content = et_body_str(q, "content", ET_REQUIRED, 0, COMMENT_MAX_CHARS);
    et_body_int(q, "parent", ET_NULLABLE, 1, APR_INT64_MAX, &parent);
    et_body_bool(q, "is_anonymous", 0, &c.anonymous);
    if (c.anonymous && !post.board_allows_anonymous)
        et_field_error_text(q, "is_anonymous", "This board does not allow anonymous comments.",
                            "이 게시판에는 익명으로 댓글을 쓸 수 없습니다.");
    if (parent > 0 && (c.parent_id = thread_of(q, post.id, parent, &c.replied_to)) < 0)
        return et_fail_unavailable(q);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (post.board_requires_verification && (status = may_write(q)) != OK)
        return status;
    c.numbered =
        c.anonymous && et_anon_needs_number(q->user->user_id, post.author_id, post.is_anonymous);
    if ((status = et_transaction(q, insert_comment, &c)) != OK)
        return status;
    return reply_comment(q, HTTP_CREATED, c.id, 1);
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
    return reply_comment(q, HTTP_OK, q->ids[0], 0);
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
    et_jbuf *b;
    int status, i, shown;
    if ((status = et_page_read(q, &page, "me_comments")) != OK)
        return status;
    if (et_db_select(q->r, "et_cmt_mine", &rows, COMMENT_VIEW(q), q->user->user_id, et_viewer(q),
                     et_viewer_admin(q), page.has_cursor ? page.key1 : APR_INT64_MAX,
                     (apr_int64_t)page.limit + 1) != APR_SUCCESS)
        return et_fail_unavailable(q);
    shown = et_page_shown(&page, rows);
    b = et_jbuf_make(q->r->pool, COMMENT_BYTES * shown + 64);
    /* a flat list of the caller's own writing: no replies hang here */
    et_jbuf_lit(b, "{\"results\":[");
    for (i = 0; i < shown; i++) {
        if (i)
            et_jbuf_lit(b, ",");
        write_comment(q, b, rows, i, NULL);
    }
    et_jbuf_lit(b, "]");
    return page_reply(q, b, et_page_next(q, &page, rows, C_ID, -1));
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

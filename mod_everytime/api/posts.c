/*
 * api/posts.c: posts: keyset-paginated lists (all, one board, one writer,
 * HOT, the caller's own), create, read, PUT/PATCH and soft delete by the
 * author or an admin. Likes, scraps and comments keep the counters; this
 * file only reads them.
 *
 * Anonymity: an anonymous post's author shows as ET_ANON_PLAIN, and the
 * ?user= filter never matches a writer's anonymous posts for anyone but that
 * writer, or the list itself would tell who wrote them.
 */
#include "api/groups.h"
#include "domain/users.h"
#include "auth/auth.h"
#include "domain/anonymity.h"
#include "core/cursor.h"
#include "domain/media.h"
#include "domain/posts.h"
#include "domain/post_render.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/validate.h"
#include "core/query.h"

#define MAX_TITLE   200
#define MAX_CONTENT 20000
#define MAX_ID      APR_INT64_C(999999999999)
/* "before" of a first page: every key is smaller */
#define KEY_MAX APR_INT64_C(9223372036854775807)

/* A list ordered by id: its statement's two texts (ET_POST_PAGE, posts.h). */
#define BY_ID(where) \
    ET_POST_PAGE("p.id", LIVE_POSTS where "AND p.id < %lld ", "p.id DESC", "p.id DESC")
#define LIVE_POSTS ET_LIVE_POSTS
/* ?title= and ?q=: each off when its text is '' (the first argument), so the
 * common unfiltered page does no LIKE work at all */
#define TEXT_FILTERS                                             \
    "AND (%s = '' OR LOWER(p.title) LIKE LOWER(%s) ESCAPE '!') " \
    "AND (%s = '' OR LOWER(p.title) LIKE LOWER(%s) ESCAPE '!' "  \
    "OR LOWER(p.content) LIKE LOWER(%s) ESCAPE '!') "
#define HOT_ORDER "p.hot_at DESC, p.id DESC"
/* A board's page, filters after the board. PostgreSQL's variant names the
 * board as ANY(ARRAY[board]) and orders by it: its generic plan cannot know
 * how many posts the board holds, and with a few boards it walked posts_pkey
 * backwards, filtering the board out of all posts (a new board's empty page
 * read the whole table). A board = $n would let the planner drop the board
 * from the order as a constant; as an array it stays, and only posts_board
 * gives that order without a sort. */
#define BY_BOARD(filters)                                                                       \
    ET_POST_PAGE_SQL(                                                                           \
        "p.id", LIVE_POSTS ET_POST_VISIBLE "AND p.board_id = %lld " filters "AND p.id < %lld ", \
        "p.id DESC"),                                                                           \
        ET_POST_PAGE_PG("p.id",                                                                 \
                        LIVE_POSTS ET_POST_VISIBLE "AND p.board_id = ANY(ARRAY[%lld]) " filters \
                                                   "AND p.id < %lld ",                          \
                        "p.board_id DESC, p.id DESC", "p.board_id DESC, p.id DESC")

/* One statement per index a list can walk (posts_live, posts_board,
 * posts_author, posts_hot), the remaining filters written so that '' or 0
 * turns them off. */
static const et_stmt statements[] = {
    {"et_post_list", ET_POST_VISIBLE_ARGS "sssssllss", ET_PC_NCOLS,
     BY_ID(ET_POST_VISIBLE TEXT_FILTERS), NULL},
    {"et_post_list_board", ET_POST_VISIBLE_ARGS "lsssssllss", ET_PC_NCOLS, BY_BOARD(TEXT_FILTERS),
     NULL},
    /* a board's page without ?title= or ?q=, the page students read most:
     * without the filters' ORs PostgreSQL's generic plan walks posts_board
     * as the custom ones do */
    {"et_post_list_board_plain", ET_POST_VISIBLE_ARGS "lllss", ET_PC_NCOLS, BY_BOARD(""), NULL},
    /* the writer's anonymous posts only for the writer (the second argument) */
    {"et_post_list_user", ET_POST_VISIBLE_ARGS "ssllsssssllss", ET_PC_NCOLS,
     BY_ID(ET_POST_VISIBLE "AND p.author_id = %s AND (p.is_anonymous = 0 OR p.author_id = %s) "
                           "AND (%lld = 0 OR p.board_id = %lld) " TEXT_FILTERS),
     NULL},
    {"et_post_hot", ET_POST_VISIBLE_ARGS "llllss", ET_PC_NCOLS,
     ET_POST_PAGE("p.hot_at",
                  LIVE_POSTS ET_POST_VISIBLE
                  "AND p.hot_at <= %lld AND (p.hot_at < %lld OR p.id < %lld) ",
                  HOT_ORDER, HOT_ORDER),
     NULL},
    /* one post: a blinded one reads as 404, but a blocked author's does not
     * (blocks take writers out of lists, not out of links) */
    {"et_post_get", ET_SEEN_ARGS "lss", ET_PC_NCOLS,
     ET_POST_SELECT_HEAD "SELECT " ET_POST_INNER_COLUMNS ", p.id AS sort_key " LIVE_POSTS
                         "AND " ET_SEEN("p") " AND p.id = %lld" ET_POST_SELECT_TAIL,
     NULL, NULL},
    {"et_post_fields", "l", 8,
     "SELECT p.id, p.board_id, p.author_id, p.is_anonymous, p.title, p.content, "
     "p.is_question, p.is_blinded " LIVE_POSTS "AND p.id = %lld",
     NULL, NULL},
    {"et_post_board", "l", 2,
     "SELECT allow_anonymous, requires_verification FROM boards "
     "WHERE id = %lld AND is_deleted = 0",
     NULL, NULL},
    {"et_post_insert", "lsssllll", 1,
     "INSERT INTO posts (board_id, author_id, title, content, is_anonymous, is_question, "
     "like_count, comment_count, scrap_count, is_deleted, created_at, updated_at) "
     "VALUES (%lld, %s, %s, %s, %lld, %lld, 0, 0, 0, 0, %lld, %lld) RETURNING id",
     NULL, NULL},
    /* the counters are not touched: likes, scraps and comments own them */
    {"et_post_update", "lssllll", 0,
     "UPDATE posts SET board_id = %lld, title = %s, content = %s, is_anonymous = %lld, "
     "is_question = %lld, updated_at = %lld WHERE id = %lld AND is_deleted = 0",
     NULL, NULL},
    {"et_post_delete", "ll", 0,
     "UPDATE posts SET is_deleted = 1, updated_at = %lld WHERE id = %lld AND is_deleted = 0", NULL,
     NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* Columns of et_post_fields. */
enum { R_ID, R_BOARD, R_AUTHOR, R_ANON, R_TITLE, R_CONTENT, R_QUESTION, R_BLINDED };

/* --- rendering ------------------------------------------------------------------ */

/* The caller's id for the is_liked/is_scrapped joins: '' matches nobody. */
static const char *caller_or_blank(const et_req *q)
{
    return et_caller(q) ? et_caller(q) : "";
}

/* Answers the live post id as a Post with status. */
static int reply_post(et_req *q, int status, apr_int64_t id)
{
    const char *caller = caller_or_blank(q);
    et_rows *rows;
    if (et_db_select(q->r, "et_post_get", &rows, et_viewer(q), et_viewer_admin(q), id, caller,
                     caller) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return et_post_reply(q, status, rows);
}

/* --- lookup ----------------------------------------------------------------------- */

static int select_post(request_rec *r, const char *label, apr_int64_t id, et_rows **rows)
{
    if (et_db_select(r, label, rows, id) != APR_SUCCESS)
        return -1;
    return (*rows)->nrows ? 1 : 0;
}

/* --- lists ------------------------------------------------------------------------ */

typedef struct {
    apr_int64_t board; /* 0: any */
    const char *user;  /* NULL: any */
    const char *title; /* '' when not filtering; the pattern below otherwise */
    const char *title_like;
    const char *text; /* ?q= */
    const char *text_like;
    et_page page;
} post_filters;

static const char *read_text_filter(et_req *q, const char *name)
{
    const char *v = et_query(q, name);
    if (v && et_utf8_chars(v) < 0) {
        et_field_error(q, name, ET_M_NOT_STRING, 0);
        return "";
    }
    return v ? v : "";
}

/* Reads ?board=&user=&title=&q= and the page. OK, or 400 already set up. */
static int read_filters(et_req *q, post_filters *f, const char *list)
{
    const char *board = et_query(q, "board");
    f->board = 0;
    if (board && (et_parse_i64(board, &f->board) || f->board < 1))
        et_field_error(q, "board", ET_M_NOT_INT, 0);
    f->user = et_query(q, "user");
    if (f->user && !et_is_uuid(f->user))
        et_field_error_text(q, "user", "Must be a valid UUID.", "유효한 UUID가 아닙니다.");
    f->title = read_text_filter(q, "title");
    f->text = read_text_filter(q, "q");
    f->title_like = et_like_contains(q->r->pool, f->title);
    f->text_like = et_like_contains(q->r->pool, f->text);
    /* fails with every error recorded so far */
    return et_page_read(q, &f->page, list);
}

static int list_reply(et_req *q, apr_status_t rv, et_rows *rows, const et_page *page)
{
    if (rv != APR_SUCCESS)
        return et_fail_unavailable(q);
    return et_post_page_reply(q, rows, page);
}

/* Runs the list statement that suits the filters, the page's rows into *rows. */
static apr_status_t select_posts(et_req *q, const post_filters *f, et_rows **rows)
{
    const char *caller = caller_or_blank(q);
    apr_int64_t admin = et_viewer_admin(q);
    apr_int64_t before = f->page.has_cursor ? f->page.key1 : KEY_MAX;
    apr_int64_t fetch = f->page.limit + 1;
    if (f->user)
        return et_db_select(q->r, "et_post_list_user", rows, caller, admin, caller, f->user, caller,
                            f->board, f->board, f->title, f->title_like, f->text, f->text_like,
                            f->text_like, before, fetch, caller, caller);
    if (f->board && !*f->title && !*f->text)
        return et_db_select(q->r, "et_post_list_board_plain", rows, caller, admin, caller, f->board,
                            before, fetch, caller, caller);
    if (f->board)
        return et_db_select(q->r, "et_post_list_board", rows, caller, admin, caller, f->board,
                            f->title, f->title_like, f->text, f->text_like, f->text_like, before,
                            fetch, caller, caller);
    return et_db_select(q->r, "et_post_list", rows, caller, admin, caller, f->title, f->title_like,
                        f->text, f->text_like, f->text_like, before, fetch, caller, caller);
}

static int list_posts(et_req *q, const post_filters *f)
{
    et_rows *rows = NULL;
    apr_status_t rv = select_posts(q, f, &rows);
    return list_reply(q, rv, rows, &f->page);
}

static int et_posts_list(et_req *q)
{
    post_filters f;
    int status = read_filters(q, &f, "posts");
    return status != OK ? status : list_posts(q, &f);
}

static int et_posts_board_list(et_req *q)
{
    post_filters f;
    et_rows *rows = NULL;
    apr_status_t rv;
    int status = read_filters(q, &f, "posts");
    if (status != OK)
        return status;
    f.board = q->ids[0]; /* the path's board, whatever ?board= said */
    /* A post is listed only while its board is live (ET_LIVE_POSTS), so a
     * page with rows says the board is there: the board is looked up only
     * for an empty page, to tell an unknown board (404) from an empty one,
     * and the page students read most costs one statement. */
    rv = select_posts(q, &f, &rows);
    if (rv == APR_SUCCESS && !rows->nrows) {
        et_rows *board;
        if (et_db_select(q->r, "et_post_board", &board, q->ids[0]) != APR_SUCCESS)
            return et_fail_unavailable(q);
        if (!board->nrows)
            return et_fail(q, ET_E_NOT_FOUND);
    }
    return list_reply(q, rv, rows, &f.page);
}

static int et_posts_mine(et_req *q)
{
    post_filters f = {.board = 0, .title = "", .text = ""};
    int status = et_page_read(q, &f.page, "me_posts");
    if (status != OK)
        return status;
    /* as the writer, the caller sees their anonymous posts too */
    f.user = et_caller(q);
    return list_posts(q, &f);
}

static int et_posts_hot(et_req *q)
{
    const char *caller = caller_or_blank(q);
    apr_int64_t hot = KEY_MAX, id = KEY_MAX;
    et_page page;
    et_rows *rows = NULL;
    apr_status_t rv;
    int status = et_page_read(q, &page, "hot_posts");
    if (status != OK)
        return status;
    if (page.has_cursor) {
        hot = page.key1;
        id = page.key2;
    }
    rv = et_db_select(q->r, "et_post_hot", &rows, caller, et_viewer_admin(q), caller, hot, hot, id,
                      (apr_int64_t)page.limit + 1, caller, caller);
    return list_reply(q, rv, rows, &page);
}

/* --- writing ---------------------------------------------------------------------- */

/* A post's writable fields, as a write leaves them. */
typedef struct {
    apr_int64_t board;
    const char *title;
    const char *content;
    int is_anonymous;
    int is_question;
} post_fields;

/* check_board: the board admits only verified writers and the caller is not. */
#define BOARD_FORBIDDEN 1

/* Records the field errors of f's board: it must be live, and allow
 * anonymous posts when f is anonymous. 0, BOARD_FORBIDDEN, or -1 when the
 * database failed. */
static int check_board(et_req *q, const post_fields *f)
{
    et_rows *rows;
    int verified;
    if (et_db_select(q->r, "et_post_board", &rows, f->board) != APR_SUCCESS)
        return -1;
    if (!rows->nrows) {
        et_field_invalid_pk(q, "board", f->board);
        return 0;
    }
    if (f->is_anonymous && !et_cell_i64(ET_CELL(rows, 0, 0)))
        et_field_error_text(q, "is_anonymous", "This board does not allow anonymous posts.",
                            "이 게시판에는 익명으로 글을 쓸 수 없습니다.");
    if (!et_cell_i64(ET_CELL(rows, 0, 1)))
        return 0;
    verified = et_users_is_verified(q->r, et_caller(q));
    return verified < 0 ? -1 : verified ? 0 : BOARD_FORBIDDEN;
}

/* 403 for a write on a board that admits verified users only. */
static int unverified(et_req *q)
{
    return et_fail_detail(q, ET_E_PERMISSION_DENIED,
                          "Only users who passed school verification may write on this board.",
                          "학교 인증을 마친 사용자만 이 게시판에 글을 쓸 수 있습니다.");
}

/* Reads the body over f; every field is required when required is set,
 * absent ones keep f's values otherwise. The board is checked when the
 * write could change whether the post is anonymous on a board that refuses
 * it. OK, or 400/503 already set up. */
static int read_post_fields(et_req *q, int required, post_fields *f)
{
    int need = required ? ET_REQUIRED : 0;
    int board = et_body_int(q, "board", need, 1, MAX_ID, &f->board);
    int anon = et_body_bool(q, "is_anonymous", need, &f->is_anonymous);
    const char *s;
    int access = 0;
    if ((s = et_body_str(q, "title", need, 0, MAX_TITLE)))
        f->title = s;
    if ((s = et_body_str(q, "content", need, 0, MAX_CONTENT)))
        f->content = s;
    et_body_bool(q, "is_question", need, &f->is_question);
    if ((board == 1 || anon == 1) && (access = check_board(q, f)) < 0)
        return et_fail_unavailable(q);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    return access == BOARD_FORBIDDEN ? unverified(q) : OK;
}

static int et_posts_create(et_req *q)
{
    post_fields f = {0, NULL, NULL, 0, 0};
    apr_int64_t now;
    et_rows *rows;
    int status, access = 0;
    /* board, title and content are required; the flags default to false */
    et_body_int(q, "board", ET_REQUIRED, 1, MAX_ID, &f.board);
    f.title = et_body_str(q, "title", ET_REQUIRED, 0, MAX_TITLE);
    f.content = et_body_str(q, "content", ET_REQUIRED, 0, MAX_CONTENT);
    et_body_bool(q, "is_anonymous", 0, &f.is_anonymous);
    et_body_bool(q, "is_question", 0, &f.is_question);
    if (f.board && (access = check_board(q, &f)) < 0)
        return et_fail_unavailable(q);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (access == BOARD_FORBIDDEN)
        return unverified(q);
    /* Posts list newest first by id, and nothing orders the writers of new
     * posts the way a post's row lock orders its comments: the clock is read
     * as late as it can be, so that only the INSERT's own wait for a busy
     * database is left for two posts' times to disagree with their ids. */
    now = apr_time_now();
    if (et_db_select(q->r, "et_post_insert", &rows, f.board, et_caller(q), f.title, f.content,
                     (apr_int64_t)f.is_anonymous, (apr_int64_t)f.is_question, now,
                     now) != APR_SUCCESS ||
        rows->nrows != 1)
        return et_fail_unavailable(q);
    status = reply_post(q, HTTP_CREATED, et_cell_i64(ET_CELL(rows, 0, 0)));
    /* a board deleted in between: the post was written all the same */
    return status == HTTP_NOT_FOUND ? et_fail_unavailable(q) : status;
}

/* The post of the path, for a change by its author or an admin: OK with
 * *rows holding et_post_fields' columns, or 404/403/503 already set up. */
static int load_for_change(et_req *q, et_rows **rows)
{
    const char *author;
    int found = select_post(q->r, "et_post_fields", q->ids[0], rows);
    if (found < 0)
        return et_fail_unavailable(q);
    author = found ? ET_CELL(*rows, 0, R_AUTHOR) : NULL;
    /* a blinded post is not there for anyone it is hidden from */
    if (!found || et_blind_hides(q, et_cell_i64(ET_CELL(*rows, 0, R_BLINDED)) != 0, author))
        return et_fail(q, ET_E_NOT_FOUND);
    if (strcmp(author, q->user->user_id) && strcmp(q->user->role, ET_ROLE_ADMIN))
        return et_fail(q, ET_E_PERMISSION_DENIED);
    return OK;
}

/* PUT (full) and PATCH. */
static int update_post(et_req *q, int full)
{
    post_fields f;
    et_rows *rows;
    int status = load_for_change(q, &rows);
    if (status != OK)
        return status;
    f.board = et_cell_i64(ET_CELL(rows, 0, R_BOARD));
    f.title = ET_CELL(rows, 0, R_TITLE);
    f.content = ET_CELL(rows, 0, R_CONTENT);
    f.is_anonymous = et_cell_i64(ET_CELL(rows, 0, R_ANON)) != 0;
    f.is_question = et_cell_i64(ET_CELL(rows, 0, R_QUESTION)) != 0;
    if ((status = read_post_fields(q, full, &f)) != OK)
        return status;
    if (et_db_exec(q->r, "et_post_update", NULL, f.board, f.title, f.content,
                   (apr_int64_t)f.is_anonymous, (apr_int64_t)f.is_question,
                   (apr_int64_t)apr_time_now(), q->ids[0]) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return reply_post(q, HTTP_OK, q->ids[0]);
}

static int et_posts_get(et_req *q)
{
    return reply_post(q, HTTP_OK, q->ids[0]);
}

static int et_posts_put(et_req *q)
{
    return update_post(q, 1);
}

static int et_posts_patch(et_req *q)
{
    return update_post(q, 0);
}

/* The post's media go with it, in the same transaction: an upload racing
 * the delete either finished first (and its files are removed here) or finds
 * the post deleted (api/media.c). A database failure, the COMMIT's included,
 * leaves the post, its media rows and their files as they were: the files
 * are removed only once the COMMIT has succeeded. */
static int et_posts_delete(et_req *q)
{
    et_rows *rows;
    int status = load_for_change(q, &rows);
    if (status != OK)
        return status;
    if (et_db_begin(q->r) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (et_db_exec(q->r, "et_post_delete", NULL, (apr_int64_t)apr_time_now(), q->ids[0]) !=
            APR_SUCCESS ||
        et_media_remove_for_post(q->r, q->ids[0]) != APR_SUCCESS ||
        et_db_commit(q->r) != APR_SUCCESS) {
        et_db_rollback(q->r);
        return et_fail_unavailable(q);
    }
    return HTTP_NO_CONTENT;
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {{M_GET, "/boards/{int}/posts", et_posts_board_list, ET_PUBLIC, 0},
                                  {M_GET, "/posts", et_posts_list, ET_PUBLIC, 0},
                                  {M_POST, "/posts", et_posts_create, ET_USER, ET_JSON_BODY},
                                  {M_GET, "/posts/hot", et_posts_hot, ET_PUBLIC, 0},
                                  {M_GET, "/posts/{int}", et_posts_get, ET_PUBLIC, 0},
                                  {M_PUT, "/posts/{int}", et_posts_put, ET_USER, ET_JSON_BODY},
                                  {M_PATCH, "/posts/{int}", et_posts_patch, ET_USER, ET_JSON_BODY},
                                  {M_DELETE, "/posts/{int}", et_posts_delete, ET_USER, 0},
                                  {M_GET, "/me/posts", et_posts_mine, ET_USER, 0},
                                  ET_ROUTES_END};

const et_group et_api_posts = {"posts", statements, routes};

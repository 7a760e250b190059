/*
 * api_posts.c: posts: keyset-paginated lists (all, one board, one writer,
 * HOT, the caller's own), create, read, PUT/PATCH and soft delete by the
 * author or an admin. Likes, scraps and comments keep the counters; this
 * file only reads them.
 *
 * Anonymity: an anonymous post's author shows as ET_ANON_PLAIN, and the
 * ?user= filter never matches a writer's anonymous posts for anyone but that
 * writer, or the list itself would tell who wrote them.
 */
#include "api.h"
#include "auth.h"
#include "community.h"
#include "cursor.h"
#include "media.h"
#include "posts.h"
#include "util.h"

#define MAX_TITLE 200
#define MAX_CONTENT 20000
#define MAX_ID APR_INT64_C(999999999999)
/* "before" of a first page: every key is smaller */
#define KEY_MAX APR_INT64_C(9223372036854775807)

/* The inner page query of a list ordered by id (ET_POST_SELECT_HEAD, posts.h). */
#define BY_ID(where)                                                                        \
    ET_POST_SELECT_HEAD "SELECT " ET_POST_INNER_COLUMNS ", p.id AS sort_key " LIVE_POSTS where \
    ET_POST_SELECT_TAIL
#define LIVE_POSTS                                                                  \
    "FROM posts p JOIN boards b ON b.id = p.board_id AND b.is_deleted = 0 "         \
    "WHERE p.is_deleted = 0 "
/* ?title= and ?q=: each off when its text is '' (the first argument), so the
 * common unfiltered page does no LIKE work at all */
#define TEXT_FILTERS                                                                \
    "AND (%s = '' OR LOWER(p.title) LIKE LOWER(%s) ESCAPE '!') "                    \
    "AND (%s = '' OR LOWER(p.title) LIKE LOWER(%s) ESCAPE '!' "                     \
    "OR LOWER(p.content) LIKE LOWER(%s) ESCAPE '!') "
#define ID_PAGE "AND p.id < %lld ORDER BY p.id DESC LIMIT %lld"

/* One statement per index a list can walk (posts_live, posts_board,
 * posts_author, posts_hot), the remaining filters written so that '' or 0
 * turns them off. */
const et_stmt et_posts_statements[] = {
    {"et_post_list", BY_ID(TEXT_FILTERS ID_PAGE), NULL, NULL},
    {"et_post_list_board", BY_ID("AND p.board_id = %lld " TEXT_FILTERS ID_PAGE), NULL, NULL},
    /* the writer's anonymous posts only for the writer (the second argument) */
    {"et_post_list_user",
     BY_ID("AND p.author_id = %s AND (p.is_anonymous = 0 OR p.author_id = %s) "
           "AND (%lld = 0 OR p.board_id = %lld) " TEXT_FILTERS ID_PAGE),
     NULL, NULL},
    {"et_post_hot",
     ET_POST_SELECT_HEAD "SELECT " ET_POST_INNER_COLUMNS ", p.hot_at AS sort_key " LIVE_POSTS
     "AND p.hot_at IS NOT NULL AND (p.hot_at < %lld OR (p.hot_at = %lld AND p.id < %lld)) "
     "ORDER BY p.hot_at DESC, p.id DESC LIMIT %lld" ET_POST_SELECT_TAIL,
     NULL, NULL},
    {"et_post_get", BY_ID("AND p.id = %lld"), NULL, NULL},
    /* et_post_lookup, which other groups call on every write: no text */
    {"et_post_ref",
     "SELECT p.id, p.board_id, p.author_id, p.is_anonymous, b.allow_anonymous " LIVE_POSTS
     "AND p.id = %lld", NULL, NULL},
    {"et_post_fields",
     "SELECT p.id, p.board_id, p.author_id, p.is_anonymous, p.title, p.content, p.is_question "
     LIVE_POSTS "AND p.id = %lld", NULL, NULL},
    {"et_post_board", "SELECT allow_anonymous FROM boards WHERE id = %lld AND is_deleted = 0",
     NULL, NULL},
    {"et_post_insert",
     "INSERT INTO posts (board_id, author_id, title, content, is_anonymous, is_question, "
     "like_count, comment_count, scrap_count, is_deleted, created_at, updated_at) "
     "VALUES (%lld, %s, %s, %s, %lld, %lld, 0, 0, 0, 0, %lld, %lld) RETURNING id", NULL, NULL},
    /* the counters are not touched: likes, scraps and comments own them */
    {"et_post_update",
     "UPDATE posts SET board_id = %lld, title = %s, content = %s, is_anonymous = %lld, "
     "is_question = %lld, updated_at = %lld WHERE id = %lld AND is_deleted = 0", NULL, NULL},
    {"et_post_delete",
     "UPDATE posts SET is_deleted = 1, updated_at = %lld WHERE id = %lld AND is_deleted = 0",
     NULL, NULL},
    {NULL, NULL, NULL, NULL}
};

/* Columns of ET_POST_SELECT_HEAD, in order. */
enum {
    P_ID, P_BOARD, P_AUTHOR, P_NICK, P_ACTIVE, P_TITLE, P_CONTENT, P_ANON, P_QUESTION, P_HOT,
    P_LIKES, P_COMMENTS, P_SCRAPS, P_CREATED, P_UPDATED, P_SORT, P_LIKED, P_SCRAPPED,
    P_MEDIA_ID, P_MEDIA_FILE, P_MEDIA_TYPE, P_MEDIA_SIZE
};

/* Columns of et_post_ref and et_post_fields. */
enum { R_ID, R_BOARD, R_AUTHOR, R_ANON, R_TITLE, R_CONTENT, R_QUESTION };

/* --- rendering ------------------------------------------------------------------ */

/* The caller's id for the is_liked/is_scrapped joins: '' matches nobody. */
static const char *caller_or_blank(const et_req *q)
{
    return et_caller(q) ? et_caller(q) : "";
}

static json_t *post_author_json(const et_rows *rows, int i)
{
    if (et_cell_i64(ET_CELL(rows, i, P_ANON)))
        return et_author_json(NULL, NULL, ET_ANON_PLAIN);
    if (et_cell_i64(ET_CELL(rows, i, P_ACTIVE)) != 1)
        return et_author_json(NULL, NULL, ET_DELETED_USER);
    return et_author_json(ET_CELL(rows, i, P_AUTHOR), ET_CELL(rows, i, P_NICK), NULL);
}

static json_t *media_json(et_req *q, const et_rows *rows, int i)
{
    json_t *m = json_object();
    et_json_set_int(m, "id", et_cell_i64(ET_CELL(rows, i, P_MEDIA_ID)));
    et_json_set_str(m, "url",
                    apr_pstrcat(q->r->pool, q->conf->media_url, ET_CELL(rows, i, P_MEDIA_FILE),
                                NULL));
    et_json_set_str(m, "content_type", ET_CELL(rows, i, P_MEDIA_TYPE));
    et_json_set_int(m, "size", et_cell_i64(ET_CELL(rows, i, P_MEDIA_SIZE)));
    return m;
}

/* A Post from row i, with an empty media list for the caller to fill. */
static json_t *post_json(et_req *q, const et_rows *rows, int i)
{
    const char *caller = et_caller(q);
    json_t *p = json_object();
    et_json_set_int(p, "id", et_cell_i64(ET_CELL(rows, i, P_ID)));
    et_json_set_int(p, "board", et_cell_i64(ET_CELL(rows, i, P_BOARD)));
    json_object_set_new(p, "author", post_author_json(rows, i));
    et_json_set_str(p, "title", ET_CELL(rows, i, P_TITLE));
    et_json_set_str(p, "content", ET_CELL(rows, i, P_CONTENT));
    et_json_set_bool(p, "is_anonymous", et_cell_i64(ET_CELL(rows, i, P_ANON)) != 0);
    et_json_set_bool(p, "is_question", et_cell_i64(ET_CELL(rows, i, P_QUESTION)) != 0);
    et_json_set_str(p, "hot_at", et_cell_time(q->r->pool, ET_CELL(rows, i, P_HOT)));
    json_object_set_new(p, "media", json_array());
    et_json_set_int(p, "like_count", et_cell_i64(ET_CELL(rows, i, P_LIKES)));
    et_json_set_int(p, "comment_count", et_cell_i64(ET_CELL(rows, i, P_COMMENTS)));
    et_json_set_int(p, "scrap_count", et_cell_i64(ET_CELL(rows, i, P_SCRAPS)));
    et_json_set_bool(p, "is_liked", ET_CELL(rows, i, P_LIKED) != NULL);
    et_json_set_bool(p, "is_scrapped", ET_CELL(rows, i, P_SCRAPPED) != NULL);
    et_json_set_bool(p, "is_mine", caller && !strcmp(caller, ET_CELL(rows, i, P_AUTHOR)));
    et_json_set_str(p, "created_at", et_cell_time(q->r->pool, ET_CELL(rows, i, P_CREATED)));
    et_json_set_str(p, "updated_at", et_cell_time(q->r->pool, ET_CELL(rows, i, P_UPDATED)));
    return p;
}

/* The posts of rows (one row per media file, a post's rows adjacent), at
 * most limit of them; *next, a cursor of the list called name, continues
 * after the last one shown when the rows held another post, else NULL. */
static json_t *posts_from_rows(et_req *q, const et_rows *rows, int limit, const char *name,
                               const char **next)
{
    json_t *list = json_array(), *media = NULL;
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
            json_array_append_new(list, post);
            media = json_object_get(post, "media");
            last_id = id;
            last_key = et_cell_i64(ET_CELL(rows, i, P_SORT));
            shown++;
        }
        if (ET_CELL(rows, i, P_MEDIA_ID))
            json_array_append_new(media, media_json(q, rows, i));
    }
    return list;
}

json_t *et_post_page_json(et_req *q, const et_rows *rows, const et_page *page)
{
    const char *next;
    json_t *list = posts_from_rows(q, rows, page->limit, page->list, &next);
    return et_page_json(q, list, next);
}

/* Answers the live post id as a Post with status. */
static int reply_post(et_req *q, int status, apr_int64_t id)
{
    const char *caller = caller_or_blank(q), *next;
    et_rows *rows;
    json_t *list;
    if (et_db_select(q->r, "et_post_get", &rows, "lss", id, caller, caller) != APR_SUCCESS)
        return et_fail_unavailable(q);
    list = et_json_own(q->r->pool, posts_from_rows(q, rows, 1, "posts", &next));
    if (json_array_size(list) == 0)
        return et_fail(q, ET_E_NOT_FOUND);
    return et_reply(q, status, json_array_get(list, 0));
}

/* --- lookup ----------------------------------------------------------------------- */

static int select_post(request_rec *r, const char *label, apr_int64_t id, et_rows **rows)
{
    if (et_db_select(r, label, rows, "l", id) != APR_SUCCESS)
        return -1;
    return (*rows)->nrows ? 1 : 0;
}

int et_post_lookup(request_rec *r, apr_int64_t id, et_post_ref *out)
{
    et_rows *rows;
    int found = select_post(r, "et_post_ref", id, &rows);
    if (found == 1) {
        out->id = et_cell_i64(ET_CELL(rows, 0, R_ID));
        out->board_id = et_cell_i64(ET_CELL(rows, 0, R_BOARD));
        out->author_id = ET_CELL(rows, 0, R_AUTHOR);
        out->is_anonymous = et_cell_i64(ET_CELL(rows, 0, R_ANON)) != 0;
        /* et_post_ref's fifth column (R_TITLE belongs to et_post_fields) */
        out->board_allows_anonymous = et_cell_i64(ET_CELL(rows, 0, R_ANON + 1)) != 0;
    }
    return found;
}

/* --- lists ------------------------------------------------------------------------ */

typedef struct {
    apr_int64_t board;  /* 0: any */
    const char *user;   /* NULL: any */
    const char *title;  /* '' when not filtering; the pattern below otherwise */
    const char *title_like;
    const char *text;   /* ?q= */
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
    return et_reply(q, HTTP_OK, et_post_page_json(q, rows, page));
}

/* Runs the list statement that suits the filters. */
static int list_posts(et_req *q, const post_filters *f)
{
    const char *caller = caller_or_blank(q);
    apr_int64_t before = f->page.has_cursor ? f->page.key1 : KEY_MAX;
    apr_int64_t fetch = f->page.limit + 1;
    et_rows *rows = NULL;
    apr_status_t rv;
    if (f->user)
        rv = et_db_select(q->r, "et_post_list_user", &rows, "ssllsssssllss", f->user, caller,
                          f->board, f->board, f->title, f->title_like, f->text, f->text_like,
                          f->text_like, before, fetch, caller, caller);
    else if (f->board)
        rv = et_db_select(q->r, "et_post_list_board", &rows, "lsssssllss", f->board, f->title,
                          f->title_like, f->text, f->text_like, f->text_like, before, fetch,
                          caller, caller);
    else
        rv = et_db_select(q->r, "et_post_list", &rows, "sssssllss", f->title, f->title_like,
                          f->text, f->text_like, f->text_like, before, fetch, caller, caller);
    return list_reply(q, rv, rows, &f->page);
}

int et_posts_list(et_req *q)
{
    post_filters f;
    int status = read_filters(q, &f, "posts");
    return status != OK ? status : list_posts(q, &f);
}

int et_posts_board_list(et_req *q)
{
    post_filters f;
    et_rows *rows;
    int status = read_filters(q, &f, "posts");
    if (status != OK)
        return status;
    if (et_db_select(q->r, "et_post_board", &rows, "l", q->ids[0]) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (!rows->nrows)
        return et_fail(q, ET_E_NOT_FOUND);
    f.board = q->ids[0]; /* the path's board, whatever ?board= said */
    return list_posts(q, &f);
}

int et_posts_mine(et_req *q)
{
    post_filters f = {.board = 0, .title = "", .text = ""};
    int status = et_page_read(q, &f.page, "me_posts");
    if (status != OK)
        return status;
    /* as the writer, the caller sees their anonymous posts too */
    f.user = et_caller(q);
    return list_posts(q, &f);
}

int et_posts_hot(et_req *q)
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
    rv = et_db_select(q->r, "et_post_hot", &rows, "llllss", hot, hot, id,
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

/* Records the field errors of f's board: it must be live, and allow
 * anonymous posts when f is anonymous. -1 when the database failed. */
static int check_board(et_req *q, const post_fields *f)
{
    et_rows *rows;
    if (et_db_select(q->r, "et_post_board", &rows, "l", f->board) != APR_SUCCESS)
        return -1;
    if (!rows->nrows)
        et_field_invalid_pk(q, "board", f->board);
    else if (f->is_anonymous && !et_cell_i64(ET_CELL(rows, 0, 0)))
        et_field_error_text(q, "is_anonymous", "This board does not allow anonymous posts.",
                            "이 게시판에는 익명으로 글을 쓸 수 없습니다.");
    return 0;
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
    if ((s = et_body_str(q, "title", need, 0, MAX_TITLE)))
        f->title = s;
    if ((s = et_body_str(q, "content", need, 0, MAX_CONTENT)))
        f->content = s;
    et_body_bool(q, "is_question", need, &f->is_question);
    if ((board == 1 || anon == 1) && check_board(q, f) < 0)
        return et_fail_unavailable(q);
    return et_has_errors(q) ? et_fail_invalid(q) : OK;
}

int et_posts_create(et_req *q)
{
    post_fields f = {0, NULL, NULL, 0, 0};
    apr_int64_t now;
    et_rows *rows;
    int status;
    /* board, title and content are required; the flags default to false */
    et_body_int(q, "board", ET_REQUIRED, 1, MAX_ID, &f.board);
    f.title = et_body_str(q, "title", ET_REQUIRED, 0, MAX_TITLE);
    f.content = et_body_str(q, "content", ET_REQUIRED, 0, MAX_CONTENT);
    et_body_bool(q, "is_anonymous", 0, &f.is_anonymous);
    et_body_bool(q, "is_question", 0, &f.is_question);
    if (f.board && check_board(q, &f) < 0)
        return et_fail_unavailable(q);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    /* Posts list newest first by id, and nothing orders the writers of new
     * posts the way a post's row lock orders its comments: the clock is read
     * as late as it can be, so that only the INSERT's own wait for a busy
     * database is left for two posts' times to disagree with their ids. */
    now = apr_time_now();
    if (et_db_select(q->r, "et_post_insert", &rows, "lsssllll", f.board, et_caller(q), f.title,
                     f.content, (apr_int64_t)f.is_anonymous, (apr_int64_t)f.is_question, now, now)
            != APR_SUCCESS ||
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
    if (!found)
        return et_fail(q, ET_E_NOT_FOUND);
    author = ET_CELL(*rows, 0, R_AUTHOR);
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
    if (et_db_exec(q->r, "et_post_update", NULL, "lssllll", f.board, f.title, f.content,
                   (apr_int64_t)f.is_anonymous, (apr_int64_t)f.is_question,
                   (apr_int64_t)apr_time_now(), q->ids[0]) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return reply_post(q, HTTP_OK, q->ids[0]);
}

int et_posts_get(et_req *q)
{
    return reply_post(q, HTTP_OK, q->ids[0]);
}

int et_posts_put(et_req *q)
{
    return update_post(q, 1);
}

int et_posts_patch(et_req *q)
{
    return update_post(q, 0);
}

/* The post's media go with it, in the same transaction: an upload racing
 * the delete either finished first (and its files are removed here) or finds
 * the post deleted (api_media.c). A database failure, the COMMIT's included,
 * leaves the post, its media rows and their files as they were: the files
 * are removed only once the COMMIT has succeeded. */
int et_posts_delete(et_req *q)
{
    et_rows *rows;
    int status = load_for_change(q, &rows);
    if (status != OK)
        return status;
    if (et_db_begin(q->r) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (et_db_exec(q->r, "et_post_delete", NULL, "ll", (apr_int64_t)apr_time_now(), q->ids[0])
            != APR_SUCCESS ||
        et_media_remove_for_post(q->r, q->ids[0]) != APR_SUCCESS ||
        et_db_commit(q->r) != APR_SUCCESS) {
        et_db_rollback(q->r);
        return et_fail_unavailable(q);
    }
    return HTTP_NO_CONTENT;
}

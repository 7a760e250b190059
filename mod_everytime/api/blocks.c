/*
 * api/blocks.c: 차단. A user blocks the author of a post, a comment or a
 * conversation they can see, without ever being told who that is: a block
 * answers {id, created_at} and nothing else, and no answer of this file
 * depends on who the author is beyond "it is you" (400).
 *
 * Blocking through a second item of an author already blocked renews the
 * block: the old row goes and a new one comes, so the answer (201, a new id,
 * the time now) is the one a first block gets, by the same statements.
 * A 409, or the old block's id, would tell the caller that the two items
 * share an author, which for anonymous writing is exactly what must not
 * leak. The caller's block list then holds one block for that author, as it
 * must (UNIQUE(blocker_id, blocked_id)); that tells them no more than their
 * post lists already do once the author's writing has left them.
 */
#include "api/groups.h"
#include "core/cursor.h"
#include "core/errors.h"
#include "core/transaction.h"
#include "core/validate.h"
#include "domain/comments.h"
#include "domain/moderation.h"
#include "domain/posts.h"
#include "infra/util.h"

static const et_stmt statements[] = {
    /* the other side of one of the caller's conversations */
    {"et_block_conv_other", "slss", 1,
     "SELECT CASE WHEN starter_id = %s THEN recipient_id ELSE starter_id END FROM conversations "
     "WHERE id = %lld AND (starter_id = %s OR recipient_id = %s)",
     NULL, NULL},
    {"et_block_clear", "ss", 0, "DELETE FROM user_blocks WHERE blocker_id = %s AND blocked_id = %s",
     NULL, NULL},
    {"et_block_insert", "ssll", 2,
     "INSERT INTO user_blocks (blocker_id, blocked_id, created_at, updated_at) "
     "VALUES (%s, %s, %lld, %lld) RETURNING id, created_at",
     NULL, NULL},
    /* never the blocked user's id: the caller must not learn it */
    {"et_block_list", "sll", 2,
     "SELECT id, created_at FROM user_blocks WHERE blocker_id = %s AND id < %lld "
     "ORDER BY id DESC LIMIT %lld",
     NULL, NULL},
    {"et_block_delete", "ls", 0, "DELETE FROM user_blocks WHERE id = %lld AND blocker_id = %s",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* --- whom to block ----------------------------------------------------------- */

/* The author of what the body names, as the caller may see it: OK with
 * *author set, or 404 / 503 already set up. */
static int author_of(et_req *q, const char *field, apr_int64_t id, const char **author)
{
    et_post_ref post;
    et_comment_ref comment;
    et_rows *rows;
    int found;
    const char *me = et_caller(q);
    if (!strcmp(field, "post")) {
        found = et_post_find(q, id, &post);
        *author = found == 1 ? post.author_id : NULL;
    } else if (!strcmp(field, "comment")) {
        found = et_comment_find(q, id, &comment);
        *author = found == 1 ? comment.author_id : NULL;
    } else {
        found = et_db_select(q->r, "et_block_conv_other", &rows, me, id, me, me) == APR_SUCCESS
                    ? rows->nrows == 1
                    : -1;
        *author = found == 1 ? ET_CELL(rows, 0, 0) : NULL;
    }
    if (found < 0)
        return et_fail_unavailable(q);
    return found ? OK : et_fail(q, ET_E_NOT_FOUND);
}

/* Reads {post | comment | conversation}: exactly one, a positive integer.
 * The field named in *field and its id in *id, or 400 already set up. */
static int read_target(et_req *q, const char **field, apr_int64_t *id)
{
    static const char *const fields[] = {"post", "comment", "conversation"};
    int i, given = 0, bad = 0;
    for (i = 0; i < 3; i++) {
        apr_int64_t v = 0;
        int has = et_body_int(q, fields[i], ET_NULLABLE, 1, APR_INT64_MAX, &v);
        bad |= has < 0;
        if (has == 1) {
            given++;
            *field = fields[i];
            *id = v;
        }
    }
    if (!bad && given != 1)
        et_field_error_text(q, "non_field_errors",
                            "Give exactly one of post, comment or conversation.",
                            "post, comment, conversation 중 하나만 주어야 합니다.");
    return et_has_errors(q) ? et_fail_invalid(q) : OK;
}

/* --- blocking ----------------------------------------------------------------- */

typedef struct {
    const char *blocked;
    apr_int64_t id;
    const char *created_at;
} new_block;

/* A first block and a renewed one run the same two statements. */
static int put_block(et_req *q, void *ctx)
{
    new_block *b = ctx;
    apr_int64_t now = apr_time_now();
    et_rows *rows;
    if (et_db_exec(q->r, "et_block_clear", NULL, et_caller(q), b->blocked) != APR_SUCCESS ||
        et_db_select(q->r, "et_block_insert", &rows, et_caller(q), b->blocked, now, now) !=
            APR_SUCCESS ||
        rows->nrows != 1)
        return ET_TXN_RETRY;
    b->id = et_cell_i64(ET_CELL(rows, 0, 0));
    b->created_at = et_cell_time(q->r->pool, ET_CELL(rows, 0, 1));
    return OK;
}

static json_t *block_json(et_req *q, apr_int64_t id, const char *created_at)
{
    json_t *o = et_json_obj(q->r->pool);
    et_json_set_int(o, "id", id);
    et_json_set_str(q->r->pool, o, "created_at", created_at);
    return o;
}

/* POST /blocks/ {post | comment | conversation} → 201 {id, created_at} */
static int et_blocks_create(et_req *q)
{
    const char *field = NULL;
    apr_int64_t id = 0;
    new_block b = {NULL, 0, NULL};
    int status;
    if ((status = read_target(q, &field, &id)) != OK ||
        (status = author_of(q, field, id, &b.blocked)) != OK)
        return status;
    if (!strcmp(b.blocked, et_caller(q))) {
        et_field_error_text(q, field, "You cannot block yourself.",
                            "자기 자신은 차단할 수 없습니다.");
        return et_fail_invalid(q);
    }
    if ((status = et_transaction(q, put_block, &b)) != OK)
        return status;
    return et_reply(q, HTTP_CREATED, block_json(q, b.id, b.created_at));
}

/* GET /blocks/: the caller's blocks, newest first, {id, created_at} each */
static int et_blocks_list(et_req *q)
{
    et_page page;
    et_rows *rows;
    json_t *list;
    int status, i, shown;
    if ((status = et_page_read(q, &page, "blocks")) != OK)
        return status;
    if (et_db_select(q->r, "et_block_list", &rows, et_caller(q),
                     page.has_cursor ? page.key1 : APR_INT64_MAX,
                     (apr_int64_t)page.limit + 1) != APR_SUCCESS)
        return et_fail_unavailable(q);
    shown = et_page_shown(&page, rows);
    list = et_json_arr(q->r->pool);
    for (i = 0; i < shown; i++)
        et_json_push(list, block_json(q, et_cell_i64(ET_CELL(rows, i, 0)),
                                      et_cell_time(q->r->pool, ET_CELL(rows, i, 1))));
    return et_reply(q, HTTP_OK, et_page_json(q, list, et_page_next(q, &page, rows, 0, -1)));
}

/* DELETE /blocks/{id}/: the caller's own only; anyone else's is 404 */
static int et_blocks_delete(et_req *q)
{
    int n;
    if (et_db_exec(q->r, "et_block_delete", &n, q->ids[0], et_caller(q)) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return n ? HTTP_NO_CONTENT : et_fail(q, ET_E_NOT_FOUND);
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {{M_POST, "/blocks", et_blocks_create, ET_USER, ET_JSON_BODY},
                                  {M_GET, "/blocks", et_blocks_list, ET_USER, 0},
                                  {M_DELETE, "/blocks/{int}", et_blocks_delete, ET_USER, 0},
                                  ET_ROUTES_END};

const et_group et_api_blocks = {"blocks", statements, routes};

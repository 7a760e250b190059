/*
 * post_render.c: Posts written from ET_POST_SELECT_HEAD's rows (posts.h).
 * The keys and their order are the Post of docs/openapi.json; a post's media
 * are the rows that follow it with the same id, read ahead in the same pass.
 */
#include "domain/post_render.h"
#include "domain/anonymity.h"
#include "domain/posts.h"
#include "domain/users.h"
#include "core/errors.h"
#include "infra/util.h"

/* About the size of one Post of a list, to size the buffer once. */
#define POST_BYTES 512

static apr_int64_t cell_i64(const et_rows *rows, int i, int col)
{
    return et_cell_i64(ET_CELL(rows, i, col));
}

static void write_author(et_jbuf *b, const et_rows *rows, int i)
{
    if (cell_i64(rows, i, ET_PC_ANON))
        et_author_write(b, NULL, NULL, ET_ANON_PLAIN);
    else if (cell_i64(rows, i, ET_PC_ACTIVE) != 1)
        et_author_write(b, NULL, NULL, ET_DELETED_USER);
    else
        et_author_write(b, ET_CELL(rows, i, ET_PC_AUTHOR), ET_CELL(rows, i, ET_PC_NICK), NULL);
}

static void write_time(et_req *q, et_jbuf *b, const char *key, const char *cell)
{
    et_jbuf_str(b, key, et_cell_time(q->r->pool, cell));
}

static void write_media(et_req *q, et_jbuf *b, const et_rows *rows, int i)
{
    et_jbuf_lit(b, "{\"id\":");
    et_jbuf_int(b, cell_i64(rows, i, ET_PC_MEDIA_ID));
    et_jbuf_lit(b, ",\"url\":");
    et_jbuf_str(
        b, "url",
        apr_pstrcat(q->r->pool, q->conf->media_url, ET_CELL(rows, i, ET_PC_MEDIA_FILE), NULL));
    et_jbuf_lit(b, ",\"content_type\":");
    et_jbuf_str(b, "content_type", ET_CELL(rows, i, ET_PC_MEDIA_TYPE));
    et_jbuf_lit(b, ",\"size\":");
    et_jbuf_int(b, cell_i64(rows, i, ET_PC_MEDIA_SIZE));
    et_jbuf_lit(b, "}");
}

/* The media of the post of row i: its rows from i on with the same id.
 * Answers the first row of the next post. */
static int write_media_list(et_req *q, et_jbuf *b, const et_rows *rows, int i)
{
    const char *id = ET_CELL(rows, i, ET_PC_ID);
    int first = 1;
    et_jbuf_lit(b, "[");
    for (; i < rows->nrows && !strcmp(ET_CELL(rows, i, ET_PC_ID), id); i++) {
        if (!ET_CELL(rows, i, ET_PC_MEDIA_ID))
            continue; /* the LEFT JOIN's row of a post without media */
        if (!first)
            et_jbuf_lit(b, ",");
        write_media(q, b, rows, i);
        first = 0;
    }
    et_jbuf_lit(b, "]");
    return i;
}

/* The Post of row i; answers the first row of the next post. */
static int write_post(et_req *q, et_jbuf *b, const et_rows *rows, int i)
{
    const char *caller = et_caller(q);
    int next;
    et_jbuf_lit(b, "{\"id\":");
    et_jbuf_int(b, cell_i64(rows, i, ET_PC_ID));
    et_jbuf_lit(b, ",\"board\":");
    et_jbuf_int(b, cell_i64(rows, i, ET_PC_BOARD));
    et_jbuf_lit(b, ",\"author\":");
    write_author(b, rows, i);
    et_jbuf_lit(b, ",\"title\":");
    et_jbuf_str(b, "title", ET_CELL(rows, i, ET_PC_TITLE));
    et_jbuf_lit(b, ",\"content\":");
    et_jbuf_str(b, "content", ET_CELL(rows, i, ET_PC_CONTENT));
    et_jbuf_lit(b, ",\"is_anonymous\":");
    et_jbuf_bool(b, cell_i64(rows, i, ET_PC_ANON) != 0);
    et_jbuf_lit(b, ",\"is_question\":");
    et_jbuf_bool(b, cell_i64(rows, i, ET_PC_QUESTION) != 0);
    et_jbuf_lit(b, ",\"hot_at\":");
    write_time(q, b, "hot_at", ET_CELL(rows, i, ET_PC_HOT));
    et_jbuf_lit(b, ",\"media\":");
    next = write_media_list(q, b, rows, i);
    et_jbuf_lit(b, ",\"like_count\":");
    et_jbuf_int(b, cell_i64(rows, i, ET_PC_LIKES));
    et_jbuf_lit(b, ",\"comment_count\":");
    et_jbuf_int(b, cell_i64(rows, i, ET_PC_COMMENTS));
    et_jbuf_lit(b, ",\"scrap_count\":");
    et_jbuf_int(b, cell_i64(rows, i, ET_PC_SCRAPS));
    et_jbuf_lit(b, ",\"is_liked\":");
    et_jbuf_bool(b, ET_CELL(rows, i, ET_PC_LIKED) != NULL);
    et_jbuf_lit(b, ",\"is_scrapped\":");
    et_jbuf_bool(b, ET_CELL(rows, i, ET_PC_SCRAPPED) != NULL);
    et_jbuf_lit(b, ",\"is_mine\":");
    et_jbuf_bool(b, caller && !strcmp(caller, ET_CELL(rows, i, ET_PC_AUTHOR)));
    /* only its author and admins are ever shown a blinded post: the field is
     * there for them, and absent from every other Post */
    if (cell_i64(rows, i, ET_PC_BLINDED))
        et_jbuf_lit(b, ",\"is_blinded\":true");
    et_jbuf_lit(b, ",\"created_at\":");
    write_time(q, b, "created_at", ET_CELL(rows, i, ET_PC_CREATED));
    et_jbuf_lit(b, ",\"updated_at\":");
    write_time(q, b, "updated_at", ET_CELL(rows, i, ET_PC_UPDATED));
    et_jbuf_lit(b, "}");
    return next;
}

void et_posts_write(et_req *q, et_jbuf *b, const et_rows *rows, int limit, const char *name,
                    const char **next)
{
    int i = 0, shown = 0, last = -1;
    *next = NULL;
    et_jbuf_lit(b, "[");
    while (i < rows->nrows) {
        if (shown == limit) {
            *next = et_cursor_make(q, name, cell_i64(rows, last, ET_PC_SORT),
                                   cell_i64(rows, last, ET_PC_ID));
            break;
        }
        if (shown++)
            et_jbuf_lit(b, ",");
        last = i;
        i = write_post(q, b, rows, i);
    }
    et_jbuf_lit(b, "]");
}

int et_post_page_reply(et_req *q, const et_rows *rows, const et_page *page)
{
    et_jbuf *b = et_jbuf_make(q->r->pool, (apr_size_t)page->limit * POST_BYTES + 256);
    const char *next;
    et_jbuf_lit(b, "{\"results\":");
    et_posts_write(q, b, rows, page->limit, page->list, &next);
    et_jbuf_lit(b, ",\"next\":");
    et_jbuf_str(b, "next", next);
    et_jbuf_lit(b, "}");
    return et_reply_jbuf(q, HTTP_OK, b);
}

int et_post_reply(et_req *q, int status, const et_rows *rows)
{
    et_jbuf *b;
    if (!rows->nrows)
        return et_fail(q, ET_E_NOT_FOUND);
    b = et_jbuf_make(q->r->pool, POST_BYTES * 2);
    write_post(q, b, rows, 0);
    return et_reply_jbuf(q, status, b);
}

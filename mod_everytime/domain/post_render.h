/*
 * post_render.h: Post objects written straight from the rows of a statement
 * built on ET_POST_SELECT_HEAD (posts.h) into the reply, in one pass: every
 * post list (the board's, the search, HOT, a writer's, the caller's scraps,
 * any list added later) and the single Post answers go through here, so a
 * Post looks the same wherever it appears. No jansson tree is built: a page
 * of posts was mostly that tree's cost.
 */
#ifndef ET_POST_RENDER_H
#define ET_POST_RENDER_H

#include "core/cursor.h"
#include "core/request.h"
#include "infra/db.h"
#include "infra/json_writer.h"

/* Answers 200 with {"results": [Post, ...], "next": cursor or null} from the
 * rows of such a statement: at most page->limit posts; next continues after
 * the last one shown, as page->list's cursor (sort_key, id), when the query
 * found another post (it fetches limit + 1). */
int et_post_page_reply(et_req *q, const et_rows *rows, const et_page *page);

/* Answers status with the first post of rows as a Post, or 404 when rows
 * hold none. */
int et_post_reply(et_req *q, int status, const et_rows *rows);

/* The building blocks, for a list shaped otherwise: writes the Posts of rows
 * (one row per media file, a post's rows adjacent) into b as a JSON array,
 * at most limit of them; *next, a cursor of the list called name, continues
 * after the last one shown when the rows held another post, else NULL. */
void et_posts_write(et_req *q, et_jbuf *b, const et_rows *rows, int limit, const char *name,
                    const char **next);

#endif

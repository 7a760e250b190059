/*
 * posts.h: what other resource groups need to know about posts: whether one
 * exists (and who wrote it, anonymously or not), and how to render lists of
 * Post objects from a query of their own (e.g. the caller's scraps).
 */
#ifndef ET_POSTS_H
#define ET_POSTS_H

#include "core/cursor.h"
#include "infra/db.h"
#include "core/group.h"
#include "core/request.h"

/* The statements of the lookup below (posts.c). */
extern const et_group et_domain_posts;

/* The live posts: not deleted, on a board that is not deleted. */
#define ET_LIVE_POSTS                                                       \
    "FROM posts p JOIN boards b ON b.id = p.board_id AND b.is_deleted = 0 " \
    "WHERE p.is_deleted = 0 "

/* A live post: not deleted, on a board that is not deleted. */
typedef struct et_post_ref {
    apr_int64_t id;
    apr_int64_t board_id;
    const char *author_id; /* never put it in a reply when is_anonymous */
    int is_anonymous;
    int board_allows_anonymous;
    int board_requires_verification; /* only verified users may comment */
} et_post_ref;

/* 1 and *out filled when post id is live, 0 when it does not exist or is
 * deleted (answer 404), -1 when the database failed (answer 503). */
int et_post_lookup(request_rec *r, apr_int64_t id, et_post_ref *out);

/*
 * Lists of Post objects from another file's statement. The statement is
 *
 *   ET_POST_SELECT_HEAD
 *     "SELECT " ET_POST_INNER_COLUMNS ", <sort key> AS sort_key FROM posts p ... "
 *     "WHERE p.is_deleted = 0 ... ORDER BY <sort key> DESC, p.id DESC LIMIT %lld"
 *   ET_POST_SELECT_TAIL
 *
 * with the caller's id ('' when anonymous) bound twice after the inner
 * arguments (ET_POST_SELECT_TAIL's is_liked and is_scrapped joins). The inner
 * query picks one page of posts (limit + 1 rows, to know whether there is a
 * next page) by a descending (sort_key, id); the outer one adds the author,
 * the caller's like and scrap, and the media, one row per media file.
 * The inner query leaves out deleted posts and posts of deleted boards
 * itself (ET_LIVE_POSTS; see api/posts.c's statements for examples).
 */
#define ET_POST_INNER_COLUMNS                                                            \
    "p.id, p.board_id, p.author_id, p.title, p.content, p.is_anonymous, p.is_question, " \
    "p.hot_at, p.like_count, p.comment_count, p.scrap_count, p.created_at, p.updated_at"
#define ET_POST_SELECT_HEAD                                                               \
    "SELECT p.id, p.board_id, p.author_id, u.nickname, u.is_active, p.title, p.content, " \
    "p.is_anonymous, p.is_question, p.hot_at, p.like_count, p.comment_count, "            \
    "p.scrap_count, p.created_at, p.updated_at, p.sort_key, lk.user_id, sc.user_id, "     \
    "m.id, m.file_name, m.content_type, m.size FROM ("
#define ET_POST_SELECT_TAIL                                              \
    ") p JOIN users u ON u.id = p.author_id "                            \
    "LEFT JOIN post_likes lk ON lk.post_id = p.id AND lk.user_id = %s "  \
    "LEFT JOIN post_scraps sc ON sc.post_id = p.id AND sc.user_id = %s " \
    "LEFT JOIN media m ON m.post_id = p.id "                             \
    "ORDER BY p.sort_key DESC, p.id DESC, m.id"

/* {"results": [Post, ...], "next": cursor or null} from the rows of such a
 * statement: at most page->limit posts; next continues after the last one
 * shown, as page->list's cursor (sort_key, id), when the query found another
 * post. */
json_t *et_post_page_json(et_req *q, const et_rows *rows, const et_page *page);

/* The Posts of such rows (one row per media file, a post's rows adjacent),
 * at most limit of them; *next, a cursor of the list called name, continues
 * after the last one shown when the rows held another post, else NULL. */
json_t *et_posts_from_rows(et_req *q, const et_rows *rows, int limit, const char *name,
                           const char **next);

#endif

/*
 * posts.h: what other resource groups need to know about posts: whether one
 * exists (and who wrote it, anonymously or not), and the shape of a query
 * of Post objects (post_render.h writes them), e.g. the caller's scraps.
 */
#ifndef ET_POSTS_H
#define ET_POSTS_H

#include "core/cursor.h"
#include "infra/db.h"
#include "core/group.h"
#include "core/request.h"
#include "domain/moderation.h"

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
    int is_blinded; /* hidden from all but its author and admins (et_blind_hides) */
    int board_requires_verification; /* only verified users may comment */
} et_post_ref;

/* 1 and *out filled when post id is live, 0 when it does not exist or is
 * deleted (answer 404), -1 when the database failed (answer 503). A live
 * post may still be blinded: see et_post_find. */
int et_post_lookup(request_rec *r, apr_int64_t id, et_post_ref *out);

/* et_post_lookup as the caller may see it: 0 also for a post blinded to
 * them (domain/moderation.h). */
int et_post_find(const et_req *q, apr_int64_t id, et_post_ref *out);

/* The post lists' filter: the viewer sees the post (not blinded, or theirs,
 * or the viewer is an admin) and does not block its author. Binds the
 * viewer (et_viewer), et_viewer_admin and the viewer again. */
#define ET_POST_VISIBLE      "AND " ET_SEEN("p") " AND " ET_UNBLOCKED("p.author_id") " "
#define ET_POST_VISIBLE_ARGS ET_SEEN_ARGS ET_UNBLOCKED_ARGS

/*
 * Lists of Post objects from another file's statement, written by
 * post_render.h. The statement is
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
#define ET_POST_INNER_COLUMNS                                                              \
    "p.id, p.board_id, p.author_id, p.title, p.content, p.is_anonymous, p.is_question, "   \
    "p.hot_at, p.like_count, p.comment_count, p.scrap_count, p.created_at, p.updated_at, " \
    "p.is_blinded"
#define ET_POST_SELECT_HEAD                                                               \
    "SELECT p.id, p.board_id, p.author_id, u.nickname, u.is_active, p.title, p.content, " \
    "p.is_anonymous, p.is_question, p.hot_at, p.like_count, p.comment_count, "            \
    "p.scrap_count, p.created_at, p.updated_at, p.sort_key, lk.user_id, sc.user_id, "     \
    "m.id, m.file_name, m.content_type, m.size, p.is_blinded FROM ("
#define ET_POST_SELECT_TAIL                                              \
    ") p JOIN users u ON u.id = p.author_id "                            \
    "LEFT JOIN post_likes lk ON lk.post_id = p.id AND lk.user_id = %s "  \
    "LEFT JOIN post_scraps sc ON sc.post_id = p.id AND sc.user_id = %s " \
    "LEFT JOIN media m ON m.post_id = p.id "                             \
    "ORDER BY p.sort_key DESC, p.id DESC, m.id"

/* The two SQL texts (sql, sql_pgsql of an et_stmt) of a page of Post
 * objects: the inner query's sort key, its FROM and WHERE (ending in a
 * space), its order, and that order over the page's columns (ET_SQL_PAGE_PG
 * in cursor.h). Arguments as the shape above says, the page's rows last
 * among the inner ones. */
#define ET_POST_PAGE_SQL(sort_key, from_where, order)                                            \
    ET_POST_SELECT_HEAD "SELECT " ET_POST_INNER_COLUMNS ", " sort_key " AS sort_key " from_where \
    ET_SQL_PAGE(order) ET_POST_SELECT_TAIL
#define ET_POST_PAGE_PG(sort_key, from_where, order, outer)                               \
    ET_POST_SELECT_HEAD ET_SQL_PAGE_PG_HEAD "SELECT " ET_POST_INNER_COLUMNS ", " sort_key \
                                            " AS sort_key " from_where                    \
                                            ET_SQL_PAGE_PG(order, outer) ET_POST_SELECT_TAIL
#define ET_POST_PAGE(sort_key, from_where, order, outer) \
    ET_POST_PAGE_SQL(sort_key, from_where, order),       \
        ET_POST_PAGE_PG(sort_key, from_where, order, outer)

/* The columns of ET_POST_SELECT_HEAD, in its order: one row per media
 * file of each post (the media columns NULL for a post without any). */
enum {
    ET_PC_ID,
    ET_PC_BOARD,
    ET_PC_AUTHOR,
    ET_PC_NICK,
    ET_PC_ACTIVE,
    ET_PC_TITLE,
    ET_PC_CONTENT,
    ET_PC_ANON,
    ET_PC_QUESTION,
    ET_PC_HOT,
    ET_PC_LIKES,
    ET_PC_COMMENTS,
    ET_PC_SCRAPS,
    ET_PC_CREATED,
    ET_PC_UPDATED,
    ET_PC_SORT,
    ET_PC_LIKED,
    ET_PC_SCRAPPED,
    ET_PC_MEDIA_ID,
    ET_PC_MEDIA_FILE,
    ET_PC_MEDIA_TYPE,
    ET_PC_MEDIA_SIZE,
    ET_PC_BLINDED,
    ET_PC_NCOLS
};

#endif

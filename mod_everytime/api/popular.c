/*
 * api/popular.c: 실시간 인기 글 (GET /posts/popular/) and BEST
 * (GET /posts/best/), both Post lists rendered by domain/posts.c.
 *
 * Popular: the live posts of the last 48 hours (not after now: a post is
 * never "of the last 48 hours" before it exists), at most 20, by
 *   score = (2 * like_count + comment_count) / (hours since created + 2)^1.5
 * highest first, then newest. SQLite has no pow(), and no driver needs it:
 * with n = 2 * likes + comments >= 0 and a = hours + 2 >= 2, the score and
 * its square n^2 / a^3 order the posts the same, and that square is plain
 * multiplication and division, the same on the three databases. The
 * candidates are read from the posts_popular index alone (0009); only the
 * 20 chosen are joined to their rows.
 *
 * That ranking costs in proportion to the window's posts, so with
 * EverytimePopularCacheSeconds above 0 each process keeps the ranked ids
 * (domain/popular_cache.c) that long, and every request reads only those
 * posts again: whether they are still live (a deleted post drops out at
 * once), their counters, and the caller's like and scrap. The order and the
 * membership may be that many seconds old; the posts shown are not.
 *
 * BEST: the live posts created within the period (and, as above, not
 * after now) with at least one like,
 * most liked first, then newest (id), keyset-paged on (like_count, id)
 * along the posts_best index.
 */
#include "api/groups.h"
#include "core/cursor.h"
#include "domain/moderation.h"
#include "domain/popular_cache.h"
#include "domain/post_render.h"
#include "domain/posts.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/query.h"

#include <string.h>

#define POPULAR_LIMIT  ET_POPULAR_MAX
#define POPULAR_WINDOW (APR_INT64_C(48) * 3600 * APR_USEC_PER_SEC)
#define DAY            (APR_INT64_C(86400) * APR_USEC_PER_SEC)
/* "before" of a first page: every key is smaller */
#define KEY_MAX APR_INT64_C(9223372036854775807)

/* The ids of the live posts of the window and the school (0: any), at most
 * the limit, by the score's square, then newest. Hours are a double: HOUR
 * is a double literal of 3.6e9 microseconds (PostgreSQL reads 3.6e9 as
 * numeric, which would be exact and slow). */
#define RANKED(HOUR)                                                            \
    "SELECT x.id, x.n * x.n / (x.a * x.a * x.a) AS score FROM ("                \
    "SELECT p.id, 2 * p.like_count + p.comment_count AS n, "                    \
    "(%lld - p.created_at) / " HOUR " + 2 AS a "                                \
    "FROM posts p JOIN boards b ON b.id = p.board_id AND b.is_deleted = 0 "     \
    "WHERE p.is_deleted = 0 AND p.created_at >= %lld AND p.created_at <= %lld " \
    "AND (%lld = 0 OR b.school_id = %lld)) x "                                  \
    "ORDER BY score DESC, x.id DESC LIMIT %lld"

/* The ranked posts themselves, in one statement (no cache). The rank goes
 * out as minus itself, so that ET_POST_SELECT_TAIL's descending sort_key
 * keeps the score's order. The ranking is everyone's; what the viewer may
 * not see (a blinded post, a blocked author: moderation.h) leaves it after,
 * as with the cache, so both answer the same. */
#define POPULAR(HOUR)                                                                         \
    ET_POST_SELECT_HEAD                                                                       \
    "SELECT " ET_POST_INNER_COLUMNS ", k.sort_key AS sort_key FROM ("                         \
    "SELECT r.id, 0 - ROW_NUMBER() OVER (ORDER BY r.score DESC, r.id DESC) AS sort_key FROM " \
    "(" RANKED(HOUR) ") r) k JOIN posts p ON p.id = k.id WHERE 1 = 1 " ET_POST_VISIBLE        \
        ET_POST_SELECT_TAIL

/* Only the ranking's ids, best first: what the cache keeps. */
#define POPULAR_IDS(HOUR) "SELECT r.id FROM (" RANKED(HOUR) ") r ORDER BY r.score DESC, r.id DESC"

/* A cached ranking's posts, rank k as sort key -k: ET_POPULAR_MAX ids (0,
 * which no post has, for the empty places), then the window's start. Each
 * is checked again as the uncached statement would: still live, on a live
 * board, still within the window, seen by the viewer (moderation.h); the
 * viewer's flags are the caller's.
 * PostgreSQL cannot type a bare parameter in a UNION: ID casts it. */
#define RANK(ID, K) "SELECT " ID " AS id, " #K " AS sort_key"
/* clang-format off */
#define RANKS(ID)                                                                   \
    RANK(ID, -1) " UNION ALL " RANK(ID, -2) " UNION ALL " RANK(ID, -3)              \
    " UNION ALL " RANK(ID, -4) " UNION ALL " RANK(ID, -5) " UNION ALL " RANK(ID, -6) \
    " UNION ALL " RANK(ID, -7) " UNION ALL " RANK(ID, -8) " UNION ALL " RANK(ID, -9) \
    " UNION ALL " RANK(ID, -10) " UNION ALL " RANK(ID, -11)                         \
    " UNION ALL " RANK(ID, -12) " UNION ALL " RANK(ID, -13)                         \
    " UNION ALL " RANK(ID, -14) " UNION ALL " RANK(ID, -15)                         \
    " UNION ALL " RANK(ID, -16) " UNION ALL " RANK(ID, -17)                         \
    " UNION ALL " RANK(ID, -18) " UNION ALL " RANK(ID, -19)                         \
    " UNION ALL " RANK(ID, -20)
/* clang-format on */
#define POPULAR_OF(ID)                                                                             \
    ET_POST_SELECT_HEAD                                                                            \
    "SELECT " ET_POST_INNER_COLUMNS ", k.sort_key AS sort_key FROM (" RANKS(                       \
        ID) ") k "                                                                                 \
            "JOIN posts p ON p.id = k.id JOIN boards b ON b.id = p.board_id AND b.is_deleted = 0 " \
            "WHERE p.is_deleted = 0 AND p.created_at >= %lld " ET_POST_VISIBLE ET_POST_SELECT_TAIL
#define TWENTY_IDS "llllllllllllllllllll"
/* BEST's page. The board (live, of the school) is a subquery, and on
 * PostgreSQL one it cannot turn into a join (OFFSET 0): joined, its generic
 * plan went from the boards to every post of the period (posts_popular) and
 * sorted them all, 50,000 for a week of bench/seed-large, where each plan now
 * walks posts_best in order and stops at the page. */
#define BEST_WHERE(fence)                                                              \
    "FROM posts p WHERE p.is_deleted = 0 " ET_POST_VISIBLE                             \
    "AND p.like_count >= 1 AND p.created_at >= %lld AND p.created_at <= %lld "         \
    "AND EXISTS (SELECT 1 FROM boards b WHERE b.id = p.board_id AND b.is_deleted = 0 " \
    "AND (%lld = 0 OR b.school_id = %lld) " fence ") "                                 \
    "AND p.like_count <= %lld AND (p.like_count < %lld OR p.id < %lld) "
#define BEST_ORDER "p.like_count DESC, p.id DESC"

static const et_stmt statements[] = {
    {"et_post_popular", "llllll" ET_POST_VISIBLE_ARGS "ss", ET_PC_NCOLS, POPULAR("3.6e9"),
     POPULAR("CAST(3.6e9 AS DOUBLE PRECISION)"), NULL},
    {"et_post_popular_ids", "llllll", 1, POPULAR_IDS("3.6e9"),
     POPULAR_IDS("CAST(3.6e9 AS DOUBLE PRECISION)"), NULL},
    {"et_post_popular_of", TWENTY_IDS "l" ET_POST_VISIBLE_ARGS "ss", ET_PC_NCOLS,
     POPULAR_OF("%lld"), POPULAR_OF("CAST(%lld AS BIGINT)"), NULL},
    {"et_post_best", ET_POST_VISIBLE_ARGS "llllllllss", ET_PC_NCOLS,
     ET_POST_PAGE_SQL("p.like_count", BEST_WHERE(""), BEST_ORDER),
     ET_POST_PAGE_PG("p.like_count", BEST_WHERE("OFFSET 0"), BEST_ORDER, BEST_ORDER), NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* The caller's id for the is_liked/is_scrapped joins: '' matches nobody. */
static const char *caller_or_blank(const et_req *q)
{
    return et_caller(q) ? et_caller(q) : "";
}

/* ?school=: a school id, 0 when absent; a field error otherwise. */
static apr_int64_t read_school(et_req *q)
{
    const char *text = et_query(q, "school");
    apr_int64_t v = 0;
    if (text && (et_parse_i64(text, &v) || v < 1)) {
        et_field_error(q, "school", ET_M_NOT_INT, 0);
        return 0;
    }
    return v;
}

/* The ranking of (this configuration, school) at now: this process's copy
 * while it is fresh, else read and kept for EverytimePopularCacheSeconds. */
static et_db_outcome ranking(et_req *q, apr_int64_t school, apr_time_t now, et_popular_ids *ids)
{
    et_rows *rows;
    et_db_outcome o;
    int i;
    if (et_popular_cache_get(q->conf, school, now, ids))
        return ET_DB_OK;
    if ((o = et_db_select(q->r, "et_post_popular_ids", &rows, now, now - POPULAR_WINDOW, now,
                          school, school, (apr_int64_t)POPULAR_LIMIT)) != ET_DB_OK)
        return o;
    memset(ids, 0, sizeof(*ids));
    for (i = 0; i < rows->nrows && i < POPULAR_LIMIT; i++)
        ids->ids[ids->count++] = et_cell_i64(ET_CELL(rows, i, 0));
    et_popular_cache_put(q->conf, school, now + apr_time_from_sec(q->conf->popular_cache), ids);
    return ET_DB_OK;
}

/* The rows of the posts of the ranking, through the cache when it is on. */
static et_db_outcome popular_rows(et_req *q, apr_int64_t school, et_rows **rows)
{
    const char *caller = caller_or_blank(q);
    apr_int64_t now = apr_time_now(), *id;
    et_popular_ids ids;
    et_db_outcome o;
    if (!q->conf->popular_cache)
        return et_db_select(q->r, "et_post_popular", rows, now, now - POPULAR_WINDOW, now, school,
                            school, (apr_int64_t)POPULAR_LIMIT, et_viewer(q), et_viewer_admin(q),
                            et_viewer(q), caller, caller);
    if ((o = ranking(q, school, now, &ids)) != ET_DB_OK)
        return o;
    id = ids.ids; /* the places after count are 0: no post */
    return et_db_select(q->r, "et_post_popular_of", rows, id[0], id[1], id[2], id[3], id[4], id[5],
                        id[6], id[7], id[8], id[9], id[10], id[11], id[12], id[13], id[14], id[15],
                        id[16], id[17], id[18], id[19], now - POPULAR_WINDOW, et_viewer(q),
                        et_viewer_admin(q), et_viewer(q), caller, caller);
}

/* The one page popular answers. */
static const et_page popular_page = {"popular", POPULAR_LIMIT, 0, 0, 0};

static int et_posts_popular(et_req *q)
{
    apr_int64_t school = read_school(q);
    et_rows *rows;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (popular_rows(q, school, &rows) != ET_DB_OK)
        return et_fail_unavailable(q);
    /* a short list, never paged: the ranking has POPULAR_LIMIT posts at
     * most, so "next" stays null */
    return et_post_page_reply(q, rows, &popular_page);
}

/* A BEST period: its name (which the cursors carry) and its length. */
typedef struct {
    const char *name;
    const char *list;
    apr_int64_t length; /* 0: all time */
} best_period;

static const best_period periods[] = {{"week", "best_week", 7 * DAY},
                                      {"month", "best_month", 30 * DAY},
                                      {"year", "best_year", 365 * DAY},
                                      {"all", "best_all", 0}};

/* ?period=, week when absent; NULL after a field error. */
static const best_period *read_period(et_req *q)
{
    const char *text = et_query(q, "period");
    apr_size_t i;
    if (!text)
        return &periods[0];
    for (i = 0; i < sizeof periods / sizeof periods[0]; i++)
        if (!strcmp(text, periods[i].name))
            return &periods[i];
    et_field_error_text(
        q, "period",
        apr_psprintf(q->r->pool, "\"%s\" is not a valid choice: week, month, year or all.", text),
        apr_psprintf(q->r->pool,
                     "\"%s\"은(는) 유효한 선택이 아닙니다: week, month, year, all 중 하나여야 "
                     "합니다.",
                     text));
    return NULL;
}

static int et_posts_best(et_req *q)
{
    const char *caller = caller_or_blank(q);
    apr_int64_t school = read_school(q), likes = KEY_MAX, id = KEY_MAX, since = 0,
                now = apr_time_now();
    const best_period *period = read_period(q);
    et_page page;
    et_rows *rows;
    int status;
    /* fails with every error recorded so far */
    if ((status = et_page_read(q, &page, period ? period->list : "best")) != OK)
        return status;
    if (page.has_cursor) {
        likes = page.key1;
        id = page.key2;
    }
    if (period->length)
        since = now - period->length;
    if (et_db_select(q->r, "et_post_best", &rows, et_viewer(q), et_viewer_admin(q), et_viewer(q),
                     since, now, school, school, likes, likes, id, (apr_int64_t)page.limit + 1,
                     caller, caller) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return et_post_page_reply(q, rows, &page);
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {{M_GET, "/posts/popular", et_posts_popular, ET_PUBLIC, 0},
                                  {M_GET, "/posts/best", et_posts_best, ET_PUBLIC, 0},
                                  ET_ROUTES_END};

const et_group et_api_popular = {"popular", statements, routes};

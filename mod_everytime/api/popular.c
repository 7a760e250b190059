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
 * BEST: the live posts created within the period (and, as above, not
 * after now) with at least one like,
 * most liked first, then newest (id), keyset-paged on (like_count, id)
 * along the posts_best index.
 */
#include "api/groups.h"
#include "core/cursor.h"
#include "domain/moderation.h"
#include "domain/posts.h"
#include "domain/post_render.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/query.h"

#define POPULAR_LIMIT  20
#define POPULAR_WINDOW (APR_INT64_C(48) * 3600 * APR_USEC_PER_SEC)
#define DAY            (APR_INT64_C(86400) * APR_USEC_PER_SEC)
/* "before" of a first page: every key is smaller */
#define KEY_MAX APR_INT64_C(9223372036854775807)

/* The score's square of the live posts of the window and the school (0:
 * any), hours as a double: HOUR is a double literal of 3.6e9 microseconds
 * (PostgreSQL reads 3.6e9 as numeric, which would be exact and slow). The
 * rank goes out as minus itself, so that ET_POST_SELECT_TAIL's descending
 * sort_key keeps the score's order. */
#define POPULAR(HOUR)                                                                              \
    ET_POST_SELECT_HEAD                                                                            \
    "SELECT " ET_POST_INNER_COLUMNS ", k.sort_key AS sort_key FROM ("                              \
    "SELECT r.id, 0 - ROW_NUMBER() OVER (ORDER BY r.score DESC, r.id DESC) AS sort_key FROM ("     \
    "SELECT x.id, x.n * x.n / (x.a * x.a * x.a) AS score FROM ("                                   \
    "SELECT p.id, 2 * p.like_count + p.comment_count AS n, "                                       \
    "(%lld - p.created_at) / " HOUR " + 2 AS a "                                                   \
    "FROM posts p JOIN boards b ON b.id = p.board_id AND b.is_deleted = 0 "                        \
    "WHERE p.is_deleted = 0 " ET_POST_VISIBLE "AND p.created_at >= %lld AND p.created_at <= %lld " \
    "AND (%lld = 0 OR b.school_id = %lld)) x "                                                     \
    "ORDER BY score DESC, x.id DESC LIMIT %lld) r) k JOIN posts p ON p.id = "                      \
    "k.id" ET_POST_SELECT_TAIL

static const et_stmt statements[] = {
    {"et_post_popular", "l" ET_POST_VISIBLE_ARGS "lllllss", 23, POPULAR("3.6e9"),
     POPULAR("CAST(3.6e9 AS DOUBLE PRECISION)"), NULL},
    {"et_post_best", ET_POST_VISIBLE_ARGS "llllllllss", 23,
     ET_POST_SELECT_HEAD "SELECT " ET_POST_INNER_COLUMNS
                         ", p.like_count AS sort_key " ET_LIVE_POSTS ET_POST_VISIBLE
                         "AND p.like_count >= 1 AND p.created_at >= %lld AND p.created_at <= %lld "
                         "AND (%lld = 0 OR b.school_id = %lld) "
                         "AND p.like_count <= %lld AND (p.like_count < %lld OR p.id < %lld) "
                         "ORDER BY p.like_count DESC, p.id DESC LIMIT %lld" ET_POST_SELECT_TAIL,
     NULL, NULL},
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

/* The one page popular answers. */
static const et_page popular_page = {"popular", POPULAR_LIMIT, 0, 0, 0};

static int et_posts_popular(et_req *q)
{
    const char *caller = caller_or_blank(q);
    apr_int64_t school = read_school(q), now = apr_time_now();
    et_rows *rows;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (et_db_select(q->r, "et_post_popular", &rows, now, caller, et_viewer_admin(q), caller,
                     now - POPULAR_WINDOW, now, school, school, (apr_int64_t)POPULAR_LIMIT, caller,
                     caller) != APR_SUCCESS)
        return et_fail_unavailable(q);
    /* a short list, never paged: the query fetches POPULAR_LIMIT rows at
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
    if (et_db_select(q->r, "et_post_best", &rows, caller, et_viewer_admin(q), caller, since, now,
                     school, school, likes, likes, id, (apr_int64_t)page.limit + 1, caller,
                     caller) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return et_post_page_reply(q, rows, &page);
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {{M_GET, "/posts/popular", et_posts_popular, ET_PUBLIC, 0},
                                  {M_GET, "/posts/best", et_posts_best, ET_PUBLIC, 0},
                                  ET_ROUTES_END};

const et_group et_api_popular = {"popular", statements, routes};

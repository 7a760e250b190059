/*
 * api/reviews.c: course reviews (강의평): one per user per subject
 * (CourseInfo), a rating 1..5 with text, edited by its author, deleted by
 * its author or an admin, listed newest first with the subject's average.
 *
 * course_infos.review_count and rating_sum are the aggregate; every write
 * of a review changes them by a delta in the same transaction, so
 * average_rating = rating_sum / review_count cannot drift, also under
 * concurrent writes. Lock order: a new review takes the subject's row
 * first; an edit or delete takes the review's row first and only then
 * reads its old rating (inside the UPDATE of the subject), so no delta is
 * ever computed from a value another transaction is changing.
 *
 * UNIQUE (course_info_id, user_id) also holds a soft-deleted review, so
 * posting again after deleting one's review revives that row with the new
 * rating, text and semester and a new created_at (201, the same id): it
 * then lists as the newest. Lists are ordered by (created_at, id) for that.
 */
#include "api/groups.h"
#include "auth/auth.h"
#include "domain/users.h"
#include "core/transaction.h"
#include "core/cursor.h"
#include "domain/timeslots.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/validate.h"

#define MAX_CONTENT  2000
#define MAX_SEMESTER 10
#define KEY_MAX      APR_INT64_C(9223372036854775807)

/* The Review columns, in the order review_json reads them. */
#define REVIEW_COLUMNS                                                              \
    "SELECT r.id, r.course_info_id, r.user_id, u.nickname, u.is_active, r.rating, " \
    "r.content, r.semester, r.created_at, r.updated_at "                            \
    "FROM reviews r JOIN users u ON u.id = r.user_id "

enum {
    V_ID,
    V_INFO,
    V_AUTHOR,
    V_NICK,
    V_ACTIVE,
    V_RATING,
    V_CONTENT,
    V_SEMESTER,
    V_CREATED,
    V_UPDATED,
    V_NCOLS /* declared by the statements: checked against each result */
};

static const et_stmt statements[] = {
    {"et_rev_info", "l", 3, "SELECT id, review_count, rating_sum FROM course_infos WHERE id = %lld",
     NULL, NULL},
    {"et_rev_list", "lllll", V_NCOLS,
     REVIEW_COLUMNS "WHERE r.course_info_id = %lld AND r.is_deleted = 0 "
                    "AND r.created_at <= %lld AND (r.created_at < %lld OR r.id < %lld) "
                    "ORDER BY r.created_at DESC, r.id DESC LIMIT %lld",
     NULL, NULL},
    {"et_rev_get", "l", V_NCOLS, REVIEW_COLUMNS "WHERE r.id = %lld AND r.is_deleted = 0", NULL,
     NULL},
    /* the caller's row for the subject, live or soft-deleted */
    {"et_rev_mine", "ls", 2,
     "SELECT id, is_deleted FROM reviews WHERE course_info_id = %lld AND user_id = %s", NULL, NULL},
    {"et_rev_count_up", "ll", 0,
     "UPDATE course_infos SET review_count = review_count + 1, rating_sum = rating_sum + %lld "
     "WHERE id = %lld",
     NULL, NULL},
    {"et_rev_insert", "lslssll", 1,
     "INSERT INTO reviews (course_info_id, user_id, rating, content, semester, is_deleted, "
     "created_at, updated_at) VALUES (%lld, %s, %lld, %s, %s, 0, %lld, %lld) RETURNING id",
     NULL, NULL},
    {"et_rev_revive", "lsslll", 0,
     "UPDATE reviews SET rating = %lld, content = %s, semester = %s, is_deleted = 0, "
     "created_at = %lld, updated_at = %lld WHERE id = %lld AND is_deleted = 1",
     NULL, NULL},
    /* takes the review's row lock before its old rating is read */
    {"et_rev_touch", "ll", 0,
     "UPDATE reviews SET updated_at = %lld WHERE id = %lld AND is_deleted = 0", NULL, NULL},
    /* the new rating in, the old one (still in the locked row) out */
    {"et_rev_rating_move", "lll", 0,
     "UPDATE course_infos SET rating_sum = rating_sum + %lld - "
     "(SELECT rating FROM reviews WHERE id = %lld) WHERE id = %lld",
     NULL, NULL},
    {"et_rev_update", "lssll", 0,
     "UPDATE reviews SET rating = %lld, content = %s, semester = %s, updated_at = %lld "
     "WHERE id = %lld AND is_deleted = 0",
     NULL, NULL},
    {"et_rev_delete", "ll", 0,
     "UPDATE reviews SET is_deleted = 1, updated_at = %lld WHERE id = %lld AND is_deleted = 0",
     NULL, NULL},
    /* after et_rev_delete: the rating stays in the (now deleted, locked) row */
    {"et_rev_count_down", "ll", 0,
     "UPDATE course_infos SET review_count = review_count - 1, rating_sum = rating_sum - "
     "(SELECT rating FROM reviews WHERE id = %lld) WHERE id = %lld",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* --- rendering ------------------------------------------------------------------ */

static apr_int64_t cell(const et_rows *rows, int i, int j)
{
    return et_cell_i64(ET_CELL(rows, i, j));
}

static json_t *review_json(et_req *q, const et_rows *rows, int i)
{
    apr_pool_t *p = q->r->pool;
    const char *caller = et_caller(q), *author = ET_CELL(rows, i, V_AUTHOR);
    json_t *v = et_json_obj(p);
    et_json_set_int(v, "id", cell(rows, i, V_ID));
    et_json_set_int(v, "course_info", cell(rows, i, V_INFO));
    et_json_set(v, "author",
                cell(rows, i, V_ACTIVE) == 1
                    ? et_author_json(p, author, ET_CELL(rows, i, V_NICK), NULL)
                    : et_author_json(p, NULL, NULL, ET_DELETED_USER));
    et_json_set_int(v, "rating", cell(rows, i, V_RATING));
    et_json_set_str(p, v, "content", ET_CELL(rows, i, V_CONTENT));
    et_json_set_str(p, v, "semester", ET_CELL(rows, i, V_SEMESTER));
    et_json_set_bool(v, "is_mine", caller && !strcmp(caller, author));
    et_json_set_str(p, v, "created_at", et_time_rfc3339(p, cell(rows, i, V_CREATED)));
    et_json_set_str(p, v, "updated_at", et_time_rfc3339(p, cell(rows, i, V_UPDATED)));
    return v;
}

/* The mean rating rounded half up to one decimal, or JSON null without
 * reviews. Integer arithmetic, so 4.25 is 4.3 on every platform; replies
 * print reals with 15 significant digits (json.c), so it reads 4.3. */
static void set_average(json_t *o, const char *key, apr_int64_t sum, apr_int64_t count)
{
    apr_int64_t tenths;
    if (count <= 0) {
        et_json_set_null(o, key);
        return;
    }
    tenths = (sum * 20 + count) / (count * 2);
    et_json_set_real(o, key, (double)tenths / 10.0);
}

/* Answers the live review id as a Review with status. */
static int reply_review(et_req *q, int status, apr_int64_t id)
{
    et_rows *rows;
    if (et_db_select(q->r, "et_rev_get", &rows, id) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (!rows->nrows)
        return et_fail(q, ET_E_NOT_FOUND);
    return et_reply(q, status, review_json(q, rows, 0));
}

/* The subject of the path into *info (id, review_count, rating_sum): OK, or
 * 404/503 already set up. */
static int load_info(et_req *q, et_rows **info)
{
    if (et_db_select(q->r, "et_rev_info", info, q->ids[0]) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return (*info)->nrows ? OK : et_fail(q, ET_E_NOT_FOUND);
}

/* --- the list ------------------------------------------------------------------- */

static int et_reviews_list(et_req *q)
{
    apr_int64_t created = KEY_MAX, id = KEY_MAX;
    et_rows *info, *rows;
    et_page page;
    json_t *list, *reply;
    int status, i, shown;
    if ((status = load_info(q, &info)) != OK || (status = et_page_read(q, &page, "reviews")) != OK)
        return status;
    if (page.has_cursor) {
        created = page.key1;
        id = page.key2;
    }
    if (et_db_select(q->r, "et_rev_list", &rows, q->ids[0], created, created, id,
                     (apr_int64_t)page.limit + 1) != APR_SUCCESS)
        return et_fail_unavailable(q);
    shown = et_page_shown(&page, rows);
    list = et_json_arr(q->r->pool);
    for (i = 0; i < shown; i++)
        et_json_push(list, review_json(q, rows, i));
    reply = et_page_json(q, list, et_page_next(q, &page, rows, V_CREATED, V_ID));
    set_average(reply, "average_rating", cell(info, 0, 2), cell(info, 0, 1));
    et_json_set_int(reply, "review_count", cell(info, 0, 1));
    return et_reply(q, HTTP_OK, reply);
}

/* --- fields ---------------------------------------------------------------------- */

/* A review's writable fields, as a write leaves them. */
typedef struct {
    apr_int64_t course_info;
    apr_int64_t id; /* the row written */
    apr_int64_t rating;
    const char *content;
    const char *semester;
} review_fields;

/* Reads the body over f: every field is required when required is set,
 * absent ones keep f's values otherwise; *given says whether any field was
 * there. OK, or 400 already set up. */
static int read_fields(et_req *q, int required, review_fields *f, int *given)
{
    int need = required ? ET_REQUIRED : 0;
    const char *s;
    *given = et_body_int(q, "rating", need, 1, 5, &f->rating) == 1;
    if ((s = et_body_str(q, "content", need, 0, MAX_CONTENT))) {
        f->content = s;
        *given = 1;
    }
    if ((s = et_body_str(q, "semester", need, 0, MAX_SEMESTER))) {
        if (et_semester_valid(s)) {
            f->semester = s;
            *given = 1;
        } else {
            et_field_error_text(q, "semester",
                                "Enter a semester as YYYY-1, YYYY-2, YYYY-S or YYYY-W.",
                                "학기는 YYYY-1, YYYY-2, YYYY-S, YYYY-W 형식으로 입력하세요.");
        }
    }
    return et_has_errors(q) ? et_fail_invalid(q) : OK;
}

/* --- writing --------------------------------------------------------------------- */

static int already_reviewed(et_req *q)
{
    return et_fail_detail(q, ET_E_CONFLICT, "You have already reviewed this course.",
                          "이미 이 과목의 강의평을 작성했습니다.");
}

/* The caller's review of f->course_info, new or revived, and the subject's
 * aggregate, in one transaction. */
static int write_review(et_req *q, void *ctx)
{
    review_fields *f = ctx;
    apr_int64_t now = apr_time_now();
    et_rows *rows;
    et_db_outcome o;
    int n;
    /* the subject's row first: it orders every new review of the subject */
    if (et_db_exec(q->r, "et_rev_count_up", &n, f->rating, f->course_info) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (n == 0)
        return et_fail(q, ET_E_NOT_FOUND);
    if (et_db_select(q->r, "et_rev_mine", &rows, f->course_info, et_caller(q)) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (rows->nrows && !cell(rows, 0, 1))
        return already_reviewed(q);
    if (rows->nrows) {
        f->id = cell(rows, 0, 0);
        /* 0 rows: revived by a concurrent post; the next attempt says 409 */
        if (et_db_exec(q->r, "et_rev_revive", &n, f->rating, f->content, f->semester, now, now,
                       f->id) != APR_SUCCESS ||
            n != 1)
            return ET_TXN_RETRY;
        return OK;
    }
    /* a concurrent first post by the same user won on the unique key */
    o = et_db_select(q->r, "et_rev_insert", &rows, f->course_info, et_caller(q), f->rating,
                     f->content, f->semester, now, now);
    if (o == ET_DB_CONFLICT)
        return already_reviewed(q);
    if (o != ET_DB_OK || rows->nrows != 1)
        return ET_TXN_RETRY;
    f->id = cell(rows, 0, 0);
    return OK;
}

static int et_reviews_create(et_req *q)
{
    review_fields f = {0};
    et_rows *info;
    int status, given;
    if ((status = load_info(q, &info)) != OK || (status = read_fields(q, 1, &f, &given)) != OK)
        return status;
    f.course_info = q->ids[0];
    if ((status = et_transaction(q, write_review, &f)) != OK)
        return status;
    return reply_review(q, HTTP_CREATED, f.id);
}

/* The review of the path for a change: OK with *rows holding its Review
 * columns, or 404/403/503 already set up. The author may change it; an
 * admin may also delete it (admin_may). */
static int load_for_change(et_req *q, int admin_may, et_rows **rows)
{
    if (et_db_select(q->r, "et_rev_get", rows, q->ids[0]) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (!(*rows)->nrows)
        return et_fail(q, ET_E_NOT_FOUND);
    if (strcmp(ET_CELL(*rows, 0, V_AUTHOR), q->user->user_id) &&
        !(admin_may && !strcmp(q->user->role, ET_ROLE_ADMIN)))
        return et_fail(q, ET_E_PERMISSION_DENIED);
    return OK;
}

/* An edit: the review's row locked, the rating moved in the aggregate,
 * then the row rewritten. */
static int update_review(et_req *q, void *ctx)
{
    review_fields *f = ctx;
    apr_int64_t now = apr_time_now();
    int n;
    if (et_db_exec(q->r, "et_rev_touch", &n, now, f->id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (n == 0)
        return et_fail(q, ET_E_NOT_FOUND); /* deleted meanwhile */
    if (et_db_exec(q->r, "et_rev_rating_move", NULL, f->rating, f->id, f->course_info) !=
            APR_SUCCESS ||
        et_db_exec(q->r, "et_rev_update", NULL, f->rating, f->content, f->semester, now, f->id) !=
            APR_SUCCESS)
        return ET_TXN_RETRY;
    return OK;
}

static int et_reviews_patch(et_req *q)
{
    review_fields f;
    et_rows *rows;
    int status, given;
    if ((status = load_for_change(q, 0, &rows)) != OK)
        return status;
    f.course_info = cell(rows, 0, V_INFO);
    f.id = q->ids[0];
    f.rating = cell(rows, 0, V_RATING);
    f.content = ET_CELL(rows, 0, V_CONTENT);
    f.semester = ET_CELL(rows, 0, V_SEMESTER);
    if ((status = read_fields(q, 0, &f, &given)) != OK)
        return status;
    /* nothing to change: the review as it is */
    if (given && (status = et_transaction(q, update_review, &f)) != OK)
        return status;
    return reply_review(q, HTTP_OK, f.id);
}

static int delete_review(et_req *q, void *ctx)
{
    const review_fields *f = ctx;
    int n;
    if (et_db_exec(q->r, "et_rev_delete", &n, (apr_int64_t)apr_time_now(), f->id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    /* deleted meanwhile: the aggregate must not drop twice */
    if (n == 0)
        return et_fail(q, ET_E_NOT_FOUND);
    if (et_db_exec(q->r, "et_rev_count_down", NULL, f->id, f->course_info) != APR_SUCCESS)
        return ET_TXN_RETRY;
    return OK;
}

static int et_reviews_delete(et_req *q)
{
    review_fields f = {0};
    et_rows *rows;
    int status;
    if ((status = load_for_change(q, 1, &rows)) != OK)
        return status;
    f.id = q->ids[0];
    f.course_info = cell(rows, 0, V_INFO);
    if ((status = et_transaction(q, delete_review, &f)) != OK)
        return status;
    return HTTP_NO_CONTENT;
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_GET, "/course-infos/{int}/reviews", et_reviews_list, ET_PUBLIC, 0},
    {M_POST, "/course-infos/{int}/reviews", et_reviews_create, ET_USER, ET_JSON_BODY},
    {M_PATCH, "/reviews/{int}", et_reviews_patch, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/reviews/{int}", et_reviews_delete, ET_USER, 0},
    ET_ROUTES_END};

const et_group et_api_reviews = {"reviews", statements, routes};

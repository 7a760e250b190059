/*
 * api/timetables.c: a user's timetables, several per semester, one of them
 * primary; the sections on each, added only when no slot clashes with a
 * section already there; and the course history of the primary ones.
 *
 * Only the owner sees or changes a timetable: another user gets 403 (the
 * ids are sequential, so hiding existence would buy little). Writes that
 * decide which timetable is primary first lock the owner's users row, so
 * two concurrent ones cannot both leave a semester with zero or two
 * primaries; writes to one timetable's courses lock that timetable's row,
 * so two concurrent adds cannot both pass the clash test.
 */
#include "api/groups.h"
#include "core/transaction.h"
#include "domain/courses.h"
#include "core/cursor.h"
#include "domain/timetables.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/validate.h"
#include "core/query.h"

#include <apr_hash.h>

#define TIMETABLE_COLUMNS ET_TIMETABLE_COLUMNS

#define SEMESTER_ORDER(col) ET_SEMESTER_ORDER(col)

#define TIMETABLE_COURSES(first) ET_TIMETABLE_COURSES(first)

static const et_stmt statements[] = {
    {"et_tt_get", "l", 7,
     "SELECT " TIMETABLE_COLUMNS " FROM timetables t "
     "WHERE t.id = %lld AND t.is_deleted = 0",
     NULL, NULL},
    {"et_tt_list", "sss", 7,
     "SELECT " TIMETABLE_COLUMNS " FROM timetables t "
     "WHERE t.user_id = %s AND t.is_deleted = 0 AND (%s = '' OR t.semester = %s) "
     "ORDER BY " SEMESTER_ORDER("t.semester") ", t.created_at, t.id",
     NULL, NULL},
    {"et_tt_user_courses", "sss", 15,
     TIMETABLE_COURSES(
         "t.id") "WHERE t.user_id = %s AND t.is_deleted = 0 AND (%s = '' OR t.semester = %s) "
                 "ORDER BY t.id, " ET_COURSE_SLOT_ORDER,
     NULL, NULL},
    {"et_tt_history", "s", 15,
     TIMETABLE_COURSES(
         "t.semester") "WHERE t.user_id = %s AND t.is_primary = 1 AND t.is_deleted = 0 "
                       "ORDER BY " SEMESTER_ORDER("t.semester") ", " ET_COURSE_SLOT_ORDER,
     NULL, NULL},
    /* the caller's grades (api/grades.c writes them), for /me/courses/ */
    {"et_tt_grades", "s", 3,
     "SELECT course_id, grade, is_major FROM course_grades WHERE user_id = %s", NULL, NULL},
    {"et_tt_course", "l", 14,
     "SELECT " ET_COURSE_COLUMNS " FROM courses c " ET_COURSE_JOINS
     "WHERE c.id = %lld ORDER BY " ET_COURSE_SLOT_ORDER,
     NULL, NULL},
    /* a row lock (a write lock on SQLite) that changes nothing */
    {"et_tt_lock_user", "s", 0, "UPDATE users SET updated_at = updated_at WHERE id = %s", NULL,
     NULL},
    {"et_tt_has_primary", "ss", 1,
     "SELECT COUNT(*) FROM timetables WHERE user_id = %s AND semester = %s "
     "AND is_primary = 1 AND is_deleted = 0",
     NULL, NULL},
    {"et_tt_insert", "ssslll", 1,
     "INSERT INTO timetables (user_id, semester, name, is_primary, is_deleted, created_at, "
     "updated_at) VALUES (%s, %s, %s, %lld, 0, %lld, %lld) RETURNING id",
     NULL, NULL},
    {"et_tt_rename", "sll", 0,
     "UPDATE timetables SET name = %s, updated_at = %lld "
     "WHERE id = %lld AND is_deleted = 0",
     NULL, NULL},
    {"et_tt_unset_primary", "lssl", 0,
     "UPDATE timetables SET is_primary = 0, updated_at = %lld WHERE user_id = %s "
     "AND semester = %s AND is_primary = 1 AND is_deleted = 0 AND id <> %lld",
     NULL, NULL},
    {"et_tt_set_primary", "ll", 0,
     "UPDATE timetables SET is_primary = 1, updated_at = %lld "
     "WHERE id = %lld AND is_deleted = 0",
     NULL, NULL},
    {"et_tt_delete", "ll", 0,
     "UPDATE timetables SET is_deleted = 1, is_primary = 0, updated_at = %lld "
     "WHERE id = %lld AND is_deleted = 0",
     NULL, NULL},
    {"et_tt_oldest", "ss", 1,
     "SELECT id FROM timetables WHERE user_id = %s AND semester = %s "
     "AND is_deleted = 0 ORDER BY created_at, id LIMIT 1",
     NULL, NULL},
    /* also the lock of a timetable's course list */
    {"et_tt_touch", "ll", 0,
     "UPDATE timetables SET updated_at = %lld WHERE id = %lld AND is_deleted = 0", NULL, NULL},
    {"et_tt_has_course", "ll", 1,
     "SELECT course_id FROM timetable_courses "
     "WHERE timetable_id = %lld AND course_id = %lld",
     NULL, NULL},
    {"et_tt_add_course", "lll", 0,
     "INSERT INTO timetable_courses (timetable_id, course_id, created_at) "
     "VALUES (%lld, %lld, %lld)",
     NULL, NULL},
    {"et_tt_remove_course", "ll", 0,
     "DELETE FROM timetable_courses WHERE timetable_id = %lld AND course_id = %lld", NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* --- reading ------------------------------------------------------------------- */

/* The caller's live timetable of the path into *tt: OK, 404 (unknown or
 * deleted), 403 (someone else's) or 503, already set up. */
static int load_own(et_req *q, apr_int64_t id, et_rows **tt)
{
    if (et_db_select(q->r, "et_tt_get", tt, id) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (!(*tt)->nrows)
        return et_fail(q, ET_E_NOT_FOUND);
    if (strcmp(ET_CELL(*tt, 0, ET_TT_USER), et_caller(q)))
        return et_fail(q, ET_E_PERMISSION_DENIED);
    return OK;
}

/* Answers the caller's timetable id as it is now, with status. */
static int reply_timetable(et_req *q, int status, apr_int64_t id)
{
    et_rows *tt;
    json_t *t;
    int rc = load_own(q, id, &tt);
    if (rc == OK)
        rc = et_timetable_one_json(q, tt, &t);
    return rc == OK ? et_reply(q, status, t) : rc;
}

static int et_timetables_list(et_req *q)
{
    const char *semester = et_query(q, "semester");
    et_rows *tts, *courses;
    json_t *list;
    int i;
    if (!semester)
        semester = "";
    if (*semester && !et_semester_valid(semester)) {
        et_semester_error(q, "semester");
        return et_fail_invalid(q);
    }
    if (et_db_select(q->r, "et_tt_list", &tts, et_caller(q), semester, semester) != APR_SUCCESS ||
        et_db_select(q->r, "et_tt_user_courses", &courses, et_caller(q), semester, semester) !=
            APR_SUCCESS)
        return et_fail_unavailable(q);
    list = et_json_arr(q->r->pool);
    for (i = 0; i < tts->nrows; i++)
        et_json_push(list, et_timetable_json(q, tts, i, courses));
    return et_reply(q, HTTP_OK, et_page_json(q, list, NULL));
}

static int et_timetables_get(et_req *q)
{
    return reply_timetable(q, HTTP_OK, q->ids[0]);
}

/* --- creating, renaming, switching the primary, deleting ------------------------------ */

typedef struct {
    const char *semester;
    const char *name; /* NULL: unchanged */
    int make_primary;
    apr_int64_t id;
    et_rows *tt; /* the timetable as loaded before the transaction */
} tt_change;

/* Serializes the caller's writes that decide which timetable is primary. */
static int lock_owner(et_req *q)
{
    if (et_db_exec(q->r, "et_tt_lock_user", NULL, et_caller(q)) != APR_SUCCESS)
        return ET_TXN_RETRY;
    return OK;
}

/* After an UPDATE of timetable id that matched n rows: OK when it is live,
 * else 404 (deleted meanwhile). MariaDB counts changed rows, not matched
 * ones, so a 0 there is asked again rather than taken for "gone". */
static int still_live(et_req *q, apr_int64_t id, int n)
{
    et_rows *rows;
    if (n > 0)
        return OK;
    if (et_db_select(q->r, "et_tt_get", &rows, id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    return rows->nrows ? OK : et_fail(q, ET_E_NOT_FOUND);
}

static int insert_timetable(et_req *q, void *ctx)
{
    tt_change *c = ctx;
    apr_int64_t now = apr_time_now();
    et_rows *rows;
    int first;
    if (lock_owner(q) != OK)
        return ET_TXN_RETRY;
    if (et_db_select(q->r, "et_tt_has_primary", &rows, et_caller(q), c->semester) != APR_SUCCESS)
        return ET_TXN_RETRY;
    /* the first live timetable of a semester is its primary */
    first = et_cell_i64(ET_CELL(rows, 0, 0)) == 0;
    if (et_db_select(q->r, "et_tt_insert", &rows, et_caller(q), c->semester, c->name,
                     (apr_int64_t)first, now, now) != APR_SUCCESS ||
        rows->nrows != 1)
        return ET_TXN_RETRY;
    c->id = et_cell_i64(ET_CELL(rows, 0, 0));
    return OK;
}

static int et_timetables_create(et_req *q)
{
    tt_change c = {NULL, NULL, 0, 0, NULL};
    int status;
    if ((c.semester = et_body_str(q, "semester", ET_REQUIRED, 0, 10)) &&
        !et_semester_valid(c.semester))
        et_semester_error(q, "semester");
    c.name = et_body_str(q, "name", ET_REQUIRED, 0, 50);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if ((status = et_transaction(q, insert_timetable, &c)) != OK)
        return status;
    return reply_timetable(q, HTTP_CREATED, c.id);
}

static int update_timetable(et_req *q, void *ctx)
{
    tt_change *c = ctx;
    apr_int64_t now = apr_time_now();
    int n = 0;
    if (lock_owner(q) != OK)
        return ET_TXN_RETRY;
    if (c->name && et_db_exec(q->r, "et_tt_rename", &n, c->name, now, c->id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (c->make_primary && (et_db_exec(q->r, "et_tt_unset_primary", NULL, now, et_caller(q),
                                       c->semester, c->id) != APR_SUCCESS ||
                            et_db_exec(q->r, "et_tt_set_primary", &n, now, c->id) != APR_SUCCESS))
        return ET_TXN_RETRY;
    /* deleted since it was loaded: nothing to change */
    return still_live(q, c->id, n);
}

static int et_timetables_patch(et_req *q)
{
    tt_change c = {NULL, NULL, 0, q->ids[0], NULL};
    int status = load_own(q, c.id, &c.tt);
    if (status != OK)
        return status;
    c.semester = ET_CELL(c.tt, 0, ET_TT_SEMESTER);
    c.name = et_body_str(q, "name", 0, 0, 50);
    if (et_body_bool(q, "is_primary", ET_NULLABLE, &c.make_primary) == 1 && !c.make_primary)
        /* a semester always keeps one primary: another one is chosen instead */
        et_field_error_text(q, "is_primary",
                            "Only true is accepted: make another timetable primary instead.",
                            "true만 보낼 수 있습니다. 다른 시간표를 기본으로 지정하십시오.");
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if ((c.name || c.make_primary) && (status = et_transaction(q, update_timetable, &c)) != OK)
        return status;
    return reply_timetable(q, HTTP_OK, c.id);
}

static int delete_timetable(et_req *q, void *ctx)
{
    tt_change *c = ctx;
    apr_int64_t now = apr_time_now();
    et_rows *rows;
    int n = 0;
    if (lock_owner(q) != OK || et_db_exec(q->r, "et_tt_delete", &n, now, c->id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (n == 0)
        return et_fail(q, ET_E_NOT_FOUND);
    if (!et_cell_i64(ET_CELL(c->tt, 0, ET_TT_PRIMARY)))
        return OK;
    /* the semester keeps a primary: the oldest timetable left */
    if (et_db_select(q->r, "et_tt_oldest", &rows, et_caller(q), c->semester) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (rows->nrows && et_db_exec(q->r, "et_tt_set_primary", NULL, now,
                                  et_cell_i64(ET_CELL(rows, 0, 0))) != APR_SUCCESS)
        return ET_TXN_RETRY;
    return OK;
}

static int et_timetables_delete(et_req *q)
{
    tt_change c = {NULL, NULL, 0, q->ids[0], NULL};
    int status = load_own(q, c.id, &c.tt);
    if (status != OK)
        return status;
    c.semester = ET_CELL(c.tt, 0, ET_TT_SEMESTER);
    if ((status = et_transaction(q, delete_timetable, &c)) != OK)
        return status;
    return HTTP_NO_CONTENT;
}

/* --- the courses on a timetable ---------------------------------------------------- */

typedef struct {
    apr_int64_t timetable;
    apr_int64_t course;
    et_slot *slots; /* the course's */
    int nslots;
} tt_add;

/* 409 naming the course at row i of rows and its slot that clashes. */
static int clash(et_req *q, const et_rows *rows, int i, const et_slot *theirs)
{
    apr_pool_t *p = q->r->pool;
    const char *label = et_course_label(p, rows, i, 1), *when = et_slot_text(p, theirs);
    return et_fail_detail(q, ET_E_CONFLICT, apr_psprintf(p, "Conflicts with %s (%s).", label, when),
                          apr_psprintf(p, "%s (%s)와(과) 시간이 겹칩니다.", label, when));
}

/* Clash test against every course already on the timetable. */
static int check_clashes(et_req *q, const tt_add *a)
{
    et_rows *rows;
    et_slot *theirs;
    int i = 0, next, n, other;
    if (et_db_select(q->r, "et_tt_courses", &rows, a->timetable) != APR_SUCCESS)
        return ET_TXN_RETRY;
    while (i < rows->nrows) {
        next = et_course_slots(q->r->pool, rows, i, 1, &theirs, &n);
        if (et_slots_overlap(a->slots, a->nslots, theirs, n, NULL, &other))
            return clash(q, rows, i, &theirs[other]);
        i = next;
    }
    return OK;
}

static int insert_entry(et_req *q, void *ctx)
{
    tt_add *a = ctx;
    apr_int64_t now = apr_time_now();
    et_rows *rows;
    int n = 0, status;
    /* the timetable's row is the lock of its course list */
    if (et_db_exec(q->r, "et_tt_touch", &n, now, a->timetable) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if ((status = still_live(q, a->timetable, n)) != OK)
        return status;
    if (et_db_select(q->r, "et_tt_has_course", &rows, a->timetable, a->course) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (rows->nrows)
        return et_fail_detail(q, ET_E_CONFLICT, "This course is already on this timetable.",
                              "이미 시간표에 있는 강의입니다.");
    if ((status = check_clashes(q, a)) != OK)
        return status;
    if (et_db_exec(q->r, "et_tt_add_course", NULL, a->timetable, a->course, now) != APR_SUCCESS)
        return ET_TXN_RETRY;
    return OK;
}

/* The course to add: its slots into a; OK, 404, 409 (another semester) or 503. */
static int load_course_to_add(et_req *q, const et_rows *tt, tt_add *a)
{
    apr_pool_t *p = q->r->pool;
    const char *mine = ET_CELL(tt, 0, ET_TT_SEMESTER), *its;
    et_rows *rows;
    if (et_db_select(q->r, "et_tt_course", &rows, a->course) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (!rows->nrows)
        return et_fail_detail(q, ET_E_NOT_FOUND, "No such course.", "없는 강의입니다.");
    its = ET_CELL(rows, 0, ET_CC_SEMESTER);
    if (strcmp(its, mine))
        return et_fail_detail(
            q, ET_E_CONFLICT,
            apr_psprintf(p, "This course is of %s, not of this timetable's semester %s.", its,
                         mine),
            apr_psprintf(p, "이 강의는 %s 학기 강의로, 시간표의 학기 %s와 다릅니다.", its, mine));
    et_course_slots(p, rows, 0, 0, &a->slots, &a->nslots);
    return OK;
}

static int et_timetables_add_course(et_req *q)
{
    tt_add a = {q->ids[0], 0, NULL, 0};
    et_rows *tt;
    int status = load_own(q, a.timetable, &tt);
    if (status != OK)
        return status;
    if (et_body_int(q, "course", ET_REQUIRED, 1, APR_INT64_C(999999999999), &a.course) != 1)
        return et_fail_invalid(q);
    if ((status = load_course_to_add(q, tt, &a)) != OK ||
        (status = et_transaction(q, insert_entry, &a)) != OK)
        return status;
    return reply_timetable(q, HTTP_CREATED, a.timetable);
}

static int delete_entry(et_req *q, void *ctx)
{
    tt_add *a = ctx;
    int n = 0, status;
    if (et_db_exec(q->r, "et_tt_touch", &n, (apr_int64_t)apr_time_now(), a->timetable) !=
        APR_SUCCESS)
        return ET_TXN_RETRY;
    if ((status = still_live(q, a->timetable, n)) != OK)
        return status;
    if (et_db_exec(q->r, "et_tt_remove_course", &n, a->timetable, a->course) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (n == 0)
        return et_fail_detail(q, ET_E_NOT_FOUND, "This course is not on this timetable.",
                              "시간표에 없는 강의입니다.");
    return OK;
}

static int et_timetables_remove_course(et_req *q)
{
    tt_add a = {q->ids[0], q->ids[1], NULL, 0};
    et_rows *tt;
    int status = load_own(q, a.timetable, &tt);
    if (status != OK || (status = et_transaction(q, delete_entry, &a)) != OK)
        return status;
    return HTTP_NO_CONTENT;
}

/* --- history ------------------------------------------------------------------- */

/* The rows of et_tt_grades by course id: each course's row number + 1. */
static apr_hash_t *grades_by_course(apr_pool_t *p, const et_rows *grades)
{
    apr_hash_t *h = apr_hash_make(p);
    int i;
    for (i = 0; i < grades->nrows; i++)
        apr_hash_set(h, ET_CELL(grades, i, 0), APR_HASH_KEY_STRING, (void *)(apr_uintptr_t)(i + 1));
    return h;
}

/* The course's "grade" (null when it has none) and "is_major" into c. */
static void set_grade(apr_pool_t *p, json_t *c, const char *course_id, const et_rows *grades,
                      apr_hash_t *by_course)
{
    int row = (int)(apr_uintptr_t)apr_hash_get(by_course, course_id, APR_HASH_KEY_STRING) - 1;
    et_json_set_str(p, c, "grade", row < 0 ? NULL : ET_CELL(grades, row, 1));
    et_json_set_bool(c, "is_major", row >= 0 && et_cell_i64(ET_CELL(grades, row, 2)) != 0);
}

/* {"semester", "courses", "credits"} from the rows of one semester, from row
 * *i on; *i moves past them. Each course carries its grade. */
static json_t *semester_json(apr_pool_t *p, const et_rows *rows, int *i, apr_int64_t *total,
                             const et_rows *grades, apr_hash_t *by_course)
{
    const char *semester = ET_CELL(rows, *i, 0);
    json_t *s = et_json_obj(p), *list = et_json_arr(p), *c;
    apr_int64_t credits = 0;
    while (*i < rows->nrows && !strcmp(ET_CELL(rows, *i, 0), semester)) {
        const char *course_id = ET_CELL(rows, *i, 1 + ET_CC_ID);
        credits += et_cell_i64(ET_CELL(rows, *i, 1 + ET_CC_CREDITS));
        *i = et_course_json(p, rows, *i, 1, &c);
        set_grade(p, c, course_id, grades, by_course);
        et_json_push(list, c);
    }
    et_json_set_str(p, s, "semester", semester);
    et_json_set(s, "courses", list);
    et_json_set_int(s, "credits", credits);
    *total += credits;
    return s;
}

static int et_timetables_history(et_req *q)
{
    et_rows *rows, *grades;
    apr_hash_t *by_course;
    json_t *list, *page;
    apr_int64_t total = 0;
    int i = 0;
    if (et_db_select(q->r, "et_tt_history", &rows, et_caller(q)) != APR_SUCCESS ||
        et_db_select(q->r, "et_tt_grades", &grades, et_caller(q)) != APR_SUCCESS)
        return et_fail_unavailable(q);
    by_course = grades_by_course(q->r->pool, grades);
    list = et_json_arr(q->r->pool);
    while (i < rows->nrows)
        et_json_push(list, semester_json(q->r->pool, rows, &i, &total, grades, by_course));
    /* {"results", "total_credits", "next"}: a short list, never paginated */
    page = et_json_obj(q->r->pool);
    et_json_set(page, "results", list);
    et_json_set_int(page, "total_credits", total);
    et_json_set_null(page, "next");
    return et_reply(q, HTTP_OK, page);
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_GET, "/timetables", et_timetables_list, ET_USER, 0},
    {M_POST, "/timetables", et_timetables_create, ET_USER, ET_JSON_BODY},
    {M_GET, "/timetables/{int}", et_timetables_get, ET_USER, 0},
    {M_PATCH, "/timetables/{int}", et_timetables_patch, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/timetables/{int}", et_timetables_delete, ET_USER, 0},
    {M_POST, "/timetables/{int}/courses", et_timetables_add_course, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/timetables/{int}/courses/{int}", et_timetables_remove_course, ET_USER, 0},
    {M_GET, "/me/courses", et_timetables_history, ET_USER, 0},
    ET_ROUTES_END};

const et_group et_api_timetables = {"timetables", statements, routes};

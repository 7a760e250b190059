/*
 * api/grades.c: the 학점계산기: a grade (and whether it is a major course)
 * per course of the caller's primary timetables, set with PUT and removed
 * with DELETE, and the GPA per semester and overall (GET /me/gpa/), by the
 * caller's school's scale. The arithmetic is domain/gpa.c's.
 *
 * A course that is on none of the caller's primary timetables is 404 for
 * both writes, whoever asks (an admin has no power over another's grades:
 * the routes only ever touch the caller's own). A grade stays stored when
 * its course leaves the timetable, and counts again if it comes back.
 */
#include "api/groups.h"
#include "domain/gpa.h"
#include "domain/timetables.h"
#include "core/errors.h"
#include "core/validate.h"

/* The courses of the user's primary, live timetables. */
#define PRIMARY_TIMETABLES "FROM timetables t JOIN timetable_courses tc ON tc.timetable_id = t.id "
#define OF_USER            "WHERE t.user_id = %s AND t.is_primary = 1 AND t.is_deleted = 0 "

#define UPSERT_HEAD                                                                \
    "INSERT INTO course_grades (user_id, course_id, grade, is_major, created_at, " \
    "updated_at) VALUES (%s, %lld, %s, %lld, %lld, %lld) "

#define MAX_GRADE_TEXT 10

static const et_stmt statements[] = {
    {"et_grd_scale", "s", 1,
     "SELECT s.gpa_scale FROM users u JOIN schools s ON s.id = u.school_id WHERE u.id = %s", NULL,
     NULL},
    {"et_grd_on_primary", "sl", 1,
     "SELECT tc.course_id " PRIMARY_TIMETABLES OF_USER "AND tc.course_id = %lld", NULL, NULL},
    /* one statement, so that two concurrent PUTs cannot both insert */
    {"et_grd_put", "slslll", 0,
     UPSERT_HEAD "ON CONFLICT (user_id, course_id) DO UPDATE SET grade = excluded.grade, "
                 "is_major = excluded.is_major, updated_at = excluded.updated_at",
     NULL,
     UPSERT_HEAD "ON DUPLICATE KEY UPDATE grade = VALUES(grade), is_major = VALUES(is_major), "
                 "updated_at = VALUES(updated_at)"},
    {"et_grd_delete", "sl", 0, "DELETE FROM course_grades WHERE user_id = %s AND course_id = %lld",
     NULL, NULL},
    /* the transcript: every course of the primary timetables, graded or not */
    {"et_grd_transcript", "s", 4,
     "SELECT t.semester, i.credits, g.grade, g.is_major " PRIMARY_TIMETABLES
     "JOIN courses c ON c.id = tc.course_id JOIN course_infos i ON i.id = c.course_info_id "
     "LEFT JOIN course_grades g ON g.user_id = t.user_id AND g.course_id = c.id " OF_USER
     "ORDER BY " ET_SEMESTER_ORDER("t.semester") ", c.id",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* Columns of et_grd_transcript. */
enum { T_SEMESTER, T_CREDITS, T_GRADE, T_MAJOR };

/* The caller's school's scale (tenths): OK, or 503 set up. */
static int caller_scale(et_req *q, int *scale)
{
    et_rows *rows;
    if (et_db_select(q->r, "et_grd_scale", &rows, et_caller(q)) != APR_SUCCESS)
        return et_fail_unavailable(q);
    /* a user deleted since the token was checked has no transcript */
    if (!rows->nrows)
        return et_fail(q, ET_E_NOT_FOUND);
    *scale = (int)et_cell_i64(ET_CELL(rows, 0, 0));
    return OK;
}

/* OK when the path's course is on one of the caller's primary timetables,
 * else 404 or 503, set up. */
static int check_on_primary(et_req *q)
{
    et_rows *rows;
    if (et_db_select(q->r, "et_grd_on_primary", &rows, et_caller(q), q->ids[0]) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (!rows->nrows)
        return et_fail_detail(q, ET_E_NOT_FOUND,
                              "This course is not on any of your primary timetables.",
                              "기본 시간표에 없는 강의입니다.");
    return OK;
}

/* Reads {grade, is_major?}: the grade's text, or NULL after field errors.
 * Whether the grade is of the caller's scale is checked later (it needs
 * the database); here only that it is a grade of some scale. */
static const char *read_grade(et_req *q, int *is_major)
{
    const char *grade = et_body_str(q, "grade", ET_REQUIRED, 0, MAX_GRADE_TEXT);
    *is_major = 0; /* PUT replaces: an absent is_major is false */
    et_body_bool(q, "is_major", 0, is_major);
    if (grade && et_grade_points(ET_GPA_SCALE_43, grade) == ET_GRADE_UNKNOWN) {
        et_field_error_text(
            q, "grade",
            apr_psprintf(q->r->pool,
                         "\"%s\" is not a valid choice: A+ A0 A- B+ B0 B- C+ C0 C- D+ D0 D- F P "
                         "NP.",
                         grade),
            apr_psprintf(q->r->pool,
                         "\"%s\"은(는) 유효한 학점이 아닙니다: A+ A0 A- B+ B0 B- C+ C0 C- D+ D0 "
                         "D- F P NP.",
                         grade));
        grade = NULL;
    }
    return et_has_errors(q) ? NULL : grade;
}

static int et_grades_put(et_req *q)
{
    apr_int64_t now = apr_time_now();
    const char *grade;
    json_t *o;
    int is_major, scale, status;
    if (!(grade = read_grade(q, &is_major)))
        return et_fail_invalid(q);
    if ((status = check_on_primary(q)) != OK || (status = caller_scale(q, &scale)) != OK)
        return status;
    if (et_grade_points(scale, grade) == ET_GRADE_UNKNOWN) {
        et_field_error_text(q, "grade", "Minus grades exist only on the 4.3 scale.",
                            "마이너스 학점은 4.3 만점 학교에만 있습니다.");
        return et_fail_invalid(q);
    }
    if (et_db_exec(q->r, "et_grd_put", NULL, et_caller(q), q->ids[0], grade, (apr_int64_t)is_major,
                   now, now) != APR_SUCCESS)
        return et_fail_unavailable(q);
    o = et_json_obj(q->r->pool);
    et_json_set_int(o, "course", q->ids[0]);
    et_json_set_str(q->r->pool, o, "grade", grade);
    et_json_set_bool(o, "is_major", is_major);
    return et_reply(q, HTTP_OK, o);
}

static int et_grades_delete(et_req *q)
{
    int status = check_on_primary(q), n = 0;
    if (status != OK)
        return status;
    if (et_db_exec(q->r, "et_grd_delete", &n, et_caller(q), q->ids[0]) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (n == 0)
        return et_fail_detail(q, ET_E_NOT_FOUND, "This course has no grade.",
                              "이 강의에는 학점이 없습니다.");
    return HTTP_NO_CONTENT;
}

/* --- GET /me/gpa/ --------------------------------------------------------------------- */

/* A GPA in hundredths as a JSON number with two decimals, or null. */
static void set_gpa(json_t *o, const char *key, const et_gpa_sum *s)
{
    apr_int64_t h = et_gpa_hundredths(s);
    if (h < 0)
        et_json_set_null(o, key);
    else /* replies print reals with 15 significant digits: 335 reads 3.35 */
        et_json_set_real(o, key, (double)h / 100.0);
}

/* {"gpa", "major_gpa", "credits", "graded_credits"} into o. */
static void set_sums(json_t *o, const et_gpa *g)
{
    set_gpa(o, "gpa", &g->all);
    set_gpa(o, "major_gpa", &g->major);
    et_json_set_int(o, "credits", g->all.earned);
    et_json_set_int(o, "graded_credits", g->all.graded);
}

/* Counts the courses of one semester, from row *i on, into *total; *i
 * moves past them. Answers the semester's object. */
static json_t *semester_json(apr_pool_t *p, const et_rows *rows, int *i, int scale, et_gpa *total)
{
    const char *semester = ET_CELL(rows, *i, T_SEMESTER);
    et_gpa g = {{0, 0, 0}, {0, 0, 0}};
    json_t *s = et_json_obj(p);
    for (; *i < rows->nrows && !strcmp(ET_CELL(rows, *i, T_SEMESTER), semester); (*i)++) {
        const char *grade = ET_CELL(rows, *i, T_GRADE);
        int major = grade && et_cell_i64(ET_CELL(rows, *i, T_MAJOR)) != 0;
        apr_int64_t credits = et_cell_i64(ET_CELL(rows, *i, T_CREDITS));
        et_gpa_add(&g, scale, grade, major, credits);
        et_gpa_add(total, scale, grade, major, credits);
    }
    et_json_set_str(p, s, "semester", semester);
    set_sums(s, &g);
    return s;
}

static int et_grades_gpa(et_req *q)
{
    apr_pool_t *p = q->r->pool;
    et_gpa total = {{0, 0, 0}, {0, 0, 0}};
    et_rows *rows;
    json_t *o, *list;
    int scale, i = 0, status = caller_scale(q, &scale);
    if (status != OK)
        return status;
    if (et_db_select(q->r, "et_grd_transcript", &rows, et_caller(q)) != APR_SUCCESS)
        return et_fail_unavailable(q);
    list = et_json_arr(p);
    while (i < rows->nrows)
        et_json_push(list, semester_json(p, rows, &i, scale, &total));
    o = et_json_obj(p);
    et_json_set_real(o, "scale", (double)scale / 10.0);
    set_sums(o, &total);
    et_json_set(o, "semesters", list);
    return et_reply(q, HTTP_OK, o);
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_PUT, "/me/courses/{int}/grade", et_grades_put, ET_USER, ET_JSON_BODY},
    {M_DELETE, "/me/courses/{int}/grade", et_grades_delete, ET_USER, 0},
    {M_GET, "/me/gpa", et_grades_gpa, ET_USER, 0},
    ET_ROUTES_END};

const et_group et_api_grades = {"grades", statements, routes};

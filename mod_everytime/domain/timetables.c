/*
 * timetables.c: the Timetable object, with its courses and credits, and a
 * user's primary timetable of a semester (shown to friends too).
 */
#include "domain/timetables.h"
#include "domain/courses.h"
#include "infra/util.h"
#include "core/errors.h"

static const et_stmt statements[] = {
    {"et_tt_primary", "ss", 7,
     "SELECT " ET_TIMETABLE_COLUMNS " FROM timetables t "
     "WHERE t.user_id = %s AND t.semester = %s AND t.is_primary = 1 AND t.is_deleted = 0 "
     "ORDER BY t.id LIMIT 1",
     NULL, NULL},
    {"et_tt_courses", "l", 15,
     ET_TIMETABLE_COURSES("t.id") "WHERE t.id = %lld ORDER BY t.id, " ET_COURSE_SLOT_ORDER, NULL,
     NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

const et_group et_domain_timetables = {"timetables", statements, NULL};

/* The courses of timetable id among rows (grouped by the timetable id in
 * column 0) as a JSON array, adding their credits to *credits. */
static json_t *courses_of(apr_pool_t *p, const et_rows *rows, apr_int64_t id, apr_int64_t *credits)
{
    json_t *list = et_json_arr(p), *c;
    int i = 0;
    while (i < rows->nrows && et_cell_i64(ET_CELL(rows, i, 0)) != id)
        i++;
    while (i < rows->nrows && et_cell_i64(ET_CELL(rows, i, 0)) == id) {
        *credits += et_cell_i64(ET_CELL(rows, i, 1 + ET_CC_CREDITS));
        i = et_course_json(p, rows, i, 1, &c);
        et_json_push(list, c);
    }
    return list;
}

/* The Timetable of row i of tts with its courses from the course rows. */
json_t *et_timetable_json(et_req *q, const et_rows *tts, int i, const et_rows *courses)
{
    apr_pool_t *p = q->r->pool;
    apr_int64_t id = et_cell_i64(ET_CELL(tts, i, ET_TT_ID)), credits = 0;
    json_t *t = et_json_obj(p);
    et_json_set_int(t, "id", id);
    et_json_set_str(p, t, "semester", ET_CELL(tts, i, ET_TT_SEMESTER));
    et_json_set_str(p, t, "name", ET_CELL(tts, i, ET_TT_NAME));
    et_json_set_bool(t, "is_primary", et_cell_i64(ET_CELL(tts, i, ET_TT_PRIMARY)) != 0);
    et_json_set(t, "courses", courses_of(p, courses, id, &credits));
    et_json_set_int(t, "total_credits", credits);
    et_json_set_str(p, t, "created_at", et_cell_time(p, ET_CELL(tts, i, ET_TT_CREATED)));
    et_json_set_str(p, t, "updated_at", et_cell_time(p, ET_CELL(tts, i, ET_TT_UPDATED)));
    return t;
}

/* The Timetable of the single row of tt, its courses read now. */
int et_timetable_one_json(et_req *q, const et_rows *tt, json_t **out)
{
    et_rows *courses;
    if (et_db_select(q->r, "et_tt_courses", &courses, et_cell_i64(ET_CELL(tt, 0, ET_TT_ID))) !=
        APR_SUCCESS)
        return et_fail_unavailable(q);
    *out = et_timetable_json(q, tt, 0, courses);
    return OK;
}

int et_timetable_primary_json(et_req *q, const char *user_id, const char *semester, json_t **out)
{
    et_rows *tt;
    if (et_db_select(q->r, "et_tt_primary", &tt, user_id, semester) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (!tt->nrows)
        return et_fail_detail(q, ET_E_NOT_FOUND, "No primary timetable for this semester.",
                              "이 학기의 기본 시간표가 없습니다.");
    return et_timetable_one_json(q, tt, out);
}

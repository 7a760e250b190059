/*
 * courses.h: how Course objects are read from SQL and rendered, shared by
 * the catalogue (api/courses.c) and the timetables (api/timetables.c).
 *
 * A statement that lists courses selects ET_COURSE_COLUMNS (after columns of
 * its own, if any: "base" of them) FROM courses c ET_COURSE_JOINS, ordered so
 * that each course's rows are consecutive and its slots in
 * ET_COURSE_SLOT_ORDER: a course with k slots is k rows, a course without
 * slots one row whose slot columns are NULL. Rows belong to one course while
 * the course id and the leading columns stay the same, so the same course on
 * two timetables in a row (leading column: the timetable id) is two courses.
 */
#ifndef ET_COURSES_H
#define ET_COURSES_H

#include "infra/db.h"
#include "core/request.h"
#include "domain/timeslots.h"

#define ET_COURSE_COLUMNS                                                           \
    "c.id, i.id, i.code, i.title, i.credits, i.department, c.section, c.semester, " \
    "c.professor, c.capacity, s.day, s.start_min, s.end_min, s.room"
#define ET_COURSE_JOINS                               \
    "JOIN course_infos i ON i.id = c.course_info_id " \
    "LEFT JOIN course_slots s ON s.course_id = c.id "
#define ET_COURSE_SLOT_ORDER "c.id, s.day, s.start_min, s.id"

/* Column offsets from the first of ET_COURSE_COLUMNS. */
enum {
    ET_CC_ID,
    ET_CC_INFO_ID,
    ET_CC_CODE,
    ET_CC_TITLE,
    ET_CC_CREDITS,
    ET_CC_DEPARTMENT,
    ET_CC_SECTION,
    ET_CC_SEMESTER,
    ET_CC_PROFESSOR,
    ET_CC_CAPACITY,
    ET_CC_DAY,
    ET_CC_START,
    ET_CC_END,
    ET_CC_ROOM
};

/* The Course whose rows start at row i (its columns from column base on)
 * into *out (owned by p); answers the row after its last slot. */
int et_course_json(apr_pool_t *p, const et_rows *rows, int i, int base, json_t **out);

/* The same course's slots into a pool array (*n of them); answers the row
 * after its last slot. */
int et_course_slots(apr_pool_t *p, const et_rows *rows, int i, int base, et_slot **slots, int *n);

/* "CS101-01 자료구조": how a clash names the course at row i. */
const char *et_course_label(apr_pool_t *p, const et_rows *rows, int i, int base);
/* Records the field error of a malformed semester name. */
void et_semester_error(et_req *q, const char *field);

/* "MON 09:00-10:15". */
const char *et_slot_text(apr_pool_t *p, const et_slot *s);

#endif

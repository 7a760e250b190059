/*
 * timetables.h: the Timetable object, for the timetable routes and the
 * friends' (a friend's primary timetable).
 */
#ifndef ET_TIMETABLES_H
#define ET_TIMETABLES_H

#include "domain/courses.h"
#include "core/group.h"
#include "core/request.h"

/* The statements of the rendering below (timetables.c). */
extern const et_group et_domain_timetables;

/* A timetable row's columns, in order (table alias t). */
#define ET_TIMETABLE_COLUMNS \
    "t.id, t.user_id, t.semester, t.name, t.is_primary, t.created_at, t.updated_at"
enum {
    ET_TT_ID,
    ET_TT_USER,
    ET_TT_SEMESTER,
    ET_TT_NAME,
    ET_TT_PRIMARY,
    ET_TT_CREATED,
    ET_TT_UPDATED
};

/* Semesters in calendar order: spring (1), summer (S), fall (2), winter (W). */
#define ET_SEMESTER_ORDER(col)                                                           \
    "SUBSTR(" col ", 1, 4), CASE SUBSTR(" col ", 6, 1) WHEN '1' THEN 0 WHEN 'S' THEN 1 " \
    "WHEN '2' THEN 2 ELSE 3 END"

/* The courses of timetables, after a first column that groups them. */
#define ET_TIMETABLE_COURSES(first)                              \
    "SELECT " first ", " ET_COURSE_COLUMNS " FROM timetables t " \
    "JOIN timetable_courses tc ON tc.timetable_id = t.id "       \
    "JOIN courses c ON c.id = tc.course_id " ET_COURSE_JOINS

/* The Timetable of row i of tts (ET_TIMETABLE_COLUMNS) with its courses from
 * the rows of courses (ET_TIMETABLE_COURSES("t.id")), owned by the pool. */
json_t *et_timetable_json(et_req *q, const et_rows *tts, int i, const et_rows *courses);

/* The Timetable of the single row of tt, its courses read now: OK, or 503
 * (set up). */
int et_timetable_one_json(et_req *q, const et_rows *tt, json_t **out);

/* Builds the Timetable JSON of API.md (id, semester, name, is_primary,
 * courses, total_credits, created_at, updated_at) of user_id's primary,
 * live timetable of semester into *out. Answers OK; 404 not_found (already
 * set up on q) when the user has none for that semester; 503 (set up) when
 * the database fails. It checks no permission: the caller decides who may
 * see whose timetable. semester is not validated here (a malformed one finds
 * nothing: 404); check it first with et_semester_valid (timeslots.h) to
 * answer 400. */
int et_timetable_primary_json(et_req *q, const char *user_id, const char *semester, json_t **out);

#endif

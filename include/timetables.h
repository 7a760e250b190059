/*
 * timetables.h: what other route groups (friends) need from timetables.
 */
#ifndef ET_TIMETABLES_H
#define ET_TIMETABLES_H

#include "request.h"

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

/*
 * timeslots.h: the calendar of the course catalogue, pure and unit-tested:
 * weekday names, "HH:MM" times, semesters, and when two sections' weekly
 * slots clash.
 */
#ifndef ET_TIMESLOTS_H
#define ET_TIMESLOTS_H

#define ET_DAY_MINUTES 1440 /* "24:00", the latest end */
#define ET_TIME_TEXT   6    /* "HH:MM" and its NUL */

/* One weekly meeting of a section: day 0 = MON .. 6 = SUN, times in minutes
 * from midnight with start < end (the course_slots columns). */
typedef struct et_slot {
    int day;
    int start;
    int end;
    const char *room; /* carried along; no part of any comparison */
} et_slot;

/* "MON".."SUN" (any letter case) to 0..6; -1 for anything else. */
int et_day_parse(const char *s);
/* 0..6 to "MON".."SUN"; NULL out of range. */
const char *et_day_name(int day);

/* Exactly "HH:MM" from "00:00" to "24:00" to minutes 0..1440; -1 otherwise
 * ("9:00", "24:01", "12:60", "ab:cd" are refused). */
int et_time_parse(const char *s);
/* Minutes 0..1440 as "HH:MM" into buf; NULL out of range. */
const char *et_time_format(char buf[ET_TIME_TEXT], int minutes);

/* 1 when the slot is well formed: a day 0..6 and 0 <= start < end <= 1440. */
int et_slot_valid(const et_slot *s);

/* Two sections clash when a slot of one and a slot of the other fall on the
 * same day and their intervals intersect. Intervals are half-open, so a
 * class ending at 10:15 and one starting at 10:15 do not clash. Answers 1
 * with the first clashing pair's indexes in *ia and *ib (either may be
 * NULL), or 0. */
int et_slots_overlap(const et_slot *a, int na, const et_slot *b, int nb, int *ia, int *ib);
/* The same within one section's own slots: 1 with i < j, or 0. */
int et_slots_self_overlap(const et_slot *a, int n, int *i, int *j);

/* A semester name: "YYYY-1", "YYYY-2", "YYYY-S" (summer) or "YYYY-W" (winter),
 * the year from 1900 to 2999. 1 when s is one. */
int et_semester_valid(const char *s);

#endif

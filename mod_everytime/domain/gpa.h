/*
 * gpa.h: the arithmetic of the 학점계산기 (API.md, GET /me/gpa/): grade
 * points on a school's scale, weighted by credits, rounded half up to two
 * decimals. Everything is whole numbers: points in hundredths (A+ on the 4.5
 * scale is 450), scales in tenths (45, 43), so 3.345 rounds to 3.35 exactly,
 * where a double holding 3.345 is 3.34499... and would round down.
 *
 * What the sums count:
 *   graded credits  the credits of the courses in the GPA: A+ ... D-, and F
 *                   (its 0 points count);
 *   credits         the credits earned: passing grades (A+ ... D-) and P;
 *                   F and NP earn none, and an ungraded course (not yet
 *                   finished) has earned none yet;
 *   P, NP and ungraded courses stay out of the GPA.
 */
#ifndef ET_GPA_H
#define ET_GPA_H

#include <apr.h>

/* Scales, in tenths. */
#define ET_GPA_SCALE_45      45
#define ET_GPA_SCALE_43      43
#define ET_GPA_SCALE_DEFAULT ET_GPA_SCALE_45

/* What et_grade_points answers besides points. */
#define ET_GRADE_UNKNOWN (-1) /* not a grade, or not one of this scale */
#define ET_GRADE_PASS    (-2) /* P */
#define ET_GRADE_NO_PASS (-3) /* NP */

/* 1 when tenths is a scale (45 or 43). */
int et_gpa_scale_valid(apr_int64_t tenths);
/* The scale a JSON number names (4.5 or 4.3) in tenths, or 0. */
int et_gpa_scale_of_number(double value);

/* The points of grade ("A+", "B0", "F", ...) on the scale in hundredths, or
 * one of the ET_GRADE_ values above. Minus grades exist on the 4.3 scale
 * only. */
int et_grade_points(int scale, const char *grade);

/* One set of courses (all of them, or the major's). */
typedef struct et_gpa_sum {
    apr_int64_t points; /* hundredths of a point times credits, of graded courses */
    apr_int64_t graded; /* credits of the courses in the GPA */
    apr_int64_t earned; /* credits earned */
} et_gpa_sum;

/* A semester's or a transcript's sums. */
typedef struct et_gpa {
    et_gpa_sum all;
    et_gpa_sum major;
} et_gpa;

/* Counts one course: grade NULL when it has none yet. A grade that is not
 * of the scale (ET_GRADE_UNKNOWN) counts as none. */
void et_gpa_add(et_gpa *g, int scale, const char *grade, int is_major, apr_int64_t credits);

/* The GPA of s in hundredths, rounded half up; -1 when no course is graded
 * (the answer's null). */
apr_int64_t et_gpa_hundredths(const et_gpa_sum *s);

#endif

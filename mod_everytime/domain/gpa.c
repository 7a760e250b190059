/*
 * gpa.c: grade points by scale and the weighted, rounded average (gpa.h).
 * Pure functions: no request, no database; t/unit/test_gpa.c checks them.
 */
#include "domain/gpa.h"

#include <string.h>

typedef struct {
    const char *grade;
    int points45; /* hundredths; -1: not on the 4.5 scale */
    int points43; /* hundredths; -1: not on the 4.3 scale */
} grade_row;

/* API.md: 4.5 — A+ 4.5, A0 4.0, B+ 3.5 ... D0 1.0, F 0;
 *         4.3 — A+ 4.3, A0 4.0, A- 3.7 ... D- 0.7, F 0. */
static const grade_row grades[] = {
    {"A+", 450, 430}, {"A0", 400, 400}, {"A-", -1, 370},  {"B+", 350, 330}, {"B0", 300, 300},
    {"B-", -1, 270},  {"C+", 250, 230}, {"C0", 200, 200}, {"C-", -1, 170},  {"D+", 150, 130},
    {"D0", 100, 100}, {"D-", -1, 70},   {"F", 0, 0}};

int et_gpa_scale_valid(apr_int64_t tenths)
{
    return tenths == ET_GPA_SCALE_45 || tenths == ET_GPA_SCALE_43;
}

/* 4.3 has no exact double: compare with a margin far below a tenth */
static int near(double a, double b)
{
    return a - b < 1e-9 && b - a < 1e-9;
}

int et_gpa_scale_of_number(double value)
{
    if (near(value, 4.5))
        return ET_GPA_SCALE_45;
    if (near(value, 4.3))
        return ET_GPA_SCALE_43;
    return 0;
}

int et_grade_points(int scale, const char *grade)
{
    apr_size_t i;
    if (!grade || !et_gpa_scale_valid(scale))
        return ET_GRADE_UNKNOWN;
    if (!strcmp(grade, "P"))
        return ET_GRADE_PASS;
    if (!strcmp(grade, "NP"))
        return ET_GRADE_NO_PASS;
    for (i = 0; i < sizeof grades / sizeof grades[0]; i++)
        if (!strcmp(grade, grades[i].grade)) {
            int points = scale == ET_GPA_SCALE_45 ? grades[i].points45 : grades[i].points43;
            return points < 0 ? ET_GRADE_UNKNOWN : points;
        }
    return ET_GRADE_UNKNOWN;
}

static void sum_add(et_gpa_sum *s, int points, apr_int64_t credits)
{
    if (points >= 0) {
        s->points += (apr_int64_t)points * credits;
        s->graded += credits;
        if (points > 0) /* F earns nothing */
            s->earned += credits;
    } else if (points == ET_GRADE_PASS) {
        s->earned += credits;
    }
}

void et_gpa_add(et_gpa *g, int scale, const char *grade, int is_major, apr_int64_t credits)
{
    int points = grade ? et_grade_points(scale, grade) : ET_GRADE_UNKNOWN;
    if (credits < 0)
        credits = 0;
    sum_add(&g->all, points, credits);
    if (is_major)
        sum_add(&g->major, points, credits);
}

apr_int64_t et_gpa_hundredths(const et_gpa_sum *s)
{
    if (s->graded <= 0)
        return -1;
    /* points / graded, rounded half up: floor((2 * points + graded) / (2 * graded)) */
    return (2 * s->points + s->graded) / (2 * s->graded);
}

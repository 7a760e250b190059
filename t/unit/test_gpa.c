/*
 * test_gpa.c: gpa.c's grade points on both scales, the weighted average and
 * its rounding (half up, exact in hundredths), P/NP, F, ungraded courses, a
 * set with nothing graded, minus grades on the 4.3 scale only, and the major
 * subset.
 */
#include "suites.h"
#include "domain/gpa.h"

static et_gpa empty(void)
{
    et_gpa g = {{0, 0, 0}, {0, 0, 0}};
    return g;
}

START_TEST(points_on_the_45_scale)
{
    static const char *const names[] = {"A+", "A0", "B+", "B0", "C+", "C0", "D+", "D0", "F"};
    static const int points[] = {450, 400, 350, 300, 250, 200, 150, 100, 0};
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        ck_assert_int_eq(et_grade_points(ET_GPA_SCALE_45, names[i]), points[i]);
}
END_TEST

START_TEST(points_on_the_43_scale)
{
    static const char *const names[] = {"A+", "A0", "A-", "B+", "B0", "B-", "C+",
                                        "C0", "C-", "D+", "D0", "D-", "F"};
    static const int points[] = {430, 400, 370, 330, 300, 270, 230, 200, 170, 130, 100, 70, 0};
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        ck_assert_int_eq(et_grade_points(ET_GPA_SCALE_43, names[i]), points[i]);
}
END_TEST

START_TEST(minus_grades_only_on_43)
{
    static const char *const minus[] = {"A-", "B-", "C-", "D-"};
    size_t i;
    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(et_grade_points(ET_GPA_SCALE_45, minus[i]), ET_GRADE_UNKNOWN);
        ck_assert_int_gt(et_grade_points(ET_GPA_SCALE_43, minus[i]), 0);
    }
}
END_TEST

START_TEST(pass_no_pass_and_garbage)
{
    static const char *const bad[] = {"",  "A",  "a+", "A+ ", "E",   "F+",
                                      "p", "PP", "N",  "A00", "4.5", "에이"};
    size_t i;
    ck_assert_int_eq(et_grade_points(ET_GPA_SCALE_45, "P"), ET_GRADE_PASS);
    ck_assert_int_eq(et_grade_points(ET_GPA_SCALE_43, "NP"), ET_GRADE_NO_PASS);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(et_grade_points(ET_GPA_SCALE_45, bad[i]) == ET_GRADE_UNKNOWN, "accepted %s",
                      bad[i]);
    ck_assert_int_eq(et_grade_points(ET_GPA_SCALE_45, NULL), ET_GRADE_UNKNOWN);
    ck_assert_int_eq(et_grade_points(40, "A+"), ET_GRADE_UNKNOWN);
}
END_TEST

START_TEST(scales)
{
    ck_assert(et_gpa_scale_valid(45));
    ck_assert(et_gpa_scale_valid(43));
    ck_assert(!et_gpa_scale_valid(44));
    ck_assert(!et_gpa_scale_valid(0));
    ck_assert_int_eq(et_gpa_scale_of_number(4.5), 45);
    ck_assert_int_eq(et_gpa_scale_of_number(4.3), 43);
    ck_assert_int_eq(et_gpa_scale_of_number(43.0 / 10.0), 43);
    ck_assert_int_eq(et_gpa_scale_of_number(4.0), 0);
    ck_assert_int_eq(et_gpa_scale_of_number(4.31), 0);
    ck_assert_int_eq(et_gpa_scale_of_number(45), 0);
}
END_TEST

START_TEST(weighted_by_credits)
{
    et_gpa g = empty();
    et_gpa_add(&g, ET_GPA_SCALE_45, "A+", 0, 3); /* 13.5 */
    et_gpa_add(&g, ET_GPA_SCALE_45, "B0", 0, 2); /*  6.0 */
    et_gpa_add(&g, ET_GPA_SCALE_45, "C+", 0, 1); /*  2.5 */
    /* 22.0 / 6 = 3.6666... -> 3.67 */
    ck_assert_int_eq(et_gpa_hundredths(&g.all), 367);
    ck_assert_int_eq(g.all.graded, 6);
    ck_assert_int_eq(g.all.earned, 6);
}
END_TEST

START_TEST(rounds_half_up_exactly)
{
    /* 4.3: A0 4.0 x 1 + B+ 3.3 x 1 -> 7.3 / 2 = 3.65 exactly */
    et_gpa g = empty();
    et_gpa_add(&g, ET_GPA_SCALE_43, "A0", 0, 1);
    et_gpa_add(&g, ET_GPA_SCALE_43, "B+", 0, 1);
    ck_assert_int_eq(et_gpa_hundredths(&g.all), 365);
    /* a mean of x.xx5 exactly: points 66900 over 200 credits = 334.5 hundredths -> 335 */
    g = empty();
    g.all.points = 66900;
    g.all.graded = 200;
    ck_assert_int_eq(et_gpa_hundredths(&g.all), 335);
    /* just below the half: 334.4975 -> 334 */
    g.all.points = 66899;
    ck_assert_int_eq(et_gpa_hundredths(&g.all), 334);
    /* 4.3 scale, 1 A- (3.7) and 3 B+ (3.3): 13.6 / 4 = 3.4 */
    g = empty();
    et_gpa_add(&g, ET_GPA_SCALE_43, "A-", 0, 1);
    et_gpa_add(&g, ET_GPA_SCALE_43, "B+", 0, 3);
    ck_assert_int_eq(et_gpa_hundredths(&g.all), 340);
    /* 4.5: A+ x 3, B+ x 2, C0 x 3: (13.5 + 7 + 6) / 8 = 3.3125 -> 3.31 */
    g = empty();
    et_gpa_add(&g, ET_GPA_SCALE_45, "A+", 0, 3);
    et_gpa_add(&g, ET_GPA_SCALE_45, "B+", 0, 2);
    et_gpa_add(&g, ET_GPA_SCALE_45, "C0", 0, 3);
    ck_assert_int_eq(et_gpa_hundredths(&g.all), 331);
    /* 4.5: A0 x 3, B+ x 1: (12 + 3.5) / 4 = 3.875 -> 3.88 (half up, not to even) */
    g = empty();
    et_gpa_add(&g, ET_GPA_SCALE_45, "A0", 0, 3);
    et_gpa_add(&g, ET_GPA_SCALE_45, "B+", 0, 1);
    ck_assert_int_eq(et_gpa_hundredths(&g.all), 388);
}
END_TEST

START_TEST(pass_and_no_pass_stay_out)
{
    et_gpa g = empty();
    et_gpa_add(&g, ET_GPA_SCALE_45, "B+", 0, 3);
    et_gpa_add(&g, ET_GPA_SCALE_45, "P", 0, 2);
    et_gpa_add(&g, ET_GPA_SCALE_45, "NP", 0, 1);
    ck_assert_int_eq(et_gpa_hundredths(&g.all), 350);
    ck_assert_int_eq(g.all.graded, 3);
    ck_assert_int_eq(g.all.earned, 5); /* B+ and P earn, NP does not */
}
END_TEST

START_TEST(f_counts_in_gpa_earns_nothing)
{
    et_gpa g = empty();
    et_gpa_add(&g, ET_GPA_SCALE_45, "A+", 0, 3);
    et_gpa_add(&g, ET_GPA_SCALE_45, "F", 0, 3);
    ck_assert_int_eq(et_gpa_hundredths(&g.all), 225);
    ck_assert_int_eq(g.all.graded, 6);
    ck_assert_int_eq(g.all.earned, 3);
    /* only an F: 0.00, not null */
    g = empty();
    et_gpa_add(&g, ET_GPA_SCALE_43, "F", 0, 2);
    ck_assert_int_eq(et_gpa_hundredths(&g.all), 0);
    ck_assert_int_eq(g.all.earned, 0);
}
END_TEST

START_TEST(nothing_graded_is_null)
{
    et_gpa g = empty();
    ck_assert_int_eq(et_gpa_hundredths(&g.all), -1);
    et_gpa_add(&g, ET_GPA_SCALE_45, NULL, 1, 3);
    et_gpa_add(&g, ET_GPA_SCALE_45, "P", 1, 1);
    et_gpa_add(&g, ET_GPA_SCALE_45, "NP", 0, 2);
    ck_assert_int_eq(et_gpa_hundredths(&g.all), -1);
    ck_assert_int_eq(et_gpa_hundredths(&g.major), -1);
    ck_assert_int_eq(g.all.graded, 0);
    ck_assert_int_eq(g.all.earned, 1);
    /* a grade the scale lacks counts as none */
    et_gpa_add(&g, ET_GPA_SCALE_45, "A-", 0, 3);
    ck_assert_int_eq(et_gpa_hundredths(&g.all), -1);
    ck_assert_int_eq(g.all.earned, 1);
}
END_TEST

START_TEST(major_is_a_subset)
{
    et_gpa g = empty();
    et_gpa_add(&g, ET_GPA_SCALE_43, "A+", 1, 3);        /* major 12.9 */
    et_gpa_add(&g, ET_GPA_SCALE_43, "B-", 1, 3);        /* major  8.1 */
    et_gpa_add(&g, ET_GPA_SCALE_43, "C0", 0, 2);        /*        4.0 */
    ck_assert_int_eq(et_gpa_hundredths(&g.major), 350); /* 21.0 / 6 */
    ck_assert_int_eq(et_gpa_hundredths(&g.all), 313);   /* 25.0 / 8 = 3.125 -> 3.13 */
    ck_assert_int_eq(g.major.graded, 6);
    ck_assert_int_eq(g.all.graded, 8);
}
END_TEST

Suite *gpa_suite(void)
{
    Suite *s = suite_create("gpa");
    TCase *tc = tcase_create("points");
    tcase_add_test(tc, points_on_the_45_scale);
    tcase_add_test(tc, points_on_the_43_scale);
    tcase_add_test(tc, minus_grades_only_on_43);
    tcase_add_test(tc, pass_no_pass_and_garbage);
    tcase_add_test(tc, scales);
    suite_add_tcase(s, tc);

    tc = tcase_create("average");
    tcase_add_test(tc, weighted_by_credits);
    tcase_add_test(tc, rounds_half_up_exactly);
    tcase_add_test(tc, pass_and_no_pass_stay_out);
    tcase_add_test(tc, f_counts_in_gpa_earns_nothing);
    tcase_add_test(tc, nothing_graded_is_null);
    tcase_add_test(tc, major_is_a_subset);
    suite_add_tcase(s, tc);
    return s;
}

/*
 * test_timeslots.c: timeslots.c's weekday names, "HH:MM" times and
 * semesters, and the clash test: boundaries, touching ends, containment,
 * midnight (00:00 starts, 24:00 ends), several slots per section, other days.
 */
#include "suites.h"
#include "domain/timeslots.h"

#include <string.h>

/* --- days ---------------------------------------------------------------------- */

START_TEST(day_names_round_trip)
{
    static const char *const names[7] = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};
    int d;
    for (d = 0; d < 7; d++) {
        ck_assert_str_eq(et_day_name(d), names[d]);
        ck_assert_int_eq(et_day_parse(names[d]), d);
    }
    ck_assert_ptr_null(et_day_name(-1));
    ck_assert_ptr_null(et_day_name(7));
}
END_TEST

START_TEST(day_parse_letter_case_and_garbage)
{
    static const char *const bad[] = {"",     "M",  "MO", "MOND", "MONDAY", " MON",
                                      "MON ", "월", "0",  "XYZ",  "MO\nN"};
    size_t i;
    ck_assert_int_eq(et_day_parse("mon"), 0);
    ck_assert_int_eq(et_day_parse("Sun"), 6);
    ck_assert_int_eq(et_day_parse("wEd"), 2);
    ck_assert_int_eq(et_day_parse(NULL), -1);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(et_day_parse(bad[i]) == -1, "accepted \"%s\"", bad[i]);
}
END_TEST

/* --- times --------------------------------------------------------------------- */

START_TEST(time_parse_good)
{
    ck_assert_int_eq(et_time_parse("00:00"), 0);
    ck_assert_int_eq(et_time_parse("00:01"), 1);
    ck_assert_int_eq(et_time_parse("09:00"), 540);
    ck_assert_int_eq(et_time_parse("10:15"), 615);
    ck_assert_int_eq(et_time_parse("12:59"), 779);
    ck_assert_int_eq(et_time_parse("23:59"), 1439);
    ck_assert_int_eq(et_time_parse("24:00"), ET_DAY_MINUTES);
}
END_TEST

START_TEST(time_parse_bad)
{
    static const char *const bad[] = {"9:00",   "24:01", "12:60", "ab:cd", "",      "09:0",
                                      "09:000", "0900",  "09-00", "25:00", "99:99", " 9:00",
                                      "09:00 ", "-1:00", "+9:00", "09:5a", "1a:00", "09.00"};
    size_t i;
    ck_assert_int_eq(et_time_parse(NULL), -1);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(et_time_parse(bad[i]) == -1, "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(time_format_round_trip)
{
    char buf[ET_TIME_TEXT];
    int m;
    for (m = 0; m <= ET_DAY_MINUTES; m++) {
        ck_assert_ptr_nonnull(et_time_format(buf, m));
        ck_assert_uint_eq(strlen(buf), 5);
        ck_assert_int_eq(et_time_parse(buf), m);
    }
    ck_assert_str_eq(et_time_format(buf, 0), "00:00");
    ck_assert_str_eq(et_time_format(buf, 615), "10:15");
    ck_assert_str_eq(et_time_format(buf, ET_DAY_MINUTES), "24:00");
    ck_assert_ptr_null(et_time_format(buf, -1));
    ck_assert_ptr_null(et_time_format(buf, ET_DAY_MINUTES + 1));
}
END_TEST

/* --- slots --------------------------------------------------------------------- */

START_TEST(slot_validity)
{
    et_slot good[] = {
        {0, 0, 1, NULL}, {6, 1439, 1440, NULL}, {3, 540, 615, ""}, {0, 0, ET_DAY_MINUTES, NULL}};
    et_slot bad[] = {{-1, 540, 615, NULL}, {7, 540, 615, NULL}, {0, 615, 615, NULL},
                     {0, 615, 540, NULL},  {0, -5, 10, NULL},   {0, 1400, 1441, NULL}};
    size_t i;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        ck_assert_msg(et_slot_valid(&good[i]), "refused good slot %u", (unsigned)i);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(!et_slot_valid(&bad[i]), "accepted bad slot %u", (unsigned)i);
}
END_TEST

/* One slot against one slot, both ways round. */
static int clash1(int day1, int s1, int e1, int day2, int s2, int e2)
{
    et_slot a = {day1, s1, e1, NULL}, b = {day2, s2, e2, NULL};
    int x = et_slots_overlap(&a, 1, &b, 1, NULL, NULL);
    ck_assert_int_eq(x, et_slots_overlap(&b, 1, &a, 1, NULL, NULL));
    return x;
}

START_TEST(overlap_boundaries)
{
    /* MON 09:00-10:15 against ... */
    ck_assert_int_eq(clash1(0, 540, 615, 0, 600, 700), 1); /* starts inside */
    ck_assert_int_eq(clash1(0, 540, 615, 0, 480, 541), 1); /* one shared minute at the start */
    ck_assert_int_eq(clash1(0, 540, 615, 0, 614, 700), 1); /* one shared minute at the end */
    ck_assert_int_eq(clash1(0, 540, 615, 0, 540, 615), 1); /* the same interval */
    ck_assert_int_eq(clash1(0, 540, 615, 0, 540, 541), 1); /* same start */
    ck_assert_int_eq(clash1(0, 540, 615, 0, 614, 615), 1); /* same end */
    ck_assert_int_eq(clash1(0, 540, 615, 0, 300, 400), 0); /* well before */
    ck_assert_int_eq(clash1(0, 540, 615, 0, 700, 800), 0); /* well after */
}
END_TEST

START_TEST(overlap_touching_ends_do_not_clash)
{
    ck_assert_int_eq(clash1(0, 540, 615, 0, 615, 690), 0); /* 10:15 end, 10:15 start */
    ck_assert_int_eq(clash1(0, 540, 615, 0, 465, 540), 0); /* 07:45-09:00 before 09:00 */
    ck_assert_int_eq(clash1(2, 0, 1, 2, 1, 2), 0);         /* one-minute slots */
}
END_TEST

START_TEST(overlap_containment)
{
    ck_assert_int_eq(clash1(1, 540, 720, 1, 600, 630), 1);          /* inside */
    ck_assert_int_eq(clash1(1, 600, 630, 1, 540, 720), 1);          /* around */
    ck_assert_int_eq(clash1(1, 0, ET_DAY_MINUTES, 1, 700, 701), 1); /* the whole day */
}
END_TEST

START_TEST(overlap_midnight)
{
    /* a day runs from 00:00 to 24:00; nothing crosses into the next day */
    ck_assert_int_eq(clash1(4, 1380, ET_DAY_MINUTES, 4, 1439, ET_DAY_MINUTES), 1);
    ck_assert_int_eq(clash1(4, 1380, ET_DAY_MINUTES, 5, 0, 60), 0); /* FRI 24:00, SAT 00:00 */
    ck_assert_int_eq(clash1(4, 0, 60, 4, 0, 30), 1);                /* both from 00:00 */
    ck_assert_int_eq(clash1(4, 0, 60, 4, 60, 120), 0);
    ck_assert_int_eq(clash1(6, 1380, ET_DAY_MINUTES, 0, 0, 60), 0); /* SUN night, MON morning */
}
END_TEST

START_TEST(overlap_different_days)
{
    int d;
    for (d = 1; d < 7; d++)
        ck_assert_int_eq(clash1(0, 540, 615, d, 540, 615), 0);
}
END_TEST

START_TEST(overlap_several_slots)
{
    /* MON 09:00-10:15 and WED 09:00-10:15, against TUE/THU, then a WED clash */
    et_slot a[] = {{0, 540, 615, "공학관301"}, {2, 540, 615, "공학관302"}};
    et_slot b[] = {{1, 540, 615, NULL}, {3, 540, 615, NULL}};
    et_slot c[] = {{4, 600, 700, NULL}, {0, 615, 700, NULL}, {2, 600, 660, NULL}};
    int ia = -1, ib = -1;
    ck_assert_int_eq(et_slots_overlap(a, 2, b, 2, &ia, &ib), 0);
    ck_assert_int_eq(ia, -1);
    ck_assert_int_eq(et_slots_overlap(a, 2, c, 3, &ia, &ib), 1);
    ck_assert_int_eq(ia, 1); /* a's WED slot */
    ck_assert_int_eq(ib, 2); /* c's WED slot; its MON 10:15 start only touches */
    ck_assert_int_eq(et_slots_overlap(c, 3, a, 2, &ia, &ib), 1);
    ck_assert_int_eq(ia, 2);
    ck_assert_int_eq(ib, 1);
    /* no slots at all never clash */
    ck_assert_int_eq(et_slots_overlap(a, 2, NULL, 0, NULL, NULL), 0);
    ck_assert_int_eq(et_slots_overlap(NULL, 0, a, 2, NULL, NULL), 0);
}
END_TEST

START_TEST(self_overlap)
{
    et_slot ok[] = {{0, 540, 615, NULL}, {0, 615, 690, NULL}, {2, 540, 615, NULL}};
    et_slot bad[] = {{0, 540, 615, NULL}, {2, 540, 615, NULL}, {2, 600, 630, NULL}};
    et_slot same[] = {{3, 540, 615, NULL}, {3, 540, 615, NULL}};
    int i = -1, j = -1;
    ck_assert_int_eq(et_slots_self_overlap(ok, 3, &i, &j), 0);
    ck_assert_int_eq(et_slots_self_overlap(bad, 3, &i, &j), 1);
    ck_assert_int_eq(i, 1);
    ck_assert_int_eq(j, 2);
    ck_assert_int_eq(et_slots_self_overlap(same, 2, &i, &j), 1);
    ck_assert_int_eq(i, 0);
    ck_assert_int_eq(j, 1);
    ck_assert_int_eq(et_slots_self_overlap(ok, 1, NULL, NULL), 0);
    ck_assert_int_eq(et_slots_self_overlap(NULL, 0, NULL, NULL), 0);
}
END_TEST

/* --- semesters ------------------------------------------------------------------ */

START_TEST(semesters)
{
    static const char *const good[] = {"2024-1", "2024-2", "2024-S", "2024-W",
                                       "1999-1", "2999-2", "1900-W"};
    static const char *const bad[] = {"",        "2024",    "2024-",  "2024-3",  "2024-s", "2024-w",
                                      "24-1",    "2024-12", "2024_1", "1899-1",  "3000-1", "0999-1",
                                      " 2024-1", "2024-1 ", "abcd-1", "2024-1x", "2024--1"};
    size_t i;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        ck_assert_msg(et_semester_valid(good[i]), "refused \"%s\"", good[i]);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(!et_semester_valid(bad[i]), "accepted \"%s\"", bad[i]);
    ck_assert_int_eq(et_semester_valid(NULL), 0);
}
END_TEST

Suite *timeslots_suite(void)
{
    Suite *s = suite_create("timeslots");
    TCase *tc = tcase_create("names");
    tcase_add_test(tc, day_names_round_trip);
    tcase_add_test(tc, day_parse_letter_case_and_garbage);
    tcase_add_test(tc, time_parse_good);
    tcase_add_test(tc, time_parse_bad);
    tcase_add_test(tc, time_format_round_trip);
    tcase_add_test(tc, semesters);
    suite_add_tcase(s, tc);

    tc = tcase_create("overlap");
    tcase_add_test(tc, slot_validity);
    tcase_add_test(tc, overlap_boundaries);
    tcase_add_test(tc, overlap_touching_ends_do_not_clash);
    tcase_add_test(tc, overlap_containment);
    tcase_add_test(tc, overlap_midnight);
    tcase_add_test(tc, overlap_different_days);
    tcase_add_test(tc, overlap_several_slots);
    tcase_add_test(tc, self_overlap);
    suite_add_tcase(s, tc);
    return s;
}

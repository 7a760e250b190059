/*
 * timeslots.c: weekday names, "HH:MM" times and semesters, and the clash
 * test of two sections' weekly slots. No httpd, no pools: unit-tested alone.
 */
#include "domain/timeslots.h"

#include <stddef.h>

static const char *const day_names[7] = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};

static int upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

int et_day_parse(const char *s)
{
    int d;
    if (!s)
        return -1;
    for (d = 0; d < 7; d++) {
        const char *n = day_names[d];
        if (upper(s[0]) == n[0] && upper(s[1]) == n[1] && upper(s[2]) == n[2] && !s[3])
            return d;
    }
    return -1;
}

const char *et_day_name(int day)
{
    return day >= 0 && day < 7 ? day_names[day] : NULL;
}

static int digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : -1;
}

int et_time_parse(const char *s)
{
    int h1, h2, m1, m2, hours, minutes;
    /* exactly five characters: a missing leading zero is refused, not guessed */
    if (!s || !s[0] || !s[1] || s[2] != ':' || !s[3] || !s[4] || s[5])
        return -1;
    h1 = digit(s[0]), h2 = digit(s[1]), m1 = digit(s[3]), m2 = digit(s[4]);
    if (h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0)
        return -1;
    hours = h1 * 10 + h2;
    minutes = m1 * 10 + m2;
    if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0))
        return -1;
    return hours * 60 + minutes;
}

const char *et_time_format(char buf[ET_TIME_TEXT], int minutes)
{
    int h, m;
    if (minutes < 0 || minutes > ET_DAY_MINUTES)
        return NULL;
    h = minutes / 60, m = minutes % 60;
    buf[0] = (char)('0' + h / 10);
    buf[1] = (char)('0' + h % 10);
    buf[2] = ':';
    buf[3] = (char)('0' + m / 10);
    buf[4] = (char)('0' + m % 10);
    buf[5] = '\0';
    return buf;
}

int et_slot_valid(const et_slot *s)
{
    return s->day >= 0 && s->day < 7 && s->start >= 0 && s->start < s->end &&
           s->end <= ET_DAY_MINUTES;
}

/* Half-open intervals [start, end): touching ends share no minute. */
static int clash(const et_slot *x, const et_slot *y)
{
    return x->day == y->day && x->start < y->end && y->start < x->end;
}

int et_slots_overlap(const et_slot *a, int na, const et_slot *b, int nb, int *ia, int *ib)
{
    int i, j;
    for (i = 0; i < na; i++)
        for (j = 0; j < nb; j++)
            if (clash(&a[i], &b[j])) {
                if (ia)
                    *ia = i;
                if (ib)
                    *ib = j;
                return 1;
            }
    return 0;
}

int et_slots_self_overlap(const et_slot *a, int n, int *i, int *j)
{
    int x, y;
    for (x = 0; x < n; x++)
        for (y = x + 1; y < n; y++)
            if (clash(&a[x], &a[y])) {
                if (i)
                    *i = x;
                if (j)
                    *j = y;
                return 1;
            }
    return 0;
}

int et_semester_valid(const char *s)
{
    int k;
    if (!s)
        return 0;
    for (k = 0; k < 4; k++)
        if (digit(s[k]) < 0)
            return 0;
    if ((s[0] != '1' || s[1] != '9') && s[0] != '2')
        return 0;
    return s[4] == '-' && (s[5] == '1' || s[5] == '2' || s[5] == 'S' || s[5] == 'W') && !s[6];
}

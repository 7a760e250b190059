/*
 * courses.c: Course objects from the rows of the statements that list them,
 * and the words a clash or a bad semester is reported in.
 */
#include "domain/courses.h"
#include "infra/util.h"
#include "core/errors.h"

#define CELL(rows, i, base, col) ET_CELL(rows, i, (base) + (col))

static int same_cell(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* Row k continues the course of row i: the same course id and the same
 * columns before base (the same course twice in a row, on two timetables,
 * is two courses). */
static int same_course(const et_rows *rows, int i, int k, int base)
{
    int j;
    for (j = 0; j < base; j++)
        if (!same_cell(ET_CELL(rows, i, j), ET_CELL(rows, k, j)))
            return 0;
    return same_cell(CELL(rows, i, base, ET_CC_ID), CELL(rows, k, base, ET_CC_ID));
}

/* The row after the last of the course at row i. */
static int course_end(const et_rows *rows, int i, int base)
{
    int k = i + 1;
    while (k < rows->nrows && same_course(rows, i, k, base))
        k++;
    return k;
}

static json_t *course_info_json(apr_pool_t *p, const et_rows *rows, int i, int base)
{
    json_t *o = et_json_obj(p);
    et_json_set_int(o, "id", et_cell_i64(CELL(rows, i, base, ET_CC_INFO_ID)));
    et_json_set_str(p, o, "code", CELL(rows, i, base, ET_CC_CODE));
    et_json_set_str(p, o, "title", CELL(rows, i, base, ET_CC_TITLE));
    et_json_set_int(o, "credits", et_cell_i64(CELL(rows, i, base, ET_CC_CREDITS)));
    et_json_set_str(p, o, "department", CELL(rows, i, base, ET_CC_DEPARTMENT));
    return o;
}

/* The slot of row k; 0 when the row has none (a course without slots). */
static int row_slot(const et_rows *rows, int k, int base, et_slot *s)
{
    if (!CELL(rows, k, base, ET_CC_DAY))
        return 0;
    s->day = (int)et_cell_i64(CELL(rows, k, base, ET_CC_DAY));
    s->start = (int)et_cell_i64(CELL(rows, k, base, ET_CC_START));
    s->end = (int)et_cell_i64(CELL(rows, k, base, ET_CC_END));
    s->room = CELL(rows, k, base, ET_CC_ROOM);
    return 1;
}

static json_t *slot_json(apr_pool_t *p, const et_slot *s)
{
    char buf[ET_TIME_TEXT];
    json_t *o = et_json_obj(p);
    et_json_set_str(p, o, "day", et_day_name(s->day));
    et_json_set_str(p, o, "start", et_time_format(buf, s->start));
    et_json_set_str(p, o, "end", et_time_format(buf, s->end));
    et_json_set_str(p, o, "room", s->room ? s->room : "");
    return o;
}

int et_course_json(apr_pool_t *p, const et_rows *rows, int i, int base, json_t **out)
{
    int end = course_end(rows, i, base), k;
    json_t *c = et_json_obj(p), *slots = et_json_arr(p);
    et_slot s;
    et_json_set_int(c, "id", et_cell_i64(CELL(rows, i, base, ET_CC_ID)));
    et_json_set(c, "course_info", course_info_json(p, rows, i, base));
    et_json_set_str(p, c, "section", CELL(rows, i, base, ET_CC_SECTION));
    et_json_set_str(p, c, "semester", CELL(rows, i, base, ET_CC_SEMESTER));
    et_json_set_str(p, c, "professor", CELL(rows, i, base, ET_CC_PROFESSOR));
    for (k = i; k < end; k++)
        if (row_slot(rows, k, base, &s))
            et_json_push(slots, slot_json(p, &s));
    et_json_set(c, "slots", slots);
    et_json_set_int(c, "capacity", et_cell_i64(CELL(rows, i, base, ET_CC_CAPACITY)));
    *out = c;
    return end;
}

int et_course_slots(apr_pool_t *p, const et_rows *rows, int i, int base, et_slot **slots, int *n)
{
    int end = course_end(rows, i, base), k;
    *slots = apr_pcalloc(p, sizeof(et_slot) * (apr_size_t)(end - i));
    *n = 0;
    for (k = i; k < end; k++)
        if (row_slot(rows, k, base, &(*slots)[*n]))
            (*n)++;
    return end;
}

const char *et_course_label(apr_pool_t *p, const et_rows *rows, int i, int base)
{
    return apr_pstrcat(p, CELL(rows, i, base, ET_CC_CODE), "-", CELL(rows, i, base, ET_CC_SECTION),
                       " ", CELL(rows, i, base, ET_CC_TITLE), NULL);
}

const char *et_slot_text(apr_pool_t *p, const et_slot *s)
{
    char a[ET_TIME_TEXT], b[ET_TIME_TEXT];
    return apr_psprintf(p, "%s %s-%s", et_day_name(s->day), et_time_format(a, s->start),
                        et_time_format(b, s->end));
}

void et_semester_error(et_req *q, const char *field)
{
    et_field_error_text(q, field, "Enter a semester as YYYY-1, YYYY-2, YYYY-S or YYYY-W.",
                        "학기는 YYYY-1, YYYY-2, YYYY-S, YYYY-W 형식으로 입력하십시오.");
}

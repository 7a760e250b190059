/*
 * api/courses.c: the course catalogue. Subjects (CourseInfo: code, title,
 * credits, department) have sections (Course) per semester, each with a
 * professor, a capacity and weekly slots {day, start, end, room}. Anyone may
 * search; only an admin adds sections (build/import-courses loads a whole
 * catalogue).
 */
#include "api/groups.h"
#include "core/transaction.h"
#include "domain/courses.h"
#include "core/cursor.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/validate.h"
#include "core/query.h"

#define MAX_SLOTS       20
#define MAX_QUERY_CHARS 100

static const et_stmt statements[] = {
    /* One page of sections by id, then their slots. A filter is off when
     * given '' (day: -1); the inner query picks limit + 1 sections (a LIMIT
     * in an IN subquery is what MariaDB refuses, a derived table it takes). */
    {"et_crs_list", "lssssssslll", 14,
     "SELECT " ET_COURSE_COLUMNS " FROM (SELECT c.id FROM courses c "
     "JOIN course_infos i ON i.id = c.course_info_id "
     "WHERE c.id > %lld AND (%s = '' OR c.semester = %s) AND (%s = '' OR i.department = %s) "
     "AND (LOWER(i.code) LIKE LOWER(%s) ESCAPE '!' OR LOWER(i.title) LIKE LOWER(%s) ESCAPE '!' "
     "OR LOWER(c.professor) LIKE LOWER(%s) ESCAPE '!') "
     "AND (%lld < 0 OR EXISTS (SELECT 1 FROM course_slots d WHERE d.course_id = c.id "
     "AND d.day = %lld)) ORDER BY c.id LIMIT %lld) p "
     "JOIN courses c ON c.id = p.id " ET_COURSE_JOINS "ORDER BY " ET_COURSE_SLOT_ORDER,
     NULL, NULL},
    {"et_crs_get", "l", 14,
     "SELECT " ET_COURSE_COLUMNS " FROM courses c " ET_COURSE_JOINS
     "WHERE c.id = %lld ORDER BY " ET_COURSE_SLOT_ORDER,
     NULL, NULL},
    {"et_crs_info_by_code", "s", 4,
     "SELECT id, title, credits, department FROM course_infos WHERE code = %s", NULL, NULL},
    {"et_crs_info_by_id", "l", 1, "SELECT id FROM course_infos WHERE id = %lld", NULL, NULL},
    {"et_crs_info_insert", "sslsll", 1,
     "INSERT INTO course_infos (code, title, credits, department, review_count, rating_sum, "
     "created_at, updated_at) VALUES (%s, %s, %lld, %s, 0, 0, %lld, %lld) RETURNING id",
     NULL, NULL},
    {"et_crs_find", "lss", 1,
     "SELECT id FROM courses WHERE course_info_id = %lld AND semester = %s AND section = %s", NULL,
     NULL},
    {"et_crs_insert", "lssslll", 1,
     "INSERT INTO courses (course_info_id, semester, section, professor, capacity, created_at, "
     "updated_at) VALUES (%lld, %s, %s, %s, %lld, %lld, %lld) RETURNING id",
     NULL, NULL},
    {"et_crs_slot_insert", "lllls", 0,
     "INSERT INTO course_slots (course_id, day, start_min, end_min, room) "
     "VALUES (%lld, %lld, %lld, %lld, %s)",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* --- reading ------------------------------------------------------------------- */

/* The courses of rows (at most limit of them) as a JSON array. *more is set
 * when the rows hold another course after them, *last to the last id shown. */
static json_t *course_list(apr_pool_t *p, const et_rows *rows, int limit, int *more,
                           apr_int64_t *last)
{
    json_t *list = et_json_arr(p), *c;
    int i = 0, n = 0;
    *more = 0;
    while (i < rows->nrows) {
        if (n == limit) {
            *more = 1;
            break;
        }
        *last = et_cell_i64(ET_CELL(rows, i, ET_CC_ID));
        i = et_course_json(p, rows, i, 0, &c);
        et_json_push(list, c);
        n++;
    }
    return list;
}

/* A query parameter that must be valid UTF-8 of a bounded length: "" when absent. */
static const char *query_text(et_req *q, const char *name)
{
    const char *v = et_query(q, name);
    long n = v ? et_utf8_chars(v) : 0;
    if (n < 0)
        et_field_error(q, name, ET_M_NOT_STRING, 0);
    else if (n > MAX_QUERY_CHARS)
        et_field_error(q, name, ET_M_MAX_LENGTH, MAX_QUERY_CHARS);
    return v && n >= 0 ? v : "";
}

static void day_error(et_req *q, const char *field, const char *given)
{
    apr_pool_t *p = q->r->pool;
    et_field_error_text(
        q, field, apr_psprintf(p, "\"%s\" is not a valid choice (MON..SUN).", given),
        apr_psprintf(p, "\"%s\"은(는) 유효하지 않은 선택입니다 (MON..SUN).", given));
}

static int et_courses_list(et_req *q)
{
    const char *semester = query_text(q, "semester"), *text = query_text(q, "q");
    const char *department = query_text(q, "department"), *day_text = query_text(q, "day");
    const char *pattern;
    apr_int64_t day = -1, last = 0;
    et_page page;
    et_rows *rows;
    json_t *list;
    int more, status;
    if (*semester && !et_semester_valid(semester))
        et_semester_error(q, "semester");
    if (*day_text && (day = et_day_parse(day_text)) < 0)
        day_error(q, "day", day_text);
    if ((status = et_page_read(q, &page, "courses")) != OK)
        return status;
    pattern = et_like_contains(q->r->pool, text);
    if (et_db_select(q->r, "et_crs_list", &rows, page.has_cursor ? page.key1 : (apr_int64_t)0,
                     semester, semester, department, department, pattern, pattern, pattern, day,
                     day, (apr_int64_t)page.limit + 1) != APR_SUCCESS)
        return et_fail_unavailable(q);
    list = course_list(q->r->pool, rows, page.limit, &more, &last);
    return et_reply(q, HTTP_OK,
                    et_page_json(q, list, more ? et_cursor_make(q, page.list, last, 0) : NULL));
}

/* The course of id as JSON into *out: OK, 404 or 503 already set up. */
static int load_course(et_req *q, apr_int64_t id, json_t **out)
{
    et_rows *rows;
    if (et_db_select(q->r, "et_crs_get", &rows, id) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (!rows->nrows)
        return et_fail(q, ET_E_NOT_FOUND);
    et_course_json(q->r->pool, rows, 0, 0, out);
    return OK;
}

static int et_courses_get(et_req *q)
{
    json_t *c;
    int status = load_course(q, q->ids[0], &c);
    return status == OK ? et_reply(q, HTTP_OK, c) : status;
}

/* --- the body of a new section --------------------------------------------------- */

typedef struct {
    apr_int64_t info_id; /* given, or found / made from the fields below */
    const char *code, *title, *department;
    apr_int64_t credits;
    const char *semester, *section, *professor;
    apr_int64_t capacity;
    et_slot *slots;
    int nslots;
    apr_int64_t id; /* the new section */
} new_course;

/* Nested objects are read with the same field readers: the body and the
 * error list are swapped for the nested object's own, and its errors are
 * put back under the field's name, DRF's shape: {"slots": [{}, {"day": [...]}]}. */
typedef struct {
    json_t *body;
    json_t *errors;
} outer_state;

static void enter(et_req *q, json_t *inner, outer_state *o)
{
    o->body = q->body;
    o->errors = q->errors;
    q->body = inner;
    q->errors = NULL;
}

/* Back to the outer object; answers the inner errors (an object) or NULL. */
static json_t *leave(et_req *q, const outer_state *o)
{
    json_t *inner = q->errors;
    q->body = o->body;
    q->errors = o->errors;
    return inner && json_object_size(inner) ? inner : NULL;
}

static void nest_errors(et_req *q, const char *field, json_t *errors)
{
    if (!q->errors)
        q->errors = et_json_obj(q->r->pool);
    et_json_set(q->errors, field, errors);
}

static void read_course_info(et_req *q, json_t *info, new_course *c)
{
    outer_state o;
    json_t *errors;
    if (!json_is_object(info)) {
        et_field_not_object(q, "course_info", info);
        return;
    }
    enter(q, info, &o);
    c->code = et_body_str(q, "code", ET_REQUIRED, 0, 20);
    c->title = et_body_str(q, "title", ET_REQUIRED, 0, 200);
    et_body_int(q, "credits", ET_REQUIRED, 0, 30, &c->credits);
    c->department = et_body_str(q, "department", ET_REQUIRED, 0, 100);
    if ((errors = leave(q, &o)))
        nest_errors(q, "course_info", errors);
}

/* A time field of a slot: minutes, or -1 after recording an error. */
static int read_time(et_req *q, const char *field)
{
    const char *s = et_body_str(q, field, ET_REQUIRED, 0, 5);
    int m = s ? et_time_parse(s) : -1;
    if (s && m < 0)
        et_field_error_text(q, field, "Enter a time as HH:MM from 00:00 to 24:00.",
                            "시간은 00:00부터 24:00까지 HH:MM 형식으로 입력하십시오.");
    return m;
}

/* The fields of one slot, read while the slot is the body. */
static void read_slot_fields(et_req *q, et_slot *s)
{
    const char *day = et_body_str(q, "day", ET_REQUIRED, 0, 10);
    if (day && (s->day = et_day_parse(day)) < 0)
        day_error(q, "day", day);
    s->start = read_time(q, "start");
    s->end = read_time(q, "end");
    if (s->start >= 0 && s->end >= 0 && s->start >= s->end)
        et_field_error_text(q, "end", "The end must be later than the start.",
                            "종료 시각은 시작 시각보다 늦어야 합니다.");
    s->room = et_body_str(q, "room", ET_ALLOW_BLANK | ET_NULLABLE, 0, 50);
    if (!s->room)
        s->room = "";
}

/* One element of "slots" into *s; answers its errors: a pool-owned object,
 * empty when the slot is good. */
static json_t *read_slot(et_req *q, json_t *v, et_slot *s)
{
    outer_state o;
    json_t *errors;
    enter(q, v, &o);
    if (json_is_object(v))
        read_slot_fields(q, s);
    else
        et_field_not_object(q, "non_field_errors", v);
    errors = leave(q, &o);
    return errors ? errors : et_json_obj(q->r->pool);
}

static void read_slots(et_req *q, new_course *c)
{
    json_t *v = json_object_get(q->body, "slots"), *errors, *e;
    apr_pool_t *p = q->r->pool;
    int bad = 0, i, j;
    size_t k;
    if (!v || json_is_null(v)) {
        et_field_error(q, "slots", v ? ET_M_NULL : ET_M_REQUIRED, 0);
        return;
    }
    if (!json_is_array(v)) {
        et_field_error_text(
            q, "slots",
            apr_psprintf(p, "Expected a list of items but got type \"%s\".", et_json_kind(v)),
            apr_psprintf(p, "아이템 리스트가 예상되었으나 \"%s\"를 받았습니다.", et_json_kind(v)));
        return;
    }
    if (json_array_size(v) > MAX_SLOTS) {
        et_field_error_text(
            q, "slots",
            apr_psprintf(p, "Ensure this field has no more than %d elements.", MAX_SLOTS),
            apr_psprintf(p, "이 필드의 항목 수가 %d 이하인지 확인하십시오.", MAX_SLOTS));
        return;
    }
    c->nslots = (int)json_array_size(v);
    c->slots = apr_pcalloc(p, sizeof(et_slot) * (c->nslots + 1));
    errors = et_json_arr(p);
    json_array_foreach(v, k, e)
    {
        json_t *one = read_slot(q, e, &c->slots[k]);
        bad |= json_object_size(one) > 0;
        et_json_push(errors, one);
    }
    if (bad)
        nest_errors(q, "slots", errors);
    else if (et_slots_self_overlap(c->slots, c->nslots, &i, &j))
        et_field_error_text(
            q, "slots",
            apr_psprintf(p, "Slots %d and %d overlap (%s, %s).", i + 1, j + 1,
                         et_slot_text(p, &c->slots[i]), et_slot_text(p, &c->slots[j])),
            apr_psprintf(p, "%d번째와 %d번째 시간이 겹칩니다 (%s, %s).", i + 1, j + 1,
                         et_slot_text(p, &c->slots[i]), et_slot_text(p, &c->slots[j])));
}

/* The subject: a course_info object, or the id of an existing one. */
static void read_subject(et_req *q, new_course *c)
{
    json_t *info = json_object_get(q->body, "course_info");
    int has_id = et_body_has(q, "course_info_id") &&
                 !json_is_null(json_object_get(q->body, "course_info_id"));
    if (info && !json_is_null(info) && has_id) {
        et_field_error_text(q, "non_field_errors",
                            "Give either course_info or course_info_id, not both.",
                            "course_info와 course_info_id 중 하나만 보내십시오.");
        return;
    }
    if (has_id) {
        et_body_int(q, "course_info_id", ET_REQUIRED, 1, APR_INT64_C(999999999999), &c->info_id);
        return;
    }
    if (!info || json_is_null(info)) {
        et_field_error(q, "course_info", info ? ET_M_NULL : ET_M_REQUIRED, 0);
        return;
    }
    read_course_info(q, info, c);
}

static int read_new_course(et_req *q, new_course *c)
{
    read_subject(q, c);
    c->section = et_body_str(q, "section", ET_REQUIRED, 0, 10);
    if ((c->semester = et_body_str(q, "semester", ET_REQUIRED, 0, 10)) &&
        !et_semester_valid(c->semester))
        et_semester_error(q, "semester");
    c->professor = et_body_str(q, "professor", ET_REQUIRED, 0, 100);
    et_body_int(q, "capacity", ET_REQUIRED, 0, 100000, &c->capacity);
    read_slots(q, c);
    return et_has_errors(q) ? et_fail_invalid(q) : OK;
}

/* --- writing ------------------------------------------------------------------- */

/* A subject code names one subject: a new section may reuse it only with the
 * same title, credits and department (an import that spells a subject two
 * ways is caught rather than silently merged). */
static int subject_mismatch(et_req *q, const new_course *c, const et_rows *found)
{
    apr_pool_t *p = q->r->pool;
    const char *title = ET_CELL(found, 0, 1), *dept = ET_CELL(found, 0, 3);
    apr_int64_t credits = et_cell_i64(ET_CELL(found, 0, 2));
    return et_fail_detail(
        q, ET_E_CONFLICT,
        apr_psprintf(p,
                     "Subject %s already exists as %s (%" APR_INT64_T_FMT " credits, %s): "
                     "send the same title, credits and department, or its course_info_id %s.",
                     c->code, title, credits, dept, ET_CELL(found, 0, 0)),
        apr_psprintf(p,
                     "과목 %s은(는) 이미 %s (%" APR_INT64_T_FMT "학점, %s)(으)로 있습니다: "
                     "같은 과목명, 학점, 학과를 보내거나 course_info_id %s를 보내십시오.",
                     c->code, title, credits, dept, ET_CELL(found, 0, 0)));
}

/* Finds or makes the subject; OK, ET_TXN_RETRY, or an error status set up. */
static int resolve_subject(et_req *q, new_course *c, apr_int64_t now)
{
    et_rows *rows;
    if (!c->code) {
        if (et_db_select(q->r, "et_crs_info_by_id", &rows, c->info_id) != APR_SUCCESS)
            return ET_TXN_RETRY;
        if (rows->nrows)
            return OK;
        et_field_invalid_pk(q, "course_info_id", c->info_id);
        return et_fail_invalid(q);
    }
    if (et_db_select(q->r, "et_crs_info_by_code", &rows, c->code) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (rows->nrows) {
        if (strcmp(ET_CELL(rows, 0, 1), c->title) || strcmp(ET_CELL(rows, 0, 3), c->department) ||
            et_cell_i64(ET_CELL(rows, 0, 2)) != c->credits)
            return subject_mismatch(q, c, rows);
        c->info_id = et_cell_i64(ET_CELL(rows, 0, 0));
        return OK;
    }
    /* a concurrent insert of the same code fails here on the unique key: retried */
    if (et_db_select(q->r, "et_crs_info_insert", &rows, c->code, c->title, c->credits,
                     c->department, now, now) != APR_SUCCESS ||
        rows->nrows != 1)
        return ET_TXN_RETRY;
    c->info_id = et_cell_i64(ET_CELL(rows, 0, 0));
    return OK;
}

static int duplicate_section(et_req *q, const new_course *c)
{
    apr_pool_t *p = q->r->pool;
    return et_fail_detail(
        q, ET_E_CONFLICT,
        apr_psprintf(p, "Section %s of this subject already exists in %s.", c->section,
                     c->semester),
        apr_psprintf(p, "이 과목의 %s 학기 %s 분반이 이미 있습니다.", c->semester, c->section));
}

static int insert_course(et_req *q, void *ctx)
{
    new_course *c = ctx;
    apr_int64_t now = apr_time_now();
    et_rows *rows;
    int i, status = resolve_subject(q, c, now);
    if (status != OK)
        return status;
    if (et_db_select(q->r, "et_crs_find", &rows, c->info_id, c->semester, c->section) !=
        APR_SUCCESS)
        return ET_TXN_RETRY;
    if (rows->nrows)
        return duplicate_section(q, c);
    if (et_db_select(q->r, "et_crs_insert", &rows, c->info_id, c->semester, c->section,
                     c->professor, c->capacity, now, now) != APR_SUCCESS ||
        rows->nrows != 1)
        return ET_TXN_RETRY;
    c->id = et_cell_i64(ET_CELL(rows, 0, 0));
    for (i = 0; i < c->nslots; i++)
        if (et_db_exec(q->r, "et_crs_slot_insert", NULL, c->id, (apr_int64_t)c->slots[i].day,
                       (apr_int64_t)c->slots[i].start, (apr_int64_t)c->slots[i].end,
                       c->slots[i].room) != APR_SUCCESS)
            return ET_TXN_RETRY;
    return OK;
}

static int et_courses_create(et_req *q)
{
    new_course c;
    json_t *course;
    int status;
    memset(&c, 0, sizeof(c));
    if ((status = read_new_course(q, &c)) != OK)
        return status;
    if ((status = et_transaction(q, insert_course, &c)) != OK)
        return status;
    if ((status = load_course(q, c.id, &course)) != OK)
        return status;
    return et_reply(q, HTTP_CREATED, course);
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {{M_GET, "/courses", et_courses_list, ET_PUBLIC, 0},
                                  {M_POST, "/courses", et_courses_create, ET_ADMIN, ET_JSON_BODY},
                                  {M_GET, "/courses/{int}", et_courses_get, ET_PUBLIC, 0},
                                  ET_ROUTES_END};

const et_group et_api_courses = {"courses", statements, routes};

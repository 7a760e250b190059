/*
 * api_schools_boards.c: schools (signup needs one) and, later, boards.
 */
#include "accounts.h"
#include "api.h"
#include "cursor.h"
#include "util.h"

const et_stmt et_schools_boards_statements[] = {
    /* '!' escapes LIKE wildcards the same way on every driver */
    {"et_sch_list",
     "SELECT id, name, domain FROM schools WHERE LOWER(name) LIKE LOWER(%s) ESCAPE '!' "
     "ORDER BY id", NULL, NULL},
    {"et_sch_by_name", "SELECT id FROM schools WHERE name = %s", NULL, NULL},
    {"et_sch_insert",
     "INSERT INTO schools (name, domain, created_at, updated_at) VALUES (%s, %s, %lld, %lld) "
     "RETURNING id", NULL, NULL},
    {NULL, NULL, NULL, NULL}
};

/* "%text%" with the LIKE wildcards in text escaped by '!'. */
static const char *contains_pattern(apr_pool_t *p, const char *text)
{
    apr_size_t n = strlen(text), i, j = 0;
    char *out = apr_palloc(p, 2 * n + 3);
    out[j++] = '%';
    for (i = 0; i < n; i++) {
        if (text[i] == '%' || text[i] == '_' || text[i] == '!')
            out[j++] = '!';
        out[j++] = text[i];
    }
    out[j++] = '%';
    out[j] = '\0';
    return out;
}

int et_schools_list(et_req *q)
{
    const char *name = et_query(q, "name");
    json_t *list;
    et_rows *rows;
    int i;
    if (name && et_utf8_chars(name) < 0) {
        et_field_error(q, "name", ET_M_NOT_STRING, 0);
        return et_fail_invalid(q);
    }
    if (et_db_select(q->r, "et_sch_list", &rows, "s", contains_pattern(q->r->pool, name ? name : ""))
        != APR_SUCCESS)
        return et_fail_unavailable(q);
    list = json_array();
    for (i = 0; i < rows->nrows; i++)
        json_array_append_new(list, et_school_json(ET_CELL(rows, i, 0), ET_CELL(rows, i, 1),
                                                   ET_CELL(rows, i, 2)));
    return et_reply(q, HTTP_OK, et_page_json(q, list, NULL));
}

int et_schools_create(et_req *q)
{
    const char *name = et_body_str(q, "name", ET_REQUIRED, 0, 100);
    const char *domain = et_body_str(q, "domain", ET_ALLOW_BLANK | ET_NULLABLE, 0, 100);
    apr_int64_t now = apr_time_now();
    et_rows *rows;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (domain && !*domain)
        domain = NULL;
    if (et_db_select(q->r, "et_sch_by_name", &rows, "s", name) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (rows->nrows)
        return et_fail_detail(q, ET_E_CONFLICT, "A school with that name already exists.",
                              "같은 이름의 학교가 이미 있습니다.");
    if (et_db_select(q->r, "et_sch_insert", &rows, "ssll", name, domain, now, now) != APR_SUCCESS ||
        rows->nrows != 1) {
        /* lost a race with a concurrent insert of the same name? */
        if (et_db_select(q->r, "et_sch_by_name", &rows, "s", name) == APR_SUCCESS && rows->nrows)
            return et_fail_detail(q, ET_E_CONFLICT, "A school with that name already exists.",
                                  "같은 이름의 학교가 이미 있습니다.");
        return et_fail_unavailable(q);
    }
    return et_reply(q, HTTP_CREATED,
                    et_json_own(q->r->pool, et_school_json(ET_CELL(rows, 0, 0), name, domain)));
}

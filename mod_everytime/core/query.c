/*
 * query.c: the query string, decoded as application/x-www-form-urlencoded.
 */
#include "core/query.h"
#include "infra/util.h"

/* Decodes the query string into q->args. A parameter whose name or value
 * holds a NUL is left out, with a field error under its name: the number of
 * such parameters. */
static int parse_args(et_req *q)
{
    apr_array_header_t *fields = et_form_decode(q->r->pool, q->r->args);
    int i, bad = 0;
    q->args = apr_table_make(q->r->pool, fields->nelts);
    for (i = 0; i < fields->nelts; i++) {
        const et_form_field *f = &APR_ARRAY_IDX(fields, i, et_form_field);
        if (strlen(f->name) != f->name_len || strlen(f->value) != f->value_len) {
            et_field_error(q, f->name, ET_M_NUL_CHAR, 0);
            bad++;
        } else {
            /* the last of repeated names wins, as QueryDict.get() has it */
            apr_table_set(q->args, f->name, f->value);
        }
    }
    return bad;
}

int et_query_parse(et_req *q)
{
    return parse_args(q) ? et_fail_invalid(q) : OK;
}

const char *et_query(et_req *q, const char *name)
{
    if (!q->args)
        parse_args(q);
    return apr_table_get(q->args, name);
}

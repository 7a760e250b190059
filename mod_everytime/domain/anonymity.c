/*
 * anonymity.c: the per-post numbers of anonymous writers (post_anon_numbers)
 * and the labels they are shown under.
 */
#include "domain/anonymity.h"

static const et_stmt statements[] = {
    {"et_anon_get", "ls", 1,
     "SELECT number FROM post_anon_numbers WHERE post_id = %lld AND user_id = %s", NULL, NULL},
    /* the next number of the post; MariaDB reads its own target table
     * through a temporary copy, the others directly */
    {"et_anon_assign", "lsl", 0,
     "INSERT INTO post_anon_numbers (post_id, user_id, number) "
     "SELECT %lld, %s, COALESCE(MAX(number), 0) + 1 FROM post_anon_numbers WHERE post_id = %lld",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

int et_anon_needs_number(const char *writer_id, const char *post_author_id, int post_is_anonymous)
{
    return !(post_is_anonymous && post_author_id && !strcmp(writer_id, post_author_id));
}

apr_status_t et_anon_number_get(request_rec *r, apr_int64_t post_id, const char *user_id,
                                apr_int64_t *number)
{
    et_rows *rows;
    apr_status_t rv = et_db_select(r, "et_anon_get", &rows, post_id, user_id);
    *number = rv == APR_SUCCESS && rows->nrows ? et_cell_i64(ET_CELL(rows, 0, 0)) : 0;
    return rv;
}

apr_status_t et_anon_number_assign(request_rec *r, apr_int64_t post_id, const char *user_id)
{
    apr_int64_t number;
    apr_status_t rv = et_anon_number_get(r, post_id, user_id, &number);
    if (rv != APR_SUCCESS || number > 0)
        return rv;
    return et_db_exec(r, "et_anon_assign", NULL, post_id, user_id, post_id);
}

const char *et_anon_label(apr_pool_t *p, int is_post_author, apr_int64_t number)
{
    if (is_post_author)
        return ET_ANON_POST_AUTHOR;
    if (number <= 0)
        return ET_ANON_PLAIN;
    return apr_psprintf(p, ET_ANON_PREFIX "%" APR_INT64_T_FMT, number);
}

const et_group et_domain_anonymity = {"anonymity", statements, NULL};

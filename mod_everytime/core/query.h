/*
 * query.h: the query string, decoded once before the route.
 */
#ifndef ET_QUERY_H
#define ET_QUERY_H

#include "core/errors.h"

/* Decodes the query string as application/x-www-form-urlencoded ('+' is a
 * space); run once before the route. A NUL in a parameter is 400 invalid
 * naming it, never a filter cut short: OK, or that status. */
int et_query_parse(et_req *q);
/* Query string value, decoded, or NULL. */
const char *et_query(et_req *q, const char *name);

#endif

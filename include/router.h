/*
 * router.h: the static route table and the handler that dispatches on it.
 */
#ifndef ET_ROUTER_H
#define ET_ROUTER_H

#include "request.h"

typedef int (*et_route_fn)(et_req *q);

typedef enum {
    ET_PUBLIC, /* anyone; a bad token is ignored and the caller is anonymous */
    ET_USER,   /* a valid access token */
    ET_ADMIN   /* a valid access token with role ROLE_ADMIN */
} et_access;

#define ET_JSON_BODY 1    /* the body is read and parsed as a JSON object first */
#define ET_OWN_DB_CHECK 2 /* answers without the schema check (health, schema) */

typedef struct et_route {
    int method;          /* M_GET, M_POST, ... */
    const char *pattern; /* "/posts/{int}/comments": {int} and {uuid} are typed */
    et_route_fn fn;
    et_access access;
    unsigned flags;
} et_route;

/* Matches path against pattern, filling the typed parameters. 1 on a match. */
int et_route_match(const char *pattern, const char *path, et_req *q);

/* Finds the route for method and path. NULL with *allow listing the methods
 * that exist for the path ("" when the path is unknown). */
const et_route *et_route_find(apr_pool_t *p, int method, const char *path, et_req *q,
                              const char **allow);

int et_handler(request_rec *r);

#endif

/*
 * group.h: what a resource group hands to the module: its name, its
 * statements (for the database layer) and its routes (for the router).
 * Each group defines one et_group in its own file; api/groups.c lists them
 * all, and mod_everytime.c passes that list down. Neither the database
 * layer nor the router knows any group by name.
 */
#ifndef ET_GROUP_H
#define ET_GROUP_H

#include "infra/db.h"
#include "core/request.h"

typedef int (*et_route_fn)(et_req *q);

typedef enum {
    ET_PUBLIC, /* anyone; a bad token is ignored and the caller is anonymous */
    ET_USER,   /* a valid access token */
    ET_ADMIN   /* a valid access token with role ROLE_ADMIN */
} et_access;

#define ET_JSON_BODY    1 /* the body is read and parsed as a JSON object first */
#define ET_OWN_DB_CHECK 2 /* answers without the schema check (health, schema) */

typedef struct et_route {
    int method;          /* M_GET, M_POST, ...; 0 ends a table */
    const char *pattern; /* "/posts/{int}/comments": {int} and {uuid} are
                          * typed, {str} is any segment */
    et_route_fn fn;
    et_access access;
    unsigned flags;
} et_route;

/* The end of a route table. */
#define ET_ROUTES_END               \
    {                               \
        0, NULL, NULL, ET_PUBLIC, 0 \
    }

typedef struct et_group {
    const char *name;
    const et_stmt *statements; /* ends with a NULL label; NULL when none */
    const et_route *routes;    /* ends with ET_ROUTES_END; NULL when none */
} et_group;

#endif

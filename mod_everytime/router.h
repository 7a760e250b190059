/*
 * router.h: dispatch over the routes of the groups handed to it.
 */
#ifndef ET_ROUTER_H
#define ET_ROUTER_H

#include "core/group.h"

/* Matches path against pattern, filling the typed parameters. 1 on a match. */
int et_route_match(const char *pattern, const char *path, et_req *q);

/* Finds the route for method and path among the routes of groups (a list
 * ending with NULL), in their order. NULL with *allow listing the methods
 * that exist for the path ("" when the path is unknown). */
const et_route *et_route_find(const et_group *const *groups, apr_pool_t *p, int method,
                              const char *path, et_req *q, const char **allow);

/* The handler hook's work: answers the requests for ET_HANDLER_NAME with the
 * routes of groups; DECLINED for any other handler. */
int et_router_handle(request_rec *r, const et_group *const *groups);

#endif

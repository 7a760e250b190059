/*
 * cors.h: cross-origin requests (EverytimeCORSOrigins, API.md
 * "Authentication"): which origins a browser may call the API from, the
 * headers every answer to them carries, and the preflight answer.
 */
#ifndef ET_CORS_H
#define ET_CORS_H

#include "core/config.h"

/* How long a browser may keep a preflight answer, in seconds (Chromium keeps
 * at most 7200, Firefox 86400). */
#define ET_CORS_MAX_AGE 600
/* A preflight for a path the API does not route: the methods of the API. */
#define ET_CORS_COMMON_METHODS "GET, POST, PUT, PATCH, DELETE"
/* The request headers a page may send; a requested one not named here is
 * refused by the browser, never echoed back by us. */
#define ET_CORS_ALLOW_HEADERS                                                            \
    "Accept, Accept-Language, Authorization, Content-Type, If-None-Match, X-CSRFToken, " \
    "X-Requested-With"
/* The answer headers a page may read beyond the safelisted ones. */
#define ET_CORS_EXPOSE_HEADERS "Retry-After, Allow"

/* Checks one configured origin: http:// or https://, a host name, an IPv4
 * address or a bracketed IPv6 address, an optional port, nothing else. On
 * success NULL and *origin the form a browser sends in Origin (lower case,
 * without the scheme's default port); else why it is refused. */
const char *et_cors_origin_parse(apr_pool_t *p, const char *value, const char **origin);

/* The Origin of r when c lists it, else NULL. */
const char *et_cors_origin(request_rec *r, const et_srv_conf *c);

/* The headers of every answer, errors included, into t: Vary: Origin on a
 * server that lists origins, and for a listed origin the origin itself,
 * credentials and the exposed headers. Nothing when t already has them. */
void et_cors_headers(request_rec *r, const et_srv_conf *c, apr_table_t *t);

/* When r is a preflight (OPTIONS with Origin and Access-Control-Request-
 * Method) from a listed origin: sets the preflight headers, methods naming
 * what the path routes ("" for a path that routes nothing), and returns 1.
 * Otherwise 0 and nothing is set. */
int et_cors_preflight(request_rec *r, const et_srv_conf *c, const char *methods);

#endif

/*
 * http_errors.h: the answers httpd itself gives under the API location
 * (a header or request line over its limit, %2F in the path, a body over
 * LimitRequestBody, bad chunking) in the API's JSON shape.
 */
#ifndef ET_HTTP_ERRORS_H
#define ET_HTTP_ERRORS_H

#include "everytime.h"

void et_http_errors_register_hooks(apr_pool_t *p);

#endif

/*
 * body.h: reading the request body: the JSON object of ET_JSON_BODY routes, and
 * the answer to a body httpd's input filters would not hand over.
 */
#ifndef ET_BODY_H
#define ET_BODY_H

#include "core/errors.h"

/* Reads and parses the JSON object body under the size cap (413), checking
 * the content type (415) and the syntax (400). OK, or the error's status. */
int et_read_json_body(et_req *q);

/* The answer to a body the input filters would not hand over (rv), mapped
 * as httpd maps it (ap_map_http_request_error): 413 for a body over a limit,
 * 408 for one too slow, 400 for the rest; AP_FILTER_ERROR, with no reply,
 * when httpd has answered already (bad chunking, LimitRequestBody). */
int et_fail_body_read(et_req *q, apr_status_t rv);

#endif

/*
 * validate.h: the readers of the JSON body's fields, which validate as DRF does and
 * record a field error (errors.h) for bad input.
 */
#ifndef ET_VALIDATE_H
#define ET_VALIDATE_H

#include "core/errors.h"

/* Body readers: record a field error and return NULL / -1 on bad input.
 * A field that is absent and not required yields NULL / 0. */
#define ET_REQUIRED    1 /* absent is an error */
#define ET_KEEP_SPACE  2 /* do not trim surrounding white space (passwords) */
#define ET_ALLOW_BLANK 4
#define ET_NULLABLE    8 /* JSON null is accepted and read as absent */
const char *et_body_str(et_req *q, const char *field, int flags, int min_len, int max_len);
/* 1 present and valid, 0 absent, -1 invalid. */
int et_body_int(et_req *q, const char *field, int flags, apr_int64_t min, apr_int64_t max,
                apr_int64_t *out);
int et_body_bool(et_req *q, const char *field, int flags, int *out);
const char *et_body_email(et_req *q, const char *field, int flags);
int et_body_has(const et_req *q, const char *field);

/* UTF-8 length in characters, or -1 for invalid UTF-8. */
long et_utf8_chars(const char *s);

#endif

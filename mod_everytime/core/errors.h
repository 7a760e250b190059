/*
 * errors.h: the error model of API.md: the catalogue of error codes and of field
 * messages in DRF's words, in English and Korean (et_req's ko).
 */
#ifndef ET_ERRORS_H
#define ET_ERRORS_H

#include "core/request.h"

/* The stable error codes of API.md. */
typedef enum {
    ET_E_INVALID,
    ET_E_PARSE,
    ET_E_NOT_AUTHENTICATED,
    ET_E_TOKEN_NOT_VALID, /* access token refused: simplejwt's long shape */
    ET_E_TOKEN_INVALID,   /* refresh/verify refused: the short shape */
    ET_E_BAD_AUTH_HEADER,
    ET_E_AUTH_FAILED,
    ET_E_PERMISSION_DENIED,
    ET_E_NOT_FOUND,
    ET_E_METHOD_NOT_ALLOWED,
    ET_E_CONFLICT,
    ET_E_TOO_LARGE,
    ET_E_URI_TOO_LONG, /* httpd's 414 under the API location */
    ET_E_UNSUPPORTED_MEDIA,
    ET_E_THROTTLED,
    ET_E_UNAVAILABLE,
    ET_E_ERROR /* any other status httpd answers: "error" */
} et_err;

/* Sets the error reply with its standard detail and returns its status. */
int et_fail(et_req *q, et_err e);
/* The same with a detail of the route's own, in both languages. */
int et_fail_detail(et_req *q, et_err e, const char *en, const char *ko);
/* 429 throttled with Retry-After: wait seconds (DRF's throttle answer). */
int et_fail_throttled(et_req *q, apr_int64_t wait);
/* 400 invalid with the field errors collected so far. */
int et_fail_invalid(et_req *q);
/* 503: the database or cache could not answer (already logged); 500 when
 * a statement of the request was a programming error (et_db_had_bug). */
int et_fail_unavailable(et_req *q);
/* The error body of an HTTP status chosen outside the routes (httpd's own
 * errors, a body that could not be read): the API's code for that status,
 * or "error" with the status's reason. */
json_t *et_status_json(et_req *q, int status);
/* Field errors, DRF-style: {"errors": {"field": ["message", ...]}}. */
typedef enum {
    ET_M_REQUIRED,
    ET_M_NULL,
    ET_M_NOT_STRING,
    ET_M_BLANK,
    ET_M_MAX_LENGTH,
    ET_M_MIN_LENGTH,
    ET_M_NOT_INT,
    ET_M_MIN_VALUE,
    ET_M_MAX_VALUE,
    ET_M_NOT_BOOL,
    ET_M_EMAIL,
    ET_M_NUL_CHAR,
    ET_M_NO_OBJECT
} et_msg;
void et_field_error(et_req *q, const char *field, et_msg m, apr_int64_t n);
void et_field_error_text(et_req *q, const char *field, const char *en, const char *ko);
int et_has_errors(const et_req *q);
/* DRF's 'Invalid pk "7" - object does not exist.' under field. */
void et_field_invalid_pk(et_req *q, const char *field, apr_int64_t id);
/* DRF's '"<given>" is not a valid choice.' under field. */
void et_field_invalid_choice(et_req *q, const char *field, const char *given);
/* DRF's name for a JSON value's kind ("list", "str", "int", ...). */
const char *et_json_kind(json_t *v);
/* "Invalid data. Expected a dictionary, but got <kind>." under field. */
void et_field_not_object(et_req *q, const char *field, json_t *v);

#endif

/*
 * request.h: the per-request context handed to every route, the error model
 * of API.md, field validation in DRF's words, and replies.
 */
#ifndef ET_REQUEST_H
#define ET_REQUEST_H

#include "config.h"
#include "json.h"
#include "et_jwt.h"

#define ET_MAX_PARAMS 4

struct et_route;

typedef struct et_req {
    request_rec *r;
    et_srv_conf *conf;
    const struct et_route *route;
    apr_int64_t ids[ET_MAX_PARAMS];    /* {int} path parameters, in order */
    const char *uuids[ET_MAX_PARAMS];  /* {uuid} path parameters, in order */
    json_t *body;                      /* the JSON object sent, or an empty one */
    json_t *reply;                     /* what the route answers */
    const char *reply_text;            /* or: JSON text sent as it is (reply NULL) */
    apr_size_t reply_text_len;
    json_t *errors;                    /* field errors collected by the readers */
    apr_table_t *args;                 /* the decoded query string (et_query) */
    const et_claims *user;             /* NULL when anonymous */
    int ko;                            /* Korean detail messages */
} et_req;

/* The stable error codes of API.md. */
typedef enum {
    ET_E_INVALID,
    ET_E_PARSE,
    ET_E_NOT_AUTHENTICATED,
    ET_E_TOKEN_NOT_VALID,     /* access token refused: simplejwt's long shape */
    ET_E_TOKEN_INVALID,       /* refresh/verify refused: the short shape */
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
/* 400 invalid with the field errors collected so far. */
int et_fail_invalid(et_req *q);
/* 503: the database or cache could not answer (already logged). */
int et_fail_unavailable(et_req *q);
/* The error body of an HTTP status chosen outside the routes (httpd's own
 * errors, a body that could not be read): the API's code for that status,
 * or "error" with the status's reason. */
json_t *et_status_json(et_req *q, int status);
/* The answer to a body the input filters would not hand over (rv), mapped
 * as httpd maps it (ap_map_http_request_error): 413 for a body over a limit,
 * 408 for one too slow, 400 for the rest; AP_FILTER_ERROR, with no reply,
 * when httpd has answered already (bad chunking, LimitRequestBody). */
int et_fail_body_read(et_req *q, apr_status_t rv);

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
/* DRF's name for a JSON value's kind ("list", "str", "int", ...). */
const char *et_json_kind(json_t *v);
/* "Invalid data. Expected a dictionary, but got <kind>." under field. */
void et_field_not_object(et_req *q, const char *field, json_t *v);

/* Body readers: record a field error and return NULL / -1 on bad input.
 * A field that is absent and not required yields NULL / 0. */
#define ET_REQUIRED 1   /* absent is an error */
#define ET_KEEP_SPACE 2 /* do not trim surrounding white space (passwords) */
#define ET_ALLOW_BLANK 4
#define ET_NULLABLE 8   /* JSON null is accepted and read as absent */
const char *et_body_str(et_req *q, const char *field, int flags, int min_len, int max_len);
/* 1 present and valid, 0 absent, -1 invalid. */
int et_body_int(et_req *q, const char *field, int flags, apr_int64_t min, apr_int64_t max,
                apr_int64_t *out);
int et_body_bool(et_req *q, const char *field, int flags, int *out);
const char *et_body_email(et_req *q, const char *field, int flags);
int et_body_has(const et_req *q, const char *field);

/* Decodes the query string as application/x-www-form-urlencoded ('+' is a
 * space); run once before the route. A NUL in a parameter is 400 invalid
 * naming it, never a filter cut short: OK, or that status. */
int et_query_parse(et_req *q);
/* Query string value, decoded, or NULL. */
const char *et_query(et_req *q, const char *name);

/* Reads and parses the JSON object body under the size cap (413), checking
 * the content type (415) and the syntax (400). OK, or the error's status. */
int et_read_json_body(et_req *q);

/* Replies. */
int et_reply(et_req *q, int status, json_t *body);

/* Chooses Korean when Accept-Language prefers ko over en. */
int et_prefers_korean(const char *accept_language);
/* UTF-8 length in characters, or -1 for invalid UTF-8. */
long et_utf8_chars(const char *s);

#endif

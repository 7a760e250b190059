/*
 * request.c: the error model, DRF-style field validation, query strings and
 * replies. Routes never format an error or write to the client themselves.
 */
#include "request.h"
#include "util.h"

#include <apr_lib.h>
#include <http_protocol.h>

typedef struct {
    int status;
    const char *code;
    const char *en;
    const char *ko;
} err_def;

static const err_def errors[] = {
    [ET_E_INVALID] = {400, "invalid", "Invalid input.", "입력값이 올바르지 않습니다."},
    [ET_E_PARSE] = {400, "parse_error", "Malformed request.", "잘못된 요청입니다."},
    [ET_E_NOT_AUTHENTICATED] = {401, "not_authenticated",
                                "Authentication credentials were not provided.",
                                "자격 인증데이터(authentication credentials)가 제공되지 않았습니다."},
    [ET_E_TOKEN_NOT_VALID] = {401, "token_not_valid",
                              "Given token not valid for any token type",
                              "이 토큰은 모든 타입의 토큰에 대해 유효하지 않습니다"},
    [ET_E_TOKEN_INVALID] = {401, "token_not_valid", "Token is invalid or expired",
                            "유효하지 않거나 만료된 토큰입니다"},
    [ET_E_BAD_AUTH_HEADER] = {401, "bad_authorization_header",
                              "Authorization header must contain two space-delimited values",
                              "인증 헤더에는 공백으로 구분 된 두 개의 값이 포함되어야 합니다"},
    [ET_E_AUTH_FAILED] = {401, "authentication_failed",
                          "No active account found with the given credentials",
                          "지정된 자격 증명에 해당하는 활성화된 사용자를 찾을 수 없습니다"},
    [ET_E_PERMISSION_DENIED] = {403, "permission_denied",
                                "You do not have permission to perform this action.",
                                "이 작업을 수행할 권한(permission)이 없습니다."},
    [ET_E_NOT_FOUND] = {404, "not_found", "Not found.", "찾을 수 없습니다."},
    [ET_E_METHOD_NOT_ALLOWED] = {405, "method_not_allowed", "Method not allowed.",
                                 "허용되지 않은 메소드입니다."},
    [ET_E_CONFLICT] = {409, "conflict", "The resource already exists.",
                       "이미 존재하는 리소스입니다."},
    [ET_E_TOO_LARGE] = {413, "payload_too_large", "Request body is too large.",
                        "요청 본문이 너무 큽니다."},
    [ET_E_URI_TOO_LONG] = {414, "uri_too_long", "Request URI is too long.",
                           "요청 URI가 너무 깁니다."},
    [ET_E_UNSUPPORTED_MEDIA] = {415, "unsupported_media_type",
                                "Unsupported media type in request.",
                                "요청에 지원되지 않는 미디어 유형이 있습니다."},
    [ET_E_THROTTLED] = {429, "throttled", "Request was throttled.",
                        "요청이 지연(throttled)되었습니다."},
    [ET_E_UNAVAILABLE] = {503, "service_unavailable",
                          "Service temporarily unavailable, try again later.",
                          "일시적으로 서비스를 사용할 수 없습니다. 잠시 후 다시 시도하십시오."},
    [ET_E_ERROR] = {500, "error", "A server error occurred.", "서버 오류가 발생했습니다."},
};

/* {"detail", "code"} (plus simplejwt's "messages" for a refused access token). */
static json_t *error_json(et_req *q, et_err e, const char *en, const char *ko)
{
    json_t *o = et_json_object(q->r->pool);
    et_json_set_str(o, "detail", q->ko ? ko : en);
    et_json_set_str(o, "code", errors[e].code);
    if (e == ET_E_TOKEN_NOT_VALID) {
        json_t *m = json_object();
        et_json_set_str(m, "token_class", "AccessToken");
        et_json_set_str(m, "token_type", "access");
        et_json_set_str(m, "message", q->ko ? errors[ET_E_TOKEN_INVALID].ko
                                            : errors[ET_E_TOKEN_INVALID].en);
        json_object_set_new(o, "messages", json_pack("[o]", m));
    }
    return o;
}

int et_fail_detail(et_req *q, et_err e, const char *en, const char *ko)
{
    const err_def *d = &errors[e];
    if (d->status == 401)
        apr_table_setn(q->r->err_headers_out, "WWW-Authenticate", "Bearer realm=\"api\"");
    q->reply = error_json(q, e, en, ko);
    return d->status;
}

/* The API's error for each status that has one. */
static const struct {
    int status;
    et_err e;
} by_status[] = {
    {HTTP_BAD_REQUEST, ET_E_PARSE},
    {HTTP_UNAUTHORIZED, ET_E_NOT_AUTHENTICATED},
    {HTTP_FORBIDDEN, ET_E_PERMISSION_DENIED},
    {HTTP_NOT_FOUND, ET_E_NOT_FOUND},
    {HTTP_METHOD_NOT_ALLOWED, ET_E_METHOD_NOT_ALLOWED},
    {HTTP_CONFLICT, ET_E_CONFLICT},
    {HTTP_REQUEST_ENTITY_TOO_LARGE, ET_E_TOO_LARGE},
    {HTTP_REQUEST_URI_TOO_LARGE, ET_E_URI_TOO_LONG},
    {HTTP_UNSUPPORTED_MEDIA_TYPE, ET_E_UNSUPPORTED_MEDIA},
    {HTTP_TOO_MANY_REQUESTS, ET_E_THROTTLED},
    {HTTP_SERVICE_UNAVAILABLE, ET_E_UNAVAILABLE},
};

json_t *et_status_json(et_req *q, int status)
{
    apr_size_t i;
    for (i = 0; i < sizeof(by_status) / sizeof(by_status[0]); i++)
        if (by_status[i].status == status)
            return error_json(q, by_status[i].e, errors[by_status[i].e].en,
                              errors[by_status[i].e].ko);
    if (status >= 500)
        return error_json(q, ET_E_ERROR, errors[ET_E_ERROR].en, errors[ET_E_ERROR].ko);
    /* a 4xx of httpd's without a code of ours: its reason phrase */
    return error_json(q, ET_E_ERROR,
                      apr_pstrcat(q->r->pool, ap_get_status_line(status) + 4, ".", NULL),
                      "요청을 처리할 수 없습니다.");
}

int et_fail_body_read(et_req *q, apr_status_t rv)
{
    int status = ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
    if (status == AP_FILTER_ERROR) {
        q->reply = NULL; /* httpd has answered: LimitRequestBody, bad chunking */
        return AP_FILTER_ERROR;
    }
    if (status == HTTP_BAD_REQUEST)
        return et_fail_detail(q, ET_E_PARSE, "The request body could not be read.",
                              "요청 본문을 읽을 수 없습니다.");
    q->reply = et_status_json(q, status);
    return status;
}

int et_fail(et_req *q, et_err e)
{
    return et_fail_detail(q, e, errors[e].en, errors[e].ko);
}

int et_fail_invalid(et_req *q)
{
    int status = et_fail(q, ET_E_INVALID);
    /* the pool owns q->errors; json_object_set takes a reference of its own,
     * so a fresh object made here would never be released */
    if (!q->errors)
        q->errors = et_json_object(q->r->pool);
    json_object_set(q->reply, "errors", q->errors);
    return status;
}

int et_fail_unavailable(et_req *q)
{
    return et_fail(q, ET_E_UNAVAILABLE);
}

typedef struct {
    const char *en;
    const char *ko;
} msg_def;

static const msg_def messages[] = {
    [ET_M_REQUIRED] = {"This field is required.", "이 필드는 필수 항목입니다."},
    [ET_M_NULL] = {"This field may not be null.", "이 필드는 null일 수 없습니다."},
    [ET_M_NOT_STRING] = {"Not a valid string.", "올바른 문자열이 아닙니다."},
    [ET_M_BLANK] = {"This field may not be blank.", "이 필드는 비워 둘 수 없습니다."},
    [ET_M_MAX_LENGTH] = {"Ensure this field has no more than %d characters.",
                         "이 필드의 글자 수가 %d 이하인지 확인하십시오."},
    [ET_M_MIN_LENGTH] = {"Ensure this field has at least %d characters.",
                         "이 필드의 글자 수가 적어도 %d 이상인지 확인하십시오."},
    [ET_M_NOT_INT] = {"A valid integer is required.", "유효한 정수(integer)를 넣어주세요."},
    [ET_M_MIN_VALUE] = {"Ensure this value is greater than or equal to %d.",
                        "이 값이 %d보다 크거나 같은지 확인하십시오."},
    [ET_M_MAX_VALUE] = {"Ensure this value is less than or equal to %d.",
                        "이 값이 %d보다 작거나 같은지 확인하십시오."},
    [ET_M_NOT_BOOL] = {"Must be a valid boolean.", "유효한 불리언(boolean)이어야 합니다."},
    [ET_M_EMAIL] = {"Enter a valid email address.", "유효한 이메일 주소를 입력하십시오."},
    [ET_M_NUL_CHAR] = {"Null characters are not allowed.", "널 문자는 허용되지 않습니다."},
    [ET_M_NO_OBJECT] = {"Invalid data. Expected a dictionary, but got %s.",
                        "유효하지 않은 데이터. 딕셔너리(dictionary) 대신 %s를 받았습니다."},
};

void et_field_error_text(et_req *q, const char *field, const char *en, const char *ko)
{
    json_t *list;
    if (!q->errors)
        q->errors = et_json_object(q->r->pool);
    list = json_object_get(q->errors, field);
    if (!list) {
        list = json_array();
        json_object_set_new(q->errors, field, list);
    }
    json_array_append_new(list, json_string(q->ko ? ko : en));
}

void et_field_error(et_req *q, const char *field, et_msg m, apr_int64_t n)
{
    apr_pool_t *p = q->r->pool;
    const char *fmt_n = apr_psprintf(p, "%" APR_INT64_T_FMT, n);
    /* the templates hold at most one %d: substitute it as text */
    const char *en = messages[m].en, *ko = messages[m].ko;
    const char *pe = strstr(en, "%d"), *pk = strstr(ko, "%d");
    if (pe)
        en = apr_pstrcat(p, apr_pstrmemdup(p, en, pe - en), fmt_n, pe + 2, NULL);
    if (pk)
        ko = apr_pstrcat(p, apr_pstrmemdup(p, ko, pk - ko), fmt_n, pk + 2, NULL);
    et_field_error_text(q, field, en, ko);
}

void et_field_invalid_pk(et_req *q, const char *field, apr_int64_t id)
{
    apr_pool_t *p = q->r->pool;
    et_field_error_text(
        q, field,
        apr_psprintf(p, "Invalid pk \"%" APR_INT64_T_FMT "\" - object does not exist.", id),
        apr_psprintf(p, "유효하지 않은 pk \"%" APR_INT64_T_FMT "\" - 객체가 존재하지 않습니다.", id));
}

int et_has_errors(const et_req *q)
{
    return q->errors && json_object_size(q->errors) > 0;
}

long et_utf8_chars(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    long n = 0;
    while (*u) {
        int extra;
        if (*u < 0x80)
            extra = 0;
        else if ((*u & 0xe0) == 0xc0 && *u >= 0xc2)
            extra = 1;
        else if ((*u & 0xf0) == 0xe0)
            extra = 2;
        else if ((*u & 0xf8) == 0xf0 && *u <= 0xf4)
            extra = 3;
        else
            return -1;
        /* overlongs, UTF-16 surrogates and code points past U+10FFFF */
        if ((*u == 0xe0 && u[1] < 0xa0) || (*u == 0xed && u[1] > 0x9f) ||
            (*u == 0xf0 && u[1] < 0x90) || (*u == 0xf4 && u[1] > 0x8f))
            return -1;
        u++;
        while (extra--) {
            if ((*u & 0xc0) != 0x80)
                return -1;
            u++;
        }
        n++;
    }
    return n;
}

int et_body_has(const et_req *q, const char *field)
{
    return q->body && json_object_get(q->body, field) != NULL;
}

/* The field's JSON value, or NULL after recording "required" when needed. */
static json_t *body_field(et_req *q, const char *field, int flags)
{
    json_t *v = q->body ? json_object_get(q->body, field) : NULL;
    if (!v && (flags & ET_REQUIRED))
        et_field_error(q, field, ET_M_REQUIRED, 0);
    if (v && json_is_null(v)) {
        if (!(flags & ET_NULLABLE))
            et_field_error(q, field, ET_M_NULL, 0);
        return NULL;
    }
    return v;
}

/* What a number/boolean reader answers when body_field gave nothing: 0 for
 * absent or an accepted null, -1 when an error was recorded. */
static int absent_result(const et_req *q, const char *field, int flags)
{
    json_t *v = q->body ? json_object_get(q->body, field) : NULL;
    if (!v)
        return (flags & ET_REQUIRED) ? -1 : 0;
    return json_is_null(v) && (flags & ET_NULLABLE) ? 0 : -1;
}

static const char *trim(apr_pool_t *p, const char *s, apr_size_t len)
{
    apr_size_t a = 0, b = len;
    while (a < b && apr_isspace(s[a]))
        a++;
    while (b > a && apr_isspace(s[b - 1]))
        b--;
    return apr_pstrmemdup(p, s + a, b - a);
}

const char *et_body_str(et_req *q, const char *field, int flags, int min_len, int max_len)
{
    json_t *v = body_field(q, field, flags);
    const char *s;
    apr_size_t bytes;
    long chars;
    if (!v)
        return NULL;
    if (!json_is_string(v)) {
        et_field_error(q, field, ET_M_NOT_STRING, 0);
        return NULL;
    }
    bytes = json_string_length(v);
    if (memchr(json_string_value(v), '\0', bytes)) {
        et_field_error(q, field, ET_M_NUL_CHAR, 0);
        return NULL;
    }
    s = flags & ET_KEEP_SPACE ? apr_pstrmemdup(q->r->pool, json_string_value(v), bytes)
                              : trim(q->r->pool, json_string_value(v), bytes);
    if (!*s && !(flags & ET_ALLOW_BLANK)) {
        et_field_error(q, field, ET_M_BLANK, 0);
        return NULL;
    }
    chars = et_utf8_chars(s);
    if (max_len > 0 && chars > max_len) {
        et_field_error(q, field, ET_M_MAX_LENGTH, max_len);
        return NULL;
    }
    if (*s && chars < min_len) {
        et_field_error(q, field, ET_M_MIN_LENGTH, min_len);
        return NULL;
    }
    return s;
}

int et_body_int(et_req *q, const char *field, int flags, apr_int64_t min, apr_int64_t max,
                apr_int64_t *out)
{
    json_t *v = body_field(q, field, flags);
    apr_int64_t n;
    if (!v)
        return absent_result(q, field, flags);
    if (json_is_integer(v)) {
        n = (apr_int64_t)json_integer_value(v);
    } else if (json_is_string(v) && et_parse_i64(json_string_value(v), &n) == 0) {
        /* DRF's IntegerField takes "5" as well as 5 */
    } else {
        et_field_error(q, field, ET_M_NOT_INT, 0);
        return -1;
    }
    if (n < min) {
        et_field_error(q, field, ET_M_MIN_VALUE, min);
        return -1;
    }
    if (n > max) {
        et_field_error(q, field, ET_M_MAX_VALUE, max);
        return -1;
    }
    *out = n;
    return 1;
}

int et_body_bool(et_req *q, const char *field, int flags, int *out)
{
    json_t *v = body_field(q, field, flags);
    if (!v)
        return absent_result(q, field, flags);
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
    } else if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
        *out = (int)json_integer_value(v);
    } else if (json_is_string(v) && (!strcmp(json_string_value(v), "true") ||
                                     !strcmp(json_string_value(v), "false"))) {
        *out = !strcmp(json_string_value(v), "true");
    } else {
        et_field_error(q, field, ET_M_NOT_BOOL, 0);
        return -1;
    }
    return 1;
}

/* Django's EmailValidator in spirit: one @, a non-empty local part without
 * spaces, and a dotted domain of letters, digits and hyphens. */
static int email_ok(const char *s)
{
    const char *at = strchr(s, '@'), *d, *label;
    if (!at || at == s || strchr(at + 1, '@') || strpbrk(s, " \t\r\n\"<>()[],;:\\"))
        return 0;
    d = at + 1;
    if (!strchr(d, '.'))
        return 0;
    for (label = d; *label; label++)
        if (!(apr_isalnum(*label) || *label == '-' || *label == '.'))
            return 0;
    return d[0] != '.' && d[0] != '-' && d[strlen(d) - 1] != '.' && !strstr(d, "..");
}

const char *et_body_email(et_req *q, const char *field, int flags)
{
    const char *s = et_body_str(q, field, flags, 0, 254);
    if (s && !email_ok(s)) {
        et_field_error(q, field, ET_M_EMAIL, 0);
        return NULL;
    }
    return s;
}

/* Decodes the query string into q->args. A parameter whose name or value
 * holds a NUL is left out, with a field error under its name: the number of
 * such parameters. */
static int parse_args(et_req *q)
{
    apr_array_header_t *fields = et_form_decode(q->r->pool, q->r->args);
    int i, bad = 0;
    q->args = apr_table_make(q->r->pool, fields->nelts);
    for (i = 0; i < fields->nelts; i++) {
        const et_form_field *f = &APR_ARRAY_IDX(fields, i, et_form_field);
        if (strlen(f->name) != f->name_len || strlen(f->value) != f->value_len) {
            et_field_error(q, f->name, ET_M_NUL_CHAR, 0);
            bad++;
        } else {
            /* the last of repeated names wins, as QueryDict.get() has it */
            apr_table_set(q->args, f->name, f->value);
        }
    }
    return bad;
}

int et_query_parse(et_req *q)
{
    return parse_args(q) ? et_fail_invalid(q) : OK;
}

const char *et_query(et_req *q, const char *name)
{
    if (!q->args)
        parse_args(q);
    return apr_table_get(q->args, name);
}

int et_reply(et_req *q, int status, json_t *body)
{
    q->reply = body;
    return status;
}

/* The q-value of one Accept-Language entry, 1.0 when absent. */
static double entry_q(const char *params)
{
    const char *qp = params ? strstr(params, "q=") : NULL;
    return qp ? atof(qp + 2) : 1.0;
}

int et_prefers_korean(const char *header)
{
    double best_q = -1.0;
    int best_ko = 0;
    char *copy, *entry, *state;
    if (!header)
        return 0;
    copy = strdup(header);
    if (!copy)
        return 0;
    for (entry = apr_strtok(copy, ",", &state); entry; entry = apr_strtok(NULL, ",", &state)) {
        char *semi = strchr(entry, ';');
        double qv = entry_q(semi);
        int is_ko, is_en;
        if (semi)
            *semi = '\0';
        while (apr_isspace(*entry))
            entry++;
        is_ko = !strncasecmp(entry, "ko", 2) && (entry[2] == '\0' || entry[2] == '-' ||
                                                 apr_isspace(entry[2]));
        is_en = !strncasecmp(entry, "en", 2) && (entry[2] == '\0' || entry[2] == '-' ||
                                                 apr_isspace(entry[2]));
        if ((is_ko || is_en) && qv > best_q) {
            best_q = qv;
            best_ko = is_ko;
        }
    }
    free(copy);
    return best_ko && best_q > 0;
}

/* Content-Type is JSON: application/json, optionally with parameters. */
static int is_json_type(const char *ct)
{
    apr_size_t n = strlen("application/json");
    if (!ct || strncasecmp(ct, "application/json", n))
        return 0;
    return ct[n] == '\0' || ct[n] == ';' || apr_isspace(ct[n]);
}

/* Reads the whole body into memory, refusing more than max bytes: APR_ENOSPC
 * when it is larger, as httpd's own body limit says it (413 through
 * ap_map_http_request_error); any other failure is the input filters'. */
static apr_status_t read_body(request_rec *r, apr_off_t max, char **out, apr_size_t *len)
{
    apr_bucket_brigade *all = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_off_t total = 0;
    int seen_eos = 0;
    apr_status_t rv;
    char *buf;
    apr_size_t n;

    while (!seen_eos) {
        apr_bucket *b;
        apr_off_t got = 0;
        rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES, APR_BLOCK_READ, 8192);
        if (rv != APR_SUCCESS)
            return rv;
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b))
            if (APR_BUCKET_IS_EOS(b))
                seen_eos = 1;
        apr_brigade_length(bb, 1, &got);
        total += got;
        if (total > max)
            return APR_ENOSPC;
        APR_BRIGADE_CONCAT(all, bb);
        if (!got && !seen_eos)
            break; /* a filter that gives nothing and no EOS: stop, do not spin */
    }
    n = (apr_size_t)total;
    buf = apr_palloc(r->pool, n + 1);
    rv = apr_brigade_flatten(all, buf, &n);
    if (rv != APR_SUCCESS)
        return rv;
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return APR_SUCCESS;
}

/* The NO_OBJECT templates name the JSON kind where they say %s. */
static const char *fill_kind(apr_pool_t *p, const char *tmpl, const char *kind)
{
    const char *at = strstr(tmpl, "%s");
    return apr_pstrcat(p, apr_pstrmemdup(p, tmpl, at - tmpl), kind, at + 2, NULL);
}

const char *et_json_kind(json_t *v)
{
    if (json_is_array(v))
        return "list";
    if (json_is_string(v))
        return "str";
    if (json_is_integer(v))
        return "int";
    if (json_is_real(v))
        return "float";
    if (json_is_boolean(v))
        return "bool";
    return "NoneType";
}

void et_field_not_object(et_req *q, const char *field, json_t *v)
{
    apr_pool_t *p = q->r->pool;
    et_field_error_text(q, field, fill_kind(p, messages[ET_M_NO_OBJECT].en, et_json_kind(v)),
                        fill_kind(p, messages[ET_M_NO_OBJECT].ko, et_json_kind(v)));
}

int et_read_json_body(et_req *q)
{
    request_rec *r = q->r;
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    const char *err = NULL;
    char *text = NULL;
    apr_size_t len = 0;
    apr_int64_t declared;
    json_t *v;
    apr_status_t rv;

    if (cl && et_parse_i64(cl, &declared) == 0 && declared > q->conf->max_body)
        return et_fail(q, ET_E_TOO_LARGE);
    if ((rv = read_body(r, q->conf->max_body, &text, &len)) != APR_SUCCESS)
        return et_fail_body_read(q, rv);
    if (len == 0) {
        q->body = et_json_object(r->pool);
        return OK;
    }
    if (!is_json_type(apr_table_get(r->headers_in, "Content-Type")))
        return et_fail(q, ET_E_UNSUPPORTED_MEDIA);
    if (!(v = et_json_parse(r->pool, text, len, &err)))
        return et_fail_detail(q, ET_E_PARSE, err, "JSON 파싱 오류입니다.");
    if (!json_is_object(v)) {
        et_field_not_object(q, "non_field_errors", v);
        return et_fail_invalid(q);
    }
    q->body = v;
    return OK;
}

/*
 * errors.c: the error model: every error reply and field error is made here, in
 * the client's language. Routes never format an error themselves.
 */
#include "core/errors.h"
#include "infra/db.h"

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
    [ET_E_NOT_AUTHENTICATED] =
        {401, "not_authenticated", "Authentication credentials were not provided.",
         "자격 인증데이터(authentication credentials)가 제공되지 않았습니다."},
    [ET_E_TOKEN_NOT_VALID] = {401, "token_not_valid", "Given token not valid for any token type",
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
    [ET_E_UNSUPPORTED_MEDIA] = {415, "unsupported_media_type", "Unsupported media type in request.",
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
    apr_pool_t *p = q->r->pool;
    json_t *o = et_json_obj(p);
    et_json_set_str(p, o, "detail", q->ko ? ko : en);
    et_json_set_str(p, o, "code", errors[e].code);
    if (e == ET_E_TOKEN_NOT_VALID) {
        json_t *m = et_json_obj(p), *list = et_json_arr(p);
        et_json_set_str(p, m, "token_class", "AccessToken");
        et_json_set_str(p, m, "token_type", "access");
        et_json_set_str(p, m, "message",
                        q->ko ? errors[ET_E_TOKEN_INVALID].ko : errors[ET_E_TOKEN_INVALID].en);
        et_json_push(list, m);
        et_json_set(o, "messages", list);
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

int et_fail(et_req *q, et_err e)
{
    return et_fail_detail(q, e, errors[e].en, errors[e].ko);
}

int et_fail_throttled(et_req *q, apr_int64_t wait)
{
    apr_table_setn(q->r->err_headers_out, "Retry-After",
                   apr_psprintf(q->r->pool, "%" APR_INT64_T_FMT, wait));
    return et_fail_detail(
        q, ET_E_THROTTLED,
        apr_psprintf(q->r->pool,
                     "Request was throttled. Expected available in %" APR_INT64_T_FMT " seconds.",
                     wait),
        apr_psprintf(q->r->pool,
                     "요청이 지연되었습니다. %" APR_INT64_T_FMT "초 후에 다시 시도하세요.", wait));
}

int et_fail_invalid(et_req *q)
{
    int status = et_fail(q, ET_E_INVALID);
    if (!q->errors)
        q->errors = et_json_obj(q->r->pool);
    et_json_set(q->reply, "errors", q->errors);
    return status;
}

int et_fail_unavailable(et_req *q)
{
    /* a statement that is wrong fails again on any retry: not "later" */
    if (et_db_had_bug(q->r))
        return et_fail(q, ET_E_ERROR);
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
        q->errors = et_json_obj(q->r->pool);
    list = json_object_get(q->errors, field);
    if (!list) {
        list = et_json_arr(q->r->pool);
        et_json_set(q->errors, field, list);
    }
    et_json_push_str(q->r->pool, list, q->ko ? ko : en);
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
        apr_psprintf(p, "유효하지 않은 pk \"%" APR_INT64_T_FMT "\" - 객체가 존재하지 않습니다.",
                     id));
}

void et_field_invalid_choice(et_req *q, const char *field, const char *given)
{
    apr_pool_t *p = q->r->pool;
    et_field_error_text(q, field, apr_psprintf(p, "\"%s\" is not a valid choice.", given),
                        apr_psprintf(p, "\"%s\"이 유효하지 않은 선택(choice)입니다.", given));
}

int et_has_errors(const et_req *q)
{
    return q->errors && json_object_size(q->errors) > 0;
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

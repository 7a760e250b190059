/*
 * stubs.c: the httpd symbols that mod_everytime/libeverytime.la calls, for the
 * unit tests, which link that library into a plain program with APR and
 * APR-util but without httpd. Kept apart from the tests' fixtures.
 *
 * Each stub does the least that keeps pure code honest: logging is captured,
 * output is collected, input is served from a buffer, hooks do nothing. When
 * the library starts calling an httpd function not stubbed here, the unit
 * test program fails to link with "undefined reference to ap_...": add it.
 */
#include "stubs.h"
#include "everytime.h"

#include <http_config.h>
#include <http_connection.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <ap_provider.h>
#include <ap_mpm.h>
#include <util_cookies.h>
#include <util_filter.h>
#include <util_mutex.h>
#include <util_script.h>
#include <mod_auth.h>

#include <apr_global_mutex.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- globals httpd exports ------------------------------------------------ */

AP_DECLARE_DATA const char *ap_server_root = ".";
AP_DECLARE_DATA server_rec *ap_server_conf = NULL;

/* ---- a growable text buffer, for the log and the output ------------------- */

typedef struct {
    char *data;
    apr_size_t len, cap;
} stub_buf;

static void buf_append(stub_buf *b, const char *data, apr_size_t len)
{
    if (b->len + len + 1 > b->cap) {
        apr_size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + len + 1)
            cap *= 2;
        b->data = realloc(b->data, cap);
        if (!b->data)
            abort();
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

static void buf_reset(stub_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

/* ---- logging -------------------------------------------------------------- */

static stub_buf log_buf;

const char *et_stub_log(void)
{
    return log_buf.data ? log_buf.data : "";
}

void et_stub_log_reset(void)
{
    buf_reset(&log_buf);
}

static void stub_vlog(const char *file, int line, int level, apr_status_t status, const char *fmt,
                      va_list ap)
{
    char msg[4096];
    char line_text[4400];
    int n;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = snprintf(line_text, sizeof(line_text), "[%d] (%d) %s:%d: %s\n", level & APLOG_LEVELMASK,
                 status, file, line, msg);
    if (n > 0)
        buf_append(&log_buf, line_text, strlen(line_text));
    if (getenv("ET_UNIT_VERBOSE"))
        fputs(line_text, stderr);
}

AP_DECLARE(void)
ap_log_error_(const char *file, int line, int module_index, int level, apr_status_t status,
              const server_rec *s, const char *fmt, ...)
{
    va_list ap;
    (void)module_index;
    (void)s;
    va_start(ap, fmt);
    stub_vlog(file, line, level, status, fmt, ap);
    va_end(ap);
}

AP_DECLARE(void)
ap_log_perror_(const char *file, int line, int module_index, int level, apr_status_t status,
               apr_pool_t *p, const char *fmt, ...)
{
    va_list ap;
    (void)module_index;
    (void)p;
    va_start(ap, fmt);
    stub_vlog(file, line, level, status, fmt, ap);
    va_end(ap);
}

AP_DECLARE(void)
ap_log_rerror_(const char *file, int line, int module_index, int level, apr_status_t status,
               const request_rec *r, const char *fmt, ...)
{
    va_list ap;
    (void)module_index;
    (void)r;
    va_start(ap, fmt);
    stub_vlog(file, line, level, status, fmt, ap);
    va_end(ap);
}

AP_DECLARE(void)
ap_log_cerror_(const char *file, int line, int module_index, int level, apr_status_t status,
               const conn_rec *c, const char *fmt, ...)
{
    va_list ap;
    (void)module_index;
    (void)c;
    va_start(ap, fmt);
    stub_vlog(file, line, level, status, fmt, ap);
    va_end(ap);
}

/* ---- configuration -------------------------------------------------------- */

AP_DECLARE(char *) ap_server_root_relative(apr_pool_t *p, const char *fname)
{
    char *path;
    if (apr_filepath_merge(&path, ap_server_root, fname, APR_FILEPATH_TRUENAME, p) != APR_SUCCESS)
        return NULL;
    return path;
}

AP_DECLARE(const char *) ap_check_cmd_context(cmd_parms *cmd, unsigned forbidden)
{
    (void)cmd;
    (void)forbidden;
    return NULL;
}

AP_DECLARE(int) ap_state_query(int query_code)
{
    switch (query_code) {
    case AP_SQ_MAIN_STATE:
        return AP_SQ_MS_RUN_MPM;
    case AP_SQ_RUN_MODE:
        return AP_SQ_RM_NORMAL;
    case AP_SQ_CONFIG_GEN:
        return 1;
    default:
        return AP_SQ_NOT_SUPPORTED;
    }
}

AP_DECLARE(apr_status_t) ap_mpm_query(int query_code, int *result)
{
    switch (query_code) {
    case AP_MPMQ_IS_THREADED:
    case AP_MPMQ_IS_FORKED:
        *result = AP_MPMQ_DYNAMIC;
        return APR_SUCCESS;
    default:
        *result = 0;
        return APR_ENOTIMPL;
    }
}

/* ---- providers (socache, auth) ------------------------------------------------ */

typedef struct {
    const char *group, *name, *version;
    const void *provider;
} stub_provider;

static stub_provider providers[32];
static int nproviders;

AP_DECLARE(apr_status_t)
ap_register_provider(apr_pool_t *pool, const char *provider_group, const char *provider_name,
                     const char *provider_version, const void *provider)
{
    (void)pool;
    if (nproviders == (int)(sizeof(providers) / sizeof(providers[0])))
        return APR_ENOMEM;
    providers[nproviders].group = provider_group;
    providers[nproviders].name = provider_name;
    providers[nproviders].version = provider_version;
    providers[nproviders].provider = provider;
    nproviders++;
    return APR_SUCCESS;
}

AP_DECLARE(void *)
ap_lookup_provider(const char *provider_group, const char *provider_name,
                   const char *provider_version)
{
    int i;
    for (i = 0; i < nproviders; i++)
        if (!strcmp(providers[i].group, provider_group) &&
            !strcmp(providers[i].name, provider_name) &&
            !strcmp(providers[i].version, provider_version))
            return (void *)providers[i].provider;
    return NULL;
}

AP_DECLARE(apr_status_t)
ap_register_auth_provider(apr_pool_t *pool, const char *provider_group, const char *provider_name,
                          const char *provider_version, const void *provider, int type)
{
    (void)type;
    return ap_register_provider(pool, provider_group, provider_name, provider_version, provider);
}

/* ---- mutexes ------------------------------------------------------------------ */

AP_DECLARE(apr_status_t)
ap_mutex_register(apr_pool_t *pconf, const char *type, const char *default_dir,
                  apr_lockmech_e default_mech, apr_int32_t options)
{
    (void)pconf;
    (void)type;
    (void)default_dir;
    (void)default_mech;
    (void)options;
    return APR_SUCCESS;
}

AP_DECLARE(apr_status_t)
ap_global_mutex_create(apr_global_mutex_t **mutex, const char **name, const char *type,
                       const char *instance_id, server_rec *server, apr_pool_t *pool,
                       apr_int32_t options)
{
    (void)type;
    (void)instance_id;
    (void)server;
    (void)options;
    if (name)
        *name = NULL;
    return apr_global_mutex_create(mutex, NULL, APR_LOCK_DEFAULT, pool);
}

/* ---- hooks: registration does nothing in a unit test --------------------------- */

#define STUB_HOOK(name)                                                                     \
    AP_DECLARE(void)                                                                        \
    ap_hook_##name(ap_HOOK_##name##_t *pf, const char *const *pre, const char *const *succ, \
                   int order)                                                               \
    {                                                                                       \
        (void)pf;                                                                           \
        (void)pre;                                                                          \
        (void)succ;                                                                         \
        (void)order;                                                                        \
    }

STUB_HOOK(pre_config)
STUB_HOOK(check_config)
STUB_HOOK(open_logs)
STUB_HOOK(post_config)
STUB_HOOK(test_config)
STUB_HOOK(pre_connection)
STUB_HOOK(quick_handler)
STUB_HOOK(translate_name)
STUB_HOOK(map_to_storage)
STUB_HOOK(type_checker)
STUB_HOOK(log_transaction)
STUB_HOOK(child_init)
STUB_HOOK(handler)
STUB_HOOK(fixups)
STUB_HOOK(header_parser)
STUB_HOOK(post_read_request)
STUB_HOOK(insert_filter)
STUB_HOOK(insert_error_filter)

AP_DECLARE(void)
ap_hook_check_authn(ap_HOOK_check_user_id_t *pf, const char *const *pre, const char *const *succ,
                    int order, int type)
{
    (void)pf;
    (void)pre;
    (void)succ;
    (void)order;
    (void)type;
}

AP_DECLARE(void)
ap_hook_check_authz(ap_HOOK_auth_checker_t *pf, const char *const *pre, const char *const *succ,
                    int order, int type)
{
    (void)pf;
    (void)pre;
    (void)succ;
    (void)order;
    (void)type;
}

AP_DECLARE(void)
ap_hook_check_access(ap_HOOK_access_checker_t *pf, const char *const *pre, const char *const *succ,
                     int order, int type)
{
    (void)pf;
    (void)pre;
    (void)succ;
    (void)order;
    (void)type;
}

/* ---- authentication helpers ----------------------------------------------------- */

static const char *auth_type;

void et_stub_set_auth_type(const char *type)
{
    auth_type = type;
}

AP_DECLARE(const char *) ap_auth_type(request_rec *r)
{
    (void)r;
    return auth_type;
}

AP_DECLARE(const char *) ap_auth_name(request_rec *r)
{
    (void)r;
    return "api";
}

AP_DECLARE(void) ap_note_auth_failure(request_rec *r)
{
    (void)r;
}

AP_DECLARE(int) ap_is_initial_req(request_rec *r)
{
    return r->main == NULL && r->prev == NULL;
}

/* ---- strings (httpd's util.c, simplified) --------------------------------------- */

AP_DECLARE(int) ap_cstr_casecmp(const char *s1, const char *s2)
{
    return strcasecmp(s1, s2);
}

AP_DECLARE(int) ap_cstr_casecmpn(const char *s1, const char *s2, apr_size_t n)
{
    return strncasecmp(s1, s2, n);
}

AP_DECLARE(void) ap_str_tolower(char *s)
{
    for (; *s; s++)
        *s = (char)apr_tolower(*s);
}

AP_DECLARE(char *) ap_getword(apr_pool_t *p, const char **line, char stop)
{
    const char *pos = strchr(*line, stop);
    char *word;
    if (!pos) {
        word = apr_pstrdup(p, *line);
        *line += strlen(*line);
        return word;
    }
    word = apr_pstrmemdup(p, *line, (apr_size_t)(pos - *line));
    while (*pos == stop)
        pos++;
    *line = pos;
    return word;
}

AP_DECLARE(char *) ap_getword_white(apr_pool_t *p, const char **line)
{
    const char *pos = *line;
    char *word;
    while (*pos && !apr_isspace(*pos))
        pos++;
    word = apr_pstrmemdup(p, *line, (apr_size_t)(pos - *line));
    while (apr_isspace(*pos))
        pos++;
    *line = pos;
    return word;
}

AP_DECLARE(char *) ap_escape_html2(apr_pool_t *p, const char *s, int toasc)
{
    apr_size_t n = 0;
    const char *c;
    char *out, *o;
    (void)toasc;
    for (c = s; *c; c++)
        n += *c == '<' || *c == '>' ? 4 : *c == '&' ? 5 : *c == '"' ? 6 : 1;
    out = o = apr_palloc(p, n + 1);
    for (c = s; *c; c++) {
        const char *rep = *c == '<'   ? "&lt;"
                          : *c == '>' ? "&gt;"
                          : *c == '&' ? "&amp;"
                          : *c == '"' ? "&quot;"
                                      : NULL;
        if (rep) {
            memcpy(o, rep, strlen(rep));
            o += strlen(rep);
        } else {
            *o++ = *c;
        }
    }
    *o = '\0';
    return out;
}

AP_DECLARE(const char *) ap_method_name_of(apr_pool_t *p, int methnum)
{
    static const char *const names[] = {"GET",     "PUT",     "POST",  "DELETE",
                                        "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    (void)p;
    if (methnum >= 0 && methnum < (int)(sizeof(names) / sizeof(names[0])))
        return names[methnum];
    return NULL;
}

/* ---- request body ------------------------------------------------------------- */

static const char *input;
static apr_size_t input_len, input_pos;

void et_stub_set_input(const char *data, apr_size_t len)
{
    input = data;
    input_len = len;
    input_pos = 0;
}

AP_DECLARE(apr_status_t)
ap_get_brigade(ap_filter_t *filter, apr_bucket_brigade *bb, ap_input_mode_t mode,
               apr_read_type_e block, apr_off_t readbytes)
{
    apr_size_t n = input_len - input_pos;
    (void)filter;
    (void)mode;
    (void)block;
    if (readbytes > 0 && n > (apr_size_t)readbytes)
        n = (apr_size_t)readbytes;
    if (n) {
        APR_BRIGADE_INSERT_TAIL(
            bb, apr_bucket_transient_create(input + input_pos, n, bb->bucket_alloc));
        input_pos += n;
    }
    if (input_pos == input_len)
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(bb->bucket_alloc));
    return APR_SUCCESS;
}

AP_DECLARE(int) ap_setup_client_block(request_rec *r, int read_policy)
{
    (void)read_policy;
    r->remaining = (apr_off_t)(input_len - input_pos);
    return OK;
}

AP_DECLARE(int) ap_should_client_block(request_rec *r)
{
    (void)r;
    return input_pos < input_len;
}

AP_DECLARE(long) ap_get_client_block(request_rec *r, char *buffer, apr_size_t bufsiz)
{
    apr_size_t n = input_len - input_pos;
    (void)r;
    if (n > bufsiz)
        n = bufsiz;
    memcpy(buffer, input + input_pos, n);
    input_pos += n;
    return (long)n;
}

/* No unit test sends a conditional request. */
AP_DECLARE(int) ap_meets_conditions(request_rec *r)
{
    (void)r;
    return OK;
}

AP_DECLARE(int) ap_discard_request_body(request_rec *r)
{
    (void)r;
    input_pos = input_len;
    return OK;
}

/* ---- response ----------------------------------------------------------------- */

static stub_buf out_buf;

const char *et_stub_output(apr_size_t *len)
{
    if (len)
        *len = out_buf.len;
    return out_buf.data ? out_buf.data : "";
}

void et_stub_output_reset(void)
{
    buf_reset(&out_buf);
}

AP_DECLARE(apr_status_t) ap_pass_brigade(ap_filter_t *filter, apr_bucket_brigade *bb)
{
    apr_bucket *b;
    (void)filter;
    for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b)) {
        const char *data;
        apr_size_t len;
        if (APR_BUCKET_IS_METADATA(b))
            continue;
        if (apr_bucket_read(b, &data, &len, APR_BLOCK_READ) != APR_SUCCESS)
            return APR_EGENERAL;
        buf_append(&out_buf, data, len);
    }
    apr_brigade_cleanup(bb);
    return APR_SUCCESS;
}

AP_DECLARE(int) ap_rwrite(const void *buf, int nbyte, request_rec *r)
{
    (void)r;
    buf_append(&out_buf, buf, (apr_size_t)nbyte);
    return nbyte;
}

AP_DECLARE_NONSTD(int) ap_rprintf(request_rec *r, const char *fmt, ...)
{
    va_list ap;
    char *text;
    va_start(ap, fmt);
    text = apr_pvsprintf(r->pool, fmt, ap);
    va_end(ap);
    return ap_rwrite(text, (int)strlen(text), r);
}

AP_DECLARE(int) ap_rflush(request_rec *r)
{
    (void)r;
    return 0;
}

AP_DECLARE(void) ap_set_content_type(request_rec *r, const char *ct)
{
    r->content_type = ct;
}

AP_DECLARE(void) ap_set_content_length(request_rec *r, apr_off_t length)
{
    r->clength = length;
    apr_table_setn(r->headers_out, "Content-Length", apr_off_t_toa(r->pool, length));
}

AP_DECLARE(const char *) ap_get_status_line(int status)
{
    switch (status) {
    case HTTP_REQUEST_TIME_OUT:
        return "408 Request Timeout";
    case HTTP_NOT_IMPLEMENTED:
        return "501 Not Implemented";
    default:
        return "500 Internal Server Error";
    }
}

/* As httpd's (http_protocol.c). */
AP_DECLARE(int) ap_map_http_request_error(apr_status_t rv, int status)
{
    switch (rv) {
    case AP_FILTER_ERROR:
        return AP_FILTER_ERROR;
    case APR_ENOSPC:
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    case APR_ENOTIMPL:
        return HTTP_NOT_IMPLEMENTED;
    case APR_TIMEUP:
    case APR_ETIMEDOUT:
        return HTTP_REQUEST_TIME_OUT;
    default:
        return status;
    }
}

/* ---- filters and walks (http_errors.c): nothing runs them in a unit test ---- */

AP_DECLARE(ap_filter_rec_t *)
ap_register_output_filter(const char *name, ap_out_filter_func filter_func,
                          ap_init_filter_func filter_init, ap_filter_type ftype)
{
    (void)name;
    (void)filter_func;
    (void)filter_init;
    (void)ftype;
    return NULL;
}

AP_DECLARE(ap_filter_t *)
ap_add_output_filter_handle(ap_filter_rec_t *f, void *ctx, request_rec *r, conn_rec *c)
{
    (void)f;
    (void)ctx;
    (void)r;
    (void)c;
    return NULL;
}

AP_DECLARE(void) ap_remove_output_filter(ap_filter_t *f)
{
    (void)f;
}

AP_DECLARE(int) ap_location_walk(request_rec *r)
{
    (void)r;
    return OK;
}

AP_DECLARE(const char *)
ap_expr_str_exec(request_rec *r, const ap_expr_info_t *expr, const char **err)
{
    (void)r;
    (void)expr;
    *err = "no expressions in unit tests";
    return NULL;
}

/* ---- cookies (util_cookies.c, simplified) -------------------------------------- */

AP_DECLARE(apr_status_t)
ap_cookie_write(request_rec *r, const char *name, const char *val, const char *attrs, long maxage,
                ...)
{
    const char *cookie = apr_pstrcat(r->pool, name, "=", val, ";", attrs ? attrs : "", NULL);
    if (maxage)
        cookie = apr_psprintf(r->pool, "%s;Max-Age=%ld", cookie, maxage);
    apr_table_addn(r->err_headers_out, "Set-Cookie", cookie);
    return APR_SUCCESS;
}

AP_DECLARE(apr_status_t) ap_cookie_remove(request_rec *r, const char *name, const char *attrs, ...)
{
    apr_table_addn(r->err_headers_out, "Set-Cookie",
                   apr_pstrcat(r->pool, name, "=;Max-Age=0;", attrs ? attrs : "", NULL));
    return APR_SUCCESS;
}

AP_DECLARE(apr_status_t)
ap_cookie_read(request_rec *r, const char *name, const char **val, int remove)
{
    const char *header = apr_table_get(r->headers_in, "Cookie");
    apr_size_t nlen = strlen(name);
    (void)remove;
    *val = NULL;
    while (header && *header) {
        while (*header == ' ' || *header == ';')
            header++;
        if (!strncmp(header, name, nlen) && header[nlen] == '=') {
            const char *end = strchr(header, ';');
            header += nlen + 1;
            *val = end ? apr_pstrmemdup(r->pool, header, (apr_size_t)(end - header))
                       : apr_pstrdup(r->pool, header);
            return APR_SUCCESS;
        }
        header = strchr(header, ';');
    }
    return APR_SUCCESS;
}

static void *module_configs[64];

void et_stub_server_config(server_rec *s, void *conf)
{
    if (everytime_module.module_index < 0)
        everytime_module.module_index = 0;
    memset(module_configs, 0, sizeof(module_configs));
    module_configs[everytime_module.module_index] = conf;
    s->module_config = (struct ap_conf_vector_t *)module_configs;
}

/*
 * everytime.h: who we are. Every source file includes this first, so that
 * log lines carry the module tag and "LogLevel everytime:debug" works.
 */
#ifndef EVERYTIME_H
#define EVERYTIME_H

/* Before any APR header: APR_OFFSETOF, under the brigade and ring macros, is
 * offsetof() only when <stddef.h> came first, else a member access through a
 * NULL pointer (undefined behaviour, which UBSan stops). */
#include <stddef.h>

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <apr_strings.h>

extern module AP_MODULE_DECLARE_DATA everytime_module;

#ifdef APLOG_USE_MODULE
APLOG_USE_MODULE(everytime);
#endif

/* One macro for every request-time log line: adds the function name.
 * Never pass a token, password, secret or authorization code to it. */
#define ET_LOG(r, level, status, fmt, ...) \
    ap_log_rerror(APLOG_MARK, (level), (status), (r), fmt " [%s]", ##__VA_ARGS__, __func__)

#define ET_HANDLER_NAME "everytime-api"

#endif

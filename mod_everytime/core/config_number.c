/*
 * config_number.c: reading a numeric directive's value, for every
 * Everytime* directive that takes a number (config.c, config_community.c,
 * config_mail.c, config_outbox.c), so that they refuse the same values with
 * the same message.
 */
#include "core/config.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <errno.h>

const char *et_conf_parse_count(cmd_parms *cmd, const char *v, apr_int64_t min, apr_int64_t max,
                                apr_int64_t *out)
{
    char *end;
    apr_int64_t n;
    if (!*v || !apr_isdigit(*v))
        return apr_psprintf(cmd->pool, "%s: '%s' is not a whole number", cmd->cmd->name, v);
    errno = 0;
    n = apr_strtoi64(v, &end, 10);
    if (errno == ERANGE)
        n = -1;
    if (*end || n < 0 || n < min || n > max)
        return apr_psprintf(cmd->pool,
                            "%s: '%s' must be a whole number from %" APR_INT64_T_FMT
                            " to %" APR_INT64_T_FMT,
                            cmd->cmd->name, v, min, max);
    *out = n;
    return NULL;
}

/*
 * secret.c: a directive's secret or key, given as the value itself or as
 * "file:/path" (read once, at config time; never per request).
 */
#include "core/config.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <http_config.h>

const char *et_read_secret(apr_pool_t *p, const char *value, const char *directive,
                           const unsigned char **out, apr_size_t *len)
{
    if (strncmp(value, "file:", 5) == 0) {
        const char *path = ap_server_root_relative(p, value + 5);
        apr_file_t *f;
        apr_finfo_t fi;
        char *buf;
        apr_size_t n;
        if (!path || apr_file_open(&f, path, APR_FOPEN_READ, 0, p) != APR_SUCCESS)
            return apr_psprintf(p, "%s: cannot read key file '%s'", directive, value + 5);
        if (apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS || fi.size > 65536) {
            apr_file_close(f);
            return apr_psprintf(p, "%s: key file '%s' is unreadable or too large", directive,
                                value + 5);
        }
        n = (apr_size_t)fi.size;
        buf = apr_palloc(p, n + 1);
        if (n && apr_file_read_full(f, buf, n, &n) != APR_SUCCESS) {
            apr_file_close(f);
            return apr_psprintf(p, "%s: cannot read key file '%s'", directive, value + 5);
        }
        apr_file_close(f);
        /* a trailing newline from an editor is not part of an HMAC secret */
        while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
            n--;
        buf[n] = '\0';
        *out = (const unsigned char *)buf;
        *len = n;
    } else {
        *out = (const unsigned char *)apr_pstrdup(p, value);
        *len = strlen(value);
    }
    if (*len == 0)
        return apr_psprintf(p, "%s: the key is empty", directive);
    return NULL;
}

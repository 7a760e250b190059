/*
 * config_community.c: the setters of the community's thresholds. Their
 * defaults and merge stay with the rest of the server record (config.c).
 */
#include "core/config_community.h"

const char *et_set_hot_threshold(cmd_parms *cmd, void *dc, const char *v)
{
    apr_int64_t n;
    const char *err = et_conf_parse_count(cmd, v, 1, 1000000, &n);
    (void)dc;
    if (!err)
        et_conf(cmd->server)->hot_threshold = (int)n;
    return err;
}

const char *et_set_report_threshold(cmd_parms *cmd, void *dc, const char *v)
{
    apr_int64_t n;
    const char *err = et_conf_parse_count(cmd, v, 1, 1000000, &n);
    (void)dc;
    if (!err)
        et_conf(cmd->server)->report_threshold = (int)n;
    return err;
}

/* Seconds one process reuses its ranking of /posts/popular/ (0: none); an
 * hour at most, or "of the last 48 hours" would drift too far. */
const char *et_set_popular_cache(cmd_parms *cmd, void *dc, const char *v)
{
    (void)dc;
    return et_conf_parse_count(cmd, v, 0, ET_MAX_POPULAR_CACHE,
                               &et_conf(cmd->server)->popular_cache);
}

/*
 * config_community.h: the directives of the community's thresholds (HOT,
 * reports, the popular list's cache), listed in et_directives (config.c)
 * through ET_COMMUNITY_DIRECTIVES.
 */
#ifndef ET_CONFIG_COMMUNITY_H
#define ET_CONFIG_COMMUNITY_H

#include "core/config.h"

const char *et_set_hot_threshold(cmd_parms *cmd, void *dc, const char *v);
const char *et_set_report_threshold(cmd_parms *cmd, void *dc, const char *v);
const char *et_set_popular_cache(cmd_parms *cmd, void *dc, const char *v);

#define ET_COMMUNITY_DIRECTIVES                                                           \
    AP_INIT_TAKE1(ET_DIR_HOT_THRESHOLD, et_set_hot_threshold, NULL, RSRC_CONF,            \
                  "likes that make a post HOT (10)"),                                     \
        AP_INIT_TAKE1(ET_DIR_REPORT_THRESHOLD, et_set_report_threshold, NULL, RSRC_CONF,  \
                      "users whose reports blind a post or comment (5)"),                 \
        AP_INIT_TAKE1(ET_DIR_POPULAR_CACHE, et_set_popular_cache, NULL, RSRC_CONF,        \
                      "seconds each process reuses its ranking of /posts/popular/ (30); " \
                      "0 turns it off")

#endif

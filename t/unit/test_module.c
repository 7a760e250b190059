/*
 * test_module.c: the module declaration as httpd will see it: built against
 * this httpd's module magic, named mod_everytime.c, and offering exactly the
 * directives that docs/directives.md lists in its summary table. Linking it
 * also links the whole library into the test program, so a missing httpd
 * stub shows at every "make check".
 */
#include "suites.h"
#include "core/config.h"

#include <ap_mmn.h>
#include <apr_strings.h>
#include <stdio.h>
#include <string.h>

START_TEST(module_magic_and_name)
{
    const char *name = strrchr(everytime_module.name, '/');

    ck_assert_int_eq(everytime_module.version, MODULE_MAGIC_NUMBER_MAJOR);
    ck_assert_int_eq(everytime_module.minor_version, MODULE_MAGIC_NUMBER_MINOR);
    ck_assert_uint_eq(everytime_module.magic, MODULE_MAGIC_COOKIE);
    /* httpd drops the directory part when it loads the module */
    ck_assert_str_eq(name ? name + 1 : everytime_module.name, "mod_everytime.c");
    ck_assert_ptr_nonnull(everytime_module.register_hooks);
    ck_assert_ptr_nonnull(everytime_module.create_server_config);
    ck_assert_ptr_nonnull(everytime_module.merge_server_config);
    ck_assert_ptr_eq(everytime_module.cmds, et_directives);
}
END_TEST

/* The directives docs/directives.md lists in its summary table, one per row
 * "| `EverytimeX` | ...". NULL-terminated, from the pool. */
static const char **documented_directives(apr_pool_t *p, int *n)
{
    const char *path = ET_SRCDIR "/docs/directives.md";
    FILE *f = fopen(path, "r");
    const char **names = apr_pcalloc(p, 128 * sizeof(*names));
    char line[512];
    *n = 0;
    ck_assert_msg(f != NULL, "cannot read %s", path);
    while (fgets(line, sizeof(line), f) && *n < 127) {
        char *name = line + strlen("| `"), *tick;
        if (strncmp(line, "| `Everytime", strlen("| `Everytime")) || !(tick = strchr(name, '`')))
            continue;
        names[(*n)++] = apr_pstrmemdup(p, name, tick - name);
    }
    fclose(f);
    return names;
}

static int documented(const char **names, int n, const char *name)
{
    int i;
    for (i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return 1;
    return 0;
}

START_TEST(module_directives)
{
    apr_pool_t *p;
    const char **names;
    const command_rec *cmd;
    int i, n, offered = 0;

    ck_assert_int_eq(apr_pool_create(&p, NULL), APR_SUCCESS);
    names = documented_directives(p, &n);
    ck_assert_msg(n >= 30, "docs/directives.md lists only %d directives in its summary", n);
    for (i = 0; i < n; i++) {
        for (cmd = et_directives; cmd->name; cmd++)
            if (!strcmp(cmd->name, names[i]))
                break;
        ck_assert_msg(cmd->name != NULL, "documented directive %s is missing", names[i]);
        ck_assert_msg(cmd->req_override & RSRC_CONF, "%s is not allowed in server config",
                      names[i]);
        ck_assert_msg(cmd->errmsg && *cmd->errmsg, "%s has no help text", names[i]);
    }
    for (cmd = et_directives; cmd->name; cmd++, offered++) {
        ck_assert_msg(!strncmp(cmd->name, "Everytime", 9), "%s is not named Everytime*", cmd->name);
        ck_assert_msg(documented(names, n, cmd->name),
                      "%s is not in docs/directives.md's summary table", cmd->name);
    }
    ck_assert_int_eq(offered, n);
    apr_pool_destroy(p);
}
END_TEST

Suite *module_suite(void)
{
    Suite *s = suite_create("module");
    TCase *tc = tcase_create("declaration");

    tcase_add_test(tc, module_magic_and_name);
    tcase_add_test(tc, module_directives);
    suite_add_tcase(s, tc);
    return s;
}

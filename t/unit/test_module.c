/*
 * test_module.c: the module declaration as httpd will see it: built against
 * this httpd's module magic, named mod_everytime.c, and offering exactly the
 * directives the documentation names. Linking it also links the whole library
 * into the test program, so a missing httpd stub shows at every "make check".
 */
#include "suites.h"
#include "core/config.h"

#include <ap_mmn.h>
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

START_TEST(module_directives)
{
    static const char *const expected[] = {
        "EverytimeDatabase",       "EverytimeJWTAlgorithm",    "EverytimeJWTSecret",
        "EverytimeJWTPrivateKey",  "EverytimeJWTPublicKey",    "EverytimeJWTIssuer",
        "EverytimeJWTAudience",    "EverytimeAccessTokenTTL",  "EverytimeRefreshTokenTTL",
        "EverytimeTokenCache",     "EverytimeCacheTTL",        "EverytimePasswordCost",
        "EverytimeMaxBodySize",    "EverytimeTokenCookies",    "EverytimeLoginThrottle",
    };
    const command_rec *cmd;
    size_t i;

    for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        for (cmd = et_directives; cmd->name; cmd++)
            if (!strcmp(cmd->name, expected[i]))
                break;
        ck_assert_msg(cmd->name != NULL, "directive %s is missing", expected[i]);
        ck_assert_msg(cmd->req_override & RSRC_CONF, "%s is not allowed in server config",
                      expected[i]);
        ck_assert_msg(cmd->errmsg && *cmd->errmsg, "%s has no help text", expected[i]);
    }
    for (cmd = et_directives; cmd->name; cmd++)
        ck_assert_msg(!strncmp(cmd->name, "Everytime", 9), "%s is not named Everytime*",
                      cmd->name);
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

/*
 * test_main.c: runs every Check suite of suites.h.
 *
 * CK_RUN_SUITE=util and CK_RUN_CASE=<name> pick one suite or case (Check's
 * own variables); CK_FORK=no runs in-process, for gdb/valgrind.
 */
#include "suites.h"

#include <apr_general.h>
#include <stdlib.h>

int main(void)
{
    SRunner *sr;
    int failed;

    if (apr_initialize() != APR_SUCCESS)
        return EXIT_FAILURE;
    atexit(apr_terminate);

    sr = srunner_create(NULL);
#define ET_UNIT_ADD(name) srunner_add_suite(sr, name##_suite());
    ET_UNIT_SUITES(ET_UNIT_ADD)
#undef ET_UNIT_ADD
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

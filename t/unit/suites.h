/*
 * suites.h: the Check suites that t/unit/test_main.c runs. Adding one: write
 * t/unit/test_<name>.c with "Suite *<name>_suite(void)", add a line below and
 * the file to t_unit_test_everytime_SOURCES in Makefile.am.
 */
#ifndef ET_UNIT_SUITES_H
#define ET_UNIT_SUITES_H

#include <check.h>

#define ET_UNIT_SUITES(X) \
    X(module)             \
    X(jwt)                \
    X(router)             \
    X(request)            \
    X(password)           \
    X(timeslots)          \
    X(gpa)                \
    X(util)               \
    X(anonymity)          \
    X(moderation)         \
    X(notifications)      \
    X(multipart)          \
    X(upload)             \
    X(jwks)               \
    X(oauth_config)       \
    X(csrf)               \
    X(cursor)             \
    X(hmac)               \
    X(cache_proto)        \
    X(cache_health)       \
    X(cors)               \
    X(json)               \
    X(json_writer)        \
    X(db_timeouts)        \
    X(db)                 \
    X(outbox)             \
    X(mail)               \
    X(config_mail)        \
    X(fcm)

#define ET_UNIT_DECLARE(name) Suite *name##_suite(void);
ET_UNIT_SUITES(ET_UNIT_DECLARE)
#undef ET_UNIT_DECLARE

#endif

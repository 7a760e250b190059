/*
 * test_moderation.c: who a blinded post or comment hides from
 * (et_blind_hides): everyone but its author and admins; and the viewer
 * values that the lists' SQL conditions bind.
 */
#include "suites.h"
#include "auth/auth.h"
#include "domain/moderation.h"

#include <string.h>

static const char *const author = "3f0c2a9e-1b7d-4c1a-9f0e-2d3c4b5a6978";
static const char *const other = "8e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b";

/* A request of user id with role, or an anonymous one when id is NULL. */
static et_req request_of(et_claims *claims, const char *id, const char *role)
{
    et_req q;
    memset(&q, 0, sizeof(q));
    memset(claims, 0, sizeof(*claims));
    claims->user_id = id;
    claims->role = role;
    q.user = id ? claims : NULL;
    return q;
}

START_TEST(blinded_hides_from_all_but_author_and_admins)
{
    et_claims c;
    et_req anon = request_of(&c, NULL, NULL);
    ck_assert_int_eq(et_blind_hides(&anon, 1, author), 1);
    et_req writer = request_of(&c, author, ET_ROLE_USER);
    ck_assert_int_eq(et_blind_hides(&writer, 1, author), 0);
    et_req someone = request_of(&c, other, ET_ROLE_USER);
    ck_assert_int_eq(et_blind_hides(&someone, 1, author), 1);
    et_req admin = request_of(&c, other, ET_ROLE_ADMIN);
    ck_assert_int_eq(et_blind_hides(&admin, 1, author), 0);
}
END_TEST

START_TEST(not_blinded_hides_from_nobody)
{
    et_claims c;
    et_req anon = request_of(&c, NULL, NULL);
    ck_assert_int_eq(et_blind_hides(&anon, 0, author), 0);
    et_req someone = request_of(&c, other, ET_ROLE_USER);
    ck_assert_int_eq(et_blind_hides(&someone, 0, author), 0);
}
END_TEST

START_TEST(viewer_values)
{
    et_claims c;
    /* '' matches no author and no blocker: an anonymous reader's lists */
    et_req anon = request_of(&c, NULL, NULL);
    ck_assert_str_eq(et_viewer(&anon), "");
    ck_assert_int_eq(et_viewer_admin(&anon), 0);
    et_req someone = request_of(&c, other, ET_ROLE_USER);
    ck_assert_str_eq(et_viewer(&someone), other);
    ck_assert_int_eq(et_viewer_admin(&someone), 0);
    et_req admin = request_of(&c, other, ET_ROLE_ADMIN);
    ck_assert_int_eq(et_viewer_admin(&admin), 1);
}
END_TEST

Suite *moderation_suite(void)
{
    Suite *s = suite_create("moderation");
    TCase *tc = tcase_create("visibility");
    tcase_add_test(tc, blinded_hides_from_all_but_author_and_admins);
    tcase_add_test(tc, not_blinded_hides_from_nobody);
    tcase_add_test(tc, viewer_values);
    suite_add_tcase(s, tc);
    return s;
}

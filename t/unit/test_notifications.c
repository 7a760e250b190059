/*
 * test_notifications.c: notifications.c's texts: the excerpt they quote
 * (one line, cut by characters, never inside one), each kind's text, and
 * the push a notification queues.
 */
#include "suites.h"
#include "domain/notifications.h"

#include <apr_pools.h>
#include <apr_strings.h>
#include <string.h>

static apr_pool_t *pool;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

START_TEST(excerpt_short_kept)
{
    ck_assert_str_eq(et_note_excerpt(pool, "좋은 글이네요", 10), "좋은 글이네요");
    ck_assert_str_eq(et_note_excerpt(pool, "", 10), "");
    /* exactly the limit: nothing cut */
    ck_assert_str_eq(et_note_excerpt(pool, "가나다라마", 5), "가나다라마");
    ck_assert_str_eq(et_note_excerpt(pool, "abcde", 5), "abcde");
}
END_TEST

START_TEST(excerpt_cut_by_characters)
{
    /* the limit counts characters, the last one then being … */
    ck_assert_str_eq(et_note_excerpt(pool, "가나다라마바", 5), "가나다라…");
    ck_assert_str_eq(et_note_excerpt(pool, "abcdef", 5), "abcd…");
    /* four-byte characters are never split */
    ck_assert_str_eq(et_note_excerpt(pool, "😀😀😀😀😀😀", 3), "😀😀…");
    ck_assert_str_eq(et_note_excerpt(pool, "a😀b😀c😀", 4), "a😀b…");
    /* no space before the … */
    ck_assert_str_eq(et_note_excerpt(pool, "abc def", 5), "abc…");
    ck_assert_str_eq(et_note_excerpt(pool, "abcdef", 1), "…");
    ck_assert_str_eq(et_note_excerpt(pool, "abcdef", 0), "");
}
END_TEST

START_TEST(excerpt_one_line)
{
    ck_assert_str_eq(et_note_excerpt(pool, "  첫 줄\n\n둘째\t줄 \r\n", 40), "첫 줄 둘째 줄");
    ck_assert_str_eq(et_note_excerpt(pool, "\n\n", 40), "");
    /* white space counts once, after it is collapsed */
    ck_assert_str_eq(et_note_excerpt(pool, "a\n\n\n\nbcdef", 5), "a bc…");
}
END_TEST

START_TEST(texts)
{
    ck_assert_str_eq(et_note_text(pool, ET_NOTE_COMMENT, "저도 궁금해요"),
                     "새로운 댓글이 달렸어요: \"저도 궁금해요\"");
    ck_assert_str_eq(et_note_text(pool, ET_NOTE_REPLY, "맞아요"),
                     "새로운 대댓글이 달렸어요: \"맞아요\"");
    ck_assert_str_eq(et_note_text(pool, ET_NOTE_HOT, "중도 자리 꿀팁"),
                     "내 글이 HOT 게시물이 되었어요: \"중도 자리 꿀팁\"");
    ck_assert_str_eq(et_note_text(pool, ET_NOTE_MESSAGE, "책 아직 파시나요?"),
                     "새로운 쪽지가 도착했어요: \"책 아직 파시나요?\"");
    ck_assert_str_eq(et_note_text(pool, ET_NOTE_FRIEND_REQUEST, "새내기"),
                     "새내기님이 친구 요청을 보냈어요");
    ck_assert_str_eq(et_note_text(pool, ET_NOTE_FRIEND_ACCEPT, "새내기"),
                     "새내기님이 친구 요청을 수락했어요");
    /* a long subject is quoted as a 40-character excerpt */
    ck_assert_str_eq(
        et_note_text(
            pool, ET_NOTE_COMMENT,
            "일이삼사오육칠팔구십일이삼사오육칠팔구십일이삼사오육칠팔구십일이삼사오육칠팔구십일"),
        "새로운 댓글이 달렸어요: "
        "\"일이삼사오육칠팔구십일이삼사오육칠팔구십일이삼사오육칠팔구십일이삼"
        "사오육칠팔구…\"");
    ck_assert_str_eq(et_note_text(pool, ET_NOTE_HOT, NULL), "내 글이 HOT 게시물이 되었어요: \"\"");
}
END_TEST

START_TEST(kind_names)
{
    ck_assert_str_eq(et_note_kind_name(ET_NOTE_COMMENT), "comment");
    ck_assert_str_eq(et_note_kind_name(ET_NOTE_REPLY), "reply");
    ck_assert_str_eq(et_note_kind_name(ET_NOTE_HOT), "hot");
    ck_assert_str_eq(et_note_kind_name(ET_NOTE_MESSAGE), "message");
    ck_assert_str_eq(et_note_kind_name(ET_NOTE_FRIEND_REQUEST), "friend_request");
    ck_assert_str_eq(et_note_kind_name(ET_NOTE_FRIEND_ACCEPT), "friend_accept");
}
END_TEST

#define USER "3f0c2a9e-1b7d-4c1a-9f0e-2d3c4b5a6978"

START_TEST(push_payloads)
{
    et_notice comment = {
        ET_NOTE_COMMENT, USER, "8e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b", "익명1", 12, 345, 0, "댓글"};
    et_notice message = {ET_NOTE_MESSAGE, USER, NULL, "익명", 0, 0, 7, "쪽지"};
    et_notice hot = {ET_NOTE_HOT, USER, NULL, NULL, 9, 0, 0, "제목"};
    et_notice friends = {ET_NOTE_FRIEND_REQUEST, USER, "x", NULL, 0, 0, 0, "새내기"};
    /* the ids a client opens, as strings; nothing of the actor */
    ck_assert_str_eq(et_note_push_payload(pool, &comment, 1001, "새로운 댓글이 달렸어요: \"댓글\""),
                     "{\"user_id\":\"" USER "\",\"title\":\"새로운 댓글\","
                     "\"body\":\"새로운 댓글이 달렸어요: \\\"댓글\\\"\","
                     "\"data\":{\"kind\":\"comment\",\"post\":\"12\",\"comment\":\"345\","
                     "\"notification\":\"1001\"}}");
    ck_assert_str_eq(
        et_note_push_payload(pool, &message, 5, "b"),
        "{\"user_id\":\"" USER "\",\"title\":\"새로운 쪽지\",\"body\":\"b\","
        "\"data\":{\"kind\":\"message\",\"conversation\":\"7\",\"notification\":\"5\"}}");
    ck_assert_str_eq(et_note_push_payload(pool, &hot, 6, "h"),
                     "{\"user_id\":\"" USER "\",\"title\":\"HOT 게시물\",\"body\":\"h\","
                     "\"data\":{\"kind\":\"hot\",\"post\":\"9\",\"notification\":\"6\"}}");
    ck_assert_str_eq(et_note_push_payload(pool, &friends, 8, "f"),
                     "{\"user_id\":\"" USER "\",\"title\":\"친구 요청\",\"body\":\"f\","
                     "\"data\":{\"kind\":\"friend_request\",\"notification\":\"8\"}}");
    friends.kind = ET_NOTE_FRIEND_ACCEPT;
    ck_assert_ptr_nonnull(
        strstr(et_note_push_payload(pool, &friends, 8, "f"), "\"title\":\"친구 수락\""));
    comment.kind = ET_NOTE_REPLY;
    ck_assert_ptr_nonnull(
        strstr(et_note_push_payload(pool, &comment, 8, "f"), "\"title\":\"새로운 대댓글\""));
}
END_TEST

Suite *notifications_suite(void)
{
    Suite *s = suite_create("notifications");
    TCase *tc = tcase_create("texts");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, excerpt_short_kept);
    tcase_add_test(tc, excerpt_cut_by_characters);
    tcase_add_test(tc, excerpt_one_line);
    tcase_add_test(tc, texts);
    tcase_add_test(tc, kind_names);
    tcase_add_test(tc, push_payloads);
    suite_add_tcase(s, tc);
    return s;
}

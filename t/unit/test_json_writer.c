/*
 * test_json_writer.c: the one-pass writer (infra/json_writer.c) and the Post
 * renderer built on it (domain/post_render.c) against what they replace:
 * jansson's dump of the same values, byte for byte. Strings are the tricky
 * ones (Korean, 4-byte characters, quotes, backslashes, every control
 * character, invalid UTF-8); rows have NULL columns, anonymous and deleted
 * authors, media, and the caller's likes and scraps.
 */
#include "suites.h"
#include "infra/json_writer.h"
#include "domain/post_render.h"
#include "domain/posts.h"
#include "domain/anonymity.h"
#include "domain/users.h"
#include "infra/util.h"

#include <apr_strings.h>
#include <stdlib.h>
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

/* What et_json_send writes for v. */
static char *dump(json_t *v)
{
    char *text = json_dumps(v, ET_JSON_DUMP_FLAGS);
    char *copy = apr_pstrdup(pool, text);
    free(text);
    return copy;
}

static const char *written(const et_jbuf *b)
{
    return apr_pstrmemdup(pool, b->data, b->len);
}

/* ---- strings -------------------------------------------------------------- */

static const char *const strings[] = {
    "",
    "plain ascii",
    "익명(글쓴이)의 글: 안녕하세요",
    "quote \" backslash \\ slash / end",
    "\x01\x02\x03\x04\x05\x06\x07\b\t\n\x0b\f\r\x0e\x0f",
    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f",
    "del \x7f stays",
    "\xc2\x80 \xdf\xbf \xe0\xa0\x80 \xef\xbf\xbf \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf", /* edges */
    "emoji \xf0\x9f\x98\x80 and \xe2\x80\xa8 line separator",
    "<script>alert('x')</script> &amp;",
    /* not UTF-8: jansson refuses each */
    "\xc0\x80",         /* overlong NUL */
    "\xc1\xbf",         /* overlong */
    "\xe0\x80\x80",     /* overlong 3-byte */
    "\xf0\x80\x80\x80", /* overlong 4-byte */
    "\xed\xa0\x80",     /* a surrogate */
    "\xed\xbf\xbf",     /* the last surrogate */
    "\xf4\x90\x80\x80", /* above U+10FFFF */
    "\xf5\x80\x80\x80", /* lead past U+10FFFF */
    "a\x80z",           /* a lone continuation byte */
    "\xe3\x85",         /* cut short */
    "\xea\xb0\x80\xe3", /* cut short after a good one */
    "\xff",
};

/* Each string as jansson writes it, or null with the key recorded where
 * jansson refuses it (json_string answers NULL for what is not UTF-8). */
START_TEST(string_as_jansson_writes_it)
{
    const char *s = strings[_i];
    json_t *expected = json_string(s);
    et_jbuf *b = et_jbuf_make(pool, 4); /* grows several times */
    et_jbuf_str(b, "title", s);
    if (expected) {
        ck_assert_str_eq(written(b), dump(expected));
        ck_assert_ptr_null(et_json_error(pool));
        json_decref(expected);
    } else {
        ck_assert_str_eq(written(b), "null");
        ck_assert_str_eq(et_json_error(pool), "title");
    }
}
END_TEST

START_TEST(scalars_as_jansson_writes_them)
{
    static const apr_int64_t ints[] = {
        0, 1, -1, 9, 10, 1234567890, -987654321, APR_INT64_MAX, APR_INT64_MIN};
    json_t *a = json_array(), *obj = json_pack("{s:f,s:[]}", "real", 4.3, "empty");
    et_jbuf *b = et_jbuf_make(pool, 1);
    size_t i;
    et_jbuf_lit(b, "[");
    for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        et_jbuf_int(b, ints[i]);
        et_jbuf_lit(b, ",");
        json_array_append_new(a, json_integer(ints[i]));
    }
    et_jbuf_bool(b, 1);
    et_jbuf_lit(b, ",");
    et_jbuf_bool(b, 0);
    et_jbuf_lit(b, ",");
    et_jbuf_str(b, "x", NULL);
    et_jbuf_lit(b, ",");
    et_jbuf_json(b, obj);
    et_jbuf_lit(b, "]");
    json_array_append_new(a, json_true());
    json_array_append_new(a, json_false());
    json_array_append_new(a, json_null());
    json_array_append_new(a, obj);
    ck_assert_str_eq(written(b), dump(a));
    json_decref(a);
}
END_TEST

START_TEST(utf8_lengths)
{
    ck_assert_int_eq(et_utf8_seq_len((const unsigned char *)"a"), 1);
    ck_assert_int_eq(et_utf8_seq_len((const unsigned char *)"\xc2\xa9"), 2);
    ck_assert_int_eq(et_utf8_seq_len((const unsigned char *)"\xea\xb0\x80"), 3);
    ck_assert_int_eq(et_utf8_seq_len((const unsigned char *)"\xf0\x9f\x98\x80"), 4);
    ck_assert_int_eq(et_utf8_seq_len((const unsigned char *)"\xed\xa0\x80"), 0);
    ck_assert_int_eq(et_utf8_seq_len((const unsigned char *)"\xc2"), 0);
}
END_TEST

/* ---- Posts ---------------------------------------------------------------- */

/* The columns of ET_POST_SELECT_HEAD (domain/posts.h). */
#define NCOLS ET_PC_NCOLS

#define ME    "11111111-1111-4111-8111-111111111111"
#define OTHER "22222222-2222-4222-8222-222222222222"

/* Rows as the statement answers them: a post's rows adjacent, one per media
 * file; NULL columns where the LEFT JOINs found nothing. */
static const char *const cells[][NCOLS] = {
    /* mine, named, liked and scrapped, two media, HOT */
    {"9",
     "1",
     ME,
     "닉네임 \"따옴표\"",
     "1",
     "제목\t탭",
     "본문\n줄바꿈 \\ 역슬래시 \x01",
     "0",
     "1",
     "1700000000123456",
     "5",
     "3",
     "2",
     "1699999999000001",
     "1700000000999999",
     "9",
     ME,
     ME,
     "31",
     "a/b.png",
     "image/png",
     "1024",
     "0"},
    {"9",
     "1",
     ME,
     "닉네임 \"따옴표\"",
     "1",
     "제목\t탭",
     "본문\n줄바꿈 \\ 역슬래시 \x01",
     "0",
     "1",
     "1700000000123456",
     "5",
     "3",
     "2",
     "1699999999000001",
     "1700000000999999",
     "9",
     ME,
     ME,
     "32",
     "c d.jpg",
     "image/jpeg",
     "2048",
     "0"},
    /* anonymous: the author's id never shows; blinded (shown to its author
     * and admins only, with is_blinded) */
    {"8",
     "2",
     OTHER,
     "secret",
     "1",
     "",
     "",
     "1",
     "0",
     NULL,
     "0",
     "0",
     "0",
     "1600000000000000",
     "1600000000000000",
     "8",
     NULL,
     NULL,
     NULL,
     NULL,
     NULL,
     NULL,
     "1"},
    /* a deactivated account */
    {"7",
     "3",
     OTHER,
     "gone",
     "0",
     "😀 emoji",
     "\x1f\x7f",
     "0",
     "0",
     NULL,
     "0",
     "0",
     "0",
     "1500000000000000",
     "1500000000000001",
     "7",
     NULL,
     ME,
     NULL,
     NULL,
     NULL,
     NULL,
     "0"},
};
#define NROWS ((int)(sizeof(cells) / sizeof(cells[0])))

static et_rows *rows_of(int n)
{
    et_rows *rows = apr_pcalloc(pool, sizeof(*rows));
    rows->nrows = n;
    rows->ncols = NCOLS;
    rows->cells = (const char **)cells;
    return rows;
}

static et_req *request_as(const char *user_id)
{
    et_req *q = apr_pcalloc(pool, sizeof(*q));
    q->r = apr_pcalloc(pool, sizeof(*q->r));
    q->r->pool = pool;
    q->conf = apr_pcalloc(pool, sizeof(*q->conf));
    q->conf->media_url = "/media/";
    if (user_id) {
        et_claims *c = apr_pcalloc(pool, sizeof(*c));
        c->user_id = user_id;
        q->user = c;
    }
    return q;
}

/* The tree the module built before post_render.c, as domain/posts.c built
 * it: the reference the rendered text must equal. */
static json_t *old_author(const et_rows *rows, int i)
{
    if (et_cell_i64(ET_CELL(rows, i, ET_PC_ANON)))
        return et_author_json(pool, NULL, NULL, ET_ANON_PLAIN);
    if (et_cell_i64(ET_CELL(rows, i, ET_PC_ACTIVE)) != 1)
        return et_author_json(pool, NULL, NULL, ET_DELETED_USER);
    return et_author_json(pool, ET_CELL(rows, i, ET_PC_AUTHOR), ET_CELL(rows, i, ET_PC_NICK), NULL);
}

static json_t *old_post(et_req *q, const et_rows *rows, int i)
{
    const char *caller = et_caller(q);
    json_t *p = et_json_obj(pool);
    et_json_set_int(p, "id", et_cell_i64(ET_CELL(rows, i, ET_PC_ID)));
    et_json_set_int(p, "board", et_cell_i64(ET_CELL(rows, i, ET_PC_BOARD)));
    et_json_set(p, "author", old_author(rows, i));
    et_json_set_str(pool, p, "title", ET_CELL(rows, i, ET_PC_TITLE));
    et_json_set_str(pool, p, "content", ET_CELL(rows, i, ET_PC_CONTENT));
    et_json_set_bool(p, "is_anonymous", et_cell_i64(ET_CELL(rows, i, ET_PC_ANON)) != 0);
    et_json_set_bool(p, "is_question", et_cell_i64(ET_CELL(rows, i, ET_PC_QUESTION)) != 0);
    et_json_set_str(pool, p, "hot_at", et_cell_time(pool, ET_CELL(rows, i, ET_PC_HOT)));
    et_json_set(p, "media", et_json_arr(pool));
    et_json_set_int(p, "like_count", et_cell_i64(ET_CELL(rows, i, ET_PC_LIKES)));
    et_json_set_int(p, "comment_count", et_cell_i64(ET_CELL(rows, i, ET_PC_COMMENTS)));
    et_json_set_int(p, "scrap_count", et_cell_i64(ET_CELL(rows, i, ET_PC_SCRAPS)));
    et_json_set_bool(p, "is_liked", ET_CELL(rows, i, ET_PC_LIKED) != NULL);
    et_json_set_bool(p, "is_scrapped", ET_CELL(rows, i, ET_PC_SCRAPPED) != NULL);
    et_json_set_bool(p, "is_mine", caller && !strcmp(caller, ET_CELL(rows, i, ET_PC_AUTHOR)));
    if (et_cell_i64(ET_CELL(rows, i, ET_PC_BLINDED)))
        et_json_set_bool(p, "is_blinded", 1);
    et_json_set_str(pool, p, "created_at", et_cell_time(pool, ET_CELL(rows, i, ET_PC_CREATED)));
    et_json_set_str(pool, p, "updated_at", et_cell_time(pool, ET_CELL(rows, i, ET_PC_UPDATED)));
    return p;
}

static json_t *old_media(const et_rows *rows, int i)
{
    json_t *m = et_json_obj(pool);
    et_json_set_int(m, "id", et_cell_i64(ET_CELL(rows, i, ET_PC_MEDIA_ID)));
    et_json_set_str(pool, m, "url",
                    apr_pstrcat(pool, "/media/", ET_CELL(rows, i, ET_PC_MEDIA_FILE), NULL));
    et_json_set_str(pool, m, "content_type", ET_CELL(rows, i, ET_PC_MEDIA_TYPE));
    et_json_set_int(m, "size", et_cell_i64(ET_CELL(rows, i, ET_PC_MEDIA_SIZE)));
    return m;
}

static json_t *old_page(et_req *q, const et_rows *rows)
{
    json_t *page = et_json_obj(pool), *list = et_json_arr(pool), *media = NULL;
    apr_int64_t last = 0;
    int i;
    for (i = 0; i < rows->nrows; i++) {
        apr_int64_t id = et_cell_i64(ET_CELL(rows, i, ET_PC_ID));
        if (!media || id != last) {
            json_t *post = old_post(q, rows, i);
            et_json_push(list, post);
            media = json_object_get(post, "media");
            last = id;
        }
        if (ET_CELL(rows, i, ET_PC_MEDIA_ID))
            et_json_push(media, old_media(rows, i));
    }
    et_json_set(page, "results", list);
    et_json_set_null(page, "next");
    return page;
}

static const char *const callers[] = {ME, OTHER, NULL};

START_TEST(page_as_the_tree_was)
{
    et_req *q = request_as(callers[_i]);
    const et_rows *rows = rows_of(NROWS);
    et_page page = {"posts", 20, 0, 0, 0};
    ck_assert_int_eq(et_post_page_reply(q, rows, &page), HTTP_OK);
    ck_assert_ptr_null(q->reply);
    ck_assert_str_eq(apr_pstrmemdup(pool, q->reply_text, q->reply_text_len),
                     dump(old_page(q, rows)));
    ck_assert_ptr_null(et_json_error(pool));
}
END_TEST

START_TEST(one_post_as_the_tree_was)
{
    et_req *q = request_as(callers[_i]);
    const et_rows *rows = rows_of(2); /* the post with its two media */
    json_t *page = old_page(q, rows);
    ck_assert_int_eq(et_post_reply(q, HTTP_CREATED, rows), HTTP_CREATED);
    ck_assert_str_eq(apr_pstrmemdup(pool, q->reply_text, q->reply_text_len),
                     dump(json_array_get(json_object_get(page, "results"), 0)));
}
END_TEST

START_TEST(empty_page)
{
    et_req *q = request_as(NULL);
    et_page page = {"posts", 20, 0, 0, 0};
    et_post_page_reply(q, rows_of(0), &page);
    ck_assert_str_eq(apr_pstrmemdup(pool, q->reply_text, q->reply_text_len),
                     "{\"results\":[],\"next\":null}");
}
END_TEST

/* A title that is not UTF-8: the reply must not go out (the router answers
 * 500 naming the key), as with the tree. */
START_TEST(invalid_utf8_is_refused)
{
    static const char *bad[NCOLS] = {"5",  "1",  OTHER, "nick", "1",  "bad \xed\xa0\x80",
                                     "",   "0",  "0",   NULL,   "0",  "0",
                                     "0",  "1",  "1",   "5",    NULL, NULL,
                                     NULL, NULL, NULL,  NULL,   "0"};
    et_rows rows = {1, NCOLS, bad};
    et_req *q = request_as(NULL);
    et_page page = {"posts", 20, 0, 0, 0};
    et_post_page_reply(q, &rows, &page);
    ck_assert_str_eq(et_json_error(pool), "title");
}
END_TEST

Suite *json_writer_suite(void)
{
    Suite *s = suite_create("json_writer");
    TCase *tc = tcase_create("json_writer");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, string_as_jansson_writes_it, 0,
                        (int)(sizeof(strings) / sizeof(strings[0])));
    tcase_add_test(tc, scalars_as_jansson_writes_them);
    tcase_add_test(tc, utf8_lengths);
    tcase_add_loop_test(tc, page_as_the_tree_was, 0, 3);
    tcase_add_loop_test(tc, one_post_as_the_tree_was, 0, 3);
    tcase_add_test(tc, empty_page);
    tcase_add_test(tc, invalid_utf8_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

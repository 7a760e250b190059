/*
 * api/messages.c: 쪽지. A conversation is opened from a post or a comment and
 * reaches its author without revealing who either side is: answers never
 * carry a user id or nickname, only {"id": null, "nickname": "익명"} for the
 * counterpart and is_mine for one's own messages.
 *
 * One conversation per (starter, source), source being "post:<id>" or
 * "comment:<id>"; UNIQUE(starter_id, source) settles two first messages sent
 * at once.
 */
#include "api/groups.h"
#include "domain/anonymity.h"
#include "domain/moderation.h"
#include "domain/notifications.h"
#include "domain/users.h"
#include "core/transaction.h"
#include "core/cursor.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/validate.h"

#define CONTENT_MAX 1000

/* The five columns message_json reads, from a messages table aliased m. */
#define MESSAGE_COLUMNS "m.id, m.sender_id, m.content, m.created_at, m.read_at"
/* The other side of conversation c is not blocked by the caller. Binds the
 * caller twice. */
#define UNBLOCKED_COUNTERPART \
    ET_UNBLOCKED("CASE WHEN c.starter_id = %s THEN c.recipient_id ELSE c.starter_id END") " "

static const et_stmt statements[] = {
    /* the author to reach, and whether their account still exists */
    {"et_msg_post_author", "l", 2,
     "SELECT p.author_id, u.is_active FROM posts p JOIN users u ON u.id = p.author_id "
     "WHERE p.id = %lld AND p.is_deleted = 0 AND p.is_blinded = 0",
     NULL, NULL},
    {"et_msg_comment_author", "l", 2,
     "SELECT c.author_id, u.is_active FROM comments c JOIN posts p ON p.id = c.post_id "
     "JOIN users u ON u.id = c.author_id "
     "WHERE c.id = %lld AND c.is_deleted = 0 AND p.is_deleted = 0 AND c.is_blinded = 0 "
     "AND p.is_blinded = 0",
     NULL, NULL},
    {"et_msg_conv_by_source", "ss", 1,
     "SELECT id FROM conversations WHERE starter_id = %s AND source = %s", NULL, NULL},
    {"et_msg_conv_insert", "sssll", 1,
     "INSERT INTO conversations (source, starter_id, recipient_id, created_at, updated_at) "
     "VALUES (%s, %s, %s, %lld, %lld) RETURNING id",
     NULL, NULL},
    /* Write-locks the conversation: its writers then run one after another.
     * No column changes. */
    {"et_msg_conv_lock", "l", 0, "UPDATE conversations SET updated_at = updated_at WHERE id = %lld",
     NULL, NULL},
    /* never moves a conversation back, should the clock step back */
    {"et_msg_conv_touch", "lll", 0,
     "UPDATE conversations SET updated_at = CASE WHEN updated_at < %lld THEN %lld "
     "ELSE updated_at END WHERE id = %lld",
     NULL, NULL},
    /* the other side of one of the caller's conversations */
    {"et_msg_conv_get", "slss", 1,
     "SELECT CASE WHEN starter_id = %s THEN recipient_id ELSE starter_id END "
     "FROM conversations WHERE id = %lld AND (starter_id = %s OR recipient_id = %s)",
     NULL, NULL},
    /* the caller's conversations, most recent first, each with its last
     * message and how many of the other side's messages are unread; none
     * with someone the caller blocks */
    {"et_msg_conv_list", "sss" ET_UNBLOCKED_ARGS "sllll", 10,
     "SELECT c.id, c.source, c.created_at, c.updated_at, " MESSAGE_COLUMNS ", "
     "(SELECT COUNT(*) FROM messages n WHERE n.conversation_id = c.id "
     "AND n.sender_id <> %s AND n.read_at IS NULL) "
     "FROM conversations c "
     "LEFT JOIN messages m ON m.id = "
     "(SELECT MAX(l.id) FROM messages l WHERE l.conversation_id = c.id) "
     "WHERE (c.starter_id = %s OR c.recipient_id = %s) "
     "AND " UNBLOCKED_COUNTERPART
     "AND c.updated_at <= %lld AND (c.updated_at < %lld OR c.id < %lld) "
     "ORDER BY c.updated_at DESC, c.id DESC LIMIT %lld",
     NULL, NULL},
    {"et_msg_list", "lll", 5,
     "SELECT " MESSAGE_COLUMNS " FROM messages m WHERE m.conversation_id = %lld AND m.id > %lld "
     "ORDER BY m.id LIMIT %lld",
     NULL, NULL},
    {"et_msg_insert", "lssl", 1,
     "INSERT INTO messages (conversation_id, sender_id, content, created_at, read_at) "
     "VALUES (%lld, %s, %s, %lld, NULL) RETURNING id",
     NULL, NULL},
    /* the other side's messages of the page just shown */
    {"et_msg_mark_read", "llsll", 0,
     "UPDATE messages SET read_at = %lld WHERE conversation_id = %lld AND sender_id <> %s "
     "AND read_at IS NULL AND id > %lld AND id <= %lld",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* --- shapes ------------------------------------------------------------- */

/* Message from the five MESSAGE_COLUMNS starting at column col. seen: the
 * caller is being shown the other side's message now, which reads it. */
static json_t *message_json(et_req *q, apr_int64_t conv, const et_rows *rows, int i, int col,
                            int seen)
{
    apr_pool_t *p = q->r->pool;
    json_t *m = et_json_obj(p);
    int mine = !strcmp(ET_CELL(rows, i, col + 1), et_caller(q));
    et_json_set_int(m, "id", et_cell_i64(ET_CELL(rows, i, col)));
    et_json_set_int(m, "conversation", conv);
    et_json_set_bool(m, "is_mine", mine);
    et_json_set_str(p, m, "content", ET_CELL(rows, i, col + 2));
    et_json_set_bool(m, "is_read", ET_CELL(rows, i, col + 4) != NULL || (seen && !mine));
    et_json_set_str(p, m, "created_at", et_cell_time(p, ET_CELL(rows, i, col + 3)));
    return m;
}

/* "post:12" as {"post": 12}, "comment:5" as {"comment": 5}. */
static json_t *source_json(apr_pool_t *p, const char *source)
{
    json_t *o = et_json_obj(p);
    const char *colon = strchr(source, ':');
    apr_int64_t id = 0;
    char key[16];
    apr_size_t n = colon ? (apr_size_t)(colon - source) : 0;
    if (colon && n < sizeof(key) && !et_parse_i64(colon + 1, &id)) {
        memcpy(key, source, n);
        key[n] = '\0';
        et_json_set_int(o, key, id);
    }
    return o;
}

/* Conversation from a row of et_msg_conv_list. */
static json_t *conversation_json(et_req *q, const et_rows *rows, int i)
{
    apr_pool_t *p = q->r->pool;
    json_t *c = et_json_obj(p);
    apr_int64_t id = et_cell_i64(ET_CELL(rows, i, 0));
    et_json_set_int(c, "id", id);
    et_json_set(c, "source", source_json(p, ET_CELL(rows, i, 1)));
    et_json_set(c, "counterpart", et_author_json(p, NULL, NULL, ET_ANON_PLAIN));
    if (ET_CELL(rows, i, 4))
        et_json_set(c, "last_message", message_json(q, id, rows, i, 4, 0));
    else
        et_json_set_null(c, "last_message");
    et_json_set_int(c, "unread_count", et_cell_i64(ET_CELL(rows, i, 9)));
    et_json_set_str(p, c, "created_at", et_cell_time(p, ET_CELL(rows, i, 2)));
    et_json_set_str(p, c, "updated_at", et_cell_time(p, ET_CELL(rows, i, 3)));
    return c;
}

/* --- reading input ------------------------------------------------------ */

static const char *read_content(et_req *q)
{
    return et_body_str(q, "content", ET_REQUIRED, 0, CONTENT_MAX);
}

/* OK when the caller takes part in conversation id, with the other side in
 * *other (when other is not NULL); 404 for everyone else, so that a
 * conversation's existence does not leak. */
static int check_participant(et_req *q, apr_int64_t id, const char **other)
{
    et_rows *rows;
    const char *me = et_caller(q);
    if (et_db_select(q->r, "et_msg_conv_get", &rows, me, id, me, me) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (rows->nrows != 1)
        return et_fail(q, ET_E_NOT_FOUND);
    if (other)
        *other = ET_CELL(rows, 0, 0);
    return OK;
}

/* 403 when the recipient blocks the caller, else OK. Said to the blocked
 * sender only, as API.md has it; the blocker learns nothing. */
static int check_not_blocked(et_req *q, const char *recipient)
{
    int blocked = et_block_between(q->r, recipient, et_caller(q));
    if (blocked < 0)
        return et_fail_unavailable(q);
    if (blocked)
        return et_fail_detail(q, ET_E_PERMISSION_DENIED, "You cannot send messages to this user.",
                              "이 사용자에게 쪽지를 보낼 수 없습니다.");
    return OK;
}

/* The author of the post or comment a first message is about: 404 when it is
 * unknown, deleted, or its author's account is deactivated (nobody is there
 * to answer); 400 when it is the caller. */
static int find_recipient(et_req *q, const char *field, apr_int64_t id, const char **author)
{
    const char *label = !strcmp(field, "post") ? "et_msg_post_author" : "et_msg_comment_author";
    et_rows *rows;
    if (et_db_select(q->r, label, &rows, id) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (rows->nrows != 1 || et_cell_i64(ET_CELL(rows, 0, 1)) != 1)
        return et_fail(q, ET_E_NOT_FOUND);
    *author = ET_CELL(rows, 0, 0);
    if (!strcmp(*author, et_caller(q))) {
        et_field_error_text(q, field, "You cannot send a message to yourself.",
                            "자기 자신에게는 쪽지를 보낼 수 없습니다.");
        return et_fail_invalid(q);
    }
    return OK;
}

/* --- writing ------------------------------------------------------------ */

/* What one write transaction adds: the message, and for a first message the
 * conversation found or created for (caller, source). */
typedef struct {
    const char *source;    /* NULL: conv is known (a reply) */
    const char *recipient; /* the other side */
    const char *content;
    apr_int64_t conv;
    apr_int64_t id; /* the new message */
    apr_int64_t now;
    int opened; /* the conversation is new: nothing to move up */
} sending;

/* The caller's conversation about s->source, created when there is none.
 * Two first messages sent at once both find nothing and both insert: the
 * loser breaks UNIQUE(starter_id, source), its transaction is rolled back
 * and run again (PostgreSQL refuses anything more in a failed transaction),
 * and then finds the winner's row. */
static int find_or_open(et_req *q, sending *s)
{
    const char *me = et_caller(q);
    et_rows *rows;
    if (et_db_select(q->r, "et_msg_conv_by_source", &rows, me, s->source) != APR_SUCCESS)
        return ET_TXN_RETRY;
    s->opened = rows->nrows == 0;
    if (s->opened && (et_db_select(q->r, "et_msg_conv_insert", &rows, s->source, me, s->recipient,
                                   s->now, s->now) != APR_SUCCESS ||
                      rows->nrows != 1))
        return ET_TXN_RETRY;
    s->conv = et_cell_i64(ET_CELL(rows, 0, 0));
    return OK;
}

/* In the message's transaction: the other side hears of it, from 익명 as
 * every 쪽지 is shown. */
static int notify_recipient(et_req *q, const sending *s)
{
    et_notice n = {ET_NOTE_MESSAGE, s->recipient, et_caller(q), ET_ANON_PLAIN, 0, 0,
                   s->conv,         s->content};
    return et_notify(q->r, &n) == ET_DB_OK ? OK : ET_TXN_RETRY;
}

/* Inside the transaction: moves the conversation to the top of both sides'
 * lists and adds the caller's message. The conversation row is write-locked
 * first: inserting the message takes a shared lock on it for the foreign key
 * (MariaDB), and two senders that both held that and then wanted the write
 * lock would deadlock. The clock is read once the lock is held, so that the
 * messages' times follow their ids: a sender that waited for the lock must
 * not be stamped earlier than the messages that got in ahead of it. A new
 * conversation is invisible to others until commit: nothing to wait for. */
static int add_message(et_req *q, void *ctx)
{
    sending *s = ctx;
    et_rows *rows;
    int status;
    s->now = apr_time_now();
    if (s->source && (status = find_or_open(q, s)) != OK)
        return status;
    if (!s->opened) {
        if (et_db_exec(q->r, "et_msg_conv_lock", NULL, s->conv) != APR_SUCCESS)
            return ET_TXN_RETRY;
        s->now = apr_time_now();
        if (et_db_exec(q->r, "et_msg_conv_touch", NULL, s->now, s->now, s->conv) != APR_SUCCESS)
            return ET_TXN_RETRY;
    }
    if (et_db_select(q->r, "et_msg_insert", &rows, s->conv, et_caller(q), s->content, s->now) !=
            APR_SUCCESS ||
        rows->nrows != 1)
        return ET_TXN_RETRY;
    s->id = et_cell_i64(ET_CELL(rows, 0, 0));
    return notify_recipient(q, s);
}

/* Sends and answers 201 with the new Message. */
static int send_message(et_req *q, sending *s)
{
    json_t *m;
    int status = et_transaction(q, add_message, s);
    if (status != OK)
        return status;
    m = et_json_obj(q->r->pool);
    et_json_set_int(m, "id", s->id);
    et_json_set_int(m, "conversation", s->conv);
    et_json_set_bool(m, "is_mine", 1);
    et_json_set_str(q->r->pool, m, "content", s->content);
    et_json_set_bool(m, "is_read", 0);
    et_json_set_str(q->r->pool, m, "created_at", et_time_rfc3339(q->r->pool, s->now));
    return et_reply(q, HTTP_CREATED, m);
}

/* --- routes ------------------------------------------------------------- */

/* POST /messages/ {post | comment, content} */
static int et_messages_start(et_req *q)
{
    apr_int64_t post = 0, comment = 0;
    int has_post = et_body_int(q, "post", ET_NULLABLE, 1, APR_INT64_MAX, &post);
    int has_comment = et_body_int(q, "comment", ET_NULLABLE, 1, APR_INT64_MAX, &comment);
    const char *content = read_content(q);
    const char *field = has_post == 1 ? "post" : "comment";
    const char *recipient = NULL;
    sending s = {0};
    int status;
    if (has_post >= 0 && has_comment >= 0 && has_post + has_comment != 1)
        et_field_error_text(q, "non_field_errors", "Give exactly one of post or comment.",
                            "post와 comment 중 하나만 주어야 합니다.");
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if ((status = find_recipient(q, field, has_post == 1 ? post : comment, &recipient)) != OK ||
        (status = check_not_blocked(q, recipient)) != OK)
        return status;
    s.source =
        apr_psprintf(q->r->pool, "%s:%" APR_INT64_T_FMT, field, has_post == 1 ? post : comment);
    s.recipient = recipient;
    s.content = content;
    return send_message(q, &s);
}

/* GET /messages/: the caller's conversations, as starter or recipient. */
static int et_messages_conversations(et_req *q)
{
    const char *me = et_caller(q);
    et_page page;
    et_rows *rows;
    json_t *list;
    int i, shown, status;
    if ((status = et_page_read(q, &page, "conversations")) != OK)
        return status;
    if (!page.has_cursor)
        page.key1 = page.key2 = APR_INT64_MAX;
    if (et_db_select(q->r, "et_msg_conv_list", &rows, me, me, me, me, me, page.key1, page.key1,
                     page.key2, (apr_int64_t)page.limit + 1) != APR_SUCCESS)
        return et_fail_unavailable(q);
    shown = et_page_shown(&page, rows);
    list = et_json_arr(q->r->pool);
    for (i = 0; i < shown; i++)
        et_json_push(list, conversation_json(q, rows, i));
    /* (updated_at, id) */
    return et_reply(q, HTTP_OK, et_page_json(q, list, et_page_next(q, &page, rows, 3, 0)));
}

/* GET /messages/{id}/: a page of messages, oldest first; the other side's
 * messages on it are read from now on. */
static int et_messages_read(et_req *q)
{
    apr_int64_t conv = q->ids[0];
    et_page page;
    et_rows *rows;
    json_t *list;
    int i, shown, status;
    if ((status = et_page_read(q, &page, "messages")) != OK ||
        (status = check_participant(q, conv, NULL)) != OK)
        return status;
    if (et_db_select(q->r, "et_msg_list", &rows, conv, page.key1, (apr_int64_t)page.limit + 1) !=
        APR_SUCCESS)
        return et_fail_unavailable(q);
    shown = et_page_shown(&page, rows);
    if (shown && et_db_exec(q->r, "et_msg_mark_read", NULL, apr_time_now(), conv, et_caller(q),
                            page.key1, et_cell_i64(ET_CELL(rows, shown - 1, 0))) != APR_SUCCESS)
        return et_fail_unavailable(q);
    list = et_json_arr(q->r->pool);
    for (i = 0; i < shown; i++)
        et_json_push(list, message_json(q, conv, rows, i, 0, 1));
    return et_reply(q, HTTP_OK, et_page_json(q, list, et_page_next(q, &page, rows, 0, -1)));
}

/* POST /messages/{id}/ {content}: a reply from either side. */
static int et_messages_reply(et_req *q)
{
    sending s = {0};
    int status;
    s.content = read_content(q);
    s.conv = q->ids[0];
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if ((status = check_participant(q, s.conv, &s.recipient)) != OK ||
        (status = check_not_blocked(q, s.recipient)) != OK)
        return status;
    return send_message(q, &s);
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_POST, "/messages", et_messages_start, ET_USER, ET_JSON_BODY},
    {M_GET, "/messages", et_messages_conversations, ET_USER, 0},
    {M_GET, "/messages/{int}", et_messages_read, ET_USER, 0},
    {M_POST, "/messages/{int}", et_messages_reply, ET_USER, ET_JSON_BODY},
    ET_ROUTES_END};

const et_group et_api_messages = {"messages", statements, routes};

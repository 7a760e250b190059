/*
 * notifications.c: writing a notification (et_notify) and its Korean text.
 * Reading them is api/notifications.c's.
 */
#include "domain/notifications.h"
#include "domain/push.h"
#include "infra/outbox.h"
#include "infra/util.h"

#include <apr_strings.h>

#define EXCERPT_CHARS 40
#define ELLIPSIS      "…"

/* The one statement every notification goes through. Its SELECT decides
 * whether there is anyone to notify: an active recipient who is not the
 * actor (an actor of '' is nobody). A rule about who is never notified
 * belongs in its WHERE, next to these. */
static const et_stmt statements[] = {
    /* nobody is told of their own action, or of one by someone they block */
    {"et_note_insert", "slllsssllsss", 1,
     "INSERT INTO notifications (user_id, kind, post_id, comment_id, conversation_id, actor_id, "
     "actor_label, text, is_read, created_at, updated_at) "
     "SELECT u.id, %s, NULLIF(%lld, 0), NULLIF(%lld, 0), NULLIF(%lld, 0), NULLIF(%s, ''), "
     "NULLIF(%s, ''), %s, 0, %lld, %lld FROM users u "
     "WHERE u.id = %s AND u.is_active = 1 AND u.id <> %s AND NOT EXISTS (SELECT 1 FROM "
     "user_blocks b WHERE b.blocker_id = u.id AND b.blocked_id = %s) RETURNING id",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

const et_group et_domain_notifications = {"notifications", statements, NULL};

/* Per kind: its name in API.md, its text quoting the subject, and the
 * title of its push (whose body is the text). */
static const struct {
    const char *name;
    const char *format; /* one %s: the subject */
    const char *title;
} kinds[ET_NOTE_KINDS] = {
    [ET_NOTE_COMMENT] = {"comment", "새로운 댓글이 달렸어요: \"%s\"", "새로운 댓글"},
    [ET_NOTE_REPLY] = {"reply", "새로운 대댓글이 달렸어요: \"%s\"", "새로운 대댓글"},
    [ET_NOTE_HOT] = {"hot", "내 글이 HOT 게시물이 되었어요: \"%s\"", "HOT 게시물"},
    [ET_NOTE_MESSAGE] = {"message", "새로운 쪽지가 도착했어요: \"%s\"", "새로운 쪽지"},
    [ET_NOTE_FRIEND_REQUEST] = {"friend_request", "%s님이 친구 요청을 보냈어요", "친구 요청"},
    [ET_NOTE_FRIEND_ACCEPT] = {"friend_accept", "%s님이 친구 요청을 수락했어요", "친구 수락"},
};

const char *et_note_kind_name(et_note_kind kind)
{
    return kinds[kind].name;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* subject with its white space runs as single spaces, trimmed. */
static char *one_line(apr_pool_t *p, const char *subject)
{
    char *out = apr_palloc(p, strlen(subject) + 1), *o = out;
    int pending = 0;
    for (; *subject; subject++) {
        if (is_space(*subject)) {
            pending = o > out;
            continue;
        }
        if (pending)
            *o++ = ' ';
        pending = 0;
        *o++ = *subject;
    }
    *o = '\0';
    return out;
}

const char *et_note_excerpt(apr_pool_t *p, const char *subject, int max_chars)
{
    char *line = one_line(p, subject);
    apr_size_t i, cut = 0;
    int chars = 0;
    if (max_chars < 1)
        return "";
    /* a character starts at every byte that is not a UTF-8 continuation */
    for (i = 0; line[i]; i++) {
        if (((unsigned char)line[i] & 0xC0) == 0x80)
            continue;
        if (chars == max_chars - 1)
            cut = i;
        if (++chars > max_chars)
            break;
    }
    if (chars <= max_chars)
        return line;
    while (cut > 0 && line[cut - 1] == ' ')
        cut--;
    return apr_pstrcat(p, apr_pstrmemdup(p, line, cut), ELLIPSIS, NULL);
}

const char *et_note_text(apr_pool_t *p, et_note_kind kind, const char *subject)
{
    return apr_psprintf(p, kinds[kind].format,
                        et_note_excerpt(p, subject ? subject : "", EXCERPT_CHARS));
}

/* An id of the push's data: FCM's data values are strings, and an item the
 * notice does not name is left out rather than sent empty. */
static void set_data_id(apr_pool_t *p, json_t *data, const char *key, apr_int64_t id)
{
    if (id > 0)
        et_json_set_str(p, data, key, et_i64_text(p, id));
}

const char *et_note_push_payload(apr_pool_t *p, const et_notice *n, apr_int64_t id,
                                 const char *text)
{
    json_t *o = et_json_obj(p), *data = et_json_obj(p);
    et_json_set_str(p, o, "user_id", n->recipient);
    et_json_set_str(p, o, "title", kinds[n->kind].title);
    et_json_set_str(p, o, "body", text);
    et_json_set_str(p, data, "kind", kinds[n->kind].name);
    set_data_id(p, data, "post", n->post);
    set_data_id(p, data, "comment", n->comment);
    set_data_id(p, data, "conversation", n->conversation);
    set_data_id(p, data, "notification", id);
    et_json_set(o, "data", data);
    return et_json_text(p, o);
}

et_db_outcome et_notify(request_rec *r, const et_notice *n)
{
    apr_int64_t now = apr_time_now();
    const char *actor = n->actor ? n->actor : "";
    const char *text = et_note_text(r->pool, n->kind, n->subject);
    et_rows *rows;
    et_db_outcome o = et_db_select(
        r, "et_note_insert", &rows, kinds[n->kind].name, n->post, n->comment, n->conversation,
        actor, n->actor_label ? n->actor_label : "", text, now, now, n->recipient, actor, actor);
    if (o != ET_DB_OK || rows->nrows == 0)
        return o; /* or nobody to notify: nothing to push either */
    /* the push is queued with the row, so both exist exactly when the event does */
    return et_outbox_put(r, ET_PUSH_KIND,
                         et_note_push_payload(r->pool, n, et_cell_i64(ET_CELL(rows, 0, 0)), text));
}

/*
 * api/notifications.c: the caller's notifications (알림), newest first
 * with their unread count, and marking them read. They are written by the
 * events themselves (domain/notifications.c).
 *
 * A notification is its recipient's alone: anyone else, an admin too, finds
 * no such notification (404), so ids do not tell whether one exists.
 */
#include "api/groups.h"
#include "core/cursor.h"
#include "core/errors.h"
#include "domain/users.h"
#include "infra/util.h"

/* The columns of a Notification. The actor's id leaves the database only
 * when they acted under their own name; an anonymous actor is the label
 * they had there. */
#define NOTE_COLUMNS                                                                 \
    "SELECT n.id, n.kind, n.post_id, n.comment_id, n.conversation_id, "              \
    "CASE WHEN n.actor_label IS NULL THEN n.actor_id END, a.nickname, a.is_active, " \
    "n.actor_label, n.text, n.is_read, n.created_at FROM notifications n "           \
    "LEFT JOIN users a ON a.id = n.actor_id AND n.actor_label IS NULL "

enum {
    N_ID,
    N_KIND,
    N_POST,
    N_COMMENT,
    N_CONVERSATION,
    N_ACTOR,
    N_ACTOR_NICK,
    N_ACTOR_ACTIVE,
    N_ACTOR_LABEL,
    N_TEXT,
    N_READ,
    N_CREATED,
    N_NCOLS
};

static const et_stmt statements[] = {
    {"et_note_list", "sll", N_NCOLS,
     NOTE_COLUMNS "WHERE n.user_id = %s AND n.id < %lld ORDER BY n.id DESC LIMIT %lld", NULL, NULL},
    {"et_note_unread", "s", 1,
     "SELECT COUNT(*) FROM notifications WHERE user_id = %s AND is_read = 0", NULL, NULL},
    {"et_note_owned", "ls", 1, "SELECT is_read FROM notifications WHERE id = %lld AND user_id = %s",
     NULL, NULL},
    {"et_note_read", "lls", 0,
     "UPDATE notifications SET is_read = 1, updated_at = %lld WHERE id = %lld AND user_id = %s "
     "AND is_read = 0",
     NULL, NULL},
    {"et_note_read_all", "ls", 0,
     "UPDATE notifications SET is_read = 1, updated_at = %lld WHERE user_id = %s AND is_read = 0",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* --- answers ------------------------------------------------------------ */

static void set_id_or_null(json_t *o, const char *key, const char *cell)
{
    if (cell)
        et_json_set_int(o, key, et_cell_i64(cell));
    else
        et_json_set_null(o, key);
}

/* The actor as the author rules show them: by the label they had where
 * they acted anonymously, as deleted-user once their account is gone, or
 * null when nobody acted (a post turning HOT). */
static json_t *actor_json(apr_pool_t *p, const et_rows *rows, int i)
{
    if (ET_CELL(rows, i, N_ACTOR_LABEL))
        return et_author_json(p, NULL, NULL, ET_CELL(rows, i, N_ACTOR_LABEL));
    if (!ET_CELL(rows, i, N_ACTOR))
        return NULL;
    if (et_cell_i64(ET_CELL(rows, i, N_ACTOR_ACTIVE)) != 1)
        return et_author_json(p, NULL, NULL, ET_DELETED_USER);
    return et_author_json(p, ET_CELL(rows, i, N_ACTOR), ET_CELL(rows, i, N_ACTOR_NICK), NULL);
}

static json_t *notification_json(et_req *q, const et_rows *rows, int i)
{
    apr_pool_t *p = q->r->pool;
    json_t *o = et_json_obj(p);
    et_json_set_int(o, "id", et_cell_i64(ET_CELL(rows, i, N_ID)));
    et_json_set_str(p, o, "kind", ET_CELL(rows, i, N_KIND));
    set_id_or_null(o, "post", ET_CELL(rows, i, N_POST));
    set_id_or_null(o, "comment", ET_CELL(rows, i, N_COMMENT));
    set_id_or_null(o, "conversation", ET_CELL(rows, i, N_CONVERSATION));
    et_json_set(o, "actor", actor_json(p, rows, i));
    et_json_set_str(p, o, "text", ET_CELL(rows, i, N_TEXT));
    et_json_set_bool(o, "is_read", et_cell_i64(ET_CELL(rows, i, N_READ)) != 0);
    et_json_set_str(p, o, "created_at", et_cell_time(p, ET_CELL(rows, i, N_CREATED)));
    return o;
}

/* --- routes ------------------------------------------------------------- */

/* GET /notifications/: a page, newest first, and the caller's unread count
 * over all of them. */
static int et_notifications_list(et_req *q)
{
    const char *me = et_caller(q);
    et_rows *rows, *unread;
    et_page page;
    json_t *list, *answer;
    int i, shown, status;
    if ((status = et_page_read(q, &page, "notifications")) != OK)
        return status;
    if (et_db_select(q->r, "et_note_list", &rows, me, page.has_cursor ? page.key1 : APR_INT64_MAX,
                     (apr_int64_t)page.limit + 1) != ET_DB_OK ||
        et_db_select(q->r, "et_note_unread", &unread, me) != ET_DB_OK)
        return et_fail_unavailable(q);
    shown = et_page_shown(&page, rows);
    list = et_json_arr(q->r->pool);
    for (i = 0; i < shown; i++)
        et_json_push(list, notification_json(q, rows, i));
    answer = et_page_json(q, list, et_page_next(q, &page, rows, N_ID, -1));
    et_json_set_int(answer, "unread_count", et_cell_i64(ET_CELL(unread, 0, 0)));
    return et_reply(q, HTTP_OK, answer);
}

/* POST /notifications/{id}/read/: 204, also when it was read already. */
static int et_notifications_read(et_req *q)
{
    et_rows *rows;
    if (et_db_select(q->r, "et_note_owned", &rows, q->ids[0], et_caller(q)) != ET_DB_OK)
        return et_fail_unavailable(q);
    if (!rows->nrows)
        return et_fail(q, ET_E_NOT_FOUND);
    if (et_db_exec(q->r, "et_note_read", NULL, (apr_int64_t)apr_time_now(), q->ids[0],
                   et_caller(q)) != ET_DB_OK)
        return et_fail_unavailable(q);
    return HTTP_NO_CONTENT;
}

/* POST /notifications/read_all/: every notification of the caller. */
static int et_notifications_read_all(et_req *q)
{
    if (et_db_exec(q->r, "et_note_read_all", NULL, (apr_int64_t)apr_time_now(), et_caller(q)) !=
        ET_DB_OK)
        return et_fail_unavailable(q);
    return HTTP_NO_CONTENT;
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_GET, "/notifications", et_notifications_list, ET_USER, 0},
    {M_POST, "/notifications/read_all", et_notifications_read_all, ET_USER, 0},
    {M_POST, "/notifications/{int}/read", et_notifications_read, ET_USER, 0},
    ET_ROUTES_END};

const et_group et_api_notifications = {"notifications", statements, routes};

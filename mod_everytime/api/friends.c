/*
 * api/friends.c: friends: a request by login_id, accepted or rejected by
 * its receiver, the friend list, unfriending by either side, and a friend's
 * primary timetable of a semester (built by the timetables group).
 *
 * A friendship is two rows, one per direction, written and removed
 * together. Every write between two users first locks both users' rows
 * (et_frd_lock_pair), so a request, an accept and an unfriend of the same
 * pair run one after the other: two requests sent at once cannot both be
 * pending, and the checks a write makes still hold when it commits.
 *
 * Decisions where API.md is silent: an unknown (or deactivated) login_id is
 * 404; when the other user has already asked the caller, a new request is
 * 409 pointing at accepting theirs; accept and reject answer the
 * FriendRequest with its new status; the request lists hold pending
 * requests only, newest first; a friend is {id, nickname, login_id}.
 */
#include "api/groups.h"
#include "domain/notifications.h"
#include "domain/users.h"
#include "core/transaction.h"
#include "core/cursor.h"
#include "domain/timeslots.h"
#include "domain/timetables.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/validate.h"
#include "core/query.h"

#include <apr_lib.h>

#define MAX_LOGIN_ID 150

/* A FriendRequest with both users, in the order request_json reads them. */
#define REQUEST_COLUMNS                                                                   \
    "SELECT fr.id, fr.from_user_id, fu.nickname, fr.to_user_id, tu.nickname, fr.status, " \
    "fr.created_at, fr.updated_at FROM friend_requests fr "                               \
    "JOIN users fu ON fu.id = fr.from_user_id AND fu.is_active = 1 "                      \
    "JOIN users tu ON tu.id = fr.to_user_id AND tu.is_active = 1 "

enum { F_ID, F_FROM, F_FROM_NICK, F_TO, F_TO_NICK, F_STATUS, F_CREATED, F_UPDATED, F_NCOLS };

static const et_stmt statements[] = {
    {"et_frd_nickname", "s", 1, "SELECT nickname FROM users WHERE id = %s", NULL, NULL},
    {"et_frd_user_by_login", "s", 2,
     "SELECT id, nickname FROM users WHERE login_id = %s AND is_active = 1", NULL, NULL},
    /* a no-op write that takes both users' row locks (and SQLite's write
     * lock) before anything is read */
    {"et_frd_lock_pair", "ss", 0,
     "UPDATE users SET updated_at = updated_at WHERE id = %s OR id = %s", NULL, NULL},
    {"et_frd_is_friend", "ss", 1,
     "SELECT f.friend_id FROM friendships f JOIN users u ON u.id = f.friend_id "
     "WHERE f.user_id = %s AND f.friend_id = %s AND u.is_active = 1",
     NULL, NULL},
    /* pending requests between two users, in either direction */
    {"et_frd_pending_between", "ssss", 1,
     "SELECT from_user_id FROM friend_requests WHERE status = 'pending' "
     "AND ((from_user_id = %s AND to_user_id = %s) OR (from_user_id = %s AND to_user_id = %s))",
     NULL, NULL},
    {"et_frd_request_insert", "ssll", 1,
     "INSERT INTO friend_requests (from_user_id, to_user_id, status, created_at, updated_at) "
     "VALUES (%s, %s, 'pending', %lld, %lld) RETURNING id",
     NULL, NULL},
    {"et_frd_request_get", "l", F_NCOLS, REQUEST_COLUMNS "WHERE fr.id = %lld", NULL, NULL},
    {"et_frd_received", "s", F_NCOLS,
     REQUEST_COLUMNS "WHERE fr.to_user_id = %s AND fr.status = 'pending' ORDER BY fr.id DESC", NULL,
     NULL},
    {"et_frd_sent", "s", F_NCOLS,
     REQUEST_COLUMNS "WHERE fr.from_user_id = %s AND fr.status = 'pending' ORDER BY fr.id DESC",
     NULL, NULL},
    {"et_frd_request_answer", "sll", 0,
     "UPDATE friend_requests SET status = %s, updated_at = %lld "
     "WHERE id = %lld AND status = 'pending'",
     NULL, NULL},
    {"et_frd_friendship_insert", "ssl", 0,
     "INSERT INTO friendships (user_id, friend_id, created_at) VALUES (%s, %s, %lld)", NULL, NULL},
    {"et_frd_friendship_delete", "ssss", 0,
     "DELETE FROM friendships WHERE (user_id = %s AND friend_id = %s) "
     "OR (user_id = %s AND friend_id = %s)",
     NULL, NULL},
    {"et_frd_list", "s", 3,
     "SELECT u.id, u.nickname, u.login_id FROM friendships f JOIN users u ON u.id = f.friend_id "
     "WHERE f.user_id = %s AND u.is_active = 1 ORDER BY f.created_at, u.id",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

#define STATUS_PENDING  "pending"
#define STATUS_ACCEPTED "accepted"
#define STATUS_REJECTED "rejected"

/* --- rendering ------------------------------------------------------------------ */

static json_t *request_json(et_req *q, const et_rows *rows, int i)
{
    apr_pool_t *p = q->r->pool;
    json_t *o = et_json_obj(p);
    et_json_set_int(o, "id", et_cell_i64(ET_CELL(rows, i, F_ID)));
    et_json_set(o, "from_user",
                et_author_json(p, ET_CELL(rows, i, F_FROM), ET_CELL(rows, i, F_FROM_NICK), NULL));
    et_json_set(o, "to_user",
                et_author_json(p, ET_CELL(rows, i, F_TO), ET_CELL(rows, i, F_TO_NICK), NULL));
    et_json_set_str(p, o, "status", ET_CELL(rows, i, F_STATUS));
    et_json_set_str(p, o, "created_at", et_cell_time(p, ET_CELL(rows, i, F_CREATED)));
    et_json_set_str(p, o, "updated_at", et_cell_time(p, ET_CELL(rows, i, F_UPDATED)));
    return o;
}

static json_t *request_list_json(et_req *q, const et_rows *rows)
{
    json_t *list = et_json_arr(q->r->pool);
    int i;
    for (i = 0; i < rows->nrows; i++)
        et_json_push(list, request_json(q, rows, i));
    return list;
}

/* Loads friend request id into *rows: OK, or 404/503 already set up. A
 * request of a deactivated user reads as missing. */
static int load_request(et_req *q, apr_int64_t id, et_rows **rows)
{
    if (et_db_select(q->r, "et_frd_request_get", rows, id) != APR_SUCCESS)
        return et_fail_unavailable(q);
    return (*rows)->nrows ? OK : et_fail(q, ET_E_NOT_FOUND);
}

static int reply_request(et_req *q, int status, apr_int64_t id)
{
    et_rows *rows;
    int found = load_request(q, id, &rows);
    if (found != OK)
        return found;
    return et_reply(q, status, request_json(q, rows, 0));
}

/* --- shared checks ---------------------------------------------------------------- */

/* 1 when friend is the caller's (active) friend, 0 when not, -1 on error. */
static int is_friend(et_req *q, const char *friend_id)
{
    et_rows *rows;
    if (et_db_select(q->r, "et_frd_is_friend", &rows, et_caller(q), friend_id) != APR_SUCCESS)
        return -1;
    return rows->nrows > 0;
}

/* The {uuid} of the path in lowercase, as user ids are stored. */
static const char *path_user(et_req *q)
{
    char *id = apr_pstrdup(q->r->pool, q->uuids[0]), *c;
    for (c = id; *c; c++)
        *c = (char)apr_tolower(*c);
    return id;
}

static int lock_pair(et_req *q, const char *a, const char *b)
{
    return et_db_exec(q->r, "et_frd_lock_pair", NULL, a, b) == APR_SUCCESS ? OK : ET_TXN_RETRY;
}

/* --- requests --------------------------------------------------------------------- */

typedef struct {
    const char *to;       /* the receiver's user id */
    const char *nickname; /* the sender's, for the receiver's notification */
    apr_int64_t id;       /* the request written */
} new_request;

/* In the transaction of a request or an acceptance: the other user hears
 * of it from the caller, by name. */
static int notify_friend(et_req *q, et_note_kind kind, const char *to, const char *nickname)
{
    et_notice n = {kind, to, et_caller(q), NULL, 0, 0, 0, nickname};
    return et_notify(q->r, &n) == ET_DB_OK ? OK : ET_TXN_RETRY;
}

/* 409 unless the pair is free for a new request: not friends, and no
 * pending request either way. OK, 409 set up, or ET_TXN_RETRY. */
static int check_pair_free(et_req *q, const char *to)
{
    const char *me = et_caller(q);
    et_rows *rows;
    int friends = is_friend(q, to);
    if (friends < 0)
        return ET_TXN_RETRY;
    if (friends)
        return et_fail_detail(q, ET_E_CONFLICT, "You are already friends.", "이미 친구입니다.");
    if (et_db_select(q->r, "et_frd_pending_between", &rows, me, to, to, me) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (!rows->nrows)
        return OK;
    if (!strcmp(ET_CELL(rows, 0, 0), me))
        return et_fail_detail(q, ET_E_CONFLICT, "You have already sent this user a friend request.",
                              "이미 친구 요청을 보냈습니다.");
    return et_fail_detail(q, ET_E_CONFLICT,
                          "This user has already sent you a friend request: accept it instead.",
                          "이 사용자가 이미 친구 요청을 보냈습니다. 받은 요청을 수락하세요.");
}

static int insert_request(et_req *q, void *ctx)
{
    new_request *n = ctx;
    apr_int64_t now = apr_time_now();
    et_rows *rows;
    int status;
    if ((status = lock_pair(q, et_caller(q), n->to)) != OK ||
        (status = check_pair_free(q, n->to)) != OK)
        return status;
    if (et_db_select(q->r, "et_frd_request_insert", &rows, et_caller(q), n->to, now, now) !=
            APR_SUCCESS ||
        rows->nrows != 1)
        return ET_TXN_RETRY;
    n->id = et_cell_i64(ET_CELL(rows, 0, 0));
    return notify_friend(q, ET_NOTE_FRIEND_REQUEST, n->to, n->nickname);
}

static int et_friends_request(et_req *q)
{
    const char *login = et_body_str(q, "login_id", ET_REQUIRED, 0, MAX_LOGIN_ID);
    new_request n = {NULL, NULL, 0};
    et_rows *rows, *me;
    int status;
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if (et_db_select(q->r, "et_frd_user_by_login", &rows, login) != APR_SUCCESS ||
        et_db_select(q->r, "et_frd_nickname", &me, et_caller(q)) != APR_SUCCESS)
        return et_fail_unavailable(q);
    n.nickname = me->nrows ? ET_CELL(me, 0, 0) : "";
    if (!rows->nrows)
        return et_fail_detail(q, ET_E_NOT_FOUND, "No user has that login_id.",
                              "해당 아이디의 사용자가 없습니다.");
    n.to = ET_CELL(rows, 0, 0);
    if (!strcmp(n.to, et_caller(q))) {
        et_field_error_text(q, "login_id", "You cannot send a friend request to yourself.",
                            "자기 자신에게는 친구 요청을 보낼 수 없습니다.");
        return et_fail_invalid(q);
    }
    if ((status = et_transaction(q, insert_request, &n)) != OK)
        return status;
    return reply_request(q, HTTP_CREATED, n.id);
}

static int et_friends_requests(et_req *q)
{
    et_rows *received, *sent;
    json_t *o;
    if (et_db_select(q->r, "et_frd_received", &received, et_caller(q)) != APR_SUCCESS ||
        et_db_select(q->r, "et_frd_sent", &sent, et_caller(q)) != APR_SUCCESS)
        return et_fail_unavailable(q);
    o = et_json_obj(q->r->pool);
    et_json_set(o, "received", request_list_json(q, received));
    et_json_set(o, "sent", request_list_json(q, sent));
    return et_reply(q, HTTP_OK, o);
}

typedef struct {
    apr_int64_t id;
    const char *from;
    const char *nickname; /* the receiver's, for the sender's notification */
    const char *status;   /* STATUS_ACCEPTED or STATUS_REJECTED */
} answer;

static int not_pending(et_req *q)
{
    return et_fail_detail(q, ET_E_CONFLICT, "This friend request has already been answered.",
                          "이미 처리된 친구 요청입니다.");
}

/* The receiver's answer; accepting writes both friendship rows with it. */
static int answer_request(et_req *q, void *ctx)
{
    const answer *a = ctx;
    apr_int64_t now = apr_time_now();
    const char *me = et_caller(q);
    int n, status, friends;
    if ((status = lock_pair(q, me, a->from)) != OK)
        return status;
    if (et_db_exec(q->r, "et_frd_request_answer", &n, a->status, now, a->id) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (n == 0)
        return not_pending(q); /* answered meanwhile */
    if (strcmp(a->status, STATUS_ACCEPTED))
        return OK;
    if ((friends = is_friend(q, a->from)) < 0)
        return ET_TXN_RETRY;
    /* rows that already exist stay as they are */
    if (!friends &&
        (et_db_exec(q->r, "et_frd_friendship_insert", NULL, me, a->from, now) != APR_SUCCESS ||
         et_db_exec(q->r, "et_frd_friendship_insert", NULL, a->from, me, now) != APR_SUCCESS))
        return ET_TXN_RETRY;
    return notify_friend(q, ET_NOTE_FRIEND_ACCEPT, a->from, a->nickname);
}

/* Accept or reject by the receiver: the sender gets 403, anyone else 404
 * (a request is nobody else's business), an answered request 409. */
static int answer_with(et_req *q, const char *verdict)
{
    answer a;
    et_rows *rows;
    int status = load_request(q, q->ids[0], &rows);
    if (status != OK)
        return status;
    if (strcmp(ET_CELL(rows, 0, F_TO), et_caller(q)))
        return strcmp(ET_CELL(rows, 0, F_FROM), et_caller(q)) ? et_fail(q, ET_E_NOT_FOUND)
                                                              : et_fail(q, ET_E_PERMISSION_DENIED);
    if (strcmp(ET_CELL(rows, 0, F_STATUS), STATUS_PENDING))
        return not_pending(q);
    a.id = q->ids[0];
    a.from = ET_CELL(rows, 0, F_FROM);
    a.nickname = ET_CELL(rows, 0, F_TO_NICK);
    a.status = verdict;
    if ((status = et_transaction(q, answer_request, &a)) != OK)
        return status;
    return reply_request(q, HTTP_OK, a.id);
}

static int et_friends_accept(et_req *q)
{
    return answer_with(q, STATUS_ACCEPTED);
}

static int et_friends_reject(et_req *q)
{
    return answer_with(q, STATUS_REJECTED);
}

/* --- friends ------------------------------------------------------------------------ */

static int et_friends_list(et_req *q)
{
    et_rows *rows;
    json_t *list;
    int i;
    if (et_db_select(q->r, "et_frd_list", &rows, et_caller(q)) != APR_SUCCESS)
        return et_fail_unavailable(q);
    list = et_json_arr(q->r->pool);
    for (i = 0; i < rows->nrows; i++) {
        json_t *f = et_author_json(q->r->pool, ET_CELL(rows, i, 0), ET_CELL(rows, i, 1), NULL);
        et_json_set_str(q->r->pool, f, "login_id", ET_CELL(rows, i, 2));
        et_json_push(list, f);
    }
    return et_reply(q, HTTP_OK, et_page_json(q, list, NULL));
}

static int remove_friendship(et_req *q, void *ctx)
{
    const char *friend_id = ctx, *me = et_caller(q);
    int n, status;
    if ((status = lock_pair(q, me, friend_id)) != OK)
        return status;
    if (et_db_exec(q->r, "et_frd_friendship_delete", &n, me, friend_id, friend_id, me) !=
        APR_SUCCESS)
        return ET_TXN_RETRY;
    return n ? OK : et_fail_detail(q, ET_E_NOT_FOUND, "You are not friends.", "친구가 아닙니다.");
}

static int et_friends_delete(et_req *q)
{
    const char *friend_id = path_user(q);
    int status = et_transaction(q, remove_friendship, (void *)friend_id);
    return status != OK ? status : HTTP_NO_CONTENT;
}

static int et_friends_timetable(et_req *q)
{
    const char *semester = et_query(q, "semester"), *friend_id = path_user(q);
    json_t *timetable = NULL;
    int friends, status;
    if (!semester)
        et_field_error(q, "semester", ET_M_REQUIRED, 0);
    else if (!et_semester_valid(semester))
        et_field_error_text(q, "semester", "Enter a semester as YYYY-1, YYYY-2, YYYY-S or YYYY-W.",
                            "학기는 YYYY-1, YYYY-2, YYYY-S, YYYY-W 형식으로 입력하세요.");
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if ((friends = is_friend(q, friend_id)) < 0)
        return et_fail_unavailable(q);
    if (!friends)
        return et_fail_detail(q, ET_E_PERMISSION_DENIED, "Only friends may see this timetable.",
                              "친구만 이 시간표를 볼 수 있습니다.");
    if ((status = et_timetable_primary_json(q, friend_id, semester, &timetable)) != OK)
        return status;
    return et_reply(q, HTTP_OK, timetable);
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_POST, "/friends/requests", et_friends_request, ET_USER, ET_JSON_BODY},
    {M_GET, "/friends/requests", et_friends_requests, ET_USER, 0},
    {M_POST, "/friends/requests/{int}/accept", et_friends_accept, ET_USER, 0},
    {M_POST, "/friends/requests/{int}/reject", et_friends_reject, ET_USER, 0},
    {M_GET, "/friends", et_friends_list, ET_USER, 0},
    {M_DELETE, "/friends/{uuid}", et_friends_delete, ET_USER, 0},
    {M_GET, "/friends/{uuid}/timetable", et_friends_timetable, ET_USER, 0},
    ET_ROUTES_END};

const et_group et_api_friends = {"friends", statements, routes};

/*
 * api/reports.c: 신고. A user reports a post or a comment once, with one of
 * Everytime's reasons; the report that brings an item to
 * EverytimeReportThreshold different reporters blinds it in the same
 * transaction (domain/moderation.h says who still sees it). Admins list the
 * reported items, most reported first, and resolve each: restore (unblind,
 * its reports cleared) or remove (soft delete).
 *
 * Every write to an item's reports first locks the item's row, so that two
 * reports arriving together count each other, and a resolution and a
 * report never cross.
 */
#include "api/groups.h"
#include "core/cursor.h"
#include "core/errors.h"
#include "core/query.h"
#include "core/transaction.h"
#include "core/validate.h"
#include "domain/comments.h"
#include "domain/media.h"
#include "domain/moderation.h"
#include "domain/posts.h"
#include "infra/util.h"

/* "before" of a first page: every key is smaller */
#define KEY_MAX APR_INT64_C(9223372036854775807)

/* Everytime's reasons, in the order of its report menu. */
static const char *const reasons[] = {"inappropriate", "abuse", "obscene",  "commercial",
                                      "fraud",         "spam",  "political"};
#define NREASONS ((int)(sizeof(reasons) / sizeof(reasons[0])))

/* Per reason, the number of the group's reports that give it. */
#define REASON_COUNT(r) "SUM(CASE WHEN r.reason = '" r "' THEN 1 ELSE 0 END), "
/* One key that orders items of equal count: posts and comments interleaved
 * by id, a comment just after the post of the same id. */
#define ITEM_CODE "(r.target_id * 2 + CASE WHEN r.kind = 'comment' THEN 1 ELSE 0 END)"
/* A page of reported items whose reports are in the state that status
 * (a condition on r) says; keyed (count, ITEM_CODE), both descending. */
#define REPORTED_ITEMS(status)                                                                   \
    "SELECT r.kind, r.target_id, COUNT(*), " REASON_COUNT("inappropriate") REASON_COUNT("abuse") \
        REASON_COUNT("obscene") REASON_COUNT("commercial") REASON_COUNT("fraud")                 \
            REASON_COUNT("spam") REASON_COUNT(                                                   \
                "political") "COALESCE(CASE WHEN r.kind = 'post' "                               \
                             "THEN (SELECT p.is_blinded FROM posts p WHERE p.id = r.target_id) " \
                             "ELSE (SELECT c.is_blinded FROM comments c WHERE c.id = "           \
                             "r.target_id) END, 0), " ITEM_CODE " FROM reports r WHERE " status  \
                             " GROUP BY r.kind, r.target_id "                                    \
                             "HAVING COUNT(*) < %lld OR (COUNT(*) = %lld AND " ITEM_CODE         \
                             " < %lld) "                                                         \
                             "ORDER BY COUNT(*) DESC, " ITEM_CODE " DESC LIMIT %lld"

/* Columns of REPORTED_ITEMS. */
enum { I_KIND, I_ID, I_COUNT, I_REASONS, I_BLINDED = I_REASONS + 7, I_CODE, I_NCOLS };

static const et_stmt statements[] = {
    /* the row locks (no column changes) that order an item's report writes */
    {"et_rep_lock_post", "l", 0, "UPDATE posts SET is_blinded = is_blinded WHERE id = %lld", NULL,
     NULL},
    {"et_rep_lock_comment", "l", 0, "UPDATE comments SET is_blinded = is_blinded WHERE id = %lld",
     NULL, NULL},
    {"et_rep_get", "sls", 1,
     "SELECT 1 FROM reports WHERE kind = %s AND target_id = %lld AND reporter_id = %s", NULL, NULL},
    {"et_rep_insert", "slssll", 2,
     "INSERT INTO reports (kind, target_id, reporter_id, reason, created_at, updated_at) "
     "VALUES (%s, %lld, %s, %s, %lld, %lld) RETURNING id, created_at",
     NULL, NULL},
    /* the reporters that count: one row per user (UNIQUE), resolved ones not */
    {"et_rep_count", "sl", 1,
     "SELECT COUNT(*) FROM reports WHERE kind = %s AND target_id = %lld AND resolved_at IS NULL",
     NULL, NULL},
    {"et_rep_blind_post", "l", 0, "UPDATE posts SET is_blinded = 1 WHERE id = %lld", NULL, NULL},
    {"et_rep_blind_comment", "l", 0, "UPDATE comments SET is_blinded = 1 WHERE id = %lld", NULL,
     NULL},
    {"et_rep_pending", "llll", I_NCOLS, REPORTED_ITEMS("r.resolved_at IS NULL"), NULL, NULL},
    {"et_rep_resolved", "llll", I_NCOLS, REPORTED_ITEMS("r.resolved_at IS NOT NULL"), NULL, NULL},
    {"et_rep_resolve", "sllsl", 0,
     "UPDATE reports SET resolution = %s, resolved_at = %lld, updated_at = %lld "
     "WHERE kind = %s AND target_id = %lld AND resolved_at IS NULL",
     NULL, NULL},
    {"et_rep_restore_post", "l", 0, "UPDATE posts SET is_blinded = 0 WHERE id = %lld", NULL, NULL},
    {"et_rep_restore_comment", "l", 0, "UPDATE comments SET is_blinded = 0 WHERE id = %lld", NULL,
     NULL},
    {"et_rep_remove_post", "ll", 0,
     "UPDATE posts SET is_deleted = 1, updated_at = %lld WHERE id = %lld AND is_deleted = 0", NULL,
     NULL},
    /* the post's counter first: its row lock comes before the comment's, as
     * in every other comment write */
    {"et_rep_remove_comment_count", "l", 0,
     "UPDATE posts SET comment_count = comment_count - 1 WHERE id = "
     "(SELECT post_id FROM comments WHERE id = %lld AND is_deleted = 0)",
     NULL, NULL},
    {"et_rep_remove_comment", "ll", 0,
     "UPDATE comments SET is_deleted = 1, updated_at = %lld WHERE id = %lld AND is_deleted = 0",
     NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* What differs between reporting a post and a comment. */
typedef struct {
    const char *name; /* reports.kind, and the field of the answer */
    const char *lock, *blind, *restore;
    const char *own_en, *own_ko;
} item_kind;

static const item_kind post_kind = {"post",
                                    "et_rep_lock_post",
                                    "et_rep_blind_post",
                                    "et_rep_restore_post",
                                    "You cannot report your own post.",
                                    "자신의 글은 신고할 수 없습니다."};
static const item_kind comment_kind = {"comment",
                                       "et_rep_lock_comment",
                                       "et_rep_blind_comment",
                                       "et_rep_restore_comment",
                                       "You cannot report your own comment.",
                                       "자신의 댓글은 신고할 수 없습니다."};

/* --- reporting ------------------------------------------------------------- */

typedef struct {
    const item_kind *kind;
    apr_int64_t target;
    const char *reason;
    apr_int64_t id; /* the new report */
    const char *created_at;
} report;

/* Inside the transaction: the caller's report, and the item blinded when
 * it is the one that reaches the threshold. */
static int add_report(et_req *q, void *ctx)
{
    report *x = ctx;
    apr_int64_t now = apr_time_now();
    et_rows *rows;
    if (et_db_exec(q->r, x->kind->lock, NULL, x->target) != APR_SUCCESS ||
        et_db_select(q->r, "et_rep_get", &rows, x->kind->name, x->target, et_caller(q)) !=
            APR_SUCCESS)
        return ET_TXN_RETRY;
    if (rows->nrows)
        return et_fail_detail(q, ET_E_CONFLICT, "You have already reported this.",
                              "이미 신고했습니다.");
    if (et_db_select(q->r, "et_rep_insert", &rows, x->kind->name, x->target, et_caller(q),
                     x->reason, now, now) != APR_SUCCESS ||
        rows->nrows != 1)
        return ET_TXN_RETRY;
    x->id = et_cell_i64(ET_CELL(rows, 0, 0));
    x->created_at = et_cell_time(q->r->pool, ET_CELL(rows, 0, 1));
    if (et_db_select(q->r, "et_rep_count", &rows, x->kind->name, x->target) != APR_SUCCESS ||
        rows->nrows != 1)
        return ET_TXN_RETRY;
    if (et_cell_i64(ET_CELL(rows, 0, 0)) >= q->conf->report_threshold &&
        et_db_exec(q->r, x->kind->blind, NULL, x->target) != APR_SUCCESS)
        return ET_TXN_RETRY;
    return OK;
}

/* The body's reason: one of reasons[], or NULL with a field error. */
static const char *read_reason(et_req *q)
{
    const char *reason = et_body_str(q, "reason", ET_REQUIRED, 0, 32);
    int i;
    for (i = 0; reason && i < NREASONS; i++)
        if (!strcmp(reason, reasons[i]))
            return reasons[i];
    if (reason)
        et_field_invalid_choice(q, "reason", reason);
    return NULL;
}

/* 201 {id, <kind>: target, reason, created_at}: nothing about the other
 * reports, which would tell the reporter how close the item is to being
 * blinded. */
static int file_report(et_req *q, const item_kind *kind, const char *author)
{
    report x = {kind, q->ids[0], NULL, 0, NULL};
    json_t *o;
    int status;
    if (!strcmp(author, et_caller(q)))
        et_field_error_text(q, "non_field_errors", kind->own_en, kind->own_ko);
    x.reason = read_reason(q);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    if ((status = et_transaction(q, add_report, &x)) != OK)
        return status;
    o = et_json_obj(q->r->pool);
    et_json_set_int(o, "id", x.id);
    et_json_set_int(o, kind->name, x.target);
    et_json_set_str(q->r->pool, o, "reason", x.reason);
    et_json_set_str(q->r->pool, o, "created_at", x.created_at);
    return et_reply(q, HTTP_CREATED, o);
}

/* POST /posts/{id}/report/ {reason} */
static int et_posts_report(et_req *q)
{
    et_post_ref post;
    int found = et_post_find(q, q->ids[0], &post);
    if (found < 0)
        return et_fail_unavailable(q);
    if (!found)
        return et_fail(q, ET_E_NOT_FOUND);
    return file_report(q, &post_kind, post.author_id);
}

/* POST /comments/{id}/report/ {reason} */
static int et_comments_report(et_req *q)
{
    et_comment_ref comment;
    int found = et_comment_find(q, q->ids[0], &comment);
    if (found < 0)
        return et_fail_unavailable(q);
    if (!found)
        return et_fail(q, ET_E_NOT_FOUND);
    return file_report(q, &comment_kind, comment.author_id);
}

/* --- the admins' list ------------------------------------------------------- */

/* {kind, id, report_count, reasons: {reason: count, ...}, is_blinded} */
static json_t *item_json(et_req *q, const et_rows *rows, int i)
{
    apr_pool_t *p = q->r->pool;
    json_t *o = et_json_obj(p), *by_reason = et_json_obj(p);
    int k;
    et_json_set_str(p, o, "kind", ET_CELL(rows, i, I_KIND));
    et_json_set_int(o, "id", et_cell_i64(ET_CELL(rows, i, I_ID)));
    et_json_set_int(o, "report_count", et_cell_i64(ET_CELL(rows, i, I_COUNT)));
    for (k = 0; k < NREASONS; k++) {
        apr_int64_t n = et_cell_i64(ET_CELL(rows, i, I_REASONS + k));
        if (n > 0)
            et_json_set_int(by_reason, reasons[k], n);
    }
    et_json_set(o, "reasons", by_reason);
    et_json_set_bool(o, "is_blinded", et_cell_i64(ET_CELL(rows, i, I_BLINDED)) != 0);
    return o;
}

/* GET /reports/?status=pending|resolved (pending by default) */
static int et_reports_list(et_req *q)
{
    const char *status_arg = et_query(q, "status");
    int resolved = status_arg && !strcmp(status_arg, "resolved");
    apr_int64_t count = KEY_MAX, code = KEY_MAX;
    et_page page;
    et_rows *rows;
    json_t *list;
    int status, i, shown;
    if (status_arg && !resolved && strcmp(status_arg, "pending"))
        et_field_invalid_choice(q, "status", et_utf8_chars(status_arg) < 0 ? "?" : status_arg);
    /* a cursor of one status's list is refused by the other's */
    if ((status = et_page_read(q, &page, resolved ? "reports_resolved" : "reports")) != OK)
        return status;
    if (page.has_cursor) {
        count = page.key1;
        code = page.key2;
    }
    if (et_db_select(q->r, resolved ? "et_rep_resolved" : "et_rep_pending", &rows, count, count,
                     code, (apr_int64_t)page.limit + 1) != APR_SUCCESS)
        return et_fail_unavailable(q);
    shown = et_page_shown(&page, rows);
    list = et_json_arr(q->r->pool);
    for (i = 0; i < shown; i++)
        et_json_push(list, item_json(q, rows, i));
    return et_reply(q, HTTP_OK,
                    et_page_json(q, list, et_page_next(q, &page, rows, I_COUNT, I_CODE)));
}

/* --- resolving --------------------------------------------------------------- */

typedef struct {
    const item_kind *kind;
    apr_int64_t target;
    int remove; /* else restore */
} resolution;

/* Soft-deletes the item, as its author's DELETE would (the post's media
 * with it, the comment's count on its post). */
static int remove_item(et_req *q, const resolution *x, apr_int64_t now)
{
    int counted, n;
    if (x->kind == &post_kind)
        return et_db_exec(q->r, "et_rep_remove_post", NULL, now, x->target) == APR_SUCCESS &&
                       et_media_remove_for_post(q->r, x->target) == APR_SUCCESS
                   ? OK
                   : ET_TXN_RETRY;
    if (et_db_exec(q->r, "et_rep_remove_comment_count", &counted, x->target) != APR_SUCCESS ||
        et_db_exec(q->r, "et_rep_remove_comment", &n, now, x->target) != APR_SUCCESS)
        return ET_TXN_RETRY;
    /* deleted by its author between the two: the count must not drop twice */
    return counted == n ? OK : ET_TXN_RETRY;
}

static int resolve_reports(et_req *q, void *ctx)
{
    resolution *x = ctx;
    apr_int64_t now = apr_time_now();
    int n, status;
    if (x->remove && x->kind == &comment_kind && (status = remove_item(q, x, now)) != OK)
        return status;
    if (et_db_exec(q->r, x->kind->lock, NULL, x->target) != APR_SUCCESS ||
        et_db_exec(q->r, "et_rep_resolve", &n, x->remove ? "remove" : "restore", now, now,
                   x->kind->name, x->target) != APR_SUCCESS)
        return ET_TXN_RETRY;
    if (n == 0)
        return et_fail_detail(q, ET_E_NOT_FOUND, "No pending reports for this item.",
                              "처리할 신고가 없습니다.");
    if (x->remove)
        return x->kind == &post_kind ? remove_item(q, x, now) : OK;
    return et_db_exec(q->r, x->kind->restore, NULL, x->target) == APR_SUCCESS ? OK : ET_TXN_RETRY;
}

/* POST /reports/{kind}/{id}/resolve/ {action: restore | remove} → 200
 * {kind, id, action} */
static int resolve(et_req *q, const item_kind *kind)
{
    resolution x = {kind, q->ids[0], 0};
    const char *action = et_body_str(q, "action", ET_REQUIRED, 0, 16);
    json_t *o;
    int status;
    if (action && strcmp(action, "restore") && strcmp(action, "remove"))
        et_field_invalid_choice(q, "action", action);
    if (et_has_errors(q))
        return et_fail_invalid(q);
    x.remove = !strcmp(action, "remove");
    if ((status = et_transaction(q, resolve_reports, &x)) != OK)
        return status;
    o = et_json_obj(q->r->pool);
    et_json_set_str(q->r->pool, o, "kind", kind->name);
    et_json_set_int(o, "id", x.target);
    et_json_set_str(q->r->pool, o, "action", action);
    return et_reply(q, HTTP_OK, o);
}

static int et_reports_resolve_post(et_req *q)
{
    return resolve(q, &post_kind);
}

static int et_reports_resolve_comment(et_req *q)
{
    return resolve(q, &comment_kind);
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    {M_POST, "/posts/{int}/report", et_posts_report, ET_USER, ET_JSON_BODY},
    {M_POST, "/comments/{int}/report", et_comments_report, ET_USER, ET_JSON_BODY},
    {M_GET, "/reports", et_reports_list, ET_ADMIN, 0},
    {M_POST, "/reports/post/{int}/resolve", et_reports_resolve_post, ET_ADMIN, ET_JSON_BODY},
    {M_POST, "/reports/comment/{int}/resolve", et_reports_resolve_comment, ET_ADMIN, ET_JSON_BODY},
    ET_ROUTES_END};

const et_group et_api_reports = {"reports", statements, routes};

/*
 * api/media.c: POST /posts/{id}/media/ and DELETE /media/{id}/ (the
 * removal of a deleted post's files is media.c's).
 *
 * upload.c streams the body into a temporary file in EverytimeMediaDir; this
 * file decides who may upload, names the file (a random id and the extension
 * of the type its bytes show, never the client's name), and keeps the row
 * and the file in step: the file is renamed into place inside the
 * transaction that inserts its row, and removed again if that transaction
 * does not commit; a file is removed only once the deletion of its row has
 * committed (et_db_after_commit), so a delete that fails leaves both. httpd
 * itself serves the directory (an Alias in the configuration), so a file is
 * reachable exactly when its row exists.
 */
#include "api/groups.h"
#include "auth/auth.h"
#include "domain/media.h"
#include "domain/posts.h"
#include "domain/upload.h"
#include "infra/util.h"
#include "core/errors.h"
#include "core/body.h"

#include <apr_file_io.h>

static const et_stmt statements[] = {
    /* Takes the post's row lock (on SQLite the write lock), so that uploads
     * to one post and its deletion run one after another and the count of
     * its media holds until commit. No column changes. */
    {"et_media_lock_post", "l", 0, "UPDATE posts SET updated_at = updated_at WHERE id = %lld", NULL,
     NULL},
    {"et_media_count", "l", 1, "SELECT COUNT(*) FROM media WHERE post_id = %lld", NULL, NULL},
    {"et_media_insert", "lsssll", 1,
     "INSERT INTO media (post_id, uploader_id, file_name, content_type, size, created_at) "
     "VALUES (%lld, %s, %s, %s, %lld, %lld) RETURNING id",
     NULL, NULL},
    /* the file name first, as in et_media_of_post: et_media_remove_files reads column 0 */
    {"et_media_get", "l", 2, "SELECT file_name, post_id FROM media WHERE id = %lld", NULL, NULL},
    {"et_media_delete", "l", 0, "DELETE FROM media WHERE id = %lld", NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* A refusal before the body was read to its end closes the connection: httpd
 * then neither reads nor keeps the client sending megabytes it will drop
 * (lingering close still lets the client read this answer). */
static int refuse_unread(et_req *q, int status)
{
    q->r->connection->keepalive = AP_CONN_CLOSE;
    return status;
}

/* OK when post_id is live and the caller wrote it; else the error's status. */
static int check_author(et_req *q, apr_int64_t post_id)
{
    et_post_ref post;
    int found = et_post_lookup(q->r, post_id, &post);
    if (found < 0)
        return et_fail_unavailable(q);
    if (!found)
        return et_fail(q, ET_E_NOT_FOUND);
    if (strcmp(post.author_id, q->user->user_id))
        return et_fail(q, ET_E_PERMISSION_DENIED);
    return OK;
}

/* OK while the post has room for one more file. */
static int check_room(et_req *q, apr_int64_t post_id)
{
    et_rows *rows;
    if (et_db_select(q->r, "et_media_count", &rows, post_id) != APR_SUCCESS || rows->nrows != 1)
        return et_fail_unavailable(q);
    if (et_cell_i64(ET_CELL(rows, 0, 0)) < ET_MEDIA_PER_POST)
        return OK;
    et_field_error_text(q, "file", "A post can have at most 10 media files.",
                        "게시글 하나에는 미디어 파일을 10개까지 올릴 수 있습니다.");
    return et_fail_invalid(q);
}

/* The answer to a body upload.c refused. */
static int upload_refused(et_req *q, et_up_status st, const et_upload *up)
{
    if (!up->body_done)
        q->r->connection->keepalive = AP_CONN_CLOSE;
    switch (st) {
    case ET_UP_TOO_LARGE:
        return et_fail_detail(
            q, ET_E_TOO_LARGE,
            apr_psprintf(q->r->pool, "The file is larger than %" APR_OFF_T_FMT " bytes.",
                         q->conf->max_upload),
            apr_psprintf(q->r->pool, "파일이 %" APR_OFF_T_FMT "바이트보다 큽니다.",
                         q->conf->max_upload));
    case ET_UP_UNSUPPORTED:
        return et_fail_detail(q, ET_E_UNSUPPORTED_MEDIA, "Upload a JPEG, PNG, GIF or WebP image.",
                              "JPEG, PNG, GIF, WebP 이미지만 올릴 수 있습니다.");
    case ET_UP_EMPTY:
        et_field_error_text(q, "file", "The submitted file is empty.",
                            "제출된 파일이 비어 있습니다.");
        return et_fail_invalid(q);
    case ET_UP_BAD_FORM:
        if (up->form_error == ET_MP_EMISSING) {
            et_field_error_text(q, "file", "No file was submitted.", "파일이 제출되지 않았습니다.");
            return et_fail_invalid(q);
        }
        if (up->form_error == ET_MP_EDUPLICATE) {
            et_field_error_text(q, "file", "Send one file per upload.",
                                "한 번에 파일 하나만 올릴 수 있습니다.");
            return et_fail_invalid(q);
        }
        return et_fail_detail(q, ET_E_PARSE,
                              apr_pstrcat(q->r->pool, "Multipart form parse error - ",
                                          et_mp_status_text(up->form_error), NULL),
                              apr_pstrcat(q->r->pool, "멀티파트 폼을 해석할 수 없습니다 - ",
                                          et_mp_status_text(up->form_error), NULL));
    case ET_UP_READ_ERROR:
        return et_fail_body_read(q, up->read_error);
    default:
        return et_fail_detail(q, ET_E_UNAVAILABLE, "The upload could not be stored.",
                              "업로드한 파일을 저장할 수 없습니다.");
    }
}

/* 32 random hex digits and the extension of the detected type. */
static const char *random_name(apr_pool_t *p, const char *ext)
{
    unsigned char bytes[16];
    char hex[33];
    int i;
    apr_generate_random_bytes(bytes, sizeof(bytes));
    for (i = 0; i < 16; i++) {
        hex[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
        hex[2 * i + 1] = "0123456789abcdef"[bytes[i] & 15];
    }
    hex[32] = '\0';
    return apr_pstrcat(p, hex, ext, NULL);
}

/* Inside the transaction, with the post locked: still live, still room. */
static int locked_checks(et_req *q, apr_int64_t post_id)
{
    et_post_ref post;
    int found;
    if (et_db_exec(q->r, "et_media_lock_post", NULL, post_id) != APR_SUCCESS)
        return et_fail_unavailable(q);
    found = et_post_lookup(q->r, post_id, &post);
    if (found < 0)
        return et_fail_unavailable(q);
    if (!found)
        return et_fail(q, ET_E_NOT_FOUND); /* deleted while the body came in */
    return check_room(q, post_id);
}

/* Names the file, inserts its row and renames it into place, all or nothing. */
static int store(et_req *q, apr_int64_t post_id, et_upload *up)
{
    request_rec *r = q->r;
    const char *name = random_name(r->pool, up->ext);
    const char *final_path = apr_pstrcat(r->pool, q->conf->media_dir, "/", name, NULL);
    et_rows *rows = NULL;
    json_t *o;
    apr_status_t rv;
    int status = OK;

    if (et_db_begin(r) != APR_SUCCESS)
        status = et_fail_unavailable(q);
    else if ((status = locked_checks(q, post_id)) == OK &&
             (et_db_select(r, "et_media_insert", &rows, post_id, q->user->user_id, name,
                           up->content_type, (apr_int64_t)up->size,
                           (apr_int64_t)apr_time_now()) != APR_SUCCESS ||
              rows->nrows != 1))
        status = et_fail_unavailable(q);
    if (status == OK && (rv = et_upload_keep(r, up, final_path)) != APR_SUCCESS) {
        ET_LOG(r, APLOG_ERR, rv, "cannot rename %s to %s", up->path, final_path);
        status = et_fail_detail(q, ET_E_UNAVAILABLE, "The upload could not be stored.",
                                "업로드한 파일을 저장할 수 없습니다.");
    }
    if (status != OK) {
        et_db_rollback(r);
        et_upload_discard(r, up);
        return status;
    }
    if (et_db_commit(r) != APR_SUCCESS) {
        apr_file_remove(final_path, r->pool);
        return et_fail_unavailable(q);
    }
    o = et_json_obj(r->pool);
    et_json_set_int(o, "id", et_cell_i64(ET_CELL(rows, 0, 0)));
    et_json_set_str(r->pool, o, "url", apr_pstrcat(r->pool, q->conf->media_url, name, NULL));
    et_json_set_str(r->pool, o, "content_type", up->content_type);
    et_json_set_int(o, "size", (apr_int64_t)up->size);
    return et_reply(q, HTTP_CREATED, o);
}

static int et_media_upload(et_req *q)
{
    apr_int64_t post_id = q->ids[0];
    et_upload *up;
    et_up_status st;
    int status;

    if (!q->conf->media_dir)
        return refuse_unread(
            q, et_fail_detail(q, ET_E_UNAVAILABLE,
                              "Media uploads are off on this server: EverytimeMediaDir is not set.",
                              "이 서버에서는 미디어 업로드를 쓸 수 없습니다: EverytimeMediaDir가 "
                              "설정되지 않았습니다."));
    if ((status = check_author(q, post_id)) != OK || (status = check_room(q, post_id)) != OK)
        return refuse_unread(q, status);
    st = et_upload_receive(q->r, q->conf->media_dir, q->conf->max_upload, &up);
    if (st != ET_UP_OK)
        return upload_refused(q, st, up);
    return store(q, post_id, up);
}

static int et_media_delete(et_req *q)
{
    request_rec *r = q->r;
    et_post_ref post;
    et_rows *rows;
    int found, n = 0;

    if (et_db_select(r, "et_media_get", &rows, q->ids[0]) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (!rows->nrows)
        return et_fail(q, ET_E_NOT_FOUND);
    found = et_post_lookup(r, et_cell_i64(ET_CELL(rows, 0, 1)), &post);
    if (found < 0)
        return et_fail_unavailable(q);
    if (!found)
        return et_fail(q, ET_E_NOT_FOUND);
    if (strcmp(post.author_id, q->user->user_id) && strcmp(q->user->role, ET_ROLE_ADMIN))
        return et_fail(q, ET_E_PERMISSION_DENIED);
    if (et_db_exec(r, "et_media_delete", &n, q->ids[0]) != APR_SUCCESS)
        return et_fail_unavailable(q);
    if (n == 0)
        return et_fail(q, ET_E_NOT_FOUND); /* a concurrent delete won */
    /* the DELETE ran on its own and has committed: the file goes now */
    et_media_remove_files(r, rows);
    return HTTP_NO_CONTENT;
}

/* Keep docs/openapi.json in step: t/api/schema.t compares the two. */
static const et_route routes[] = {
    /* no ET_JSON_BODY: the upload streams its own body (upload.c) */
    {M_POST, "/posts/{int}/media", et_media_upload, ET_USER, 0},
    {M_DELETE, "/media/{int}", et_media_delete, ET_USER, 0},
    ET_ROUTES_END};

const et_group et_api_media = {"media", statements, routes};

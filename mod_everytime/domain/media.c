/*
 * media.c: what outlives a media row: its file under EverytimeMediaDir,
 * removed once the deletion of the row has committed, whether the row goes
 * alone (DELETE /media/{id}/) or with its post.
 */
#include "domain/media.h"
#include "core/config.h"

#include <apr_file_io.h>

static const et_stmt statements[] = {
    {"et_media_of_post", "l", 1, "SELECT file_name FROM media WHERE post_id = %lld", NULL, NULL},
    {"et_media_delete_post", "l", 0, "DELETE FROM media WHERE post_id = %lld", NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

const et_group et_domain_media = {"media", statements, NULL};

/* Removes dir/name; a name that is not one of ours is never joined to a path. */
static void remove_file(request_rec *r, const char *dir, const char *name)
{
    apr_status_t rv;
    if (!dir || !name || !*name || name[0] == '.' || strchr(name, '/')) {
        ET_LOG(r, APLOG_ERR, 0, "media file '%s' not removed: %s", name ? name : "",
               dir ? "not a media file name" : "EverytimeMediaDir is not set");
        return;
    }
    rv = apr_file_remove(apr_pstrcat(r->pool, dir, "/", name, NULL), r->pool);
    if (rv != APR_SUCCESS && !APR_STATUS_IS_ENOENT(rv))
        ET_LOG(r, APLOG_ERR, rv, "cannot remove media file %s/%s", dir, name);
}

/* The files named in column 0 of rows: et_db_after_commit's work once the
 * deletion of those rows has committed. */
static void remove_files(request_rec *r, void *data)
{
    const et_rows *rows = data;
    const char *dir = et_conf(r->server)->media_dir;
    int i;
    for (i = 0; i < rows->nrows; i++)
        remove_file(r, dir, ET_CELL(rows, i, 0));
}

void et_media_remove_files(request_rec *r, const et_rows *rows)
{
    et_db_after_commit(r, remove_files, (void *)rows);
}

apr_status_t et_media_remove_for_post(request_rec *r, apr_int64_t post_id)
{
    et_rows *rows;
    if (et_db_select(r, "et_media_of_post", &rows, post_id) != APR_SUCCESS)
        return APR_EGENERAL;
    if (!rows->nrows)
        return APR_SUCCESS;
    if (et_db_exec(r, "et_media_delete_post", NULL, post_id) != APR_SUCCESS)
        return APR_EGENERAL;
    et_db_after_commit(r, remove_files, rows);
    return APR_SUCCESS;
}

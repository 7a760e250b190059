/*
 * media.h: what other resource groups need of post media (api_media.c).
 */
#ifndef ET_MEDIA_H
#define ET_MEDIA_H

#include "everytime.h"

/* The most media one post may have. */
#define ET_MEDIA_PER_POST 10

/* Removes every media row of a post and, once that has committed, their
 * files under EverytimeMediaDir (et_db_after_commit): called inside the
 * transaction that deletes the post, after the UPDATE that deletes it, the
 * files stay when that transaction rolls back or fails to commit, as the
 * rows do. An upload locks the post row and checks it is live, so it either
 * finished before (and its row is found here) or sees the post deleted (and
 * answers 404). A file that cannot be removed is logged with its name and
 * left; the rows are gone either way. APR_SUCCESS, or the database error
 * (logged). */
apr_status_t et_media_remove_for_post(request_rec *r, apr_int64_t post_id);

#endif

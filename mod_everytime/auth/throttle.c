/*
 * throttle.c: the login throttle (EverytimeLoginThrottle max window), one
 * row per (client address, login_id) in login_attempts.
 *
 * The socache cannot do this: it has no atomic increment, so a read, a
 * bcrypt and a write let parallel guesses all read the same count, and each
 * server's shmcb counts alone. The database can: one upsert raises the count
 * (or starts a new window) and answers the count after it, before the
 * password is looked at. The upsert is each dialect's own, chosen per
 * driver by the statement table.
 */
#include "auth/throttle.h"
#include "core/config.h"
#include "infra/util.h"

#include <apr_sha1.h>

/* Arguments: key, the window's end if it starts now, now, now. A row whose
 * window has ended starts again at 1. RETURNING gives the row after the
 * insert or the update on every driver (MariaDB >= 10.5 included). */
#define ATTEMPT_INSERT                                                  \
    "INSERT INTO login_attempts (throttle_key, window_ends, attempts) " \
    "VALUES (%s, %lld, 1) "
static const et_stmt statements[] = {
    {"et_thr_attempt", "slll", 2,
     ATTEMPT_INSERT "ON CONFLICT (throttle_key) DO UPDATE SET "
                    "attempts = CASE WHEN login_attempts.window_ends > %lld "
                    "THEN login_attempts.attempts + 1 ELSE 1 END, "
                    "window_ends = CASE WHEN login_attempts.window_ends > %lld "
                    "THEN login_attempts.window_ends ELSE excluded.window_ends END "
                    "RETURNING attempts, window_ends",
     NULL,
     /* MariaDB assigns left to right: attempts is set while window_ends is
      * still the old one, and window_ends tests its own old value */
     ATTEMPT_INSERT "ON DUPLICATE KEY UPDATE "
                    "attempts = IF(window_ends > %lld, attempts + 1, 1), "
                    "window_ends = IF(window_ends > %lld, window_ends, VALUES(window_ends)) "
                    "RETURNING attempts, window_ends"},
    {"et_thr_clear", "s", 0, "DELETE FROM login_attempts WHERE throttle_key = %s", NULL, NULL},
    {"et_thr_sweep", "l", 0, "DELETE FROM login_attempts WHERE window_ends <= %lld", NULL, NULL},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* A deadlock victim (InnoDB) or a writer that waited too long for SQLite's
 * lock fails the statement and changes nothing, so it is tried again; but
 * only while failures come fast: a database that is down or hung does not
 * make the client wait twice. */
#define ATTEMPT_TRIES 3
#define RETRY_WITHIN  apr_time_from_sec(2)

/* sha1(client address, login_id): the same for every server, and neither
 * value is stored. An address never holds a newline, so the pair is
 * unambiguous. */
static const char *throttle_key(request_rec *r, const char *login_id)
{
    unsigned char digest[APR_SHA1_DIGESTSIZE];
    apr_sha1_ctx_t ctx;
    apr_sha1_init(&ctx);
    apr_sha1_update(&ctx, r->useragent_ip, (unsigned int)strlen(r->useragent_ip));
    apr_sha1_update(&ctx, "\n", 1);
    apr_sha1_update(&ctx, login_id, (unsigned int)strlen(login_id));
    apr_sha1_final(digest, &ctx);
    return et_b64url_encode(r->pool, digest, sizeof(digest));
}

/* Seconds until window_ends, rounded up; at least 1 and, whatever the
 * clock of the server that started the window said, at most one window. */
static apr_int64_t seconds_left(apr_time_t now, apr_int64_t window_ends, int window_sec)
{
    apr_int64_t s = (window_ends - now + APR_USEC_PER_SEC - 1) / APR_USEC_PER_SEC;
    return s < 1 ? 1 : s > window_sec ? window_sec : s;
}

apr_status_t et_throttle_attempt(request_rec *r, const char *login_id, apr_int64_t *retry_after)
{
    et_srv_conf *c = et_conf(r->server);
    apr_time_t now = apr_time_now();
    const char *key;
    et_rows *rows = NULL;
    apr_int64_t attempts;
    apr_status_t rv = APR_EGENERAL;
    int tries;

    *retry_after = 0;
    if (c->throttle_max <= 0)
        return APR_SUCCESS;
    key = throttle_key(r, login_id);
    for (tries = 0; tries < ATTEMPT_TRIES && rv != APR_SUCCESS; tries++) {
        if (tries > 0 && apr_time_now() - now > RETRY_WITHIN)
            break;
        rv = et_db_select(r, "et_thr_attempt", &rows, key,
                          (apr_int64_t)(now + apr_time_from_sec(c->throttle_window)),
                          (apr_int64_t)now, (apr_int64_t)now);
    }
    if (rv != APR_SUCCESS || rows->nrows != 1)
        return APR_EGENERAL;
    attempts = et_cell_i64(ET_CELL(rows, 0, 0));
    /* a new window: rows whose window has ended go, so the table holds no
     * more than the keys tried within the longest window */
    if (attempts == 1)
        et_db_exec(r, "et_thr_sweep", NULL, (apr_int64_t)now);
    if (attempts > c->throttle_max)
        *retry_after = seconds_left(now, et_cell_i64(ET_CELL(rows, 0, 1)), c->throttle_window);
    return APR_SUCCESS;
}

void et_throttle_clear(request_rec *r, const char *login_id)
{
    /* a failure is logged; the count then ends with its window */
    if (et_conf(r->server)->throttle_max > 0)
        et_db_exec(r, "et_thr_clear", NULL, throttle_key(r, login_id));
}

const et_group et_auth_throttle = {"throttle", statements, NULL};

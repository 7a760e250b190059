/*
 * throttle.h: the login throttle, counted in the database.
 *
 * Every login attempt of a login_id from a client address is counted before
 * its password is checked, by one atomic upsert that answers the new count:
 * parallel guesses cannot all read "under the limit", and every server that
 * shares the database shares the count. A success clears it.
 */
#ifndef ET_THROTTLE_H
#define ET_THROTTLE_H

#include "db.h"

/* Counts one attempt (EverytimeLoginThrottle max window). APR_SUCCESS with
 * *retry_after 0 when the attempt may go on, or with the seconds until the
 * window ends (>= 1) when it is over the allowance; an error (logged) when
 * the database could not count it. Counts nothing when the throttle is off. */
apr_status_t et_throttle_attempt(request_rec *r, const char *login_id, apr_int64_t *retry_after);

/* After a successful login: the client starts again from zero. */
void et_throttle_clear(request_rec *r, const char *login_id);

#endif

/*
 * csrf.h: Django's CSRF rule for cookie mode (EverytimeTokenCookies On).
 * Another site can make a browser send our cookies, but neither read them
 * nor add a header of its choosing. So a request that a cookie authenticates
 * and that may change something must repeat the script-readable csrftoken
 * cookie in X-CSRFToken. The Bearer header needs no such proof: no other
 * site can make a browser send it.
 */
#ifndef ET_CSRF_H
#define ET_CSRF_H

#include "request.h"

#define ET_COOKIE_CSRF "csrftoken"
#define ET_CSRF_HEADER "X-CSRFToken"
#define ET_CSRF_BYTES  32 /* random bytes in a token */
#define ET_CSRF_LEN    43 /* their base64url text, without padding */

/* --- pure (unit-tested) ---------------------------------------------------- */

/* A new random token (ET_CSRF_LEN url-safe characters); NULL without entropy. */
const char *et_csrf_new_token(apr_pool_t *p);
/* Is s a token as et_csrf_new_token writes them? */
int et_csrf_well_formed(const char *s);
/* Does header repeat a well-formed cookie? Constant time in the value. */
int et_csrf_tokens_match(const char *cookie, const char *header);
/* GET (and HEAD), OPTIONS and TRACE: Django's safe methods, which need no token. */
int et_csrf_method_safe(int method_number);

/* --- per request ------------------------------------------------------------ */

/* For a request that a cookie authenticates: 1 when it may go on (a safe
 * method, or X-CSRFToken equal to the csrftoken cookie), 0 when it must be
 * refused. A request that came without a well-formed csrftoken cookie gets a
 * fresh one in its answer, whatever the answer, so the client can send it. */
int et_csrf_check(request_rec *r);
/* The 403 of a failed check, in the language of the request. */
int et_csrf_fail(et_req *q);

/* Sets the cookie next to the token cookies: a new value when rotate (a new
 * session, Django's rotate_token), else the request's own when it has one. */
void et_csrf_set_cookie(request_rec *r, int rotate);
void et_csrf_clear_cookie(request_rec *r);

#endif

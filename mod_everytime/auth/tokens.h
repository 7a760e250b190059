/*
 * tokens.h: refresh families, the revocation state. SQL holds the truth;
 * the socache holds what SQL said for a short while and is never the only
 * copy of a revocation.
 */
#ifndef ET_TOKENS_H
#define ET_TOKENS_H

#include "core/request.h"
#include "core/group.h"

typedef struct et_token_pair {
    const char *access;
    const char *refresh;
    const char *sid;
} et_token_pair;

/* Starts a family for a login and issues its first pair. */
apr_status_t et_tokens_login(request_rec *r, const char *user_id, const char *role,
                             et_token_pair *out);

typedef enum { ET_REFRESH_OK, ET_REFRESH_REFUSED, ET_REFRESH_ERROR } et_refresh_result;
/* Spends a verified refresh token and issues the next pair. A token that
 * was spent already revokes its whole family, unless it was spent at most
 * EverytimeRefreshReuseInterval seconds ago and its family is live: then it
 * gets another pair of that family (a client's retry). */
et_refresh_result et_tokens_refresh(request_rec *r, const et_claims *refresh, et_token_pair *out);

/* Is the family live (exists, belongs to user_id, not revoked)? */
apr_status_t et_tokens_family_live(request_rec *r, const char *sid, const char *user_id, int *live);
/* Is this refresh token unspent in a live family? */
apr_status_t et_tokens_refresh_live(request_rec *r, const et_claims *refresh, int *live);

apr_status_t et_tokens_revoke_family(request_rec *r, const char *sid, const char *user_id);
/* Revokes every family of the user but keep_sid (may be NULL). */
apr_status_t et_tokens_revoke_user(request_rec *r, const char *user_id, const char *keep_sid);

/* Sets or clears the token cookies when EverytimeTokenCookies is on, with
 * the csrftoken cookie (csrf.h): a new one for a new session (login, signup),
 * the request's own kept when renewing (refresh), cleared with the others. */
void et_tokens_set_cookies(request_rec *r, const et_token_pair *pair);
void et_tokens_renew_cookies(request_rec *r, const et_token_pair *pair);
void et_tokens_clear_cookies(request_rec *r);

/* The statements of refresh families (no routes: the account routes use them). */
extern const et_group et_auth_tokens;

#endif

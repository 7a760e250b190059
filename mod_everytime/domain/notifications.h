/*
 * notifications.h: 알림. Every notification is written by et_notify, inside
 * the transaction of the event that causes it, so the two commit or roll
 * back together; the rules of who is never notified (oneself, a deactivated
 * account) live in its one statement, and a new rule is one more condition
 * there.
 */
#ifndef ET_NOTIFICATIONS_H
#define ET_NOTIFICATIONS_H

#include "infra/db.h"
#include "core/group.h"

/* The statements of et_notify (notifications.c). */
extern const et_group et_domain_notifications;

typedef enum {
    ET_NOTE_COMMENT,        /* a comment on the recipient's post */
    ET_NOTE_REPLY,          /* a reply to the recipient's comment */
    ET_NOTE_HOT,            /* the recipient's post became HOT */
    ET_NOTE_MESSAGE,        /* a 쪽지 to the recipient */
    ET_NOTE_FRIEND_REQUEST, /* a friend request to the recipient */
    ET_NOTE_FRIEND_ACCEPT,  /* the recipient's friend request was accepted */
    ET_NOTE_KINDS
} et_note_kind;

typedef struct et_notice {
    et_note_kind kind;
    const char *recipient; /* a user id */
    const char *actor;     /* who acted; NULL when nobody did (HOT) */
    /* the name the actor had where they acted anonymously (익명3,
     * 익명(글쓴이), 익명): shown instead of them, whose id then never leaves
     * the database; NULL when they acted under their own name */
    const char *actor_label;
    apr_int64_t post, comment, conversation; /* what to open; 0: none */
    /* what the text quotes: the comment, the post's title, the 쪽지 (an
     * excerpt), or the actor's nickname (friends) */
    const char *subject;
} et_notice;

/* Inside the caller's transaction: notifies n->recipient unless they are
 * the actor or their account is deactivated (then nothing is written, and
 * that is no failure), and queues its push in the outbox. ET_DB_OK, or the
 * statements' failure (logged), on which the caller gives up its
 * transaction (ET_TXN_RETRY). */
et_db_outcome et_notify(request_rec *r, const et_notice *n);

/* "comment", "reply", ... as API.md names the kinds. */
const char *et_note_kind_name(et_note_kind kind);

/* The Korean text of a notice about subject, e.g.
 * 새로운 댓글이 달렸어요: "좋은 글이네요" (pure; unit-tested). */
const char *et_note_text(apr_pool_t *p, et_note_kind kind, const char *subject);

/* The outbox's push of notification id with that text (JSON): its
 * recipient, a Korean title and the text as body, and the ids a client needs
 * to open it, as strings: {"user_id", "title", "body", "data": {"kind",
 * "post", "comment", "conversation", "notification"}}, absent ids left out. */
const char *et_note_push_payload(apr_pool_t *p, const et_notice *n, apr_int64_t id,
                                 const char *text);

/* subject on one line (runs of white space as one space, none at either
 * end) and cut to at most max_chars characters, the last of which is then
 * "…". subject is valid UTF-8. */
const char *et_note_excerpt(apr_pool_t *p, const char *subject, int max_chars);

#endif

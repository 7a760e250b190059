/*
 * mail.h: a mail message as RFC 5322 text, for Korean: UTF-8 everywhere,
 * non-ASCII header text as RFC 2047 encoded-words, the body in base64.
 * Pure functions (unit-tested in t/unit/test_mail.c); infra/smtp.c sends.
 */
#ifndef ET_MAIL_H
#define ET_MAIL_H

#include <apr_pools.h>
#include <apr_time.h>

typedef struct et_mail_msg {
    const char *from;      /* address */
    const char *from_name; /* display name (UTF-8) or NULL */
    const char *to;        /* address */
    const char *subject;   /* UTF-8 */
    const char *body;      /* UTF-8 text, lines ended by \n */
} et_mail_msg;

/* text as it may stand in a header: as it is when it is printable ASCII
 * without "=?" (and, for a display name, without specials), else as
 * "=?UTF-8?B?...?=" encoded-words of at most 75 characters, split between
 * whole characters and folded onto continuation lines. */
const char *et_mail_header_text(apr_pool_t *p, const char *text, int phrase);

/* True for an address that can stand between <> in a header and an SMTP
 * command: one @, printable ASCII, no spaces or specials, at most 254 bytes. */
int et_mail_address_ok(const char *addr);

/* The message: Date (at now), Message-ID (random, at the sender's domain),
 * From, To, Subject, MIME-Version, Content-Type text/plain; charset=UTF-8,
 * Content-Transfer-Encoding base64, then the body in base64 lines of 76.
 * Lines end in CRLF. NULL when an address is not acceptable or the subject
 * or body is not UTF-8. */
const char *et_mail_compose(apr_pool_t *p, const et_mail_msg *m, apr_time_t now);

#endif

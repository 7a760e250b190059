/*
 * mail.c: RFC 5322 messages in UTF-8. Headers stay 7-bit (RFC 2047
 * encoded-words), so any relay accepts them; the body goes as base64, so no
 * relay needs 8BITMIME and no line is too long whatever the text.
 */
#include "infra/mail.h"

#include <apr_base64.h>
#include <apr_general.h>
#include <apr_lib.h>
#include <apr_strings.h>

#define WORD_MAX_BYTES 45 /* 60 base64 characters: 75 with "=?UTF-8?B?" and "?=" */
#define BODY_LINE      76

/* Bytes of the UTF-8 character at s (1..4), 0 when it is not valid UTF-8. */
static int utf8_len(const unsigned char *s)
{
    int n, i;
    if (s[0] < 0x80)
        return 1;
    n = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (!n || (n == 2 && s[0] < 0xc2) || (n == 4 && s[0] > 0xf4))
        return 0;
    for (i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    /* overlong three-byte forms and UTF-16 surrogates */
    if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f)))
        return 0;
    if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f)))
        return 0;
    return n;
}

static int utf8_valid(const char *s)
{
    int n;
    for (; *s; s += n)
        if (!(n = utf8_len((const unsigned char *)s)))
            return 0;
    return 1;
}

/* Printable ASCII that needs no encoding; a phrase (display name) also
 * keeps out RFC 5322's specials, which would need quoting. */
static int plain(const char *s, int phrase)
{
    if (strstr(s, "=?"))
        return 0;
    for (; *s; s++)
        if (!(apr_isprint(*s) && !(*s & 0x80)) || (phrase && strchr("()<>[]:;@\\,.\"", *s)))
            return 0;
    return 1;
}

static const char *b64(apr_pool_t *p, const char *data, int len)
{
    char *out = apr_palloc(p, apr_base64_encode_len(len));
    apr_base64_encode(out, data, len);
    return out;
}

const char *et_mail_header_text(apr_pool_t *p, const char *text, int phrase)
{
    const char *s = text, *out = NULL;
    if (plain(text, phrase))
        return text;
    if (!utf8_valid(text))
        return NULL;
    while (*s) {
        /* as many whole characters as fit one encoded-word */
        int len = 0, n;
        while (s[len] && (n = utf8_len((const unsigned char *)s + len)) &&
               len + n <= WORD_MAX_BYTES)
            len += n;
        out = apr_pstrcat(p, out ? out : "", out ? "\r\n " : "", "=?UTF-8?B?", b64(p, s, len),
                          "?=", NULL);
        s += len;
    }
    return out ? out : "";
}

int et_mail_address_ok(const char *a)
{
    const char *at = a ? strchr(a, '@') : NULL;
    const char *c;
    if (!at || at == a || !at[1] || strchr(at + 1, '@') || strlen(a) > 254)
        return 0;
    for (c = a; *c; c++)
        if (!apr_isgraph(*c) || (*c & 0x80) || strchr("<>()[]\\,;:\"", *c))
            return 0;
    return 1;
}

/* RFC 5322's date-time in UTC: "Mon, 07 Dec 2026 13:53:53 +0000". */
static const char *mail_date(apr_pool_t *p, apr_time_t now)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    apr_time_exp_t t;
    apr_time_exp_gmt(&t, now);
    return apr_psprintf(p, "%s, %02d %s %d %02d:%02d:%02d +0000", days[t.tm_wday], t.tm_mday,
                        months[t.tm_mon], t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec);
}

/* <32 random hex digits@the sender's domain>: unique without a counter. */
static const char *message_id(apr_pool_t *p, const char *from)
{
    unsigned char rnd[16];
    char hex[33];
    int i;
    if (apr_generate_random_bytes(rnd, sizeof(rnd)) != APR_SUCCESS)
        return NULL;
    for (i = 0; i < 16; i++)
        apr_snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
    return apr_psprintf(p, "<%s@%s>", hex, strchr(from, '@') + 1);
}

/* The body with CRLF line ends, as base64 in lines of 76. */
static const char *body_base64(apr_pool_t *p, const char *body)
{
    const char *crlf = apr_pstrdup(p, ""), *line, *enc, *out = "";
    apr_size_t n, i;
    for (line = body; *line;) {
        const char *nl = strchr(line, '\n');
        n = nl ? (apr_size_t)(nl - line) : strlen(line);
        if (n && line[n - 1] == '\r')
            n--;
        crlf = apr_pstrcat(p, crlf, apr_pstrmemdup(p, line, n), nl ? "\r\n" : "", NULL);
        line = nl ? nl + 1 : line + n;
    }
    enc = b64(p, crlf, (int)strlen(crlf));
    for (i = 0, n = strlen(enc); i < n; i += BODY_LINE)
        out = apr_pstrcat(p, out, apr_pstrmemdup(p, enc + i, n - i < BODY_LINE ? n - i : BODY_LINE),
                          "\r\n", NULL);
    return out;
}

const char *et_mail_compose(apr_pool_t *p, const et_mail_msg *m, apr_time_t now)
{
    const char *subject, *from, *id;
    if (!et_mail_address_ok(m->from) || !et_mail_address_ok(m->to) || !m->subject || !m->body ||
        !utf8_valid(m->body) || !(subject = et_mail_header_text(p, m->subject, 0)) ||
        !(id = message_id(p, m->from)))
        return NULL;
    from = m->from_name ? et_mail_header_text(p, m->from_name, 1) : NULL;
    if (m->from_name && !from)
        return NULL;
    return apr_pstrcat(p, "Date: ", mail_date(p, now), "\r\nMessage-ID: ", id,
                       "\r\nFrom: ", from ? from : "", from ? " <" : "", m->from, from ? ">" : "",
                       "\r\nTo: ", m->to, "\r\nSubject: ", subject,
                       "\r\nMIME-Version: 1.0"
                       "\r\nContent-Type: text/plain; charset=UTF-8"
                       "\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                       body_base64(p, m->body), NULL);
}

/*
 * multipart.c: the streaming multipart/form-data reader of multipart.h.
 *
 * A body is a run of parts separated by the delimiter "\r\n--boundary". The
 * reader looks for it with a Knuth-Morris-Pratt matcher that keeps only how
 * many delimiter bytes it has matched so far: those bytes are known to equal
 * the delimiter's own first bytes, so a delimiter split across two feeds is
 * found without buffering the data around it, and bytes that turn out not to
 * be a delimiter after all are handed on from the delimiter text itself.
 */
#include "domain/multipart.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <string.h>

typedef enum {
    S_PREAMBLE, /* before the first delimiter: ignored */
    S_DELIM,    /* just after a delimiter: "--", padding or CRLF follows */
    S_DASH,     /* one '-' of the closing "--" seen */
    S_PADDING,  /* transport padding (spaces, tabs) before the CRLF */
    S_LF,       /* the CR of the delimiter line seen */
    S_HEADERS,  /* a part's header block, up to the empty line */
    S_BODY,     /* a part's content, up to the next delimiter */
    S_EPILOGUE, /* after the closing delimiter: ignored */
    S_FAILED
} mp_state;

typedef enum { PART_OTHER, PART_FILE } mp_part;

struct et_mp {
    apr_pool_t *pool;
    mp_state state;
    et_mp_status error;
    const char *delim; /* "\r\n--" boundary */
    apr_size_t dlen;
    apr_size_t *fail;   /* KMP: longest proper border of delim[0..j) */
    apr_size_t matched; /* delimiter bytes matched, not yet handed on */
    char *hdr;          /* the header block being read */
    apr_size_t hlen;
    mp_part part;
    int file_seen;
    apr_size_t fields; /* bytes of other parts so far */
    apr_size_t file_size;
    et_mp_file_fn fn;
    void *baton;
};

/* ---- Content-Type and Content-Disposition parameters ----------------------- */

static int is_tchar(int c)
{
    return apr_isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 2046 bcharsnospace, plus space (not as the last character) */
static int is_bchar(int c)
{
    return apr_isalnum(c) || (c && strchr("'()+_,-./:=? ", c));
}

static const char *skip_ows(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Reads one "; name=value" parameter from *s (value a token or a quoted
 * string). 1 with *name and *value set, 0 at the end, -1 on bad syntax. */
static int next_param(apr_pool_t *p, const char **s, const char **name, const char **value)
{
    const char *c = skip_ows(*s), *start;
    char *out;
    apr_size_t n;
    if (!*c)
        return 0;
    if (*c != ';')
        return -1;
    c = skip_ows(c + 1);
    if (!*c) /* a trailing ';' */
        return 0;
    for (start = c; is_tchar(*c); c++)
        ;
    if (c == start || *c != '=')
        return -1;
    *name = apr_pstrmemdup(p, start, (apr_size_t)(c - start));
    c++;
    if (*c != '"') {
        /* lenient: unquoted values up to ';' or white space (boundaries
         * with '/', ':' or '=' are often sent unquoted) */
        for (start = c; *c && *c != ';' && *c != ' ' && *c != '\t'; c++)
            ;
        if (c == start)
            return -1;
        *value = apr_pstrmemdup(p, start, (apr_size_t)(c - start));
        *s = c;
        return 1;
    }
    out = apr_palloc(p, strlen(c));
    for (n = 0, c++; *c && *c != '"'; c++) {
        if (*c == '\\' && c[1])
            c++;
        out[n++] = *c;
    }
    if (*c != '"')
        return -1;
    out[n] = '\0';
    *value = out;
    *s = c + 1;
    return 1;
}

/* The text after a media type or disposition type that matches want
 * (case-insensitively), or NULL. */
static const char *after_type(const char *text, const char *want)
{
    apr_size_t n = strlen(want);
    text = skip_ows(text);
    if (strncasecmp(text, want, n))
        return NULL;
    text += n;
    return *text == '\0' || *text == ';' || *text == ' ' || *text == '\t' ? text : NULL;
}

int et_mp_is_form_data(const char *content_type)
{
    return content_type && after_type(content_type, "multipart/form-data") != NULL;
}

static int boundary_ok(const char *b)
{
    apr_size_t n = strlen(b), i;
    if (n < 1 || n > ET_MP_BOUNDARY_MAX || b[n - 1] == ' ')
        return 0;
    for (i = 0; i < n; i++)
        if (!is_bchar((unsigned char)b[i]))
            return 0;
    return 1;
}

const char *et_mp_boundary(apr_pool_t *p, const char *content_type)
{
    const char *rest = content_type ? after_type(content_type, "multipart/form-data") : NULL;
    const char *name, *value, *found = NULL;
    int rv;
    if (!rest)
        return NULL;
    while ((rv = next_param(p, &rest, &name, &value)) == 1)
        if (!strcasecmp(name, "boundary")) {
            if (found)
                return NULL; /* two boundaries: which one? */
            found = value;
        }
    return rv == 0 && found && boundary_ok(found) ? found : NULL;
}

/* ---- the reader ------------------------------------------------------------ */

et_mp *et_mp_create(apr_pool_t *p, const char *boundary, et_mp_file_fn fn, void *baton)
{
    et_mp *m = apr_pcalloc(p, sizeof(*m));
    apr_size_t i, k = 0;
    m->pool = p;
    m->delim = apr_pstrcat(p, "\r\n--", boundary, NULL);
    m->dlen = strlen(m->delim);
    m->fail = apr_pcalloc(p, sizeof(apr_size_t) * (m->dlen + 1));
    for (i = 1; i < m->dlen; i++) {
        while (k > 0 && m->delim[i] != m->delim[k])
            k = m->fail[k];
        if (m->delim[i] == m->delim[k])
            k++;
        m->fail[i + 1] = k;
    }
    m->hdr = apr_palloc(p, ET_MP_HEADER_CAP + 1);
    m->fn = fn;
    m->baton = baton;
    m->state = S_PREAMBLE;
    /* the first delimiter may open the body without a CRLF before it:
     * start as if that CRLF had just been seen */
    m->matched = 2;
    return m;
}

static et_mp_status fail(et_mp *m, et_mp_status e)
{
    m->state = S_FAILED;
    m->error = e;
    return e;
}

/* Hands on bytes known to be content (not part of a delimiter). */
static et_mp_status deliver(et_mp *m, const char *data, apr_size_t len)
{
    if (!len || m->state != S_BODY)
        return ET_MP_OK; /* the preamble goes nowhere */
    if (m->part == PART_FILE) {
        m->file_size += len;
        return m->fn(m->baton, data, len) ? ET_MP_EABORT : ET_MP_OK;
    }
    m->fields += len;
    return m->fields > ET_MP_FIELDS_CAP ? ET_MP_EFIELDS_SIZE : ET_MP_OK;
}

#define ET_MP_FOUND (-1) /* scan found a delimiter */

/* Scans content for the delimiter, delivering what is content. Returns
 * ET_MP_FOUND with *used up to the delimiter's end, or ET_MP_OK with all of
 * data used (a partial match is carried in m->matched), or an error. */
static int scan(et_mp *m, const char *data, apr_size_t len, apr_size_t *used)
{
    apr_size_t i, here = 0; /* matched bytes that lie in data (the rest came before) */
    et_mp_status rv;
    for (i = 0; i < len; i++) {
        while (m->matched > 0 && data[i] != m->delim[m->matched]) {
            /* the match falls back to a shorter border: the bytes it drops
             * are content. Those from an earlier feed equal delim's first
             * bytes, so they are delivered from delim; those in data stay
             * in data and go with the run delivered below. */
            apr_size_t next = m->fail[m->matched], drop = m->matched - next;
            apr_size_t before = m->matched - here;
            if (before > 0 && (rv = deliver(m, m->delim, drop < before ? drop : before)))
                return rv;
            m->matched = next;
            if (here > next)
                here = next;
        }
        if (data[i] == m->delim[m->matched]) {
            m->matched++;
            here++;
        }
        if (m->matched == m->dlen) {
            /* content runs up to where the delimiter started in data */
            if ((rv = deliver(m, data, i + 1 - here)))
                return rv;
            m->matched = 0;
            *used = i + 1;
            return ET_MP_FOUND;
        }
    }
    if ((rv = deliver(m, data, len - here)))
        return rv;
    *used = len;
    return ET_MP_OK;
}

/* The delimiter line: "--" closes the body; else padding, then CRLF. */
static et_mp_status delimiter_byte(et_mp *m, char c)
{
    switch (m->state) {
    case S_DELIM:
        if (c == '-')
            m->state = S_DASH;
        else if (c == ' ' || c == '\t')
            m->state = S_PADDING;
        else if (c == '\r')
            m->state = S_LF;
        else
            return fail(m, ET_MP_ESYNTAX);
        return ET_MP_OK;
    case S_DASH:
        if (c != '-')
            return fail(m, ET_MP_ESYNTAX);
        m->state = S_EPILOGUE;
        return ET_MP_OK;
    case S_PADDING:
        if (c == '\r')
            m->state = S_LF;
        else if (c != ' ' && c != '\t')
            return fail(m, ET_MP_ESYNTAX);
        return ET_MP_OK;
    default: /* S_LF */
        if (c != '\n')
            return fail(m, ET_MP_ESYNTAX);
        m->state = S_HEADERS;
        m->hlen = 0;
        return ET_MP_OK;
    }
}

/* The name parameter of a "form-data" Content-Disposition, or NULL. */
static const char *disposition_name(apr_pool_t *p, const char *value)
{
    const char *rest = after_type(value, "form-data"), *name, *v, *found = NULL;
    int rv;
    if (!rest)
        return NULL;
    while ((rv = next_param(p, &rest, &name, &v)) == 1)
        if (!strcasecmp(name, "name"))
            found = v;
    return rv == 0 ? found : NULL;
}

/* The header block is complete (m->hdr, ending in CRLF CRLF or just CRLF):
 * finds the part's name and what to do with its content. */
static et_mp_status part_begins(et_mp *m)
{
    const char *name = NULL;
    char *line = m->hdr, *end;
    int dispositions = 0;
    m->hdr[m->hlen] = '\0';
    if (memchr(m->hdr, '\0', m->hlen))
        return fail(m, ET_MP_ESYNTAX);
    for (; (end = strstr(line, "\r\n")) != NULL && end != line; line = end + 2) {
        char *colon;
        *end = '\0';
        colon = strchr(line, ':');
        if (!colon || colon == line)
            return fail(m, ET_MP_ESYNTAX);
        *colon = '\0';
        if (strcasecmp(line, "Content-Disposition"))
            continue;
        dispositions++;
        name = disposition_name(m->pool, colon + 1);
    }
    if (dispositions != 1 || !name)
        return fail(m, ET_MP_ESYNTAX);
    if (!strcmp(name, ET_MP_FILE_FIELD)) {
        if (m->file_seen)
            return fail(m, ET_MP_EDUPLICATE);
        m->file_seen = 1;
        m->part = PART_FILE;
    } else {
        m->part = PART_OTHER;
        m->fields += m->hlen;
        if (m->fields > ET_MP_FIELDS_CAP)
            return fail(m, ET_MP_EFIELDS_SIZE);
    }
    m->state = S_BODY;
    return ET_MP_OK;
}

/* Takes header bytes up to the empty line that ends the block. */
static et_mp_status header_bytes(et_mp *m, const char *data, apr_size_t len, apr_size_t *used)
{
    apr_size_t i;
    for (i = 0; i < len; i++) {
        if (m->hlen == ET_MP_HEADER_CAP)
            return fail(m, ET_MP_EHEADER_SIZE);
        m->hdr[m->hlen++] = data[i];
        if ((m->hlen == 2 && !memcmp(m->hdr, "\r\n", 2)) ||
            (m->hlen >= 4 && !memcmp(m->hdr + m->hlen - 4, "\r\n\r\n", 4))) {
            *used = i + 1;
            return part_begins(m);
        }
    }
    *used = len;
    return ET_MP_OK;
}

et_mp_status et_mp_feed(et_mp *m, const char *data, apr_size_t len)
{
    while (len > 0) {
        apr_size_t used = 1;
        int rv = ET_MP_OK;
        switch (m->state) {
        case S_FAILED:
            return m->error;
        case S_EPILOGUE:
            return ET_MP_OK;
        case S_PREAMBLE:
        case S_BODY:
            rv = scan(m, data, len, &used);
            if (rv == ET_MP_FOUND) {
                m->state = S_DELIM;
                rv = ET_MP_OK;
            }
            break;
        case S_HEADERS:
            rv = header_bytes(m, data, len, &used);
            break;
        default:
            rv = delimiter_byte(m, *data);
            break;
        }
        if (rv != ET_MP_OK)
            return fail(m, (et_mp_status)rv);
        data += used;
        len -= used;
    }
    return ET_MP_OK;
}

et_mp_status et_mp_finish(et_mp *m)
{
    if (m->state == S_FAILED)
        return m->error;
    if (m->state == S_PREAMBLE)
        return fail(m, ET_MP_EMISSING); /* not one delimiter: no part at all */
    if (m->state != S_EPILOGUE)
        return fail(m, ET_MP_ETRUNCATED);
    return m->file_seen ? ET_MP_OK : fail(m, ET_MP_EMISSING);
}

apr_size_t et_mp_file_size(const et_mp *m)
{
    return m->file_size;
}

const char *et_mp_status_text(et_mp_status s)
{
    switch (s) {
    case ET_MP_OK:
        return "ok";
    case ET_MP_ESYNTAX:
        return "malformed multipart body";
    case ET_MP_EHEADER_SIZE:
        return "a part's headers are too large";
    case ET_MP_EFIELDS_SIZE:
        return "the form fields besides the file are too large";
    case ET_MP_EDUPLICATE:
        return "more than one file part";
    case ET_MP_EMISSING:
        return "no file part";
    case ET_MP_ETRUNCATED:
        return "the body ended before the closing boundary";
    case ET_MP_EABORT:
        return "the upload was stopped";
    default:
        return "no valid boundary in the Content-Type";
    }
}

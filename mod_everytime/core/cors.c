/*
 * cors.c: cross-origin requests. A browser calls the API from a page of
 * another origin only when each answer names that origin, and asks first
 * (a preflight OPTIONS) before a request a plain form could not send. Only
 * the origins of EverytimeCORSOrigins are named, never "*": the answers
 * carry credentials (cookies, the Authorization header), which a wildcard
 * may not. Other origins get no CORS header, so their pages cannot read.
 */
#include "core/cors.h"

#include <apr_lib.h>
#include <http_protocol.h>

#define ACAO "Access-Control-Allow-Origin"

/* The length of the host at s: a bracketed IPv6 address, or a name (or an
 * IPv4 address) of letters, digits, hyphens and dots, with no empty label. */
static apr_size_t host_length(const char *s)
{
    apr_size_t n = 0;
    if (*s == '[') {
        n = 1 + strspn(s + 1, "0123456789abcdefABCDEF:.");
        return n > 2 && s[n] == ']' ? n + 1 : 0;
    }
    while (apr_isalnum(s[n]) || s[n] == '-' || s[n] == '.') {
        if (s[n] == '.' && (n == 0 || s[n - 1] == '.'))
            return 0;
        n++;
    }
    return n && s[n - 1] != '.' && s[0] != '-' ? n : 0;
}

/* The port at s (after the colon): 1..65535, as a browser writes it (no
 * leading zero); its length, or 0 when it is not one. */
static apr_size_t port_length(const char *s, int *port)
{
    apr_size_t n = strspn(s, "0123456789"), i;
    if (n == 0 || n > 5 || s[0] == '0')
        return 0;
    for (*port = 0, i = 0; i < n; i++)
        *port = *port * 10 + (s[i] - '0');
    return *port <= 65535 ? n : 0;
}

const char *et_cors_origin_parse(apr_pool_t *p, const char *value, const char **origin)
{
    int https = !strncasecmp(value, "https://", 8), port = 0;
    const char *host = value + (https ? 8 : 7), *rest;
    apr_size_t n, plen = 0;
    char *out;

    if (!strcmp(value, "*"))
        return "cannot be *: an answer that carries credentials must name its origin";
    if (!https && strncasecmp(value, "http://", 7))
        return "must start with http:// or https://";
    if (!(n = host_length(host)))
        return "has no valid host name";
    rest = host + n;
    if (*rest == ':' && !(plen = port_length(rest + 1, &port)))
        return "has a port that is not a number from 1 to 65535";
    if (plen)
        rest += plen + 1;
    if (*rest)
        return "must end after the host and port (scheme://host[:port]: no path, not even /)";
    /* the form of the Origin header: the scheme's own port left out */
    if (port == (https ? 443 : 80))
        plen = 0;
    out = apr_pstrmemdup(p, value, (apr_size_t)(host + n - value));
    if (plen)
        out = apr_pstrcat(p, out, ":", apr_itoa(p, port), NULL);
    ap_str_tolower(out);
    *origin = out;
    return NULL;
}

const char *et_cors_origin(request_rec *r, const et_srv_conf *c)
{
    const char *origin = apr_table_get(r->headers_in, "Origin");
    int i;
    if (!origin || !c || !c->cors_origins)
        return NULL;
    /* byte for byte: a browser compares our answer with its Origin so */
    for (i = 0; i < c->cors_origins->nelts; i++)
        if (!strcmp(origin, APR_ARRAY_IDX(c->cors_origins, i, const char *)))
            return APR_ARRAY_IDX(c->cors_origins, i, const char *);
    return NULL;
}

void et_cors_headers(request_rec *r, const et_srv_conf *c, apr_table_t *t)
{
    const char *origin;
    if (!c || !c->cors_origins)
        return;
    /* whatever the Origin, a cache must not hand one origin's answer to
     * another (or to a request without one) */
    apr_table_mergen(t, "Vary", "Origin");
    if (!(origin = et_cors_origin(r, c)) || apr_table_get(t, ACAO))
        return;
    apr_table_setn(t, ACAO, origin);
    apr_table_setn(t, "Access-Control-Allow-Credentials", "true");
    apr_table_setn(t, "Access-Control-Expose-Headers", ET_CORS_EXPOSE_HEADERS);
}

int et_cors_preflight(request_rec *r, const et_srv_conf *c, const char *methods)
{
    if (r->method_number != M_OPTIONS ||
        !apr_table_get(r->headers_in, "Access-Control-Request-Method") || !et_cors_origin(r, c))
        return 0;
    apr_table_setn(r->headers_out, "Access-Control-Allow-Methods",
                   methods && *methods ? methods : ET_CORS_COMMON_METHODS);
    apr_table_setn(r->headers_out, "Access-Control-Allow-Headers", ET_CORS_ALLOW_HEADERS);
    apr_table_setn(r->headers_out, "Access-Control-Max-Age", APR_STRINGIFY(ET_CORS_MAX_AGE));
    return 1;
}

/*
 * fuzz_router.c: the router's matcher and lookup (router.c) on any path.
 *
 * Input: one selector byte (the method), then the path below the API root.
 * Properties: a route found has the method asked for and a pattern that
 * matches the path; its {int} parameters are positive and its {uuid} ones are
 * UUIDs, one per typed segment of the pattern; printing the parameters back
 * into the pattern gives a path that finds the same route. A path with no
 * route answers an Allow list of known method names only.
 */
#include "fuzz.h"
#include "api/groups.h"
#include "router.h"
#include "infra/util.h"

#include <apr_strings.h>
#include <string.h>

static const int methods[] = {M_GET, M_POST, M_PUT, M_PATCH, M_DELETE};

static int count(const char *s, const char *what)
{
    int n = 0;
    for (; (s = strstr(s, what)) != NULL; s += strlen(what))
        n++;
    return n;
}

static et_req *fake_request(apr_pool_t *p)
{
    et_req *q = apr_pcalloc(p, sizeof(*q));
    q->r = apr_pcalloc(p, sizeof(request_rec));
    q->r->pool = p;
    return q;
}

/* The pattern with its typed segments filled in from q. */
static const char *fill(apr_pool_t *p, const char *pattern, const et_req *q)
{
    const char *out = "", *at = pattern, *brace;
    int ni = 0, nu = 0;
    while ((brace = strchr(at, '{')) != NULL) {
        int is_int = !strncmp(brace, "{int}", 5);
        out = apr_pstrcat(
            p, out, apr_pstrmemdup(p, at, (apr_size_t)(brace - at)),
            is_int ? apr_psprintf(p, "%" APR_INT64_T_FMT, q->ids[ni++]) : q->uuids[nu++], NULL);
        at = brace + (is_int ? 5 : 6);
    }
    return apr_pstrcat(p, out, at, NULL);
}

static void check_allow(const char *allow)
{
    const char *s = allow;
    while (*s) {
        size_t n = strcspn(s, ",");
        int known = (n == 3 && (!strncmp(s, "GET", 3) || !strncmp(s, "PUT", 3))) ||
                    (n == 4 && !strncmp(s, "POST", 4)) || (n == 5 && !strncmp(s, "PATCH", 5)) ||
                    (n == 6 && !strncmp(s, "DELETE", 6));
        ET_FUZZ_CHECK(known);
        s += n;
        if (*s) {
            ET_FUZZ_CHECK(s[1] == ' ' && s[2] != '\0');
            s += 2;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    et_req *q, *again;
    const et_route *route;
    const char *path, *allow = NULL, *allow2 = NULL;
    int method, i;
    if (size < 1)
        return 0;
    p = et_fuzz_begin();
    method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
    path = et_fuzz_text(p, data + 1, size - 1);
    q = fake_request(p);
    route = et_route_find(et_groups, p, method, path, q, &allow);
    if (!route) {
        ET_FUZZ_CHECK(allow != NULL);
        check_allow(allow);
    } else {
        int ints = count(route->pattern, "{int}"), uuids = count(route->pattern, "{uuid}");
        ET_FUZZ_CHECK(route->method == method);
        /* (the slots past those may hold what a route that did not match
         * left behind: handlers read only their own) */
        ET_FUZZ_CHECK(ints <= ET_MAX_PARAMS && uuids <= ET_MAX_PARAMS);
        for (i = 0; i < ints; i++)
            ET_FUZZ_CHECK(q->ids[i] > 0);
        for (i = 0; i < uuids; i++)
            ET_FUZZ_CHECK(et_is_uuid(q->uuids[i]));
        again = fake_request(p);
        ET_FUZZ_CHECK(et_route_match(route->pattern, path, again));
        again = fake_request(p);
        ET_FUZZ_CHECK(et_route_find(et_groups, p, method, fill(p, route->pattern, q), again,
                                    &allow2) == route);
    }
    et_fuzz_end(p);
    return 0;
}

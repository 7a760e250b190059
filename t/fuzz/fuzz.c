/*
 * fuzz.c: the harnesses' shared set-up (fuzz.h).
 */
#include "fuzz.h"
#include "../unit/stubs.h"

#include <apr_general.h>
#include <string.h>

static apr_pool_t *root;

apr_pool_t *et_fuzz_begin(void)
{
    apr_pool_t *p;
    if (!root) {
        if (apr_initialize() != APR_SUCCESS || apr_pool_create(&root, NULL) != APR_SUCCESS)
            abort();
    }
    if (apr_pool_create(&p, root) != APR_SUCCESS)
        abort();
    return p;
}

void et_fuzz_end(apr_pool_t *p)
{
    apr_pool_destroy(p);
    /* the stubs keep every log line; one input's lines are enough */
    et_stub_log_reset();
    et_stub_output_reset();
}

char *et_fuzz_text(apr_pool_t *p, const uint8_t *data, size_t size)
{
    char *s = apr_palloc(p, size + 1);
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

char *et_fuzz_split(apr_pool_t *p, const uint8_t *data, size_t size, const uint8_t **rest,
                    size_t *rest_size)
{
    const uint8_t *nul = size ? memchr(data, 0, size) : NULL;
    size_t n = nul ? (size_t)(nul - data) : size;
    *rest = nul ? nul + 1 : data + size;
    *rest_size = nul ? size - n - 1 : 0;
    return et_fuzz_text(p, data, n);
}

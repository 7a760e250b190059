/*
 * fuzz.h: what the libFuzzer harnesses of t/fuzz share. Each harness is one
 * fuzz_<target>.c defining LLVMFuzzerTestOneInput over the library that
 * ships (mod_everytime/libeverytime.la), with t/unit/stubs.c for httpd and
 * pool_guard.c so that ASan sees the bounds of pool allocations.
 *
 * A harness checks properties, not only "no crash": a property that fails
 * calls ET_FUZZ_CHECK, which prints it and aborts, and libFuzzer keeps the
 * input as a crash file.
 */
#ifndef ET_FUZZ_H
#define ET_FUZZ_H

#include <stddef.h> /* before APR: see everytime.h */

#include <apr_pools.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fresh pool for one input (APR is set up on first use); destroy it at the
 * end of the input with et_fuzz_end. */
apr_pool_t *et_fuzz_begin(void);
void et_fuzz_end(apr_pool_t *p);

/* data as a NUL-terminated string (data may hold NULs of its own). */
char *et_fuzz_text(apr_pool_t *p, const uint8_t *data, size_t size);

/* Splits the input at the first NUL: *rest and *rest_size are what follows
 * it (empty when there is none). Returns the first part as a string. */
char *et_fuzz_split(apr_pool_t *p, const uint8_t *data, size_t size, const uint8_t **rest,
                    size_t *rest_size);

#define ET_FUZZ_CHECK(cond)                                                             \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                    \
        }                                                                               \
    } while (0)

#endif

/*
 * pool_guard.c: every apr_palloc() its own malloc() block, so that
 * AddressSanitizer knows where each pool allocation ends.
 *
 * APR carves allocations out of blocks of 8 KiB that it mallocs itself: a
 * read or write past the end of one pool allocation lands in the next, and
 * ASan says nothing. This file defines apr_palloc and apr_pcalloc, and so
 * replaces libapr's for our code and for libapr's own calls (apr_pstrdup,
 * apr_pstrcat, tables, arrays: libapr calls them through its PLT). Each block
 * is malloc'd and listed on its pool; the blocks are freed once the pool has
 * been cleared or destroyed, after every cleanup of the pool has run (as APR
 * would, since a cleanup may still read pool memory). apr_psprintf writes into
 * the pool's own blocks and stays unguarded.
 *
 * Linked into the fuzzers (t/fuzz/fuzz.am) and preloaded into the ASan build
 * of the unit tests (build/stages.sh). Single-threaded, like both.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <apr_pools.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
    struct block *next;
    void *mem;
} block;

/* A pool's blocks. Every list is also linked from `lists`, a global:
 * LeakSanitizer does not look into APR's own memory (mmap'd), so blocks found
 * only through the pool's user data would look leaked at exit. */
typedef struct list {
    struct list *prev, *next;
    block *head;
} list;

typedef void *(*palloc_fn)(apr_pool_t *, apr_size_t);
typedef void (*pool_fn)(apr_pool_t *);

static palloc_fn real_palloc;
static pool_fn real_clear, real_destroy;
static int busy;       /* in our own bookkeeping: APR's own allocation */
static int depth;      /* apr_pool_clear/destroy calls under way */
static block *retired; /* blocks of cleared pools, freed when the last call returns */
static list lists = {&lists, &lists, NULL};

#define KEY "et-pool-guard"

static void *next_symbol(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "pool_guard: %s not found after this object\n", name);
        abort();
    }
    return f;
}

static void resolve(void)
{
    if (real_palloc)
        return;
    real_palloc = (palloc_fn)next_symbol("apr_palloc");
    real_clear = (pool_fn)next_symbol("apr_pool_clear");
    real_destroy = (pool_fn)next_symbol("apr_pool_destroy");
}

/* A pool's cleanup: its blocks wait until the clear or destroy has finished. */
static apr_status_t retire(void *data)
{
    list *l = data;
    block *b = l->head;
    while (b) {
        block *next = b->next;
        b->next = retired;
        retired = b;
        b = next;
    }
    l->prev->next = l->next;
    l->next->prev = l->prev;
    free(l);
    return APR_SUCCESS;
}

static void free_retired(void)
{
    while (retired) {
        block *next = retired->next;
        free(retired->mem);
        free(retired);
        retired = next;
    }
}

/* The list of p's blocks, made on first use. */
static list *list_of(apr_pool_t *p)
{
    void *found = NULL;
    list *l;
    apr_pool_userdata_get(&found, KEY, p);
    if (found)
        return found;
    if (!(l = calloc(1, sizeof(*l))))
        abort();
    l->next = lists.next;
    l->prev = &lists;
    lists.next->prev = l;
    lists.next = l;
    apr_pool_userdata_setn(l, KEY, retire, p);
    return l;
}

APR_DECLARE(void *) apr_palloc(apr_pool_t *p, apr_size_t size)
{
    list *l;
    block *b;
    resolve();
    if (busy)
        return real_palloc(p, size);
    busy = 1; /* the user data lives in APR's own memory */
    l = list_of(p);
    busy = 0;
    b = malloc(sizeof(*b));
    /* malloc(0) may answer NULL; APR's answer is never NULL */
    if (!b || !(b->mem = malloc(size ? size : 1)))
        abort();
    b->next = l->head;
    l->head = b;
    return b->mem;
}

/* apr_pools.h makes apr_pcalloc a macro over apr_palloc; libapr still
 * exports the function, for callers built without the macro */
#undef apr_pcalloc
APR_DECLARE(void *) apr_pcalloc(apr_pool_t *p, apr_size_t size)
{
    return memset(apr_palloc(p, size), 0, size);
}

APR_DECLARE(void) apr_pool_clear(apr_pool_t *p)
{
    resolve();
    depth++;
    real_clear(p);
    if (--depth == 0)
        free_retired();
}

APR_DECLARE(void) apr_pool_destroy(apr_pool_t *p)
{
    resolve();
    depth++;
    real_destroy(p);
    if (--depth == 0)
        free_retired();
}

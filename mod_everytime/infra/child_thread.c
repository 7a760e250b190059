/*
 * child_thread.c: a thread for the life of a child's pool (child_thread.h).
 */
#include "infra/child_thread.h"

typedef struct {
    apr_thread_t *thread;
    void *data;
    void (*stop)(void *data);
} child_thread;

static apr_status_t stop_and_join(void *arg)
{
    child_thread *ct = arg;
    apr_status_t rv;
    ct->stop(ct->data);
    apr_thread_join(&rv, ct->thread);
    return APR_SUCCESS;
}

apr_status_t et_child_thread_start(apr_pool_t *pchild, apr_thread_start_t fn, void *data,
                                   void (*stop)(void *data))
{
    child_thread *ct = apr_pcalloc(pchild, sizeof(*ct));
    apr_status_t rv = apr_thread_create(&ct->thread, NULL, fn, data, pchild);
    if (rv != APR_SUCCESS)
        return rv;
    ct->data = data;
    ct->stop = stop;
    apr_pool_pre_cleanup_register(pchild, ct, stop_and_join);
    return APR_SUCCESS;
}

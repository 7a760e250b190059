/*
 * cache_remote.c: the redis and memcached clients of the token cache (see
 * cache_remote.h). Non-blocking sockets and poll() against one deadline per
 * exchange; idle connections kept per server and process; one thread per
 * process that probes failed servers, renews their generation when a
 * revocation did not land, and logs each change of state once.
 */
#include "infra/cache_remote.h"
#include "infra/cache_health.h"
#include "infra/cache_proto.h"

#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>
#include <apr_thread_proc.h>

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#define IDLE_MAX   16
#define REPLY_MAX  4096
#define KEY_PREFIX "everytime:"
/* how often the recovery thread looks at the servers' state */
#define TICK apr_time_from_msec(100)

typedef struct remote_server {
    const char *name; /* host:port, for the log */
    struct sockaddr_storage addr;
    socklen_t addrlen;
    apr_thread_mutex_t *lock; /* per process, from child_init */
    et_cache_health health;
    int idle[IDLE_MAX];
    int nidle;
} remote_server;

struct et_remote {
    et_remote_kind kind;
    int n;
    remote_server *servers;
    apr_interval_time_t timeout; /* the probes' */
    server_rec *s;
    int registered;
    et_remote *next;
};

static et_remote *registry;

static const char *kind_name(const et_remote *rc)
{
    return rc->kind == ET_REMOTE_REDIS ? "redis" : "memcache";
}

int et_remote_kind_of(const char *name, et_remote_kind *kind)
{
    if (!strcasecmp(name, "redis"))
        *kind = ET_REMOTE_REDIS;
    else if (!strcasecmp(name, "memcache"))
        *kind = ET_REMOTE_MEMCACHE;
    else
        return 0;
    return 1;
}

/* ---- configuration ------------------------------------------------------ */

static const char *resolve(apr_pool_t *p, remote_server *sv, const char *host, const char *port)
{
    struct addrinfo hints = {0}, *res;
    int rc;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
        return apr_psprintf(p, "cannot resolve '%s': %s", host, gai_strerror(rc));
    memcpy(&sv->addr, res->ai_addr, res->ai_addrlen);
    sv->addrlen = res->ai_addrlen;
    freeaddrinfo(res);
    sv->name = apr_pstrcat(p, host, ":", port, NULL);
    return NULL;
}

/* "host", "host:port" or "[v6]:port" */
static const char *parse_server(apr_pool_t *p, et_remote *rc, char *item, remote_server *sv)
{
    const char *port = rc->kind == ET_REMOTE_REDIS ? "6379" : "11211";
    char *host = item, *colon;
    if (*item == '[') {
        char *close = strchr(item, ']');
        if (!close || (close[1] && close[1] != ':'))
            return apr_psprintf(p, "bad server '%s'", item);
        host = item + 1;
        *close = '\0';
        colon = close[1] ? close + 1 : NULL;
    } else {
        colon = strrchr(item, ':');
    }
    if (colon) {
        apr_int64_t n = apr_atoi64(colon + 1);
        *colon = '\0';
        if (n < 1 || n > 65535 || strspn(colon + 1, "0123456789") != strlen(colon + 1))
            return apr_psprintf(p, "bad port in '%s'", item);
        port = colon + 1;
    }
    if (!*host)
        return apr_psprintf(p, "no host in '%s'", item);
    return resolve(p, sv, host, port);
}

const char *et_remote_create(apr_pool_t *p, et_remote_kind kind, const char *args, et_remote **out)
{
    et_remote *rc = apr_pcalloc(p, sizeof(*rc));
    char *list = apr_pstrdup(p, args && *args ? args : "127.0.0.1"), *item, *state;
    int cap = 1;
    const char *c, *err;
    for (c = list; *c; c++)
        cap += *c == ',';
    rc->kind = kind;
    rc->servers = apr_pcalloc(p, cap * sizeof(*rc->servers));
    for (item = apr_strtok(list, ",", &state); item; item = apr_strtok(NULL, ",", &state)) {
        apr_collapse_spaces(item, item);
        if (!*item)
            continue;
        if ((err = parse_server(p, rc, item, &rc->servers[rc->n])))
            return err;
        rc->n++;
    }
    if (rc->n == 0)
        return apr_psprintf(p, "no server in '%s'", args);
    *out = rc;
    return NULL;
}

static apr_status_t forget_registry(void *data)
{
    (void)data;
    registry = NULL;
    return APR_SUCCESS;
}

void et_remote_register(et_remote *rc, apr_pool_t *pconf, server_rec *s,
                        apr_interval_time_t timeout)
{
    if (!registry)
        apr_pool_cleanup_register(pconf, NULL, forget_registry, apr_pool_cleanup_null);
    if (rc->registered) {
        if (timeout < rc->timeout)
            rc->timeout = timeout;
        return;
    }
    rc->registered = 1;
    rc->timeout = timeout;
    rc->s = s;
    rc->next = registry;
    registry = rc;
}

/* ---- one exchange, against a deadline -------------------------------------- */

static apr_status_t wait_fd(int fd, short events, apr_time_t deadline)
{
    for (;;) {
        apr_interval_time_t left = deadline - apr_time_now();
        struct pollfd pfd = {fd, events, 0};
        int n;
        if (left <= 0)
            return APR_TIMEUP;
        n = poll(&pfd, 1, (int)((left + 999) / 1000));
        if (n > 0)
            return APR_SUCCESS; /* an error or hang-up shows in the next call */
        if (n < 0 && errno != EINTR)
            return APR_FROM_OS_ERROR(errno);
    }
}

static apr_status_t connect_to(const remote_server *sv, apr_time_t deadline, int *out)
{
    int fd = socket(sv->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1, err = 0;
    socklen_t errlen = sizeof(err);
    apr_status_t rv;
    if (fd < 0)
        return APR_FROM_OS_ERROR(errno);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (const struct sockaddr *)&sv->addr, sv->addrlen) == 0) {
        *out = fd;
        return APR_SUCCESS;
    }
    if (errno != EINPROGRESS) {
        rv = APR_FROM_OS_ERROR(errno);
    } else if ((rv = wait_fd(fd, POLLOUT, deadline)) == APR_SUCCESS) {
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0)
            err = errno;
        rv = err ? APR_FROM_OS_ERROR(err) : APR_SUCCESS;
    }
    if (rv != APR_SUCCESS) {
        close(fd);
        return rv;
    }
    *out = fd;
    return APR_SUCCESS;
}

static apr_status_t send_all(int fd, const char *buf, apr_size_t len, apr_time_t deadline)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        apr_status_t rv;
        if (n > 0) {
            buf += n;
            len -= (apr_size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return APR_FROM_OS_ERROR(errno);
        if ((rv = wait_fd(fd, POLLOUT, deadline)) != APR_SUCCESS)
            return rv;
    }
    return APR_SUCCESS;
}

/* A reply as it comes in: the bytes, and what the protocol made of them. */
typedef struct reply_buf {
    char data[REPLY_MAX];
    apr_size_t len;
    et_proto_reply reply;
} reply_buf;

static int parse(const et_remote *rc, reply_buf *rb, int nkeys, const char *const *keys,
                 apr_size_t *used)
{
    if (rc->kind == ET_REMOTE_REDIS)
        return et_resp_parse(rb->data, rb->len, &rb->reply, used);
    return et_mc_parse(rb->data, rb->len, nkeys, keys, &rb->reply, used);
}

/* Reads until one whole reply is in; anything after it is a desync. */
static apr_status_t read_reply(const et_remote *rc, int fd, apr_time_t deadline, int nkeys,
                               const char *const *keys, reply_buf *rb)
{
    apr_size_t used = 0;
    rb->len = 0;
    for (;;) {
        ssize_t n;
        int state;
        apr_status_t rv;
        if (rb->len == sizeof(rb->data))
            return APR_ENOSPC;
        n = recv(fd, rb->data + rb->len, sizeof(rb->data) - rb->len, 0);
        if (n == 0)
            return APR_EOF;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                return APR_FROM_OS_ERROR(errno);
            if ((rv = wait_fd(fd, POLLIN, deadline)) != APR_SUCCESS)
                return rv;
            continue;
        }
        rb->len += (apr_size_t)n;
        state = parse(rc, rb, nkeys, keys, &used);
        if (state == ET_PROTO_BAD || (state == ET_PROTO_DONE && used != rb->len))
            return APR_EGENERAL;
        if (state == ET_PROTO_DONE)
            return APR_SUCCESS;
    }
}

static void lock(remote_server *sv)
{
    if (sv->lock)
        apr_thread_mutex_lock(sv->lock);
}

static void unlock(remote_server *sv)
{
    if (sv->lock)
        apr_thread_mutex_unlock(sv->lock);
}

static int take_idle(remote_server *sv)
{
    int fd = -1;
    lock(sv);
    if (sv->nidle > 0)
        fd = sv->idle[--sv->nidle];
    unlock(sv);
    return fd;
}

static void give_back(remote_server *sv, int fd)
{
    lock(sv);
    if (sv->nidle < IDLE_MAX) {
        sv->idle[sv->nidle++] = fd;
        fd = -1;
    }
    unlock(sv);
    if (fd >= 0)
        close(fd);
}

/* The server closed a kept connection (restarted, or its idle timeout):
 * the others kept from before are as dead. */
static void drop_idle(remote_server *sv)
{
    lock(sv);
    while (sv->nidle > 0)
        close(sv->idle[--sv->nidle]);
    unlock(sv);
}

/* One request and its reply within timeout. A kept connection that turns
 * out closed is replaced once, within the same deadline; a timeout is
 * never retried. */
static apr_status_t exchange(const et_remote *rc, remote_server *sv, apr_interval_time_t timeout,
                             const char *req, apr_size_t len, int nkeys, const char *const *keys,
                             reply_buf *rb)
{
    apr_time_t deadline = apr_time_now() + timeout;
    int attempt;
    apr_status_t rv = APR_EGENERAL;
    for (attempt = 0; attempt < 2; attempt++) {
        int fd = take_idle(sv), kept = fd >= 0;
        if (!kept && (rv = connect_to(sv, deadline, &fd)) != APR_SUCCESS)
            return rv;
        rv = send_all(fd, req, len, deadline);
        if (rv == APR_SUCCESS)
            rv = read_reply(rc, fd, deadline, nkeys, keys, rb);
        if (rv == APR_SUCCESS) {
            give_back(sv, fd);
            return rv;
        }
        close(fd);
        if (!kept || APR_STATUS_IS_TIMEUP(rv))
            return rv;
        drop_idle(sv);
    }
    return rv;
}

/* ---- health: skip, fail, log once ----------------------------------------- */

static remote_server *server_for(et_remote *rc, const char *route)
{
    apr_uint32_t h = 2166136261u; /* FNV-1a: the same choice on every node */
    const unsigned char *k;
    if (rc->n == 1)
        return &rc->servers[0];
    for (k = (const unsigned char *)route; *k; k++)
        h = (h ^ *k) * 16777619u;
    return &rc->servers[h % (apr_uint32_t)rc->n];
}

/* May a request ask sv now? A required write that may not is remembered. */
static int admit(remote_server *sv, int required)
{
    int ok;
    lock(sv);
    ok = et_health_usable(&sv->health);
    if (!ok && required)
        et_health_skipped_required(&sv->health);
    unlock(sv);
    return ok;
}

static void failed(et_remote *rc, request_rec *r, remote_server *sv, apr_status_t rv, int required)
{
    int changed;
    lock(sv);
    changed = et_health_failed(&sv->health, apr_time_now(), required);
    unlock(sv);
    if (changed)
        ET_LOG(r, APLOG_ERR, rv,
               "token cache %s server %s failed: skipped by this process, "
               "which asks the database, until it answers again",
               kind_name(rc), sv->name);
}

static apr_interval_time_t request_timeout(request_rec *r)
{
    return apr_time_from_msec(et_conf(r->server)->cache_timeout);
}

/* An exchange of a request with route's server, guarded by its health. */
static apr_status_t guarded(et_remote *rc, request_rec *r, remote_server *sv, int required,
                            const char *req, apr_size_t len, int nkeys, const char *const *keys,
                            reply_buf *rb)
{
    apr_status_t rv;
    if (!req)
        return APR_EINVAL; /* a key the protocol cannot carry */
    if (!admit(sv, required))
        return ET_CACHE_SKIPPED;
    rv = exchange(rc, sv, request_timeout(r), req, len, nkeys, keys, rb);
    if (rv == APR_SUCCESS && rb->reply.kind == ET_REPLY_ERROR)
        rv = APR_EGENERAL;
    if (rv != APR_SUCCESS)
        failed(rc, r, sv, rv, required);
    return rv;
}

/* ---- the operations --------------------------------------------------------- */

static const char *wire_key(apr_pool_t *p, const char *key)
{
    return apr_pstrcat(p, KEY_PREFIX, key, NULL);
}

apr_status_t et_remote_get_many(et_remote *rc, request_rec *r, const char *route, int n,
                                const char *const *keys, char (*vals)[ET_CACHE_MAX_VALUE],
                                apr_size_t *lens)
{
    const char *wire[ET_PROTO_MAX_ITEMS + 1];
    reply_buf *rb = apr_palloc(r->pool, sizeof(*rb));
    const char *req;
    apr_size_t len;
    apr_status_t rv;
    int i;
    if (n < 1 || n > ET_PROTO_MAX_ITEMS)
        return APR_EINVAL;
    wire[0] = "MGET";
    for (i = 0; i < n; i++)
        wire[i + 1] = wire_key(r->pool, keys[i]);
    req = rc->kind == ET_REMOTE_REDIS ? et_resp_command(r->pool, n + 1, wire, &len)
                                      : et_mc_get(r->pool, n, wire + 1, &len);
    rv = guarded(rc, r, server_for(rc, route), 0, req, len, n, wire + 1, rb);
    if (rv != APR_SUCCESS)
        return rv;
    if (rb->reply.kind != ET_REPLY_VALUES || rb->reply.n != n)
        return APR_EGENERAL;
    for (i = 0; i < n; i++) {
        const et_proto_item *it = &rb->reply.items[i];
        if (!it->data || it->len >= ET_CACHE_MAX_VALUE) {
            lens[i] = ET_CACHE_ABSENT;
            continue;
        }
        memcpy(vals[i], it->data, it->len);
        vals[i][it->len] = '\0';
        lens[i] = it->len;
    }
    return APR_SUCCESS;
}

/* redis: SET key val [PX ms] [NX] */
static const char *redis_store(apr_pool_t *p, et_cache_store_mode mode, const char *key,
                               const char *val, apr_interval_time_t ttl, apr_size_t *len)
{
    const char *argv[6] = {"SET", key, val};
    int argc = 3;
    if (ttl > 0) {
        argv[argc++] = "PX";
        argv[argc++] = apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)(ttl + 999) / 1000);
    }
    if (mode == ET_STORE_ADD)
        argv[argc++] = "NX";
    return et_resp_command(p, argc, argv, len);
}

static apr_status_t store_result(const et_remote *rc, const reply_buf *rb)
{
    const et_proto_reply *rp = &rb->reply;
    if (rc->kind == ET_REMOTE_REDIS) {
        if (rp->kind == ET_REPLY_STATUS)
            return APR_SUCCESS;
        /* SET NX that found the key: a nil bulk */
        return rp->kind == ET_REPLY_VALUES && rp->n == 1 && !rp->items[0].data ? APR_EEXIST
                                                                               : APR_EGENERAL;
    }
    if (rp->line_len == 6 && !memcmp(rp->line, "STORED", 6))
        return APR_SUCCESS;
    return rp->line_len == 10 && !memcmp(rp->line, "NOT_STORED", 10) ? APR_EEXIST : APR_EGENERAL;
}

static const char *store_request(const et_remote *rc, apr_pool_t *p, et_cache_store_mode mode,
                                 const char *key, const char *val, apr_interval_time_t ttl,
                                 apr_size_t *len)
{
    if (rc->kind == ET_REMOTE_REDIS)
        return redis_store(p, mode, key, val, ttl, len);
    return et_mc_store(p, mode == ET_STORE_ADD ? "add" : "set", key, val,
                       ttl > 0 ? (apr_int64_t)apr_time_sec(ttl + APR_USEC_PER_SEC - 1) : 0,
                       (apr_int64_t)apr_time_sec(apr_time_now()), len);
}

apr_status_t et_remote_store(et_remote *rc, request_rec *r, const char *route,
                             et_cache_store_mode mode, const char *key, const char *val,
                             apr_interval_time_t ttl)
{
    reply_buf *rb = apr_palloc(r->pool, sizeof(*rb));
    remote_server *sv = server_for(rc, route);
    int required = mode == ET_STORE_REQUIRED;
    apr_size_t len;
    const char *req = store_request(rc, r->pool, mode, wire_key(r->pool, key), val, ttl, &len);
    apr_status_t rv = guarded(rc, r, sv, required, req, len, 0, NULL, rb);
    if (rv != APR_SUCCESS)
        return rv;
    rv = store_result(rc, rb);
    /* a server that answered but did not store what others must see */
    if (rv == APR_EGENERAL)
        failed(rc, r, sv, rv, required);
    return rv;
}

apr_status_t et_remote_remove(et_remote *rc, request_rec *r, const char *route, const char *key)
{
    reply_buf *rb = apr_palloc(r->pool, sizeof(*rb));
    const char *wire = wire_key(r->pool, key), *req;
    apr_size_t len;
    if (rc->kind == ET_REMOTE_REDIS) {
        const char *argv[2] = {"DEL", wire};
        req = et_resp_command(r->pool, 2, argv, &len);
    } else {
        req = et_mc_key_ok(wire) ? apr_pstrcat(r->pool, "delete ", wire, "\r\n", NULL) : NULL;
        len = req ? strlen(req) : 0;
    }
    return guarded(rc, r, server_for(rc, route), 0, req, len, 0, NULL, rb);
}

int et_remote_usable(et_remote *rc, const char *route)
{
    return admit(server_for(rc, route), 0);
}

/* ---- the recovery thread ------------------------------------------------------ */

static apr_thread_mutex_t *thread_lock;
static apr_thread_cond_t *thread_wake;
static apr_thread_t *thread;
static volatile int stopping;

/* Does sv answer, and does it take a new generation? Renewed on every
 * return, not only after a revocation of this process failed: another
 * process or node may have failed one, and this one cannot know. The cost
 * is one database query per family afterwards. */
static apr_status_t probe(const et_remote *rc, remote_server *sv, apr_pool_t *p)
{
    reply_buf *rb = apr_palloc(p, sizeof(*rb));
    const char *req;
    apr_size_t len;
    apr_status_t rv;
    if (rc->kind == ET_REMOTE_REDIS) {
        const char *argv[1] = {"PING"};
        req = et_resp_command(p, 1, argv, &len);
    } else {
        req = "version\r\n";
        len = strlen(req);
    }
    rv = exchange(rc, sv, rc->timeout, req, len, 0, NULL, rb);
    if (rv == APR_SUCCESS && rb->reply.kind == ET_REPLY_ERROR)
        rv = APR_EGENERAL;
    if (rv != APR_SUCCESS)
        return rv;
    req = store_request(rc, p, ET_STORE_SET, wire_key(p, ET_CACHE_GENERATION_KEY),
                        et_cache_new_generation(p), 0, &len);
    rv = exchange(rc, sv, rc->timeout, req, len, 0, NULL, rb);
    return rv == APR_SUCCESS ? store_result(rc, rb) : rv;
}

static void probe_server(const et_remote *rc, remote_server *sv, apr_pool_t *p)
{
    unsigned dirty;
    int due, back = 0;
    apr_status_t rv;
    lock(sv);
    due = et_health_probe_due(&sv->health, apr_time_now());
    dirty = sv->health.dirty;
    unlock(sv);
    if (!due)
        return;
    rv = probe(rc, sv, p);
    lock(sv);
    if (rv == APR_SUCCESS)
        back = et_health_recovered(&sv->health, dirty);
    else
        et_health_probe_failed(&sv->health, apr_time_now());
    unlock(sv);
    if (back)
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, rc->s,
                     "token cache %s server %s answers again: used again by this process "
                     "(its generation renewed: no entry of before the failure is trusted)",
                     kind_name(rc), sv->name);
}

/* data: a pool of the thread's own, made before it started */
static void *APR_THREAD_FUNC recovery(apr_thread_t *t, void *data)
{
    apr_pool_t *p = data;
    apr_thread_mutex_lock(thread_lock);
    while (!stopping) {
        et_remote *rc;
        int i;
        apr_thread_cond_timedwait(thread_wake, thread_lock, TICK);
        if (stopping)
            break;
        apr_thread_mutex_unlock(thread_lock);
        for (rc = registry; rc; rc = rc->next)
            for (i = 0; i < rc->n; i++)
                probe_server(rc, &rc->servers[i], p);
        apr_pool_clear(p);
        apr_thread_mutex_lock(thread_lock);
    }
    apr_thread_mutex_unlock(thread_lock);
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

static apr_status_t stop_recovery(void *data)
{
    apr_status_t rv;
    (void)data;
    if (!thread)
        return APR_SUCCESS;
    apr_thread_mutex_lock(thread_lock);
    stopping = 1;
    apr_thread_cond_signal(thread_wake);
    apr_thread_mutex_unlock(thread_lock);
    apr_thread_join(&rv, thread);
    thread = NULL;
    return APR_SUCCESS;
}

void et_remote_child_init(apr_pool_t *pchild, server_rec *s)
{
    et_remote *rc;
    apr_pool_t *scratch;
    apr_status_t rv;
    int i;
    if (!registry)
        return;
    for (rc = registry; rc; rc = rc->next)
        for (i = 0; i < rc->n; i++)
            apr_thread_mutex_create(&rc->servers[i].lock, APR_THREAD_MUTEX_DEFAULT, pchild);
    stopping = 0;
    if ((rv = apr_thread_mutex_create(&thread_lock, APR_THREAD_MUTEX_DEFAULT, pchild)) ||
        (rv = apr_thread_cond_create(&thread_wake, pchild)) ||
        (rv = apr_pool_create(&scratch, pchild)) ||
        (rv = apr_thread_create(&thread, NULL, recovery, scratch, pchild))) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     "cannot start the token cache's recovery thread: a failed cache "
                     "server stays skipped by this process");
        thread = NULL;
        return;
    }
    /* before the pool's own cleanups free what the thread uses */
    apr_pool_pre_cleanup_register(pchild, NULL, stop_recovery);
}

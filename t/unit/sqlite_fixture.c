/*
 * sqlite_fixture.c: see sqlite_fixture.h.
 */
#include "sqlite_fixture.h"
#include "stubs.h"
#include "core/config.h"

#include <apr_dbd.h>
#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_hooks.h>
#include <apr_optional.h>
#include <check.h>
#include <mod_dbd.h>
#include <stdlib.h>

static apr_pool_t *fpool;
static server_rec *server;
static ap_dbd_t *conn;
static int opened;
static char dir[] = "/tmp/et-unit-db-XXXXXX";

static ap_dbd_t *fake_acquire(request_rec *r)
{
    (void)r;
    return conn;
}

static ap_dbd_t *fake_open(apr_pool_t *p, server_rec *s)
{
    (void)p;
    (void)s;
    opened++;
    return conn;
}

static void fake_close(server_rec *s, ap_dbd_t *dbd)
{
    (void)s;
    (void)dbd;
    opened--;
}

int et_fixture_exec(const char *sql)
{
    int n = 0;
    return apr_dbd_query(conn->driver, conn->handle, &n, sql);
}

/* Every statement of one migration file, run one by one (the driver runs
 * only the first statement of a string): comment lines out first, as they
 * may hold a semicolon. */
static void migrate(const char *path)
{
    apr_file_t *f;
    apr_finfo_t fi;
    char *text, *line, *stmt, *last = NULL;
    const char *sql = "";
    apr_size_t len;
    ck_assert_int_eq(apr_file_open(&f, path, APR_READ, 0, fpool), APR_SUCCESS);
    apr_file_info_get(&fi, APR_FINFO_SIZE, f);
    len = (apr_size_t)fi.size;
    text = apr_pcalloc(fpool, len + 1);
    apr_file_read_full(f, text, len, &len);
    apr_file_close(f);
    for (line = apr_strtok(text, "\n", &last); line; line = apr_strtok(NULL, "\n", &last))
        if (strncmp(line, "--", 2))
            sql = apr_pstrcat(fpool, sql, line, "\n", NULL);
    text = apr_pstrdup(fpool, sql);
    for (stmt = apr_strtok(text, ";", &last); stmt; stmt = apr_strtok(NULL, ";", &last)) {
        if (!stmt[strspn(stmt, " \t\r\n")])
            continue;
        ck_assert_msg(et_fixture_exec(stmt) == 0, "%s: %s", path,
                      apr_dbd_error(conn->driver, conn->handle, 1));
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void migrate_all(void)
{
    const char *sqldir = ET_SRCDIR "/sql/sqlite";
    apr_array_header_t *names = apr_array_make(fpool, 8, sizeof(char *));
    apr_dir_t *d;
    apr_finfo_t fi;
    int i;
    ck_assert_int_eq(apr_dir_open(&d, sqldir, fpool), APR_SUCCESS);
    /* APR_INCOMPLETE: the name is there, some other field is not */
    while (apr_dir_read(&fi, APR_FINFO_NAME, d) != APR_ENOENT)
        if (fi.name && fi.name[0] >= '0' && fi.name[0] <= '9')
            APR_ARRAY_PUSH(names, char *) = apr_pstrdup(fpool, fi.name);
    apr_dir_close(d);
    qsort(names->elts, names->nelts, sizeof(char *), by_name);
    ck_assert_int_ge(names->nelts, 6);
    for (i = 0; i < names->nelts; i++)
        migrate(apr_pstrcat(fpool, sqldir, "/", APR_ARRAY_IDX(names, i, char *), NULL));
}

server_rec *et_fixture_open(apr_pool_t *p, const et_stmt *const *tables)
{
    const apr_dbd_driver_t *driver = NULL;
    et_srv_conf *conf;
    cmd_parms cmd;
    command_rec directive = {0};
    const char *err;

    fpool = p;
    /* the optional functions' table lives as long as the process */
    if (!apr_hook_global_pool)
        apr_pool_create(&apr_hook_global_pool, NULL);
    strcpy(dir, "/tmp/et-unit-db-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(apr_dbd_init(p), APR_SUCCESS);
    ck_assert_int_eq(apr_dbd_get_driver(p, "sqlite3", &driver), APR_SUCCESS);
    conn = apr_pcalloc(p, sizeof(*conn));
    conn->driver = driver;
    conn->pool = p;
    conn->prepared = apr_hash_make(p);
    ck_assert_int_eq(apr_dbd_open(driver, p, apr_pstrcat(p, dir, "/unit.db", NULL), &conn->handle),
                     APR_SUCCESS);
    /* a throwaway database: no fsync per statement, so a loaded machine
     * runs the cases within Check's timeout */
    ck_assert_int_eq(et_fixture_exec("PRAGMA synchronous = OFF"), 0);
    migrate_all();

    server = apr_pcalloc(p, sizeof(*server));
    server->log.level = APLOG_DEBUG;
    conf = et_create_server_config(p, server);
    conf->database = "sqlite3";
    et_stub_server_config(server, conf);

    apr_dynamic_fn_register("ap_dbd_acquire", (apr_opt_fn_t *)fake_acquire);
    apr_dynamic_fn_register("ap_dbd_open", (apr_opt_fn_t *)fake_open);
    apr_dynamic_fn_register("ap_dbd_close", (apr_opt_fn_t *)fake_close);
    et_db_use_statements(tables);
    memset(&cmd, 0, sizeof(cmd));
    cmd.pool = p;
    cmd.temp_pool = p;
    cmd.server = server;
    directive.name = "EverytimeDatabase";
    cmd.cmd = &directive;
    err = et_db_register_statements(&cmd);
    ck_assert_msg(err == NULL, "%s", err);
    opened = 0;
    return server;
}

void et_fixture_close(void)
{
    if (conn && conn->handle)
        apr_dbd_close(conn->driver, conn->handle);
    conn = NULL;
    apr_file_remove(apr_pstrcat(fpool, dir, "/unit.db", NULL), fpool);
    apr_dir_remove(dir, fpool);
}

request_rec *et_fixture_request(apr_pool_t *p)
{
    request_rec *r = apr_pcalloc(p, sizeof(*r));
    r->pool = p;
    r->server = server;
    r->log = &server->log; /* what ap_log_rerror's level check reads */
    r->headers_in = apr_table_make(p, 4);
    r->headers_out = apr_table_make(p, 4);
    r->err_headers_out = apr_table_make(p, 4);
    r->notes = apr_table_make(p, 4);
    return r;
}

apr_int64_t et_fixture_number(const char *sql)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    apr_int64_t n = -1;
    ck_assert_int_eq(apr_dbd_select(conn->driver, fpool, conn->handle, &res, sql, 0), 0);
    while (apr_dbd_get_row(conn->driver, fpool, res, &row, -1) == 0) {
        const char *v = apr_dbd_get_entry(conn->driver, row, 0);
        n = v ? apr_atoi64(v) : 0;
    }
    return n;
}

int et_fixture_open_connections(void)
{
    return opened;
}

ap_dbd_t *et_fixture_dbd(void)
{
    return conn;
}

/*
 * db_prepare.h: the module's statements on a pooled connection, prepared
 * the first time a request runs them there.
 *
 * mod_dbd prepares every statement registered with ap_dbd_prepare on each
 * connection it opens, before that connection serves anything: about 220
 * here. On PostgreSQL the first seconds of load opened some 60 connections,
 * so some 13,000 PREPAREs, and requests waited up to a second
 * (bench/README.md, "PostgreSQL's first second"). So the module registers
 * none with mod_dbd. A statement is prepared on a connection when a request
 * first runs it there, and kept in the connection's prepared hash, as
 * mod_dbd keeps its own. What eager preparation also did, finding at once
 * a statement that does not prepare on this database, each process does on
 * its first connection (et_db_prepare_all).
 */
#ifndef ET_DB_PREPARE_H
#define ET_DB_PREPARE_H

#include "everytime.h"
#include "infra/db_stmt.h"
#include <apr_dbd.h>
#include <mod_dbd.h>

/* e's prepared statement on dbd in *st, prepared now when this connection
 * has not run it yet: 0, or the driver's error (call apr_dbd_error next). */
int et_db_prepared(ap_dbd_t *dbd, const et_stmt *e, apr_dbd_prepared_t **st);

/*
 * After a statement that was prepared on dbd failed as if the connection
 * were lost, and the driver has checked the connection (apr_dbd_check_conn,
 * which re-establishes a lost session): prepares e again. A healthy
 * PostgreSQL session still has e and refuses. A new session accepts, and
 * the statements of the old one are forgotten: each is prepared again when
 * it next runs. 1 when e is prepared on what is then a new session.
 */
int et_db_prepare_again(ap_dbd_t *dbd, const et_stmt *e);

/* Prepares every statement of tables (a list ending with NULL) on dbd and
 * logs, at crit on s, each whose SQL the database refuses (ET_DB_BUG): the
 * number refused, or -1 as soon as one fails otherwise (the database is
 * down or busy: the check says nothing and may run again later). */
int et_db_prepare_all(ap_dbd_t *dbd, const et_stmt *const *tables, server_rec *s);

#endif

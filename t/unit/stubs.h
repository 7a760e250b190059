/*
 * stubs.h: what the httpd stubs of stubs.c let a unit test see and steer.
 * The stubs stand in for httpd's own functions, so that the library that
 * ships (mod_everytime/libeverytime.la) links into a plain program.
 */
#ifndef ET_UNIT_STUBS_H
#define ET_UNIT_STUBS_H

/* first: APR_OFFSETOF is offsetof() only when this came before APR (everytime.h) */
#include <stddef.h>

#include <httpd.h>

/* Everything the code under test logged, one line each, since the last reset.
 * Set ET_UNIT_VERBOSE=1 to also see it on stderr. */
const char *et_stub_log(void);
void et_stub_log_reset(void);

/* The request body that ap_get_brigade / ap_get_client_block hand out. */
void et_stub_set_input(const char *data, apr_size_t len);

/* What was written to the client (ap_pass_brigade, ap_rwrite, ...). */
const char *et_stub_output(apr_size_t *len);
void et_stub_output_reset(void);

/* The answer of ap_auth_type() (NULL by default). */
void et_stub_set_auth_type(const char *type);

/* Makes conf (an et_srv_conf) the module's config of server s, as httpd does
 * before reading directives; the module index is 0 when httpd never set one.
 * One vector for all servers: a test uses one server at a time. */
void et_stub_server_config(server_rec *s, void *conf);

#endif

/*
 * multipart.h: a streaming reader of multipart/form-data (RFC 7578, framing
 * of RFC 2046) for media uploads. Debian 12 has no libapreq2, so this small
 * push parser stands in for it: the caller feeds the body as it arrives, in
 * pieces of any size, and the bytes of the one part named "file" come out of
 * a callback as they are found. Nothing but one part's header block is held
 * in memory; a boundary split across two pieces is found all the same.
 *
 * Rules (each refusal is a status below, and the reader then stays failed):
 *  - the preamble before the first delimiter and the epilogue after the
 *    closing one are ignored;
 *  - every part needs "Content-Disposition: form-data; name=..."; its header
 *    block may hold at most ET_MP_HEADER_CAP bytes;
 *  - parts with another name are read and dropped, at most ET_MP_FIELDS_CAP
 *    bytes of them (headers and content) in all;
 *  - a second part named "file" is refused (ET_MP_EDUPLICATE): an upload is
 *    one file, and guessing which of two the client meant is not our job;
 *  - the body must end with the closing delimiter ("--boundary--"), else it
 *    was cut short (ET_MP_ETRUNCATED), and must have had a "file" part
 *    (ET_MP_EMISSING). A part's own Content-Type and filename are ignored:
 *    the caller decides the type by the bytes, and names the file itself.
 */
#ifndef ET_MULTIPART_H
#define ET_MULTIPART_H

#include <apr_pools.h>

#define ET_MP_FILE_FIELD "file"
#define ET_MP_HEADER_CAP 8192
#define ET_MP_FIELDS_CAP 65536
/* RFC 2046: a boundary is 1 to 70 characters */
#define ET_MP_BOUNDARY_MAX 70
/* What a body may hold besides the file's bytes: the other fields, the file
 * part's header block, and room for delimiters and a short preamble. */
#define ET_MP_OVERHEAD (ET_MP_FIELDS_CAP + ET_MP_HEADER_CAP + 4096)

typedef enum {
    ET_MP_OK = 0,
    ET_MP_ESYNTAX,      /* a delimiter line or a part header that breaks the grammar */
    ET_MP_EHEADER_SIZE, /* a part's header block over ET_MP_HEADER_CAP */
    ET_MP_EFIELDS_SIZE, /* other fields over ET_MP_FIELDS_CAP */
    ET_MP_EDUPLICATE,   /* a second "file" part */
    ET_MP_EMISSING,     /* no "file" part (et_mp_finish) */
    ET_MP_ETRUNCATED,   /* no closing delimiter (et_mp_finish) */
    ET_MP_EABORT,       /* the file callback said stop */
    ET_MP_EBOUNDARY     /* (for callers) no valid boundary in the Content-Type */
} et_mp_status;

/* Receives the file part's bytes in order; returns 0 to go on, anything
 * else to stop the reader with ET_MP_EABORT (a size limit, a write error). */
typedef int (*et_mp_file_fn)(void *baton, const char *data, apr_size_t len);

typedef struct et_mp et_mp;

/* 1 when content_type is multipart/form-data (with or without parameters). */
int et_mp_is_form_data(const char *content_type);

/* The boundary parameter of a multipart/form-data Content-Type, quoted or
 * not, checked against RFC 2046 (1..70 characters of its set, no trailing
 * space); NULL when there is none or it is not valid. */
const char *et_mp_boundary(apr_pool_t *p, const char *content_type);

/* A reader for one body. boundary as et_mp_boundary returned it. */
et_mp *et_mp_create(apr_pool_t *p, const char *boundary, et_mp_file_fn fn, void *baton);

/* Feeds the next len bytes of the body. ET_MP_OK, or the error that stopped
 * the reader (every later call answers the same). */
et_mp_status et_mp_feed(et_mp *m, const char *data, apr_size_t len);

/* The body has ended: ET_MP_OK when the closing delimiter was seen and the
 * file part was found, else the reason. */
et_mp_status et_mp_finish(et_mp *m);

/* Bytes of the file part delivered so far. */
apr_size_t et_mp_file_size(const et_mp *m);

/* A short English description of a status, for logs and error details. */
const char *et_mp_status_text(et_mp_status s);

#endif

/*
 * upload.c: the request body streamed into a temporary file (upload.h).
 *
 * Read the way core/body.c reads JSON bodies (ap_get_brigade, blocking, until
 * EOS, never spinning on an empty read), but written out as it arrives, so a
 * 10 MiB image costs one brigade of memory, not 10 MiB. The type is decided
 * as soon as the first ET_SNIFF_LEN bytes are in, so a body that is not an
 * image is refused without reading, or storing, the rest of it.
 */
#include "domain/upload.h"
#include "infra/util.h"

#include <apr_file_io.h>
#include <http_protocol.h>
#include <util_filter.h>

/* bytes asked of the input filters at a time */
#define ET_UPLOAD_READ     65536
#define ET_UPLOAD_TEMPLATE "/.upload-XXXXXX"

const char *et_image_type(const unsigned char *b, apr_size_t n, const char **ext)
{
    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff) {
        *ext = ".jpg";
        return "image/jpeg";
    }
    if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8)) {
        *ext = ".png";
        return "image/png";
    }
    if (n >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6))) {
        *ext = ".gif";
        return "image/gif";
    }
    if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4)) {
        *ext = ".webp";
        return "image/webp";
    }
    return NULL;
}

/* Where the bytes of the image go, from the raw body or the file part. */
typedef struct {
    apr_file_t *file;
    et_upload *up;
    apr_off_t max;
    unsigned char head[ET_SNIFF_LEN];
    et_up_status stop; /* why the sink refused more */
} up_sink;

/* Takes the next bytes of the image: 0 to go on, 1 to stop (s->stop says why). */
static int sink_write(void *baton, const char *data, apr_size_t len)
{
    up_sink *s = baton;
    et_upload *up = s->up;
    if (up->size + (apr_off_t)len > s->max) {
        s->stop = ET_UP_TOO_LARGE;
        return 1;
    }
    if (up->size < ET_SNIFF_LEN) {
        apr_size_t n = ET_SNIFF_LEN - (apr_size_t)up->size;
        memcpy(s->head + up->size, data, n < len ? n : len);
    }
    up->size += (apr_off_t)len;
    if (!up->content_type && up->size >= ET_SNIFF_LEN &&
        !(up->content_type = et_image_type(s->head, ET_SNIFF_LEN, &up->ext))) {
        s->stop = ET_UP_UNSUPPORTED;
        return 1;
    }
    if (apr_file_write_full(s->file, data, len, NULL) != APR_SUCCESS) {
        s->stop = ET_UP_IO_ERROR;
        return 1;
    }
    return 0;
}

/* The request pool's safety net: a temporary file not kept goes with it. */
static apr_status_t remove_temporary(void *data)
{
    et_upload *up = data;
    if (up->path)
        apr_file_remove(up->path, NULL); /* unlink(2): the pool is not used */
    up->path = NULL;
    return APR_SUCCESS;
}

void et_upload_discard(request_rec *r, et_upload *up)
{
    if (up->path)
        apr_file_remove(up->path, r->pool);
    up->path = NULL;
}

apr_status_t et_upload_keep(request_rec *r, et_upload *up, const char *final_path)
{
    apr_status_t rv = apr_file_rename(up->path, final_path, r->pool);
    if (rv == APR_SUCCESS)
        up->path = NULL;
    return rv;
}

static apr_status_t open_temporary(request_rec *r, const char *dir, up_sink *s)
{
    char *path = apr_pstrcat(r->pool, dir, ET_UPLOAD_TEMPLATE, NULL);
    apr_status_t rv = apr_file_mktemp(&s->file, path,
                                      APR_FOPEN_CREATE | APR_FOPEN_READ | APR_FOPEN_WRITE |
                                          APR_FOPEN_EXCL | APR_FOPEN_BUFFERED,
                                      r->pool);
    if (rv != APR_SUCCESS) {
        ET_LOG(r, APLOG_ERR, rv,
               "cannot create a file in %s "
               "(EverytimeMediaDir must be writable by httpd's user)",
               dir);
        return rv;
    }
    s->up->path = path;
    apr_pool_cleanup_register(r->pool, s->up, remove_temporary, apr_pool_cleanup_null);
    /* mkstemp makes it 0600; media are public, and the serving httpd (or a
     * backup, a CDN sync) may read as another user */
    apr_file_perms_set(path,
                       APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD | APR_FPROT_WREAD);
    return APR_SUCCESS;
}

/* A body the input filters would not hand over: the caller answers rv as
 * every body read is answered (et_fail_body_read). */
static et_up_status read_failure(request_rec *r, et_upload *up, apr_status_t rv)
{
    if (rv != AP_FILTER_ERROR) /* else httpd has answered, and logged why */
        ET_LOG(r, APLOG_INFO, rv, "the upload body could not be read");
    up->read_error = rv;
    return ET_UP_READ_ERROR;
}

/* Hands one piece of the body on: to the sink, or through the form reader. */
static et_up_status take(up_sink *s, et_mp *form, const char *data, apr_size_t len)
{
    et_mp_status mrv;
    if (!form)
        return sink_write(s, data, len) ? s->stop : ET_UP_OK;
    mrv = et_mp_feed(form, data, len);
    if (mrv == ET_MP_EABORT)
        return s->stop;
    if (mrv != ET_MP_OK) {
        s->up->form_error = mrv;
        return ET_UP_BAD_FORM;
    }
    return ET_UP_OK;
}

/* Reads the body to its end, at most limit bytes of it. */
static et_up_status stream(request_rec *r, up_sink *s, et_mp *form, apr_off_t limit)
{
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_off_t total = 0;
    et_up_status st = ET_UP_OK;
    int eos = 0;
    while (!eos && st == ET_UP_OK) {
        apr_bucket *b;
        int got = 0;
        apr_status_t rv =
            ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES, APR_BLOCK_READ, ET_UPLOAD_READ);
        if (rv != APR_SUCCESS)
            st = read_failure(r, s->up, rv);
        for (b = APR_BRIGADE_FIRST(bb); st == ET_UP_OK && b != APR_BRIGADE_SENTINEL(bb);
             b = APR_BUCKET_NEXT(b)) {
            const char *data;
            apr_size_t len;
            if (APR_BUCKET_IS_EOS(b)) {
                eos = 1;
                break;
            }
            if (APR_BUCKET_IS_METADATA(b))
                continue;
            if ((rv = apr_bucket_read(b, &data, &len, APR_BLOCK_READ)) != APR_SUCCESS) {
                st = read_failure(r, s->up, rv);
                break;
            }
            got = got || len > 0;
            total += (apr_off_t)len;
            st = total > limit ? ET_UP_TOO_LARGE : take(s, form, data, len);
        }
        apr_brigade_cleanup(bb);
        if (st == ET_UP_OK && !got && !eos)
            st = read_failure(r, s->up, APR_EOF); /* nothing and no EOS: do not spin */
    }
    return st;
}

/* After the last byte: the form complete, the file on disk, the type known. */
static et_up_status finish(request_rec *r, up_sink *s, et_mp *form)
{
    et_upload *up = s->up;
    et_mp_status mrv;
    apr_status_t rv;
    if (form && (mrv = et_mp_finish(form)) != ET_MP_OK) {
        up->form_error = mrv;
        return ET_UP_BAD_FORM;
    }
    if ((rv = apr_file_close(s->file)) != APR_SUCCESS) {
        s->file = NULL;
        ET_LOG(r, APLOG_ERR, rv, "cannot write %s", up->path);
        return ET_UP_IO_ERROR;
    }
    s->file = NULL;
    if (up->size == 0)
        return ET_UP_EMPTY;
    /* shorter than ET_SNIFF_LEN: decide on what there is */
    if (!up->content_type &&
        !(up->content_type = et_image_type(s->head, (apr_size_t)up->size, &up->ext)))
        return ET_UP_UNSUPPORTED;
    return ET_UP_OK;
}

/* The declared body length, or -1 (chunked, absent, or garbage httpd will refuse). */
static apr_off_t declared_length(request_rec *r)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_int64_t n;
    if (!cl || apr_table_get(r->headers_in, "Transfer-Encoding") || et_parse_i64(cl, &n))
        return -1;
    return (apr_off_t)n;
}

et_up_status et_upload_receive(request_rec *r, const char *dir, apr_off_t max, et_upload **out)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    apr_off_t limit = max;
    et_mp *form = NULL;
    /* from the pool: its cleanup (remove_temporary) outlives the caller's frame */
    et_upload *up = *out = apr_pcalloc(r->pool, sizeof(*up));
    up_sink s;
    et_up_status st;

    memset(&s, 0, sizeof(s));
    s.up = up;
    s.max = max;
    if (et_mp_is_form_data(ct)) {
        const char *boundary = et_mp_boundary(r->pool, ct);
        if (!boundary) {
            up->form_error = ET_MP_EBOUNDARY;
            return ET_UP_BAD_FORM;
        }
        form = et_mp_create(r->pool, boundary, sink_write, &s);
        limit = max + ET_MP_OVERHEAD; /* the image, plus the form around it */
    }
    if (declared_length(r) > limit)
        return ET_UP_TOO_LARGE;
    if (open_temporary(r, dir, &s) != APR_SUCCESS)
        return ET_UP_IO_ERROR;
    st = stream(r, &s, form, limit);
    up->body_done = st == ET_UP_OK;
    if (st == ET_UP_OK)
        st = finish(r, &s, form);
    if (st != ET_UP_OK) {
        if (s.file)
            apr_file_close(s.file);
        et_upload_discard(r, up);
    }
    return st;
}

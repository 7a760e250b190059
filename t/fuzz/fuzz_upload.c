/*
 * fuzz_upload.c: uploads (upload.c): the type by magic bytes, and the body
 * streamed into a temporary file, raw or as a multipart/form-data form.
 *
 * Input: one selector byte (raw or form, Content-Length or chunked, the size
 * limit), then the body, served by the stub input filter. Properties:
 *  - et_image_type decides on the first ET_SNIFF_LEN bytes and, once it has
 *    decided, more bytes do not change its mind;
 *  - an accepted upload is a file of exactly up->size bytes, at most the
 *    limit, whose bytes are of the type reported (and, raw, are the body);
 *  - a refused upload leaves no file, and the request's pool removes the
 *    file of an accepted one that nobody kept.
 */
#include "fuzz.h"
#include "../unit/stubs.h"
#include "domain/upload.h"

#include <apr_buckets.h>
#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/et-fuzz-upload-XXXXXX";

static void remove_dir(void)
{
    rmdir(dir);
}

static void check_sniffing(const uint8_t *data, size_t size)
{
    const char *ext = NULL, *ext2 = NULL;
    const char *type = et_image_type(data, size, &ext), *first;
    size_t k;
    first = et_image_type(data, size < ET_SNIFF_LEN ? size : ET_SNIFF_LEN, &ext2);
    ET_FUZZ_CHECK(type == first);
    if (type)
        ET_FUZZ_CHECK(ext && ext == ext2 && ext[0] == '.');
    for (k = 0; k <= size && k <= ET_SNIFF_LEN; k++) {
        const char *shorter = et_image_type(data, k, &ext2);
        ET_FUZZ_CHECK(!shorter || shorter == type);
    }
}

static request_rec *fake_request(apr_pool_t *p, unsigned sel, const uint8_t *body, size_t len)
{
    request_rec *r = apr_pcalloc(p, sizeof(*r));
    r->pool = p;
    r->connection = apr_pcalloc(p, sizeof(conn_rec));
    r->connection->bucket_alloc = apr_bucket_alloc_create(p);
    r->headers_in = apr_table_make(p, 4);
    apr_table_setn(r->headers_in, "Content-Type",
                   sel & 1 ? "multipart/form-data; boundary=b" : "image/png");
    if (sel & 2)
        apr_table_setn(r->headers_in, "Transfer-Encoding", "chunked");
    else
        apr_table_setn(r->headers_in, "Content-Length", apr_psprintf(p, "%lu", (unsigned long)len));
    et_stub_set_input((const char *)body, len);
    return r;
}

static int files_in_dir(apr_pool_t *p)
{
    apr_dir_t *d;
    apr_finfo_t fi;
    int n = 0;
    ET_FUZZ_CHECK(apr_dir_open(&d, dir, p) == APR_SUCCESS);
    while (apr_dir_read(&fi, APR_FINFO_NAME, d) == APR_SUCCESS)
        n += strcmp(fi.name, ".") && strcmp(fi.name, "..");
    apr_dir_close(d);
    return n;
}

static void check_accepted(apr_pool_t *p, const et_upload *up, apr_off_t max, unsigned sel,
                           const uint8_t *body, size_t len)
{
    apr_finfo_t fi;
    apr_file_t *f;
    char *bytes;
    const char *ext;
    ET_FUZZ_CHECK(up->size > 0 && up->size <= max && up->body_done);
    ET_FUZZ_CHECK(apr_stat(&fi, up->path, APR_FINFO_SIZE, p) == APR_SUCCESS);
    ET_FUZZ_CHECK(fi.size == up->size);
    bytes = apr_palloc(p, (apr_size_t)up->size);
    ET_FUZZ_CHECK(apr_file_open(&f, up->path, APR_FOPEN_READ, 0, p) == APR_SUCCESS);
    ET_FUZZ_CHECK(apr_file_read_full(f, bytes, (apr_size_t)up->size, NULL) == APR_SUCCESS);
    apr_file_close(f);
    ET_FUZZ_CHECK(et_image_type((unsigned char *)bytes, (apr_size_t)up->size, &ext) ==
                  up->content_type);
    ET_FUZZ_CHECK(!strcmp(ext, up->ext));
    if (!(sel & 1))
        ET_FUZZ_CHECK((size_t)up->size == len && !memcmp(bytes, body, len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int made;
    apr_pool_t *p, *rp;
    et_upload *up = NULL;
    et_up_status st;
    apr_off_t max;
    unsigned sel;
    if (!made) {
        ET_FUZZ_CHECK(mkdtemp(dir) != NULL);
        atexit(remove_dir);
        made = 1;
    }
    check_sniffing(data, size);
    if (size < 1)
        return 0;
    sel = data[0];
    max = 16 << (sel >> 2 & 7); /* 16 bytes to 2 KiB */
    p = et_fuzz_begin();
    ET_FUZZ_CHECK(apr_pool_create(&rp, p) == APR_SUCCESS);
    st = et_upload_receive(fake_request(rp, sel, data + 1, size - 1), dir, max, &up);
    ET_FUZZ_CHECK(up != NULL);
    if (st == ET_UP_OK)
        check_accepted(p, up, max, sel, data + 1, size - 1);
    else
        ET_FUZZ_CHECK(files_in_dir(p) == 0);
    ET_FUZZ_CHECK(st != ET_UP_EMPTY || size == 1 || (sel & 1));
    apr_pool_destroy(rp);
    ET_FUZZ_CHECK(files_in_dir(p) == 0);
    et_fuzz_end(p);
    return 0;
}

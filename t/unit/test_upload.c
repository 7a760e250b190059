/*
 * test_upload.c: upload.c, the body streamed into a temporary file: the
 * type by magic bytes, raw and multipart bodies served by the stub input
 * filter (stubs.c hands out at most 64 KiB per read), the size limit with
 * and without a Content-Length, refusals that leave no file behind, the
 * atomic keep, and the request pool removing a file nobody kept.
 */
#include "suites.h"
#include "stubs.h"
#include "domain/upload.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static apr_pool_t *pool;
static const char *dir;

static void setup(void)
{
    char *tmpl;
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
    tmpl = apr_pstrdup(pool, "/tmp/et-upload-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    dir = tmpl;
}

static void teardown(void)
{
    /* a file left behind makes this fail */
    ck_assert_int_eq(apr_dir_remove(dir, pool), APR_SUCCESS);
    apr_pool_destroy(pool);
}

/* The files in dir, comma separated. */
static const char *files(void)
{
    apr_dir_t *d;
    apr_finfo_t fi;
    const char *out = "";
    ck_assert_int_eq(apr_dir_open(&d, dir, pool), APR_SUCCESS);
    while (apr_dir_read(&fi, APR_FINFO_NAME, d) == APR_SUCCESS)
        if (strcmp(fi.name, ".") && strcmp(fi.name, ".."))
            out = apr_pstrcat(pool, out, *out ? "," : "", fi.name, NULL);
    apr_dir_close(d);
    return out;
}

/* A request whose body is data, from a pool of its own. */
static request_rec *request(apr_pool_t *rp, const char *content_type, const char *data,
                            apr_size_t len, int chunked)
{
    request_rec *r = apr_pcalloc(rp, sizeof(*r));
    r->pool = rp;
    r->connection = apr_pcalloc(rp, sizeof(conn_rec));
    r->connection->bucket_alloc = apr_bucket_alloc_create(rp);
    r->headers_in = apr_table_make(rp, 4);
    if (content_type)
        apr_table_setn(r->headers_in, "Content-Type", content_type);
    if (chunked)
        apr_table_setn(r->headers_in, "Transfer-Encoding", "chunked");
    else
        apr_table_setn(r->headers_in, "Content-Length",
                       apr_psprintf(rp, "%lu", (unsigned long)len));
    et_stub_set_input(data, len);
    return r;
}

static char *file_text(const char *path, apr_size_t *len)
{
    apr_file_t *f;
    apr_finfo_t fi;
    char *buf;
    ck_assert_int_eq(apr_file_open(&f, path, APR_FOPEN_READ, 0, pool), APR_SUCCESS);
    ck_assert_int_eq(apr_file_info_get(&fi, APR_FINFO_SIZE | APR_FINFO_PROT, f), APR_SUCCESS);
    ck_assert_int_eq(fi.protection & APR_FPROT_WREAD, APR_FPROT_WREAD); /* served as public */
    *len = (apr_size_t)fi.size;
    buf = apr_palloc(pool, *len + 1);
    ck_assert_int_eq(apr_file_read_full(f, buf, *len, NULL), APR_SUCCESS);
    apr_file_close(f);
    return buf;
}

#define JPEG "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01"
#define PNG  "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"

/* ---- magic bytes ------------------------------------------------------------- */

static const struct {
    const char *bytes;
    apr_size_t len;
    const char *type, *ext;
} magic[] = {
#define M(b, t, e)             \
    {                          \
        b, sizeof(b) - 1, t, e \
    }
    M("\xff\xd8\xff", "image/jpeg", ".jpg"),
    M(JPEG, "image/jpeg", ".jpg"),
    M("\x89PNG\r\n\x1a\n", "image/png", ".png"),
    M(PNG, "image/png", ".png"),
    M("GIF87a", "image/gif", ".gif"),
    M("GIF89a\x01\x00", "image/gif", ".gif"),
    M("RIFF\x1a\x00\x00\x00WEBPVP8L", "image/webp", ".webp"),
    M("RIFF\x1a\x00\x00\x00WEBP", "image/webp", ".webp"),
    M("\xff\xd8", NULL, NULL),
    M("\x89PNG\r\n\x1a", NULL, NULL),
    M("\x89PNG\n\n\x1a\n", NULL, NULL),
    M("GIF88a", NULL, NULL),
    M("gif89a", NULL, NULL),
    M("RIFF\x1a\x00\x00\x00WAVEfmt ", NULL, NULL),
    M("RIFF\x1a\x00\x00\x00WEB", NULL, NULL),
    M("<html><body>", NULL, NULL),
    M("%PDF-1.7\n", NULL, NULL),
    M("", NULL, NULL),
#undef M
};

START_TEST(image_type_by_magic)
{
    const char *ext = "unset";
    const char *t = et_image_type((const unsigned char *)magic[_i].bytes, magic[_i].len, &ext);
    if (!magic[_i].type) {
        ck_assert_msg(t == NULL, "entry %d: want no type, got %s", _i, t);
    } else {
        ck_assert_msg(t && !strcmp(t, magic[_i].type), "entry %d: want %s", _i, magic[_i].type);
        ck_assert_str_eq(ext, magic[_i].ext);
    }
}
END_TEST

/* ---- raw bodies ---------------------------------------------------------------- */

START_TEST(raw_body_into_a_temporary_file)
{
    /* 200 KiB: several reads of the stub's 64 KiB */
    apr_size_t len = 200 * 1024, got;
    char *body = apr_palloc(pool, len), *text;
    apr_pool_t *rp;
    request_rec *r;
    et_upload *up;
    const char *final;
    memset(body, 'x', len);
    memcpy(body, JPEG, sizeof(JPEG) - 1);
    apr_pool_create(&rp, pool);
    r = request(rp, "image/png", body, len, 0);
    ck_assert_int_eq(et_upload_receive(r, dir, len, &up), ET_UP_OK);
    ck_assert_str_eq(up->content_type, "image/jpeg"); /* the bytes, not the header */
    ck_assert_str_eq(up->ext, ".jpg");
    ck_assert_int_eq(up->size, (apr_off_t)len);
    ck_assert(up->body_done);
    ck_assert_ptr_nonnull(strstr(up->path, "/.upload-"));
    text = file_text(up->path, &got);
    ck_assert_uint_eq(got, len);
    ck_assert_mem_eq(text, body, len);
    final = apr_pstrcat(pool, dir, "/kept.jpg", NULL);
    ck_assert_int_eq(et_upload_keep(r, up, final), APR_SUCCESS);
    apr_pool_destroy(rp); /* the kept file stays */
    ck_assert_str_eq(files(), "kept.jpg");
    apr_file_remove(final, pool);
}
END_TEST

START_TEST(unkept_file_goes_with_the_request)
{
    apr_pool_t *rp;
    et_upload *up;
    apr_pool_create(&rp, pool);
    ck_assert_int_eq(
        et_upload_receive(request(rp, "image/png", PNG, sizeof(PNG) - 1, 1), dir, 1000, &up),
        ET_UP_OK);
    ck_assert_str_ne(files(), "");
    apr_pool_destroy(rp);
    ck_assert_str_eq(files(), "");
}
END_TEST

START_TEST(discard_removes_at_once)
{
    apr_pool_t *rp;
    request_rec *r;
    et_upload *up;
    apr_pool_create(&rp, pool);
    r = request(rp, NULL, PNG, sizeof(PNG) - 1, 0);
    ck_assert_int_eq(et_upload_receive(r, dir, 1000, &up), ET_UP_OK);
    et_upload_discard(r, up);
    ck_assert_str_eq(files(), "");
    apr_pool_destroy(rp);
}
END_TEST

/* Receives body with a request pool of its own; the status, dir checked empty. */
static et_up_status refused(const char *ct, const char *body, apr_size_t len, int chunked,
                            apr_off_t max, et_upload *up)
{
    apr_pool_t *rp;
    et_upload *got;
    et_up_status st;
    apr_pool_create(&rp, pool);
    st = et_upload_receive(request(rp, ct, body, len, chunked), dir, max, &got);
    *up = *got; /* got goes with the request pool */
    ck_assert_msg(!strcmp(files(), ""), "a refusal left '%s'", files());
    apr_pool_destroy(rp);
    return st;
}

START_TEST(size_limit)
{
    apr_size_t len = 100 * 1024;
    char *body = apr_palloc(pool, len);
    et_upload up;
    memset(body, 0, len);
    memcpy(body, JPEG, sizeof(JPEG) - 1);
    /* declared: refused before anything is read or created */
    ck_assert_int_eq(refused("image/jpeg", body, len, 0, (apr_off_t)len - 1, &up), ET_UP_TOO_LARGE);
    ck_assert(!up.body_done);
    /* chunked: refused as it grows */
    ck_assert_int_eq(refused("image/jpeg", body, len, 1, (apr_off_t)len - 1, &up), ET_UP_TOO_LARGE);
    ck_assert(!up.body_done);
    /* exactly the limit is fine */
    {
        apr_pool_t *rp;
        et_upload *kept;
        apr_pool_create(&rp, pool);
        ck_assert_int_eq(
            et_upload_receive(request(rp, "image/jpeg", body, len, 1), dir, (apr_off_t)len, &kept),
            ET_UP_OK);
        apr_pool_destroy(rp);
    }
}
END_TEST

START_TEST(not_an_image)
{
    static const char text[] = "just some text, long enough to be sniffed\n";
    et_upload up;
    ck_assert_int_eq(refused("image/png", text, sizeof(text) - 1, 0, 1000, &up), ET_UP_UNSUPPORTED);
    ck_assert_int_eq(refused("image/jpeg", "\xff\xd8", 2, 0, 1000, &up), ET_UP_UNSUPPORTED);
    ck_assert_int_eq(refused("image/jpeg", "", 0, 0, 1000, &up), ET_UP_EMPTY);
}
END_TEST

START_TEST(unwritable_directory)
{
    apr_pool_t *rp;
    et_upload *up;
    et_stub_log_reset();
    apr_pool_create(&rp, pool);
    ck_assert_int_eq(et_upload_receive(request(rp, "image/png", PNG, sizeof(PNG) - 1, 0),
                                       apr_pstrcat(pool, dir, "/missing", NULL), 1000, &up),
                     ET_UP_IO_ERROR);
    ck_assert_ptr_nonnull(strstr(et_stub_log(), "EverytimeMediaDir"));
    apr_pool_destroy(rp);
}
END_TEST

/* ---- multipart bodies --------------------------------------------------------------- */

#define FORM_HEAD \
    "--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n\r\n"
#define FORM_TAIL "\r\n--zz--\r\n"

START_TEST(multipart_file_part)
{
    static const char body[] =
        "--zz\r\nContent-Disposition: form-data; name=note\r\n\r\nhi\r\n" FORM_HEAD PNG FORM_TAIL;
    apr_pool_t *rp;
    et_upload *up;
    apr_size_t got;
    char *text;
    apr_pool_create(&rp, pool);
    ck_assert_int_eq(et_upload_receive(
                         request(rp, "multipart/form-data; boundary=zz", body, sizeof(body) - 1, 0),
                         dir, 1000, &up),
                     ET_UP_OK);
    ck_assert_str_eq(up->content_type, "image/png");
    ck_assert_int_eq(up->size, sizeof(PNG) - 1);
    text = file_text(up->path, &got);
    ck_assert_uint_eq(got, sizeof(PNG) - 1);
    ck_assert_mem_eq(text, PNG, got);
    apr_pool_destroy(rp);
    ck_assert_str_eq(files(), "");
}
END_TEST

START_TEST(multipart_refusals)
{
    static const char truncated[] = FORM_HEAD PNG "\r\n--zz";
    static const char no_file[] =
        "--zz\r\nContent-Disposition: form-data; name=a\r\n\r\nb" FORM_TAIL;
    static const char text[] = FORM_HEAD "plain text, not an image at all" FORM_TAIL;
    static const char big[] = FORM_HEAD PNG "0123456789" FORM_TAIL;
    static const char ok[] = FORM_HEAD PNG FORM_TAIL;
    const char *ct = "multipart/form-data; boundary=zz";
    et_upload up;
    ck_assert_int_eq(refused(ct, truncated, sizeof(truncated) - 1, 0, 1000, &up), ET_UP_BAD_FORM);
    ck_assert_int_eq(up.form_error, ET_MP_ETRUNCATED);
    ck_assert_int_eq(refused(ct, no_file, sizeof(no_file) - 1, 0, 1000, &up), ET_UP_BAD_FORM);
    ck_assert_int_eq(up.form_error, ET_MP_EMISSING);
    ck_assert_int_eq(refused(ct, text, sizeof(text) - 1, 0, 1000, &up), ET_UP_UNSUPPORTED);
    /* the limit is on the file part; the form around it has room of its own */
    ck_assert_int_eq(refused(ct, big, sizeof(big) - 1, 1, sizeof(PNG) - 1 + 9, &up),
                     ET_UP_TOO_LARGE);
    ck_assert_int_eq(refused("multipart/form-data", ok, sizeof(ok) - 1, 0, 1000, &up),
                     ET_UP_BAD_FORM);
    ck_assert_int_eq(up.form_error, ET_MP_EBOUNDARY);
    {
        apr_pool_t *rp;
        et_upload *kept;
        apr_pool_create(&rp, pool);
        ck_assert_int_eq(
            et_upload_receive(request(rp, ct, ok, sizeof(ok) - 1, 0), dir, sizeof(PNG) - 1, &kept),
            ET_UP_OK);
        apr_pool_destroy(rp);
    }
}
END_TEST

Suite *upload_suite(void)
{
    Suite *s = suite_create("upload");
    TCase *tc = tcase_create("magic");

    tcase_add_loop_test(tc, image_type_by_magic, 0, (int)(sizeof(magic) / sizeof(magic[0])));
    suite_add_tcase(s, tc);

    tc = tcase_create("stream");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, raw_body_into_a_temporary_file);
    tcase_add_test(tc, unkept_file_goes_with_the_request);
    tcase_add_test(tc, discard_removes_at_once);
    tcase_add_test(tc, size_limit);
    tcase_add_test(tc, not_an_image);
    tcase_add_test(tc, unwritable_directory);
    tcase_add_test(tc, multipart_file_part);
    tcase_add_test(tc, multipart_refusals);
    suite_add_tcase(s, tc);
    return s;
}

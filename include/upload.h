/*
 * upload.h: an uploaded image, streamed from the request body into a
 * temporary file beside where it will live, never held in memory. The body is
 * either the image itself (any Content-Type but multipart/form-data) or a
 * multipart/form-data form with one "file" part (multipart.h). The bytes
 * decide the type: JPEG, PNG, GIF or WebP by their magic numbers, whatever
 * the client declared, so a declared type can neither smuggle in another
 * kind of file nor make httpd serve an image as something else.
 */
#ifndef ET_UPLOAD_H
#define ET_UPLOAD_H

#include "everytime.h"
#include "multipart.h"

/* Bytes the type is decided on (WebP needs "RIFF" size "WEBP"). */
#define ET_SNIFF_LEN 12

typedef enum {
    ET_UP_OK,
    ET_UP_TOO_LARGE,   /* over the limit: 413 */
    ET_UP_UNSUPPORTED, /* not one of the image types: 415 */
    ET_UP_EMPTY,       /* no bytes at all: 400 */
    ET_UP_BAD_FORM,    /* multipart/form-data refused, see form_error: 400 */
    ET_UP_READ_ERROR,  /* the input filters would not hand it over: see read_error */
    ET_UP_IO_ERROR     /* the temporary file could not be written (logged): 503 */
} et_up_status;

typedef struct et_upload {
    const char *path;         /* the temporary file (removed with the request unless kept) */
    const char *content_type; /* "image/jpeg", "image/png", "image/gif", "image/webp" */
    const char *ext;          /* ".jpg", ".png", ".gif", ".webp" */
    apr_off_t size;           /* bytes of the image */
    et_mp_status form_error;  /* why a form was refused (ET_UP_BAD_FORM) */
    int body_done;            /* the whole body was read */
    apr_status_t read_error;  /* why the body could not be read (ET_UP_READ_ERROR) */
} et_upload;

/* The image type of the first bytes of a file: its content type, with *ext
 * set, or NULL when it is none of JPEG, PNG, GIF, WebP. */
const char *et_image_type(const unsigned char *head, apr_size_t len, const char **ext);

/* Reads the request body into a new temporary file in dir, refusing an
 * image over max bytes (a Content-Length that says so, before reading
 * anything). *out, from r->pool, is set whatever the answer (the request
 * pool's cleanup holds it). On any refusal the temporary file is already gone. */
et_up_status et_upload_receive(request_rec *r, const char *dir, apr_off_t max, et_upload **out);

/* Moves the temporary file to final_path (same directory: an atomic
 * rename) and stops the request from removing it. */
apr_status_t et_upload_keep(request_rec *r, et_upload *up, const char *final_path);

/* Removes the temporary file now (a refusal after the body was read). */
void et_upload_discard(request_rec *r, et_upload *up);

#endif

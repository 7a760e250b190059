/*
 * smtp.c: SMTP with libcurl. A new handle per mail: mail is rare and sent by
 * the drain thread, so a kept connection would mostly be one the server has
 * already closed. libcurl's global state is set up by infra/http_client.c
 * at post_config.
 */
#include "infra/smtp.h"

#include <apr_strings.h>
#include <curl/curl.h>

typedef struct {
    const char *data;
    apr_size_t left;
} upload;

static size_t read_message(char *buf, size_t size, size_t n, void *ctx)
{
    upload *u = ctx;
    size_t len = size * n < u->left ? size * n : u->left;
    memcpy(buf, u->data, len);
    u->data += len;
    u->left -= len;
    return len;
}

#define SET(opt, val)                                             \
    do {                                                          \
        if ((rc = curl_easy_setopt(h, (opt), (val))) != CURLE_OK) \
            goto done;                                            \
    } while (0)

/* 4xx, or no answer at all: worth another try; 5xx: the server's final no. */
static et_smtp_result classify(CURLcode rc, long code)
{
    if (rc == CURLE_OK)
        return ET_SMTP_SENT;
    if (code >= 500 && code < 600 &&
        (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_WEIRD_SERVER_REPLY ||
         rc == CURLE_UPLOAD_FAILED || rc == CURLE_LOGIN_DENIED))
        return ET_SMTP_REFUSED;
    return ET_SMTP_TRY_AGAIN;
}

et_smtp_result et_smtp_send(server_rec *s, apr_pool_t *p, const et_mail_conf *c, const char *to,
                            const char *message)
{
    CURL *h = curl_easy_init();
    struct curl_slist *rcpt = NULL;
    upload u = {message, strlen(message)};
    char err[CURL_ERROR_SIZE] = "";
    CURLcode rc = CURLE_FAILED_INIT;
    long code = 0;
    et_smtp_result result;
    if (!h || !c->smtp_url || !(rcpt = curl_slist_append(NULL, apr_pstrcat(p, "<", to, ">", NULL))))
        goto done;
    SET(CURLOPT_ERRORBUFFER, err);
    SET(CURLOPT_NOSIGNAL, 1L); /* a worker thread: no SIGALRM */
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
    SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
    SET(CURLOPT_URL, c->smtp_url);
    /* smtp:// with STARTTLS: the upgrade or nothing, never plain text after
     * a stripped STARTTLS; smtps:// is TLS from the first byte anyway */
    SET(CURLOPT_USE_SSL, c->starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->ca_file)
        SET(CURLOPT_CAINFO, c->ca_file);
    if (c->user) {
        SET(CURLOPT_USERNAME, c->user);
        SET(CURLOPT_PASSWORD, (const char *)c->password);
    }
    SET(CURLOPT_CONNECTTIMEOUT, (long)c->timeout);
    SET(CURLOPT_TIMEOUT, (long)c->timeout);
    SET(CURLOPT_MAIL_FROM, apr_pstrcat(p, "<", c->from, ">", NULL));
    SET(CURLOPT_MAIL_RCPT, rcpt);
    SET(CURLOPT_READFUNCTION, read_message);
    SET(CURLOPT_READDATA, &u);
    SET(CURLOPT_UPLOAD, 1L);
    rc = curl_easy_perform(h);
done:
    if (h)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    result = classify(rc, code);
    if (result != ET_SMTP_SENT)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "mail to the SMTP server %s not sent (%s): %s, last reply %ld [%s]",
                     c->smtp_url ? c->smtp_url : "(none)",
                     result == ET_SMTP_REFUSED ? "refused" : "will try again",
                     *err ? err : curl_easy_strerror(rc), code, __func__);
    curl_slist_free_all(rcpt);
    if (h)
        curl_easy_cleanup(h);
    return result;
}

/*
 * fuzz_cursor.c: pagination cursors (cursor.c, et_cursor_open) under a fixed
 * key.
 *
 * Input: one selector byte, then
 *  - 0: a cursor as a client sends it, opened as it is;
 *  - 1: the text inside a cursor, which this harness seals with a valid MAC
 *    (cursor.c's format: base64url(text) "." base64url(HMAC-SHA256 over
 *    "<list>." base64url(text))[0..12)),
 *    so that the fuzzer reaches the parsing behind the MAC;
 *  - 2: two keys (of at most 18 digits), sealed by et_cursor_seal and
 *    opened again.
 * Properties: whatever opens was sealed under the key and reads back as two
 * integers whose canonical cursor opens to the same two; a sealed pair opens
 * to itself; a cursor under another key, or for another list, never opens.
 */
#include "fuzz.h"
#include "core/cursor.h"
#include "infra/util.h"

#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

static const unsigned char key[] = "fuzz-cursor-key-0123456789abcdef";
static const unsigned char other[] = "another-cursor-key-0123456789abc";
/* their MACs, as et_cursor_setup makes them, for the life of the process */
static const et_hmac *key_mac, *other_mac;
#define LIST      "posts"
#define OTHER     "comments"
#define KEY_LIMIT APR_INT64_C(1000000000000000000)

static void make_macs(void)
{
    static apr_pool_t *keep;
    if (keep)
        return;
    ET_FUZZ_CHECK(apr_pool_create(&keep, NULL) == APR_SUCCESS);
    key_mac = et_hmac_make(keep, key, ET_CURSOR_KEY_LEN);
    other_mac = et_hmac_make(keep, other, ET_CURSOR_KEY_LEN);
    ET_FUZZ_CHECK(key_mac && other_mac);
}

static const char *seal_text(apr_pool_t *p, const char *text, size_t n)
{
    const char *b = et_b64url_encode(p, (const unsigned char *)text, n);
    const char *signed_text = apr_pstrcat(p, LIST, ".", b, NULL);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    ET_FUZZ_CHECK(HMAC(EVP_sha256(), key, ET_CURSOR_KEY_LEN, (const unsigned char *)signed_text,
                       strlen(signed_text), mac, &maclen) != NULL);
    return apr_pstrcat(p, b, ".", et_b64url_encode(p, mac, 12), NULL);
}

/* A cursor that opened: its keys make a canonical cursor that opens alike,
 * and nothing opens under another key. */
static void check_opened(apr_pool_t *p, const char *text, apr_int64_t k1, apr_int64_t k2)
{
    apr_int64_t a = 0, b = 0;
    const char *again = et_cursor_seal(p, key_mac, LIST, k1, k2);
    ET_FUZZ_CHECK(et_cursor_open(p, key_mac, LIST, again, &a, &b) == 0);
    ET_FUZZ_CHECK(a == k1 && b == k2);
    ET_FUZZ_CHECK(et_cursor_open(p, other_mac, LIST, text, &a, &b) != 0);
    ET_FUZZ_CHECK(et_cursor_open(p, key_mac, OTHER, text, &a, &b) != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    apr_int64_t k1 = 0, k2 = 0;
    const char *text;
    if (size < 1)
        return 0;
    p = et_fuzz_begin();
    make_macs();
    switch (data[0] % 3) {
    case 0:
        text = et_fuzz_text(p, data + 1, size - 1);
        if (et_cursor_open(p, key_mac, LIST, text, &k1, &k2) == 0)
            check_opened(p, text, k1, k2);
        break;
    case 1:
        text = seal_text(p, (const char *)data + 1, size - 1);
        if (et_cursor_open(p, key_mac, LIST, text, &k1, &k2) == 0)
            check_opened(p, text, k1, k2);
        break;
    default: {
        apr_int64_t in1 = 0, in2 = 0;
        memcpy(&in1, data + 1, size - 1 < 8 ? size - 1 : 8);
        if (size > 9)
            memcpy(&in2, data + 9, size - 9 < 8 ? size - 9 : 8);
        /* et_parse_i64 reads at most 18 digits: the keys a cursor can carry
         * (ids, microsecond times) stay below 10^18 */
        in1 %= KEY_LIMIT;
        in2 %= KEY_LIMIT;
        text = et_cursor_seal(p, key_mac, LIST, in1, in2);
        ET_FUZZ_CHECK(et_cursor_open(p, key_mac, LIST, text, &k1, &k2) == 0);
        ET_FUZZ_CHECK(k1 == in1 && k2 == in2);
        check_opened(p, text, k1, k2);
        break;
    }
    }
    et_fuzz_end(p);
    return 0;
}

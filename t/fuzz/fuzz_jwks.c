/*
 * fuzz_jwks.c: the providers' key sets and id_tokens (jwks.c).
 *
 * Input: one selector byte, then
 *  - 0: a JWKS document, parsed by et_jwks_parse;
 *  - 1: an id_token, read by et_idt_kid and verified by et_idt_verify against
 *    a fixed RSA key;
 *  - 2: a header and a payload separated by a NUL, which this harness signs
 *    with that key (RS256), so that the fuzzer reaches the claim checks.
 * Properties: a parsed set holds 1 to ET_JWKS_MAX_KEYS keys, each an RSA key
 * of at least 2048 bits found under a kid the document gave it; a verified
 * id_token names its kid and a subject of 1 to 255 bytes.
 */
#include "fuzz.h"
#include "auth/social/jwks.h"
#include "infra/util.h"

#include <apr_strings.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <string.h>

#define NOW ((apr_int64_t)1700000000)

static const char *const issuers[] = {"https://accounts.google.com", "accounts.google.com", NULL};
static const char audience[] = "fuzz-client.apps.googleusercontent.com";
static EVP_PKEY *key;

static void check_set(const char *text, size_t len, const et_jwks *set)
{
    json_t *doc, *keys, *k;
    size_t i;
    int found = 0;
    if (!set)
        return;
    ET_FUZZ_CHECK(et_jwks_count(set) >= 1 && et_jwks_count(set) <= ET_JWKS_MAX_KEYS);
    doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    keys = json_object_get(doc, "keys");
    ET_FUZZ_CHECK(json_is_array(keys));
    json_array_foreach(keys, i, k)
    {
        json_t *kid = json_object_get(k, "kid");
        EVP_PKEY *got = json_is_string(kid) ? et_jwks_find(set, json_string_value(kid)) : NULL;
        if (!got)
            continue;
        ET_FUZZ_CHECK(EVP_PKEY_base_id(got) == EVP_PKEY_RSA && EVP_PKEY_get_bits(got) >= 2048);
        found++;
    }
    /* a kid listed twice counts twice here, and once in the set */
    ET_FUZZ_CHECK(found >= et_jwks_count(set));
    ET_FUZZ_CHECK(!et_jwks_find(set, NULL));
    json_decref(doc);
}

static const char *b64(apr_pool_t *p, const char *s)
{
    return et_b64url_encode(p, (const unsigned char *)s, strlen(s));
}

static const char *rs256_token(apr_pool_t *p, const char *header, const char *payload)
{
    const char *input = apr_pstrcat(p, b64(p, header), ".", b64(p, payload), NULL);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char sig[512];
    size_t siglen = sizeof(sig);
    ET_FUZZ_CHECK(md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1);
    ET_FUZZ_CHECK(EVP_DigestSign(md, sig, &siglen, (const unsigned char *)input, strlen(input)) ==
                  1);
    EVP_MD_CTX_free(md);
    return apr_pstrcat(p, input, ".", et_b64url_encode(p, sig, siglen), NULL);
}

static void check_token(apr_pool_t *p, const char *token)
{
    const char *kid = NULL;
    et_idt_claims out;
    et_idt_status st = et_idt_kid(p, token, &kid);
    ET_FUZZ_CHECK((st == ET_IDT_OK) == (kid != NULL));
    if (et_idt_verify(p, token, key, issuers, audience, NOW, &out) == ET_IDT_OK) {
        ET_FUZZ_CHECK(st == ET_IDT_OK && *kid);
        ET_FUZZ_CHECK(out.sub && *out.sub && strlen(out.sub) <= 255);
        ET_FUZZ_CHECK(out.email_verified == 0 || out.email_verified == 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    if (size < 1)
        return 0;
    if (!key)
        ET_FUZZ_CHECK((key = EVP_RSA_gen(2048)) != NULL);
    p = et_fuzz_begin();
    switch (data[0] % 3) {
    case 0: {
        const char *text = et_fuzz_text(p, data + 1, size - 1);
        check_set(text, size - 1, et_jwks_parse(p, text, size - 1));
        break;
    }
    case 1:
        check_token(p, et_fuzz_text(p, data + 1, size - 1));
        break;
    default: {
        const uint8_t *rest;
        size_t rest_size;
        const char *header = et_fuzz_split(p, data + 1, size - 1, &rest, &rest_size);
        check_token(p, rs256_token(p, header, et_fuzz_text(p, rest, rest_size)));
        break;
    }
    }
    et_fuzz_end(p);
    return 0;
}

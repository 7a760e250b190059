/*
 * hmac.c: HMAC-SHA256 under a key set up once (hmac.h). The keyed context
 * has absorbed the key (the padded inner and outer blocks); a call
 * duplicates it, which only reads it, and feeds the copy the data.
 */
#include "infra/hmac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

struct et_hmac {
    EVP_MAC_CTX *keyed; /* initialised with the key; never fed data */
};

static apr_status_t hmac_free(void *data)
{
    et_hmac *mac = data;
    EVP_MAC_CTX_free(mac->keyed);
    mac->keyed = NULL;
    return APR_SUCCESS;
}

et_hmac *et_hmac_make(apr_pool_t *p, const unsigned char *key, apr_size_t len)
{
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    EVP_MAC *alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
    et_hmac *mac = apr_pcalloc(p, sizeof(*mac));
    /* the context holds its own reference to the algorithm */
    mac->keyed = alg ? EVP_MAC_CTX_new(alg) : NULL;
    EVP_MAC_free(alg);
    if (!mac->keyed || EVP_MAC_init(mac->keyed, key, len, params) != 1) {
        hmac_free(mac);
        return NULL;
    }
    apr_pool_cleanup_register(p, mac, hmac_free, apr_pool_cleanup_null);
    return mac;
}

int et_hmac_sha256(const et_hmac *mac, const void *data, apr_size_t len,
                   unsigned char out[ET_HMAC_LEN])
{
    EVP_MAC_CTX *c = mac && mac->keyed ? EVP_MAC_CTX_dup(mac->keyed) : NULL;
    size_t n = 0;
    int ok = c && EVP_MAC_update(c, data, len) == 1 &&
             EVP_MAC_final(c, out, &n, ET_HMAC_LEN) == 1 && n == ET_HMAC_LEN;
    EVP_MAC_CTX_free(c);
    return ok ? 0 : -1;
}

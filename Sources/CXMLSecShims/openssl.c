#include "cxmlsec_shims.h"

/* ------------------------------------------------------- OpenSSL helpers ---------------------------------------- */

EVP_PKEY *cxmlsec_evp_private_key_from_pem(const unsigned char *pem, int length) {
    BIO *bio = BIO_new_mem_buf(pem, length);
    if (bio == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return key;
}

EVP_PKEY *cxmlsec_evp_public_key_from_certificate_der(const unsigned char *der, int length) {
    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, length);
    if (cert == NULL) return NULL;
    if (p != der + length) { X509_free(cert); return NULL; }
    EVP_PKEY *key = X509_get_pubkey(cert);
    X509_free(cert);
    return key;
}

/* 1 when the DER bytes are exactly one well-formed X.509 certificate. */
int cxmlsec_certificate_der_is_valid(const unsigned char *der, int length) {
    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, length);
    if (cert == NULL) return 0;
    int exact = (p == der + length);
    X509_free(cert);
    return exact;
}

/* The DER of the first certificate in a PEM text, or NULL. The caller frees with OPENSSL_free. */
int cxmlsec_certificate_pem_to_der(const unsigned char *pem, int length, unsigned char **der) {
    *der = NULL;
    BIO *bio = BIO_new_mem_buf(pem, length);
    if (bio == NULL) return -1;
    X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (cert == NULL) return -1;
    int size = i2d_X509(cert, der);
    X509_free(cert);
    return size;
}

void cxmlsec_openssl_free(void *p) { OPENSSL_free(p); }

/* 1 = RSA, 2 = EC, 0 = other. */
int cxmlsec_evp_key_kind(EVP_PKEY *key) {
    int id = EVP_PKEY_get_base_id(key);
    if (id == EVP_PKEY_RSA) return 1;
    if (id == EVP_PKEY_EC) return 2;
    return 0;
}
int cxmlsec_evp_key_bits(EVP_PKEY *key) { return EVP_PKEY_get_bits(key); }

/* Signs `data` with `key` and `md` (PKCS#1 v1.5 for RSA; for EC the DER signature is turned into r||s of
   `fieldBytes` each, as XML-DSig and the SAML Redirect binding want). Returns the length, or -1. */
int cxmlsec_evp_sign(EVP_PKEY *key, const EVP_MD *md, const unsigned char *data, size_t length,
                                   unsigned char *out, size_t outCapacity) {
    EVP_MD_CTX *mdctx = EVP_MD_CTX_new();
    if (mdctx == NULL) return -1;
    size_t sigLength = 0;
    int result = -1;
    if (EVP_DigestSignInit(mdctx, NULL, md, NULL, key) == 1 &&
        EVP_DigestSign(mdctx, NULL, &sigLength, data, length) == 1) {
        unsigned char *der = OPENSSL_malloc(sigLength);
        if (der != NULL && EVP_DigestSign(mdctx, der, &sigLength, data, length) == 1) {
            if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
                const unsigned char *p = der;
                ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)sigLength);
                int field = (EVP_PKEY_get_bits(key) + 7) / 8;
                if (sig != NULL && (size_t)(2 * field) <= outCapacity) {
                    const BIGNUM *r = NULL, *s = NULL;
                    ECDSA_SIG_get0(sig, &r, &s);
                    if (BN_bn2binpad(r, out, field) == field && BN_bn2binpad(s, out + field, field) == field) {
                        result = 2 * field;
                    }
                }
                ECDSA_SIG_free(sig);
            } else if (sigLength <= outCapacity) {
                memcpy(out, der, sigLength);
                result = (int)sigLength;
            }
        }
        OPENSSL_free(der);
    }
    EVP_MD_CTX_free(mdctx);
    return result;
}

/* Verifies an r||s (EC) or PKCS#1 v1.5 (RSA) signature. 1 = valid, 0 = invalid, -1 = error. */
int cxmlsec_evp_verify(EVP_PKEY *key, const EVP_MD *md, const unsigned char *data, size_t length,
                                     const unsigned char *sig, size_t sigLength) {
    unsigned char *der = NULL;
    int derLength = 0;
    const unsigned char *checked = sig;
    size_t checkedLength = sigLength;
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
        int field = (EVP_PKEY_get_bits(key) + 7) / 8;
        if (sigLength != (size_t)(2 * field)) return 0;
        ECDSA_SIG *ecsig = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(sig, field, NULL);
        BIGNUM *s = BN_bin2bn(sig + field, field, NULL);
        if (ecsig == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(ecsig, r, s) != 1) {
            BN_free(r); BN_free(s); ECDSA_SIG_free(ecsig);
            return -1;
        }
        derLength = i2d_ECDSA_SIG(ecsig, &der);
        ECDSA_SIG_free(ecsig);
        if (derLength <= 0) return -1;
        checked = der;
        checkedLength = (size_t)derLength;
    }
    EVP_MD_CTX *mdctx = EVP_MD_CTX_new();
    int result = -1;
    if (mdctx != NULL && EVP_DigestVerifyInit(mdctx, NULL, md, NULL, key) == 1) {
        int ret = EVP_DigestVerify(mdctx, checked, checkedLength, data, length);
        result = ret == 1 ? 1 : 0;
    }
    EVP_MD_CTX_free(mdctx);
    if (der != NULL) OPENSSL_free(der);
    ERR_clear_error();
    return result;
}

/* ------------------------------------------------------- XML Encryption (decrypt) ------------------------------- */

/*
 * RSA key transport. padding: 1 = OAEP (oaepMD for the label hash, mgf1MD for MGF1; params = OAEPparams label),
 * 0 = PKCS#1 v1.5. For PKCS#1 v1.5 a failure yields `expectedLength` random bytes instead of an error (the classic
 * Bleichenbacher countermeasure), so the failure only shows later, as every other decryption failure does.
 * Returns the key length, or -1.
 */
int cxmlsec_rsa_decrypt(EVP_PKEY *key, int oaep, const EVP_MD *oaepMD, const EVP_MD *mgf1MD,
                                      const unsigned char *label, int labelLength,
                                      const unsigned char *in, size_t inLength, unsigned char *out, size_t outCapacity,
                                      int expectedLength) {
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
    if (ctx == NULL) return -1;
    int result = -1;
    size_t outLength = outCapacity;
    if (EVP_PKEY_decrypt_init(ctx) == 1) {
        int ok = 1;
        if (oaep) {
            ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1
              && EVP_PKEY_CTX_set_rsa_oaep_md(ctx, oaepMD) == 1
              && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, mgf1MD) == 1;
            if (ok && label != NULL && labelLength > 0) {
                unsigned char *copy = OPENSSL_malloc((size_t)labelLength);
                if (copy == NULL) ok = 0;
                else {
                    memcpy(copy, label, (size_t)labelLength);
                    ok = EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, copy, labelLength) == 1;
                    if (!ok) OPENSSL_free(copy);
                }
            }
        } else {
            ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
        }
        if (ok && EVP_PKEY_decrypt(ctx, out, &outLength, in, inLength) == 1) {
            result = (int)outLength;
        }
    }
    EVP_PKEY_CTX_free(ctx);
    if (!oaep && (result < 0 || (expectedLength > 0 && result != expectedLength)) && expectedLength > 0 && (size_t)expectedLength <= outCapacity) {
        if (RAND_bytes(out, expectedLength) == 1) result = expectedLength; else result = -1;
    }
    ERR_clear_error();
    return result;
}

/* AES-CBC (XML Encryption: IV first, padding length in the last byte), AES-GCM (12-byte IV first, 16-byte tag
   last) or Triple DES CBC (8-byte IV first, padding length in the last byte; key 24 bytes).
   mode: 0 = AES-CBC, 1 = AES-GCM, 2 = 3DES-CBC. Returns the plaintext length, or -1 for any failure (one outcome:
   no oracle). */
int cxmlsec_aes_decrypt(int mode, const unsigned char *key, int keyLength,
                                      const unsigned char *in, int inLength, unsigned char *out) {
    const EVP_CIPHER *cipher = NULL;
    int block = 16;
    if (mode == 0) {
        cipher = keyLength == 16 ? EVP_aes_128_cbc() : keyLength == 24 ? EVP_aes_192_cbc() : keyLength == 32 ? EVP_aes_256_cbc() : NULL;
    } else if (mode == 1) {
        cipher = keyLength == 16 ? EVP_aes_128_gcm() : keyLength == 24 ? EVP_aes_192_gcm() : keyLength == 32 ? EVP_aes_256_gcm() : NULL;
    } else if (mode == 2) {
        cipher = keyLength == 24 ? EVP_des_ede3_cbc() : NULL;
        block = 8;
    }
    if (cipher == NULL) return -1;
    int cbc = mode != 1;
    int ivLength = mode == 1 ? 12 : block;
    int tagLength = cbc ? 0 : 16;
    if (inLength < ivLength + tagLength + (cbc ? block : 0)) return -1;
    if (cbc && (inLength - ivLength) % block != 0) return -1;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) return -1;
    int result = -1, length = 0, finalLength = 0;
    const unsigned char *data = in + ivLength;
    int dataLength = inLength - ivLength - tagLength;
    if (EVP_DecryptInit_ex(ctx, cipher, NULL, NULL, NULL) == 1
        && (cbc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, ivLength, NULL) == 1)
        && EVP_DecryptInit_ex(ctx, NULL, NULL, key, in) == 1
        && EVP_CIPHER_CTX_set_padding(ctx, 0) == 1
        && EVP_DecryptUpdate(ctx, out, &length, data, dataLength) == 1
        && (cbc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, tagLength, (void *)(in + inLength - tagLength)) == 1)
        && EVP_DecryptFinal_ex(ctx, out + length, &finalLength) == 1) {
        result = length + finalLength;
        if (cbc) {
            int pad = result > 0 ? out[result - 1] : 0;
            result = (pad >= 1 && pad <= block && pad <= result) ? result - pad : -1;
        }
    }
    EVP_CIPHER_CTX_free(ctx);
    ERR_clear_error();
    return result;
}

#ifndef SWIFT_SAML_CXMLSEC_SHIM_H
#define SWIFT_SAML_CXMLSEC_SHIM_H

/*
 * SwiftPM drops the -D flags that `pkg-config --cflags xmlsec1-openssl` prints, so the macros xmlsec's
 * headers depend on are set here, before any xmlsec header is read. XMLSEC_NO_SIZE_T changes the size of
 * xmlSecSize (and so the ABI) in the 1.2 series only; the version header decides it.
 */
#include <xmlsec/version.h>

#ifndef XMLSEC_CRYPTO_OPENSSL
#define XMLSEC_CRYPTO_OPENSSL 1
#endif
#if (XMLSEC_VERSION_MAJOR == 1) && (XMLSEC_VERSION_MINOR < 3) && !defined(XMLSEC_NO_SIZE_T)
#define XMLSEC_NO_SIZE_T 1
#endif
#ifndef XMLSEC_NO_CRYPTO_DYNAMIC_LOADING
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#endif
#ifndef XMLSEC_NO_GOST
#define XMLSEC_NO_GOST 1
#endif
#ifndef XMLSEC_NO_GOST2012
#define XMLSEC_NO_GOST2012 1
#endif
#ifndef __XMLSEC_FUNCTION__
#define __XMLSEC_FUNCTION__ __func__
#endif

/*
 * Debian's libxml2 is built with ICU, so <libxml/encoding.h> includes <unicode/ucnv.h>; the system ICU headers
 * clash with the copy Foundation carries (_FoundationICU). libxml2's public structs only need the two ICU type
 * names, so the ICU header is skipped (its include guard pre-defined) and the names declared as ICU does.
 */
#include <uchar.h>
#ifndef UCNV_H
#define UCNV_H
typedef struct UConverter UConverter;
typedef char16_t UChar;
#endif

#include <string.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxml/c14n.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/errors.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/rand.h>

/* ---------------------------------------------------------------- errors ---------------------------------------- */

static void cxmlsec_silent_generic(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static void cxmlsec_silent_structured(void *ctx, xmlErrorPtr error) { (void)ctx; (void)error; }

/* Refuses every external entity, DTD and XInclude load: no document ever reaches the network or the disk. */
static xmlParserInputPtr cxmlsec_no_external_loader(const char *URL, const char *ID, xmlParserCtxtPtr ctxt) {
    (void)URL; (void)ID; (void)ctxt;
    return NULL;
}

/* --------------------------------------------------------------- init ------------------------------------------- */

/* Called once (Swift guards it with a global `let`). Returns 0 on success. */
static inline int cxmlsec_initialize(void) {
    xmlInitParser();
    xmlSetExternalEntityLoader(cxmlsec_no_external_loader);
    xmlThrDefSetGenericErrorFunc(NULL, cxmlsec_silent_generic);
    xmlSetGenericErrorFunc(NULL, cxmlsec_silent_generic);
    xmlThrDefSetStructuredErrorFunc(NULL, cxmlsec_silent_structured);
    xmlSetStructuredErrorFunc(NULL, cxmlsec_silent_structured);
    /* Never read a DTD, never substitute entities, never add default attributes: for every parse. */
    xmlThrDefLoadExtDtdDefaultValue(0);
    xmlThrDefSubstituteEntitiesDefaultValue(0);
    xmlThrDefKeepBlanksDefaultValue(1);
    if (xmlSecInit() < 0) return -1;
    if (xmlSecCheckVersion() != 1) return -2;
    if (xmlSecOpenSSLAppInit(NULL) < 0) return -3;
    if (xmlSecOpenSSLInit() < 0) return -4;
    return 0;
}

/* ------------------------------------------------------------ parsing ------------------------------------------- */

typedef struct {
    int sawDoctype;
    int errorCode;
    int errorLine;
    char message[256];
} cxmlsec_parse_result;

static void cxmlsec_reject_doctype(void *ctx, const xmlChar *name, const xmlChar *externalID, const xmlChar *systemID) {
    (void)name; (void)externalID; (void)systemID;
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    cxmlsec_parse_result *result = (cxmlsec_parse_result *)ctxt->_private;
    if (result != NULL) result->sawDoctype = 1;
    xmlStopParser(ctxt);
}

/*
 * Parses a document the one way the library allows: no network, no DTD loading or validation, no entity
 * substitution, no XInclude, no huge-document relaxations; and any DOCTYPE stops the parser the moment it is
 * seen, before its internal subset (and so any entity declaration) is read.
 */
static inline xmlDocPtr cxmlsec_parse_secure(const char *buffer, int length, cxmlsec_parse_result *result) {
    memset(result, 0, sizeof(*result));
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) { result->errorCode = -1; return NULL; }
    ctxt->sax->internalSubset = cxmlsec_reject_doctype;
    ctxt->sax->externalSubset = NULL;
    ctxt->_private = result;
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buffer, length, NULL, NULL, options);
    if (result->sawDoctype) {
        if (doc != NULL) { xmlFreeDoc(doc); doc = NULL; }
    } else if (doc == NULL || !ctxt->wellFormed) {
        xmlErrorPtr err = xmlCtxtGetLastError(ctxt);
        if (err != NULL) {
            result->errorCode = err->code;
            result->errorLine = err->line;
            if (err->message != NULL) {
                strncpy(result->message, err->message, sizeof(result->message) - 1);
            }
        } else {
            result->errorCode = -2;
        }
        if (doc != NULL) { xmlFreeDoc(doc); doc = NULL; }
    } else if (doc->intSubset != NULL || doc->extSubset != NULL) {
        result->sawDoctype = 1;
        xmlFreeDoc(doc);
        doc = NULL;
    }
    ctxt->_private = NULL;
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* ------------------------------------------------------------ helpers ------------------------------------------- */

static inline void cxmlsec_free(void *p) { if (p != NULL) xmlFree(p); }

static inline int cxmlsec_is_element(xmlNodePtr node) { return node != NULL && node->type == XML_ELEMENT_NODE; }

static inline const char *cxmlsec_ns_href(xmlNodePtr node) {
    return (node != NULL && node->ns != NULL) ? (const char *)node->ns->href : NULL;
}

static inline const char *cxmlsec_attr_ns_href(xmlAttrPtr attr) {
    return (attr != NULL && attr->ns != NULL) ? (const char *)attr->ns->href : NULL;
}

/* Is `node` (or, for attribute and namespace nodes, `parent`) inside the subtree rooted at `root`? */
static int cxmlsec_subtree_visible(void *root, xmlNodePtr node, xmlNodePtr parent) {
    xmlNodePtr cur = node;
    if (node == NULL || node->type == XML_NAMESPACE_DECL || node->type == XML_ATTRIBUTE_NODE) cur = parent;
    while (cur != NULL) {
        if (cur == (xmlNodePtr)root) return 1;
        cur = cur->parent;
    }
    return 0;
}

/* Exclusive canonical XML (without comments) of one element's subtree into a buffer the caller frees. */
static inline int cxmlsec_c14n_subtree_memory(xmlDocPtr doc, xmlNodePtr root, xmlChar **out) {
    *out = NULL;
    xmlBufferPtr buffer = xmlBufferCreate();
    if (buffer == NULL) return -1;
    xmlOutputBufferPtr output = xmlOutputBufferCreateBuffer(buffer, NULL);
    if (output == NULL) { xmlBufferFree(buffer); return -1; }
    int ret = xmlC14NExecute(doc, cxmlsec_subtree_visible, root, XML_C14N_EXCLUSIVE_1_0, NULL, 0, output);
    int closed = xmlOutputBufferClose(output);
    if (ret < 0 || closed < 0) { xmlBufferFree(buffer); return -1; }
    int length = xmlBufferLength(buffer);
    *out = (xmlChar *)xmlMalloc((size_t)length + 1);
    if (*out == NULL) { xmlBufferFree(buffer); return -1; }
    memcpy(*out, xmlBufferContent(buffer), (size_t)length);
    (*out)[length] = 0;
    xmlBufferFree(buffer);
    return length;
}

/* Serialises a whole document (UTF-8, with declaration). */
static inline int cxmlsec_dump_document(xmlDocPtr doc, xmlChar **out) {
    int size = 0;
    xmlDocDumpMemoryEnc(doc, out, &size, "UTF-8");
    return (*out == NULL) ? -1 : size;
}

/* ------------------------------------------------------- xmlsec signature ctx ----------------------------------- */

/*
 * Lends `key` to a verification context: xmlsec only reads the key (its transform takes an EVP_PKEY reference
 * with EVP_PKEY_up_ref, an atomic count), and the context gives it back before it is finalized, so one parsed key
 * serves every concurrent verification without a copy.
 */
static inline void cxmlsec_dsig_lend_key(xmlSecDSigCtxPtr ctx, xmlSecKeyPtr key) { ctx->signKey = key; }
static inline void cxmlsec_dsig_reclaim_key(xmlSecDSigCtxPtr ctx) { ctx->signKey = NULL; }

static inline int cxmlsec_dsig_status(xmlSecDSigCtxPtr ctx) { return (int)ctx->status; }
static inline int cxmlsec_dsig_succeeded(void) { return (int)xmlSecDSigStatusSucceeded; }
static inline int cxmlsec_dsig_invalid(void) { return (int)xmlSecDSigStatusInvalid; }

/* Status of every <ds:Reference/> of SignedInfo: counts, and how many did not succeed. */
static inline int cxmlsec_dsig_reference_count(xmlSecDSigCtxPtr ctx) {
    return (int)xmlSecPtrListGetSize(&(ctx->signedInfoReferences));
}
static inline int cxmlsec_dsig_reference_status(xmlSecDSigCtxPtr ctx, int index) {
    xmlSecDSigReferenceCtxPtr ref = (xmlSecDSigReferenceCtxPtr)xmlSecPtrListGetItem(&(ctx->signedInfoReferences), (xmlSecSize)index);
    return ref == NULL ? -1 : (int)ref->status;
}
static inline int cxmlsec_dsig_signature_method_ok(xmlSecDSigCtxPtr ctx) {
    return ctx->signMethod != NULL && ctx->signMethod->status == xmlSecTransformStatusOk;
}

static inline void cxmlsec_dsig_restrict(xmlSecDSigCtxPtr ctx) {
    ctx->flags = XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
    ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
    ctx->keyInfoReadCtx.flags = 0;
    ctx->keyInfoReadCtx.maxRetrievalMethodLevel = 0;
    ctx->keyInfoReadCtx.maxEncryptedKeyLevel = 0;
}

static inline void cxmlsec_dsig_allow_empty_uri(xmlSecDSigCtxPtr ctx) {
    ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument | xmlSecTransformUriTypeEmpty;
}

static inline void cxmlsec_dsig_set_sign_defaults(xmlSecDSigCtxPtr ctx) {
    ctx->keyInfoWriteCtx.flags = 0;
}

/* Transform ids behind xmlsec's function-like macros. */
static inline xmlSecTransformId cxmlsec_transform_enveloped(void) { return xmlSecTransformEnvelopedGetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_exc_c14n(void) { return xmlSecTransformExclC14NGetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_exc_c14n_comments(void) { return xmlSecTransformExclC14NWithCommentsGetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_c14n(void) { return xmlSecTransformInclC14NGetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_c14n_comments(void) { return xmlSecTransformInclC14NWithCommentsGetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_sha1(void) { return xmlSecOpenSSLTransformSha1GetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_sha256(void) { return xmlSecOpenSSLTransformSha256GetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_sha384(void) { return xmlSecOpenSSLTransformSha384GetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_sha512(void) { return xmlSecOpenSSLTransformSha512GetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_rsa_sha1(void) { return xmlSecOpenSSLTransformRsaSha1GetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_rsa_sha256(void) { return xmlSecOpenSSLTransformRsaSha256GetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_rsa_sha384(void) { return xmlSecOpenSSLTransformRsaSha384GetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_rsa_sha512(void) { return xmlSecOpenSSLTransformRsaSha512GetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_ecdsa_sha1(void) { return xmlSecOpenSSLTransformEcdsaSha1GetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_ecdsa_sha256(void) { return xmlSecOpenSSLTransformEcdsaSha256GetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_ecdsa_sha384(void) { return xmlSecOpenSSLTransformEcdsaSha384GetKlass(); }
static inline xmlSecTransformId cxmlsec_transform_ecdsa_sha512(void) { return xmlSecOpenSSLTransformEcdsaSha512GetKlass(); }

/* ---------------------------------------------------------------- keys ------------------------------------------ */

static inline xmlSecKeyPtr cxmlsec_key_from_certificate_der(const unsigned char *der, int length) {
    return xmlSecOpenSSLAppKeyLoadMemory(der, (xmlSecSize)length, xmlSecKeyDataFormatCertDer, NULL, NULL, NULL);
}

/* A private key (PEM) with, when given, its certificate (PEM) attached so that signing can write X509Data. */
static inline xmlSecKeyPtr cxmlsec_private_key_from_pem(const unsigned char *pem, int length,
                                                        const unsigned char *cert, int certLength) {
    xmlSecKeyPtr key = xmlSecOpenSSLAppKeyLoadMemory(pem, (xmlSecSize)length, xmlSecKeyDataFormatPem, NULL, NULL, NULL);
    if (key == NULL) return NULL;
    if (cert != NULL && certLength > 0) {
        if (xmlSecOpenSSLAppKeyCertLoadMemory(key, cert, (xmlSecSize)certLength, xmlSecKeyDataFormatPem) < 0) {
            xmlSecKeyDestroy(key);
            return NULL;
        }
    }
    return key;
}

/* ------------------------------------------------------- OpenSSL helpers ---------------------------------------- */

static inline EVP_PKEY *cxmlsec_evp_private_key_from_pem(const unsigned char *pem, int length) {
    BIO *bio = BIO_new_mem_buf(pem, length);
    if (bio == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return key;
}

static inline EVP_PKEY *cxmlsec_evp_public_key_from_certificate_der(const unsigned char *der, int length) {
    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, length);
    if (cert == NULL) return NULL;
    if (p != der + length) { X509_free(cert); return NULL; }
    EVP_PKEY *key = X509_get_pubkey(cert);
    X509_free(cert);
    return key;
}

/* 1 when the DER bytes are exactly one well-formed X.509 certificate. */
static inline int cxmlsec_certificate_der_is_valid(const unsigned char *der, int length) {
    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, length);
    if (cert == NULL) return 0;
    int exact = (p == der + length);
    X509_free(cert);
    return exact;
}

/* The DER of the first certificate in a PEM text, or NULL. The caller frees with OPENSSL_free. */
static inline int cxmlsec_certificate_pem_to_der(const unsigned char *pem, int length, unsigned char **der) {
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

static inline void cxmlsec_openssl_free(void *p) { OPENSSL_free(p); }

/* 1 = RSA, 2 = EC, 0 = other. */
static inline int cxmlsec_evp_key_kind(EVP_PKEY *key) {
    int id = EVP_PKEY_get_base_id(key);
    if (id == EVP_PKEY_RSA) return 1;
    if (id == EVP_PKEY_EC) return 2;
    return 0;
}
static inline int cxmlsec_evp_key_bits(EVP_PKEY *key) { return EVP_PKEY_get_bits(key); }

/* Signs `data` with `key` and `md` (PKCS#1 v1.5 for RSA; for EC the DER signature is turned into r||s of
   `fieldBytes` each, as XML-DSig and the SAML Redirect binding want). Returns the length, or -1. */
static inline int cxmlsec_evp_sign(EVP_PKEY *key, const EVP_MD *md, const unsigned char *data, size_t length,
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
static inline int cxmlsec_evp_verify(EVP_PKEY *key, const EVP_MD *md, const unsigned char *data, size_t length,
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
static inline int cxmlsec_rsa_decrypt(EVP_PKEY *key, int oaep, const EVP_MD *oaepMD, const EVP_MD *mgf1MD,
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
static inline int cxmlsec_aes_decrypt(int mode, const unsigned char *key, int keyLength,
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

static inline int cxmlsec_random_bytes(unsigned char *out, int length) { return RAND_bytes(out, length); }

#endif

#include "cxmlsec_shims.h"

/* ------------------------------------------------------- xmlsec signature ctx ----------------------------------- */

/*
 * Lends `key` to a verification context: xmlsec only reads the key (its transform takes an EVP_PKEY reference
 * with EVP_PKEY_up_ref, an atomic count), and the context gives it back before it is finalized, so one parsed key
 * serves every concurrent verification without a copy.
 */
void cxmlsec_dsig_lend_key(xmlSecDSigCtxPtr ctx, xmlSecKeyPtr key) { ctx->signKey = key; }
void cxmlsec_dsig_reclaim_key(xmlSecDSigCtxPtr ctx) { ctx->signKey = NULL; }

int cxmlsec_dsig_status(xmlSecDSigCtxPtr ctx) { return (int)ctx->status; }
int cxmlsec_dsig_succeeded(void) { return (int)xmlSecDSigStatusSucceeded; }
int cxmlsec_dsig_invalid(void) { return (int)xmlSecDSigStatusInvalid; }

/* Status of every <ds:Reference/> of SignedInfo: counts, and how many did not succeed. */
int cxmlsec_dsig_reference_count(xmlSecDSigCtxPtr ctx) {
    return (int)xmlSecPtrListGetSize(&(ctx->signedInfoReferences));
}
int cxmlsec_dsig_reference_status(xmlSecDSigCtxPtr ctx, int index) {
    xmlSecDSigReferenceCtxPtr ref = (xmlSecDSigReferenceCtxPtr)xmlSecPtrListGetItem(&(ctx->signedInfoReferences), (xmlSecSize)index);
    return ref == NULL ? -1 : (int)ref->status;
}
void cxmlsec_dsig_restrict(xmlSecDSigCtxPtr ctx) {
    ctx->flags = XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
    ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
    ctx->keyInfoReadCtx.flags = 0;
    ctx->keyInfoReadCtx.maxRetrievalMethodLevel = 0;
    ctx->keyInfoReadCtx.maxEncryptedKeyLevel = 0;
}

void cxmlsec_dsig_allow_empty_uri(xmlSecDSigCtxPtr ctx) {
    ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument | xmlSecTransformUriTypeEmpty;
}

void cxmlsec_dsig_set_sign_defaults(xmlSecDSigCtxPtr ctx) {
    ctx->keyInfoWriteCtx.flags = 0;
}

/* Transform ids behind xmlsec's function-like macros. */
xmlSecTransformId cxmlsec_transform_enveloped(void) { return xmlSecTransformEnvelopedGetKlass(); }
xmlSecTransformId cxmlsec_transform_exc_c14n(void) { return xmlSecTransformExclC14NGetKlass(); }
xmlSecTransformId cxmlsec_transform_exc_c14n_comments(void) { return xmlSecTransformExclC14NWithCommentsGetKlass(); }
xmlSecTransformId cxmlsec_transform_c14n(void) { return xmlSecTransformInclC14NGetKlass(); }
xmlSecTransformId cxmlsec_transform_c14n_comments(void) { return xmlSecTransformInclC14NWithCommentsGetKlass(); }
xmlSecTransformId cxmlsec_transform_sha1(void) { return xmlSecOpenSSLTransformSha1GetKlass(); }
xmlSecTransformId cxmlsec_transform_sha256(void) { return xmlSecOpenSSLTransformSha256GetKlass(); }
xmlSecTransformId cxmlsec_transform_sha384(void) { return xmlSecOpenSSLTransformSha384GetKlass(); }
xmlSecTransformId cxmlsec_transform_sha512(void) { return xmlSecOpenSSLTransformSha512GetKlass(); }
xmlSecTransformId cxmlsec_transform_rsa_sha1(void) { return xmlSecOpenSSLTransformRsaSha1GetKlass(); }
xmlSecTransformId cxmlsec_transform_rsa_sha256(void) { return xmlSecOpenSSLTransformRsaSha256GetKlass(); }
xmlSecTransformId cxmlsec_transform_rsa_sha384(void) { return xmlSecOpenSSLTransformRsaSha384GetKlass(); }
xmlSecTransformId cxmlsec_transform_rsa_sha512(void) { return xmlSecOpenSSLTransformRsaSha512GetKlass(); }
xmlSecTransformId cxmlsec_transform_ecdsa_sha1(void) { return xmlSecOpenSSLTransformEcdsaSha1GetKlass(); }
xmlSecTransformId cxmlsec_transform_ecdsa_sha256(void) { return xmlSecOpenSSLTransformEcdsaSha256GetKlass(); }
xmlSecTransformId cxmlsec_transform_ecdsa_sha384(void) { return xmlSecOpenSSLTransformEcdsaSha384GetKlass(); }
xmlSecTransformId cxmlsec_transform_ecdsa_sha512(void) { return xmlSecOpenSSLTransformEcdsaSha512GetKlass(); }

/* ---------------------------------------------------------------- keys ------------------------------------------ */

xmlSecKeyPtr cxmlsec_key_from_certificate_der(const unsigned char *der, int length) {
    return xmlSecOpenSSLAppKeyLoadMemory(der, (xmlSecSize)length, xmlSecKeyDataFormatCertDer, NULL, NULL, NULL);
}

/* A private key (PEM) with, when given, its certificate (PEM) attached so that signing can write X509Data. */
xmlSecKeyPtr cxmlsec_private_key_from_pem(const unsigned char *pem, int length,
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


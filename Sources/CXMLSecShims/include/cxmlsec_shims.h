#ifndef SWIFT_SAML_CXMLSEC_SHIMS_H
#define SWIFT_SAML_CXMLSEC_SHIMS_H

/*
 * The C side of the library: declarations only. The definitions are in this target's .c files (init.c, parse.c,
 * scan.c, dsig.c, openssl.c, errors.c); the system headers, with the macros xmlsec needs, come from CXMLSec's shim.h.
 */
#include "../../CXMLSec/shim.h"

/* ---------------------------------------------------------------- init ------------------------------------------ */

/* Called once (Swift guards it with a global `let`): libxml2 silenced and denied every external load, xmlsec and its
   OpenSSL backend initialised, the error callback installed. Returns 0 on success. */
int cxmlsec_initialize(void);

/* ------------------------------------------------------------- parsing ------------------------------------------ */

typedef struct {
    int sawDoctype;
    /* libxml2 stopped at its own nesting limit (xmlParserMaxDepth): decided from the error code and the parser's
       element depth, never from the message text. */
    int tooDeep;
    int errorCode;
    int errorLine;
    char message[256];
} cxmlsec_parse_result;

/* Parses a document the one way the library allows: no network, no DTD loading or validation, no entity
   substitution, no XInclude, no huge-document relaxations; any DOCTYPE stops the parser the moment it is seen. */
xmlDocPtr cxmlsec_parse_secure(const char *buffer, int length, cxmlsec_parse_result *result);

void cxmlsec_free(void *p);

/* The bounds of the markup scan (XMLParsingLimits' fields; maxNodes already computed for the input's size). */
typedef struct {
    long maxNodes;                 /* elements + attributes + namespace declarations + comments + PIs + CDATA sections */
    int maxAttributesPerElement;   /* attributes other than namespace declarations */
    int maxNamespacesPerElement;   /* xmlns / xmlns:p on one element */
    int maxNamespacesInScope;      /* declarations on an element and its ancestors */
    int maxDepth;                  /* open elements, the root being 1 (above 256 acts as 256: libxml2's own limit) */
} cxmlsec_markup_limits;

enum {
    CXMLSEC_MARKUP_OK = 0,
    CXMLSEC_MARKUP_NODES = 1,
    CXMLSEC_MARKUP_ATTRIBUTES = 2,
    CXMLSEC_MARKUP_NAMESPACES = 3,
    CXMLSEC_MARKUP_NAMESPACES_IN_SCOPE = 4,
    CXMLSEC_MARKUP_DEPTH = 5
};

/* One linear, allocation-free pass over UTF-8 (or ASCII-compatible) bytes before libxml2 parses them (scan.c):
   the first bound exceeded (CXMLSEC_MARKUP_*), or OK. Malformed markup is left for the parser to refuse. */
int cxmlsec_scan_markup(const unsigned char *bytes, size_t count, const cxmlsec_markup_limits *limits);

/* Exclusive canonical XML (without comments) of one element's subtree into a buffer the caller frees. */
int cxmlsec_c14n_subtree_memory(xmlDocPtr doc, xmlNodePtr root, xmlChar **out);

/* Serialises a whole document (UTF-8, with declaration) into a buffer the caller frees. */
int cxmlsec_dump_document(xmlDocPtr doc, xmlChar **out);

/* ---------------------------------------------------- xmlsec signature contexts --------------------------------- */

/* Lends `key` to a context (xmlsec only reads it); it must be reclaimed before the context is destroyed. */
void cxmlsec_dsig_lend_key(xmlSecDSigCtxPtr ctx, xmlSecKeyPtr key);
void cxmlsec_dsig_reclaim_key(xmlSecDSigCtxPtr ctx);

int cxmlsec_dsig_status(xmlSecDSigCtxPtr ctx);
int cxmlsec_dsig_succeeded(void);
int cxmlsec_dsig_invalid(void);
int cxmlsec_dsig_reference_count(xmlSecDSigCtxPtr ctx);
int cxmlsec_dsig_reference_status(xmlSecDSigCtxPtr ctx, int index);

/* Verification: manifests ignored, same-document references only, KeyInfo never followed. */
void cxmlsec_dsig_restrict(xmlSecDSigCtxPtr ctx);
void cxmlsec_dsig_allow_empty_uri(xmlSecDSigCtxPtr ctx);
void cxmlsec_dsig_set_sign_defaults(xmlSecDSigCtxPtr ctx);

xmlSecTransformId cxmlsec_transform_enveloped(void);
xmlSecTransformId cxmlsec_transform_exc_c14n(void);
xmlSecTransformId cxmlsec_transform_exc_c14n_comments(void);
xmlSecTransformId cxmlsec_transform_c14n(void);
xmlSecTransformId cxmlsec_transform_c14n_comments(void);
xmlSecTransformId cxmlsec_transform_sha1(void);
xmlSecTransformId cxmlsec_transform_sha256(void);
xmlSecTransformId cxmlsec_transform_sha384(void);
xmlSecTransformId cxmlsec_transform_sha512(void);
xmlSecTransformId cxmlsec_transform_rsa_sha1(void);
xmlSecTransformId cxmlsec_transform_rsa_sha256(void);
xmlSecTransformId cxmlsec_transform_rsa_sha384(void);
xmlSecTransformId cxmlsec_transform_rsa_sha512(void);
xmlSecTransformId cxmlsec_transform_ecdsa_sha1(void);
xmlSecTransformId cxmlsec_transform_ecdsa_sha256(void);
xmlSecTransformId cxmlsec_transform_ecdsa_sha384(void);
xmlSecTransformId cxmlsec_transform_ecdsa_sha512(void);

xmlSecKeyPtr cxmlsec_key_from_certificate_der(const unsigned char *der, int length);
/* A private key (PEM) with, when given, its certificate (PEM) attached so that signing can write X509Data. */
xmlSecKeyPtr cxmlsec_private_key_from_pem(const unsigned char *pem, int length, const unsigned char *cert, int certLength);

/* ------------------------------------------------------------- OpenSSL ------------------------------------------ */

EVP_PKEY *cxmlsec_evp_private_key_from_pem(const unsigned char *pem, int length);
EVP_PKEY *cxmlsec_evp_public_key_from_certificate_der(const unsigned char *der, int length);
/* 1 when the DER bytes are exactly one well-formed X.509 certificate. */
int cxmlsec_certificate_der_is_valid(const unsigned char *der, int length);
/* The DER of the first certificate in a PEM text (the caller frees with cxmlsec_openssl_free), or -1. */
int cxmlsec_certificate_pem_to_der(const unsigned char *pem, int length, unsigned char **der);
void cxmlsec_openssl_free(void *p);
/* 1 = RSA, 2 = EC, 0 = other. */
int cxmlsec_evp_key_kind(EVP_PKEY *key);
int cxmlsec_evp_key_bits(EVP_PKEY *key);
/* Signs (PKCS#1 v1.5 for RSA; r||s for EC). Returns the length, or -1. */
int cxmlsec_evp_sign(EVP_PKEY *key, const EVP_MD *md, const unsigned char *data, size_t length,
                     unsigned char *out, size_t outCapacity);
/* Verifies an r||s (EC) or PKCS#1 v1.5 (RSA) signature. 1 = valid, 0 = invalid, -1 = error. */
int cxmlsec_evp_verify(EVP_PKEY *key, const EVP_MD *md, const unsigned char *data, size_t length,
                       const unsigned char *sig, size_t sigLength);
/* RSA key transport (1 = OAEP, 0 = PKCS#1 v1.5 with the random-key countermeasure). Returns the key length, or -1. */
int cxmlsec_rsa_decrypt(EVP_PKEY *key, int oaep, const EVP_MD *oaepMD, const EVP_MD *mgf1MD,
                        const unsigned char *label, int labelLength,
                        const unsigned char *in, size_t inLength, unsigned char *out, size_t outCapacity,
                        int expectedLength);
/* mode: 0 = AES-CBC, 1 = AES-GCM, 2 = 3DES-CBC. Returns the plaintext length, or -1 for any failure. */
int cxmlsec_aes_decrypt(int mode, const unsigned char *key, int keyLength, const unsigned char *in, int inLength,
                        unsigned char *out);

/* -------------------------------------------------------------- errors ------------------------------------------ */

/* xmlsec's error callback (process-wide) records into a per-thread buffer: every message of a failure, in the order
   reported, and whether any said "key not found". */
void cxmlsec_install_error_callback(void);
/* Empties this thread's record and OpenSSL's error queue. */
void cxmlsec_clear_error(void);
/* Every xmlsec message since the last clear, then OpenSSL's queued errors (drained), joined by "; ". */
const char *cxmlsec_get_error(void);
int cxmlsec_saw_key_not_found(void);

#endif

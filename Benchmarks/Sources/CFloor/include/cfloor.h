#ifndef SAML_BENCH_CFLOOR_H
#define SAML_BENCH_CFLOOR_H
/*
 * The C floor: the least a correct SAML response verifier must do with libxml2 + xmlsec, in C, for the benchmark
 * to compare swift-saml against. No libxml2/xmlsec type appears here (Swift imports this header).
 */
typedef struct cfloor_key cfloor_key;
typedef struct cfloor_decryptor cfloor_decryptor;

enum {
    /* The preloaded key is lent to each xmlSecDSigCtx (ctx->signKey) and taken back before the context is destroyed. */
    CFLOOR_LEND_KEY = 0,
    /* Each verification gets its own xmlSecKeyDuplicate of the preloaded key (the context destroys the copy). */
    CFLOOR_DUPLICATE_KEY = 1,
};

/* Initialises libxml2 and xmlsec for a program without swift-saml. The benchmark never calls it: swift-saml's
   once-only initialisation (the same calls) has run before the floor is used, and xmlsec must not be initialised
   twice. Returns 0 on success. */
int cfloor_initialize_standalone(void);

/* A verification key parsed once from a DER certificate (xmlSecOpenSSLAppKeyLoadMemory, as swift-saml does). */
cfloor_key *cfloor_key_from_certificate_der(const unsigned char *der, int length);
void cfloor_key_free(cfloor_key *key);

/* An xmlsec keys manager holding the SP's RSA private key (PEM), for EncryptedAssertion. */
cfloor_decryptor *cfloor_decryptor_from_private_key_pem(const unsigned char *pem, int length);
void cfloor_decryptor_free(cfloor_decryptor *decryptor);

/*
 * One response, verified the floor way:
 *   1. xmlReadMemory with XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING (no DTD load, no entity
 *      substitution, no network);
 *   2. root must be samlp:Response with exactly one saml:Assertion child (or an EncryptedAssertion, decrypted in
 *      place with xmlSecEncCtxDecrypt and `decryptor`'s keys manager);
 *   3. ID registration: the `ID` attributes of the Response and the Assertion only (xmlAddID);
 *   4. each ds:Signature child of the Response and of the Assertion: one xmlSecDSigCtxVerify with the key lent
 *      or duplicated (`mode`), manifests ignored, same-document references only, transforms and algorithms
 *      restricted to the SAML profile's allow-list (as swift-saml's default policy);
 *   5. strict reference checks: return 0 and status succeeded, exactly one Reference whose status succeeded and
 *      whose URI is `#` + the parent's ID, and that ID resolving (xmlGetID) to exactly the parent element.
 * Returns the number of signatures verified (>= 1), or a negative code naming the failed step.
 */
int cfloor_verify_response(const unsigned char *xml, int length, const cfloor_key *key, int mode,
                           const cfloor_decryptor *decryptor);

/* "libxml2 2.9.14, xmlsec 1.2.37, OpenSSL 3.0.x": the versions linked (libxml2 and OpenSSL read at run time). */
const char *cfloor_versions(void);

/* Step 1 alone (parse and free), for the breakdown. Returns 0 on success. */
int cfloor_parse_only(const unsigned char *xml, int length);

/*
 * For the worst-case section's valid inputs: signs `xml` in memory. The ds:Signature template (empty DigestValue
 * and SignatureValue) that is a child of the element whose `ID` is `id` is filled by xmlSecDSigCtxSign with the
 * PEM private key `keyPEM`. Returns the signed document (`*outLength` bytes, freed with cfloor_free) or NULL.
 */
unsigned char *cfloor_sign(const unsigned char *xml, int length, const char *id, const unsigned char *keyPEM,
                           int keyLength, int *outLength);
void cfloor_free(void *pointer);

#endif

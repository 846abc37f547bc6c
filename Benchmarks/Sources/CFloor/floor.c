#include "../CXMLSecFloor/floor_sys.h"
#include "cfloor.h"
#include <string.h>
#include <stdio.h>
#include <openssl/crypto.h>

struct cfloor_key { xmlSecKeyPtr key; };
struct cfloor_decryptor { xmlSecKeysMngrPtr manager; };

static const xmlChar SAMLP[] = "urn:oasis:names:tc:SAML:2.0:protocol";
static const xmlChar SAML[] = "urn:oasis:names:tc:SAML:2.0:assertion";
static const xmlChar DSIG[] = "http://www.w3.org/2000/09/xmldsig#";
static const xmlChar XENC[] = "http://www.w3.org/2001/04/xmlenc#";

static const int PARSE_OPTIONS = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

static void silent(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }

int cfloor_initialize_standalone(void) {
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, silent);
    if (xmlSecInit() < 0) return -1;
    if (xmlSecCheckVersion() != 1) return -2;
    if (xmlSecOpenSSLAppInit(NULL) < 0) return -3;
    if (xmlSecOpenSSLInit() < 0) return -4;
    return 0;
}

cfloor_key *cfloor_key_from_certificate_der(const unsigned char *der, int length) {
    xmlSecKeyPtr key = xmlSecOpenSSLAppKeyLoadMemory(der, (xmlSecSize)length, xmlSecKeyDataFormatCertDer, NULL, NULL, NULL);
    if (key == NULL) return NULL;
    cfloor_key *out = (cfloor_key *)malloc(sizeof(*out));
    if (out == NULL) { xmlSecKeyDestroy(key); return NULL; }
    out->key = key;
    return out;
}

void cfloor_key_free(cfloor_key *key) {
    if (key == NULL) return;
    xmlSecKeyDestroy(key->key);
    free(key);
}

cfloor_decryptor *cfloor_decryptor_from_private_key_pem(const unsigned char *pem, int length) {
    xmlSecKeysMngrPtr manager = xmlSecKeysMngrCreate();
    if (manager == NULL) return NULL;
    if (xmlSecOpenSSLAppDefaultKeysMngrInit(manager) < 0) { xmlSecKeysMngrDestroy(manager); return NULL; }
    xmlSecKeyPtr key = xmlSecOpenSSLAppKeyLoadMemory(pem, (xmlSecSize)length, xmlSecKeyDataFormatPem, NULL, NULL, NULL);
    if (key == NULL || xmlSecOpenSSLAppDefaultKeysMngrAdoptKey(manager, key) < 0) {
        if (key != NULL) xmlSecKeyDestroy(key);
        xmlSecKeysMngrDestroy(manager);
        return NULL;
    }
    cfloor_decryptor *out = (cfloor_decryptor *)malloc(sizeof(*out));
    if (out == NULL) { xmlSecKeysMngrDestroy(manager); return NULL; }
    out->manager = manager;
    return out;
}

void cfloor_decryptor_free(cfloor_decryptor *decryptor) {
    if (decryptor == NULL) return;
    xmlSecKeysMngrDestroy(decryptor->manager);
    free(decryptor);
}

const char *cfloor_versions(void) {
    static char text[160];
    int v = atoi(xmlParserVersion);
    snprintf(text, sizeof(text), "libxml2 %d.%d.%d, xmlsec %s, %s", v / 10000, v / 100 % 100, v % 100,
             XMLSEC_VERSION, OpenSSL_version(OPENSSL_VERSION));
    return text;
}

int cfloor_parse_only(const unsigned char *xml, int length) {
    xmlDocPtr doc = xmlReadMemory((const char *)xml, length, NULL, NULL, PARSE_OPTIONS);
    if (doc == NULL) return -1;
    xmlFreeDoc(doc);
    return 0;
}

static int is_element(xmlNodePtr node, const xmlChar *ns, const char *name) {
    return node != NULL && node->type == XML_ELEMENT_NODE && node->ns != NULL && node->ns->href != NULL
        && xmlStrEqual(node->name, BAD_CAST name) && xmlStrEqual(node->ns->href, ns);
}

/* The one child element with this name; NULL when none, `*count` tells how many. */
static xmlNodePtr only_child(xmlNodePtr parent, const xmlChar *ns, const char *name, int *count) {
    xmlNodePtr found = NULL;
    *count = 0;
    for (xmlNodePtr c = parent->children; c != NULL; c = c->next) {
        if (is_element(c, ns, name)) { if (found == NULL) found = c; (*count)++; }
    }
    return found;
}

/* Registers `node`'s ID attribute; returns its value (owned by the caller) or NULL. */
static xmlChar *register_id(xmlDocPtr doc, xmlNodePtr node) {
    xmlAttrPtr attr = xmlHasNsProp(node, BAD_CAST "ID", NULL);
    if (attr == NULL) return NULL;
    xmlChar *value = xmlNodeListGetString(doc, attr->children, 1);
    if (value == NULL || value[0] == 0 || xmlGetID(doc, value) != NULL || xmlAddID(NULL, doc, value, attr) == NULL) {
        xmlFree(value);
        return NULL;
    }
    return value;
}

static int restrict_context(xmlSecDSigCtxPtr ctx) {
    ctx->flags = XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
    ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
    ctx->keyInfoReadCtx.flags = 0;
    ctx->keyInfoReadCtx.maxRetrievalMethodLevel = 0;
    ctx->keyInfoReadCtx.maxEncryptedKeyLevel = 0;
    xmlSecTransformId references[] = {
        xmlSecTransformEnvelopedId, xmlSecTransformExclC14NId, xmlSecTransformExclC14NWithCommentsId,
        xmlSecOpenSSLTransformSha256Id, xmlSecOpenSSLTransformSha384Id, xmlSecOpenSSLTransformSha512Id,
    };
    xmlSecTransformId signatures[] = {
        xmlSecTransformExclC14NId, xmlSecTransformExclC14NWithCommentsId,
        xmlSecOpenSSLTransformRsaSha256Id, xmlSecOpenSSLTransformRsaSha384Id, xmlSecOpenSSLTransformRsaSha512Id,
        xmlSecOpenSSLTransformEcdsaSha256Id, xmlSecOpenSSLTransformEcdsaSha384Id, xmlSecOpenSSLTransformEcdsaSha512Id,
    };
    for (size_t i = 0; i < sizeof(references) / sizeof(references[0]); i++) {
        if (xmlSecDSigCtxEnableReferenceTransform(ctx, references[i]) < 0) return -1;
    }
    for (size_t i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++) {
        if (xmlSecDSigCtxEnableSignatureTransform(ctx, signatures[i]) < 0) return -1;
    }
    return 0;
}

/* Verifies the ds:Signature child of `parent` (whose registered ID is `id`). 1 = verified, 0 = none, < 0 = failed. */
static int verify_child_signature(xmlDocPtr doc, xmlNodePtr parent, const xmlChar *id, xmlSecKeyPtr key, int mode) {
    int count = 0;
    xmlNodePtr signature = only_child(parent, DSIG, "Signature", &count);
    if (count == 0) return 0;
    if (count > 1) return -20;
    xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
    if (ctx == NULL) return -21;
    int result = -22;
    if (restrict_context(ctx) < 0) goto done;
    if (mode == CFLOOR_DUPLICATE_KEY) {
        ctx->signKey = xmlSecKeyDuplicate(key);   /* destroyed with the context */
        if (ctx->signKey == NULL) goto done;
    } else {
        ctx->signKey = key;                       /* lent: taken back below, before the context is destroyed */
    }
    int ret = xmlSecDSigCtxVerify(ctx, signature);
    if (mode != CFLOOR_DUPLICATE_KEY) ctx->signKey = NULL;
    if (ret < 0) { result = -23; goto done; }
    if (ctx->status != xmlSecDSigStatusSucceeded) { result = -24; goto done; }
    if (xmlSecPtrListGetSize(&ctx->signedInfoReferences) != 1) { result = -25; goto done; }
    xmlSecDSigReferenceCtxPtr ref = (xmlSecDSigReferenceCtxPtr)xmlSecPtrListGetItem(&ctx->signedInfoReferences, 0);
    if (ref == NULL || ref->status != xmlSecDSigStatusSucceeded) { result = -26; goto done; }
    if (ref->uri == NULL || ref->uri[0] != '#' || !xmlStrEqual(ref->uri + 1, id)) { result = -27; goto done; }
    xmlAttrPtr resolved = xmlGetID(doc, id);
    if (resolved == NULL || resolved->parent != parent) { result = -28; goto done; }
    result = 1;
done:
    if (mode != CFLOOR_DUPLICATE_KEY) ctx->signKey = NULL;
    xmlSecDSigCtxDestroy(ctx);
    return result;
}

static int decrypt_assertion(xmlNodePtr encryptedAssertion, const cfloor_decryptor *decryptor, xmlNodePtr *assertion) {
    int count = 0;
    xmlNodePtr data = only_child(encryptedAssertion, XENC, "EncryptedData", &count);
    if (data == NULL || count != 1 || decryptor == NULL) return -30;
    xmlSecEncCtxPtr ctx = xmlSecEncCtxCreate(decryptor->manager);
    if (ctx == NULL) return -31;
    int ret = xmlSecEncCtxDecrypt(ctx, data);
    int replaced = ctx->resultReplaced;
    xmlSecEncCtxDestroy(ctx);
    if (ret < 0 || !replaced) return -32;
    *assertion = only_child(encryptedAssertion, SAML, "Assertion", &count);
    return (*assertion != NULL && count == 1) ? 0 : -33;
}

int cfloor_verify_response(const unsigned char *xml, int length, const cfloor_key *key, int mode,
                           const cfloor_decryptor *decryptor) {
    xmlDocPtr doc = xmlReadMemory((const char *)xml, length, NULL, NULL, PARSE_OPTIONS);
    if (doc == NULL) return -1;
    int result = -2;
    xmlChar *responseID = NULL, *assertionID = NULL;
    xmlNodePtr response = xmlDocGetRootElement(doc);
    if (!is_element(response, SAMLP, "Response") || doc->intSubset != NULL) goto done;
    int count = 0, encryptedCount = 0;
    xmlNodePtr assertion = only_child(response, SAML, "Assertion", &count);
    xmlNodePtr encrypted = only_child(response, SAML, "EncryptedAssertion", &encryptedCount);
    if (count + encryptedCount != 1) { result = -3; goto done; }
    if (encrypted != NULL && (result = decrypt_assertion(encrypted, decryptor, &assertion)) < 0) goto done;
    responseID = register_id(doc, response);
    assertionID = register_id(doc, assertion);
    if (responseID == NULL || assertionID == NULL) { result = -4; goto done; }
    int a = verify_child_signature(doc, response, responseID, key->key, mode);
    if (a < 0) { result = a; goto done; }
    int b = verify_child_signature(doc, assertion, assertionID, key->key, mode);
    if (b < 0) { result = b; goto done; }
    result = a + b > 0 ? a + b : -5;
done:
    xmlFree(responseID);
    xmlFree(assertionID);
    xmlFreeDoc(doc);
    return result;
}

/*
 * In-memory signing for the worst-case section's valid inputs (cfloor.h): the benchmark generates documents of any
 * size with a valid signature without a round trip through files and the xmlsec1 CLI.
 */
#include "../CXMLSecFloor/floor_sys.h"
#include "cfloor.h"
#include <string.h>

static const xmlChar DSIG[] = "http://www.w3.org/2000/09/xmldsig#";

/* The first element (document order, iterative) whose un-namespaced `ID` attribute equals `id`. */
static xmlNodePtr element_with_id(xmlNodePtr root, const xmlChar *id) {
    xmlNodePtr cur = root;
    while (cur != NULL) {
        if (cur->type == XML_ELEMENT_NODE) {
            xmlAttrPtr attr = xmlHasNsProp(cur, BAD_CAST "ID", NULL);
            if (attr != NULL) {
                xmlChar *value = xmlNodeListGetString(cur->doc, attr->children, 1);
                int same = value != NULL && xmlStrEqual(value, id);
                xmlFree(value);
                if (same) return cur;
            }
            if (cur->children != NULL) { cur = cur->children; continue; }
        }
        while (cur != NULL && cur->next == NULL) {
            cur = cur->parent;
            if (cur == root || cur == NULL) return NULL;
        }
        if (cur != NULL) cur = cur->next;
    }
    return NULL;
}

unsigned char *cfloor_sign(const unsigned char *xml, int length, const char *id, const unsigned char *keyPEM,
                           int keyLength, int *outLength) {
    *outLength = 0;
    xmlDocPtr doc = xmlReadMemory((const char *)xml, length, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
    if (doc == NULL) return NULL;
    unsigned char *result = NULL;
    xmlSecKeyPtr key = NULL;
    xmlSecDSigCtxPtr ctx = NULL;
    xmlNodePtr signed_element = element_with_id(xmlDocGetRootElement(doc), BAD_CAST id);
    if (signed_element == NULL) goto done;
    xmlAttrPtr attr = xmlHasNsProp(signed_element, BAD_CAST "ID", NULL);
    if (xmlAddID(NULL, doc, BAD_CAST id, attr) == NULL) goto done;
    xmlNodePtr signature = NULL;
    for (xmlNodePtr c = signed_element->children; c != NULL && signature == NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && c->ns != NULL && xmlStrEqual(c->ns->href, DSIG) && xmlStrEqual(c->name, BAD_CAST "Signature")) {
            signature = c;
        }
    }
    if (signature == NULL) goto done;
    key = xmlSecOpenSSLAppKeyLoadMemory(keyPEM, (xmlSecSize)keyLength, xmlSecKeyDataFormatPem, NULL, NULL, NULL);
    if (key == NULL) goto done;
    ctx = xmlSecDSigCtxCreate(NULL);
    if (ctx == NULL) goto done;
    ctx->signKey = key;
    key = NULL;   /* the context owns it now */
    if (xmlSecDSigCtxSign(ctx, signature) < 0) goto done;
    xmlChar *text = NULL;
    int size = 0;
    xmlDocDumpMemory(doc, &text, &size);
    if (text == NULL) goto done;
    result = (unsigned char *)malloc((size_t)size);
    if (result != NULL) { memcpy(result, text, (size_t)size); *outLength = size; }
    xmlFree(text);
done:
    if (ctx != NULL) xmlSecDSigCtxDestroy(ctx);
    if (key != NULL) xmlSecKeyDestroy(key);
    xmlFreeDoc(doc);
    return result;
}

void cfloor_free(void *pointer) { free(pointer); }

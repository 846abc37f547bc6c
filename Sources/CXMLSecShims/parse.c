#include "cxmlsec_shims.h"

/* ---------------------------------------------------------------- errors ---------------------------------------- */

static void silent_generic(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static void silent_structured(void *ctx, xmlErrorPtr error) { (void)ctx; (void)error; }

/* Refuses every external entity, DTD and XInclude load: no document ever reaches the network or the disk. */
static xmlParserInputPtr no_external_loader(const char *URL, const char *ID, xmlParserCtxtPtr ctxt) {
    (void)URL; (void)ID; (void)ctxt;
    return NULL;
}

/* --------------------------------------------------------------- init ------------------------------------------- */

int cxmlsec_initialize(void) {
    xmlInitParser();
    xmlSetExternalEntityLoader(no_external_loader);
    xmlThrDefSetGenericErrorFunc(NULL, silent_generic);
    xmlSetGenericErrorFunc(NULL, silent_generic);
    xmlThrDefSetStructuredErrorFunc(NULL, silent_structured);
    xmlSetStructuredErrorFunc(NULL, silent_structured);
    /* Never read a DTD, never substitute entities, never add default attributes: for every parse. */
    xmlThrDefLoadExtDtdDefaultValue(0);
    xmlThrDefSubstituteEntitiesDefaultValue(0);
    xmlThrDefKeepBlanksDefaultValue(1);
    if (xmlSecInit() < 0) return -1;
    if (xmlSecCheckVersion() != 1) return -2;
    if (xmlSecOpenSSLAppInit(NULL) < 0) return -3;
    if (xmlSecOpenSSLInit() < 0) return -4;
    cxmlsec_install_error_callback();
    return 0;
}

/* ------------------------------------------------------------ parsing ------------------------------------------- */

static void reject_doctype(void *ctx, const xmlChar *name, const xmlChar *externalID, const xmlChar *systemID) {
    (void)name; (void)externalID; (void)systemID;
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    cxmlsec_parse_result *result = (cxmlsec_parse_result *)ctxt->_private;
    if (result != NULL) result->sawDoctype = 1;
    xmlStopParser(ctxt);
}

/*
 * libxml2's own nesting limit (xmlParserMaxDepth, 256 without XML_PARSE_HUGE, which is never set): it raises
 * XML_ERR_INTERNAL_ERROR (2.9 to 2.11; XML_ERR_RESOURCE_LIMIT from 2.12) and halts with one element more than the
 * limit open. Both are checked, so another internal error is never taken for depth; the message text is not read.
 */
static int is_depth_limit(xmlParserCtxtPtr ctxt, int code) {
#if LIBXML_VERSION >= 21200
    int limitCode = code == XML_ERR_RESOURCE_LIMIT || code == XML_ERR_INTERNAL_ERROR;
#else
    int limitCode = code == XML_ERR_INTERNAL_ERROR;
#endif
    return limitCode && ctxt->nameNr > (int)xmlParserMaxDepth;
}

/*
 * Parses a document the one way the library allows: no network, no DTD loading or validation, no entity
 * substitution, no XInclude, no huge-document relaxations; and any DOCTYPE stops the parser the moment it is
 * seen, before its internal subset (and so any entity declaration) is read.
 */
xmlDocPtr cxmlsec_parse_secure(const char *buffer, int length, cxmlsec_parse_result *result) {
    memset(result, 0, sizeof(*result));
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) { result->errorCode = -1; return NULL; }
    ctxt->sax->internalSubset = reject_doctype;
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
            result->tooDeep = is_depth_limit(ctxt, err->code);
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

void cxmlsec_free(void *p) { if (p != NULL) xmlFree(p); }

/* Is `node` (or, for attribute and namespace nodes, `parent`) inside the subtree rooted at `root`? */
static int subtree_visible(void *root, xmlNodePtr node, xmlNodePtr parent) {
    xmlNodePtr cur = node;
    if (node == NULL || node->type == XML_NAMESPACE_DECL || node->type == XML_ATTRIBUTE_NODE) cur = parent;
    while (cur != NULL) {
        if (cur == (xmlNodePtr)root) return 1;
        cur = cur->parent;
    }
    return 0;
}

/* Exclusive canonical XML (without comments) of one element's subtree into a buffer the caller frees. */
int cxmlsec_c14n_subtree_memory(xmlDocPtr doc, xmlNodePtr root, xmlChar **out) {
    *out = NULL;
    xmlBufferPtr buffer = xmlBufferCreate();
    if (buffer == NULL) return -1;
    xmlOutputBufferPtr output = xmlOutputBufferCreateBuffer(buffer, NULL);
    if (output == NULL) { xmlBufferFree(buffer); return -1; }
    int ret = xmlC14NExecute(doc, subtree_visible, root, XML_C14N_EXCLUSIVE_1_0, NULL, 0, output);
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
int cxmlsec_dump_document(xmlDocPtr doc, xmlChar **out) {
    int size = 0;
    xmlDocDumpMemoryEnc(doc, out, &size, "UTF-8");
    return (*out == NULL) ? -1 : size;
}


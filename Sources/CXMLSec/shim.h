#ifndef SWIFT_SAML_CXMLSEC_SHIM_H
#define SWIFT_SAML_CXMLSEC_SHIM_H

/*
 * The system library's only header: xmlsec's macros and the includes, nothing else. The C logic the library needs
 * (parsing, signature contexts, OpenSSL helpers, error capture) lives in the regular target CXMLSecShims.
 *
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

#endif

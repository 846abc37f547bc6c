#ifndef SAML_BENCH_FLOOR_SYS_H
#define SAML_BENCH_FLOOR_SYS_H
/*
 * The benchmark's own binding to xmlsec1-openssl (C only: the C floor includes it; Swift never imports it).
 * SwiftPM drops the -D flags `pkg-config --cflags xmlsec1-openssl` prints, so the ABI-relevant ones are set here
 * before any xmlsec header, exactly as the library's Sources/CXMLSec/shim.h does.
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
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlenc.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
#endif

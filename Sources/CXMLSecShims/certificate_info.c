#include "cxmlsec_certificate_info.h"
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <string.h>
#include <time.h>

static int seconds_since_epoch(const ASN1_TIME *time, long long *out) {
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (time == NULL || ASN1_TIME_to_tm(time, &tm) != 1) return 0;
    *out = (long long)timegm(&tm);
    return 1;
}

int cxmlsec_certificate_info(const unsigned char *der, int length, long long *notBefore, long long *notAfter,
                             char *subject, int subjectCapacity) {
    if (der == NULL || length <= 0 || subject == NULL || subjectCapacity <= 0) return 0;
    subject[0] = 0;
    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, length);
    if (cert == NULL || p != der + length) {
        X509_free(cert);
        ERR_clear_error();
        return 0;
    }
    int ok = seconds_since_epoch(X509_get0_notBefore(cert), notBefore) && seconds_since_epoch(X509_get0_notAfter(cert), notAfter);
    BIO *bio = BIO_new(BIO_s_mem());
    if (ok && bio != NULL && X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
        int n = BIO_read(bio, subject, subjectCapacity - 1);
        subject[n > 0 ? n : 0] = 0;
    }
    BIO_free(bio);
    X509_free(cert);
    ERR_clear_error();
    return ok;
}

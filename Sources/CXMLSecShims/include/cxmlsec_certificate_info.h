#ifndef SWIFT_SAML_CXMLSEC_CERTIFICATE_INFO_H
#define SWIFT_SAML_CXMLSEC_CERTIFICATE_INFO_H
/* What an admin page shows of a metadata certificate: its validity window (seconds since 1970, UTC) and its subject
   (RFC 2253 text, truncated to fit `subject`). Returns 1 on success, 0 when the DER is not one certificate or a
   date cannot be read. */
int cxmlsec_certificate_info(const unsigned char *der, int length, long long *notBefore, long long *notAfter,
                             char *subject, int subjectCapacity);
#endif

#ifndef SWIFT_SAML_CXMLSEC_SHIMS_H
#define SWIFT_SAML_CXMLSEC_SHIMS_H
/* State that needs real storage (a header-only system module cannot define variables): xmlsec's error callback
   and the per-thread record it keeps. */
void cxmlsec_install_error_callback(void);
void cxmlsec_clear_error(void);
const char *cxmlsec_get_error(void);
int cxmlsec_saw_key_not_found(void);
#endif

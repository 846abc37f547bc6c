#include "../CXMLSec/shim.h"
#include "cxmlsec_shims.h"
#include <stdio.h>

/* The first xmlsec error reported on this thread since the last clear (the root cause; later ones are the
   callers unwinding), and whether any said "key not found". xmlsec's callback is process-wide, the record per thread. */
static __thread char last_error[320];
static __thread int key_not_found;

static void error_callback(const char *file, int line, const char *func, const char *errorObject,
                           const char *errorSubject, int reason, const char *msg) {
    (void)file; (void)line; (void)errorObject;
    if (reason == XMLSEC_ERRORS_R_KEY_NOT_FOUND) key_not_found = 1;
    if (last_error[0] != 0) return;
    snprintf(last_error, sizeof(last_error), "%s%s%s: reason=%d%s%s",
             func ? func : "", errorSubject ? " " : "", errorSubject ? errorSubject : "",
             reason, msg ? ": " : "", msg ? msg : "");
}

void cxmlsec_install_error_callback(void) { xmlSecErrorsSetCallback(error_callback); }

void cxmlsec_clear_error(void) {
    last_error[0] = 0;
    key_not_found = 0;
    ERR_clear_error();
}

const char *cxmlsec_get_error(void) { return last_error; }

int cxmlsec_saw_key_not_found(void) { return key_not_found; }

#include "cxmlsec_shims.h"
#include <stdio.h>

/*
 * Every xmlsec error reported on this thread since the last clear, in the order reported (the root cause first, then
 * the callers unwinding), and whether any said "key not found". xmlsec's callback is process-wide, the record per
 * thread. OpenSSL's own queue is drained into the record when it is read.
 */
static __thread char record[1536];
static __thread size_t used;
static __thread int truncated;
static __thread int key_not_found;

static void append(const char *text) {
    if (truncated || text == NULL || text[0] == 0) return;
    size_t capacity = sizeof(record) - 4;  /* room for "..." and the terminator */
    size_t length = strlen(text);
    size_t separator = used > 0 ? 2 : 0;
    if (used + separator + length > capacity) {
        memcpy(record + used, "...", 4);
        used += 3;
        truncated = 1;
        return;
    }
    if (separator) { memcpy(record + used, "; ", 2); used += 2; }
    memcpy(record + used, text, length);
    used += length;
    record[used] = 0;
}

static void error_callback(const char *file, int line, const char *func, const char *errorObject,
                           const char *errorSubject, int reason, const char *msg) {
    (void)file; (void)line; (void)errorObject;
    if (reason == XMLSEC_ERRORS_R_KEY_NOT_FOUND) key_not_found = 1;
    char entry[320];
    snprintf(entry, sizeof(entry), "%s%s%s: reason=%d%s%s",
             func ? func : "", errorSubject ? " " : "", errorSubject ? errorSubject : "",
             reason, msg ? ": " : "", msg ? msg : "");
    append(entry);
}

void cxmlsec_install_error_callback(void) { xmlSecErrorsSetCallback(error_callback); }

void cxmlsec_clear_error(void) {
    record[0] = 0;
    used = 0;
    truncated = 0;
    key_not_found = 0;
    ERR_clear_error();
}

const char *cxmlsec_get_error(void) {
    unsigned long code;
    while ((code = ERR_get_error()) != 0) {
        char text[256];
        ERR_error_string_n(code, text, sizeof(text));
        append(text);
    }
    return record;
}

int cxmlsec_saw_key_not_found(void) { return key_not_found; }

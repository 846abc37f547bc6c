internal import CXMLSec
internal import CXMLSecShims

/// The one global of the library: libxml2, xmlsec and its OpenSSL backend initialised exactly once, thread-safely,
/// on first use (Swift runs a global's initializer once, under a lock). It also installs an external-entity loader
/// that refuses every load, so no document can reach the network or the file system.
let librariesInitialized: Bool = {
    let status = cxmlsec_initialize()
    precondition(status == 0, "swift-saml: xmlsec initialisation failed (\(status)); is libxmlsec1-openssl installed?")
    return true
}()

@inline(__always)
func ensureLibrariesInitialized() {
    _ = librariesInitialized
}

/// The C libraries' error record on this thread (for `detail` payloads: every xmlsec message of the failure in the
/// order reported, then OpenSSL's queued errors), and a reset of the record and of OpenSSL's queue.
enum CErrors {
    static func clear() { cxmlsec_clear_error() }
    /// Every message since the last ``clear()``, joined by "; " (bounded; "..." marks a cut).
    static func last() -> String {
        let text = String(cString: cxmlsec_get_error())
        return text.isEmpty ? "unknown error" : text
    }
}

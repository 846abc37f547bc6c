internal import CXMLSec
internal import CXMLSecShims

/// The one global of the library: libxml2, xmlsec and its OpenSSL backend initialised exactly once, thread-safely,
/// on first use (Swift runs a global's initializer once, under a lock). It also installs an external-entity loader
/// that refuses every load, so no document can reach the network or the file system.
let librariesInitialized: Bool = {
    let status = cxmlsec_initialize()
    cxmlsec_install_error_callback()
    precondition(status == 0, "swift-saml: xmlsec initialisation failed (\(status)); is libxmlsec1-openssl installed?")
    return true
}()

@inline(__always)
func ensureLibrariesInitialized() {
    _ = librariesInitialized
}

/// The text of the last xmlsec error on this thread (for `detail` payloads), and a reset of the error queues.
enum CErrors {
    static func clear() { cxmlsec_clear_error() }
    static func last() -> String {
        let text = String(cString: cxmlsec_get_error())
        return text.isEmpty ? "unknown error" : text
    }
}

import Foundation
internal import CXMLSec

/// An HTTP-POST binding message: the form fields, and an auto-submitting HTML page that carries them.
public struct PostForm: Sendable, Hashable {
    /// Where the form posts to.
    public let action: String
    /// `SAMLRequest` or `SAMLResponse`.
    public let parameter: String
    /// The base64 message.
    public let value: String
    /// The `RelayState` field, sent back unchanged by the receiver; nil for none.
    public let relayState: String?

    init(action: String, parameter: String, message: [UInt8], relayState: String?) throws {
        _ = try EndpointURL.validate(action)
        try RedirectBinding.checkRelayState(relayState)
        self.action = action
        self.parameter = parameter
        self.value = Base64.encode(message)
        self.relayState = relayState
    }

    /// A complete HTML page that submits the form as soon as it is parsed (one inline script, whose hash
    /// ``contentSecurityPolicy`` allows), with a button for browsers without JavaScript. Every value is HTML-escaped.
    public var html: String {
        var h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Signing in</title></head><body>"
        h += "<noscript><p>JavaScript is off: press Continue to go on.</p></noscript>"
        h += "<form method=\"post\" action=\"\(HTMLEscape.escape(action))\">"
        h += "<input type=\"hidden\" name=\"\(HTMLEscape.escape(parameter))\" value=\"\(HTMLEscape.escape(value))\"/>"
        if let relayState {
            h += "<input type=\"hidden\" name=\"RelayState\" value=\"\(HTMLEscape.escape(relayState))\"/>"
        }
        h += "<noscript><button type=\"submit\">Continue</button></noscript></form>"
        h += "<script>\(Self.submitScript)</script></body></html>\n"
        return h
    }

    /// The page's only script.
    static let submitScript = "document.forms[0].submit()"

    /// `'sha256-…'` of ``submitScript``, computed once.
    static let submitScriptHash: String = {
        ensureLibrariesInitialized()
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let script = Array(submitScript.utf8)
        _ = EVP_Digest(script, script.count, &digest, &length, EVP_sha256(), nil)
        return "'sha256-\(Base64.encode(Array(digest.prefix(Int(length)))))'"
    }()

    /// The Content-Security-Policy to serve ``html`` with: nothing may load, the one inline submit script may run
    /// (by its hash), and the form may post only to its action's origin.
    public var contentSecurityPolicy: String {
        var formAction = "'none'"
        if let c = URLMatching.components(action) {
            let port = c.port.map { ":\($0)" } ?? ""
            formAction = "\(c.scheme)://\(c.host)\(port)"
        }
        return "default-src 'none'; script-src \(Self.submitScriptHash); form-action \(formAction); base-uri 'none'; frame-ancestors 'none'"
    }
}

/// An HTTP-POST binding message: the form fields, and an auto-submitting HTML page that carries them.
public struct PostForm: Sendable, Hashable {
    /// Where the form posts to.
    public let action: String
    /// `SAMLRequest` or `SAMLResponse`.
    public let parameter: String
    /// The base64 message.
    public let value: String
    public let relayState: String?

    init(action: String, parameter: String, message: [UInt8], relayState: String?) throws {
        _ = try EndpointURL.validate(action)
        try RedirectBinding.checkRelayState(relayState)
        self.action = action
        self.parameter = parameter
        self.value = Base64.encode(message)
        self.relayState = relayState
    }

    /// A complete HTML page that submits the form on load, with a button for browsers without JavaScript.
    /// Every value is HTML-escaped.
    public var html: String {
        var h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Signing in</title></head>"
        h += "<body onload=\"document.forms[0].submit()\">"
        h += "<noscript><p>JavaScript is off: press Continue to go on.</p></noscript>"
        h += "<form method=\"post\" action=\"\(HTMLEscape.escape(action))\">"
        h += "<input type=\"hidden\" name=\"\(HTMLEscape.escape(parameter))\" value=\"\(HTMLEscape.escape(value))\"/>"
        if let relayState {
            h += "<input type=\"hidden\" name=\"RelayState\" value=\"\(HTMLEscape.escape(relayState))\"/>"
        }
        h += "<noscript><button type=\"submit\">Continue</button></noscript></form></body></html>\n"
        return h
    }
}

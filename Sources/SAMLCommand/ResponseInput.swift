import ArgumentParser
import Foundation

/// What `saml verify` was given: raw XML, a base64 `SAMLResponse` value, or a form body, decided from the first
/// meaningful bytes.
enum ResponseInput: Equatable {
    /// Raw XML, exactly the bytes read (BOM, encoding and all): the library decides on encodings.
    case xml([UInt8])
    /// The base64 value of `SAMLResponse`, with the form's RelayState when there was a form.
    case base64(String, relayState: String?)

    /// How the input is to be read: recognised from its first bytes (the default), or as the flag says.
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case auto, xml, base64, form
    }

    /// Reads the input as `format` says; `.auto` recognises it (see ``init(_:)``).
    /// - Throws: `Rejection` `invalidForm` (a form without `SAMLResponse`, bad percent-encoding, a parameter twice).
    init(_ input: [UInt8], format: Format) throws {
        switch format {
        case .auto: try self.init(input)
        case .xml: self = .xml(input)
        case .base64: self = .base64(Self.trimmed(input), relayState: nil)
        case .form:
            guard let form = FormBody(Substring(Self.trimmed(input))) else { throw Rejection(code: "invalidForm", detail: "invalid percent-encoding") }
            guard let value = try form.single("SAMLResponse") else { throw Rejection(code: "invalidForm", detail: "no SAMLResponse parameter") }
            self = .base64(value, relayState: try form.single("RelayState"))
        }
    }

    /// Recognises the input.
    ///
    /// Raw XML: a UTF-8 BOM (`EF BB BF`), a UTF-16 BOM (`FF FE`, `FE FF`), BOM-less UTF-16 (`3C 00`, `00 3C`: a NUL
    /// in the first two bytes, which neither base64 nor a form body can contain), or `<` after ASCII whitespace.
    /// A form body has a parameter named `SAMLResponse`; anything else is a base64 value.
    /// - Throws: `Rejection` `invalidForm` (bad percent-encoding, `SAMLResponse` or `RelayState` twice).
    init(_ input: [UInt8]) throws {
        if Self.isRawXML(input) {
            self = .xml(input)
            return
        }
        let body = Substring(Self.trimmed(input))
        if body.contains("="), let form = FormBody(body), form.names.contains("SAMLResponse") {
            self = .base64(try form.single("SAMLResponse") ?? "", relayState: try form.single("RelayState"))
            return
        }
        if body.contains("SAMLResponse"), FormBody(body) == nil {
            throw Rejection(code: "invalidForm", detail: "invalid percent-encoding in the form body")
        }
        self = .base64(String(body), relayState: nil)
    }

    /// The input as UTF-8 text without surrounding whitespace.
    static func trimmed(_ input: [UInt8]) -> String {
        String(decoding: input, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func isRawXML(_ input: [UInt8]) -> Bool {
        if input.starts(with: [0xEF, 0xBB, 0xBF]) || input.starts(with: [0xFF, 0xFE]) || input.starts(with: [0xFE, 0xFF]) { return true }
        if input.count >= 2 && (input[0] == 0 || input[1] == 0) { return true }
        let first = input.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        return first == UInt8(ascii: "<")
    }
}

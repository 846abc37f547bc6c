import Foundation
import SAML
import SAMLAttributeMapping
import SAMLCertificatePolicy

/// A rejection as the tool reports it: a stable case name and a one-line detail.
///
/// Every typed error of the libraries maps to one (`SAMLError`, `AttributeMappingError`, `CertificatePolicyError`),
/// as does the tool's own (an unreadable file, a malformed form body): all exit 1.
struct Rejection: Error {
    let code: String
    let detail: String

    init(code: String, detail: String) {
        self.code = code
        self.detail = detail
    }

    /// The rejection for a typed error; nil for anything else (a usage error).
    init?(_ error: any Error) {
        switch error {
        case let error as Rejection: self = error
        case let error as SAMLError: self.init(code: error.code, detail: error.detail)
        case let error as AttributeMappingError: self.init(code: error.code, detail: String(describing: error))
        case let error as CertificatePolicyError: self.init(code: error.code, detail: String(describing: error))
        default: return nil
        }
    }

    /// The longest detail printed, in UTF-8 bytes (ellipsis included).
    static let maxDetailBytes = 1024

    /// `text` on one line and at most `limit` bytes: control characters (C0, DEL, C1, U+2028/U+2029) escaped as
    /// `\n`, `\r`, `\t` or `\u{…}`, and a longer text cut at a character boundary with `…`.
    static func oneLine(_ text: String, limit: Int = maxDetailBytes) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case "\u{00}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{2028}", "\u{2029}":
                escaped += "\\u{" + String(scalar.value, radix: 16) + "}"
            default:
                escaped.unicodeScalars.append(scalar)
            }
        }
        guard escaped.utf8.count > limit else { return escaped }
        let ellipsis = "…"
        var cut = ""
        var bytes = 0
        for character in escaped {
            let size = character.utf8.count
            guard bytes + size + ellipsis.utf8.count <= limit else { break }
            cut.append(character)
            bytes += size
        }
        return cut + ellipsis
    }

    /// The stdout JSON of a rejected message: `{"rejected": code, "detail": …}`.
    struct JSON: Encodable {
        let rejected: String
        let detail: String
    }

    /// Reports the rejection (stdout JSON when `json`, one stderr line always) and exits 1.
    func exit(json: Bool) -> Never {
        let detail = Self.oneLine(detail)
        let code = Self.oneLine(code, limit: 128)
        if json { try? IO.printJSON(JSON(rejected: code, detail: detail)) }
        FileHandle.standardError.write(Data("error: \(code): \(detail)\n".utf8))
        Foundation.exit(1)
    }
}

import Foundation
internal import CXMLSec
internal import CXMLSecShims

/// An X.509 certificate as it travels in SAML metadata and signatures: its DER bytes, checked to be one
/// well-formed certificate. (Named with the prefix because `Certificate` is swift-certificates' type.)
public struct SAMLCertificate: Sendable, Hashable {
    /// The DER encoding.
    public let der: [UInt8]

    /// From DER bytes.
    /// - Parameters:
    ///   - der: exactly one DER-encoded X.509 certificate.
    /// - Throws: ``SAMLError/invalidCertificate(_:)`` when the bytes are not exactly one X.509 certificate.
    public init(der: [UInt8]) throws {
        ensureLibrariesInitialized()
        let ok = der.withUnsafeBufferPointer { cxmlsec_certificate_der_is_valid($0.baseAddress, Int32($0.count)) }
        guard !der.isEmpty, ok == 1 else {
            CErrors.clear()
            throw SAMLError.invalidCertificate("not a DER X.509 certificate (\(der.count) bytes)")
        }
        self.der = der
    }

    /// From the base64 text of an `X509Certificate` element (whitespace ignored).
    /// - Parameters:
    ///   - base64: the element's text: base64 of the DER (or, as some metadata has it, of a whole PEM text).
    /// - Throws: ``SAMLError/invalidCertificate(_:)`` when the text is not base64 or not one X.509 certificate.
    public init(base64: String) throws {
        try self.init(decodedBase64: try Self.decodeBase64(base64))
    }

    /// The bytes of an `X509Certificate` element's base64 text (whitespace ignored): DER, or a PEM text.
    /// - Throws: ``SAMLError/invalidCertificate(_:)`` when the text is not base64.
    static func decodeBase64(_ base64: String) throws -> [UInt8] {
        do { return try Base64.decode(base64) } catch { throw SAMLError.invalidCertificate("X509Certificate is not base64") }
    }

    /// From the decoded bytes of an `X509Certificate` element (see ``decodeBase64(_:)``).
    init(decodedBase64 bytes: [UInt8]) throws {
        // Some metadata in the wild base64-encodes a whole PEM text; the certificate inside is still the one published.
        if bytes.starts(with: Array("-----BEGIN CERTIFICATE-----".utf8)) {
            try self.init(pem: String(decoding: bytes, as: UTF8.self))
            return
        }
        try self.init(der: bytes)
    }

    /// From PEM text (the first CERTIFICATE block).
    /// - Parameters:
    ///   - pem: text holding at least one `-----BEGIN CERTIFICATE-----` block; later blocks are ignored.
    /// - Throws: ``SAMLError/invalidCertificate(_:)`` when no block is found or it is not an X.509 certificate.
    public init(pem: String) throws {
        ensureLibrariesInitialized()
        var out: UnsafeMutablePointer<UInt8>?
        let bytes = Array(pem.utf8)
        let size = bytes.withUnsafeBufferPointer { cxmlsec_certificate_pem_to_der($0.baseAddress, Int32($0.count), &out) }
        CErrors.clear()
        guard size > 0, let out else { throw SAMLError.invalidCertificate("no PEM certificate found") }
        defer { cxmlsec_openssl_free(out) }
        try self.init(der: Array(UnsafeBufferPointer(start: out, count: Int(size))))
    }

    /// The DER as one line of base64, as metadata carries it.
    public var base64: String { Base64.encode(der) }

    /// PEM text with 64-character lines.
    public var pem: String {
        let b64 = Array(base64)
        var lines: [String] = []
        var i = 0
        while i < b64.count {
            lines.append(String(b64[i..<min(i + 64, b64.count)]))
            i += 64
        }
        return "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: "\n") + "\n-----END CERTIFICATE-----\n"
    }
}

extension SAMLCertificate {
    /// What an admin sees of a certificate: subject and validity window, read with OpenSSL. Dates are information
    /// in pinned mode (a metadata certificate is a key container); a CA policy decides on them itself.
    public struct Summary: Sendable, Hashable, Codable {
        /// The subject, RFC 2253 (`CN=…,O=…`).
        public let subject: String
        /// Start of the validity window.
        public let notBefore: Date
        /// End of the validity window.
        public let notAfter: Date

        /// Whole days from `now` to `notAfter` (negative once expired), rounded down.
        /// - Parameters:
        ///   - now: the instant to count from (the SP clock's).
        public func daysToExpiry(at now: Date) -> Int { Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down)) }
    }

    /// The certificate's subject and validity window (nil only if OpenSSL cannot read a date).
    public var summary: Summary? {
        var notBefore: Int64 = 0
        var notAfter: Int64 = 0
        var subject = [CChar](repeating: 0, count: 512)
        let ok = der.withUnsafeBufferPointer { bytes in
            subject.withUnsafeMutableBufferPointer { text in
                cxmlsec_certificate_info(bytes.baseAddress, Int32(bytes.count), &notBefore, &notAfter, text.baseAddress, Int32(text.count))
            }
        }
        guard ok == 1 else { return nil }
        let text = subject.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return Summary(subject: text, notBefore: Date(timeIntervalSince1970: TimeInterval(notBefore)),
                       notAfter: Date(timeIntervalSince1970: TimeInterval(notAfter)))
    }
}

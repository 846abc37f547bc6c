import Foundation
internal import CXMLSec
internal import CXMLSecShims

/// The HTTP-Redirect binding (saml-bindings §3.4): raw DEFLATE, base64, URL-encoding, and the query-string signature.
public enum RedirectBinding {
    /// RelayState may not exceed 80 bytes (saml-bindings §3.4.3).
    static let maxRelayStateBytes = 80

    static func checkRelayState(_ relayState: String?) throws {
        if let relayState, relayState.utf8.count > maxRelayStateBytes {
            throw SAMLError.invalidConfiguration("RelayState is \(relayState.utf8.count) bytes; the binding allows \(maxRelayStateBytes)")
        }
    }

    static func encode(message: String, parameter: String, destination: String, relayState: String?, signingKey: SigningKey?) throws -> String {
        _ = try EndpointURL.validate(destination)
        try checkRelayState(relayState)
        let deflated = try RawDeflate.compress(Array(message.utf8))
        var query = "\(parameter)=\(percentEncode(Base64.encode(deflated)))"
        if let relayState { query += "&RelayState=\(percentEncode(relayState))" }
        if let signingKey {
            query += "&SigAlg=\(percentEncode(signingKey.algorithm.rawValue))"
            let signature = try signingKey.sign(Array(query.utf8))
            query += "&Signature=\(percentEncode(Base64.encode(signature)))"
        }
        let separator = destination.contains("?") ? "&" : "?"
        return destination + separator + query
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters, with upper-case hex.
    static func percentEncode(_ value: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(value.utf8.count * 3)
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(b)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func percentDecode(_ value: Substring) throws -> String {
        var out = [UInt8]()
        var bytes = Array(value.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "%") {
                guard bytes.count >= 2, let hi = hexValue(bytes.popFirst()!), let lo = hexValue(bytes.popFirst()!) else {
                    throw SAMLError.malformedQuery("bad percent-encoding in the query string")
                }
                out.append(hi << 4 | lo)
            } else if b == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// A message received through the Redirect binding, decoded.
    public struct DecodedMessage: Sendable, Hashable {
        /// `SAMLRequest` or `SAMLResponse`.
        public let parameter: String
        /// The inflated XML.
        public let xml: [UInt8]
        /// The percent-decoded `RelayState` parameter; nil when absent.
        public let relayState: String?
        /// The `SigAlg` parameter; nil when the query is not signed (an unknown URI is kept, and refused on
        /// verification).
        public let signatureAlgorithm: SignatureAlgorithm?
        /// The decoded `Signature` parameter; nil when the query is not signed.
        public let signature: [UInt8]?
        /// The exact octets the signature covers, as received (`SAMLRequest=…[&RelayState=…]&SigAlg=…`).
        public let signedOctets: [UInt8]?
    }

    /// The longest query string accepted for a message that inflates to at most `maxInflatedBytes`: DEFLATE never
    /// grows data by more than a few bytes per 64 KiB, base64 adds a third, percent-encoding at most triples its
    /// `+`, `/` and `=` (about 1/20 of the characters), and the signature and RelayState add a few KiB.
    static func maxQueryBytes(maxInflatedBytes: Int) -> Int { maxInflatedBytes * 2 + 16 * 1024 }

    /// Decodes the query string of a Redirect-binding URL (everything after `?`), inflating with a cap. The query's
    /// size is checked before anything is decoded; duplicate parameters are rejected.
    /// - Parameters:
    ///   - query: the URL's query string, without the `?`.
    ///   - maxInflatedBytes: the most bytes the inflated message may have (256 KiB by default).
    /// - Returns: the message, its RelayState and, for a signed query, the signature and the octets it covers.
    /// - Throws: ``SAMLError/inputTooLarge(limit:size:)`` (a query longer than about twice `maxInflatedBytes` plus 16 KiB),
    ///   ``SAMLError/inflatedTooLarge(limit:)`` (a DEFLATE bomb), ``SAMLError/inflateFailed``,
    ///   ``SAMLError/invalidBase64``, ``SAMLError/missingElement(_:)`` (no SAMLRequest/SAMLResponse),
    ///   ``SAMLError/malformedQuery(_:)`` (a duplicated parameter or a bad percent-escape).
    public static func decode(query: String, maxInflatedBytes: Int = 256 * 1024) throws -> DecodedMessage {
        let limit = maxQueryBytes(maxInflatedBytes: maxInflatedBytes)
        guard query.utf8.count <= limit else { throw SAMLError.inputTooLarge(limit: limit, size: query.utf8.count) }
        var raw: [String: Substring] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard raw[name] == nil else { throw SAMLError.malformedQuery("parameter \(name) appears twice") }
            raw[name] = parts.count > 1 ? parts[1] : ""
        }
        let parameter: String
        if raw["SAMLRequest"] != nil && raw["SAMLResponse"] == nil { parameter = "SAMLRequest" }
        else if raw["SAMLResponse"] != nil && raw["SAMLRequest"] == nil { parameter = "SAMLResponse" }
        else { throw SAMLError.missingElement("SAMLRequest") }
        let encoded = try percentDecode(raw[parameter]!)
        let deflated = try Base64.decode(encoded)
        let xml = try RawDeflate.decompress(deflated, limit: maxInflatedBytes)
        let relayState = try raw["RelayState"].map(percentDecode)
        var algorithm: SignatureAlgorithm?
        var signature: [UInt8]?
        var signedOctets: [UInt8]?
        if let sigAlg = raw["SigAlg"] {
            algorithm = SignatureAlgorithm(rawValue: try percentDecode(sigAlg))
            guard let sig = raw["Signature"] else { throw SAMLError.signatureMissing(.response) }
            signature = try Base64.decode(try percentDecode(sig))
            // The signed octets are the received parameter values as sent, in the binding's order.
            var octets = "\(parameter)=\(raw[parameter]!)"
            if let rs = raw["RelayState"] { octets += "&RelayState=\(rs)" }
            octets += "&SigAlg=\(sigAlg)"
            signedOctets = Array(octets.utf8)
        } else if raw["Signature"] != nil {
            throw SAMLError.algorithmNotAllowed("Signature without SigAlg")
        }
        return DecodedMessage(parameter: parameter, xml: xml, relayState: relayState, signatureAlgorithm: algorithm,
                              signature: signature, signedOctets: signedOctets)
    }
}

extension RedirectBinding.DecodedMessage {
    /// Verifies the query-string signature with one of `certificates`.
    /// - Parameters:
    ///   - certificates: the IdP's signing certificates (from its metadata, never from the message).
    ///   - allowedAlgorithms: the `SigAlg` values accepted (SHA-256 and stronger by default).
    /// - Throws: ``SAMLError/signatureMissing(_:)``, ``SAMLError/algorithmNotAllowed(_:)``, ``SAMLError/signatureInvalid``.
    public func verifySignature(certificates: [SAMLCertificate], allowedAlgorithms: Set<SignatureAlgorithm> = SignatureAlgorithm.strongDefaults) throws {
        try verifySignature(keys: certificates.map { try VerificationKey(certificate: $0) }, allowedAlgorithms: allowedAlgorithms)
    }

    /// - Returns: the key that verified.
    @discardableResult
    func verifySignature(keys: [VerificationKey], allowedAlgorithms: Set<SignatureAlgorithm>) throws -> VerificationKey {
        guard let algorithm = signatureAlgorithm, let signature, let signedOctets else { throw SAMLError.signatureMissing(.response) }
        guard allowedAlgorithms.contains(algorithm), let md = algorithm.messageDigest else { throw SAMLError.algorithmNotAllowed(algorithm.rawValue) }
        for key in keys {
            let kind = cxmlsec_evp_key_kind(key.evp)
            guard (kind == 2) == algorithm.isECDSA else { continue }
            let ok = signedOctets.withUnsafeBufferPointer { data in
                signature.withUnsafeBufferPointer { sig in
                    cxmlsec_evp_verify(key.evp, md, data.baseAddress, data.count, sig.baseAddress, sig.count)
                }
            }
            if ok == 1 { return key }
        }
        throw SAMLError.signatureInvalid
    }
}

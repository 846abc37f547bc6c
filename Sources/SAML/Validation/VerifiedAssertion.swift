import Foundation

/// An assertion that passed every check. Only ``ServiceProvider`` makes one.
///
/// Every field comes from the assertion node whose signature (or whose enclosing Response's signature) was
/// verified, never from a second search of the document.
public struct VerifiedAssertion: Sendable, Hashable {
    /// The subject's identifier.
    public struct NameID: Sendable, Hashable, Codable {
        public let value: String
        public let format: NameIDFormat?
        public let nameQualifier: String?
        public let spNameQualifier: String?

        public init(value: String, format: NameIDFormat? = nil, nameQualifier: String? = nil, spNameQualifier: String? = nil) {
            self.value = value
            self.format = format
            self.nameQualifier = nameQualifier
            self.spNameQualifier = spNameQualifier
        }
    }

    /// One `saml:Attribute` with its values in document order.
    public struct Attribute: Sendable, Hashable, Codable {
        public let name: String
        public let nameFormat: String?
        public let friendlyName: String?
        public let values: [String]
    }

    /// Which parts of the response were signed (and verified).
    public struct SignedParts: Sendable, Hashable, Codable {
        public let response: Bool
        public let assertion: Bool
    }

    /// The IdP's entityID.
    public let issuer: String
    /// The assertion's ID.
    public let assertionID: String
    public let nameID: NameID
    public let sessionIndex: String?
    public let authnInstant: Date
    public let authnContextClassRef: String?
    public let sessionNotOnOrAfter: Date?
    /// Conditions NotBefore / NotOnOrAfter.
    public let notBefore: Date?
    public let notOnOrAfter: Date?
    public let audiences: [String]
    public let attributes: [Attribute]
    /// The response's InResponseTo (nil for IdP-initiated responses).
    public let inResponseTo: String?
    /// The RelayState that came with the response, as given to `validate`.
    public let relayState: String?
    public let signed: SignedParts
    /// The certificate (from the IdP's metadata) whose key verified the signature.
    public let signingCertificate: SAMLCertificate
    /// Exclusive canonical XML (without comments) of the verified assertion, for audit logs.
    ///
    /// Computed on first read, not on the login path: the validated bytes are kept and parsed again with the same
    /// limits, and the response's one top-level Assertion (which the structure checks proved unique, and whose ID
    /// must equal ``assertionID``) is canonicalised. Decrypted assertions are canonicalised during validation.
    /// Until then the value keeps the validated response bytes (at most `maxResponseBytes`) alive. Should the
    /// canonicalisation ever fail (memory exhaustion), this is the empty string, never other XML.
    public var canonicalXML: String { auditXML.value }
    let auditXML: AuditXML

    /// The first attribute with exactly this Name (compared by Unicode scalars: `\u{212A}elvin` is not `Kelvin`).
    public func attribute(named name: String) -> Attribute? { attributes.first { Exact.equal($0.name, name) } }

    /// The values of every attribute with exactly this Name (several Attribute elements may share one; names are
    /// compared by Unicode scalars, never by canonical equivalence).
    public func values(of name: String) -> [String] { attributes.filter { Exact.equal($0.name, name) }.flatMap(\.values) }
}

/// The canonical XML of a verified assertion, either computed already or computed once on first read from the
/// validated response bytes. Immutable inputs plus a lock-protected cache: safe to share across tasks.
final class AuditXML: @unchecked Sendable, Hashable {
    private enum Source {
        case computed(String)
        case response(bytes: [UInt8], limits: XMLParsingLimits, assertionID: String)
    }

    private let source: Source
    private let lock = NSLock()
    private var cached: String?

    init(computed: String) { source = .computed(computed) }

    init(response bytes: [UInt8], limits: XMLParsingLimits, assertionID: String) {
        source = .response(bytes: bytes, limits: limits, assertionID: assertionID)
    }

    var value: String {
        switch source {
        case .computed(let text):
            return text
        case .response(let bytes, let limits, let assertionID):
            lock.lock()
            defer { lock.unlock() }
            if let cached { return cached }
            let text = Self.canonicalize(bytes, limits: limits, assertionID: assertionID)
            cached = text
            return text
        }
    }

    /// These bytes passed validation with these limits, so the parse and the single top-level Assertion are certain;
    /// should either ever fail, the result is the empty string rather than any other XML.
    private static func canonicalize(_ bytes: [UInt8], limits: XMLParsingLimits, assertionID: String) -> String {
        guard let document = try? ParsedXML.parse(bytes, limits: limits, checkDepth: false) else { return "" }
        return document.withRoot { root in
            guard let assertion = XMLTree.firstChild(root, NS.assertionURI, "Assertion"),
                  XMLTree.attribute(assertion, "ID") == assertionID,
                  let text = document.canonicalXML(of: assertion)
            else { return "" }
            return text
        }
    }

    static func == (lhs: AuditXML, rhs: AuditXML) -> Bool { lhs === rhs || lhs.value == rhs.value }

    /// Equal values hash alike because nothing is hashed: the assertion's other fields carry the hash.
    func hash(into hasher: inout Hasher) {}
}

import Foundation

/// An assertion that passed every check. Only ``ServiceProvider`` makes one.
///
/// Every field comes from the assertion node whose signature (or whose enclosing Response's signature) was
/// verified, never from a second search of the document.
public struct VerifiedAssertion: Sendable, Hashable {
    /// The subject's identifier.
    public struct NameID: Sendable, Hashable, Codable {
        /// The identifier (the element's text, trimmed).
        public let value: String
        /// The `Format` attribute; nil when absent (unspecified).
        public let format: NameIDFormat?
        /// The `NameQualifier` attribute (the IdP's namespace for the value), if any.
        public let nameQualifier: String?
        /// The `SPNameQualifier` attribute (the SP's namespace for the value), if any.
        public let spNameQualifier: String?

        /// Creates a NameID (to build a LogoutRequest for a session the app stored, say).
        /// - Parameters:
        ///   - value: the identifier.
        ///   - format: the `Format` attribute.
        ///   - nameQualifier: the `NameQualifier` attribute.
        ///   - spNameQualifier: the `SPNameQualifier` attribute.
        public init(value: String, format: NameIDFormat? = nil, nameQualifier: String? = nil, spNameQualifier: String? = nil) {
            self.value = value
            self.format = format
            self.nameQualifier = nameQualifier
            self.spNameQualifier = spNameQualifier
        }
    }

    /// One `saml:Attribute` with its values in document order.
    public struct Attribute: Sendable, Hashable, Codable {
        /// The `Name` attribute (a URI or a short name, depending on the IdP).
        public let name: String
        /// The `NameFormat` attribute, if any.
        public let nameFormat: String?
        /// The `FriendlyName` attribute, if any (not unique: never match on it alone for authorisation).
        public let friendlyName: String?
        /// The `AttributeValue` texts, in document order.
        public let values: [String]
    }

    /// Which parts of the response were signed (and verified).
    public struct SignedParts: Sendable, Hashable, Codable {
        /// The Response's own signature was verified.
        public let response: Bool
        /// The Assertion's own signature was verified.
        public let assertion: Bool
    }

    /// The IdP's entityID.
    public let issuer: String
    /// The assertion's ID.
    public let assertionID: String
    /// The Subject's NameID.
    public let nameID: NameID
    /// The AuthnStatement's SessionIndex (keep it for single logout), if any.
    public let sessionIndex: String?
    /// When the IdP authenticated the user (the AuthnStatement's AuthnInstant).
    public let authnInstant: Date
    /// How the IdP authenticated the user (the AuthnContextClassRef), if given.
    public let authnContextClassRef: String?
    /// The AuthnStatement's SessionNotOnOrAfter: the IdP's bound on the SP session, if any.
    public let sessionNotOnOrAfter: Date?
    /// Conditions NotBefore.
    public let notBefore: Date?
    /// Conditions NotOnOrAfter.
    public let notOnOrAfter: Date?
    /// Every Audience of the AudienceRestrictions (the SP's entityID is among them).
    public let audiences: [String]
    /// The AttributeStatements' attributes, in document order.
    public let attributes: [Attribute]
    /// The response's InResponseTo (nil for IdP-initiated responses).
    public let inResponseTo: String?
    /// The RelayState that came with the response, as given to `validate`.
    public let relayState: String?
    /// Which of Response and Assertion carried a verified signature.
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
    /// - Parameters:
    ///   - name: the attribute's `Name`.
    public func attribute(named name: String) -> Attribute? { attributes.first { Exact.equal($0.name, name) } }

    /// The values of every attribute with exactly this Name (several Attribute elements may share one; names are
    /// compared by Unicode scalars, never by canonical equivalence).
    /// - Parameters:
    ///   - name: the attribute's `Name`.
    /// - Returns: the values in document order; empty when no attribute has the name.
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

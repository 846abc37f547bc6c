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
    /// Exclusive canonical XML of the verified assertion, for audit logs.
    public let canonicalXML: String

    /// The first attribute with this Name.
    public func attribute(named name: String) -> Attribute? { attributes.first { $0.name == name } }

    /// The values of every attribute with this Name (several Attribute elements may share one).
    public func values(of name: String) -> [String] { attributes.filter { $0.name == name }.flatMap(\.values) }
}

import Foundation
internal import CXMLSec

/// What an SP needs to know about an identity provider, read from its SAML metadata (or set by hand).
public struct IdPMetadata: Sendable, Hashable {
    /// The IdP's entityID: the Issuer of its responses.
    public var entityID: String
    /// SingleSignOnService endpoints, in document order.
    public var singleSignOnServices: [Endpoint]
    /// SingleLogoutService endpoints, in document order.
    public var singleLogoutServices: [Endpoint]
    /// Every certificate whose key may sign the IdP's messages (several during a key rollover).
    public var signingCertificates: [SAMLCertificate]
    /// Certificates to encrypt to the IdP.
    public var encryptionCertificates: [SAMLCertificate]
    /// Further certificates published beside the keys (the rest of an X509Data: intermediates for a CA policy).
    /// Never trusted to verify anything themselves.
    public var additionalCertificates: [SAMLCertificate] = []
    /// NameID formats the IdP supports.
    public var nameIDFormats: [NameIDFormat]
    /// Whether the IdP wants AuthnRequests signed.
    public var wantAuthnRequestsSigned: Bool
    /// The end of the metadata's validity (the tightest of the entity's and its enclosing groups').
    public var validUntil: Date?
    /// How long the metadata may be cached, in seconds.
    public var cacheDuration: TimeInterval?

    /// Configures an IdP by hand (no metadata document).
    /// - Parameters:
    ///   - entityID: the IdP's entityID (the Issuer its messages carry).
    ///   - singleSignOnServices: where AuthnRequests go.
    ///   - singleLogoutServices: where logout messages go.
    ///   - signingCertificates: the keys its signatures are verified with (at least one for a ``ServiceProvider``).
    ///   - encryptionCertificates: the keys to encrypt for it (unused by the SP today).
    ///   - nameIDFormats: the NameID formats it supports.
    ///   - wantAuthnRequestsSigned: whether it wants signed AuthnRequests (an unsigned one is then refused when built).
    ///   - validUntil: the end of the configuration's validity.
    ///   - cacheDuration: how long the configuration may be cached, in seconds.
    public init(entityID: String, singleSignOnServices: [Endpoint] = [], singleLogoutServices: [Endpoint] = [],
                signingCertificates: [SAMLCertificate], encryptionCertificates: [SAMLCertificate] = [],
                nameIDFormats: [NameIDFormat] = [], wantAuthnRequestsSigned: Bool = false,
                validUntil: Date? = nil, cacheDuration: TimeInterval? = nil) {
        self.entityID = entityID
        self.singleSignOnServices = singleSignOnServices
        self.singleLogoutServices = singleLogoutServices
        self.signingCertificates = signingCertificates
        self.encryptionCertificates = encryptionCertificates
        self.nameIDFormats = nameIDFormats
        self.wantAuthnRequestsSigned = wantAuthnRequestsSigned
        self.validUntil = validUntil
        self.cacheDuration = cacheDuration
    }

    /// Parses IdP metadata: an EntityDescriptor, or an EntitiesDescriptor from which `entityID` selects one.
    ///
    /// Only the IDPSSODescriptor is read: the KeyDescriptors of other roles (Azure's WS-Federation
    /// RoleDescriptors, ADFS's SPSSODescriptor) are never taken as the IdP's signing keys.
    /// - Parameters:
    ///   - xml: the metadata document's bytes.
    ///   - entityID: which entity to take from an aggregate; needed when it holds several IdPs.
    ///   - limits: size and depth caps.
    /// - Throws: ``SAMLError/missingIDPSSODescriptor``, ``SAMLError/entityNotFound(_:)``,
    ///   ``SAMLError/ambiguousEntity(_:)``, ``SAMLError/invalidCertificate(_:)``, ``SAMLError/invalidEndpointURL(_:)``,
    ///   ``SAMLError/unexpectedRoot(namespace:name:)``, and the parser's errors (``SAMLError/doctypeForbidden``,
    ///   ``SAMLError/malformedXML(detail:)``, ``SAMLError/documentTooDeep(limit:)``, ``SAMLError/emptyInput``, ...).
    public init(xml: some Collection<UInt8>, entityID: String? = nil, limits: XMLParsingLimits = .metadata) throws {
        self = try cappingEchoes {
            let doc = try ParsedXML.parse(xml, limits: limits)
            return try IdPMetadata(document: doc, entityID: entityID)
        }
    }

    /// Parses IdP metadata from a string (see ``init(xml:entityID:limits:)-(Collection<UInt8>,_,_)``).
    /// - Parameters:
    ///   - xml: the metadata document.
    ///   - entityID: which entity to take from an aggregate; needed when it holds several IdPs.
    ///   - limits: size and depth caps.
    /// - Throws: as ``init(xml:entityID:limits:)-(Collection<UInt8>,_,_)``.
    public init(xml: String, entityID: String? = nil, limits: XMLParsingLimits = .metadata) throws {
        try self.init(xml: Array(xml.utf8), entityID: entityID, limits: limits)
    }

    /// Reads the IdP from a parsed document; every node is read inside the document's scope.
    init(document doc: ParsedXML, entityID: String?) throws {
        self = try doc.withRoot { try IdPMetadata(root: $0, entityID: entityID) }
    }

    private init(root: xmlNodePtr, entityID: String?) throws {
        let entities = try MetadataReader.entities(under: root)
        let (entity, descriptor) = try MetadataReader.select(entities, entityID: entityID, role: "IDPSSODescriptor", missing: .missingIDPSSODescriptor)
        let certificates = try MetadataReader.certificates(descriptor)
        self.init(
            entityID: entity.entityID,
            singleSignOnServices: try MetadataReader.endpoints(descriptor, "SingleSignOnService"),
            singleLogoutServices: try MetadataReader.endpoints(descriptor, "SingleLogoutService"),
            signingCertificates: certificates.signing,
            encryptionCertificates: certificates.encryption,
            nameIDFormats: MetadataReader.nameIDFormats(descriptor),
            wantAuthnRequestsSigned: MetadataReader.bool(descriptor, "WantAuthnRequestsSigned"),
            validUntil: entity.validUntil,
            cacheDuration: entity.cacheDuration
        )
        self.additionalCertificates = certificates.additional
    }

    /// The first SingleSignOnService with this binding.
    /// - Parameters:
    ///   - binding: HTTP-Redirect or HTTP-POST, usually.
    /// - Returns: the endpoint, or nil when the IdP offers none with this binding.
    public func singleSignOnService(binding: Binding) -> Endpoint? {
        singleSignOnServices.first { $0.binding == binding }
    }

    /// The first SingleLogoutService with this binding.
    /// - Parameters:
    ///   - binding: HTTP-Redirect or HTTP-POST, usually.
    /// - Returns: the endpoint, or nil when the IdP offers none with this binding.
    public func singleLogoutService(binding: Binding) -> Endpoint? {
        singleLogoutServices.first { $0.binding == binding }
    }
}

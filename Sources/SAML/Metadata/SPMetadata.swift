import Foundation
internal import CXMLSec

/// A service provider's metadata: parsed from XML, or built and written as the file an admin hands to the IdP.
public struct SPMetadata: Sendable, Hashable {
    /// The SP's entityID (the Audience IdPs put in assertions for it).
    public var entityID: String
    /// AssertionConsumerService endpoints with their index and isDefault.
    public var assertionConsumerServices: [IndexedEndpoint]
    /// SingleLogoutService endpoints.
    public var singleLogoutServices: [Endpoint]
    /// The `AuthnRequestsSigned` attribute: whether the SP signs its AuthnRequests.
    public var authnRequestsSigned: Bool
    /// The `WantAssertionsSigned` attribute: whether the SP requires the assertion itself to be signed.
    public var wantAssertionsSigned: Bool
    /// Certificates published with `use="signing"`: the keys the SP's requests are signed with.
    public var signingCertificates: [SAMLCertificate]
    /// Certificates published with `use="encryption"`: the keys IdPs encrypt assertions for.
    public var encryptionCertificates: [SAMLCertificate]
    /// The NameID formats the SP asks for.
    public var nameIDFormats: [NameIDFormat]
    /// The document's `validUntil`, if any.
    public var validUntil: Date?
    /// The document's `cacheDuration` in seconds, if any.
    public var cacheDuration: TimeInterval?

    /// Describes an SP by hand (``ServiceProviderConfiguration/metadata`` derives one
    /// from the configuration).
    /// - Parameters:
    ///   - entityID: the SP's entityID.
    ///   - assertionConsumerServices: the ACS endpoints.
    ///   - singleLogoutServices: the SLO endpoints.
    ///   - authnRequestsSigned: whether the SP signs its AuthnRequests.
    ///   - wantAssertionsSigned: whether the SP requires signed assertions (default true).
    ///   - signingCertificates: the SP's signing certificates.
    ///   - encryptionCertificates: the SP's encryption certificates.
    ///   - nameIDFormats: the NameID formats the SP asks for.
    ///   - validUntil: the document's validUntil.
    ///   - cacheDuration: the document's cacheDuration, in seconds (at most 100 years).
    public init(entityID: String, assertionConsumerServices: [IndexedEndpoint], singleLogoutServices: [Endpoint] = [],
                authnRequestsSigned: Bool = false, wantAssertionsSigned: Bool = true,
                signingCertificates: [SAMLCertificate] = [], encryptionCertificates: [SAMLCertificate] = [],
                nameIDFormats: [NameIDFormat] = [], validUntil: Date? = nil, cacheDuration: TimeInterval? = nil) {
        self.entityID = entityID
        self.assertionConsumerServices = assertionConsumerServices
        self.singleLogoutServices = singleLogoutServices
        self.authnRequestsSigned = authnRequestsSigned
        self.wantAssertionsSigned = wantAssertionsSigned
        self.signingCertificates = signingCertificates
        self.encryptionCertificates = encryptionCertificates
        self.nameIDFormats = nameIDFormats
        self.validUntil = validUntil
        self.cacheDuration = cacheDuration
    }

    /// Parses SP metadata (an EntityDescriptor, or an EntitiesDescriptor from which `entityID` selects one).
    /// - Parameters:
    ///   - xml: the metadata document's bytes.
    ///   - entityID: which entity to take from an aggregate; needed when it holds several SPs.
    ///   - limits: size and depth caps.
    /// - Throws: ``SAMLError/missingSPSSODescriptor``, ``SAMLError/entityNotFound(_:)``, ``SAMLError/ambiguousEntity(_:)``,
    ///   ``SAMLError/invalidCertificate(_:)``, ``SAMLError/invalidEndpointURL(_:)``, ``SAMLError/missingAttribute(element:attribute:)``,
    ///   and the parser's errors.
    public init(xml: some Collection<UInt8>, entityID: String? = nil, limits: XMLParsingLimits = .metadata) throws {
        let doc = try ParsedXML.parse(xml, limits: limits)
        // Every node is read inside the document's scope.
        self = try doc.withRoot { root in
            let entities = try MetadataReader.entities(under: root)
            let (entity, descriptor) = try MetadataReader.select(entities, entityID: entityID, role: "SPSSODescriptor", missing: .missingSPSSODescriptor)
            let certificates = try MetadataReader.certificates(descriptor)
            return SPMetadata(
                entityID: entity.entityID,
                assertionConsumerServices: try MetadataReader.indexedEndpoints(descriptor, "AssertionConsumerService"),
                singleLogoutServices: try MetadataReader.endpoints(descriptor, "SingleLogoutService"),
                authnRequestsSigned: MetadataReader.bool(descriptor, "AuthnRequestsSigned"),
                wantAssertionsSigned: MetadataReader.bool(descriptor, "WantAssertionsSigned"),
                signingCertificates: certificates.signing,
                encryptionCertificates: certificates.encryption,
                nameIDFormats: MetadataReader.nameIDFormats(descriptor),
                validUntil: entity.validUntil,
                cacheDuration: entity.cacheDuration
            )
        }
    }

    /// Parses SP metadata from a string (see ``init(xml:entityID:limits:)-(Collection<UInt8>,_,_)``).
    /// - Parameters:
    ///   - xml: the metadata document.
    ///   - entityID: which entity to take from an aggregate; needed when it holds several SPs.
    ///   - limits: size and depth caps.
    /// - Throws: as ``init(xml:entityID:limits:)-(Collection<UInt8>,_,_)``.
    public init(xml: String, entityID: String? = nil, limits: XMLParsingLimits = .metadata) throws {
        try self.init(xml: Array(xml.utf8), entityID: entityID, limits: limits)
    }

    /// The default AssertionConsumerService: isDefault="true", else the first without isDefault="false", else the first.
    public var defaultAssertionConsumerService: IndexedEndpoint? {
        assertionConsumerServices.first { $0.isDefault == true }
            ?? assertionConsumerServices.first { $0.isDefault == nil }
            ?? assertionConsumerServices.first
    }

    /// The metadata document, optionally signed (enveloped, exclusive c14n, SHA-256) with `signingKey`.
    /// - Parameters:
    ///   - signingKey: signs the document when given; nil writes it unsigned.
    /// - Returns: the XML text, with an XML declaration.
    /// - Throws: ``SAMLError/invalidEndpointURL(_:)`` for an endpoint that is not http(s),
    ///   ``SAMLError/invalidConfiguration(_:)`` for a cacheDuration outside 0…100 years, ``SAMLError/signingFailed(_:)``.
    public func xml(signedWith signingKey: SigningKey? = nil) throws -> String {
        for endpoint in assertionConsumerServices { _ = try EndpointURL.validate(endpoint.location) }
        for endpoint in singleLogoutServices { _ = try EndpointURL.validate(endpoint.location) }
        let id = RequestID.generate()
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        x += "<md:EntityDescriptor xmlns:md=\"\(NS.metadata)\" xmlns:ds=\"\(NS.dsig)\" entityID=\"\(XMLEscape.attribute(entityID))\" ID=\"\(id)\""
        if let validUntil { x += " validUntil=\"\(XSDateTime.format(validUntil))\"" }
        if let cacheDuration {
            guard cacheDuration.isFinite, cacheDuration >= 0, cacheDuration <= XSDuration.maxSeconds else {
                throw SAMLError.invalidConfiguration("cacheDuration \(cacheDuration) s is not between 0 and 100 years")
            }
            x += " cacheDuration=\"PT\(Int(cacheDuration))S\""
        }
        x += ">"
        if let signingKey { x += XMLSigner.template(referenceID: id, algorithm: signingKey.algorithm) }
        x += "<md:SPSSODescriptor AuthnRequestsSigned=\"\(authnRequestsSigned)\" WantAssertionsSigned=\"\(wantAssertionsSigned)\" protocolSupportEnumeration=\"\(MetadataReader.saml2Protocol)\">"
        for certificate in signingCertificates {
            x += "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(certificate.base64)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        }
        for certificate in encryptionCertificates {
            x += "<md:KeyDescriptor use=\"encryption\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(certificate.base64)</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
            x += "</md:KeyDescriptor>"
        }
        for endpoint in singleLogoutServices {
            x += "<md:SingleLogoutService Binding=\"\(XMLEscape.attribute(endpoint.binding.rawValue))\" Location=\"\(XMLEscape.attribute(endpoint.location))\""
            if let response = endpoint.responseLocation { x += " ResponseLocation=\"\(XMLEscape.attribute(response))\"" }
            x += "/>"
        }
        for format in nameIDFormats {
            x += "<md:NameIDFormat>\(XMLEscape.text(format.rawValue))</md:NameIDFormat>"
        }
        for endpoint in assertionConsumerServices {
            x += "<md:AssertionConsumerService Binding=\"\(XMLEscape.attribute(endpoint.binding.rawValue))\" Location=\"\(XMLEscape.attribute(endpoint.location))\" index=\"\(endpoint.index)\""
            if let isDefault = endpoint.isDefault { x += " isDefault=\"\(isDefault)\"" }
            x += "/>"
        }
        x += "</md:SPSSODescriptor></md:EntityDescriptor>\n"
        guard let signingKey else { return x }
        return String(decoding: try XMLSigner.signEnveloped(x, key: signingKey), as: UTF8.self)
    }
}


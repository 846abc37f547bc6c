import Foundation
internal import CXMLSec

/// A service provider's metadata: parsed from XML, or built and written as the file an admin hands to the IdP.
public struct SPMetadata: Sendable, Hashable {
    public var entityID: String
    /// AssertionConsumerService endpoints with their index and isDefault.
    public var assertionConsumerServices: [IndexedEndpoint]
    public var singleLogoutServices: [Endpoint]
    public var authnRequestsSigned: Bool
    public var wantAssertionsSigned: Bool
    public var signingCertificates: [SAMLCertificate]
    public var encryptionCertificates: [SAMLCertificate]
    public var nameIDFormats: [NameIDFormat]
    public var validUntil: Date?
    public var cacheDuration: TimeInterval?

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
    /// - Throws: ``SAMLError/invalidEndpointURL(_:)`` for an endpoint that is not http(s), ``SAMLError/signingFailed(_:)``.
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


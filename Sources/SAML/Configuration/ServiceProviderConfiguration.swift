import Foundation

/// Everything that defines one service provider, in one value: its identity and endpoints, its keys and its
/// validation options. The SP metadata, the AuthnRequests and LogoutRequests it sends, and the ``ServiceProvider``
/// that validates what comes back all derive from it, so they cannot disagree:
///
/// - the metadata says `AuthnRequestsSigned="true"` exactly when there is a signing key, and then every request is
///   signed with it;
/// - the metadata's `WantAssertionsSigned` says what ``ServiceProvider/Options/signatureRequirement`` enforces
///   (`true` for `.assertion` and `.both`);
/// - a request to an IdP whose metadata says `WantAuthnRequestsSigned="true"` is refused when it is built if there is
///   no key to sign it (``SAMLError/unsignedRequestRefused(identityProvider:)``), rather than at the IdP;
/// - the ACS and SLO URLs published are the ones Destination and Recipient are checked against.
///
/// ```swift
/// let configuration = try ServiceProviderConfiguration(
///     entityID: "https://app.example.com/saml/metadata",
///     assertionConsumerServiceURL: "https://app.example.com/saml/acs",
///     singleLogoutServiceURL: "https://app.example.com/saml/slo",
///     signingKey: try SigningKey(privateKeyPEM: keyPEM, certificatePEM: certificatePEM))
/// let metadataXML = try configuration.metadataXML()
/// ```
public struct ServiceProviderConfiguration: Sendable {
    /// The SP's entityID (the Audience it expects, the Issuer of what it sends).
    public let entityID: String
    /// The AssertionConsumerService endpoints (HTTP-POST), the first the default.
    public let assertionConsumerServices: [IndexedEndpoint]
    /// The SingleLogoutService endpoints (both bindings at one URL when given by ``init(entityID:assertionConsumerServiceURL:singleLogoutServiceURL:signingKey:decryptionKeys:nameIDFormats:authnRequestBinding:options:)``).
    public let singleLogoutServices: [Endpoint]
    /// Signs AuthnRequests, logout messages and the metadata; its certificate is published for signing.
    public let signingKey: SigningKey?
    /// Decrypt EncryptedAssertion/EncryptedID/EncryptedAttribute (several during a rollover); the certificates of
    /// those that have one are published for encryption.
    public let decryptionKeys: [DecryptionKey]
    /// NameID formats the SP asks for (the first goes into each AuthnRequest's NameIDPolicy).
    public let nameIDFormats: [NameIDFormat]
    /// The binding AuthnRequests use when the IdP offers it (otherwise the other one it offers).
    public let authnRequestBinding: Binding
    /// How responses are validated.
    public let options: ServiceProvider.Options

    /// Describes the SP, checking that its parts agree.
    /// - Parameters:
    ///   - entityID: the SP's entityID.
    ///   - assertionConsumerServices: the ACS endpoints (HTTP-POST); at least one.
    ///   - singleLogoutServices: the SLO endpoints.
    ///   - signingKey: the SP's signing key (with its certificate), or nil to send unsigned requests.
    ///   - decryptionKeys: the SP's decryption keys.
    ///   - nameIDFormats: NameID formats to ask for.
    ///   - authnRequestBinding: `.httpRedirect` (default) or `.httpPOST`.
    ///   - options: validation options.
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` (empty entityID, no ACS, a signing key without certificate,
    ///   a binding other than Redirect or POST, encrypted assertions required without a key),
    ///   ``SAMLError/invalidEndpointURL(_:)``.
    public init(entityID: String, assertionConsumerServices: [IndexedEndpoint], singleLogoutServices: [Endpoint] = [],
                signingKey: SigningKey? = nil, decryptionKeys: [DecryptionKey] = [], nameIDFormats: [NameIDFormat] = [],
                authnRequestBinding: Binding = .httpRedirect, options: ServiceProvider.Options = .init()) throws {
        guard !XMLTree.trimmed(entityID).isEmpty else { throw SAMLError.invalidConfiguration("empty SP entityID") }
        guard !assertionConsumerServices.isEmpty else { throw SAMLError.invalidConfiguration("no AssertionConsumerService") }
        for endpoint in assertionConsumerServices { _ = try EndpointURL.validate(endpoint.location) }
        for endpoint in singleLogoutServices { _ = try EndpointURL.validate(endpoint.location) }
        if let signingKey, signingKey.certificate == nil {
            throw SAMLError.invalidConfiguration("the signing key has no certificate to publish in the metadata")
        }
        guard authnRequestBinding == .httpRedirect || authnRequestBinding == .httpPOST else {
            throw SAMLError.invalidConfiguration("AuthnRequests are sent by HTTP-Redirect or HTTP-POST, not \(authnRequestBinding.rawValue)")
        }
        if options.requireEncryptedAssertions && decryptionKeys.isEmpty {
            throw SAMLError.invalidConfiguration("requireEncryptedAssertions needs at least one decryption key")
        }
        self.entityID = entityID
        self.assertionConsumerServices = assertionConsumerServices
        self.singleLogoutServices = singleLogoutServices
        self.signingKey = signingKey
        self.decryptionKeys = decryptionKeys
        self.nameIDFormats = nameIDFormats
        self.authnRequestBinding = authnRequestBinding
        self.options = options
    }

    /// The usual shape: one HTTP-POST ACS, and optionally one SLO URL serving both bindings.
    /// - Parameters:
    ///   - entityID: the SP's entityID.
    ///   - assertionConsumerServiceURL: the ACS URL (HTTP-POST, index 0, the default).
    ///   - singleLogoutServiceURL: the SLO URL, published for HTTP-Redirect and HTTP-POST; nil for none.
    ///   - signingKey: the SP's signing key (with its certificate), or nil to send unsigned requests.
    ///   - decryptionKeys: the SP's decryption keys.
    ///   - nameIDFormats: NameID formats to ask for.
    ///   - authnRequestBinding: `.httpRedirect` (default) or `.httpPOST`.
    ///   - options: validation options.
    /// - Throws: see ``init(entityID:assertionConsumerServices:singleLogoutServices:signingKey:decryptionKeys:nameIDFormats:authnRequestBinding:options:)``.
    public init(entityID: String, assertionConsumerServiceURL: String, singleLogoutServiceURL: String? = nil,
                signingKey: SigningKey? = nil, decryptionKeys: [DecryptionKey] = [], nameIDFormats: [NameIDFormat] = [],
                authnRequestBinding: Binding = .httpRedirect, options: ServiceProvider.Options = .init()) throws {
        try self.init(entityID: entityID,
                      assertionConsumerServices: [IndexedEndpoint(binding: .httpPOST, location: assertionConsumerServiceURL, index: 0, isDefault: true)],
                      singleLogoutServices: singleLogoutServiceURL.map { [Endpoint(binding: .httpRedirect, location: $0), Endpoint(binding: .httpPOST, location: $0)] } ?? [],
                      signingKey: signingKey, decryptionKeys: decryptionKeys, nameIDFormats: nameIDFormats,
                      authnRequestBinding: authnRequestBinding, options: options)
    }

    /// Every ACS URL (the Destination and Recipient a response may carry).
    public var assertionConsumerServiceURLs: [String] { assertionConsumerServices.map(\.location) }

    /// Every SLO URL (the Destination a logout message may carry), without repeats.
    public var singleLogoutServiceURLs: [String] {
        var urls: [String] = []
        for endpoint in singleLogoutServices where !Exact.contains(urls, endpoint.location) { urls.append(endpoint.location) }
        return urls
    }

    /// Whether the metadata asks IdPs to sign assertions: what ``ServiceProvider/Options/signatureRequirement`` enforces.
    public var wantAssertionsSigned: Bool {
        options.signatureRequirement == .assertion || options.signatureRequirement == .both
    }

    /// The SP metadata this configuration publishes.
    public var metadata: SPMetadata {
        SPMetadata(entityID: entityID, assertionConsumerServices: assertionConsumerServices, singleLogoutServices: singleLogoutServices,
                   authnRequestsSigned: signingKey != nil, wantAssertionsSigned: wantAssertionsSigned,
                   signingCertificates: signingKey?.certificate.map { [$0] } ?? [],
                   encryptionCertificates: decryptionKeys.compactMap(\.certificate), nameIDFormats: nameIDFormats)
    }

    /// The metadata document for the IdP admin, signed with the signing key when there is one.
    /// - Throws: ``SAMLError/signingFailed(_:)``.
    public func metadataXML() throws -> String {
        try metadata.xml(signedWith: signingKey)
    }

    /// The validator for responses and logout messages to this SP.
    /// - Parameters:
    ///   - identityProviders: the trusted IdPs.
    ///   - clock: the wall clock of every time check.
    ///   - replayCache: shared by every validator of this SP (and every instance: put it on a database).
    ///   - signingCertificateCheck: a CA policy, when required.
    /// - Throws: the errors of ``ServiceProvider/init(entityID:assertionConsumerServiceURLs:singleLogoutServiceURLs:identityProviders:options:clock:replayCache:decryptionKeys:signingCertificateCheck:)``.
    public func serviceProvider(identityProviders: [IdPMetadata], clock: any SAMLClock = SystemClock(), replayCache: (any ReplayCache)? = nil,
                                signingCertificateCheck: (any SigningCertificateCheck)? = nil) throws -> ServiceProvider {
        try ServiceProvider(entityID: entityID, assertionConsumerServiceURLs: assertionConsumerServiceURLs,
                            singleLogoutServiceURLs: singleLogoutServiceURLs, identityProviders: identityProviders, options: options,
                            clock: clock, replayCache: replayCache, decryptionKeys: decryptionKeys,
                            signingCertificateCheck: signingCertificateCheck)
    }

    /// The binding to send a request to `idp` with: the configured one when the IdP offers it, else the other.
    func binding(for idp: IdPMetadata, preferred: Binding?) throws -> Binding {
        let first = preferred ?? authnRequestBinding
        let other: Binding = first == .httpPOST ? .httpRedirect : .httpPOST
        if idp.singleSignOnService(binding: first) != nil { return first }
        if idp.singleSignOnService(binding: other) != nil { return other }
        throw SAMLError.invalidConfiguration("the IdP \(idp.entityID) has no SingleSignOnService for HTTP-Redirect or HTTP-POST")
    }

    /// An AuthnRequest to `idp`, ready to send: signed when the SP has a key (as its metadata promises), refused when
    /// the IdP wants signed requests and there is no key.
    /// - Parameters:
    ///   - idp: the IdP to sign in at.
    ///   - relayState: the opaque value to send along (at most 80 bytes).
    ///   - binding: overrides ``authnRequestBinding`` for this request.
    ///   - forceAuthn: ask the IdP to authenticate again.
    ///   - isPassive: ask the IdP not to interact with the user.
    ///   - requestedAuthnContext: the authentication context asked for.
    ///   - clock: the IssueInstant's clock.
    /// - Throws: ``SAMLError/unsignedRequestRefused(identityProvider:)``, ``SAMLError/invalidConfiguration(_:)``,
    ///   ``SAMLError/signingFailed(_:)``.
    public func authnRequest(to idp: IdPMetadata, relayState: String?, binding: Binding? = nil, forceAuthn: Bool = false,
                             isPassive: Bool = false, requestedAuthnContext: AuthnRequest.RequestedAuthnContext? = nil,
                             clock: some SAMLClock = SystemClock()) throws -> OutgoingMessage {
        if idp.wantAuthnRequestsSigned && signingKey == nil { throw SAMLError.unsignedRequestRefused(identityProvider: idp.entityID) }
        let chosen = try self.binding(for: idp, preferred: binding)
        let request = try AuthnRequest(serviceProvider: metadata, identityProvider: idp, binding: chosen, forceAuthn: forceAuthn,
                                       isPassive: isPassive, requestedAuthnContext: requestedAuthnContext, clock: clock)
        switch chosen {
        case .httpPOST:
            return OutgoingMessage(id: request.id, delivery: .post(try request.postForm(relayState: relayState, signingKey: signingKey)))
        default:
            return OutgoingMessage(id: request.id, delivery: .redirect(try request.redirectURL(relayState: relayState, signingKey: signingKey)))
        }
    }

    /// A LogoutRequest for a signed-in user to `idp`'s SingleLogoutService, signed when the SP has a key.
    /// - Parameters:
    ///   - idp: the IdP the session came from.
    ///   - nameID: the session's NameID.
    ///   - sessionIndexes: the session's SessionIndex values.
    ///   - relayState: the opaque value to send along.
    ///   - binding: `.httpRedirect` (default) or `.httpPOST`.
    ///   - clock: the IssueInstant's clock.
    /// - Throws: ``SAMLError/unsignedRequestRefused(identityProvider:)`` (the IdP wants signed requests),
    ///   ``SAMLError/invalidConfiguration(_:)`` (no SingleLogoutService for the binding), ``SAMLError/signingFailed(_:)``.
    public func logoutRequest(to idp: IdPMetadata, nameID: VerifiedAssertion.NameID, sessionIndexes: [String], relayState: String?,
                              binding: Binding = .httpRedirect, clock: some SAMLClock = SystemClock()) throws -> OutgoingMessage {
        if idp.wantAuthnRequestsSigned && signingKey == nil { throw SAMLError.unsignedRequestRefused(identityProvider: idp.entityID) }
        let request = try LogoutRequest(issuer: entityID, identityProvider: idp, binding: binding, nameID: nameID,
                                        sessionIndexes: sessionIndexes, clock: clock)
        switch binding {
        case .httpPOST:
            return OutgoingMessage(id: request.id, delivery: .post(try request.postForm(relayState: relayState, signingKey: signingKey)))
        default:
            return OutgoingMessage(id: request.id, delivery: .redirect(try request.redirectURL(relayState: relayState, signingKey: signingKey)))
        }
    }

    /// The LogoutResponse answering an IdP's verified LogoutRequest, signed when the SP has a key.
    /// - Parameters:
    ///   - request: the LogoutRequest ``ServiceProvider/validateLogoutRequest(_:)`` returned (its RelayState is sent
    ///     back).
    ///   - idp: the IdP that sent it.
    ///   - binding: `.httpRedirect` (default) or `.httpPOST`.
    ///   - statusCode: ``LogoutResponse/success`` (default), or a failure status when sessions could not be ended.
    ///   - clock: the IssueInstant's clock.
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` (no SingleLogoutService for the binding), ``SAMLError/signingFailed(_:)``.
    public func logoutResponse(answering request: VerifiedLogoutRequest, to idp: IdPMetadata, binding: Binding = .httpRedirect,
                               statusCode: String = LogoutResponse.success, clock: some SAMLClock = SystemClock()) throws -> OutgoingMessage {
        let response = try LogoutResponse(issuer: entityID, answering: request, identityProvider: idp, binding: binding,
                                          statusCode: statusCode, clock: clock)
        switch binding {
        case .httpPOST:
            return OutgoingMessage(id: response.id, delivery: .post(try response.postForm(relayState: request.relayState, signingKey: signingKey)))
        default:
            return OutgoingMessage(id: response.id, delivery: .redirect(try response.redirectURL(relayState: request.relayState, signingKey: signingKey)))
        }
    }
}

/// A message the SP sends through the browser: its ID (for InResponseTo) and how to deliver it.
public struct OutgoingMessage: Sendable, Hashable {
    /// How the browser carries the message.
    public enum Delivery: Sendable, Hashable {
        /// Answer with a 302 to this URL (HTTP-Redirect).
        case redirect(String)
        /// Answer with this auto-submitting form page (HTTP-POST); serve it with ``PostForm/contentSecurityPolicy``.
        case post(PostForm)
    }

    /// The message's ID.
    public let id: String
    /// How to send it.
    public let delivery: Delivery
}

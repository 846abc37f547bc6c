import Foundation

/// A SAML 2.0 AuthnRequest (SP-initiated single sign-on).
public struct AuthnRequest: Sendable, Hashable {
    /// How the IdP should find the SP's AssertionConsumerService.
    public enum AssertionConsumerService: Sendable, Hashable {
        /// `AssertionConsumerServiceURL` + `ProtocolBinding`.
        case url(String, binding: Binding = .httpPOST)
        /// `AssertionConsumerServiceIndex` (an index into the SP's metadata).
        case index(Int)
    }

    /// `NameIDPolicy`.
    public struct NameIDPolicy: Sendable, Hashable {
        /// The NameID format asked for; nil leaves the choice to the IdP.
        public var format: NameIDFormat?
        /// Whether the IdP may create a new identifier for the SP; nil leaves the attribute out.
        public var allowCreate: Bool?
        /// Creates a policy.
        /// - Parameters:
        ///   - format: the NameID format asked for.
        ///   - allowCreate: the `AllowCreate` attribute (true by default).
        public init(format: NameIDFormat? = nil, allowCreate: Bool? = true) {
            self.format = format
            self.allowCreate = allowCreate
        }
    }

    /// `RequestedAuthnContext`.
    public struct RequestedAuthnContext: Sendable, Hashable {
        /// How the IdP compares its authentication with the classes listed (saml-core §3.3.2.2.1).
        public enum Comparison: String, Sendable, Hashable, Codable {
            /// One of the classes exactly.
            case exact
            /// At least as strong as one of the classes.
            case minimum
            /// As strong as one of the classes, at most.
            case maximum
            /// Stronger than any of the classes.
            case better
        }
        /// The `Comparison` attribute.
        public var comparison: Comparison
        /// The `AuthnContextClassRef`s, in order of preference.
        public var classRefs: [AuthnContextClass]
        /// Creates a requested context.
        /// - Parameters:
        ///   - comparison: how to compare (exact by default).
        ///   - classRefs: the classes asked for.
        public init(comparison: Comparison = .exact, classRefs: [AuthnContextClass]) {
            self.comparison = comparison
            self.classRefs = classRefs
        }
    }

    /// The request ID (`_` + 128 random bits): remember it to check the response's InResponseTo.
    public var id: String
    /// When the request was made (its IssueInstant).
    public var issueInstant: Date
    /// The IdP endpoint the request is sent to.
    public var destination: String
    /// The SP's entityID.
    public var issuer: String
    /// Where the response should go; nil lets the IdP use the SP metadata's default.
    public var assertionConsumerService: AssertionConsumerService?
    /// The `NameIDPolicy`; nil leaves it out.
    public var nameIDPolicy: NameIDPolicy?
    /// Asks the IdP to authenticate the user again, even with a session.
    public var forceAuthn: Bool
    /// Asks the IdP not to interact with the user (no login page).
    public var isPassive: Bool
    /// The `RequestedAuthnContext`; nil leaves it out.
    public var requestedAuthnContext: RequestedAuthnContext?

    /// Builds a request with a fresh unpredictable ID and IssueInstant from `clock`.
    /// - Parameters:
    ///   - issuer: the SP's entityID.
    ///   - destination: the IdP's SingleSignOnService URL.
    ///   - assertionConsumerService: where the response should go.
    ///   - nameIDPolicy: the `NameIDPolicy` (AllowCreate by default).
    ///   - forceAuthn: ask for a fresh authentication.
    ///   - isPassive: ask for no user interaction.
    ///   - requestedAuthnContext: the authentication classes asked for.
    ///   - clock: gives the IssueInstant.
    public init(issuer: String, destination: String, assertionConsumerService: AssertionConsumerService? = nil,
                nameIDPolicy: NameIDPolicy? = NameIDPolicy(), forceAuthn: Bool = false, isPassive: Bool = false,
                requestedAuthnContext: RequestedAuthnContext? = nil, clock: some SAMLClock = SystemClock()) {
        self.id = RequestID.generate()
        self.issueInstant = clock.now()
        self.destination = destination
        self.issuer = issuer
        self.assertionConsumerService = assertionConsumerService
        self.nameIDPolicy = nameIDPolicy
        self.forceAuthn = forceAuthn
        self.isPassive = isPassive
        self.requestedAuthnContext = requestedAuthnContext
    }

    /// Builds a request for `idp`'s SingleSignOnService with `binding`.
    ///
    /// ``ServiceProviderConfiguration/authnRequest(to:relayState:binding:forceAuthn:isPassive:requestedAuthnContext:clock:)`` builds, signs and
    /// encodes one in a step, refusing an unsigned request to an IdP that wants signed ones.
    /// - Parameters:
    ///   - sp: the SP (its entityID, default ACS and first NameID format are used).
    ///   - idp: the IdP.
    ///   - binding: the binding the request will be sent with (HTTP-Redirect by default).
    ///   - nameIDPolicy: the `NameIDPolicy`; nil asks for the SP's first NameID format.
    ///   - forceAuthn: ask for a fresh authentication.
    ///   - isPassive: ask for no user interaction.
    ///   - requestedAuthnContext: the authentication classes asked for.
    ///   - clock: gives the IssueInstant.
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` when the IdP has no SingleSignOnService for the binding.
    public init(serviceProvider sp: SPMetadata, identityProvider idp: IdPMetadata, binding: Binding = .httpRedirect,
                nameIDPolicy: NameIDPolicy? = nil, forceAuthn: Bool = false, isPassive: Bool = false,
                requestedAuthnContext: RequestedAuthnContext? = nil, clock: some SAMLClock = SystemClock()) throws {
        guard let sso = idp.singleSignOnService(binding: binding) else {
            throw SAMLError.invalidConfiguration("the IdP has no SingleSignOnService for \(binding.rawValue)")
        }
        let acs = sp.defaultAssertionConsumerService.map { AssertionConsumerService.url($0.location, binding: $0.binding) }
        let policy = nameIDPolicy ?? NameIDPolicy(format: sp.nameIDFormats.first, allowCreate: true)
        self.init(issuer: sp.entityID, destination: sso.location, assertionConsumerService: acs, nameIDPolicy: policy,
                  forceAuthn: forceAuthn, isPassive: isPassive, requestedAuthnContext: requestedAuthnContext, clock: clock)
    }

    /// The request's XML. With `signatureAlgorithm`, a signature template sits right after Issuer.
    func xml(signatureAlgorithm: SignatureAlgorithm? = nil) -> String {
        var x = "<samlp:AuthnRequest xmlns:samlp=\"\(NS.protocol)\" xmlns:saml=\"\(NS.assertion)\""
        x += " ID=\"\(XMLEscape.attribute(id))\" Version=\"2.0\" IssueInstant=\"\(XSDateTime.format(issueInstant))\""
        x += " Destination=\"\(XMLEscape.attribute(destination))\""
        switch assertionConsumerService {
        case .url(let url, let binding)?:
            x += " AssertionConsumerServiceURL=\"\(XMLEscape.attribute(url))\" ProtocolBinding=\"\(XMLEscape.attribute(binding.rawValue))\""
        case .index(let index)?:
            x += " AssertionConsumerServiceIndex=\"\(index)\""
        case nil:
            break
        }
        if forceAuthn { x += " ForceAuthn=\"true\"" }
        if isPassive { x += " IsPassive=\"true\"" }
        x += "><saml:Issuer>\(XMLEscape.text(issuer))</saml:Issuer>"
        if let signatureAlgorithm { x += XMLSigner.template(referenceID: id, algorithm: signatureAlgorithm) }
        if let policy = nameIDPolicy {
            x += "<samlp:NameIDPolicy"
            if let format = policy.format { x += " Format=\"\(XMLEscape.attribute(format.rawValue))\"" }
            if let allowCreate = policy.allowCreate { x += " AllowCreate=\"\(allowCreate)\"" }
            x += "/>"
        }
        if let context = requestedAuthnContext {
            x += "<samlp:RequestedAuthnContext Comparison=\"\(context.comparison.rawValue)\">"
            for ref in context.classRefs { x += "<saml:AuthnContextClassRef>\(XMLEscape.text(ref.rawValue))</saml:AuthnContextClassRef>" }
            x += "</samlp:RequestedAuthnContext>"
        }
        x += "</samlp:AuthnRequest>"
        return x
    }

    /// The request for the HTTP-Redirect binding: a URL to send the browser to. With `signingKey`, the query
    /// carries `SigAlg` and `Signature` over the exact octets `SAMLRequest=…&RelayState=…&SigAlg=…`.
    /// - Parameters:
    ///   - relayState: opaque state (at most 80 bytes, as the binding requires).
    ///   - signingKey: signs the query when given.
    /// - Returns: the IdP's URL with `SAMLRequest`, `RelayState`, `SigAlg` and `Signature` in its query.
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` (RelayState too long), ``SAMLError/signingFailed(_:)``.
    public func redirectURL(relayState: String? = nil, signingKey: SigningKey? = nil) throws -> String {
        try RedirectBinding.encode(message: xml(), parameter: "SAMLRequest", destination: destination,
                                   relayState: relayState, signingKey: signingKey)
    }

    /// The request for the HTTP-POST binding: an auto-submitting form. With `signingKey`, the request carries an
    /// enveloped signature (exclusive c14n, SHA-256) after Issuer.
    /// - Parameters:
    ///   - relayState: opaque state (at most 80 bytes, as the binding requires).
    ///   - signingKey: signs the request when given.
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` (RelayState too long), ``SAMLError/signingFailed(_:)``,
    ///   ``SAMLError/invalidEndpointURL(_:)`` (a destination that is not http(s)).
    public func postForm(relayState: String? = nil, signingKey: SigningKey? = nil) throws -> PostForm {
        let document: [UInt8]
        if let signingKey {
            document = try XMLSigner.signEnveloped(xml(signatureAlgorithm: signingKey.algorithm), key: signingKey)
        } else {
            document = Array(xml().utf8)
        }
        return try PostForm(action: destination, parameter: "SAMLRequest", message: document, relayState: relayState)
    }
}

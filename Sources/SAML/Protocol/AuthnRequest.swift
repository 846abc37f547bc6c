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
        public var format: NameIDFormat?
        public var allowCreate: Bool?
        public init(format: NameIDFormat? = nil, allowCreate: Bool? = true) {
            self.format = format
            self.allowCreate = allowCreate
        }
    }

    /// `RequestedAuthnContext`.
    public struct RequestedAuthnContext: Sendable, Hashable {
        public enum Comparison: String, Sendable, Hashable, Codable {
            case exact, minimum, maximum, better
        }
        public var comparison: Comparison
        public var classRefs: [AuthnContextClass]
        public init(comparison: Comparison = .exact, classRefs: [AuthnContextClass]) {
            self.comparison = comparison
            self.classRefs = classRefs
        }
    }

    /// The request ID (`_` + 128 random bits): remember it to check the response's InResponseTo.
    public var id: String
    public var issueInstant: Date
    /// The IdP endpoint the request is sent to.
    public var destination: String
    /// The SP's entityID.
    public var issuer: String
    public var assertionConsumerService: AssertionConsumerService?
    public var nameIDPolicy: NameIDPolicy?
    public var forceAuthn: Bool
    public var isPassive: Bool
    public var requestedAuthnContext: RequestedAuthnContext?

    /// Builds a request with a fresh unpredictable ID and IssueInstant from `clock`.
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
    /// - Parameter relayState: opaque state (at most 80 bytes, as the binding requires).
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` (RelayState too long), ``SAMLError/signingFailed(_:)``.
    public func redirectURL(relayState: String? = nil, signingKey: SigningKey? = nil) throws -> String {
        try RedirectBinding.encode(message: xml(), parameter: "SAMLRequest", destination: destination,
                                   relayState: relayState, signingKey: signingKey)
    }

    /// The request for the HTTP-POST binding: an auto-submitting form. With `signingKey`, the request carries an
    /// enveloped signature (exclusive c14n, SHA-256) after Issuer.
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` (RelayState too long), ``SAMLError/signingFailed(_:)``.
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

import Foundation

/// SP-initiated and IdP-initiated sign-in, framework-neutral: a web integration is a few lines around it.
///
/// ```swift
/// // GET /saml/login?returnTo=/reports
/// let start = try await runtime.coordinator.begin(returnTo: query["returnTo"])
/// switch start.delivery {
/// case .redirect(let url): return redirect(to: url)                          // 302
/// case .post(let form): return html(form.html, contentSecurityPolicy: form.contentSecurityPolicy)
/// }
/// // POST /saml/acs
/// let login = try await runtime.coordinator.complete(samlResponse: form["SAMLResponse"] ?? "", relayState: form["RelayState"])
/// let session = SAMLSession(assertion: login.assertion, uid: login.assertion.nameID.value, lifetime: 8 * 3600, now: Date())
/// return redirect(to: login.returnTo)                                           // 303, a checked local path
/// ```
///
/// `begin` stores a ``PendingRequest`` under a fresh opaque RelayState; `complete` takes it (once) and validates the
/// response as its answer: InResponseTo must be that request's ID and the Issuer that request's IdP
/// (``SAMLError/responseFromUnexpectedIdP(expected:found:)``). A response with no pending request is IdP-initiated
/// and accepted only with ``ServiceProvider/Options/allowUnsolicitedResponses``; its RelayState is then used as a
/// return path only if it is a local path.
public struct LoginCoordinator: Sendable {
    /// The runtime whose configuration, IdPs, request store and validator are used.
    public let runtime: ServiceProviderRuntime

    /// A coordinator over `runtime`'s configuration, IdPs and request store.
    /// - Parameter runtime: the running SP.
    public init(runtime: ServiceProviderRuntime) {
        self.runtime = runtime
    }

    /// The start of an SP-initiated login: how to send the browser to the IdP.
    public struct Start: Sendable, Hashable {
        /// The opaque RelayState sent along (the request store's key).
        public let relayState: String
        /// The AuthnRequest's ID.
        public let requestID: String
        /// The IdP asked.
        public let identityProvider: String
        /// A 302 to a URL, or an auto-submitting form.
        public let delivery: OutgoingMessage.Delivery
    }

    /// A completed login.
    public struct Completion: Sendable {
        /// The verified assertion.
        public let assertion: VerifiedAssertion
        /// Where to send the user: the pending request's return path, an IdP-initiated RelayState that is a local
        /// path, or `/`.
        public let returnTo: String
        /// The request this response answered; nil for an IdP-initiated login.
        public let request: PendingRequest?
    }

    /// Starts an SP-initiated login.
    /// - Parameters:
    ///   - identityProvider: the entityID of the IdP to use; nil when exactly one is trusted.
    ///   - returnTo: where to go after sign-in (anything but a local path becomes `/`).
    ///   - binding: overrides the configuration's AuthnRequest binding.
    ///   - forceAuthn: ask the IdP to authenticate again.
    /// - Throws: ``SAMLError/noIdentityProvider``, ``SAMLError/unknownIdentityProvider(_:)``,
    ///   ``SAMLError/invalidConfiguration(_:)`` (several IdPs and none named), ``SAMLError/unsignedRequestRefused(identityProvider:)``,
    ///   ``SAMLError/requestStoreFull`` and the store's own errors.
    public func begin(identityProvider: String? = nil, returnTo: String? = nil, binding: Binding? = nil, forceAuthn: Bool = false) async throws -> Start {
        let idps = await runtime.identityProviders()
        let idp: IdPMetadata
        if let identityProvider {
            guard let named = idps.first(where: { Exact.equal($0.entityID, identityProvider) }) else {
                throw SAMLError.unknownIdentityProvider(identityProvider)
            }
            idp = named
        } else {
            guard let only = idps.first else { throw SAMLError.noIdentityProvider }
            guard idps.count == 1 else { throw SAMLError.invalidConfiguration("\(idps.count) IdPs are trusted: name the one to sign in with") }
            idp = only
        }
        let relayState = RelayState.generate()
        let clock = runtime.clock
        let message = try runtime.configuration.authnRequest(to: idp, relayState: relayState, binding: binding, forceAuthn: forceAuthn, clock: clock)
        let pending = PendingRequest(relayState: relayState, requestID: message.id, identityProvider: idp.entityID,
                                     returnTo: ReturnPath.local(returnTo), expiresAt: clock.now().addingTimeInterval(runtime.requestLifetime))
        try await runtime.requestStore.put(pending)
        return Start(relayState: relayState, requestID: message.id, identityProvider: idp.entityID, delivery: message.delivery)
    }

    /// Completes a login at the ACS.
    /// - Parameters:
    ///   - samlResponse: the form's base64 `SAMLResponse`.
    ///   - relayState: the form's `RelayState`.
    /// - Throws: every ``SAMLError`` of ``ServiceProvider/validate(samlResponse:relayState:answering:)``, plus
    ///   ``SAMLError/noIdentityProvider`` and the request store's own errors (fail closed).
    public func complete(samlResponse: String, relayState: String?) async throws -> Completion {
        // The request this response answers, taken once; none: IdP-initiated, expired, or already answered.
        let request = try await relayState.asyncFlatMap { try await runtime.requestStore.take(relayState: $0) }
        let sp = try await runtime.serviceProvider()
        let assertion = try await sp.validate(samlResponse: samlResponse, relayState: relayState, answering: request)
        return Completion(assertion: assertion, returnTo: request?.returnTo ?? ReturnPath.local(relayState), request: request)
    }
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

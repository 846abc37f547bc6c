import Foundation

/// The Assertion Consumer Service side of an SP: built once from configuration, shared by every request.
///
/// ```swift
/// let idp = try IdPMetadata(xml: federationMetadataBytes)
/// let sp = try ServiceProvider(entityID: "https://app.example.com/saml/metadata",
///                              assertionConsumerServiceURLs: ["https://app.example.com/saml/acs"],
///                              identityProviders: [idp])
/// let assertion = try await sp.validate(samlResponse: form["SAMLResponse"] ?? "", expectedRequestID: requestID)
/// ```
public struct ServiceProvider: Sendable {
    /// Which signatures a response must carry. Each demands at least one valid signature covering the assertion;
    /// none allows an unsigned one.
    public enum SignatureRequirement: String, Sendable, Hashable, Codable {
        /// The assertion signed, or the whole response (the default; what IdPs send by default).
        case assertionOrResponse
        /// The assertion itself must be signed.
        case assertion
        /// The response must be signed.
        case response
        /// Both must be signed.
        case both
    }

    /// Options, strict by default; each relaxation is named.
    public struct Options: Sendable, Hashable {
        /// Tolerance applied to every time comparison (default 180 s).
        public var clockSkew: TimeInterval = 180
        /// Accept IdP-initiated responses (no InResponseTo on the Response). Default false. When a response is
        /// accepted this way, an InResponseTo inside the assertion's SubjectConfirmationData (Azure's "test SSO"
        /// sets one) cannot be correlated and is not checked.
        public var allowUnsolicitedResponses = false
        /// Which signatures a response must carry (default ``SignatureRequirement/assertionOrResponse``).
        public var signatureRequirement: SignatureRequirement = .assertionOrResponse
        /// Signature algorithms accepted (default RSA/ECDSA with SHA-256/384/512).
        public var signatureAlgorithms: Set<SignatureAlgorithm> = SignatureAlgorithm.strongDefaults
        /// Digest algorithms accepted (default SHA-256/384/512).
        public var digestAlgorithms: Set<DigestAlgorithm> = DigestAlgorithm.strongDefaults
        /// Accept RSA-SHA1/ECDSA-SHA1 signatures and SHA-1 digests. Default false.
        public var allowSHA1 = false
        /// Accept an assertion without any AudienceRestriction (some IdPs omit it). Default false: the assertion must
        /// carry one, and every AudienceRestriction must name this SP. The option relaxes only that requirement: an
        /// AudienceRestriction that is present must still name the SP, and Conditions, when present, is checked as
        /// always (at most one, its time window, only known conditions). Conditions itself is optional in SAML; an
        /// assertion without it has no AudienceRestriction, so it is accepted under this option and refused
        /// (``SAMLError/missingAudienceRestriction``) without it.
        public var allowMissingAudienceRestriction = false
        /// Accept `Reference URI=""` (the whole document) on a signature, as some IdPs emit. Default false: the
        /// reference must be `#` + the ID of the signed element. Either way the signature covers the Response.
        public var allowEmptyReferenceURI = false
        /// Accept RSA PKCS#1 v1.5 key transport (rsa-1_5) in encrypted assertions. Default false: it is the
        /// Bleichenbacher-prone algorithm; when allowed, a failed unwrap continues with a random key so that every
        /// failure looks the same.
        public var allowRSA1_5KeyTransport = false
        /// Reject plaintext assertions: only EncryptedAssertion is accepted. Default false.
        public var requireEncryptedAssertions = false
        /// Smallest RSA key, in bits, whose signature is accepted (default 2048). Old ADFS farms and OneLogin's demo
        /// IdP sign with 1024-bit keys: set 1024 to accept them. EC keys below P-256 are always refused.
        /// A weaker key that verified is ``SAMLError/weakKey(bits:)``.
        public var minimumRSAKeyBits = 2048
        /// Accept Triple DES (`xmlenc#tripledes-cbc`) as the data encryption of encrypted assertions, IDs and
        /// attributes (pysaml2 and SATOSA use it by default). Default false. Every failure is
        /// ``SAMLError/decryptionFailed``, as for AES-CBC.
        public var allowTripleDES = false
        /// Keep trusting an IdP whose metadata is past its `validUntil` (saml-metadata §2.3.2). Default false: such
        /// a response or logout message is ``SAMLError/metadataExpired(validUntil:now:)``.
        public var allowExpiredMetadata = false
        /// With ``allowUnsolicitedResponses``, accept an unsolicited response whose SubjectConfirmationData carries
        /// an InResponseTo (a response to somebody else's request: some IdPs' "test" buttons do this). Default
        /// false: it is ``SAMLError/inResponseToMismatch(expected:found:)``, which closes a login-CSRF path.
        public var allowUnsolicitedSubjectConfirmationInResponseTo = false
        /// Largest decoded response accepted, in bytes (default 256 KiB).
        public var maxResponseBytes = 256 * 1024
        /// Deepest element nesting accepted (default 32; real responses nest at most about 12 deep, and the cost of
        /// xmlsec's node-set checks grows with depth).
        public var maxDepth = 32
        /// The oldest IssueInstant of a logout message that is acted on, in seconds before now (default 300; the
        /// clock skew is added). An older one is ``SAMLError/logoutMessageTooOld(issueInstant:now:)``; it also bounds
        /// how long the replay cache remembers a LogoutRequest's ID.
        public var maxLogoutMessageAge: TimeInterval = 300

        /// The strict defaults; relax one named option at a time.
        public init() {}

        var algorithmPolicy: AlgorithmPolicy {
            var signatures = signatureAlgorithms
            var digests = digestAlgorithms
            if allowSHA1 {
                signatures.formUnion([.rsaSHA1, .ecdsaSHA1])
                digests.insert(.sha1)
            } else {
                signatures.subtract([.rsaSHA1, .ecdsaSHA1])
                digests.remove(.sha1)
            }
            return AlgorithmPolicy(signatureAlgorithms: signatures, digestAlgorithms: digests)
        }
    }

    /// The SP's entityID (the Audience it expects).
    public let entityID: String
    /// The ACS URLs responses may be addressed to (Destination and Recipient).
    public let assertionConsumerServiceURLs: [String]
    /// The SP's SingleLogoutService URLs (the Destination of logout messages the IdP sends).
    public let singleLogoutServiceURLs: [String]
    /// The validation options the SP was built with.
    public let options: Options
    /// The trusted IdPs by exact entityID (``ExactKey``: a look-alike Issuer never selects an IdP).
    let identityProviders: [ExactKey: TrustedIdP]
    let clock: any SAMLClock
    let replayCache: any ReplayCache
    let decryptionKeys: [DecryptionKey]
    /// `options.algorithmPolicy`, computed once (`options` never changes) rather than on every validation.
    let algorithmPolicy: AlgorithmPolicy
    let signingCertificateCheck: (any SigningCertificateCheck)?

    /// Builds the validator for an SP and its trusted IdPs (``ServiceProviderConfiguration/serviceProvider(identityProviders:clock:replayCache:signingCertificateCheck:)`` derives one from the configuration).
    /// - Parameters:
    ///   - entityID: the SP's entityID.
    ///   - assertionConsumerServiceURLs: every URL the SP receives responses at, from configuration (never from
    ///     the request, which a proxy may have rewritten).
    ///   - singleLogoutServiceURLs: the SP's SingleLogoutService URLs, for validating the IdP's logout messages.
    ///   - identityProviders: the trusted IdPs; a response's Issuer selects one, and only its certificates verify.
    ///   - options: see ``Options``.
    ///   - clock: the wall clock for every time check.
    ///   - replayCache: where accepted assertion IDs are remembered; an ``InMemoryReplayCache`` on `clock` by default.
    ///   - decryptionKeys: the SP's private keys for EncryptedAssertion, EncryptedID and EncryptedAttribute
    ///     (several during a rollover; each is tried).
    ///   - signingCertificateCheck: a further decision on the signing certificate (a CA policy), see ``SigningCertificateCheck``.
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` (no IdP, no ACS URL, duplicate entityIDs, an IdP without
    ///   signing certificates), ``SAMLError/invalidCertificate(_:)``.
    public init(entityID: String, assertionConsumerServiceURLs: [String], singleLogoutServiceURLs: [String] = [],
                identityProviders: [IdPMetadata], options: Options = Options(), clock: any SAMLClock = SystemClock(), replayCache: (any ReplayCache)? = nil,
                decryptionKeys: [DecryptionKey] = [], signingCertificateCheck: (any SigningCertificateCheck)? = nil) throws {
        guard !entityID.isEmpty else { throw SAMLError.invalidConfiguration("empty SP entityID") }
        guard !assertionConsumerServiceURLs.isEmpty else { throw SAMLError.invalidConfiguration("no ACS URL") }
        for url in assertionConsumerServiceURLs + singleLogoutServiceURLs { _ = try EndpointURL.validate(url) }
        guard !identityProviders.isEmpty else { throw SAMLError.invalidConfiguration("no trusted IdP") }
        var trusted: [ExactKey: TrustedIdP] = [:]
        for idp in identityProviders {
            guard trusted[ExactKey(idp.entityID)] == nil else { throw SAMLError.invalidConfiguration("IdP \(idp.entityID) configured twice") }
            guard !idp.signingCertificates.isEmpty else { throw SAMLError.invalidConfiguration("IdP \(idp.entityID) has no signing certificate") }
            trusted[ExactKey(idp.entityID)] = try TrustedIdP(metadata: idp)
        }
        guard options.clockSkew >= 0, options.maxResponseBytes > 0, options.maxDepth > 0, options.minimumRSAKeyBits > 0,
              options.maxLogoutMessageAge > 0 else {
            throw SAMLError.invalidConfiguration("negative skew or non-positive limits")
        }
        self.entityID = entityID
        self.assertionConsumerServiceURLs = assertionConsumerServiceURLs
        self.singleLogoutServiceURLs = singleLogoutServiceURLs
        self.options = options
        self.identityProviders = trusted
        self.clock = clock
        self.replayCache = replayCache ?? InMemoryReplayCache(clock: clock)
        self.decryptionKeys = decryptionKeys
        self.algorithmPolicy = options.algorithmPolicy
        self.signingCertificateCheck = signingCertificateCheck
        if options.requireEncryptedAssertions && decryptionKeys.isEmpty {
            throw SAMLError.invalidConfiguration("requireEncryptedAssertions needs at least one decryption key")
        }
    }

    /// The trusted IdPs' metadata.
    public var trustedIdentityProviders: [IdPMetadata] { identityProviders.values.map(\.metadata) }

    /// The trusted IdP whose entityID is exactly `issuer` (never a canonically equivalent look-alike), provided its
    /// metadata is not past `validUntil` at `now` (saml-metadata §2.3.2; ``Options/allowExpiredMetadata`` relaxes it).
    /// - Throws: ``SAMLError/issuerMismatch(expected:found:)`` (one IdP configured), ``SAMLError/unknownIssuer(_:)``,
    ///   ``SAMLError/metadataExpired(validUntil:now:)``.
    func trustedIdP(for issuer: String, at now: Date) throws -> TrustedIdP {
        guard let idp = identityProviders[ExactKey(issuer)] else {
            if identityProviders.count == 1, let only = identityProviders.values.first {
                throw SAMLError.issuerMismatch(expected: only.metadata.entityID, found: issuer)
            }
            throw SAMLError.unknownIssuer(issuer)
        }
        if let validUntil = idp.metadata.validUntil, now >= validUntil, !options.allowExpiredMetadata {
            throw SAMLError.metadataExpired(validUntil: validUntil, now: now)
        }
        return idp
    }

    /// Validates a POSTed `SAMLResponse` completely and returns the verified assertion.
    ///
    /// - Parameters:
    ///   - samlResponse: the base64 value of the `SAMLResponse` form field.
    ///   - relayState: the form's RelayState, carried into the result untouched.
    ///   - expectedRequestID: the ID of the AuthnRequest this response answers; nil for IdP-initiated login
    ///     (accepted only with ``Options/allowUnsolicitedResponses``).
    /// - Throws: a ``SAMLError`` naming the first failed check (see the Security Model article for the order).
    public func validate(samlResponse: String, relayState: String? = nil, expectedRequestID: String?) async throws -> VerifiedAssertion {
        try await cappingEchoes { try await validateBase64(samlResponse: samlResponse, relayState: relayState, expectedRequestID: expectedRequestID) }
    }

    /// Validates a POSTed `SAMLResponse` as the answer to `request` — the pending request its RelayState named — and
    /// returns the verified assertion. With a request, the response's InResponseTo must be exactly its ID **and** the
    /// responding IdP exactly the one it was sent to (``SAMLError/responseFromUnexpectedIdP(expected:found:)``,
    /// checked before any key is used); nil means IdP-initiated, accepted only with
    /// ``Options/allowUnsolicitedResponses``. An expired request counts as none.
    /// - Parameters:
    ///   - samlResponse: the base64 value of the `SAMLResponse` form field.
    ///   - relayState: the form's RelayState, carried into the result untouched.
    ///   - request: the pending request taken from the ``AuthnRequestStore`` under that RelayState, if any.
    /// - Throws: a ``SAMLError`` naming the first failed check, or the replay cache's own error (fail closed).
    public func validate(samlResponse: String, relayState: String?, answering request: PendingRequest?) async throws -> VerifiedAssertion {
        let live = request.flatMap { $0.expiresAt > clock.now() ? $0 : nil }
        return try await cappingEchoes {
            try await validateBase64(samlResponse: samlResponse, relayState: relayState, expectedRequestID: live?.requestID,
                                     expectedIssuer: live?.identityProvider)
        }
    }

    /// Validates a response given as its decoded XML bytes as the answer to `request`
    /// (see ``validate(samlResponse:relayState:answering:)``).
    /// - Parameters:
    ///   - responseXML: the decoded `SAMLResponse` (the XML document's bytes).
    ///   - relayState: the form's RelayState, carried into the result untouched.
    ///   - request: the pending request taken from the ``AuthnRequestStore`` under that RelayState, if any.
    /// - Throws: a ``SAMLError`` naming the first failed check, or the replay cache's own error (fail closed).
    public func validate(responseXML: [UInt8], relayState: String?, answering request: PendingRequest?) async throws -> VerifiedAssertion {
        let live = request.flatMap { $0.expiresAt > clock.now() ? $0 : nil }
        return try await cappingEchoes {
            try await validateXML(responseXML, relayState: relayState, expectedRequestID: live?.requestID, expectedIssuer: live?.identityProvider)
        }
    }

    private func validateBase64(samlResponse: String, relayState: String?, expectedRequestID: String?,
                                expectedIssuer: String? = nil) async throws -> VerifiedAssertion {
        let trimmed = samlResponse.utf8
        guard !trimmed.isEmpty else { throw SAMLError.emptyInput }
        // Base64 is 4/3 of the bytes, plus line breaks; refuse before decoding anything larger.
        let encodedLimit = options.maxResponseBytes / 3 * 4 + options.maxResponseBytes / 38 + 8
        guard trimmed.count <= encodedLimit else { throw SAMLError.inputTooLarge(limit: options.maxResponseBytes, size: trimmed.count * 3 / 4) }
        let xml = try Base64.decode(trimmed)
        return try await validateXML(xml, relayState: relayState, expectedRequestID: expectedRequestID, expectedIssuer: expectedIssuer)
    }

    /// Validates a response given as its decoded XML bytes (see ``validate(samlResponse:relayState:expectedRequestID:)``).
    /// - Parameters:
    ///   - responseXML: the decoded `SAMLResponse` (the XML document's bytes).
    ///   - relayState: the form's RelayState, carried into the result untouched.
    ///   - expectedRequestID: the ID of the AuthnRequest this response answers; nil for IdP-initiated login.
    /// - Throws: a ``SAMLError`` naming the first failed check, or the replay cache's own error (fail closed).
    public func validate(responseXML: [UInt8], relayState: String? = nil, expectedRequestID: String?) async throws -> VerifiedAssertion {
        try await cappingEchoes { try await validateXML(responseXML, relayState: relayState, expectedRequestID: expectedRequestID) }
    }

    private func validateXML(_ responseXML: [UInt8], relayState: String?, expectedRequestID: String?,
                             expectedIssuer: String? = nil) async throws -> VerifiedAssertion {
        let now = clock.now()
        let outcome = try ResponseValidator(serviceProvider: self, now: now, expectedRequestID: expectedRequestID, expectedIssuer: expectedIssuer,
                                            relayState: relayState)
            .validate(responseXML)
        if let signingCertificateCheck {
            try await signingCertificateCheck.check(signingCertificate: outcome.assertion.signingCertificate,
                                                    identityProvider: outcome.identityProvider, at: now)
        }
        guard try await replayCache.insertIfAbsent(outcome.replayKey, expiresAt: outcome.replayExpiry) else {
            throw SAMLError.replayDetected(assertionID: outcome.assertion.assertionID)
        }
        return outcome.assertion
    }
}

/// An extra decision on the certificate whose key verified a response (SAMLCertificatePolicy's
/// `CertificateTrustPolicy` is one: pinned, or chained to a certificate authority). It runs inside `validate`, after
/// every other check and before the replay cache records the assertion; its error rejects the response unchanged.
public protocol SigningCertificateCheck: Sendable {
    /// Throws to reject `signingCertificate` (one of `identityProvider`'s metadata certificates) at `now`.
    /// - Parameters:
    ///   - signingCertificate: the certificate whose key verified the response.
    ///   - identityProvider: the IdP that sent it.
    ///   - now: the SP clock's instant.
    /// - Throws: the check's own error (`CertificatePolicyError` for a `CertificateTrustPolicy`); `validate`
    ///   rethrows it unchanged.
    func check(signingCertificate: SAMLCertificate, identityProvider: IdPMetadata, at now: Date) async throws
}

/// A trusted IdP with its keys parsed once. Immutable, so `Sendable` (see ``VerificationKey``).
final class TrustedIdP: Sendable {
    let metadata: IdPMetadata
    let keys: [VerificationKey]

    init(metadata: IdPMetadata) throws {
        self.metadata = metadata
        self.keys = try metadata.signingCertificates.map { try VerificationKey(certificate: $0) }
    }
}

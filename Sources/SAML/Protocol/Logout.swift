import Foundation
internal import CXMLSec

/// A SAML 2.0 LogoutRequest (single logout), sent by the SP to the IdP.
public struct LogoutRequest: Sendable, Hashable {
    /// The request ID (`_` + 128 random bits): the LogoutResponse's InResponseTo must equal it.
    public var id: String
    /// When the request was made (its IssueInstant).
    public var issueInstant: Date
    /// The IdP's SingleLogoutService URL.
    public var destination: String
    /// The SP's entityID.
    public var issuer: String
    /// The NameID of the session to end, as the assertion carried it.
    public var nameID: VerifiedAssertion.NameID
    /// The SessionIndex values of the sessions to end; empty for all of the NameID's.
    public var sessionIndexes: [String]
    /// When the request stops being valid; nil for no bound.
    public var notOnOrAfter: Date?

    /// A request for the user of `assertion` (its NameID and SessionIndex), to `idp`'s SingleLogoutService.
    ///
    /// ``ServiceProviderConfiguration/logoutRequest(to:nameID:sessionIndexes:relayState:binding:clock:)`` builds, signs
    /// and encodes one in a step.
    /// - Parameters:
    ///   - issuer: the SP's entityID.
    ///   - idp: the IdP the session came from.
    ///   - binding: the binding the request will be sent with (HTTP-Redirect by default).
    ///   - nameID: the session's NameID.
    ///   - sessionIndexes: the session's SessionIndex values.
    ///   - lifetime: seconds until NotOnOrAfter (5 minutes by default); nil leaves NotOnOrAfter out.
    ///   - clock: gives the IssueInstant.
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` when the IdP has no SingleLogoutService for `binding`.
    public init(issuer: String, identityProvider idp: IdPMetadata, binding: Binding = .httpRedirect, nameID: VerifiedAssertion.NameID,
                sessionIndexes: [String] = [], lifetime: TimeInterval? = 300, clock: some SAMLClock = SystemClock()) throws {
        guard let slo = idp.singleLogoutService(binding: binding) else {
            throw SAMLError.invalidConfiguration("the IdP has no SingleLogoutService for \(binding.rawValue)")
        }
        let now = clock.now()
        self.id = RequestID.generate()
        self.issueInstant = now
        self.destination = slo.location
        self.issuer = issuer
        self.nameID = nameID
        self.sessionIndexes = sessionIndexes
        self.notOnOrAfter = lifetime.map { now.addingTimeInterval($0) }
    }

    func xml(signatureAlgorithm: SignatureAlgorithm? = nil) -> String {
        var x = "<samlp:LogoutRequest xmlns:samlp=\"\(NS.protocol)\" xmlns:saml=\"\(NS.assertion)\" ID=\"\(XMLEscape.attribute(id))\" Version=\"2.0\""
        x += " IssueInstant=\"\(XSDateTime.format(issueInstant))\" Destination=\"\(XMLEscape.attribute(destination))\""
        if let notOnOrAfter { x += " NotOnOrAfter=\"\(XSDateTime.format(notOnOrAfter))\"" }
        x += "><saml:Issuer>\(XMLEscape.text(issuer))</saml:Issuer>"
        if let signatureAlgorithm { x += XMLSigner.template(referenceID: id, algorithm: signatureAlgorithm) }
        x += "<saml:NameID"
        if let format = nameID.format { x += " Format=\"\(XMLEscape.attribute(format.rawValue))\"" }
        if let q = nameID.nameQualifier { x += " NameQualifier=\"\(XMLEscape.attribute(q))\"" }
        if let q = nameID.spNameQualifier { x += " SPNameQualifier=\"\(XMLEscape.attribute(q))\"" }
        x += ">\(XMLEscape.text(nameID.value))</saml:NameID>"
        for index in sessionIndexes { x += "<samlp:SessionIndex>\(XMLEscape.text(index))</samlp:SessionIndex>" }
        x += "</samlp:LogoutRequest>"
        return x
    }

    /// For the HTTP-Redirect binding (query-string signature over the exact octets when `signingKey` is given).
    /// - Parameters:
    ///   - relayState: opaque state (at most 80 bytes).
    ///   - signingKey: signs the query when given.
    /// - Returns: the IdP's URL with the message in its query.
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` (RelayState too long), ``SAMLError/signingFailed(_:)``.
    public func redirectURL(relayState: String? = nil, signingKey: SigningKey? = nil) throws -> String {
        try RedirectBinding.encode(message: xml(), parameter: "SAMLRequest", destination: destination, relayState: relayState, signingKey: signingKey)
    }

    /// For the HTTP-POST binding (enveloped signature when `signingKey` is given).
    /// - Parameters:
    ///   - relayState: opaque state (at most 80 bytes).
    ///   - signingKey: signs the request when given.
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` (RelayState too long), ``SAMLError/signingFailed(_:)``,
    ///   ``SAMLError/invalidEndpointURL(_:)`` (a destination that is not http(s)).
    public func postForm(relayState: String? = nil, signingKey: SigningKey? = nil) throws -> PostForm {
        let document = try signingKey.map { try XMLSigner.signEnveloped(xml(signatureAlgorithm: $0.algorithm), key: $0) } ?? Array(xml().utf8)
        return try PostForm(action: destination, parameter: "SAMLRequest", message: document, relayState: relayState)
    }
}

/// A SAML 2.0 LogoutResponse, sent by the SP to answer the IdP's LogoutRequest.
public struct LogoutResponse: Sendable, Hashable {
    /// The response ID (`_` + 128 random bits).
    public var id: String
    /// When the response was made (its IssueInstant).
    public var issueInstant: Date
    /// The IdP's SingleLogoutService ResponseLocation (or Location).
    public var destination: String
    /// The SP's entityID.
    public var issuer: String
    /// The ID of the LogoutRequest answered.
    public var inResponseTo: String
    /// The top-level StatusCode URI.
    public var statusCode: String

    /// The `Success` status code URI.
    public static let success = "urn:oasis:names:tc:SAML:2.0:status:Success"

    /// The answer to `request`, to the IdP's SingleLogoutService (its ResponseLocation when it has one).
    /// - Parameters:
    ///   - issuer: the SP's entityID.
    ///   - request: the verified LogoutRequest answered.
    ///   - idp: the IdP that sent it.
    ///   - binding: the binding the response will be sent with (HTTP-Redirect by default).
    ///   - statusCode: the top-level status (``success`` by default; `…:status:Responder` when sessions could not be
    ///     ended).
    ///   - clock: gives the IssueInstant.
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` when the IdP has no SingleLogoutService for `binding`.
    public init(issuer: String, answering request: VerifiedLogoutRequest, identityProvider idp: IdPMetadata, binding: Binding = .httpRedirect,
                statusCode: String = LogoutResponse.success, clock: some SAMLClock = SystemClock()) throws {
        guard let slo = idp.singleLogoutService(binding: binding) else {
            throw SAMLError.invalidConfiguration("the IdP has no SingleLogoutService for \(binding.rawValue)")
        }
        self.id = RequestID.generate()
        self.issueInstant = clock.now()
        self.destination = slo.responseLocation ?? slo.location
        self.issuer = issuer
        self.inResponseTo = request.id
        self.statusCode = statusCode
    }

    func xml(signatureAlgorithm: SignatureAlgorithm? = nil) -> String {
        var x = "<samlp:LogoutResponse xmlns:samlp=\"\(NS.protocol)\" xmlns:saml=\"\(NS.assertion)\" ID=\"\(XMLEscape.attribute(id))\" Version=\"2.0\""
        x += " IssueInstant=\"\(XSDateTime.format(issueInstant))\" Destination=\"\(XMLEscape.attribute(destination))\" InResponseTo=\"\(XMLEscape.attribute(inResponseTo))\">"
        x += "<saml:Issuer>\(XMLEscape.text(issuer))</saml:Issuer>"
        if let signatureAlgorithm { x += XMLSigner.template(referenceID: id, algorithm: signatureAlgorithm) }
        x += "<samlp:Status><samlp:StatusCode Value=\"\(XMLEscape.attribute(statusCode))\"/></samlp:Status></samlp:LogoutResponse>"
        return x
    }

    /// For the HTTP-Redirect binding (query-string signature over the exact octets when `signingKey` is given).
    /// - Parameters:
    ///   - relayState: the RelayState the LogoutRequest came with (at most 80 bytes).
    ///   - signingKey: signs the query when given.
    /// - Returns: the IdP's URL with the message in its query.
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` (RelayState too long), ``SAMLError/signingFailed(_:)``.
    public func redirectURL(relayState: String? = nil, signingKey: SigningKey? = nil) throws -> String {
        try RedirectBinding.encode(message: xml(), parameter: "SAMLResponse", destination: destination, relayState: relayState, signingKey: signingKey)
    }

    /// For the HTTP-POST binding (enveloped signature when `signingKey` is given).
    /// - Parameters:
    ///   - relayState: the RelayState the LogoutRequest came with (at most 80 bytes).
    ///   - signingKey: signs the response when given.
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` (RelayState too long), ``SAMLError/signingFailed(_:)``,
    ///   ``SAMLError/invalidEndpointURL(_:)`` (a destination that is not http(s)).
    public func postForm(relayState: String? = nil, signingKey: SigningKey? = nil) throws -> PostForm {
        let document = try signingKey.map { try XMLSigner.signEnveloped(xml(signatureAlgorithm: $0.algorithm), key: $0) } ?? Array(xml().utf8)
        return try PostForm(action: destination, parameter: "SAMLResponse", message: document, relayState: relayState)
    }
}

/// A LogoutRequest from a trusted IdP that passed every check. Only ``ServiceProvider`` makes one.
public struct VerifiedLogoutRequest: Sendable, Hashable {
    /// The request's ID (the LogoutResponse answers it).
    public let id: String
    /// The IdP's entityID.
    public let issuer: String
    /// The NameID whose sessions are to end.
    public let nameID: VerifiedAssertion.NameID
    /// The SessionIndex values named; empty for all of the NameID's sessions.
    public let sessionIndexes: [String]
    /// The request's NotOnOrAfter, if any.
    public let notOnOrAfter: Date?
    /// The RelayState it came with, to send back with the LogoutResponse.
    public let relayState: String?
}

/// A LogoutResponse from a trusted IdP that passed every check.
public struct VerifiedLogoutResponse: Sendable, Hashable {
    /// The response's ID.
    public let id: String
    /// The IdP's entityID.
    public let issuer: String
    /// The ID of the SP's LogoutRequest it answers.
    public let inResponseTo: String
    /// The RelayState it came with (the SP's own, sent with the LogoutRequest).
    public let relayState: String?
}

/// How a logout message arrived.
public enum LogoutMessage: Sendable, Hashable {
    /// The query string of an HTTP-Redirect GET, exactly as received (everything after `?`, not re-encoded:
    /// the signature covers those octets).
    case redirect(query: String)
    /// The base64 `SAMLRequest`/`SAMLResponse` form value of an HTTP-POST, with its RelayState and, when known, the
    /// name of the form field it came in (a LogoutResponse in `SAMLRequest`, or the reverse, is then refused).
    case post(value: String, relayState: String?, parameter: String? = nil)
}

extension ServiceProvider {
    /// Validates an IdP's LogoutRequest: Version, an NCName ID, the document's structure (one signature, the
    /// root's), Issuer (a trusted IdP, exactly), signed by that IdP's key (Redirect: over the exact received query
    /// octets; POST: enveloped, same profile as responses), Destination (one of `singleLogoutServiceURLs`, required),
    /// IssueInstant neither in the future nor older than ``Options/maxLogoutMessageAge`` (each with the clock's skew),
    /// NotOnOrAfter not passed, one NameID; then its ID goes through the replay cache (a ``ReplayKey`` of kind
    /// `.logoutRequest`), remembered until its NotOnOrAfter or the end of its age bound, whichever is earlier.
    /// - Throws: ``SAMLError/signatureMissing(_:)`` (`.logoutMessage`), ``SAMLError/logoutRequestExpired(notOnOrAfter:now:)``,
    ///   ``SAMLError/logoutMessageNotYetValid(issueInstant:now:)``, ``SAMLError/logoutMessageTooOld(issueInstant:now:)``,
    ///   ``SAMLError/replayDetected(assertionID:)`` (a LogoutRequest ID seen before), and the other ``SAMLError``
    ///   cases naming the failed check.
    /// - Parameters:
    ///   - message: the request as it arrived (Redirect query or POST form value).
    /// - Returns: the request, to end the sessions it names and answer with
    ///   ``ServiceProviderConfiguration/logoutResponse(answering:to:binding:statusCode:clock:)``.
    public func validateLogoutRequest(_ message: LogoutMessage) async throws -> VerifiedLogoutRequest {
        try await cappingEchoes {
            let now = clock.now()
            let (request, replayExpiry) = try logoutRequest(message, now: now)
            let key = ReplayKey(issuer: request.issuer, kind: .logoutRequest, id: request.id)
            guard try await replayCache.insertIfAbsent(key, expiresAt: replayExpiry) else {
                throw SAMLError.replayDetected(assertionID: request.id)
            }
            return request
        }
    }

    /// The checks of ``validateLogoutRequest(_:)`` up to the replay cache; returns the request and how long its ID is
    /// remembered.
    private func logoutRequest(_ message: LogoutMessage, now: Date) throws -> (VerifiedLogoutRequest, replayExpiry: Date) {
        let verified = try verifyLogoutMessage(message, root: "LogoutRequest", now: now)
        return try verified.root.withPointer { root in
            let skew = options.clockSkew
            let nameIDs = XMLTree.countChildren(root, NS.assertionURI, "NameID")
            guard nameIDs <= 1 else { throw SAMLError.duplicateElement("NameID") }
            guard let nameIDNode = XMLTree.firstChild(root, NS.assertionURI, "NameID") else { throw SAMLError.missingNameID }
            let nameID = VerifiedAssertion.NameID(
                value: XMLTree.trimmedText(nameIDNode), format: XMLTree.attribute(nameIDNode, "Format").map(NameIDFormat.init(rawValue:)),
                nameQualifier: XMLTree.attribute(nameIDNode, "NameQualifier"), spNameQualifier: XMLTree.attribute(nameIDNode, "SPNameQualifier"))
            let notOnOrAfter = try XMLTree.dateAttribute(root, "NotOnOrAfter")
            if let notOnOrAfter, notOnOrAfter <= now.addingTimeInterval(-skew) {
                throw SAMLError.logoutRequestExpired(notOnOrAfter: notOnOrAfter, now: now)
            }
            let request = VerifiedLogoutRequest(id: verified.id, issuer: verified.idp.metadata.entityID, nameID: nameID,
                                                sessionIndexes: XMLTree.childrenNamed(root, NS.protocolURI, "SessionIndex").map(XMLTree.trimmedText),
                                                notOnOrAfter: notOnOrAfter, relayState: verified.relayState)
            // Past the earlier of its bounds the request is refused anyway, so its ID need not be remembered longer.
            let ageBound = verified.issueInstant.addingTimeInterval(options.maxLogoutMessageAge)
            let until = notOnOrAfter.map { min($0, ageBound) } ?? ageBound
            return (request, until.addingTimeInterval(skew))
        }
    }

    /// Validates an IdP's LogoutResponse to the LogoutRequest `expectedRequestID`: the checks of a LogoutRequest's
    /// message (signature, Issuer, Destination, IssueInstant), then InResponseTo and Status.
    /// - Parameters:
    ///   - message: the response as it arrived (Redirect query or POST form value).
    ///   - expectedRequestID: the ID of the LogoutRequest the SP sent (``OutgoingMessage/id``).
    /// - Throws: ``SAMLError/inResponseToMismatch(expected:found:)``, ``SAMLError/statusNotSuccess(code:subCodes:message:)``,
    ///   ``SAMLError/signatureMissing(_:)`` (`.logoutMessage`), ``SAMLError/logoutMessageNotYetValid(issueInstant:now:)``,
    ///   ``SAMLError/logoutMessageTooOld(issueInstant:now:)``, and the other ``SAMLError`` cases naming the failed
    ///   check.
    public func validateLogoutResponse(_ message: LogoutMessage, expectedRequestID: String) async throws -> VerifiedLogoutResponse {
        try cappingEchoes { try logoutResponse(message, expectedRequestID: expectedRequestID) }
    }

    private func logoutResponse(_ message: LogoutMessage, expectedRequestID: String) throws -> VerifiedLogoutResponse {
        let verified = try verifyLogoutMessage(message, root: "LogoutResponse", now: clock.now())
        return try verified.root.withPointer { root in
            let inResponseTo = XMLTree.attribute(root, "InResponseTo")
            guard Exact.equal(inResponseTo, expectedRequestID) else { throw SAMLError.inResponseToMismatch(expected: expectedRequestID, found: inResponseTo) }
            let (status, code) = try StatusCheck.topLevelStatusCode(root)
            let value = XMLTree.attribute(code, "Value") ?? ""
            guard Exact.equal(value, LogoutResponse.success) else {
                let sub = XMLTree.firstChild(code, NS.protocolURI, "StatusCode").flatMap { XMLTree.attribute($0, "Value") }
                throw SAMLError.statusNotSuccess(code: value, subCodes: sub.map { [$0] } ?? [],
                                                 message: XMLTree.firstChild(status, NS.protocolURI, "StatusMessage").map(XMLTree.trimmedText))
            }
            return VerifiedLogoutResponse(id: verified.id, issuer: verified.idp.metadata.entityID,
                                          inResponseTo: expectedRequestID, relayState: verified.relayState)
        }
    }

    /// A logout message that passed the checks common to requests and responses.
    private struct VerifiedLogoutMessage {
        /// The root element, holding its document.
        let root: XMLNode
        let id: String
        let idp: TrustedIdP
        let issueInstant: Date
        let relayState: String?
    }

    /// The checks common to LogoutRequest and LogoutResponse, in order: the binding (size, decoding), the parse, the
    /// binding parameter against the root, the root and Version, an NCName ID, the ``StructureWalk``
    /// (``StructureWalk/Profile/logoutMessage``), the Issuer selecting a trusted IdP, the signature (required: the
    /// Redirect query's, and an enveloped one when present, or the POST's enveloped one; then the key's strength),
    /// Destination, and IssueInstant (present, not in the future, not older than ``Options/maxLogoutMessageAge``).
    private func verifyLogoutMessage(_ message: LogoutMessage, root name: StaticString, now: Date) throws -> VerifiedLogoutMessage {
        let limits = XMLParsingLimits(maxBytes: options.maxResponseBytes, maxDepth: options.maxDepth)
        let xml: [UInt8]
        let relayState: String?
        var decoded: RedirectBinding.DecodedMessage?
        let parameter: String?
        switch message {
        case .redirect(let query):
            let d = try RedirectBinding.decode(query: query, maxInflatedBytes: options.maxResponseBytes)
            decoded = d
            xml = d.xml
            relayState = d.relayState
            parameter = d.parameter
        case .post(let value, let rs, let name):
            parameter = name
            guard !value.isEmpty else { throw SAMLError.emptyInput }
            // As for responses: refuse before decoding what cannot decode to at most maxResponseBytes.
            let encodedLimit = options.maxResponseBytes / 3 * 4 + options.maxResponseBytes / 38 + 8
            guard value.utf8.count <= encodedLimit else {
                throw SAMLError.inputTooLarge(limit: options.maxResponseBytes, size: value.utf8.count * 3 / 4)
            }
            xml = try Base64.decode(value)
            relayState = rs
        }
        let doc = try ParsedXML.parse(xml, limits: limits)
        return try doc.withRoot { root in
            // The binding parameter names the kind of message: a LogoutResponse is never read as a request, nor the reverse.
            let isRequest = XMLTree.isElement(root, NS.protocolURI, "LogoutRequest")
            if let parameter, isRequest || XMLTree.isElement(root, NS.protocolURI, "LogoutResponse") {
                let expectedParameter = isRequest ? "SAMLRequest" : "SAMLResponse"
                guard Exact.equal(parameter, expectedParameter) else {
                    throw SAMLError.messageParameterMismatch(parameter: parameter, root: XMLTree.localName(root))
                }
            }
            guard XMLTree.isElement(root, NS.protocolURI, name) else {
                throw SAMLError.unexpectedRoot(namespace: XMLTree.namespaceURI(root), name: XMLTree.localName(root))
            }
            let version = XMLTree.attribute(root, "Version")
            guard version == "2.0" else { throw SAMLError.unsupportedVersion(version) }
            // Every protocol message carries an ID (saml-core §3.2.1), an NCName, whatever the binding signed.
            let id = XMLTree.attribute(root, "ID")
            guard let id, RequestID.isNCName(id) else { throw SAMLError.invalidID(id) }
            let walk = try StructureWalk(document: doc, root: root, profile: .logoutMessage, maxDepth: limits.maxDepth)
            guard let issuer = try IssuerSelection.issuer(of: root) else { throw SAMLError.missingElement("Issuer") }
            let idp = try trustedIdP(for: issuer, at: now)
            try verifyLogoutSignature(root, walk: walk, query: decoded, idp: idp)
            let destination = XMLTree.attribute(root, "Destination")
            guard let destination, singleLogoutServiceURLs.contains(where: { URLMatching.matches(destination, $0) }) else {
                throw SAMLError.destinationMismatch(expected: singleLogoutServiceURLs, found: destination)
            }
            guard let issueInstant = try XMLTree.dateAttribute(root, "IssueInstant") else {
                throw SAMLError.missingAttribute(element: XMLTree.localName(root), attribute: "IssueInstant")
            }
            if issueInstant > now.addingTimeInterval(options.clockSkew) {
                throw SAMLError.logoutMessageNotYetValid(issueInstant: issueInstant, now: now)
            }
            if issueInstant.addingTimeInterval(options.maxLogoutMessageAge + options.clockSkew) < now {
                throw SAMLError.logoutMessageTooOld(issueInstant: issueInstant, now: now)
            }
            return VerifiedLogoutMessage(root: XMLNode(document: doc, pointer: root), id: id, idp: idp, issueInstant: issueInstant,
                                         relayState: relayState)
        }
    }

    /// The query string's signature (Redirect) or the enveloped one (POST); one of them is required. A Redirect
    /// message that also carries an enveloped signature must have a valid one.
    private func verifyLogoutSignature(_ root: xmlNodePtr, walk: StructureWalk, query decoded: RedirectBinding.DecodedMessage?,
                                       idp: TrustedIdP) throws {
        let policy = algorithmPolicy
        let enveloped = XMLTree.firstChild(root, NS.dsigURI, "Signature")
        if let decoded, decoded.signature != nil {
            guard let algorithm = decoded.signatureAlgorithm, policy.signatureAlgorithms.contains(algorithm) else {
                throw SAMLError.algorithmNotAllowed(decoded.signatureAlgorithm?.rawValue ?? "")
            }
            let key = try decoded.verifySignature(keys: idp.keys, allowedAlgorithms: policy.signatureAlgorithms)
            try key.checkStrength(minimumRSABits: options.minimumRSAKeyBits)
        } else if enveloped == nil {
            throw SAMLError.signatureMissing(.logoutMessage)
        }
        if let enveloped {
            _ = try SignatureCheck.verify(enveloped, of: root, walk: walk, keys: idp.keys, policy: policy,
                                          minimumRSAKeyBits: options.minimumRSAKeyBits)
        }
    }
}

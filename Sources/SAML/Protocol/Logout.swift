import Foundation
internal import CXMLSec

/// A SAML 2.0 LogoutRequest (single logout), sent by the SP to the IdP.
public struct LogoutRequest: Sendable, Hashable {
    public var id: String
    public var issueInstant: Date
    public var destination: String
    public var issuer: String
    public var nameID: VerifiedAssertion.NameID
    public var sessionIndexes: [String]
    public var notOnOrAfter: Date?

    /// A request for the user of `assertion` (its NameID and SessionIndex), to `idp`'s SingleLogoutService.
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
    public func redirectURL(relayState: String? = nil, signingKey: SigningKey? = nil) throws -> String {
        try RedirectBinding.encode(message: xml(), parameter: "SAMLRequest", destination: destination, relayState: relayState, signingKey: signingKey)
    }

    /// For the HTTP-POST binding (enveloped signature when `signingKey` is given).
    public func postForm(relayState: String? = nil, signingKey: SigningKey? = nil) throws -> PostForm {
        let document = try signingKey.map { try XMLSigner.signEnveloped(xml(signatureAlgorithm: $0.algorithm), key: $0) } ?? Array(xml().utf8)
        return try PostForm(action: destination, parameter: "SAMLRequest", message: document, relayState: relayState)
    }
}

/// A SAML 2.0 LogoutResponse, sent by the SP to answer the IdP's LogoutRequest.
public struct LogoutResponse: Sendable, Hashable {
    public var id: String
    public var issueInstant: Date
    public var destination: String
    public var issuer: String
    public var inResponseTo: String
    public var statusCode: String

    public static let success = "urn:oasis:names:tc:SAML:2.0:status:Success"

    /// The answer to `request`, to the IdP's SingleLogoutService (its ResponseLocation when it has one).
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

    public func redirectURL(relayState: String? = nil, signingKey: SigningKey? = nil) throws -> String {
        try RedirectBinding.encode(message: xml(), parameter: "SAMLResponse", destination: destination, relayState: relayState, signingKey: signingKey)
    }

    public func postForm(relayState: String? = nil, signingKey: SigningKey? = nil) throws -> PostForm {
        let document = try signingKey.map { try XMLSigner.signEnveloped(xml(signatureAlgorithm: $0.algorithm), key: $0) } ?? Array(xml().utf8)
        return try PostForm(action: destination, parameter: "SAMLResponse", message: document, relayState: relayState)
    }
}

/// A LogoutRequest from a trusted IdP that passed every check. Only ``ServiceProvider`` makes one.
public struct VerifiedLogoutRequest: Sendable, Hashable {
    public let id: String
    public let issuer: String
    public let nameID: VerifiedAssertion.NameID
    public let sessionIndexes: [String]
    public let notOnOrAfter: Date?
    public let relayState: String?
}

/// A LogoutResponse from a trusted IdP that passed every check.
public struct VerifiedLogoutResponse: Sendable, Hashable {
    public let id: String
    public let issuer: String
    public let inResponseTo: String
    public let relayState: String?
}

/// How a logout message arrived.
public enum LogoutMessage: Sendable, Hashable {
    /// The query string of an HTTP-Redirect GET, exactly as received (everything after `?`, not re-encoded:
    /// the signature covers those octets).
    case redirect(query: String)
    /// The base64 `SAMLRequest`/`SAMLResponse` form value of an HTTP-POST, with its RelayState.
    case post(value: String, relayState: String?)
}

extension ServiceProvider {
    /// Validates an IdP's LogoutRequest: signed by a trusted IdP's key (Redirect: over the exact received query
    /// octets; POST: enveloped, same profile as responses), Issuer, Destination (one of `singleLogoutServiceURLs`,
    /// required), Version, IssueInstant and NotOnOrAfter with the clock's skew.
    /// - Throws: a ``SAMLError`` naming the failed check.
    public func validateLogoutRequest(_ message: LogoutMessage) async throws -> VerifiedLogoutRequest {
        let (doc, root, idp, relayState) = try verifyLogoutMessage(message, root: "LogoutRequest")
        return try withExtendedLifetime(doc) {
            guard let nameIDNode = XMLTree.firstChild(root, NS.assertionURI, "NameID") else { throw SAMLError.missingNameID }
            let nameID = VerifiedAssertion.NameID(
                value: XMLTree.trimmedText(nameIDNode), format: XMLTree.attribute(nameIDNode, "Format").map(NameIDFormat.init(rawValue:)),
                nameQualifier: XMLTree.attribute(nameIDNode, "NameQualifier"), spNameQualifier: XMLTree.attribute(nameIDNode, "SPNameQualifier"))
            let notOnOrAfter = try XMLTree.attribute(root, "NotOnOrAfter").map(XSDateTime.parse)
            let now = clock.now()
            if let notOnOrAfter, notOnOrAfter <= now.addingTimeInterval(-options.clockSkew) {
                throw SAMLError.assertionExpired(notOnOrAfter: notOnOrAfter, now: now)
            }
            return VerifiedLogoutRequest(id: XMLTree.attribute(root, "ID") ?? "", issuer: idp.metadata.entityID, nameID: nameID,
                                         sessionIndexes: XMLTree.childrenNamed(root, NS.protocolURI, "SessionIndex").map(XMLTree.trimmedText),
                                         notOnOrAfter: notOnOrAfter, relayState: relayState)
        }
    }

    /// Validates an IdP's LogoutResponse to the LogoutRequest `expectedRequestID` (signature, Issuer, Destination,
    /// InResponseTo, Status).
    public func validateLogoutResponse(_ message: LogoutMessage, expectedRequestID: String) async throws -> VerifiedLogoutResponse {
        let (doc, root, idp, relayState) = try verifyLogoutMessage(message, root: "LogoutResponse")
        return try withExtendedLifetime(doc) {
            let inResponseTo = XMLTree.attribute(root, "InResponseTo")
            guard inResponseTo == expectedRequestID else { throw SAMLError.inResponseToMismatch(expected: expectedRequestID, found: inResponseTo) }
            guard let status = XMLTree.firstChild(root, NS.protocolURI, "Status"),
                  let code = XMLTree.firstChild(status, NS.protocolURI, "StatusCode") else { throw SAMLError.missingElement("Status") }
            let value = XMLTree.attribute(code, "Value") ?? ""
            guard value == LogoutResponse.success else {
                let sub = XMLTree.firstChild(code, NS.protocolURI, "StatusCode").flatMap { XMLTree.attribute($0, "Value") }
                throw SAMLError.statusNotSuccess(code: value, subCodes: sub.map { [$0] } ?? [],
                                                 message: XMLTree.firstChild(status, NS.protocolURI, "StatusMessage").map(XMLTree.trimmedText))
            }
            return VerifiedLogoutResponse(id: XMLTree.attribute(root, "ID") ?? "", issuer: idp.metadata.entityID,
                                          inResponseTo: expectedRequestID, relayState: relayState)
        }
    }

    private func verifyLogoutMessage(_ message: LogoutMessage, root name: StaticString) throws -> (XMLDocument, xmlNodePtr, TrustedIdP, String?) {
        let limits = XMLParsingLimits(maxBytes: options.maxResponseBytes, maxDepth: options.maxDepth)
        let xml: [UInt8]
        let relayState: String?
        var decoded: RedirectBinding.DecodedMessage?
        switch message {
        case .redirect(let query):
            let d = try RedirectBinding.decode(query: query, maxInflatedBytes: options.maxResponseBytes)
            decoded = d
            xml = d.xml
            relayState = d.relayState
        case .post(let value, let rs):
            guard !value.isEmpty else { throw SAMLError.emptyInput }
            // As for responses: refuse before decoding what cannot decode to at most maxResponseBytes.
            let encodedLimit = options.maxResponseBytes / 3 * 4 + options.maxResponseBytes / 38 + 8
            guard value.utf8.count <= encodedLimit else {
                throw SAMLError.inputTooLarge(limit: options.maxResponseBytes, size: value.utf8.count * 3 / 4)
            }
            xml = try Base64.decode(value)
            relayState = rs
        }
        let doc = try XMLDocument.parse(xml, limits: limits)
        guard let root = doc.root else { throw SAMLError.malformedXML(detail: "no root element") }
        guard XMLTree.isElement(root, NS.protocolURI, name) else {
            throw SAMLError.unexpectedRoot(namespace: XMLTree.namespaceURI(root), name: XMLTree.localName(root))
        }
        let version = XMLTree.attribute(root, "Version")
        guard version == "2.0" else { throw SAMLError.unsupportedVersion(version) }
        guard let issuer = XMLTree.firstChild(root, NS.assertionURI, "Issuer").map(XMLTree.trimmedText) else { throw SAMLError.missingElement("Issuer") }
        guard let idp = identityProviders[issuer] else {
            if identityProviders.count == 1, let only = identityProviders.values.first {
                throw SAMLError.issuerMismatch(expected: only.metadata.entityID, found: issuer)
            }
            throw SAMLError.unknownIssuer(issuer)
        }
        // Signature: the query string's (Redirect) or the enveloped one (POST). One of them is required.
        let policy = algorithmPolicy
        if let decoded, decoded.signature != nil {
            guard let algorithm = decoded.signatureAlgorithm, policy.signatureAlgorithms.contains(algorithm) else {
                throw SAMLError.algorithmNotAllowed(decoded.signatureAlgorithm?.rawValue ?? "")
            }
            try decoded.verifySignature(keys: idp.keys, allowedAlgorithms: policy.signatureAlgorithms)
            if XMLTree.firstChild(root, NS.dsigURI, "Signature") != nil {
                _ = try EnvelopedSignature.verify(doc, root: root, keys: idp.keys, policy: policy, onlySignature: true)
            }
        } else {
            guard try EnvelopedSignature.verify(doc, root: root, keys: idp.keys, policy: policy, onlySignature: true) != nil else {
                throw SAMLError.signatureMissing(.response)
            }
        }
        let destination = XMLTree.attribute(root, "Destination")
        guard let destination, singleLogoutServiceURLs.contains(where: { URLMatching.matches(destination, $0) }) else {
            throw SAMLError.destinationMismatch(expected: singleLogoutServiceURLs, found: destination)
        }
        guard let issueInstant = try XMLTree.attribute(root, "IssueInstant").map(XSDateTime.parse) else {
            throw SAMLError.missingAttribute(element: XMLTree.localName(root), attribute: "IssueInstant")
        }
        let now = clock.now()
        if issueInstant > now.addingTimeInterval(options.clockSkew) {
            throw SAMLError.assertionNotYetValid(notBefore: issueInstant, now: now)
        }
        return (doc, root, idp, relayState)
    }
}

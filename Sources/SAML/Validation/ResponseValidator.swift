import Foundation
internal import CXMLSec

/// One validation of one response: parse, structure, signatures, protocol checks. Synchronous; the replay cache
/// (async) is consulted by ``ServiceProvider`` afterwards.
struct ResponseValidator {
    let sp: ServiceProvider
    let now: Date
    let expectedRequestID: String?
    let relayState: String?
    let skew: TimeInterval

    var decryptor: Decryptor {
        get throws {
            guard !sp.decryptionKeys.isEmpty else { throw SAMLError.encryptedAssertionNotSupported }
            return Decryptor(keys: sp.decryptionKeys, allowRSA1_5: sp.options.allowRSA1_5KeyTransport,
                             allowTripleDES: sp.options.allowTripleDES, limits: XMLParsingLimits(maxBytes: sp.options.maxResponseBytes, maxDepth: sp.options.maxDepth))
        }
    }

    init(serviceProvider: ServiceProvider, now: Date, expectedRequestID: String?, relayState: String?) {
        self.sp = serviceProvider
        self.now = now
        self.expectedRequestID = expectedRequestID
        self.relayState = relayState
        self.skew = serviceProvider.options.clockSkew
    }

    struct Outcome {
        let assertion: VerifiedAssertion
        let trustedIdP: TrustedIdP
        var identityProvider: IdPMetadata { trustedIdP.metadata }
        let replayKey: ReplayKey
        let replayExpiry: Date
    }

    func validate(_ xml: [UInt8]) throws -> Outcome {
        let limits = XMLParsingLimits(maxBytes: sp.options.maxResponseBytes, maxDepth: sp.options.maxDepth)
        let doc = try XMLDocument.parse(xml, limits: limits, checkDepth: false)
        return try withExtendedLifetime(doc) { try validate(doc, bytes: xml, limits: limits) }
    }

    private func validate(_ doc: XMLDocument, bytes: [UInt8], limits: XMLParsingLimits) throws -> Outcome {
        // 1. The root: samlp:Response, SAML 2.0.
        guard let response = doc.root else { throw SAMLError.malformedXML(detail: "no root element") }
        guard XMLTree.isElement(response, NS.protocolURI, "Response") else {
            throw SAMLError.unexpectedRoot(namespace: XMLTree.namespaceURI(response), name: XMLTree.localName(response))
        }
        let version = XMLTree.attribute(response, "Version")
        guard version == "2.0" else { throw SAMLError.unsupportedVersion(version) }

        // 2. Status: an IdP-reported failure is reported as such.
        try checkStatus(response)

        // 3. The whole document's structure; IDs registered on Response and Assertion elements only.
        let structure = try StructureWalk(document: doc, root: response, maxDepth: sp.options.maxDepth)

        // 3a. A signed Response with an Issuer is verified before anything is decrypted: a tampered ciphertext then
        // fails as a digest mismatch, and decryption never runs on unauthenticated input when it need not.
        let policy = sp.algorithmPolicy
        let responseIssuer = try Self.issuer(of: response)
        let responseSignature = XMLTree.firstChild(response, NS.dsigURI, "Signature")
        var responseCertificate: SAMLCertificate?
        if let responseSignature {
            // A signed Response names its signer (saml-profiles §4.1.4.2): the keys are chosen by that Issuer.
            guard let responseIssuer else { throw SAMLError.signedResponseWithoutIssuer }
            responseCertificate = try verify(responseSignature, of: response, walk: structure, idp: try trustedIdP(for: responseIssuer), policy: policy)
        }

        // 3b. An EncryptedAssertion is decrypted with the SP's keys into a document of its own, whose structure is
        // checked the same way; it is then read from there (and its own signature, if any, verified there).
        let assertionStructure: StructureWalk
        var decryptedDocuments: [XMLDocument] = []
        if XMLTree.isElement(structure.assertion, NS.assertionURI, "EncryptedAssertion") {
            let (plain, node) = try decryptor.decrypt(structure.assertion, expecting: NS.assertionURI, "Assertion")
            decryptedDocuments.append(plain)
            assertionStructure = try StructureWalk(document: plain, root: node.pointee.parent!, maxDepth: sp.options.maxDepth)
            guard XMLTree.isElement(assertionStructure.assertion, NS.assertionURI, "Assertion") else {
                throw SAMLError.unexpectedElement(XMLTree.qualifiedName(assertionStructure.assertion))
            }
        } else {
            if sp.options.requireEncryptedAssertions { throw SAMLError.encryptionRequired }
            assertionStructure = structure
        }
        let assertion = assertionStructure.assertion

        // 4. The issuer selects the trusted IdP (and so the only keys that may verify).
        guard let assertionIssuer = try Self.issuer(of: assertion) else { throw SAMLError.missingIssuer }
        let idp = try trustedIdP(for: responseIssuer ?? assertionIssuer)
        if let responseIssuer, !Exact.equal(responseIssuer, idp.metadata.entityID) {
            throw SAMLError.issuerMismatch(expected: idp.metadata.entityID, found: responseIssuer)
        }
        guard Exact.equal(assertionIssuer, idp.metadata.entityID) else {
            throw SAMLError.issuerMismatch(expected: idp.metadata.entityID, found: assertionIssuer)
        }

        // 5. Signatures: profile first, then xmlsec with the IdP's keys. An invalid signature is fatal wherever it is.
        let assertionSignature = XMLTree.firstChild(assertion, NS.dsigURI, "Signature")
        var signingCertificate = responseCertificate
        if let responseSignature, responseCertificate == nil {
            signingCertificate = try verify(responseSignature, of: response, walk: structure, idp: idp, policy: policy)
        }
        if let assertionSignature {
            let certificate = try verify(assertionSignature, of: assertion, walk: assertionStructure, idp: idp, policy: policy)
            signingCertificate = signingCertificate ?? certificate
        }
        let signed = VerifiedAssertion.SignedParts(response: responseSignature != nil, assertion: assertionSignature != nil)
        switch sp.options.signatureRequirement {
        case .assertionOrResponse:
            guard signed.response || signed.assertion else { throw SAMLError.signatureMissing(.responseOrAssertion) }
        case .assertion:
            guard signed.assertion else { throw SAMLError.signatureMissing(.assertion) }
        case .response:
            guard signed.response else { throw SAMLError.signatureMissing(.response) }
        case .both:
            guard signed.response else { throw SAMLError.signatureMissing(.response) }
            guard signed.assertion else { throw SAMLError.signatureMissing(.assertion) }
        }
        guard let signingCertificate else { throw SAMLError.signatureMissing(.responseOrAssertion) }

        // 6. Response: Destination and InResponseTo.
        let destination = XMLTree.attribute(response, "Destination")
        if let destination {
            guard sp.assertionConsumerServiceURLs.contains(where: { URLMatching.matches(destination, $0) }) else {
                throw SAMLError.destinationMismatch(expected: sp.assertionConsumerServiceURLs, found: destination)
            }
        } else if signed.response {
            throw SAMLError.destinationMismatch(expected: sp.assertionConsumerServiceURLs, found: nil)
        }
        let inResponseTo = XMLTree.attribute(response, "InResponseTo")
        try checkInResponseTo(inResponseTo)
        guard try time(response, "IssueInstant") != nil else {
            throw SAMLError.missingAttribute(element: "Response", attribute: "IssueInstant")
        }

        // 7. The assertion, read from the verified node.
        return try withExtendedLifetime(decryptedDocuments) {
            // The audit XML of an assertion read from the response itself is computed on first read from these bytes.
            let auditSource = decryptedDocuments.isEmpty ? (bytes, limits) : nil
            return try readAssertion(assertion, document: assertionStructure.document, idp: idp, issuer: assertionIssuer, signed: signed,
                                     signingCertificate: signingCertificate, inResponseTo: inResponseTo, structure: assertionStructure,
                                     auditSource: auditSource)
        }
    }

    /// Profile check, xmlsec verification with the IdP's keys, and the pointer identity of the referenced node.
    private func verify(_ signature: xmlNodePtr, of parent: xmlNodePtr, walk: StructureWalk, idp: TrustedIdP, policy: AlgorithmPolicy) throws -> SAMLCertificate {
        let parentID = walk.id(of: parent)
        let wholeDocument = try SignatureVerifier.checkProfile(signature, parentID: parentID, policy: policy,
                                                               allowEmptyURI: sp.options.allowEmptyReferenceURI)
        if !wholeDocument { try walk.checkReferenceResolves(parentID, to: parent) }
        let key = try SignatureVerifier.verify(signature, keys: idp.keys, policy: policy, allowEmptyURI: wholeDocument)
        // What xmlsec digested is what `#ID` resolves to: the same node (pointer identity) as the parent.
        if !wholeDocument { try walk.checkReferenceResolves(parentID, to: parent) }
        // The key that verified is strong enough (RSA ≥ minimumRSAKeyBits, EC ≥ P-256).
        try key.checkStrength(minimumRSABits: sp.options.minimumRSAKeyBits)
        return key.certificate
    }

    // MARK: - Issuer

    /// The element's Issuer (at most one), with XML white space trimmed; its Format, when present, must be
    /// `…nameid-format:entity` (saml-core §2.2.5, saml-profiles §4.1.4.2).
    static func issuer(of element: xmlNodePtr) throws -> String? {
        var found: xmlNodePtr?
        var cur = element.pointee.children
        while let c = cur {
            if XMLTree.isElement(c, NS.assertionURI, "Issuer") {
                guard found == nil else { throw SAMLError.duplicateElement("Issuer") }
                found = c
            }
            cur = c.pointee.next
        }
        guard let found else { return nil }
        if let format = XMLTree.attribute(found, "Format"), !Exact.equal(format, entityFormat) {
            throw SAMLError.invalidIssuerFormat(format)
        }
        return XMLTree.trimmedText(found)
    }

    static let entityFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"

    // MARK: - Status

    private func checkStatus(_ response: xmlNodePtr) throws {
        let status = try Self.topLevelStatusCode(response)
        let code = status.code
        let value = XMLTree.attribute(code, "Value") ?? ""
        guard !Exact.equal(value, Self.success) else { return }
        var subCodes: [String] = []
        var cur = XMLTree.firstChild(code, NS.protocolURI, "StatusCode")
        while let sub = cur, subCodes.count < 8 {
            subCodes.append(XMLTree.attribute(sub, "Value") ?? "")
            cur = XMLTree.firstChild(sub, NS.protocolURI, "StatusCode")
        }
        let message = XMLTree.firstChild(status.status, NS.protocolURI, "StatusMessage").map(XMLTree.trimmedText)
        throw SAMLError.statusNotSuccess(code: value, subCodes: subCodes, message: message)
    }

    static let success = "urn:oasis:names:tc:SAML:2.0:status:Success"

    /// The one Status of a protocol response and its one top-level StatusCode (saml-core §3.2.2: exactly one each).
    static func topLevelStatusCode(_ message: xmlNodePtr) throws -> (status: xmlNodePtr, code: xmlNodePtr) {
        let statuses = XMLTree.countChildren(message, NS.protocolURI, "Status")
        guard statuses > 0, let status = XMLTree.firstChild(message, NS.protocolURI, "Status") else { throw SAMLError.missingElement("Status") }
        guard statuses == 1 else { throw SAMLError.duplicateElement("Status") }
        let codes = XMLTree.countChildren(status, NS.protocolURI, "StatusCode")
        guard codes > 0, let code = XMLTree.firstChild(status, NS.protocolURI, "StatusCode") else { throw SAMLError.missingElement("StatusCode") }
        guard codes == 1 else { throw SAMLError.duplicateElement("StatusCode") }
        return (status, code)
    }

    // MARK: - Issuer selection

    /// The trusted IdP named `issuer` (exactly), whose metadata is still valid at `now`.
    private func trustedIdP(for issuer: String) throws -> TrustedIdP {
        try sp.trustedIdP(for: issuer, at: now)
    }

    // MARK: - InResponseTo

    private func checkInResponseTo(_ found: String?) throws {
        if let expectedRequestID {
            guard Exact.equal(found, expectedRequestID) else { throw SAMLError.inResponseToMismatch(expected: expectedRequestID, found: found) }
        } else {
            // No request outstanding: only an IdP-initiated response, and only when allowed.
            if let found { throw SAMLError.inResponseToMismatch(expected: nil, found: found) }
            guard sp.options.allowUnsolicitedResponses else { throw SAMLError.unsolicitedResponse }
        }
    }

    // MARK: - Assertion

    private func time(_ node: xmlNodePtr, _ name: StaticString) throws -> Date? {
        try XMLTree.dateAttribute(node, name)
    }

    private func readAssertion(_ assertion: xmlNodePtr, document: XMLDocument, idp: TrustedIdP, issuer: String,
                               signed: VerifiedAssertion.SignedParts, signingCertificate: SAMLCertificate,
                               inResponseTo: String?, structure: StructureWalk,
                               auditSource: (bytes: [UInt8], limits: XMLParsingLimits)?) throws -> Outcome {
        let version = XMLTree.attribute(assertion, "Version")
        guard version == "2.0" else { throw SAMLError.unsupportedVersion(version) }
        // Required and valid; a missing one is reported as the invalid time "".
        let issueInstant = try time(assertion, "IssueInstant")
        guard issueInstant != nil else { throw SAMLError.invalidTime("") }
        let assertionID = structure.id(of: assertion)

        // Subject and NameID.
        guard let subject = XMLTree.firstChild(assertion, NS.assertionURI, "Subject") else { throw SAMLError.missingSubject }
        var keepAlive: [XMLDocument] = []
        defer { withExtendedLifetime(keepAlive) {} }
        let nameIDNode: xmlNodePtr
        if let plain = XMLTree.firstChild(subject, NS.assertionURI, "NameID") {
            nameIDNode = plain
        } else if let encrypted = XMLTree.firstChild(subject, NS.assertionURI, "EncryptedID") {
            let (doc, node) = try decryptor.decrypt(encrypted, expecting: NS.assertionURI, "NameID")
            keepAlive.append(doc)
            nameIDNode = node
        } else {
            throw SAMLError.missingNameID
        }
        let nameIDValue = XMLTree.trimmedText(nameIDNode)
        guard !nameIDValue.isEmpty else { throw SAMLError.missingNameID }
        let nameID = VerifiedAssertion.NameID(
            value: nameIDValue,
            format: XMLTree.attribute(nameIDNode, "Format").map(NameIDFormat.init(rawValue:)),
            nameQualifier: XMLTree.attribute(nameIDNode, "NameQualifier"),
            spNameQualifier: XMLTree.attribute(nameIDNode, "SPNameQualifier"))

        // A bearer SubjectConfirmation that satisfies every check.
        let bearer = XMLTree.childrenNamed(subject, NS.assertionURI, "SubjectConfirmation")
            .filter { Exact.equal(XMLTree.attribute($0, "Method"), "urn:oasis:names:tc:SAML:2.0:cm:bearer") }
        guard !bearer.isEmpty else { throw SAMLError.noBearerSubjectConfirmation }
        var firstFailure: Error?
        var confirmationExpiry: Date?
        for confirmation in bearer {
            do {
                confirmationExpiry = try checkBearer(confirmation)
                firstFailure = nil
                break
            } catch {
                if firstFailure == nil { firstFailure = error }
            }
        }
        if let firstFailure { throw firstFailure }

        // Conditions: at most one element (saml-core §2.3.3); a second one would otherwise go unread.
        let conditionsCount = XMLTree.countChildren(assertion, NS.assertionURI, "Conditions")
        guard conditionsCount <= 1 else { throw SAMLError.duplicateElement("Conditions") }
        let conditionsNode = XMLTree.firstChild(assertion, NS.assertionURI, "Conditions")
        guard conditionsNode != nil || sp.options.allowMissingAudienceRestriction else { throw SAMLError.missingAudienceRestriction }
        let notBefore = try conditionsNode.flatMap { try time($0, "NotBefore") }
        let notOnOrAfter = try conditionsNode.flatMap { try time($0, "NotOnOrAfter") }
        // An empty window is invalid whatever the skew (the skew widens each bound; it must not join two that never meet).
        if let notBefore, let notOnOrAfter, notBefore >= notOnOrAfter {
            throw SAMLError.invalidTimeWindow(notBefore: notBefore, notOnOrAfter: notOnOrAfter)
        }
        if let notBefore, notBefore > now.addingTimeInterval(skew) { throw SAMLError.assertionNotYetValid(notBefore: notBefore, now: now) }
        if let notOnOrAfter, notOnOrAfter <= now.addingTimeInterval(-skew) { throw SAMLError.assertionExpired(notOnOrAfter: notOnOrAfter, now: now) }
        let restrictions = try conditionsNode.map(Self.conditions) ?? []
        guard !restrictions.isEmpty || sp.options.allowMissingAudienceRestriction else { throw SAMLError.missingAudienceRestriction }
        var audiences: [String] = []
        for restriction in restrictions {
            let names = XMLTree.childrenNamed(restriction, NS.assertionURI, "Audience").map(XMLTree.trimmedText)
            guard Exact.contains(names, sp.entityID) else { throw SAMLError.audienceMismatch(expected: sp.entityID, found: names) }
            for name in names where !Exact.contains(audiences, name) { audiences.append(name) }
        }

        // AuthnStatement.
        guard let authn = XMLTree.firstChild(assertion, NS.assertionURI, "AuthnStatement") else { throw SAMLError.missingAuthnStatement }
        guard let authnInstant = try time(authn, "AuthnInstant") else {
            throw SAMLError.missingAttribute(element: "AuthnStatement", attribute: "AuthnInstant")
        }
        let sessionNotOnOrAfter = try time(authn, "SessionNotOnOrAfter")
        if let sessionNotOnOrAfter, sessionNotOnOrAfter <= now.addingTimeInterval(-skew) {
            throw SAMLError.sessionExpired(sessionNotOnOrAfter: sessionNotOnOrAfter, now: now)
        }
        let classRef = XMLTree.firstChild(authn, NS.assertionURI, "AuthnContext")
            .flatMap { XMLTree.firstChild($0, NS.assertionURI, "AuthnContextClassRef") }
            .map(XMLTree.trimmedText)

        // Attributes.
        var attributes: [VerifiedAssertion.Attribute] = []
        for statement in XMLTree.childrenNamed(assertion, NS.assertionURI, "AttributeStatement") {
            for child in XMLTree.children(statement) {
                var node = child
                if XMLTree.isElement(child, NS.assertionURI, "EncryptedAttribute") {
                    let (doc, decrypted) = try decryptor.decrypt(child, expecting: NS.assertionURI, "Attribute")
                    keepAlive.append(doc)
                    node = decrypted
                }
                guard XMLTree.isElement(node, NS.assertionURI, "Attribute") else { continue }
                guard let name = XMLTree.attribute(node, "Name"), !name.isEmpty else {
                    throw SAMLError.missingAttribute(element: "Attribute", attribute: "Name")
                }
                var values: [String] = []
                var value = node.pointee.children
                while let v = value {
                    if XMLTree.isElement(v, NS.assertionURI, "AttributeValue") { values.append(XMLTree.text(v)) }
                    value = v.pointee.next
                }
                attributes.append(.init(name: name, nameFormat: XMLTree.attribute(node, "NameFormat"),
                                        friendlyName: XMLTree.attribute(node, "FriendlyName"), values: values))
            }
        }

        let auditXML: AuditXML
        if let auditSource {
            auditXML = AuditXML(response: auditSource.bytes, limits: auditSource.limits, assertionID: assertionID)
        } else {
            guard let canonical = document.canonicalXML(of: assertion) else {
                throw SAMLError.signatureVerificationFailed(detail: "canonicalization of the assertion failed")
            }
            auditXML = AuditXML(computed: canonical)
        }
        let verified = VerifiedAssertion(
            issuer: issuer, assertionID: assertionID, nameID: nameID,
            sessionIndex: XMLTree.attribute(authn, "SessionIndex"), authnInstant: authnInstant,
            authnContextClassRef: classRef, sessionNotOnOrAfter: sessionNotOnOrAfter,
            notBefore: notBefore, notOnOrAfter: notOnOrAfter, audiences: audiences, attributes: attributes,
            inResponseTo: inResponseTo, relayState: relayState, signed: signed,
            signingCertificate: signingCertificate, auditXML: auditXML)
        // Remember the assertion until the later of its expiries (plus skew): replays are refused until then.
        let expiry = max(notOnOrAfter ?? .distantPast, confirmationExpiry ?? .distantPast)
        let replayUntil = expiry == .distantPast ? now.addingTimeInterval(3600) : expiry
        return Outcome(assertion: verified, trustedIdP: idp, replayKey: ReplayKey(issuer: idp.metadata.entityID, kind: .assertion, id: assertionID),
                       replayExpiry: replayUntil.addingTimeInterval(skew))
    }

    /// Every child of Conditions is one the SP understands (saml-core §2.5.1.5: otherwise the assertion is invalid);
    /// returns the AudienceRestrictions.
    /// - AudienceRestriction: each must name this SP (checked by the caller).
    /// - OneTimeUse (at most one): honoured by the replay cache, which refuses a second use of any assertion ID
    ///   until its validity ends, so every accepted assertion is used once.
    /// - ProxyRestriction (at most one): limits what a relying party that issues assertions of its own may do with
    ///   this one; the library never issues assertions, so it holds trivially. Its Count must be a non-negative
    ///   integer when present.
    /// - Anything else, a `saml:Condition` of any `xsi:type` included, is ``SAMLError/unknownCondition(_:)``.
    static func conditions(_ conditions: xmlNodePtr) throws -> [xmlNodePtr] {
        var restrictions: [xmlNodePtr] = []
        var oneTimeUse = false
        var proxyRestriction = false
        for child in XMLTree.children(conditions) {
            if XMLTree.isElement(child, NS.assertionURI, "AudienceRestriction") {
                restrictions.append(child)
            } else if XMLTree.isElement(child, NS.assertionURI, "OneTimeUse") {
                guard !oneTimeUse else { throw SAMLError.duplicateElement("OneTimeUse") }
                oneTimeUse = true
            } else if XMLTree.isElement(child, NS.assertionURI, "ProxyRestriction") {
                guard !proxyRestriction else { throw SAMLError.duplicateElement("ProxyRestriction") }
                proxyRestriction = true
                if let count = XMLTree.attribute(child, "Count") {
                    let digits = XMLTree.trimmed(count)
                    guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                        throw SAMLError.unknownCondition("ProxyRestriction Count=\(count)")
                    }
                }
            } else if XMLTree.isElement(child, NS.assertionURI, "Condition") {
                let type = xmlGetNsProp(child, "type", "http://www.w3.org/2001/XMLSchema-instance")
                defer { if let type { cxmlsec_free(type) } }
                throw SAMLError.unknownCondition(type.map { String(cString: $0) } ?? XMLTree.qualifiedName(child))
            } else {
                throw SAMLError.unknownCondition(XMLTree.qualifiedName(child))
            }
        }
        return restrictions
    }

    /// Checks one bearer SubjectConfirmation; returns its NotOnOrAfter.
    private func checkBearer(_ confirmation: xmlNodePtr) throws -> Date {
        guard let data = XMLTree.firstChild(confirmation, NS.assertionURI, "SubjectConfirmationData") else {
            throw SAMLError.subjectConfirmationMissingNotOnOrAfter
        }
        if XMLTree.attribute(data, "NotBefore") != nil { throw SAMLError.subjectConfirmationNotBefore }
        guard let notOnOrAfter = try time(data, "NotOnOrAfter") else { throw SAMLError.subjectConfirmationMissingNotOnOrAfter }
        guard notOnOrAfter > now.addingTimeInterval(-skew) else {
            throw SAMLError.subjectConfirmationExpired(notOnOrAfter: notOnOrAfter, now: now)
        }
        let recipient = XMLTree.attribute(data, "Recipient")
        guard let recipient, sp.assertionConsumerServiceURLs.contains(where: { URLMatching.matches(recipient, $0) }) else {
            throw SAMLError.recipientMismatch(expected: sp.assertionConsumerServiceURLs, found: recipient)
        }
        let inResponseTo = XMLTree.attribute(data, "InResponseTo")
        if let expectedRequestID {
            guard Exact.equal(inResponseTo, expectedRequestID) else { throw SAMLError.inResponseToMismatch(expected: expectedRequestID, found: inResponseTo) }
        } else if let inResponseTo, !sp.options.allowUnsolicitedSubjectConfirmationInResponseTo {
            // Unsolicited here, yet answering some request: another browser's login (login CSRF) unless the IdP is
            // known to do this (the named relaxation).
            throw SAMLError.inResponseToMismatch(expected: nil, found: inResponseTo)
        }
        return notOnOrAfter
    }
}

/// One pass over every element of a response: depth, IDs, the place of every Signature and Assertion.
struct StructureWalk {
    let assertion: xmlNodePtr
    private let ids: [String: xmlNodePtr]
    private let doc: XMLDocument
    var document: XMLDocument { doc }

    init(document doc: XMLDocument, root: xmlNodePtr, maxDepth: Int) throws {
        self.doc = doc
        var xmlIDFound = false
        var invalidID: String??
        var duplicate: String?
        var ids: [String: xmlNodePtr] = [:]
        var otherIDValues: [(String, xmlNodePtr)] = []
        var misplacedSignature: xmlNodePtr?
        var doubleSigned = false
        var nestedResponse: xmlNodePtr?
        var topLevel: [xmlNodePtr] = []
        var misplacedAssertion: xmlNodePtr?

        // Iterative pre-order walk with an explicit depth (no recursion: depth is attacker-controlled).
        var node: xmlNodePtr? = root
        var depth = 1
        while let current = node {
            if depth > maxDepth { throw SAMLError.documentTooDeep(limit: maxDepth) }
            // Attributes: xml:id anywhere; ID-like attributes remembered for collision checks.
            var attr = current.pointee.properties
            while let a = attr {
                let name = a.pointee.name
                if let ns = a.pointee.ns, let href = ns.pointee.href {
                    if xmlStrEqual(href, NS.xmlURI.utf8Start) != 0 && xmlStrEqual(name, "id") != 0 { xmlIDFound = true }
                } else if let name, xmlStrcasecmp(name, "id") == 0 {
                    otherIDValues.append((XMLTree.attributeValue(a), current))
                }
                attr = a.pointee.next
            }
            let kind = StructureWalk.kind(of: current)
            let isResponse = kind == .response
            let isAssertion = kind == .assertion
            if isResponse || isAssertion {
                if let value = XMLTree.attribute(current, "ID") {
                    if !RequestID.isNCName(value) { if invalidID == nil { invalidID = .some(value) } }
                    else if ids[value] != nil { if duplicate == nil { duplicate = value } }
                    else { ids[value] = current }
                } else if invalidID == nil {
                    invalidID = .some(nil)
                }
                if isResponse && current != root && nestedResponse == nil { nestedResponse = current }
            }
            if isAssertion || kind == .encryptedAssertion {
                if current.pointee.parent == root {
                    topLevel.append(current)
                } else if !StructureWalk.insideAdvice(current, root: root), misplacedAssertion == nil {
                    misplacedAssertion = current
                }
            }
            if kind == .signature {
                let parent = current.pointee.parent!
                let parentOK = XMLTree.isElement(parent, NS.protocolURI, "Response") || XMLTree.isElement(parent, NS.assertionURI, "Assertion")
                if !parentOK, misplacedSignature == nil { misplacedSignature = parent }
                // Counted once: after the first parent with two, no more sibling scans (linear in the document).
                if !doubleSigned, XMLTree.countChildren(parent, NS.dsigURI, "Signature") > 1 { doubleSigned = true }
            }
            // Next node in document order.
            if let child = XMLTree.firstElementChild(current) {
                node = child
                depth += 1
                continue
            }
            var climb: xmlNodePtr? = current
            node = nil
            while let c = climb, c != root {
                if let sibling = XMLTree.nextElementSibling(c) { node = sibling; break }
                climb = c.pointee.parent
                depth -= 1
            }
        }

        if xmlIDFound { throw SAMLError.xmlIDForbidden }
        if let invalidID { throw SAMLError.invalidID(invalidID) }
        if let duplicate { throw SAMLError.duplicateID(duplicate) }
        for (value, owner) in otherIDValues {
            // `Id`, `id` or a second `ID` elsewhere carrying a registered value: libxml2 or xmlsec could resolve it.
            if let registered = ids[value], registered != owner { throw SAMLError.duplicateID(value) }
        }
        if let misplacedSignature { throw SAMLError.signatureMisplaced(parent: XMLTree.qualifiedName(misplacedSignature)) }
        if doubleSigned { throw SAMLError.multipleSignatures }
        if let nestedResponse { throw SAMLError.unexpectedElement(XMLTree.qualifiedName(nestedResponse)) }
        if topLevel.isEmpty { throw SAMLError.missingAssertion }
        if topLevel.count > 1 { throw SAMLError.multipleAssertions(count: topLevel.count) }
        if let misplacedAssertion {
            throw SAMLError.assertionMisplaced(parent: misplacedAssertion.pointee.parent.map(XMLTree.qualifiedName) ?? "")
        }
        self.assertion = topLevel[0]
        self.ids = ids

        // Register exactly these IDs with libxml2, so that xmlsec resolves `#ID` to them and to nothing else.
        for (value, owner) in ids {
            guard let attr = xmlHasNsProp(owner, "ID", nil), xmlAddID(nil, doc.pointer, value, attr) != nil else {
                throw SAMLError.duplicateID(value)
            }
        }
    }

    /// The registered ID of a Response or Assertion.
    func id(of node: xmlNodePtr) -> String {
        XMLTree.attribute(node, "ID") ?? ""
    }

    /// `#id` resolves (through libxml2's ID table, as xmlsec resolves it) to exactly `node`.
    func checkReferenceResolves(_ id: String, to node: xmlNodePtr) throws {
        guard let attr = xmlGetID(doc.pointer, id), attr.pointee.parent == node else {
            throw SAMLError.referenceURIMismatch(expected: "#" + id, found: "#" + id)
        }
    }

    enum Kind { case response, assertion, encryptedAssertion, signature, other }

    /// What the walk looks for, with one name comparison per element: the first byte of the local name picks the
    /// only candidate, whose exact name and namespace are then compared (the same answer as `XMLTree.isElement`).
    @inline(__always)
    static func kind(of node: xmlNodePtr) -> Kind {
        guard node.pointee.type == XML_ELEMENT_NODE, let name = node.pointee.name else { return .other }
        switch name.pointee {
        case UInt8(ascii: "R"): return XMLTree.isElement(node, NS.protocolURI, "Response") ? .response : .other
        case UInt8(ascii: "A"): return XMLTree.isElement(node, NS.assertionURI, "Assertion") ? .assertion : .other
        case UInt8(ascii: "E"): return XMLTree.isElement(node, NS.assertionURI, "EncryptedAssertion") ? .encryptedAssertion : .other
        case UInt8(ascii: "S"): return XMLTree.isElement(node, NS.dsigURI, "Signature") ? .signature : .other
        default: return .other
        }
    }

    private static func insideAdvice(_ node: xmlNodePtr, root: xmlNodePtr) -> Bool {
        // Allowed: Response/Assertion/Advice/(Assertion/Advice/)*Assertion.
        var cur = node.pointee.parent
        var sawAdvice = false
        while let c = cur, c != root {
            if XMLTree.isElement(c, NS.assertionURI, "Advice") { sawAdvice = true }
            else if !XMLTree.isElement(c, NS.assertionURI, "Assertion") { return false }
            cur = c.pointee.parent
        }
        return sawAdvice
    }
}

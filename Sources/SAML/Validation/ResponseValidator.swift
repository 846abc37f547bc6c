import Foundation
internal import CXMLSec

/// One validation of one response: the ordered list of checks, each a named step in `Validation/Steps/` (README
/// "What is checked, in order" lists them with the same numbers). Synchronous; the signing-certificate check and the replay
/// cache (async) follow in ``ServiceProvider``.
struct ResponseValidator {
    let sp: ServiceProvider
    let now: Date
    let expectedRequestID: String?
    /// The entityID of the IdP the answered request was sent to: the response must come from exactly that IdP
    /// (``SAMLError/responseFromUnexpectedIdP(expected:found:)``). Nil when no request names one.
    let expectedIssuer: String?
    let relayState: String?
    let skew: TimeInterval

    init(serviceProvider: ServiceProvider, now: Date, expectedRequestID: String?, expectedIssuer: String? = nil, relayState: String?) {
        self.sp = serviceProvider
        self.now = now
        self.expectedRequestID = expectedRequestID
        self.expectedIssuer = expectedIssuer
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

    /// The SP's decryption keys, for EncryptedAssertion, EncryptedID and EncryptedAttribute.
    func decryptor() throws -> Decryptor {
        guard !sp.decryptionKeys.isEmpty else { throw SAMLError.encryptedAssertionNotSupported }
        return Decryptor(keys: sp.decryptionKeys, allowRSA1_5: sp.options.allowRSA1_5KeyTransport,
                         allowTripleDES: sp.options.allowTripleDES, limits: limits)
    }

    var limits: XMLParsingLimits { XMLParsingLimits(maxBytes: sp.options.maxResponseBytes, maxDepth: sp.options.maxDepth) }

    func validate(_ xml: [UInt8]) throws -> Outcome {
        // 1. The input: size, encoding, the secure parse (DOCTYPE refused). Depth is the walk's (step 4).
        let doc = try ParsedXML.parse(xml, limits: limits, checkDepth: false)
        return try doc.withRoot { try validate($0, in: doc, bytes: xml) }
    }

    private func validate(_ response: xmlNodePtr, in doc: ParsedXML, bytes: [UInt8]) throws -> Outcome {
        let options = sp.options
        let selection = IssuerSelection(sp: sp, now: now, expectedIssuer: expectedIssuer)
        try RootCheck.check(response)                                                                   // 2
        try StatusCheck.check(response)                                                                 // 3
        let structure = try StructureWalk(document: doc, root: response, profile: .response, maxDepth: options.maxDepth)  // 4
        let responseIssuer = try IssuerSelection.issuer(of: response)                                   // 5
        let responseSigned = try ResponseSignatureCheck.check(response, issuer: responseIssuer, walk: structure,  // 5
                                                              selection: selection, policy: sp.algorithmPolicy, options: options)
        return try AssertionDecryption.withAssertion(of: structure, decryptor: decryptor,                // 6
                                                     requireEncrypted: options.requireEncryptedAssertions,
                                                     maxDepth: options.maxDepth) { assertionStructure, assertion in
            let (idp, issuer) = try AssertionIssuerCheck.check(assertion, responseIssuer: responseIssuer,  // 7
                                                               selected: responseSigned?.idp, selection: selection)
            let assertionKey = try XMLTree.firstChild(assertion, NS.dsigURI, "Signature").map {         // 8
                try SignatureCheck.verify($0, of: assertion, walk: assertionStructure, keys: idp.keys, policy: sp.algorithmPolicy,
                                          allowEmptyURI: options.allowEmptyReferenceURI, minimumRSAKeyBits: options.minimumRSAKeyBits)
            }
            let signed = VerifiedAssertion.SignedParts(response: responseSigned != nil, assertion: assertionKey != nil)
            try SignatureRequirementCheck.check(signed, requirement: options.signatureRequirement)     // 9
            // The certificate of the Response's key when the Response is signed, else the Assertion's (one of them is:
            // step 9 demands at least one signature).
            guard let signingKey = responseSigned?.key ?? assertionKey else { throw SAMLError.signatureMissing(.responseOrAssertion) }
            try DestinationCheck.check(response, acsURLs: sp.assertionConsumerServiceURLs, responseSigned: signed.response)  // 10
            let inResponseTo = try InResponseToCheck.check(response, expectedRequestID: expectedRequestID,  // 11
                                                           allowUnsolicited: options.allowUnsolicitedResponses)
            try IssueInstantCheck.checkResponse(response)                                               // 12
            try IssueInstantCheck.checkAssertion(assertion)                                             // 13
            let assertionID = assertionStructure.id(of: assertion)
            let (subject, nameID) = try NameIDRead.read(assertion, decryptor: decryptor)                // 14
            let confirmationExpiry = try SubjectConfirmationCheck(                                      // 15
                acsURLs: sp.assertionConsumerServiceURLs, expectedRequestID: expectedRequestID,
                allowUnsolicitedInResponseTo: options.allowUnsolicitedSubjectConfirmationInResponseTo, now: now, skew: skew
            ).check(subject)
            let conditions = try ConditionsCheck.check(assertion, now: now, skew: skew)                 // 16
            let audiences = try AudienceCheck.check(conditions.audienceRestrictions, entityID: sp.entityID,  // 17
                                                    allowMissing: options.allowMissingAudienceRestriction)
            let authn = try AuthnStatementCheck.check(assertion, now: now, skew: skew)                  // 18
            let attributes = try AttributesRead.read(assertion, decryptor: decryptor)                   // 19

            let auditXML: AuditXML
            if assertionStructure.document === doc {
                // Read from the response itself: the audit XML is computed on first read from these bytes.
                auditXML = AuditXML(response: bytes, limits: limits, assertionID: assertionID)
            } else {
                guard let canonical = assertionStructure.document.canonicalXML(of: assertion) else {
                    throw SAMLError.signatureVerificationFailed(detail: "canonicalization of the assertion failed")
                }
                auditXML = AuditXML(computed: canonical)
            }
            let verified = VerifiedAssertion(
                issuer: issuer, assertionID: assertionID, nameID: nameID,
                sessionIndex: authn.sessionIndex, authnInstant: authn.authnInstant,
                authnContextClassRef: authn.classRef, sessionNotOnOrAfter: authn.sessionNotOnOrAfter,
                notBefore: conditions.notBefore, notOnOrAfter: conditions.notOnOrAfter, audiences: audiences, attributes: attributes,
                inResponseTo: inResponseTo, relayState: relayState, signed: signed,
                signingCertificate: signingKey.certificate, auditXML: auditXML)
            // Replays are refused until the later of the assertion's expiries (every accepted assertion has the
            // bearer confirmation's NotOnOrAfter, step 15), plus the skew.
            let replayUntil = max(conditions.notOnOrAfter ?? confirmationExpiry, confirmationExpiry)
            return Outcome(assertion: verified, trustedIdP: idp,
                           replayKey: ReplayKey(issuer: idp.metadata.entityID, kind: .assertion, id: assertionID),
                           replayExpiry: replayUntil.addingTimeInterval(skew))
        }
    }
}

import Foundation
import Testing
@testable import SAML

/// The named steps of `ResponseValidator` where a fixture alone does not say enough: the binding of a response to the
/// IdP the request went to, what `allowMissingAudienceRestriction` relaxes (and what it does not), the exact error of
/// a missing assertion IssueInstant, how long the replay cache remembers an assertion, and the logout profile of the
/// one `StructureWalk`.
@Suite("Validation steps")
struct ValidationStepTests {
    /// IdP A: another trusted IdP, with its own key. IdP B: the fixtures' issuer (keys/idp-rsa2048).
    static let idpA = "https://idp-a.example.test/saml"
    static let idpB = Fixtures.idpEntityID

    static func twoIdPs(options: ServiceProvider.Options = .init()) throws -> ServiceProvider {
        try Fixtures.serviceProvider(options: options, idps: [try Fixtures.identityProvider(certificates: ["idp-rsa2048-next"], entityID: idpA),
                                                               try Fixtures.identityProvider(certificates: ["idp-rsa2048"], entityID: idpB)])
    }

    static func validate(_ fixture: String, sp: ServiceProvider, expectedIssuer: String? = nil) throws -> ResponseValidator.Outcome {
        try ResponseValidator(serviceProvider: sp, now: Fixtures.now, expectedRequestID: Fixtures.requestID, expectedIssuer: expectedIssuer,
                              relayState: nil).validate(try Fixtures.bytes("responses/\(fixture)"))
    }

    // MARK: - Issuer binding (step 4)

    @Test(arguments: ["assertion-signed.xml", "response-signed.xml", "both-signed.xml"])
    func aResponseFromIdPBAnsweringARequestToIdPAIsRejected(_ fixture: String) throws {
        let sp = try Self.twoIdPs()
        #expect(throws: SAMLError.responseFromUnexpectedIdP(expected: Self.idpA, found: Self.idpB)) {
            _ = try Self.validate(fixture, sp: sp, expectedIssuer: Self.idpA)
        }
        // The same response answering a request that went to B is accepted; so is one with no IdP named.
        #expect(try Self.validate(fixture, sp: sp, expectedIssuer: Self.idpB).assertion.issuer == Self.idpB)
        #expect(try Self.validate(fixture, sp: sp).assertion.issuer == Self.idpB)
    }

    @Test func theBindingIsCheckedBeforeAnyKeyIsUsed() throws {
        // A response from B whose signature does not verify: refused for coming from B, before B's keys run.
        let sp = try Self.twoIdPs()
        #expect(throws: SAMLError.digestMismatch) { _ = try Self.validate("digestvalue-flipped.xml", sp: sp, expectedIssuer: Self.idpB) }
        #expect(throws: SAMLError.responseFromUnexpectedIdP(expected: Self.idpA, found: Self.idpB)) {
            _ = try Self.validate("digestvalue-flipped.xml", sp: sp, expectedIssuer: Self.idpA)
        }
    }

    @Test func theBindingIsExact() throws {
        // A look-alike of B's entityID (a trailing slash removed) is not B.
        let sp = try Self.twoIdPs()
        let lookAlike = String(Self.idpB.dropLast())
        #expect(throws: SAMLError.responseFromUnexpectedIdP(expected: lookAlike, found: Self.idpB)) {
            _ = try Self.validate("assertion-signed.xml", sp: sp, expectedIssuer: lookAlike)
        }
    }

    // MARK: - Conditions and audience (steps 16 and 17)

    static func allowingMissingAudience() throws -> ServiceProvider {
        var options = ServiceProvider.Options()
        options.allowMissingAudienceRestriction = true
        return try Fixtures.serviceProvider(options: options)
    }

    @Test func withoutTheOptionAMissingConditionsIsAMissingAudienceRestriction() throws {
        let sp = try Fixtures.serviceProvider()
        #expect(throws: SAMLError.missingAudienceRestriction) { _ = try Self.validate("no-conditions.xml", sp: sp) }
        #expect(throws: SAMLError.missingAudienceRestriction) { _ = try Self.validate("no-audience-restriction.xml", sp: sp) }
    }

    @Test func theOptionRelaxesOnlyTheAudienceRestriction() throws {
        let sp = try Self.allowingMissingAudience()
        // No Conditions at all: then there is no AudienceRestriction either, and that is what the option allows.
        let bare = try Self.validate("no-conditions.xml", sp: sp).assertion
        #expect(bare.audiences.isEmpty && bare.notBefore == nil && bare.notOnOrAfter == nil)
        // Conditions without an AudienceRestriction: its window is still checked and read.
        let windowOnly = try Self.validate("no-audience-restriction.xml", sp: sp).assertion
        #expect(windowOnly.audiences.isEmpty && windowOnly.notOnOrAfter != nil)
        // An AudienceRestriction that is present must still name the SP.
        let error = #expect(throws: SAMLError.self) { _ = try Self.validate("wrong-audience.xml", sp: sp) }
        #expect(error?.code == "audienceMismatch")
    }

    // MARK: - Assertion IssueInstant (step 13)

    @Test func aMissingAssertionIssueInstantIsAMissingAttribute() throws {
        #expect(throws: SAMLError.missingAttribute(element: "Assertion", attribute: "IssueInstant")) {
            _ = try Self.validate("assertion-issueinstant-missing.xml", sp: try Fixtures.serviceProvider())
        }
    }

    // MARK: - Replay expiry

    @Test func replaysAreRefusedUntilTheLaterExpiryPlusTheSkew() throws {
        let outcome = try Self.validate("assertion-signed.xml", sp: try Fixtures.serviceProvider())
        let assertion = outcome.assertion
        #expect(outcome.replayKey == ReplayKey(issuer: Fixtures.idpEntityID, kind: .assertion, id: assertion.assertionID))
        let conditionsEnd = try #require(assertion.notOnOrAfter)
        #expect(outcome.replayExpiry >= conditionsEnd.addingTimeInterval(180))
        // Without Conditions, the bearer confirmation's NotOnOrAfter (every accepted assertion has one) bounds it.
        let bare = try Self.validate("no-conditions.xml", sp: try Self.allowingMissingAudience())
        #expect(bare.replayExpiry > Fixtures.now && bare.replayExpiry <= Fixtures.now.addingTimeInterval(3600))
    }

    // MARK: - The C layer's detail

    @Test func aFailureKeepsEveryCMessage() throws {
        // A SignatureValue that is not base64: xmlsec fails deep in its transform chain and every caller on the way
        // out reports too. The detail keeps them all, the root cause first, not only the first one.
        let xml = String(decoding: try Fixtures.bytes("responses/assertion-signed.xml"), as: UTF8.self)
            .replacingOccurrences(of: "<ds:SignatureValue>J1s2", with: "<ds:SignatureValue>%%%%")
        let error = #expect(throws: SAMLError.self) {
            _ = try ResponseValidator(serviceProvider: try Fixtures.serviceProvider(), now: Fixtures.now, expectedRequestID: Fixtures.requestID,
                                      relayState: nil).validate(Array(xml.utf8))
        }
        guard case .signatureVerificationFailed(let detail)? = error else {
            Issue.record("expected signatureVerificationFailed, got \(String(describing: error))")
            return
        }
        #expect(detail.components(separatedBy: "; ").count > 1, "\(detail)")
        // The record is per call: the next failure starts from an empty one.
        CErrors.clear()
        #expect(CErrors.last() == "unknown error")
    }

    // MARK: - The logout profile of the one walk

    @Test func aSignatureInsideALogoutRequestIsMisplaced() async throws {
        let form = try LogoutTests.idpRequest().postForm(signingKey: Fixtures.signingKey("idp-rsa2048"))
        let xml = String(decoding: try Base64.decode(form.value), as: UTF8.self)
            .replacingOccurrences(of: "</samlp:SessionIndex>",
                                  with: "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/></samlp:SessionIndex>")
        await #expect(throws: SAMLError.signatureMisplaced(parent: "{\(NS.protocol)}SessionIndex")) {
            _ = try await LogoutTests.serviceProvider().validateLogoutRequest(.post(value: Base64.encode(Array(xml.utf8)), relayState: nil))
        }
    }

    @Test func anXMLIDInALogoutRequestIsRefused() async throws {
        let form = try LogoutTests.idpRequest().postForm(signingKey: Fixtures.signingKey("idp-rsa2048"))
        let xml = String(decoding: try Base64.decode(form.value), as: UTF8.self)
            .replacingOccurrences(of: "<samlp:SessionIndex>", with: "<samlp:SessionIndex xml:id=\"x\">")
        await #expect(throws: SAMLError.xmlIDForbidden) {
            _ = try await LogoutTests.serviceProvider().validateLogoutRequest(.post(value: Base64.encode(Array(xml.utf8)), relayState: nil))
        }
    }
}

import Foundation
import Testing
@testable import SAML
import SAMLTesting

/// Keys over time, several IdPs, replay, and the exact edges of the clock-skew window.
@Suite("Trust: key rollover, many IdPs, replay, time edges")
struct TrustTests {
    static func response(_ name: String) throws -> [UInt8] { try Fixtures.bytes("responses/\(name).xml") }

    @Test func rolloverAcceptsEitherPublishedKey() async throws {
        let both = try Fixtures.serviceProvider(certificates: ["idp-rsa2048", "idp-rsa2048-next"])
        let byNext = try await both.validate(responseXML: Self.response("signed-by-next-key"), expectedRequestID: Fixtures.requestID)
        #expect(byNext.signingCertificate == (try Fixtures.certificate("idp-rsa2048-next")))
        // (Both fixtures carry the same assertion ID: a second SP instance, else the replay cache refuses it.)
        let byCurrent = try await Fixtures.serviceProvider(certificates: ["idp-rsa2048", "idp-rsa2048-next"]).validate(responseXML: Self.response("assertion-signed"), expectedRequestID: Fixtures.requestID)
        #expect(byCurrent.signingCertificate == (try Fixtures.certificate("idp-rsa2048")))
    }

    @Test func aCertificateRemovedFromMetadataIsNoLongerTrusted() async throws {
        let onlyNext = try Fixtures.serviceProvider(certificates: ["idp-rsa2048-next"])
        await #expect(throws: SAMLError.signatureInvalid) {
            _ = try await onlyNext.validate(responseXML: Self.response("assertion-signed"), expectedRequestID: Fixtures.requestID)
        }
    }

    @Test func theIssuerSelectsTheIdPAndOnlyItsKeys() async throws {
        // IdP B publishes the key that really signed; the response claims IdP A, whose metadata has another key.
        let idpA = IdPMetadata(entityID: Fixtures.idpEntityID, signingCertificates: [try Fixtures.certificate("attacker-rsa2048")])
        let idpB = IdPMetadata(entityID: "https://idp-b.example.test/", signingCertificates: [try Fixtures.certificate("idp-rsa2048")])
        let sp = try Fixtures.serviceProvider(idps: [idpA, idpB])
        await #expect(throws: SAMLError.signatureInvalid) {
            _ = try await sp.validate(responseXML: Self.response("assertion-signed"), expectedRequestID: Fixtures.requestID)
        }
        // With A's real key among several IdPs it passes; an issuer nobody trusts is unknownIssuer.
        let realA = IdPMetadata(entityID: Fixtures.idpEntityID, signingCertificates: [try Fixtures.certificate("idp-rsa2048")])
        let multi = try Fixtures.serviceProvider(idps: [idpB, realA])
        _ = try await multi.validate(responseXML: Self.response("assertion-signed"), expectedRequestID: Fixtures.requestID)
        let stranger = try Fixtures.serviceProvider(idps: [idpB, IdPMetadata(entityID: "https://idp-c.example.test/", signingCertificates: [try Fixtures.certificate("idp-ec256")])])
        await #expect(throws: SAMLError.unknownIssuer(Fixtures.idpEntityID)) {
            _ = try await stranger.validate(responseXML: Self.response("assertion-signed"), expectedRequestID: Fixtures.requestID)
        }
    }

    @Test func replayIsRefusedAcrossCallsAndConcurrently() async throws {
        let sp = try Fixtures.serviceProvider()
        let xml = try Self.response("assertion-signed")
        // Ten concurrent submissions of the same response: exactly one is accepted.
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do { _ = try await sp.validate(responseXML: xml, expectedRequestID: Fixtures.requestID); return "ok" }
                    catch let error as SAMLError { return error.code } catch { return "\(error)" }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == "ok" }.count == 1)
        #expect(outcomes.filter { $0 == "replayDetected" }.count == 9)
    }

    @Test func replayCacheIsBoundedAndForgetsExpiredEntries() async throws {
        let clock = MovableClock(Fixtures.now)
        let cache = InMemoryReplayCache(capacity: 2, clock: clock)
        #expect(try await cache.insertIfAbsent(ReplayKey(issuer: "idp", kind: .assertion, id: "a"), expiresAt: Fixtures.now.addingTimeInterval(60)))
        #expect(try await cache.insertIfAbsent(ReplayKey(issuer: "idp", kind: .assertion, id: "b"), expiresAt: Fixtures.now.addingTimeInterval(120)))
        #expect(try await !cache.insertIfAbsent(ReplayKey(issuer: "idp", kind: .assertion, id: "a"), expiresAt: Fixtures.now.addingTimeInterval(60)))
        await #expect(throws: SAMLError.replayCacheFull) { _ = try await cache.insertIfAbsent(ReplayKey(issuer: "idp", kind: .assertion, id: "c"), expiresAt: Fixtures.now.addingTimeInterval(60)) }
        clock.advance(by: 61)  // "a" expired: room again, and "a" may come back
        #expect(try await cache.insertIfAbsent(ReplayKey(issuer: "idp", kind: .assertion, id: "c"), expiresAt: Fixtures.now.addingTimeInterval(200)))
        #expect(await cache.count == 2)
    }

    // The base response: Conditions NotBefore 11:55:00, NotOnOrAfter 13:00:00; SubjectConfirmationData NotOnOrAfter 12:05:00.
    static let notBefore = XSDateTime.parseOrNil("2026-12-01T11:55:00Z")!
    static let confirmationEnd = XSDateTime.parseOrNil("2026-12-01T12:05:00Z")!

    static func validate(at instant: Date, skew: TimeInterval) async throws {
        var options = ServiceProvider.Options()
        options.clockSkew = skew
        let sp = try Fixtures.serviceProvider(options: options, clock: FixedClock(instant))
        _ = try await sp.validate(responseXML: response("assertion-signed"), expectedRequestID: Fixtures.requestID)
    }

    @Test func skewEdges() async throws {
        // NotBefore ≤ now + skew: exactly at the edge passes, one second earlier fails.
        try await Self.validate(at: Self.notBefore.addingTimeInterval(-180), skew: 180)
        let early = Self.notBefore.addingTimeInterval(-181)
        await #expect(throws: SAMLError.assertionNotYetValid(notBefore: Self.notBefore, now: early)) { try await Self.validate(at: early, skew: 180) }
        // NotOnOrAfter > now − skew: one second before the edge passes, exactly at it fails.
        try await Self.validate(at: Self.confirmationEnd.addingTimeInterval(179), skew: 180)
        let late = Self.confirmationEnd.addingTimeInterval(180)
        await #expect(throws: SAMLError.subjectConfirmationExpired(notOnOrAfter: Self.confirmationEnd, now: late)) { try await Self.validate(at: late, skew: 180) }
        // With no skew the windows are exact.
        await #expect(throws: SAMLError.subjectConfirmationExpired(notOnOrAfter: Self.confirmationEnd, now: Self.confirmationEnd)) {
            try await Self.validate(at: Self.confirmationEnd, skew: 0)
        }
    }

    @Test func oversizeAndBadBase64AreRefusedBeforeParsing() async throws {
        var options = ServiceProvider.Options()
        options.maxResponseBytes = 4096
        let sp = try Fixtures.serviceProvider(options: options)
        let big = Base64.encode(try Self.response("large-14k"))
        // Refused from the base64 length (3 bytes per 4 characters), before anything is decoded.
        await #expect(throws: SAMLError.inputTooLarge(limit: 4096, size: big.utf8.count * 3 / 4)) {
            _ = try await sp.validate(samlResponse: big, expectedRequestID: Fixtures.requestID)
        }
        await #expect(throws: SAMLError.invalidBase64) { _ = try await sp.validate(samlResponse: "PHNhbWxwOl!!", expectedRequestID: nil) }
        await #expect(throws: SAMLError.emptyInput) { _ = try await sp.validate(samlResponse: "", expectedRequestID: nil) }
    }

    @Test func everythingReadComesFromTheVerifiedAssertion() async throws {
        let sp = try Fixtures.serviceProvider()
        let a = try await sp.validate(responseXML: Self.response("assertion-signed"), relayState: "/x", expectedRequestID: Fixtures.requestID)
        #expect(a.issuer == Fixtures.idpEntityID && a.nameID.format == .emailAddress)
        #expect(a.audiences == [Fixtures.spEntityID] && a.relayState == "/x" && a.inResponseTo == Fixtures.requestID)
        #expect(a.signed == .init(response: false, assertion: true))
        #expect(a.values(of: "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups").count == 10)
        #expect(a.authnContextClassRef == AuthnContextClass.passwordProtectedTransport.rawValue)
        #expect(a.sessionIndex != nil && a.sessionNotOnOrAfter != nil)
        // The canonical XML is the exclusive c14n of the assertion: it re-parses to the same assertion ID.
        let doc = try ParsedXML.parse(Array(a.canonicalXML.utf8), limits: .messages)
        #expect(doc.withRoot { XMLTree.attribute($0, "ID") } == a.assertionID)
    }
}

import Foundation
import Testing
@testable import SAML
import SAMLTesting

/// Issue 12 §1–3: one configuration, request tracking bound to the IdP asked, the login coordinator and the runtime.
/// Responses are signed in the test by `SAMLTesting.ResponseBuilder` with the fixture IdP keys, answering the request
/// IDs the coordinator generated.
@Suite("Configuration, request tracking, login coordinator, runtime")
struct LoginTests {
    static let spEntityID = "https://app.example.test/saml/metadata"
    static let acs = "https://app.example.test/saml/acs"
    static let slo = "https://app.example.test/saml/slo"
    static let idpA = "https://idp-a.example.test/saml"
    static let idpB = "https://idp-b.example.test/saml"

    /// IdP metadata for `entityID` with the fixture key `key`'s certificate and both SSO bindings (or `bindings`).
    static func idpMetadataXML(_ entityID: String, key: String, wantSigned: Bool = false,
                               bindings: [Binding] = [.httpRedirect, .httpPOST], validUntil: Date? = nil, cacheDuration: String? = nil) throws -> [UInt8] {
        let certificate = try Fixtures.certificate(key).base64
        var x = "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"\(entityID)\""
        if let validUntil { x += " validUntil=\"\(XSDateTime.format(validUntil))\"" }
        if let cacheDuration { x += " cacheDuration=\"\(cacheDuration)\"" }
        x += "><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\" WantAuthnRequestsSigned=\"\(wantSigned)\">"
        x += "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(certificate)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        x += "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"\(entityID)/slo\"/>"
        for binding in bindings { x += "<md:SingleSignOnService Binding=\"\(binding.rawValue)\" Location=\"\(entityID)/sso\"/>" }
        return Array((x + "</md:IDPSSODescriptor></md:EntityDescriptor>").utf8)
    }

    static func configuration(signed: Bool = true, options: ServiceProvider.Options = .init(),
                              binding: Binding = .httpRedirect) throws -> ServiceProviderConfiguration {
        try ServiceProviderConfiguration(entityID: spEntityID, assertionConsumerServiceURL: acs, singleLogoutServiceURL: slo,
                                         signingKey: signed ? Fixtures.signingKey("sp-rsa2048") : nil, authnRequestBinding: binding,
                                         options: options)
    }

    static func runtime(options: ServiceProvider.Options = .init(), clock: any SAMLClock = FixedClock(Fixtures.now),
                        sources: [ServiceProviderRuntime.IdentityProviderSource]? = nil,
                        archive: (any IdPMetadataArchive)? = nil) throws -> ServiceProviderRuntime {
        let sources = try sources ?? [
            .document(try idpMetadataXML(idpA, key: "idp-rsa2048"), name: "a"),
            .document(try idpMetadataXML(idpB, key: "idp-rsa2048-next"), name: "b"),
        ]
        return try ServiceProviderRuntime(configuration: configuration(options: options), identityProviders: sources, clock: clock,
                                          metadataArchive: archive)
    }

    static func response(from issuer: String, key: String, answering requestID: String?, now: Date = Fixtures.now,
                         lifetime: TimeInterval = 300) throws -> String {
        var builder = ResponseBuilder(issuer: issuer, audience: spEntityID, acsURL: acs, now: now)
        builder.inResponseTo = requestID
        builder.lifetime = lifetime
        return try builder.samlResponse(signingAssertionWith: Fixtures.signingKey(key))
    }

    // MARK: - One configuration

    @Test func metadataSaysWhatTheValidatorEnforces() throws {
        var options = ServiceProvider.Options()
        for (requirement, wants) in [(ServiceProvider.SignatureRequirement.assertionOrResponse, false), (.response, false), (.assertion, true), (.both, true)] {
            options.signatureRequirement = requirement
            let configuration = try Self.configuration(options: options)
            #expect(configuration.metadata.wantAssertionsSigned == wants)
            #expect(try configuration.metadataXML().contains("WantAssertionsSigned=\"\(wants)\""))
            #expect(try configuration.serviceProvider(identityProviders: [Fixtures.identityProvider()]).options.signatureRequirement == requirement)
        }
        #expect(try Self.configuration(signed: true).metadata.authnRequestsSigned)
        #expect(try !Self.configuration(signed: false).metadata.authnRequestsSigned)
        let sp = try Self.configuration().serviceProvider(identityProviders: [Fixtures.identityProvider()])
        #expect(sp.assertionConsumerServiceURLs == [Self.acs] && sp.singleLogoutServiceURLs == [Self.slo])
    }

    @Test func anUnsignedRequestToAnIdPThatWantsSignedOnesIsRefusedWhenBuilt() throws {
        let idp = try IdPMetadata(xml: Self.idpMetadataXML(Self.idpA, key: "idp-rsa2048", wantSigned: true))
        #expect(throws: SAMLError.unsignedRequestRefused(identityProvider: Self.idpA)) {
            _ = try Self.configuration(signed: false).authnRequest(to: idp, relayState: "r")
        }
        #expect(throws: SAMLError.unsignedRequestRefused(identityProvider: Self.idpA)) {
            _ = try Self.configuration(signed: false).logoutRequest(to: idp, nameID: .init(value: "u"), sessionIndexes: [], relayState: nil)
        }
        // With a key, the request is signed, as the metadata promises.
        guard case .redirect(let url) = try Self.configuration().authnRequest(to: idp, relayState: "r").delivery else {
            Issue.record("expected the Redirect binding")
            return
        }
        #expect(url.contains("&SigAlg=") && url.contains("&Signature="))
    }

    @Test func theBindingFallsBackToTheOneTheIdPOffers() throws {
        let postOnly = try IdPMetadata(xml: Self.idpMetadataXML(Self.idpA, key: "idp-rsa2048", bindings: [.httpPOST]))
        guard case .post(let form) = try Self.configuration().authnRequest(to: postOnly, relayState: "r").delivery else {
            Issue.record("expected the POST binding")
            return
        }
        #expect(form.action == Self.idpA + "/sso" && form.relayState == "r")
        #expect(form.contentSecurityPolicy.contains("script-src 'sha256-") && form.contentSecurityPolicy.contains("form-action https://idp-a.example.test"))
        #expect(form.html.contains("<script>\(PostForm.submitScript)</script>") && !form.html.contains("onload"))
    }

    // MARK: - Return paths and RelayState

    static let returnPaths: [(String?, String)] = [
        ("/reports?q=1#top", "/reports?q=1#top"), (nil, "/"), ("", "/"), ("reports", "/"),
        ("//evil.example", "/"), ("/\\evil.example", "/"), ("https://evil.example/", "/"), ("/ok\\..\\x", "/"),
        ("/a\r\nSet-Cookie: x=1", "/"), ("/a b", "/"), ("/caf\u{E9}", "/"), ("/\u{FF0F}evil.example", "/"),
        ("\t/x", "/"), ("javascript:alert(1)", "/"), ("/" + String(repeating: "a", count: 3000), "/"),
    ]

    @Test(arguments: returnPaths)
    func returnPathsAreLocal(_ candidate: String?, _ expected: String) {
        #expect(ReturnPath.local(candidate) == expected)
    }

    @Test func relayStatesAreOpaqueAndUnique() {
        var seen: Set<String> = []
        for _ in 0..<1000 {
            let value = RelayState.generate()
            #expect(value.utf8.count == 22)
            #expect(value.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D || $0 == 0x5F })
            seen.insert(value)
        }
        #expect(seen.count == 1000)
    }

    // MARK: - The request store

    static func pending(_ relayState: String, expiresAt: Date) -> PendingRequest {
        PendingRequest(relayState: relayState, requestID: "_req", identityProvider: idpA, returnTo: "//evil", expiresAt: expiresAt)
    }

    @Test func requestsAreTakenOnceAndExpire() async throws {
        let clock = SAMLTesting.MovableClock(Fixtures.now)
        let store = InMemoryAuthnRequestStore(capacity: 2, clock: clock)
        try await store.put(Self.pending("a", expiresAt: Fixtures.now.addingTimeInterval(60)))
        try await store.put(Self.pending("b", expiresAt: Fixtures.now.addingTimeInterval(600)))
        await #expect(throws: SAMLError.requestStoreFull) { try await store.put(Self.pending("c", expiresAt: Fixtures.now.addingTimeInterval(60))) }
        let taken = try await store.take(relayState: "a")
        #expect(taken?.requestID == "_req" && taken?.returnTo == "/")   // the return path was checked on the way in
        #expect(try await store.take(relayState: "a") == nil)
        clock.advance(by: 601)
        #expect(try await store.take(relayState: "b") == nil)         // expired
        try await store.put(Self.pending("c", expiresAt: clock.now().addingTimeInterval(60)))
        #expect(try await store.take(relayState: "\u{212A}") == nil)
    }

    @Test func sixtyFourTakesOfOneRequestGiveItOnce() async throws {
        let store = InMemoryAuthnRequestStore(clock: FixedClock(Fixtures.now))
        try await store.put(Self.pending("once", expiresAt: Fixtures.now.addingTimeInterval(60)))
        let winners = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<64 { group.addTask { (try? await store.take(relayState: "once")) == nil ? 0 : 1 } }
            return await group.reduce(0, +)
        }
        #expect(winners == 1)
    }

    // MARK: - The coordinator

    @Test func spInitiatedLoginRoundTrip() async throws {
        let runtime = try Self.runtime()
        let start = try await runtime.coordinator.begin(identityProvider: Self.idpA, returnTo: "/reports")
        guard case .redirect(let url) = start.delivery else { Issue.record("expected Redirect"); return }
        #expect(url.hasPrefix(Self.idpA + "/sso?SAMLRequest=") && url.contains("RelayState=\(start.relayState)"))
        let body = try Self.response(from: Self.idpA, key: "idp-rsa2048", answering: start.requestID)
        let login = try await runtime.coordinator.complete(samlResponse: body, relayState: start.relayState)
        #expect(login.assertion.issuer == Self.idpA && login.returnTo == "/reports" && login.request?.requestID == start.requestID)
        // The pending request answered once: the same response again has nothing to answer.
        await #expect(throws: SAMLError.inResponseToMismatch(expected: nil, found: start.requestID)) {
            _ = try await runtime.coordinator.complete(samlResponse: body, relayState: start.relayState)
        }
    }

    @Test func aResponseFromAnotherIdPThanTheOneAskedIsRejected() async throws {
        let runtime = try Self.runtime()
        let start = try await runtime.coordinator.begin(identityProvider: Self.idpA, returnTo: "/")
        // IdP B is trusted too, and signs correctly with its own key — but the request went to A.
        let body = try Self.response(from: Self.idpB, key: "idp-rsa2048-next", answering: start.requestID)
        await #expect(throws: SAMLError.responseFromUnexpectedIdP(expected: Self.idpA, found: Self.idpB)) {
            _ = try await runtime.coordinator.complete(samlResponse: body, relayState: start.relayState)
        }
    }

    @Test func idpInitiatedNeedsTheOptionAndUsesOnlyALocalRelayState() async throws {
        let body = try Self.response(from: Self.idpA, key: "idp-rsa2048", answering: nil)
        await #expect(throws: SAMLError.unsolicitedResponse) {
            _ = try await Self.runtime().coordinator.complete(samlResponse: body, relayState: "/deep/link")
        }
        var options = ServiceProvider.Options()
        options.allowUnsolicitedResponses = true
        let login = try await Self.runtime(options: options).coordinator.complete(samlResponse: body, relayState: "/deep/link")
        #expect(login.request == nil && login.returnTo == "/deep/link")
        let other = try Self.response(from: Self.idpA, key: "idp-rsa2048", answering: nil)
        #expect(try await Self.runtime(options: options).coordinator.complete(samlResponse: other, relayState: "https://evil.example/").returnTo == "/")
    }

    @Test func anExpiredRequestIsNotAnswered() async throws {
        let clock = SAMLTesting.MovableClock(Fixtures.now)
        let runtime = try Self.runtime(clock: clock)
        let start = try await runtime.coordinator.begin(identityProvider: Self.idpA)
        clock.advance(by: runtime.requestLifetime + 1)
        let body = try Self.response(from: Self.idpA, key: "idp-rsa2048", answering: start.requestID, now: clock.now())
        await #expect(throws: SAMLError.inResponseToMismatch(expected: nil, found: start.requestID)) {
            _ = try await runtime.coordinator.complete(samlResponse: body, relayState: start.relayState)
        }
    }

    @Test func beginNamesTheIdPWhenThereAreSeveral() async throws {
        let runtime = try Self.runtime()
        await #expect(throws: SAMLError.invalidConfiguration("2 IdPs are trusted: name the one to sign in with")) {
            _ = try await runtime.coordinator.begin()
        }
        await #expect(throws: SAMLError.unknownIdentityProvider("https://idp-\u{212A}.example.test/saml")) {
            _ = try await runtime.coordinator.begin(identityProvider: "https://idp-\u{212A}.example.test/saml")
        }
    }

    // MARK: - The runtime

    @Test func theEntityIDIsLearnedAndStatusReportsCertificates() async throws {
        let runtime = try Self.runtime()
        let status = await runtime.status()
        #expect(status.identityProviders.map(\.entityID) == [Self.idpA, Self.idpB])
        let certificate = try #require(status.identityProviders.first?.certificates.first)
        #expect(certificate.summary?.subject.isEmpty == false)
        #expect(certificate.daysToExpiry == certificate.summary.map { Int(($0.notAfter.timeIntervalSince(Fixtures.now) / 86_400).rounded(.down)) })
        #expect(status.identityProviders.allSatisfy { $0.lastError == nil && $0.metadata != nil })
    }

    struct Unreachable: Error {}

    @Test func aRestartWithTheIdPUnreachableUsesTheArchive() async throws {
        let archive = InMemoryIdPMetadataArchive()
        let document = try Self.idpMetadataXML(Self.idpA, key: "idp-rsa2048")
        let first = try Self.runtime(sources: [.document(document, name: "a")], archive: archive)
        _ = try await first.serviceProvider()
        #expect(try await archive.load().map(\.entityID) == [Self.idpA])
        // The next start cannot reach the IdP: the archived document is checked again and used.
        let unreachable = ServiceProviderRuntime.IdentityProviderSource(name: "a") { throw Unreachable() }
        let second = try Self.runtime(sources: [unreachable], archive: archive)
        let sp = try await second.serviceProvider()
        #expect(sp.trustedIdentityProviders.map(\.entityID) == [Self.idpA])
        let status = await second.status()
        #expect(status.identityProviders.first?.lastError?.code == "invalidConfiguration")
        // Without an archive there is nothing to sign in with: a server-side condition, not a verdict on a user.
        await #expect(throws: SAMLError.noIdentityProvider) { _ = try await Self.runtime(sources: [unreachable]).serviceProvider() }
    }

    @Test func anArchivedDocumentPastValidUntilIsNotTrusted() async throws {
        let archive = InMemoryIdPMetadataArchive()
        let expired = try Self.idpMetadataXML(Self.idpA, key: "idp-rsa2048", validUntil: Fixtures.now.addingTimeInterval(-60))
        try await archive.save(ArchivedIdPMetadata(source: "a", entityID: Self.idpA, xml: expired, savedAt: Fixtures.now))
        let unreachable = ServiceProviderRuntime.IdentityProviderSource(name: "a") { throw Unreachable() }
        await #expect(throws: SAMLError.noIdentityProvider) { _ = try await Self.runtime(sources: [unreachable], archive: archive).serviceProvider() }
    }

    @Test func aRefreshRebuildsTheValidatorAndKeepsTheReplayCache() async throws {
        let clock = SAMLTesting.MovableClock(Fixtures.now)
        let rollover = RolloverSource(first: try Self.idpMetadataXML(Self.idpA, key: "idp-rsa2048", cacheDuration: "PT1H"),
                                      then: try Self.idpMetadataXML(Self.idpA, key: "idp-rsa2048-next", cacheDuration: "PT1H"))
        var options = ServiceProvider.Options()
        options.allowUnsolicitedResponses = true
        let runtime = try Self.runtime(options: options, clock: clock, sources: [.init(name: "a", fetch: { await rollover.next() })])
        // Valid for two hours, so that its replay entry outlives the refresh below.
        let old = try Self.response(from: Self.idpA, key: "idp-rsa2048", answering: nil, lifetime: 7200)
        _ = try await runtime.coordinator.complete(samlResponse: old, relayState: nil)
        clock.advance(by: 3601)
        await runtime.refresh()
        // The new key verifies; the old one no longer does; the assertion accepted before is still remembered.
        let new = try Self.response(from: Self.idpA, key: "idp-rsa2048-next", answering: nil, now: clock.now())
        _ = try await runtime.coordinator.complete(samlResponse: new, relayState: nil)
        let stale = try Self.response(from: Self.idpA, key: "idp-rsa2048", answering: nil, now: clock.now())
        await #expect(throws: SAMLError.signatureInvalid) { _ = try await runtime.coordinator.complete(samlResponse: stale, relayState: nil) }
        #expect(try await !runtime.replayCache.insertIfAbsent(ReplayKey(issuer: Self.idpA, kind: .assertion, id: try Self.assertionID(old)),
                                                             expiresAt: clock.now().addingTimeInterval(60)))
    }

    static func assertionID(_ samlResponse: String) throws -> String {
        let xml = String(decoding: try Base64.decode(samlResponse), as: UTF8.self)
        guard let range = xml.range(of: "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"") else { return "" }
        return String(xml[range.upperBound...].prefix { $0 != "\"" })
    }

    actor RolloverSource {
        let first: [UInt8]
        let then: [UInt8]
        var calls = 0
        init(first: [UInt8], then: [UInt8]) { self.first = first; self.then = then }
        func next() -> [UInt8] {
            calls += 1
            return calls == 1 ? first : then
        }
    }

    @Test func aSessionIsCappedBySessionNotOnOrAfter() async throws {
        var builder = ResponseBuilder(issuer: Self.idpA, audience: Self.spEntityID, acsURL: Self.acs, now: Fixtures.now)
        builder.sessionNotOnOrAfter = Fixtures.now.addingTimeInterval(1800)
        var options = ServiceProvider.Options()
        options.allowUnsolicitedResponses = true
        let login = try await Self.runtime(options: options).coordinator.complete(
            samlResponse: try builder.samlResponse(signingAssertionWith: Fixtures.signingKey("idp-rsa2048")), relayState: nil)
        let session = SAMLSession(assertion: login.assertion, uid: "b.simon", lifetime: 8 * 3600, now: Fixtures.now)
        #expect(session.expiresAt == Fixtures.now.addingTimeInterval(1800) && session.sessionIndex == "_session-1")
        let decoded = try JSONDecoder().decode(SAMLSession.self, from: try JSONEncoder().encode(session))
        #expect(decoded == session && decoded.isValid(at: Fixtures.now) && !decoded.isValid(at: Fixtures.now.addingTimeInterval(1800)))
    }

    // MARK: - The single-logout index

    @Test func anIdPLogoutEndsExactlyTheSessionsItNames() async throws {
        let clock = SAMLTesting.MovableClock(Fixtures.now)
        let index = InMemorySessionIndexStore(clock: clock)
        let until = Fixtures.now.addingTimeInterval(3600)
        try await index.record(SessionIndexEntry(issuer: Self.idpA, nameID: "b.simon", sessionIndex: "s1", sessionID: "app-1", expiresAt: until))
        try await index.record(SessionIndexEntry(issuer: Self.idpA, nameID: "b.simon", sessionIndex: "s2", sessionID: "app-2", expiresAt: until))
        try await index.record(SessionIndexEntry(issuer: Self.idpB, nameID: "b.simon", sessionIndex: "s1", sessionID: "app-3", expiresAt: until))
        try await index.record(SessionIndexEntry(issuer: Self.idpA, nameID: "\u{212A}.simon", sessionIndex: "s1", sessionID: "app-4", expiresAt: until))
        // A SessionIndex names one session; another IdP's or a look-alike NameID's sessions are untouched.
        #expect(try await index.endSessions(issuer: Self.idpA, nameID: "b.simon", sessionIndexes: ["s1"]) == ["app-1"])
        #expect(try await index.endSessions(issuer: Self.idpA, nameID: "b.simon", sessionIndexes: ["s1"]) == [])
        // No SessionIndex: every session of that NameID at that IdP.
        try await index.record(SessionIndexEntry(issuer: Self.idpA, nameID: "b.simon", sessionIndex: nil, sessionID: "app-5", expiresAt: until))
        #expect(try await index.endSessions(issuer: Self.idpA, nameID: "b.simon", sessionIndexes: []) == ["app-2", "app-5"])
        try await index.remove(sessionID: "app-3")
        #expect(try await index.endSessions(issuer: Self.idpB, nameID: "b.simon", sessionIndexes: []) == [])
        clock.advance(by: 3601)
        #expect(try await index.endSessions(issuer: Self.idpA, nameID: "\u{212A}.simon", sessionIndexes: []) == [])
    }
}

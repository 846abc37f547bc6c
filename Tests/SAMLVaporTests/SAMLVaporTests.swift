#if Vapor
import Foundation
import SAML
import SAMLTesting
import SAMLVapor
import SAMLWebTestSupport
import XCTVapor

/// Issue 13, SAMLVapor: every route in process (XCTVapor) over the fixture IdP: the cases of the SAMLHummingbird
/// suite, through Vapor.
final class SAMLVaporTests: XCTestCase {
    struct User: Codable, Sendable, Equatable, Authenticatable { var name: String }

    /// The app under test: the SAML routes under /saml and /me behind the authenticator.
    final class Harness: @unchecked Sendable {
        let app: Application
        let runtime: ServiceProviderRuntime
        let log = LogSink()
        let signedOut = LockedBox<[String]>([])
        let refresh: SAMLMetadataRefreshHandler?

        init(binding: Binding = .httpPOST, sources: [ServiceProviderRuntime.IdentityProviderSource]? = nil,
             index: (any SessionIndexStore)? = nil, requestStore: (any AuthnRequestStore)? = nil,
             clock: (any SAMLClock)? = nil, refreshInterval: Duration? = nil, allowUnsolicited: Bool = false) async throws {
            let clock = clock ?? FixedClock(WebFixtures.now)
            let sources = try sources ?? [.document(try WebFixtures.idpMetadata(), name: "a")]
            var options = ServiceProvider.Options()
            options.allowUnsolicitedResponses = allowUnsolicited
            let configuration = try WebFixtures.configuration(binding: binding, options: options)
            runtime = try ServiceProviderRuntime(configuration: configuration, identityProviders: sources,
                                                 clock: clock, requestStore: requestStore)
            app = try await Application.make(.testing)
            let sessions = SAMLVaporSessions<User>()
            let signedOut = self.signedOut
            let routes = SAMLVaporRoutes<User>(runtime: runtime, sessions: sessions, sessionIndex: index ?? InMemorySessionIndexStore(clock: clock),
                                               logger: log.logger, onSignOut: { ids in signedOut.withLockedValue { $0 += ids } }) { login, _ in
                User(name: login.assertion.nameID.value)
            }
            try app.group("saml") { try $0.register(collection: routes) }
            app.grouped(SAMLVaporAuthenticator<User>(sessions: sessions, clock: clock)).get("me") { request in
                try request.auth.require(User.self).name
            }
            if let refreshInterval {
                let handler = SAMLMetadataRefreshHandler(runtime: runtime, interval: refreshInterval)
                app.lifecycle.use(handler)
                refresh = handler
            } else {
                refresh = nil
            }
        }

        func shutdown() async throws { try await app.asyncShutdown() }

        func get(_ path: String, cookie: String? = nil) async throws -> XCTHTTPResponse {
            var headers = HTTPHeaders()
            if let cookie { headers.add(name: .cookie, value: cookie) }
            return try await app.sendRequest(.GET, path, headers: headers)
        }

        func post(_ path: String, _ fields: [(String, String)], cookie: String? = nil) async throws -> XCTHTTPResponse {
            try await post(path, raw: WebFixtures.formBody(fields), cookie: cookie)
        }

        func post(_ path: String, raw: String, cookie: String? = nil) async throws -> XCTHTTPResponse {
            var headers = HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded")])
            if let cookie { headers.add(name: .cookie, value: cookie) }
            return try await app.sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: raw))
        }

        /// Begins a login (POST binding): the AuthnRequest ID and RelayState.
        func begin(returnTo: String) async throws -> (id: String, relayState: String) {
            let response = try await get("/saml/login?returnTo=\(WebFixtures.queryValue(returnTo))")
            XCTAssertEqual(response.status, .ok)
            return try XCTUnwrap(WebFixtures.pendingLogin(in: response.body.string))
        }

        func acs(_ samlResponse: String, relayState: String?, cookie: String? = nil) async throws -> XCTHTTPResponse {
            var fields = [("SAMLResponse", samlResponse)]
            if let relayState { fields.append(("RelayState", relayState)) }
            return try await post("/saml/acs", fields, cookie: cookie)
        }

        /// Signs in through the routes; the session cookie (`SAML_SESSION=…`).
        func signIn(sessionIndex: String = "_session-1") async throws -> String {
            let (id, relayState) = try await begin(returnTo: "/reports")
            let response = try await acs(try WebFixtures.response(answering: id, sessionIndex: sessionIndex), relayState: relayState)
            XCTAssertEqual(response.status, .seeOther)
            return try XCTUnwrap(SAMLVaporTests.cookie(of: response))
        }
    }

    static func cookie(of response: XCTHTTPResponse) -> String? {
        response.headers[.setCookie].first { $0.hasPrefix("SAML_SESSION=") && !$0.hasPrefix("SAML_SESSION=;") }.map { String($0.prefix { $0 != ";" }) }
    }

    static func reference(in response: XCTHTTPResponse) -> String? { WebFixtures.reference(in: response.body.string) }

    func withHarness(binding: Binding = .httpPOST, sources: [ServiceProviderRuntime.IdentityProviderSource]? = nil,
                     index: (any SessionIndexStore)? = nil, requestStore: (any AuthnRequestStore)? = nil, allowUnsolicited: Bool = false,
                     _ body: (Harness) async throws -> Void) async throws {
        let harness = try await Harness(binding: binding, sources: sources, index: index, requestStore: requestStore, allowUnsolicited: allowUnsolicited)
        do { try await body(harness) } catch { try await harness.shutdown(); throw error }
        try await harness.shutdown()
    }

    // MARK: - Routes

    func testMetadataIsServedAsSAMLMetadata() async throws {
        try await withHarness { h in
            let response = try await h.get("/saml/metadata")
            XCTAssertEqual(response.status, .ok)
            XCTAssertEqual(response.headers.first(name: .contentType), "application/samlmetadata+xml")
            XCTAssertTrue(response.body.string.contains("entityID=\"\(WebFixtures.spEntityID)\""))
        }
    }

    func testLoginByRedirectIsA302ToTheIdP() async throws {
        try await withHarness(binding: .httpRedirect) { h in
            let response = try await h.get("/saml/login?returnTo=/x")
            XCTAssertEqual(response.status, .found)
            XCTAssertTrue(response.headers.first(name: .location)?.hasPrefix("\(WebFixtures.idp)/sso?SAMLRequest=") == true)
            XCTAssertEqual(response.headers.first(name: .cacheControl), "no-store")
        }
    }

    func testLoginByPostServesTheFormWithItsCSP() async throws {
        try await withHarness { h in
            let response = try await h.get("/saml/login")
            XCTAssertEqual(response.status, .ok)
            let csp = try XCTUnwrap(response.headers.first(name: "Content-Security-Policy"))
            XCTAssertTrue(csp.hasPrefix("default-src 'none'") && csp.contains("script-src 'sha256-") && csp.contains("form-action https://idp-a.example.test"))
            XCTAssertTrue(response.body.string.contains("action=\"\(WebFixtures.idp)/sso\""))
        }
    }

    func testAnSPInitiatedLoginRoundTripSignsTheUserIn() async throws {
        try await withHarness { h in
            let r1 = try await h.get("/me")
            XCTAssertEqual(r1.status, .unauthorized)
            let (id, relayState) = try await h.begin(returnTo: "/reports?q=1")
            let response = try await h.acs(try WebFixtures.response(answering: id), relayState: relayState)
            XCTAssertEqual(response.status, .seeOther)
            XCTAssertEqual(response.headers.first(name: .location), "/reports?q=1")
            let setCookie = try XCTUnwrap(response.headers[.setCookie].first)
            XCTAssertTrue(setCookie.contains("HttpOnly") && setCookie.contains("Secure") && setCookie.contains("SameSite=Lax"))
            let cookie = try XCTUnwrap(Self.cookie(of: response))
            let me = try await h.get("/me", cookie: cookie)
            XCTAssertEqual(me.status, .ok)
            XCTAssertEqual(me.body.string, WebFixtures.userName)
            // The same response again: a replay, refused; the pending request was taken once.
            let r2 = try await h.acs(try WebFixtures.response(answering: id), relayState: relayState)
            XCTAssertEqual(r2.status, .forbidden)
        }
    }

    func testANewLoginRotatesTheSession() async throws {
        try await withHarness { h in
            let first = try await h.signIn()
            let (id, relayState) = try await h.begin(returnTo: "/")
            let response = try await h.acs(try WebFixtures.response(answering: id), relayState: relayState, cookie: first)
            let second = try XCTUnwrap(Self.cookie(of: response))
            XCTAssertNotEqual(first, second)
            let r3 = try await h.get("/me", cookie: first)
            XCTAssertEqual(r3.status, .unauthorized)
            let r4 = try await h.get("/me", cookie: second)
            XCTAssertEqual(r4.status, .ok)
        }
    }

    func testOpenRedirectAttemptsEndOnTheRoot() async throws {
        // Off-site targets end on the root; an encoded "//" stays a local path (the browser does not decode it).
        let expected = ["//evil.example": "/", "https://evil.example/x": "/", "/\\evil.example": "/", "javascript:alert(1)": "/",
                        "/%2F%2Fevil.example": "/%2F%2Fevil.example"]
        for (returnTo, landing) in expected {
            try await withHarness { h in
                let (id, relayState) = try await h.begin(returnTo: returnTo)
                let response = try await h.acs(try WebFixtures.response(answering: id), relayState: relayState)
                XCTAssertEqual(response.status, .seeOther, returnTo)
                let location = try XCTUnwrap(response.headers.first(name: .location))
                XCTAssertEqual(location, landing, returnTo)
            }
        }
        // IdP-initiated login is refused unless allowed; where it is, a RelayState that is not a local path ends on the root.
        try await withHarness { h in
            let refused = try await h.acs(try WebFixtures.response(answering: nil), relayState: "/ok")
            XCTAssertEqual(refused.status, .forbidden)
            XCTAssertTrue(h.log.all.contains("saml.code=unsolicitedResponse"), h.log.all)
        }
        try await withHarness(allowUnsolicited: true) { h in
            let response = try await h.acs(try WebFixtures.response(answering: nil), relayState: "https://evil.example/")
            XCTAssertEqual(response.status, .seeOther)
            XCTAssertEqual(response.headers.first(name: .location), "/")
        }
    }

    func testAResponseOf200KBPassesTheACS() async throws {
        try await withHarness { h in
            let (id, relayState) = try await h.begin(returnTo: "/big")
            let big = String(repeating: "x", count: 200 * 1024)
            let samlResponse = try WebFixtures.response(answering: id, attributes: [("uid", [WebFixtures.userName]), ("blob", [big])])
            XCTAssertGreaterThan(Data(base64Encoded: samlResponse)!.count, 200 * 1024)
            let response = try await h.acs(samlResponse, relayState: relayState)
            XCTAssertEqual(response.status, .seeOther)
            XCTAssertEqual(response.headers.first(name: .location), "/big")
        }
    }

    func testABodyOverTheLimitIs413WithAReference() async throws {
        try await withHarness { h in
            let response = try await h.post("/saml/acs", raw: "SAMLResponse=" + String(repeating: "A", count: 2 * 1024 * 1024))
            XCTAssertEqual(response.status, .payloadTooLarge)
            let reference = try XCTUnwrap(Self.reference(in: response))
            XCTAssertTrue(h.log.all.contains("saml.reference=\(reference)") && h.log.all.contains("saml.code=bodyTooLarge"))
        }
    }

    // MARK: - Failures

    func testABadSignatureIs403WithTheReferenceInTheLog() async throws {
        try await withHarness { h in
            let (id, relayState) = try await h.begin(returnTo: "/")
            let response = try await h.acs(try WebFixtures.response(answering: id, key: "idp-rsa2048-next"), relayState: relayState)
            XCTAssertEqual(response.status, .forbidden)
            XCTAssertNil(Self.cookie(of: response))
            let reference = try XCTUnwrap(Self.reference(in: response))
            XCTAssertEqual(reference.count, 10)
            XCTAssertTrue(h.log.all.contains("saml.reference=\(reference)") && h.log.all.contains("saml.fault=client"))
            XCTAssertTrue(h.log.all.contains("saml.code=signatureInvalid"), h.log.all)
            let rejection = await h.runtime.status().lastRejection
            XCTAssertEqual(rejection?.reference, reference)
        }
    }

    func testAttackerTextIsEscapedInThePageAndTheLog() async throws {
        try await withHarness { h in
            let response = try await h.acs("<script>alert(1)</script>", relayState: "<img src=x>\nforged log line")
            XCTAssertEqual(response.status, .forbidden)
            XCTAssertFalse(response.body.string.contains("<script>") || response.body.string.contains("<img"))
            XCTAssertFalse(h.log.all.contains("\nforged"))
        }
    }

    func testNoIdPLoadedIsAServerFault() async throws {
        let failing = ServiceProviderRuntime.IdentityProviderSource(name: "down") { throw URLError(.cannotConnectToHost) }
        try await withHarness(sources: [failing]) { h in
            let response = try await h.get("/saml/login")
            XCTAssertEqual(response.status, .internalServerError)
            let reference = try XCTUnwrap(Self.reference(in: response))
            XCTAssertTrue(h.log.all.contains("saml.reference=\(reference)") && h.log.all.contains("saml.code=noIdentityProvider"))
            let r5 = try await h.acs(try WebFixtures.response(answering: nil), relayState: nil)
            XCTAssertEqual(r5.status, .internalServerError)
        }
    }

    func testAStoreThatThrowsIs503AndNoSessionIsKept() async throws {
        try await withHarness(index: DownSessionIndex()) { h in
            let (id, relayState) = try await h.begin(returnTo: "/")
            let response = try await h.acs(try WebFixtures.response(answering: id), relayState: relayState)
            XCTAssertEqual(response.status, .serviceUnavailable)
            XCTAssertNil(Self.cookie(of: response))
            let reference = try XCTUnwrap(Self.reference(in: response))
            XCTAssertTrue(h.log.all.contains("saml.reference=\(reference)") && h.log.all.contains("saml.code=storeFailed"))
        }
    }

    func testARequestStoreThatIsDownIs503() async throws {
        try await withHarness(requestStore: DownRequestStore()) { h in
            let login = try await h.get("/saml/login")
            XCTAssertEqual(login.status, .serviceUnavailable)
            let reference = try XCTUnwrap(Self.reference(in: login))
            XCTAssertTrue(h.log.all.contains("saml.reference=\(reference)") && h.log.all.contains("saml.code=databaseFailed"))
            let r6 = try await h.acs(try WebFixtures.response(answering: nil), relayState: "r")
            XCTAssertEqual(r6.status, .serviceUnavailable)
        }
    }

    func testAMissingResponseIsRefused() async throws {
        try await withHarness { h in
            let response = try await h.post("/saml/acs", raw: "RelayState=x")
            XCTAssertEqual(response.status, .forbidden)
            XCTAssertTrue(h.log.all.contains("saml.code=missingParameter"))
        }
    }

    // MARK: - Single logout

    func testAnIdPLogoutRequestEndsTheRightSession() async throws {
        try await withHarness { h in
            let mine = try await h.signIn(sessionIndex: "_session-1")
            let other = try await h.signIn(sessionIndex: "_session-2")
            let uri = "/saml/slo?" + (try WebFixtures.idpLogoutRequestQuery(nameID: WebFixtures.userName, sessionIndexes: ["_session-1"]))
            let response = try await h.get(uri, cookie: mine)
            XCTAssertEqual(response.status, .found)
            let location = try XCTUnwrap(response.headers.first(name: .location))
            XCTAssertTrue(location.hasPrefix("\(WebFixtures.idp)/slo?SAMLResponse=") && location.contains("RelayState=idp-state"))
            XCTAssertTrue(response.headers[.setCookie].contains { $0.hasPrefix("SAML_SESSION=;") })
            let r7 = try await h.get("/me", cookie: mine)
            XCTAssertEqual(r7.status, .unauthorized)
            let r8 = try await h.get("/me", cookie: other)
            XCTAssertEqual(r8.status, .ok)
            XCTAssertEqual(h.signedOut.withLockedValue { $0 }.count, 1)
            // The same request again is a replay.
            let r9 = try await h.get(uri)
            XCTAssertEqual(r9.status, .forbidden)
        }
    }

    func testAnUnsignedOrForeignLogoutRequestIsRefused() async throws {
        try await withHarness { h in
            let uri = "/saml/slo?" + (try WebFixtures.idpLogoutRequestQuery(nameID: WebFixtures.userName, sessionIndexes: []))
            let r10 = try await h.get(uri.replacingOccurrences(of: "RelayState=idp-state", with: "RelayState=other"))
            XCTAssertEqual(r10.status, .forbidden)
            let r11 = try await h.get("/saml/slo")
            XCTAssertEqual(r11.status, .forbidden)
        }
    }

    func testLogoutEndsTheSessionAndSendsALogoutRequest() async throws {
        try await withHarness { h in
            let cookie = try await h.signIn()
            let response = try await h.post("/saml/logout", raw: "", cookie: cookie)
            XCTAssertEqual(response.status, .found)
            XCTAssertTrue(response.headers.first(name: .location)?.hasPrefix("\(WebFixtures.idp)/slo?SAMLRequest=") == true)
            XCTAssertTrue(response.headers.first(name: .location)?.contains("RelayState=") == true)
            let r12 = try await h.get("/me", cookie: cookie)
            XCTAssertEqual(r12.status, .unauthorized)
            let r13 = try await h.post("/saml/slo", [("SAMLResponse", "PHg+"), ("RelayState", "nothing-pending")])
            XCTAssertEqual(r13.status, .forbidden)
            let r14 = try await h.get("/saml/logout")
            XCTAssertEqual(r14.headers.first(name: .location), "/")
        }
    }

    func testTheIdPsLogoutResponseToOurRequestIsValidatedOnce() async throws {
        for binding in [Binding.httpRedirect, .httpPOST] {
            try await withHarness { h in
                let cookie = try await h.signIn()
                let logout = try await h.get("/saml/logout", cookie: cookie)
                let location = try XCTUnwrap(logout.headers.first(name: .location))
                let message = try await WebFixtures.idpLogoutResponse(to: location, binding: binding)
                let send: () async throws -> XCTHTTPResponse = {
                    switch message {
                    case .redirect(let query): return try await h.get("/saml/slo?" + query)
                    case .post(let value, let relayState, _): return try await h.post("/saml/slo", [("SAMLResponse", value), ("RelayState", relayState ?? "")])
                    }
                }
                let first = try await send()
                XCTAssertEqual(first.status, .seeOther, "\(binding)")
                XCTAssertEqual(first.headers.first(name: .location), "/")
                let r15 = try await send()
                XCTAssertEqual(r15.status, .forbidden, "\(binding)")
            }
        }
    }

    func testAnIdPLogoutRequestByPostIsAnswered() async throws {
        try await withHarness { h in
            let cookie = try await h.signIn()
            let value = try WebFixtures.idpLogoutRequestPost(nameID: WebFixtures.userName, relayState: "s")
            let response = try await h.post("/saml/slo", [("SAMLRequest", value), ("RelayState", "s")])
            XCTAssertEqual(response.status, .ok)
            XCTAssertTrue(response.headers.first(name: "Content-Security-Policy")?.contains("form-action https://idp-a.example.test") == true)
            XCTAssertTrue(response.body.string.contains("name=\"SAMLResponse\""))
            let r16 = try await h.get("/me", cookie: cookie)
            XCTAssertEqual(r16.status, .unauthorized)
        }
    }

    // MARK: - Lifecycle

    func testTheRefreshHandlerRunsFromBootToShutdown() async throws {
        let fetches = LockedBox(0)
        let xml = try WebFixtures.idpMetadata()
        let source = ServiceProviderRuntime.IdentityProviderSource(name: "a") {
            fetches.withLockedValue { $0 += 1 }
            return xml
        }
        // The clock jumps past the refresh interval between ticks, so every tick finds the source due.
        let clock = MovableClock(WebFixtures.now)
        let h = try await Harness(sources: [source], clock: clock, refreshInterval: .milliseconds(20))
        let handler = try XCTUnwrap(h.refresh)
        XCTAssertFalse(handler.isRunning)
        try await h.app.asyncBoot()
        try await handler.didBootAsync(h.app)  // what app.startup() does after booting
        XCTAssertTrue(handler.isRunning)
        for _ in 0..<200 where fetches.withLockedValue({ $0 }) < 3 {
            clock.advance(by: 2 * 86_400)
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTAssertGreaterThanOrEqual(fetches.withLockedValue { $0 }, 3)
        let trusted = try await h.runtime.serviceProvider().trustedIdentityProviders.count
        XCTAssertEqual(trusted, 1)
        try await h.shutdown()
        XCTAssertFalse(handler.isRunning)
    }
}
#endif

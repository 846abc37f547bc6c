#if Hummingbird
import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import Logging
import SAML
import SAMLHummingbird
import SAMLTesting
import SAMLWebTestSupport
import ServiceLifecycle
import Testing

/// Issue 13, SAMLHummingbird: every route in process (`app.test(.router)`) over the fixture IdP.
@Suite("SAMLHummingbird routes, authenticator, error pages, refresh service")
struct SAMLHummingbirdTests {
    static let fixtures = WebFixtures.fixtures
    static let now = WebFixtures.now
    static let spEntityID = WebFixtures.spEntityID
    static let acs = WebFixtures.acs
    static let slo = WebFixtures.slo
    static let idp = WebFixtures.idp

    struct User: Codable, Sendable, Equatable { var name: String }
    typealias Context = BasicAuthRequestContext<User>

    /// The app under test: the SAML routes under /saml and /me behind the authenticator.
    struct Harness: @unchecked Sendable {
        let runtime: ServiceProviderRuntime
        let sessions: SAMLSessionStore<User>
        let index: any SessionIndexStore
        let log = LogSink()
        let signedOut = LockedBox<[String]>([])
        let router: Router<Context>

        init(binding: Binding = .httpPOST, sources: [ServiceProviderRuntime.IdentityProviderSource]? = nil,
             index: (any SessionIndexStore)? = nil, requestStore: (any AuthnRequestStore)? = nil) throws {
            let clock = FixedClock(SAMLHummingbirdTests.now)
            let configuration = try WebFixtures.configuration(binding: binding)
            let sources = try sources ?? [.document(try WebFixtures.idpMetadata(), name: "a")]
            runtime = try ServiceProviderRuntime(configuration: configuration, identityProviders: sources, clock: clock, requestStore: requestStore)
            sessions = SAMLSessionStore(driver: MemoryPersistDriver())
            self.index = index ?? InMemorySessionIndexStore(clock: clock)
            let router = Router(context: Context.self)
            let signedOut = self.signedOut
            let routes = SAMLRoutes<Context, User>(runtime: runtime, sessions: sessions, sessionIndex: self.index, logger: log.logger,
                                                   onSignOut: { ids in signedOut.withLockedValue { $0 += ids } }) { login, _, _ in
                User(name: login.assertion.nameID.value)
            }
            routes.register(on: router.group("saml"))
            router.group("me").add(middleware: SAMLAuthenticator<Context>(sessions: sessions, clock: clock)).get { _, context in
                guard let user = context.identity else { throw HTTPError(.unauthorized) }
                return user.name
            }
            self.router = router
        }

        func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            try await Application(router: router).test(.router, body)
        }
    }

    // MARK: - Helpers

    static func formBody(_ fields: [(String, String)]) -> ByteBuffer { ByteBuffer(string: WebFixtures.formBody(fields)) }

    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// Begins a login through the route (POST binding) and returns the request ID and RelayState.
    static func begin(_ client: any TestClientProtocol, returnTo: String) async throws -> (id: String, relayState: String) {
        try await client.execute(uri: "/saml/login?returnTo=\(WebFixtures.queryValue(returnTo))", method: .get) { response in
            #expect(response.status == .ok)
            return try #require(WebFixtures.pendingLogin(in: String(buffer: response.body)))
        }
    }

    static func response(answering id: String?, key: String = "idp-rsa2048", sessionIndex: String = "_session-1",
                         attributes: [(name: String, values: [String])]? = nil) throws -> String {
        try WebFixtures.response(answering: id, key: key, sessionIndex: sessionIndex, attributes: attributes)
    }

    /// Posts to the ACS; returns the response.
    static func post(_ client: any TestClientProtocol, samlResponse: String, relayState: String?) async throws -> TestResponse {
        var fields = [("SAMLResponse", samlResponse)]
        if let relayState { fields.append(("RelayState", relayState)) }
        return try await client.execute(uri: "/saml/acs", method: .post, headers: formHeaders, body: formBody(fields))
    }

    static func cookie(of response: TestResponse) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix("SAML_SESSION=") }.map { String($0.prefix { $0 != ";" }) }
    }

    static func reference(in response: TestResponse) -> String? { WebFixtures.reference(in: String(buffer: response.body)) }

    /// Signs in through the routes and returns the session cookie.
    static func signIn(_ client: any TestClientProtocol, sessionIndex: String = "_session-1") async throws -> String {
        let (id, relayState) = try await begin(client, returnTo: "/reports")
        let response = try await post(client, samlResponse: try Self.response(answering: id, sessionIndex: sessionIndex), relayState: relayState)
        #expect(response.status == .seeOther)
        return try #require(cookie(of: response))
    }

    // MARK: - Routes

    @Test func metadataIsServedAsSAMLMetadata() async throws {
        try await Harness().test { client in
            try await client.execute(uri: "/saml/metadata", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/samlmetadata+xml")
                #expect(String(buffer: response.body).contains("entityID=\"\(Self.spEntityID)\""))
            }
        }
    }

    @Test func loginByRedirectIsA302ToTheIdP() async throws {
        try await Harness(binding: .httpRedirect).test { client in
            try await client.execute(uri: "/saml/login?returnTo=/x", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location]?.hasPrefix("\(Self.idp)/sso?SAMLRequest=") == true)
                #expect(response.headers[.cacheControl] == "no-store")
            }
        }
    }

    @Test func loginByPostServesTheFormWithItsCSP() async throws {
        try await Harness(binding: .httpPOST).test { client in
            try await client.execute(uri: "/saml/login", method: .get) { response in
                #expect(response.status == .ok)
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("script-src 'sha256-") && csp.contains("form-action https://idp-a.example.test") && csp.hasPrefix("default-src 'none'"))
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(String(buffer: response.body).contains("action=\"\(Self.idp)/sso\""))
            }
        }
    }

    @Test func anSPInitiatedLoginRoundTripSignsTheUserIn() async throws {
        let harness = try Harness()
        try await harness.test { client in
            // Not signed in yet.
            try await client.execute(uri: "/me", method: .get) { #expect($0.status == .unauthorized) }
            let (id, relayState) = try await Self.begin(client, returnTo: "/reports?q=1")
            let response = try await Self.post(client, samlResponse: try Self.response(answering: id), relayState: relayState)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/reports?q=1")
            let cookie = try #require(Self.cookie(of: response))
            #expect(response.headers[values: .setCookie].first!.contains("HttpOnly"))
            try await client.execute(uri: "/me", method: .get, headers: [.cookie: cookie]) { me in
                #expect(me.status == .ok)
                #expect(String(buffer: me.body) == "b.simon@contoso.example")
            }
            // The same response again: a replay, refused; the pending request was taken once.
            let again = try await Self.post(client, samlResponse: try Self.response(answering: id), relayState: relayState)
            #expect(again.status == .forbidden)
        }
    }

    @Test func aNewLoginRotatesTheSession() async throws {
        try await Harness().test { client in
            let first = try await Self.signIn(client)
            let (id, relayState) = try await Self.begin(client, returnTo: "/")
            let response = try await client.execute(uri: "/saml/acs", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: first],
                                                    body: Self.formBody([("SAMLResponse", try Self.response(answering: id)), ("RelayState", relayState)]))
            let second = try #require(Self.cookie(of: response))
            #expect(second != first)
            try await client.execute(uri: "/me", method: .get, headers: [.cookie: first]) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/me", method: .get, headers: [.cookie: second]) { #expect($0.status == .ok) }
        }
    }

    @Test(arguments: ["//evil.example", "https://evil.example/x", "/\\evil.example", "javascript:alert(1)"])
    func openRedirectAttemptsEndOnTheRoot(returnTo: String) async throws {
        try await Harness().test { client in
            let (id, relayState) = try await Self.begin(client, returnTo: returnTo)
            let response = try await Self.post(client, samlResponse: try Self.response(answering: id), relayState: relayState)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
        }
    }

    @Test func aResponseOf200KBPassesTheACS() async throws {
        try await Harness().test { client in
            let (id, relayState) = try await Self.begin(client, returnTo: "/big")
            let big = String(repeating: "x", count: 200 * 1024)
            let samlResponse = try Self.response(answering: id, attributes: [("uid", ["b.simon@contoso.example"]), ("blob", [big])])
            #expect(Data(base64Encoded: samlResponse)!.count > 200 * 1024)
            let response = try await Self.post(client, samlResponse: samlResponse, relayState: relayState)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/big")
        }
    }

    @Test func aBodyOverTheLimitIs413WithAReference() async throws {
        let harness = try Harness()
        try await harness.test { client in
            let body = ByteBuffer(string: "SAMLResponse=" + String(repeating: "A", count: 2 * 1024 * 1024))
            let response = try await client.execute(uri: "/saml/acs", method: .post, headers: Self.formHeaders, body: body)
            #expect(response.status == .contentTooLarge)
            let reference = try #require(Self.reference(in: response))
            #expect(harness.log.all.contains("saml.reference=\(reference)") && harness.log.all.contains("saml.code=bodyTooLarge"))
        }
    }

    // MARK: - Failures

    @Test func aBadSignatureIs403WithTheReferenceInTheLog() async throws {
        let harness = try Harness()
        try await harness.test { client in
            let (id, relayState) = try await Self.begin(client, returnTo: "/")
            // Signed by a key the IdP's metadata does not list.
            let response = try await Self.post(client, samlResponse: try Self.response(answering: id, key: "idp-rsa2048-next"), relayState: relayState)
            #expect(response.status == .forbidden)
            #expect(Self.cookie(of: response) == nil)
            let reference = try #require(Self.reference(in: response))
            #expect(reference.count == 10)
            #expect(harness.log.all.contains("saml.reference=\(reference)"))
            #expect(harness.log.all.contains("saml.fault=client"))
            #expect(await harness.runtime.status().lastRejection?.reference == reference)
        }
    }

    @Test func attackerTextIsEscapedInThePage() async throws {
        let harness = try Harness()
        try await harness.test { client in
            let response = try await Self.post(client, samlResponse: "<script>alert(1)</script>", relayState: "<img src=x>")
            #expect(response.status == .forbidden)
            let html = String(buffer: response.body)
            #expect(!html.contains("<script>") && !html.contains("<img"))
            #expect(!harness.log.all.contains("\n<script"))
        }
    }

    @Test func noIdPLoadedIsAServerFault() async throws {
        let failing = ServiceProviderRuntime.IdentityProviderSource(name: "down") { throw URLError(.cannotConnectToHost) }
        let harness = try Harness(sources: [failing])
        try await harness.test { client in
            try await client.execute(uri: "/saml/login", method: .get) { response in
                #expect(response.status == .internalServerError)
                let reference = try #require(Self.reference(in: response))
                #expect(harness.log.all.contains("saml.reference=\(reference)") && harness.log.all.contains("saml.code=noIdentityProvider"))
            }
            let response = try await Self.post(client, samlResponse: try Self.response(answering: nil), relayState: nil)
            #expect(response.status == .internalServerError)
        }
    }

    @Test func aStoreThatThrowsIs503AndNoSessionIsKept() async throws {
        let harness = try Harness(index: DownSessionIndex())
        try await harness.test { client in
            let (id, relayState) = try await Self.begin(client, returnTo: "/")
            let response = try await Self.post(client, samlResponse: try Self.response(answering: id), relayState: relayState)
            #expect(response.status == .serviceUnavailable)
            #expect(Self.cookie(of: response) == nil)
            let reference = try #require(Self.reference(in: response))
            #expect(harness.log.all.contains("saml.reference=\(reference)") && harness.log.all.contains("saml.code=storeFailed"))
        }
    }

    @Test func aRequestStoreThatIsDownIs503() async throws {
        let harness = try Harness(requestStore: DownRequestStore())
        try await harness.test { client in
            try await client.execute(uri: "/saml/login", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let reference = try #require(Self.reference(in: response))
                #expect(harness.log.all.contains("saml.reference=\(reference)") && harness.log.all.contains("saml.code=databaseFailed"))
            }
            let response = try await Self.post(client, samlResponse: try Self.response(answering: nil), relayState: "r")
            #expect(response.status == .serviceUnavailable)
        }
    }

    @Test func aMissingResponseIsRefused() async throws {
        try await Harness().test { client in
            let response = try await client.execute(uri: "/saml/acs", method: .post, headers: Self.formHeaders, body: ByteBuffer(string: "RelayState=x"))
            #expect(response.status == .forbidden)
        }
    }

    // MARK: - Single logout

    static func idpLogoutRequest(nameID: String, sessionIndexes: [String], relayState: String? = "idp-state") throws -> String {
        "/saml/slo?" + (try WebFixtures.idpLogoutRequestQuery(nameID: nameID, sessionIndexes: sessionIndexes, relayState: relayState))
    }

    @Test func anIdPLogoutRequestEndsTheRightSession() async throws {
        let harness = try Harness()
        try await harness.test { client in
            let mine = try await Self.signIn(client, sessionIndex: "_session-1")
            let other = try await Self.signIn(client, sessionIndex: "_session-2")
            let uri = try Self.idpLogoutRequest(nameID: "b.simon@contoso.example", sessionIndexes: ["_session-1"])
            try await client.execute(uri: uri, method: .get, headers: [.cookie: mine]) { response in
                #expect(response.status == .found)
                let location = try #require(response.headers[.location])
                #expect(location.hasPrefix("\(Self.idp)/slo?SAMLResponse=") && location.contains("RelayState=idp-state"))
                #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("SAML_SESSION=;") })
            }
            try await client.execute(uri: "/me", method: .get, headers: [.cookie: mine]) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/me", method: .get, headers: [.cookie: other]) { #expect($0.status == .ok) }
            #expect(harness.signedOut.withLockedValue { $0 }.count == 1)
            // The same request again is a replay.
            try await client.execute(uri: uri, method: .get) { #expect($0.status == .forbidden) }
        }
    }

    @Test func anUnsignedOrForeignLogoutRequestIsRefused() async throws {
        try await Harness().test { client in
            let uri = try Self.idpLogoutRequest(nameID: "b.simon@contoso.example", sessionIndexes: [])
            let tampered = uri.replacingOccurrences(of: "RelayState=idp-state", with: "RelayState=other")
            try await client.execute(uri: tampered, method: .get) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/saml/slo", method: .get) { #expect($0.status == .forbidden) }
        }
    }

    @Test func logoutEndsTheSessionAndSendsALogoutRequest() async throws {
        let harness = try Harness()
        try await harness.test { client in
            let cookie = try await Self.signIn(client)
            try await client.execute(uri: "/saml/logout", method: .post, headers: [.cookie: cookie]) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location]?.hasPrefix("\(Self.idp)/slo?SAMLRequest=") == true)
                #expect(response.headers[.location]?.contains("RelayState=") == true)
            }
            try await client.execute(uri: "/me", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .unauthorized) }
            // A LogoutResponse that answers nothing we sent is refused.
            let body = Self.formBody([("SAMLResponse", "PHg+"), ("RelayState", "nothing-pending")])
            try await client.execute(uri: "/saml/slo", method: .post, headers: Self.formHeaders, body: body) { response in
                #expect(response.status == .forbidden)
            }
            // No session: straight to the root.
            try await client.execute(uri: "/saml/logout", method: .get) { #expect($0.headers[.location] == "/") }
        }
    }

    @Test(arguments: [Binding.httpRedirect, .httpPOST])
    func theIdPsLogoutResponseToOurRequestIsValidatedOnce(binding: Binding) async throws {
        try await Harness().test { client in
            let cookie = try await Self.signIn(client)
            let location = try await client.execute(uri: "/saml/logout", method: .get, headers: [.cookie: cookie]) { response in
                try #require(response.headers[.location])
            }
            let message = try await WebFixtures.idpLogoutResponse(to: location, binding: binding)
            let send: @Sendable () async throws -> TestResponse = {
                switch message {
                case .redirect(let query):
                    return try await client.execute(uri: "/saml/slo?" + query, method: .get)
                case .post(let value, let relayState, _):
                    return try await client.execute(uri: "/saml/slo", method: .post, headers: Self.formHeaders,
                                                    body: Self.formBody([("SAMLResponse", value), ("RelayState", relayState ?? "")]))
                }
            }
            let first = try await send()
            #expect(first.status == .seeOther)
            #expect(first.headers[.location] == "/")
            // Taken once: the same LogoutResponse again answers nothing pending.
            #expect(try await send().status == .forbidden)
        }
    }

    @Test func anIdPLogoutRequestByPostIsAnswered() async throws {
        let harness = try Harness()
        try await harness.test { client in
            let cookie = try await Self.signIn(client)
            let value = try WebFixtures.idpLogoutRequestPost(nameID: WebFixtures.userName, relayState: "s")
            let response = try await client.execute(uri: "/saml/slo", method: .post, headers: Self.formHeaders,
                                                    body: Self.formBody([("SAMLRequest", value), ("RelayState", "s")]))
            #expect(response.status == .ok)
            #expect(response.headers[.contentSecurityPolicy]?.contains("form-action https://idp-a.example.test") == true)
            #expect(String(buffer: response.body).contains("name=\"SAMLResponse\""))
            try await client.execute(uri: "/me", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .unauthorized) }
        }
    }

    // MARK: - Refresh service

    @Test func theRefreshServiceRunsUntilGracefulShutdown() async throws {
        let fetches = LockedBox(0)
        let xml = try WebFixtures.idpMetadata()
        let source = ServiceProviderRuntime.IdentityProviderSource(name: "a") {
            fetches.withLockedValue { $0 += 1 }
            return xml
        }
        let configuration = try ServiceProviderConfiguration(entityID: Self.spEntityID, assertionConsumerServiceURL: Self.acs)
        // The clock jumps past the refresh interval between ticks, so every tick finds the source due.
        let clock = MovableClock(Self.now)
        let runtime = try ServiceProviderRuntime(configuration: configuration, identityProviders: [source], clock: clock)
        let service = SAMLMetadataRefreshService(runtime: runtime, interval: .milliseconds(20))
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for _ in 0..<200 where fetches.withLockedValue({ $0 }) < 3 {
                clock.advance(by: 2 * 86_400)
                try await Task.sleep(for: .milliseconds(20))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(fetches.withLockedValue { $0 } >= 3)
        #expect(try await runtime.serviceProvider().trustedIdentityProviders.count == 1)
    }
}
#endif

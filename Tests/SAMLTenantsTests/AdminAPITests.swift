#if Hummingbird && SQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import SAML
import SAMLHummingbird
import SAMLSQLite
import SAMLTenants
import SAMLTesting
import SAMLWebTestSupport
import Testing

/// Issue 14: the admin API as a black box (every route and error), the end users' routes, tenant isolation and the
/// connection test, in process (`app.test(.router)`) over a real SQLite file, with the fixture IdPs.
@Suite("Tenants: admin API, end users, isolation")
struct AdminAPITests {
    static let fixtures = WebFixtures.fixtures
    static let now = WebFixtures.now
    static let base = "https://saas.example.test"
    static let token = "admin-token-0123456789"
    static let idp = "https://idp.acme.example/saml"
    static let otherIdP = "https://idp.globex.example/saml"

    /// IdP metadata for `entityID` with the certificate `certificatePath` (relative to Fixtures/).
    static func idpMetadata(_ entityID: String = idp, certificate: String = "keys/idp-rsa2048.crt", extra: String = "",
                            root: String = "md:EntityDescriptor", validUntil: String? = nil) throws -> String {
        let pem = try fixtures.text(certificate)
        let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        var x = "<\(root) xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"\(entityID)\""
        if let validUntil { x += " validUntil=\"\(validUntil)\"" }
        x += "><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
        x += "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(base64)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        x += "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"\(entityID)/sso\"/>"
        return x + extra + "</md:IDPSSODescriptor></\(root)>"
    }

    struct Harness: @unchecked Sendable {
        let directory: URL
        let store: SQLiteStore
        let service: TenantService
        let router: Router<BasicRequestContext>
        let log = LogSink()

        init(fetch: (@Sendable (URL) async throws -> [UInt8])? = nil) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("saml-tenants-\(UUID().uuidString)")
            let clock = FixedClock(AdminAPITests.now)
            store = try await SQLiteStore.open(stateDirectory: directory, clock: clock)
            var configuration = TenantService.Configuration(baseURL: AdminAPITests.base)
            if let fetch { configuration.fetch = fetch }
            service = TenantService(configuration: configuration, store: store, replayCache: store, requestStore: store, scimStore: store, clock: clock)
            let router = Router()
            router.add(middleware: try SAMLTenantRoutes<BasicRequestContext>(service: service, adminToken: AdminAPITests.token, logger: log.logger))
            self.router = router
        }

        func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            defer { try? FileManager.default.removeItem(at: directory) }
            try await Application(router: router).test(.router, body)
            try? await store.close()
        }
    }

    static var auth: HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @discardableResult
    static func api(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil,
                    headers: HTTPFields = auth) async throws -> TestResponse {
        var headers = headers
        if body?.hasPrefix("<") == true, headers[.contentType] != nil { headers[.contentType] = "application/samlmetadata+xml" }
        return try await client.execute(uri: "/admin/api" + path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    /// Expects `{"error": code}` with `status`.
    static func expectError(_ response: TestResponse, _ status: HTTPResponse.Status, _ code: String,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.status == status, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
        let body = try json(response)
        #expect(body["error"] as? String == code, "\(body)", sourceLocation: sourceLocation)
        #expect((body["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    }

    static func create(_ client: any TestClientProtocol, _ id: String, domains: [String]) async throws {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["id": id, "name": "Org \(id)", "domains": domains]), as: UTF8.self)
        let response = try await api(client, .post, "/tenants", body)
        #expect(response.status == .created, "\(String(buffer: response.body))")
    }

    /// A tenant with IdP metadata, preset `okta` (uid from the NameID).
    static func configured(_ client: any TestClientProtocol, _ id: String, domains: [String], idp entityID: String = idp) async throws {
        try await create(client, id, domains: domains)
        #expect(try await api(client, .put, "/tenants/\(id)/sso/idp-metadata", try idpMetadata(entityID)).status == .ok)
        #expect(try await api(client, .put, "/tenants/\(id)/sso/settings", "{\"mapping\": \"okta\"}").status == .ok)
    }

    /// Follows a tenant login URL: the AuthnRequest's ID and the RelayState.
    static func login(_ client: any TestClientProtocol, _ uri: String) async throws -> (id: String, relayState: String) {
        let response = try await client.execute(uri: uri, method: .get)
        #expect(response.status == .found, "\(String(buffer: response.body))")
        let location = try #require(response.headers[.location])
        let decoded = try RedirectBinding.decode(query: String(location.split(separator: "?", maxSplits: 1)[1]))
        let xml = String(decoding: decoded.xml, as: UTF8.self)
        let id = try #require(xml.range(of: " ID=\"").map { String(xml[$0.upperBound...].prefix { $0 != "\"" }) })
        return (id, try #require(decoded.relayState))
    }

    static func response(tenant: String, answering id: String?, issuer: String = idp, key: String = "idp-rsa2048",
                         nameID: String = "b.simon@acme.example") throws -> String {
        var builder = ResponseBuilder(issuer: issuer, audience: "\(base)/sso/\(tenant)/metadata", acsURL: "\(base)/sso/\(tenant)/acs", now: now)
        builder.inResponseTo = id
        builder.nameID = nameID
        return try builder.samlResponse(signingAssertionWith: fixtures.signingKey(key))
    }

    static func acs(_ client: any TestClientProtocol, tenant: String, _ samlResponse: String, relayState: String?) async throws -> TestResponse {
        var fields = [("SAMLResponse", samlResponse)]
        if let relayState { fields.append(("RelayState", relayState)) }
        return try await client.execute(uri: "/sso/\(tenant)/acs", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                        body: ByteBuffer(string: WebFixtures.formBody(fields)))
    }

    /// Runs a connection test with a response signed by `key`; returns the test's JSON.
    static func runTest(_ client: any TestClientProtocol, _ tenant: String, key: String = "idp-rsa2048", issuer: String = idp) async throws -> [String: Any] {
        let created = try await api(client, .post, "/tenants/\(tenant)/sso/tests")
        #expect(created.status == .created)
        let body = try json(created)
        let testID = try #require(body["id"] as? String)
        let loginURL = try #require(body["loginURL"] as? String)
        #expect(loginURL == "\(base)/sso/\(tenant)/login?test=\(testID)")
        let (id, relayState) = try await login(client, String(loginURL.dropFirst(base.count)))
        let page = try await acs(client, tenant: tenant, try response(tenant: tenant, answering: id, issuer: issuer, key: key), relayState: relayState)
        #expect(page.status == .ok)
        #expect(page.headers[values: .setCookie].isEmpty, "a test signs nobody in")
        return try json(try await api(client, .get, "/tenants/\(tenant)/sso/tests/\(testID)"))
    }

    // MARK: - Authorisation and tenants

    @Test func everyAdminRouteNeedsTheToken() async throws {
        try await Harness().test { client in
            for (method, path) in [(HTTPRequest.Method.get, "/tenants"), (.post, "/tenants"), (.get, "/tenants/acme"),
                                   (.put, "/tenants/acme/sso/idp-metadata"), (.post, "/tenants/acme/sso/enable"), (.get, "/tenants/acme/audit")] {
                try Self.expectError(try await Self.api(client, method, path, "{}", headers: [:]), .unauthorized, "unauthorized")
                try Self.expectError(try await Self.api(client, method, path, "{}", headers: [.authorization: "Bearer wrong-token-0123456789"]),
                                .unauthorized, "unauthorized")
                try Self.expectError(try await Self.api(client, method, path, "{}", headers: [.authorization: "Basic \(Self.token)"]), .unauthorized, "unauthorized")
            }
        }
    }

    @Test func createAndReadATenant() async throws {
        try await Harness().test { client in
            let created = try await Self.api(client, .post, "/tenants", #"{"id":"acme","name":"Acme","domains":["Acme.Example","bücher.example"]}"#)
            #expect(created.status == .created)
            let body = try Self.json(created)
            #expect(body["id"] as? String == "acme")
            #expect(body["domains"] as? [String] == ["acme.example", "xn--bcher-kva.example"])
            let sso = try #require(body["sso"] as? [String: Any])
            #expect(sso["state"] as? String == "unconfigured")
            let sp = try #require(sso["sp"] as? [String: Any])
            #expect(sp["entityID"] as? String == "\(Self.base)/sso/acme/metadata")
            #expect(sp["acsURL"] as? String == "\(Self.base)/sso/acme/acs")
            #expect(sp["metadataURL"] as? String == "\(Self.base)/sso/acme/metadata")
            #expect(sso["idp"] is NSNull && sso["lastTest"] is NSNull)
            #expect(sso["requireCA"] as? Bool == false && sso["allowIdPInitiated"] as? Bool == false)
            #expect(sso["mapping"] as? String == "azure-ad")
            let read = try Self.json(try await Self.api(client, .get, "/tenants/acme"))
            #expect(read["name"] as? String == "Acme")
            try Self.expectError(try await Self.api(client, .get, "/tenants/nope"), .notFound, "tenantNotFound")
            // The SP metadata, as a download, signed by the tenant's own key.
            let metadata = try await Self.api(client, .get, "/tenants/acme/sso/sp-metadata")
            #expect(metadata.status == .ok)
            #expect(metadata.headers[.contentType] == "application/samlmetadata+xml")
            #expect(metadata.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            let xml = String(buffer: metadata.body)
            #expect(xml.contains("entityID=\"\(Self.base)/sso/acme/metadata\"") && xml.contains("Location=\"\(Self.base)/sso/acme/acs\""))
            #expect(xml.contains("<ds:Signature") || xml.contains(":Signature"))
            #expect(String(buffer: try await client.execute(uri: "/sso/acme/metadata", method: .get).body).contains("entityID=\"\(Self.base)/sso/acme/metadata\""))
        }
    }

    @Test func badTenantsAreRefusedWithTheirCase() async throws {
        try await Harness().test { client in
            try await Self.create(client, "acme", domains: ["acme.example", "kelvin.example"])
            try Self.expectError(try await Self.api(client, .post, "/tenants", #"{"id":"acme","name":"x","domains":[]}"#), .conflict, "tenantExists")
            for id in ["Acme", "-acme", "acme-", "", String(repeating: "a", count: 64), "ａcme", "ac me", "acme/../x"] {
                let body = String(decoding: try JSONSerialization.data(withJSONObject: ["id": id, "name": "x", "domains": []]), as: UTF8.self)
                try Self.expectError(try await Self.api(client, .post, "/tenants", body), .badRequest, "invalidTenantID")
            }
            try Self.expectError(try await Self.api(client, .post, "/tenants", #"{"id":"x1","name":"x","domains":["not a domain"]}"#), .badRequest, "invalidDomain")
            try Self.expectError(try await Self.api(client, .post, "/tenants", #"{"id":"x1","name":"x","domains":["localhost"]}"#), .badRequest, "invalidDomain")
            try Self.expectError(try await Self.api(client, .post, "/tenants", #"{"id":"x1","name":"","domains":[]}"#), .badRequest, "invalidName")
            try Self.expectError(try await Self.api(client, .post, "/tenants", #"{"id":"x1"}"#), .badRequest, "invalidRequest")
            try Self.expectError(try await Self.api(client, .post, "/tenants", "not json"), .badRequest, "invalidRequest")
            try Self.expectError(try await Self.api(client, .post, "/tenants", #"{"id":"x1","name":"x","domains":["ACME.example"]}"#), .conflict, "domainTaken")
            // Look-alikes: U+212A KELVIN SIGN for K, a Cyrillic а, an id with rn for m.
            let kelvin = String(decoding: try JSONSerialization.data(withJSONObject: ["id": "x2", "name": "x", "domains": ["\u{212A}elvin.example"]]), as: UTF8.self)
            try Self.expectError(try await Self.api(client, .post, "/tenants", kelvin), .conflict, "confusableWithExisting")
            let cyrillic = String(decoding: try JSONSerialization.data(withJSONObject: ["id": "x3", "name": "x", "domains": ["\u{0430}cme.example"]]), as: UTF8.self)
            try Self.expectError(try await Self.api(client, .post, "/tenants", cyrillic), .conflict, "confusableWithExisting")
            try Self.expectError(try await Self.api(client, .post, "/tenants", #"{"id":"acrne","name":"x","domains":[]}"#), .conflict, "confusableWithExisting")
            try Self.expectError(try await Self.api(client, .get, "/nowhere"), .notFound, "notFound")
        }
    }

    // MARK: - IdP metadata and settings

    @Test func idpMetadataIsCheckedBeforeItIsAccepted() async throws {
        let harness = try await Harness { url in
            guard url.host == "metadata.acme.example" else { throw URLError(.cannotConnectToHost) }
            return Array(try AdminAPITests.idpMetadata().utf8)
        }
        try await harness.test { client in
            try await Self.create(client, "acme", domains: ["acme.example"])
            let cases: [(String, String)] = [
                ("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]>" + (try Self.idpMetadata()), "doctypeForbidden"),
                ((try Self.idpMetadata()).replacingOccurrences(of: "IDPSSODescriptor", with: "SPSSODescriptor"), "missingIDPSSODescriptor"),
                ((try Self.idpMetadata()).replacingOccurrences(of: "use=\"signing\"", with: "use=\"encryption\""), "noSigningCertificate"),
                (try Self.idpMetadata(validUntil: "2020-01-01T00:00:00Z"), "metadataExpired"),
                ("<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">"
                    + (try Self.idpMetadata("https://a.example/idp")) + (try Self.idpMetadata("https://b.example/idp")) + "</md:EntitiesDescriptor>", "ambiguousEntity"),
                ("<md:EntityDescriptor", "malformedXML"),
            ]
            for (xml, code) in cases {
                try Self.expectError(try await Self.api(client, .put, "/tenants/acme/sso/idp-metadata", xml, headers: [.authorization: "Bearer \(Self.token)"]),
                                     .unprocessableContent, code)
            }
            try Self.expectError(try await Self.api(client, .put, "/tenants/acme/sso/idp-metadata", #"{"url":"https://down.example/md"}"#),
                                 .unprocessableContent, "metadataFetchFailed")
            try Self.expectError(try await Self.api(client, .put, "/tenants/acme/sso/idp-metadata", #"{"url":"file:///etc/passwd"}"#),
                                 .badRequest, "invalidRequest")
            #expect(try Self.json(try await Self.api(client, .get, "/tenants/acme"))["sso"].flatMap { ($0 as? [String: Any])?["state"] as? String } == "unconfigured")
            // By URL: fetched and accepted.
            let accepted = try await Self.api(client, .put, "/tenants/acme/sso/idp-metadata", #"{"url":"https://metadata.acme.example/md"}"#)
            #expect(accepted.status == .ok)
            let summary = try Self.json(accepted)
            #expect(summary["entityID"] as? String == Self.idp)
            #expect(summary["ssoURL"] as? String == "\(Self.idp)/sso")
            let certificates = try #require(summary["certificates"] as? [[String: Any]])
            #expect(certificates.count == 1)
            #expect(certificates[0]["subject"] as? String == "CN=Microsoft Azure Federated SSO Certificate")
            #expect(certificates[0]["notAfter"] as? String == "2036-11-23T21:40:44Z")
            #expect(certificates[0]["daysToExpiry"] as? Int == 3645)
            let sso = try #require(try Self.json(try await Self.api(client, .get, "/tenants/acme"))["sso"] as? [String: Any])
            #expect(sso["state"] as? String == "configured")
            #expect((sso["idp"] as? [String: Any])?["entityID"] as? String == Self.idp)
        }
    }

    @Test func requireCAIsRefusedAtSettingsTimeUnlessTheCertificateChains() async throws {
        try await Harness().test { client in
            try await Self.create(client, "acme", domains: ["acme.example"])
            #expect(try await Self.api(client, .put, "/tenants/acme/sso/idp-metadata", try Self.idpMetadata()).status == .ok)
            let bundle = try Self.fixtures.text("chains/anchors-a.pem")
            let settings = String(decoding: try JSONSerialization.data(withJSONObject: ["requireCA": true, "caBundlePEM": bundle]), as: UTF8.self)
            // The IdP's certificate is self-signed: refused now, so the admin learns it before testing.
            let refused = try await Self.api(client, .put, "/tenants/acme/sso/settings", settings)
            try Self.expectError(refused, .unprocessableContent, "caRequirementNotMet")
            #expect((try Self.json(refused)["detail"] as? String)?.hasPrefix("selfSignedLeafInCAMode: CN=Microsoft Azure Federated SSO Certificate") == true)
            // A certificate issued by Root CA A: accepted.
            #expect(try await Self.api(client, .put, "/tenants/acme/sso/idp-metadata", try Self.idpMetadata(certificate: "chains/leaf-depth1.crt")).status == .ok)
            let accepted = try await Self.api(client, .put, "/tenants/acme/sso/settings", settings)
            #expect(accepted.status == .ok)
            #expect((try Self.json(accepted)["sso"] as? [String: Any])?["requireCA"] as? Bool == true)
            // Then metadata whose certificate does not chain is refused at upload.
            try Self.expectError(try await Self.api(client, .put, "/tenants/acme/sso/idp-metadata", try Self.idpMetadata()), .unprocessableContent, "caRequirementNotMet")
            // Typed settings.
            try Self.expectError(try await Self.api(client, .put, "/tenants/acme/sso/settings", #"{"requireCA":"yes"}"#), .badRequest, "invalidRequest")
            try Self.expectError(try await Self.api(client, .put, "/tenants/acme/sso/settings", #"{"mapping":"nope"}"#), .unprocessableContent, "invalidMapping")
            try Self.expectError(try await Self.api(client, .put, "/tenants/acme/sso/settings", #"{"colour":"red"}"#), .badRequest, "invalidRequest")
            let rules = #"{"mapping":{"rules":[{"field":"uid","sources":["nameID"]}]}}"#
            #expect(try await Self.api(client, .put, "/tenants/acme/sso/settings", rules).status == .ok)
        }
    }

    // MARK: - Test, enable, sign in

    @Test func enablingNeedsAPassingTestOfTheCurrentConfiguration() async throws {
        try await Harness().test { client in
            try await Self.configured(client, "acme", domains: ["acme.example"])
            try Self.expectError(try await Self.api(client, .post, "/tenants/acme/sso/enable"), .conflict, "testRequired")
            // A failing test first: signed by a key that is not in the metadata.
            let failed = try await Self.runTest(client, "acme", key: "idp-rsa2048-next")
            #expect(failed["status"] as? String == "failed")
            #expect(failed["failedCheck"] as? String == "signatureInvalid")
            #expect((failed["detail"] as? String)?.contains("CN=Microsoft Azure Federated SSO Certificate") == true)
            try Self.expectError(try await Self.api(client, .post, "/tenants/acme/sso/enable"), .conflict, "testRequired")
            // Then a passing one.
            let passed = try await Self.runTest(client, "acme")
            #expect(passed["status"] as? String == "passed")
            #expect(passed["failedCheck"] is NSNull)
            #expect(passed["nameID"] as? String == "b.simon@acme.example")
            #expect((passed["mapped"] as? [String: [String]])?["uid"] == ["b.simon@acme.example"])
            #expect((passed["certificates"] as? [[String: Any]])?.first?["daysToExpiry"] as? Int == 3645)
            #expect(passed["completedAt"] as? String == "2026-12-01T12:00:00Z")
            var sso = try #require(try Self.json(try await Self.api(client, .get, "/tenants/acme"))["sso"] as? [String: Any])
            #expect(sso["state"] as? String == "tested")
            #expect((sso["lastTest"] as? [String: Any])?["status"] as? String == "passed")
            // A change after the test: back to configured, enabling refused again.
            #expect(try await Self.api(client, .put, "/tenants/acme/sso/settings", #"{"allowIdPInitiated": true}"#).status == .ok)
            sso = try #require(try Self.json(try await Self.api(client, .get, "/tenants/acme"))["sso"] as? [String: Any])
            #expect(sso["state"] as? String == "configured")
            try Self.expectError(try await Self.api(client, .post, "/tenants/acme/sso/enable"), .conflict, "testRequired")
            _ = try await Self.runTest(client, "acme")
            let enabled = try await Self.api(client, .post, "/tenants/acme/sso/enable")
            #expect(enabled.status == .ok)
            #expect((try Self.json(enabled)["sso"] as? [String: Any])?["state"] as? String == "enabled")
            try Self.expectError(try await Self.api(client, .post, "/tenants/acme/sso/enable"), .conflict, "testRequired")   // already enabled
            #expect(try await Self.api(client, .post, "/tenants/acme/sso/disable").status == .ok)
            try Self.expectError(try await Self.api(client, .post, "/tenants/acme/sso/enable"), .conflict, "testRequired")   // disabled: test again
            _ = try await Self.runTest(client, "acme")
            #expect(try Self.json(try await Self.api(client, .get, "/tenants/acme"))["sso"].flatMap { ($0 as? [String: Any])?["state"] as? String } == "tested")
            #expect(try await Self.api(client, .post, "/tenants/acme/sso/enable").status == .ok)
            #expect(try await Self.api(client, .post, "/tenants/acme/sso/disable").status == .ok)
            // The audit log, newest first.
            let audit = try #require(try JSONSerialization.jsonObject(with: Data(buffer: try await Self.api(client, .get, "/tenants/acme/audit").body)) as? [[String: Any]])
            #expect(audit.first?["action"] as? String == "sso.disable")
            #expect(audit.contains { $0["action"] as? String == "sso.test" && $0["result"] as? String == "signatureInvalid" })
            #expect(audit.contains { $0["action"] as? String == "sso.enable" && $0["result"] as? String == "testRequired" })
            #expect(audit.last?["action"] as? String == "tenant.create")
            try Self.expectError(try await Self.api(client, .get, "/tenants/acme/sso/tests/nope"), .notFound, "testNotFound")
            // Key rollover: a second key pair, published beside the first; a configuration change like any other.
            let before = String(buffer: try await Self.api(client, .get, "/tenants/acme/sso/sp-metadata").body)
            let rolled = try await Self.api(client, .post, "/tenants/acme/sso/keys/rollover")
            #expect(rolled.status == .ok)
            #expect((try Self.json(rolled)["sso"] as? [String: Any])?["state"] as? String == "configured")
            let after = String(buffer: try await Self.api(client, .get, "/tenants/acme/sso/sp-metadata").body)
            let count = { (xml: String) in xml.components(separatedBy: "X509Certificate>").count / 2 }
            #expect(count(after) > count(before), "\(count(before)) → \(count(after)) certificates")
        }
    }

    @Test func homeRealmDiscoveryAndSignIn() async throws {
        try await Harness().test { client in
            try await Self.configured(client, "acme", domains: ["acme.example"])
            // Not enabled yet: SSO is not set up for that domain; the tenant's login refuses.
            #expect(try await client.execute(uri: "/login?email=b.simon@acme.example", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/sso/acme/login", method: .get).status == .forbidden)
            _ = try await Self.runTest(client, "acme")
            #expect(try await Self.api(client, .post, "/tenants/acme/sso/enable").status == .ok)
            // Home realm discovery: straight to acme's IdP, the return path kept with the pending request.
            let discovered = try await client.execute(uri: "/login?email=B.Simon@ACME.example&returnTo=/reports", method: .get)
            #expect(discovered.status == .found)
            let idpURL = try #require(discovered.headers[.location])
            #expect(idpURL.hasPrefix("\(Self.idp)/sso?SAMLRequest="))
            let viaDiscovery = try RedirectBinding.decode(query: String(idpURL.split(separator: "?", maxSplits: 1)[1]))
            let discoveredXML = String(decoding: viaDiscovery.xml, as: UTF8.self)
            let discoveredID = try #require(discoveredXML.range(of: " ID=\"").map { String(discoveredXML[$0.upperBound...].prefix { $0 != "\"" }) })
            let viaEmail = try await Self.acs(client, tenant: "acme", try Self.response(tenant: "acme", answering: discoveredID),
                                              relayState: viaDiscovery.relayState)
            #expect(viaEmail.status == .seeOther)
            #expect(viaEmail.headers[.location] == "/reports")
            #expect(try await client.execute(uri: "/login?email=someone@unknown.example", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/me", method: .get).status == .unauthorized)
            let (id, relayState) = try await Self.login(client, "/sso/acme/login?returnTo=/reports")
            let signedIn = try await Self.acs(client, tenant: "acme", try Self.response(tenant: "acme", answering: id), relayState: relayState)
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/reports")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("SAML_SESSION=") }.map { String($0.prefix { $0 != ";" }) })
            let me = try await client.execute(uri: "/me", method: .get, headers: [.cookie: cookie])
            #expect(me.status == .ok)
            let user = try Self.json(me)
            #expect(user["tenant"] as? String == "acme" && user["uid"] as? String == "b.simon@acme.example")
            #expect(user.keys.sorted() == ["email", "groups", "name", "tenant", "uid"])
            // The same response again: refused.
            let replay = try await Self.acs(client, tenant: "acme", try Self.response(tenant: "acme", answering: id), relayState: relayState)
            #expect(replay.status == .forbidden)
        }
    }

    @Test func aResponseForOneTenantIsRefusedAtAnother() async throws {
        let harness = try await Harness()
        try await harness.test { client in
            // acme and globex trust the same IdP (one IdP serving two organisations); initech another.
            try await Self.configured(client, "acme", domains: ["acme.example"])
            try await Self.configured(client, "globex", domains: ["globex.example"])
            try await Self.configured(client, "initech", domains: ["initech.example"], idp: Self.otherIdP)
            for (tenant, issuer) in [("acme", Self.idp), ("globex", Self.idp), ("initech", Self.otherIdP)] {
                _ = try await Self.runTest(client, tenant, issuer: issuer)
                #expect(try await Self.api(client, .post, "/tenants/\(tenant)/sso/enable").status == .ok)
            }
            func refusedWith(_ code: String, _ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
                #expect(response.status == .forbidden, sourceLocation: sourceLocation)
                let reference = WebFixtures.reference(in: String(buffer: response.body)) ?? "none"
                #expect(harness.log.all.split(separator: "\n").contains { $0.contains("saml.reference=\(reference)") && $0.contains("saml.code=\(code) ") },
                        "\(harness.log.all)", sourceLocation: sourceLocation)
            }
            // A login started at acme, answered for acme, posted to globex's ACS with its RelayState: its Destination
            // is acme's ACS (and globex's request store has no such pending request: its keys carry the tenant).
            let (id, relayState) = try await Self.login(client, "/sso/acme/login")
            refusedWith("destinationMismatch", try await Self.acs(client, tenant: "globex", try Self.response(tenant: "acme", answering: id), relayState: relayState))
            // acme's pending request was not consumed: the response still completes at acme.
            #expect(try await Self.acs(client, tenant: "acme", try Self.response(tenant: "acme", answering: id), relayState: relayState).status == .seeOther)
            // With IdP-initiated login allowed at globex, a response addressed to acme fails on globex's destination.
            #expect(try await Self.api(client, .put, "/tenants/globex/sso/settings", #"{"allowIdPInitiated": true}"#).status == .ok)
            _ = try await Self.runTest(client, "globex")
            #expect(try await Self.api(client, .post, "/tenants/globex/sso/enable").status == .ok)
            refusedWith("destinationMismatch", try await Self.acs(client, tenant: "globex", try Self.response(tenant: "acme", answering: nil), relayState: nil))
            // initech's IdP is not acme's: acme's IdP's response is refused there.
            let (initechID, initechRelay) = try await Self.login(client, "/sso/initech/login")
            refusedWith("issuerMismatch", try await Self.acs(client, tenant: "initech", try Self.response(tenant: "initech", answering: initechID), relayState: initechRelay))
        }
    }

    // MARK: - Console

    @Test func theConsoleNeedsTheTokenAndEscapesWhatItShows() async throws {
        try await Harness().test { client in
            #expect(try await client.execute(uri: "/admin", method: .get).headers[.location] == "/admin/login")
            let wrong = try await client.execute(uri: "/admin/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                 body: ByteBuffer(string: "token=nope"))
            #expect(wrong.status == .unauthorized)
            let signedIn = try await client.execute(uri: "/admin/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                    body: ByteBuffer(string: WebFixtures.formBody([("token", Self.token)])))
            #expect(signedIn.status == .seeOther)
            let setCookie = try #require(signedIn.headers[values: .setCookie].first)
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
            let cookie = String(setCookie.prefix { $0 != ";" })
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["id": "evil", "name": "<script>alert(1)</script>", "domains": []]), as: UTF8.self)
            #expect(try await Self.api(client, .post, "/tenants", body).status == .created)
            let list = try await client.execute(uri: "/admin", method: .get, headers: [.cookie: cookie])
            #expect(list.status == .ok)
            let html = String(buffer: list.body)
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>alert"))
            #expect(list.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true)
            // A form post without the CSRF field is refused; with it, the tenant is created.
            let forged = try await client.execute(uri: "/admin/tenants", method: .post,
                                                  headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "id=forged&name=x&domains="))
            #expect(forged.status == .forbidden)
            #expect(try await Self.api(client, .get, "/tenants/forged").status == .notFound)
            // A forged cookie is not a session.
            #expect(try await client.execute(uri: "/admin", method: .get, headers: [.cookie: "SAML_ADMIN=9999999999.forged"]).status == .seeOther)
        }
    }
}
#endif

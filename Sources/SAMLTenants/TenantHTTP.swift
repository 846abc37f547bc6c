import Crypto
import Foundation
@_spi(Integrations) import SAML
import SAMLSCIM

/// An HTTP request in neutral terms (what a framework adapter hands ``TenantHTTP``).
@_spi(Integrations)
public struct TenantRequest: Sendable {
    public var method: String
    /// The path, without the query.
    public var path: String
    /// The undecoded query string.
    public var query: String?
    /// Header fields, names lower-cased.
    public var headers: [String: String]
    /// The body, collected up to ``TenantHTTP/bodyLimit(method:path:)``.
    public var body: [UInt8]

    public init(method: String, path: String, query: String?, headers: [String: String], body: [UInt8]) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    var queryFields: [String: String] { WebForm.parse(Array((query ?? "").utf8)) }

    func cookie(_ name: String) -> String? {
        guard let header = headers["cookie"] else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            if pair.hasPrefix(name + "=") { return String(pair.dropFirst(name.count + 1)) }
        }
        return nil
    }
}

/// The typed fields of a settings body (JSONDecoder refuses a number or a string where a Bool belongs).
struct TypedSettings: Decodable {
    var requireCA: Bool?
    var allowIdPInitiated: Bool?
    var caBundlePEM: String?
    var provisioningMatch: String?
    var justInTimeProvisioning: Bool?
}

/// What ``TenantHTTP`` answers: the reply, and the refusal to log when it is one.
@_spi(Integrations)
public struct TenantResponse: Sendable {
    public var reply: WebReply
    public var refusal: WebRefusal?
    /// Extra Set-Cookie header values (the admin console's cookie).
    public var cookies: [String] = []
}

/// The multi-tenant application's HTTP surface, framework-free: the admin API (`/admin/api/…`, bearer token), the
/// admin console (`/admin…`, server-rendered), and the end users' routes (`/login`, `/sso/{tenant}/…`, `/me`,
/// `/logout`, `/healthz`). A framework adapter (SAMLHummingbird's `SAMLTenantRoutes`) collects the body up to
/// ``bodyLimit(method:path:)``, calls ``handle(_:)`` and writes the reply.
@_spi(Integrations)
public struct TenantHTTP<Sessions: WebSessionStore>: Sendable where Sessions.User == TenantUser {
    /// The tenants.
    public let service: TenantService
    /// End users' sessions (cookie `SAML_SESSION`).
    public let sessions: Sessions
    /// The bootstrap admin token.
    let adminToken: String
    let key: SymmetricKey
    /// Whether cookies get `Secure` (the base URL is https).
    let secureCookies: Bool

    /// The HTTP surface over `service`.
    /// - Parameters:
    ///   - service: the tenants and their SAML flows.
    ///   - sessions: where end users' sessions are kept.
    ///   - adminToken: the bootstrap admin token (at least 16 characters).
    public init(service: TenantService, sessions: Sessions, adminToken: String) throws {
        guard adminToken.utf8.count >= 16 else { throw SAMLError.invalidConfiguration("the admin token must be at least 16 characters") }
        self.service = service
        self.sessions = sessions
        self.adminToken = adminToken
        self.key = SymmetricKey(data: SHA256.hash(data: Data(("swift-saml admin console|" + adminToken).utf8)))
        self.secureCookies = service.configuration.baseURL.lowercased().hasPrefix("https://")
    }

    /// The most body bytes a route reads: IdP metadata 16 MiB, the ACS `maxResponseBytes` as a form, else 64 KiB.
    public static func bodyLimit(method: String, path: String) -> Int {
        if path.hasSuffix("/idp-metadata") || path.hasSuffix("/sso/idp-metadata") { return 16 << 20 }
        if path.hasSuffix("/acs") { return 1 << 21 }
        if path.hasPrefix("/scim/") { return 1 << 20 }
        return 64 << 10
    }

    /// Answers one request.
    public func handle(_ request: TenantRequest) async -> TenantResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        do {
            if parts.first == "admin", parts.count >= 2, parts[1] == "api" {
                return try await adminAPI(request, Array(parts.dropFirst(2)))
            }
            if parts.first == "admin" { return try await console(request, Array(parts.dropFirst())) }
            if parts.count >= 3, parts[0] == "scim", parts[1] == "v2" { return await scim(request, tenant: parts[2], Array(parts.dropFirst(3))) }
            return try await endUser(request, parts)
        } catch {
            return await refusal(error, json: parts.first == "admin" && parts.count >= 2 && parts[1] == "api")
        }
    }

    // MARK: - Admin API

    func adminAPI(_ request: TenantRequest, _ parts: [String]) async throws -> TenantResponse {
        guard let header = request.headers["authorization"], header.hasPrefix("Bearer "),
              Self.constantTimeEqual(String(header.dropFirst(7)), adminToken) else {
            return json(401, ["error": "unauthorized", "detail": "send Authorization: Bearer <admin token>"])
        }
        let m = request.method
        switch (m, parts.count) {
        case ("GET", 1) where parts[0] == "tenants":
            return json(200, try await service.store.tenants().map { try view($0) })
        case ("POST", 1) where parts[0] == "tenants":
            let body = try object(request.body)
            guard let id = body["id"] as? String, let name = body["name"] as? String, let domains = body["domains"] as? [String] else {
                throw TenantError.invalidRequest("expected {\"id\": string, \"name\": string, \"domains\": [string]}")
            }
            return json(201, try view(try await service.createTenant(id: id, name: name, domains: domains, actor: "admin")))
        default: break
        }
        guard parts.count >= 2, parts[0] == "tenants" else { return notFound(json: true) }
        let id = parts[1]
        switch (m, Array(parts.dropFirst(2))) {
        case ("GET", []):
            return json(200, try view(try await service.tenant(id)))
        case ("GET", ["sso", "sp-metadata"]):
            let xml = try await service.spMetadata(id)
            return TenantResponse(reply: WebReply(status: 200, headers: [
                ("Content-Type", "application/samlmetadata+xml"), ("Content-Disposition", "attachment; filename=\"\(id)-sp-metadata.xml\""),
                ("Cache-Control", "no-store"),
            ], body: xml))
        case ("PUT", ["sso", "idp-metadata"]):
            let (xml, url, entityID) = try metadataBody(request)
            let (_, idp) = try await service.setIdPMetadata(id, xml: xml, url: url, entityID: entityID, actor: "admin")
            return json(200, idpSummary(idp))
        case ("PUT", ["sso", "settings"]):
            let body = try object(request.body)
            var settings = TenantService.Settings()
            for key in body.keys where !["requireCA", "caBundlePEM", "mapping", "allowIdPInitiated", "provisioningMatch", "justInTimeProvisioning"].contains(key) {
                throw TenantError.invalidRequest("unknown setting \(TenantError.quoted(key))")
            }
            let typed: TypedSettings
            do { typed = try JSONDecoder().decode(TypedSettings.self, from: Data(request.body)) } catch {
                throw TenantError.invalidRequest("requireCA and allowIdPInitiated must be true or false, caBundlePEM a string")
            }
            settings.requireCA = typed.requireCA
            settings.allowIdPInitiated = typed.allowIdPInitiated
            settings.caBundlePEM = typed.caBundlePEM
            settings.justInTimeProvisioning = typed.justInTimeProvisioning
            if let match = typed.provisioningMatch {
                guard let value = ProvisioningMatch(rawValue: match) else { throw TenantError.invalidRequest("provisioningMatch is userName or externalId") }
                settings.provisioningMatch = value
            }
            if let value = body["mapping"] { settings.mapping = try mapping(value) }
            return json(200, try view(try await service.updateSettings(id, settings, actor: "admin")))
        case ("POST", ["sso", "tests"]):
            let test = try await service.createTest(id, actor: "admin")
            return json(201, ["id": test.id, "loginURL": service.testLoginURL(test)])
        case ("GET", let rest) where rest.count == 3 && rest[0] == "sso" && rest[1] == "tests":
            return json(200, testView(try await service.test(rest[2], tenant: id)))
        case ("POST", ["sso", "enable"]):
            return json(200, try view(try await service.enable(id, actor: "admin")))
        case ("POST", ["sso", "disable"]):
            return json(200, try view(try await service.disable(id, actor: "admin")))
        case ("POST", ["scim", "token"]):
            return json(201, ["token": try await service.createSCIMToken(id, actor: "admin")])
        case ("POST", ["sso", "keys", "rollover"]):
            return json(200, try view(try await service.rollOverKeys(id, actor: "admin")))
        case ("GET", ["audit"]):
            return json(200, try await service.auditLog(id).map(auditView))
        default:
            return notFound(json: true)
        }
    }

    /// A PUT idp-metadata body: the XML itself, or `{"url": …, "entityID": …}`.
    func metadataBody(_ request: TenantRequest) throws -> ([UInt8]?, String?, String?) {
        let type = request.headers["content-type"]?.lowercased() ?? ""
        let first = request.body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if type.hasPrefix("application/json") || first == UInt8(ascii: "{") {
            let body = try object(request.body)
            guard let url = body["url"] as? String else { throw TenantError.invalidRequest("expected {\"url\": string}") }
            return (nil, url, body["entityID"] as? String)
        }
        guard !request.body.isEmpty else { throw TenantError.invalidRequest("send the IdP metadata XML as the body, or {\"url\": …}") }
        return (request.body, nil, request.queryFields["entityID"])
    }

    func mapping(_ value: Any) throws -> MappingChoice {
        if let name = value as? String { return .preset(name) }
        if let object = value as? [String: Any], let data = try? JSONSerialization.data(withJSONObject: object) {
            if let preset = object["preset"] as? String, object.count == 1 { return .preset(preset) }
            return .rules(String(decoding: data, as: UTF8.self))
        }
        throw TenantError.invalidMapping("a preset name, or {\"rules\": […]}")
    }

    func object(_ body: [UInt8]) throws -> [String: Any] {
        guard !body.isEmpty, let value = try? JSONSerialization.jsonObject(with: Data(body)), let object = value as? [String: Any] else {
            throw TenantError.invalidRequest("the body must be a JSON object")
        }
        return object
    }

    // MARK: - JSON views

    static func iso(_ date: Date?) -> Any {
        guard let date else { return NSNull() }
        let format = ISO8601DateFormatter()
        return format.string(from: date)
    }

    func view(_ tenant: Tenant) throws -> [String: Any] {
        var idp: Any = NSNull()
        if let metadata = try? service.identityProvider(of: tenant) { idp = idpSummary(metadata) }
        let mappingValue: Any
        switch tenant.sso.mapping {
        case .preset(let name): mappingValue = name
        case .rules(let json): mappingValue = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) ?? json
        }
        let lastTest: Any = tenant.sso.lastTest.map { ["id": $0.id, "status": $0.status.rawValue, "completedAt": Self.iso($0.completedAt)] as [String: Any] } ?? NSNull()
        return [
            "id": tenant.id, "name": tenant.name, "domains": tenant.domains,
            "sso": [
                "state": tenant.sso.state.rawValue,
                "sp": ["entityID": service.entityID(tenant.id), "acsURL": service.acsURL(tenant.id),
                       "metadataURL": service.entityID(tenant.id)] as [String: Any],
                "idp": idp, "requireCA": tenant.sso.requireCA, "mapping": mappingValue,
                "allowIdPInitiated": tenant.sso.allowIdPInitiated, "lastTest": lastTest,
            ] as [String: Any],
        ]
    }

    func idpSummary(_ idp: IdPMetadata) -> [String: Any] {
        let now = service.clock.now()
        let sso = idp.singleSignOnServices.first { $0.binding == .httpRedirect } ?? idp.singleSignOnServices.first
        return [
            "entityID": idp.entityID, "ssoURL": sso?.location ?? NSNull(),
            "certificates": idp.signingCertificates.compactMap { CertificateInfo($0, now: now) }.map {
                ["subject": $0.subject, "notAfter": Self.iso($0.notAfter), "daysToExpiry": $0.daysToExpiry] as [String: Any]
            },
        ]
    }

    func testView(_ test: SSOTest) -> [String: Any] {
        func orNull(_ value: Any?) -> Any { value ?? NSNull() }
        return [
            "id": test.id, "status": test.status.rawValue, "failedCheck": orNull(test.failedCheck), "detail": orNull(test.detail),
            "nameID": orNull(test.nameID), "attributes": orNull(test.attributes), "mapped": orNull(test.mapped),
            "certificates": orNull(test.certificates?.map { ["subject": $0.subject, "notAfter": Self.iso($0.notAfter), "daysToExpiry": $0.daysToExpiry] as [String: Any] }),
            "warnings": orNull(test.warnings), "completedAt": Self.iso(test.completedAt),
        ]
    }

    func auditView(_ event: AuditEvent) -> [String: Any] {
        ["at": Self.iso(event.at), "actor": event.actor, "action": event.action, "result": event.result, "detail": event.detail]
    }

    func json(_ status: Int, _ value: Any) -> TenantResponse {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return TenantResponse(reply: WebReply(status: status, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")],
                                              body: String(decoding: data, as: UTF8.self)))
    }

    func notFound(json isJSON: Bool) -> TenantResponse {
        if isJSON { return json(404, ["error": "notFound", "detail": "no such route"]) }
        return html(404, TenantPages.message("Not found", "There is no such page."))
    }

    /// A refused request: JSON `{"error", "detail"}` for the API (the case name as code), otherwise the refusal page
    /// with a reference; both with the error's status. The reference is logged by the adapter.
    func refusal(_ error: any Error, json isJSON: Bool) async -> TenantResponse {
        let status: Int
        let code: String
        let detail: String
        switch error {
        case let error as TenantError:
            (status, code, detail) = (error.httpStatus, error.code, error.detail)
        case let error as SAMLError:
            // In the admin API a SAMLError is about a document the admin sent: unacceptable (422). At the ACS: the
            // message is refused (403), or the SP's own condition (its fault's status).
            (status, code, detail) = (isJSON ? 422 : error.httpStatus, error.code, error.detail)
        case let error as any SAMLCodedError:
            (status, code, detail) = (isJSON && error.fault == .client ? 422 : error.httpStatus, error.code, WebErrorPage.oneLine(String(describing: error)))
        default:
            (status, code, detail) = (500, "internal", WebErrorPage.oneLine(String(describing: error)))
        }
        let rendered = WebErrorPage.render(error)
        let refusal = WebRefusal(reply: rendered.reply, reference: rendered.reference, code: code, detail: detail, fault: status >= 500 ? (status == 503 ? .unavailable : .server) : .client)
        if isJSON {
            var response = json(status, ["error": code, "detail": detail])
            response.refusal = refusal
            return response
        }
        var reply = rendered.reply
        reply.status = status
        if let error = error as? TenantError, error.httpStatus != 500 {
            let title: String
            switch error {
            case .testRequired: title = "Test required"
            case .userNotProvisioned, .userDeactivated, .ssoNotEnabled: title = "Sign-in refused"
            default: title = "Not possible"
            }
            reply.body = TenantPages.message(title, error.detail, reference: rendered.reference)
            reply.headers = TenantPages.headers
        }
        return TenantResponse(reply: reply, refusal: refusal)
    }

    func html(_ status: Int, _ body: String, session: WebReply.SessionChange? = nil) -> TenantResponse {
        TenantResponse(reply: WebReply(status: status, headers: TenantPages.headers, body: body, session: session))
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(SHA256.hash(data: Data(a.utf8))), y = Array(SHA256.hash(data: Data(b.utf8)))
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    // MARK: - End users

    func endUser(_ request: TenantRequest, _ parts: [String]) async throws -> TenantResponse {
        let m = request.method
        switch (m, parts) {
        case ("GET", ["healthz"]):
            return TenantResponse(reply: WebReply(status: 200, headers: [("Content-Type", "text/plain")], body: "ok"))
        case ("GET", []):
            return html(200, TenantPages.home(user: await user(request)))
        case ("GET", ["login"]):
            guard let email = request.queryFields["email"], !email.isEmpty else { return html(200, TenantPages.home(user: nil)) }
            guard let tenant = try await service.tenant(forEmail: email), tenant.sso.state == .enabled else {
                return html(404, TenantPages.message("Single sign-on is not set up", "Single sign-on is not set up for that email domain. Ask your administrator."))
            }
            // Straight to the tenant's IdP with the AuthnRequest (as /sso/{tenant}/login would).
            let url = try await service.beginLogin(tenant.id, returnTo: request.queryFields["returnTo"], testID: nil)
            return TenantResponse(reply: .redirect(to: url, status: 302))
        case ("GET", ["me"]):
            guard let user = await user(request) else { return json(401, ["error": "unauthorized", "detail": "not signed in"]) }
            return json(200, ["tenant": user.tenant, "uid": user.uid, "email": user.email ?? NSNull(), "name": user.name ?? NSNull(), "groups": user.groups])
        case ("POST", ["logout"]), ("GET", ["logout"]):
            if let id = request.cookie("SAML_SESSION") { try? await sessions.remove(sessionID: id) }
            return TenantResponse(reply: .redirect(to: "/", status: 303, session: .clear))
        case ("GET", let p) where p.count == 3 && p[0] == "sso" && p[2] == "metadata":
            let xml = try await service.spMetadata(p[1])
            return TenantResponse(reply: WebReply(status: 200, headers: [("Content-Type", "application/samlmetadata+xml")], body: xml))
        case ("GET", let p) where p.count == 3 && p[0] == "sso" && p[2] == "login":
            let q = request.queryFields
            let url = try await service.beginLogin(p[1], returnTo: q["returnTo"], testID: q["test"])
            return TenantResponse(reply: .redirect(to: url, status: 302))
        case ("POST", let p) where p.count == 3 && p[0] == "sso" && p[2] == "acs":
            let form = WebForm.parse(request.body)
            guard let samlResponse = form["SAMLResponse"] else { throw SAMLRouteError.missingParameter("SAMLResponse") }
            switch try await service.completeLogin(p[1], samlResponse: samlResponse, relayState: form["RelayState"]) {
            case .testCompleted(let test):
                return html(200, TenantPages.testResult(test))
            case .signedIn(let user, let returnTo, let session):
                if let previous = request.cookie("SAML_SESSION") { try? await sessions.remove(sessionID: previous) }
                let seconds = max(1, Int(session.expiresAt.timeIntervalSince(service.clock.now())))
                let id = try await sessions.create(SAMLUserSession(user: user, saml: session), expiresIn: seconds)
                return TenantResponse(reply: .redirect(to: returnTo, status: 303, session: .set(id: id, maxAge: seconds)))
            }
        default:
            return notFound(json: false)
        }
    }

    /// The signed-in user: a live session whose user is still provisioned and active (checked on every request, so
    /// deprovisioning ends a session on every instance at once).
    func user(_ request: TenantRequest) async -> TenantUser? {
        guard let id = request.cookie("SAML_SESSION"), let session = try? await sessions.load(sessionID: id),
              session.saml.isValid(at: service.clock.now()) else { return nil }
        guard await service.isProvisionedAndActive(session.user) else {
            try? await sessions.remove(sessionID: id)
            return nil
        }
        return session.user
    }

    // MARK: - SCIM

    /// `/scim/v2/{tenant}/…`: the tenant's SCIM token as the bearer (401 otherwise, and one tenant's token never reaches
    /// another's data), then the SCIM service.
    func scim(_ request: TenantRequest, tenant: String, _ path: [String]) async -> TenantResponse {
        func reply(_ status: Int, _ body: JSONValue?, etag: String? = nil, location: String? = nil) -> TenantResponse {
            var headers: [(name: String, value: String)] = [("Content-Type", "application/scim+json"), ("Cache-Control", "no-store")]
            if let etag { headers.append(("ETag", etag)) }
            if let location { headers.append(("Location", location)) }
            return TenantResponse(reply: WebReply(status: status, headers: headers, body: body?.text ?? ""))
        }
        guard let header = request.headers["authorization"], header.lowercased().hasPrefix("bearer "),
              (try? await service.checkSCIMToken(tenant, token: String(header.dropFirst(7)))) == true else {
            return reply(401, SCIMError(status: 401, "send the tenant's SCIM token as Authorization: Bearer").json)
        }
        let service = self.service
        let scim = SCIMService(store: service.scimStore, baseURL: service.configuration.baseURL, now: { service.clock.now() },
                               onDeprovision: { tenant, user in
            try? await service.audit(tenant, actor: "scim", action: "scim.deprovision", result: "ok",
                                     detail: "userName \(user.attributes[member: "userName"]?.string ?? "")")
        })
        let answer = await scim.handle(tenant: tenant, method: request.method, path: path, query: request.queryFields, body: request.body)
        return reply(answer.status, answer.body, etag: answer.etag, location: answer.location)
    }

    static func percent(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

#if Hummingbird
import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
@_spi(Integrations) import SAML
@_spi(Integrations) import SAMLTenants

/// The multi-tenant application's routes for Hummingbird 2 (issue 14), as a router middleware in front of the app's
/// own routes: the admin API (`/admin/api/…`, bearer token), the admin console (`/admin…`), and the end users'
/// routes (`/login?email=`, `/sso/{tenant}/login|acs|metadata`, `/me`, `/logout`, `/healthz`). Anything else goes on
/// to the app's routes. Each refusal is logged with the reference its page or JSON answer carries.
///
/// ```swift
/// let service = TenantService(configuration: .init(baseURL: base), store: store, replayCache: store, requestStore: store)
/// router.add(middleware: try SAMLTenantRoutes<BasicRequestContext>(service: service, adminToken: token))
/// ```
public struct SAMLTenantRoutes<Context: RequestContext>: RouterMiddleware {
    let http: TenantHTTP<SessionAdapter<TenantUser>>
    let sessions: SAMLSessionStore<TenantUser>
    let logger: Logger

    /// Routes over `service`.
    /// - Parameters:
    ///   - service: the tenants.
    ///   - adminToken: the bootstrap admin token (at least 16 characters).
    ///   - sessions: end users' sessions (default: in memory; give a shared driver for several instances).
    ///   - logger: where refusals are logged.
    public init(service: TenantService, adminToken: String, sessions: SAMLSessionStore<TenantUser>? = nil,
                logger: Logger = Logger(label: "SAMLTenants")) throws {
        let secure = service.configuration.baseURL.lowercased().hasPrefix("https://")
        let sessions = sessions ?? SAMLSessionStore<TenantUser>(driver: MemoryPersistDriver(), configuration: .init(
            sessionCookieParameters: .init(name: "SAML_SESSION", secure: secure, sameSite: .lax), keyPrefix: "saml.tenant.session."))
        self.sessions = sessions
        self.http = try TenantHTTP(service: service, sessions: SessionAdapter(store: sessions), adminToken: adminToken)
        self.logger = logger
    }

    static func handles(_ path: String) -> Bool {
        path == "/" || path == "/login" || path == "/me" || path == "/logout" || path == "/healthz" || path == "/admin"
            || path.hasPrefix("/admin/") || path.hasPrefix("/sso/") || path.hasPrefix("/scim/")
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard Self.handles(path) else { return try await next(request, context) }
        let method = request.method.rawValue
        var body: [UInt8] = []
        if method == "POST" || method == "PUT" || method == "PATCH" {
            let limit = TenantHTTP<SessionAdapter<TenantUser>>.bodyLimit(method: method, path: path)
            var request = request
            do {
                body = Array(try await request.collectBody(upTo: limit).readableBytesView)
            } catch {
                let refusal = WebErrorPage.render(SAMLRouteError.bodyTooLarge(limit: limit))
                log(refusal)
                return build(refusal.reply, cookies: [])
            }
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = headers[field.name.canonicalName].map { "\($0), \(field.value)" } ?? field.value }
        if let cookies = request.headers[values: .cookie].joined(separator: "; ") as String?, !cookies.isEmpty { headers["cookie"] = cookies }
        let response = await http.handle(TenantRequest(method: method, path: path, query: request.uri.query, headers: headers, body: body))
        if let refusal = response.refusal { log(refusal) }
        return build(response.reply, cookies: response.cookies)
    }

    func log(_ refusal: WebRefusal) { logger.refused(refusal, route: nil) }

    func build(_ reply: WebReply, cookies: [String]) -> Response {
        var headers = HTTPFields()
        for (name, value) in reply.headers {
            if let field = HTTPFields.Element.Name(name) { headers[values: field].append(value) }
        }
        for cookie in cookies { headers[values: .setCookie].append(cookie) }
        switch reply.session {
        case .set(let id, let maxAge)?: headers[values: .setCookie].append(sessions.cookie(id: id, maxAge: maxAge).description)
        case .clear?: headers[values: .setCookie].append(sessions.expiredCookie().description)
        case nil: break
        }
        return Response(status: .init(code: reply.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: reply.body)))
    }
}
#endif

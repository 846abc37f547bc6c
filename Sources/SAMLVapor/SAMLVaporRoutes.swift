#if Vapor
import Foundation
@_spi(Integrations) import SAML
import Vapor

/// The SP's routes for Vapor 4, over a ``ServiceProviderRuntime``, as a `RouteCollection`:
///
/// - `GET {group}/metadata`: the SP metadata (`application/samlmetadata+xml`).
/// - `GET {group}/login?returnTo=/path&idp=entityID`: SP-initiated login (302, or the auto-submitting POST form
///   served with its Content-Security-Policy); the return path is kept with the pending request in the runtime's
///   request store.
/// - `POST {group}/acs`: the response, streamed and collected up to ``acsBodyLimit`` (derived from
///   `maxResponseBytes`, not Vapor's 16 KB default); `onSignIn` maps the verified login to the app's user, which is
///   saved as a new session, recorded in the SLO index, and the browser is sent (303) to the checked return path.
/// - `GET|POST {group}/slo`: an IdP's LogoutRequest or its LogoutResponse to ours, both bindings.
/// - `GET|POST {group}/logout`: ends the browser's session and starts SP-initiated single logout when the IdP has a
///   SingleLogoutService.
///
/// Every refusal is a short page with a random reference (403 refused message, 500 the SP's configuration, 503 a
/// store that is down, 413 a body over the limit) and one log line with the same reference, code and capped detail.
///
/// ```swift
/// let sessions = SAMLVaporSessions<User>()
/// try app.group("saml") { saml in
///     try saml.register(collection: SAMLVaporRoutes(runtime: runtime, sessions: sessions, sessionIndex: index) { login, _ in
///         User(name: login.assertion.nameID.value)
///     })
/// }
/// app.grouped(SAMLVaporAuthenticator(sessions: sessions)).get("me") { req in try req.auth.require(User.self).name }
/// ```
public struct SAMLVaporRoutes<User: Codable & Sendable>: RouteCollection, Sendable {
    /// Maps a verified login to the app's user (look it up, create it, refuse it by throwing).
    public typealias SignIn = @Sendable (LoginCoordinator.Completion, Request) async throws -> User
    /// Told the IDs of sessions ended by single logout or sign-out (the sessions are already deleted).
    public typealias SignOut = @Sendable ([String]) async throws -> Void
    /// Settings of the routes.
    public typealias Options = SAMLRouteOptions

    /// The running SP.
    public let runtime: ServiceProviderRuntime
    /// Where sessions are saved.
    public let sessions: SAMLVaporSessions<User>
    /// NameID + SessionIndex → session ID, for IdP-initiated logout.
    public let sessionIndex: any SessionIndexStore
    /// The settings.
    public let options: Options
    let onSignIn: SignIn
    let onSignOut: SignOut?
    let logger: Logger

    /// Routes over `runtime`.
    /// - Parameters:
    ///   - runtime: the running SP.
    ///   - sessions: the sessions (give the same value to ``SAMLVaporAuthenticator``).
    ///   - sessionIndex: the SLO index (in memory, SQLite or PostgreSQL).
    ///   - options: session lifetime and logout settings.
    ///   - logger: where refusals are logged with their reference.
    ///   - onSignOut: told which sessions single logout ended.
    ///   - onSignIn: maps a verified login to the app's user.
    public init(runtime: ServiceProviderRuntime, sessions: SAMLVaporSessions<User>, sessionIndex: any SessionIndexStore,
                options: Options = .init(), logger: Logger = Logger(label: "SAMLVapor"),
                onSignOut: SignOut? = nil, onSignIn: @escaping SignIn) {
        self.runtime = runtime
        self.sessions = sessions
        self.sessionIndex = sessionIndex
        self.options = options
        self.logger = logger
        self.onSignOut = onSignOut
        self.onSignIn = onSignIn
    }

    /// The ACS and SLO routes' body limit: the base64 of `maxResponseBytes`, half again for percent-encoding, 8 KB
    /// for RelayState and the field names.
    public var acsBodyLimit: Int { WebFlow<SAMLVaporSessions<User>.Bound>.acsBodyLimit(runtime) }

    public func boot(routes: any RoutesBuilder) throws {
        routes.get("metadata") { request in await self.guarded("metadata", request) { flow in try flow.metadata() } }
        routes.get("login") { request in
            await self.guarded("login", request) { flow in try await flow.login(query: WebForm.parse(Array((request.url.query ?? "").utf8))) }
        }
        // Streamed, then collected here up to the limit: a body over it is this integration's 413 page, not Vapor's.
        routes.on(.POST, "acs", body: .stream) { request in
            await self.guarded("acs", request) { flow in
                let form = try await self.form(request)
                return try await flow.acs(form: form, currentSessionID: self.sessions.sessionID(of: request)) { login in
                    try await self.onSignIn(login, request)
                }
            }
        }
        routes.get("slo") { request in
            await self.guarded("slo", request) { flow in
                try await flow.slo(form: nil, rawQuery: request.url.query, currentSessionID: self.sessions.sessionID(of: request))
            }
        }
        routes.on(.POST, "slo", body: .stream) { request in
            await self.guarded("slo", request) { flow in
                try await flow.slo(form: try await self.form(request), rawQuery: nil, currentSessionID: self.sessions.sessionID(of: request))
            }
        }
        for method in [HTTPMethod.GET, .POST] {
            routes.on(method, "logout") { request in
                await self.guarded("logout", request) { flow in try await flow.logout(currentSessionID: self.sessions.sessionID(of: request)) }
            }
        }
    }

    func flow(_ request: Request) -> WebFlow<SAMLVaporSessions<User>.Bound> {
        WebFlow(runtime: runtime, sessions: .init(sessions: sessions, request: request), sessionIndex: sessionIndex, options: options,
                onSignOut: onSignOut)
    }

    private func guarded(_ route: String, _ request: Request,
                         _ body: (WebFlow<SAMLVaporSessions<User>.Bound>) async throws -> WebReply) async -> Response {
        let flow = flow(request)
        do {
            return response(try await body(flow))
        } catch {
            let refusal = await flow.refusal(for: error)
            logger.log(level: refusal.isWarning ? .warning : .error, "SAML request refused",
                       metadata: Logger.Metadata(uniqueKeysWithValues: refusal.logFields(route: route).map { ($0.key, .string($0.value)) }))
            return response(refusal.reply)
        }
    }

    func response(_ reply: WebReply) -> Response {
        var headers = HTTPHeaders()
        for (name, value) in reply.headers { headers.add(name: name, value: value) }
        let response = Response(status: HTTPResponseStatus(statusCode: reply.status), headers: headers, body: .init(string: reply.body))
        switch reply.session {
        case .set(let id, let maxAge)?: response.cookies[sessions.cookie.name] = sessions.cookieValue(id: id, maxAge: maxAge)
        case .clear?: response.cookies[sessions.cookie.name] = sessions.cookieValue(id: nil, maxAge: 0)
        case nil: break
        }
        return response
    }

    /// The request's `application/x-www-form-urlencoded` body, collected up to ``acsBodyLimit`` bytes (over it: 413).
    func form(_ request: Request) async throws -> [String: String] {
        let limit = acsBodyLimit
        let buffer: ByteBuffer?
        do {
            buffer = try await request.body.collect(max: limit).get()
        } catch {
            throw SAMLRouteError.bodyTooLarge(limit: limit)
        }
        guard let buffer else { return [:] }
        guard buffer.readableBytes <= limit else { throw SAMLRouteError.bodyTooLarge(limit: limit) }
        return WebForm.parse(Array(buffer.readableBytesView))
    }
}
#endif

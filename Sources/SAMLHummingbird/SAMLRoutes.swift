#if Hummingbird
import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
@_spi(Integrations) import SAML

/// The errors of the Hummingbird routes themselves (the core's ``SAMLRouteError``, shared with SAMLVapor).
public typealias SAMLHummingbirdError = SAMLRouteError

/// The SP's routes for Hummingbird 2, over a ``ServiceProviderRuntime``:
///
/// - `GET {group}/metadata`: the SP metadata (`application/samlmetadata+xml`).
/// - `GET {group}/login?returnTo=/path&idp=entityID`: SP-initiated login (302, or the auto-submitting POST form
///   served with its Content-Security-Policy); the return path is kept with the pending request in the runtime's
///   request store (a shared one works across instances).
/// - `POST {group}/acs`: the response, collected up to a limit derived from `maxResponseBytes`; `onSignIn` maps the
///   verified login to the app's user, which is saved as a new session (the session rotates), recorded in the SLO
///   index, and the browser is sent (303) to the checked return path.
/// - `GET|POST {group}/slo`: an IdP's LogoutRequest (ends the sessions it names, calls `onSignOut`, answers with a
///   LogoutResponse) or its LogoutResponse to ours (then to `/`), both bindings.
/// - `GET|POST {group}/logout`: ends the browser's session and, when the IdP has a SingleLogoutService, starts
///   SP-initiated single logout.
///
/// Every refusal is a short page with a random reference (403 for a refused message, 500 for the SP's own
/// configuration, 503 for a store that is down, 413 for a body over the limit) and one log line with the same
/// reference, the error's code and its capped one-line detail.
///
/// ```swift
/// let saml = SAMLRoutes<BasicAuthRequestContext<User>, User>(runtime: runtime, sessions: sessions, sessionIndex: index) { login, _, _ in
///     User(name: login.assertion.nameID.value)
/// }
/// saml.register(on: router.group("saml"))
/// router.group("app").add(middleware: SAMLAuthenticator(sessions: sessions)).get("me") { _, context in ... }
/// ```
public struct SAMLRoutes<Context: RequestContext, User: Codable & Sendable>: Sendable {
    /// Maps a verified login to the app's user (look it up, create it, refuse it by throwing).
    public typealias SignIn = @Sendable (LoginCoordinator.Completion, Request, Context) async throws -> User
    /// Told the IDs of sessions ended by single logout or sign-out (the sessions are already removed from the store).
    public typealias SignOut = @Sendable ([String]) async throws -> Void
    /// Settings of the routes.
    public typealias Options = SAMLRouteOptions

    /// The running SP.
    public var runtime: ServiceProviderRuntime { flow.runtime }
    /// Where sessions are saved.
    public let sessions: SAMLSessionStore<User>
    /// NameID + SessionIndex → session ID, for IdP-initiated logout.
    public var sessionIndex: any SessionIndexStore { flow.sessionIndex }
    /// The settings.
    public var options: Options { flow.options }
    let flow: WebFlow<SessionAdapter<User>>
    let onSignIn: SignIn
    let logger: Logger

    /// Routes over `runtime`.
    /// - Parameters:
    ///   - runtime: the running SP.
    ///   - sessions: the session store (give the same one to ``SAMLAuthenticator``).
    ///   - sessionIndex: the SLO index (in memory, SQLite or PostgreSQL).
    ///   - options: session lifetime and logout settings.
    ///   - logger: where refusals are logged with their reference.
    ///   - onSignOut: told which sessions single logout ended.
    ///   - onSignIn: maps a verified login to the app's user.
    public init(runtime: ServiceProviderRuntime, sessions: SAMLSessionStore<User>, sessionIndex: any SessionIndexStore,
                options: Options = .init(), logger: Logger = Logger(label: "SAMLHummingbird"),
                onSignOut: SignOut? = nil, onSignIn: @escaping SignIn) {
        self.sessions = sessions
        self.flow = WebFlow(runtime: runtime, sessions: SessionAdapter(store: sessions), sessionIndex: sessionIndex, options: options, onSignOut: onSignOut)
        self.logger = logger
        self.onSignIn = onSignIn
    }

    /// The ACS route's body limit: the base64 of `maxResponseBytes` (4/3, with line breaks), half as much again for
    /// the form's percent-encoding of `+`, `/` and `=`, and 8 KB for RelayState and the field names.
    public var acsBodyLimit: Int { WebFlow<SessionAdapter<User>>.acsBodyLimit(runtime) }

    /// Adds the routes to `group` (e.g. `router.group("saml")`).
    public func register(on group: some RouterMethods<Context>) {
        group.get("metadata") { _, _ in await self.guarded("metadata") { try self.flow.metadata() } }
        group.get("login") { request, _ in
            await self.guarded("login") {
                try await self.flow.login(query: WebForm.parse(Array((request.uri.query ?? "").utf8)))
            }
        }
        group.post("acs") { request, context in
            await self.guarded("acs") {
                let form = try await Self.form(request, limit: self.acsBodyLimit)
                return try await self.flow.acs(form: form, currentSessionID: self.sessions.sessionID(of: request)) { login in
                    try await self.onSignIn(login, request, context)
                }
            }
        }
        group.get("slo") { request, _ in
            await self.guarded("slo") {
                try await self.flow.slo(form: nil, rawQuery: request.uri.query, currentSessionID: self.sessions.sessionID(of: request))
            }
        }
        group.post("slo") { request, _ in
            await self.guarded("slo") {
                let form = try await Self.form(request, limit: self.acsBodyLimit)
                return try await self.flow.slo(form: form, rawQuery: nil, currentSessionID: self.sessions.sessionID(of: request))
            }
        }
        group.get("logout") { request, _ in await self.guarded("logout") { try await self.flow.logout(currentSessionID: self.sessions.sessionID(of: request)) } }
        group.post("logout") { request, _ in await self.guarded("logout") { try await self.flow.logout(currentSessionID: self.sessions.sessionID(of: request)) } }
    }

    private func guarded(_ route: String, _ body: () async throws -> WebReply) async -> Response {
        do {
            return response(try await body())
        } catch {
            let refusal = await flow.refusal(for: error)
            logger.refused(refusal, route: route)
            return response(refusal.reply)
        }
    }

    func response(_ reply: WebReply) -> Response {
        var headers = HTTPFields()
        for (name, value) in reply.headers {
            if let field = HTTPFields.Element.Name(name) { headers[values: field].append(value) }
        }
        switch reply.session {
        case .set(let id, let maxAge)?: headers[values: .setCookie].append(sessions.cookie(id: id, maxAge: maxAge).description)
        case .clear?: headers[values: .setCookie].append(sessions.expiredCookie().description)
        case nil: break
        }
        return Response(status: .init(code: reply.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: reply.body)))
    }

    /// The request's `application/x-www-form-urlencoded` body, collected up to `limit` bytes (over it: 413).
    static func form(_ request: Request, limit: Int) async throws -> [String: String] {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw SAMLRouteError.bodyTooLarge(limit: limit)
        }
        return WebForm.parse(Array(buffer.readableBytesView))
    }
}
extension Logger {
    /// One line for a refusal, with the reference its page shows.
    func refused(_ refusal: WebRefusal, route: String?) {
        log(level: refusal.isWarning ? .warning : .error, "SAML request refused",
            metadata: Metadata(uniqueKeysWithValues: refusal.logFields(route: route).map { ($0.key, .string($0.value)) }))
    }
}

/// The session store as the shared route logic sees it.
struct SessionAdapter<User: Codable & Sendable>: WebSessionStore {
    let store: SAMLSessionStore<User>
    func create(_ session: SAMLUserSession<User>, expiresIn seconds: Int) async throws -> String { try await store.create(session, expiresIn: seconds) }
    func load(sessionID: String) async throws -> SAMLUserSession<User>? { try await store.load(sessionID: sessionID) }
    func remove(sessionID: String) async throws { try await store.remove(sessionID: sessionID) }
}
#endif

#if Vapor
import Foundation
@_spi(Integrations) import SAML
import Vapor

/// Vapor's sessions for SAML sign-ins: the app's `SessionDriver` (`app.sessions.driver`: memory, Fluent, Redis…)
/// under a cookie of its own. The routes create a new session at every login (a new ID: the session rotates), the
/// authenticator reads it back, and an IdP's LogoutRequest deletes the sessions it names by their IDs. The session's
/// data holds one field, the JSON of ``SAMLUserSession``.
public struct SAMLVaporSessions<User: Codable & Sendable>: Sendable {
    /// The session cookie's settings.
    public struct Cookie: Sendable {
        /// Its name (default `SAML_SESSION`).
        public var name: String = "SAML_SESSION"
        /// Its path (default `/`).
        public var path: String = "/"
        /// Its Domain attribute, if any.
        public var domain: String?
        /// Whether it is `Secure` (default true; turn off only for plain-HTTP development on loopback).
        public var isSecure: Bool = true
        /// Its SameSite policy (default Lax: the IdP's POST to the ACS is cross-site, the cookie is set by its answer).
        public var sameSite: HTTPCookies.SameSitePolicy = .lax
        /// The default settings.
        public init() {}
    }

    /// The cookie settings.
    public let cookie: Cookie
    /// The driver, from the application when nil.
    let driver: (any SessionDriver)?
    static var field: String { "saml.session" }

    /// Sessions in `driver` (nil: the application's `app.sessions.driver`, read per request).
    /// - Parameters:
    ///   - driver: where sessions are kept (use a shared one, e.g. Redis or Fluent, when several instances serve the app).
    ///   - cookie: the cookie settings.
    public init(driver: (any SessionDriver)? = nil, cookie: Cookie = .init()) {
        self.driver = driver
        self.cookie = cookie
    }

    /// The session ID the request's cookie carries, if any.
    public func sessionID(of request: Request) -> String? {
        guard let value = request.cookies[cookie.name]?.string, !value.isEmpty else { return nil }
        return value
    }

    /// The request's session, if its cookie names one that still exists.
    public func load(_ request: Request) async throws -> SAMLUserSession<User>? {
        guard let id = sessionID(of: request) else { return nil }
        return try await load(sessionID: id, for: request)
    }

    /// Deletes the session with this ID (a LogoutRequest ended it, or the user signed out).
    public func remove(sessionID: String, for request: Request) async throws {
        try await driver(request).deleteSession(SessionID(string: sessionID), for: request).get()
    }

    func driver(_ request: Request) -> any SessionDriver { driver ?? request.application.sessions.driver }

    func create(_ session: SAMLUserSession<User>, for request: Request) async throws -> String {
        let json = String(decoding: try JSONEncoder().encode(session), as: UTF8.self)
        return try await driver(request).createSession(SessionData(initialData: [Self.field: json]), for: request).get().string
    }

    func load(sessionID: String, for request: Request) async throws -> SAMLUserSession<User>? {
        guard let data = try await driver(request).readSession(SessionID(string: sessionID), for: request).get(),
              let json = data[Self.field] else { return nil }
        return try JSONDecoder().decode(SAMLUserSession<User>.self, from: Data(json.utf8))
    }

    /// The cookie value carrying session `id` for `maxAge` seconds (nil: one that makes the browser forget it).
    func cookieValue(id: String?, maxAge: Int) -> HTTPCookies.Value {
        HTTPCookies.Value(string: id ?? "", expires: id == nil ? Date(timeIntervalSince1970: 0) : nil, maxAge: id == nil ? 0 : maxAge,
                          domain: cookie.domain, path: cookie.path, isSecure: cookie.isSecure, isHTTPOnly: true, sameSite: cookie.sameSite)
    }

    /// The store as the shared route logic sees it, bound to one request (Vapor's drivers take the request).
    struct Bound: WebSessionStore {
        let sessions: SAMLVaporSessions<User>
        let request: Request
        func create(_ session: SAMLUserSession<User>, expiresIn seconds: Int) async throws -> String {
            try await sessions.create(session, for: request)
        }
        func load(sessionID: String) async throws -> SAMLUserSession<User>? { try await sessions.load(sessionID: sessionID, for: request) }
        func remove(sessionID: String) async throws { try await sessions.remove(sessionID: sessionID, for: request) }
    }
}

/// Reads the SAML session back and logs its user in (`req.auth.login(user)`): put it in front of the app's routes,
/// then `req.auth.get(User.self)` is the user `onSignIn` returned, or nil (no session, an unknown or deleted one, or
/// one past its SAML expiry). Add `User.guardMiddleware()` after it where a route requires a user.
public struct SAMLVaporAuthenticator<User: Authenticatable & Codable & Sendable>: AsyncMiddleware {
    /// Where the sessions are.
    public let sessions: SAMLVaporSessions<User>
    /// The clock the SAML expiry is checked against.
    public let clock: any SAMLClock

    /// An authenticator over `sessions`.
    /// - Parameters:
    ///   - sessions: the sessions the routes save to.
    ///   - clock: the wall clock (the runtime's).
    public init(sessions: SAMLVaporSessions<User>, clock: any SAMLClock = SystemClock()) {
        self.sessions = sessions
        self.clock = clock
    }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // An unreadable store or a stale cookie means "not signed in", never an error page for every route.
        if let session = try? await sessions.load(request), session.saml.isValid(at: clock.now()) {
            request.auth.login(session.user)
        }
        return try await next.respond(to: request)
    }
}
#endif

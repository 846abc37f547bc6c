#if Hummingbird
import Foundation
import Hummingbird
import HummingbirdAuth
@_spi(Integrations) import SAML

/// hummingbird-auth's session storage for SAML sign-ins: a ``SessionStorage`` over the app's `PersistDriver` (memory,
/// Redis, Fluent…), under a key prefix and cookie of its own. The routes save a new session at every login (a new ID:
/// the session rotates), the authenticator reads it back, and an IdP's LogoutRequest removes the sessions it names by
/// their IDs.
public struct SAMLSessionStore<User: Codable & Sendable>: Sendable {
    /// The driver the sessions are kept in.
    public let driver: any PersistDriver
    /// Cookie and key prefix.
    public let configuration: SessionStorageConfiguration
    /// hummingbird-auth's storage over `driver` with `configuration`.
    public let storage: SessionStorage<SAMLUserSession<User>>

    /// A store over `driver`.
    /// - Parameters:
    ///   - driver: where sessions are kept (use a shared one, e.g. Redis, when several instances serve the app).
    ///   - configuration: the cookie (default `SAML_SESSION`, `Secure`, `SameSite=Lax`, path `/`) and key prefix.
    public init(driver: any PersistDriver,
                configuration: SessionStorageConfiguration = .init(sessionCookieParameters: .init(name: "SAML_SESSION", secure: true, sameSite: .lax),
                                                                   keyPrefix: "saml.session.")) {
        self.driver = driver
        self.configuration = configuration
        self.storage = SessionStorage(driver, configuration: configuration)
    }

    /// The session ID the request's cookie carries, if any.
    public func sessionID(of request: Request) -> String? { storage.getId(request: request) }

    /// The request's session, if its cookie names one that still exists.
    public func load(_ request: Request) async throws -> SAMLUserSession<User>? {
        try await storage.load(request: request)
    }

    /// Saves a new session under a fresh ID (hummingbird-auth's) and returns the ID.
    func create(_ session: SAMLUserSession<User>, expiresIn seconds: Int) async throws -> String {
        try await storage.save(session: session, expiresIn: .seconds(seconds)).value
    }

    /// The session with this ID, if it exists.
    public func load(sessionID: String) async throws -> SAMLUserSession<User>? {
        try await driver.get(key: configuration.keyPrefix + sessionID, as: SAMLUserSession<User>.self)
    }

    /// The cookie carrying session `id` for `maxAge` seconds, with the configured parameters.
    func cookie(id: String, maxAge: Int) -> Cookie {
        let parameters = configuration.sessionCookieParameters
        return Cookie(name: parameters.name, value: id, maxAge: maxAge, domain: parameters.domain, path: parameters.path,
                      secure: parameters.secure, httpOnly: true, sameSite: parameters.sameSite ?? .lax)
    }

    /// Removes the session with this ID (a LogoutRequest ended it, or the user signed out).
    public func remove(sessionID: String) async throws {
        try await driver.remove(key: configuration.keyPrefix + sessionID)
    }

    /// A cookie that makes the browser forget its session cookie.
    func expiredCookie() -> Cookie {
        let parameters = configuration.sessionCookieParameters
        return Cookie(name: parameters.name, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, domain: parameters.domain,
                      path: parameters.path, secure: parameters.secure, httpOnly: true, sameSite: parameters.sameSite ?? .lax)
    }
}

/// Reads the SAML session back into the context's identity (hummingbird-auth's `AuthenticatorMiddleware`): put it in
/// front of the app's routes, then `context.identity` is the user `onSignIn` returned, or nil (no session, an unknown
/// or removed one, or one past its SAML expiry).
public struct SAMLAuthenticator<Context: AuthRequestContext>: AuthenticatorMiddleware where Context.Identity: Codable {
    public typealias Identity = Context.Identity

    /// Where the sessions are.
    public let sessions: SAMLSessionStore<Context.Identity>
    /// The clock the SAML expiry is checked against.
    public let clock: any SAMLClock

    /// An authenticator over `sessions`.
    /// - Parameters:
    ///   - sessions: the store the routes save to.
    ///   - clock: the wall clock (the runtime's).
    public init(sessions: SAMLSessionStore<Context.Identity>, clock: any SAMLClock = SystemClock()) {
        self.sessions = sessions
        self.clock = clock
    }

    public func authenticate(request: Request, context: Context) async throws -> Context.Identity? {
        // An unreadable store or a stale cookie means "not signed in", never an error page for every route.
        guard let session = try? await sessions.load(request), session.saml.isValid(at: clock.now()) else { return nil }
        return session.user
    }
}
#endif

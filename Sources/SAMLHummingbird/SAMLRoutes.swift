#if Hummingbird
import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import SAML

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
    public struct Options: Sendable {
        /// How long a session lasts at most (the assertion's SessionNotOnOrAfter shortens it); default 8 hours.
        public var sessionLifetime: TimeInterval = 8 * 3600
        /// The binding of SP-initiated LogoutRequests (default HTTP-Redirect; falls back to the other one the IdP has).
        public var logoutBinding: Binding = .httpRedirect
        /// Where the browser goes after logout.
        public var afterLogout: String = "/"
        /// Creates the default options.
        public init() {}
    }

    /// The running SP.
    public let runtime: ServiceProviderRuntime
    /// Where sessions are saved.
    public let sessions: SAMLSessionStore<User>
    /// NameID + SessionIndex → session ID, for IdP-initiated logout.
    public let sessionIndex: any SessionIndexStore
    /// The settings.
    public let options: Options
    let onSignIn: SignIn
    let onSignOut: SignOut?
    let logger: Logger
    let errors: ErrorPage

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
        self.runtime = runtime
        self.sessions = sessions
        self.sessionIndex = sessionIndex
        self.options = options
        self.logger = logger
        self.onSignIn = onSignIn
        self.onSignOut = onSignOut
        self.errors = ErrorPage(runtime: runtime, logger: logger)
    }

    /// The ACS route's body limit: the base64 of `maxResponseBytes` (4/3, with line breaks), half as much again for
    /// the form's percent-encoding of `+`, `/` and `=`, and 8 KB for RelayState and the field names.
    public var acsBodyLimit: Int {
        let bytes = runtime.configuration.options.maxResponseBytes
        let base64 = bytes / 3 * 4 + bytes / 38 + 8
        return base64 + base64 / 2 + 8192
    }

    /// Adds the routes to `group` (e.g. `router.group("saml")`).
    public func register(on group: some RouterMethods<Context>) {
        group.get("metadata") { _, _ in await self.guarded("metadata") { try await self.metadata() } }
        group.get("login") { request, context in await self.guarded("login") { try await self.login(request, context) } }
        group.post("acs") { request, context in await self.guarded("acs") { try await self.acs(request, context) } }
        group.get("slo") { request, context in await self.guarded("slo") { try await self.slo(request, context, post: false) } }
        group.post("slo") { request, context in await self.guarded("slo") { try await self.slo(request, context, post: true) } }
        group.get("logout") { request, context in await self.guarded("logout") { try await self.logout(request, context) } }
        group.post("logout") { request, context in await self.guarded("logout") { try await self.logout(request, context) } }
    }

    private func guarded(_ route: String, _ body: () async throws -> Response) async -> Response {
        do { return try await body() } catch { return await errors.response(for: error, route: route) }
    }

    // MARK: - Routes

    func metadata() async throws -> Response {
        let xml = try runtime.configuration.metadataXML()
        return Response(status: .ok, headers: [.contentType: "application/samlmetadata+xml"], body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    func login(_ request: Request, _ context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        let idp = query["idp"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let start = try await runtime.coordinator.begin(identityProvider: idp, returnTo: query["returnTo"].map(String.init))
        return Self.deliver(start.delivery)
    }

    func acs(_ request: Request, _ context: Context) async throws -> Response {
        let form = try await Self.form(request, limit: acsBodyLimit)
        guard let samlResponse = form["SAMLResponse"] else { throw SAMLHummingbirdError.missingParameter("SAMLResponse") }
        let login = try await runtime.coordinator.complete(samlResponse: samlResponse, relayState: form["RelayState"])
        let user = try await onSignIn(login, request, context)
        let now = runtime.clock.now()
        let saml = SAMLSession(assertion: login.assertion, uid: login.assertion.nameID.value, lifetime: options.sessionLifetime, now: now)
        // The session rotates: the one the browser had before (if any) is removed, the user gets a new ID.
        if let previous = sessions.sessionID(of: request) {
            try await Self.store("remove previous session") { try await self.sessions.remove(sessionID: previous) }
            try await Self.store("unindex previous session") { try await self.sessionIndex.remove(sessionID: previous) }
        }
        let seconds = max(1, Int(saml.expiresAt.timeIntervalSince(now).rounded(.down)))
        let cookie = try await Self.store("save session") {
            try await self.sessions.save(SAMLUserSession(user: user, saml: saml), expiresIn: .seconds(seconds))
        }
        do {
            try await sessionIndex.record(SessionIndexEntry(session: saml, sessionID: cookie.value))
        } catch {
            // Without its index entry an IdP logout could not end this session: refuse the login (fail closed).
            try? await sessions.remove(sessionID: cookie.value)
            throw Self.storeError("record session index", error)
        }
        var headers = HTTPFields()
        headers[.location] = login.returnTo
        headers[.cacheControl] = "no-store"
        headers[.setCookie] = cookie.description
        return Response(status: .seeOther, headers: headers)
    }

    func slo(_ request: Request, _ context: Context, post: Bool) async throws -> Response {
        let message: LogoutMessage
        let isRequest: Bool
        if post {
            let form = try await Self.form(request, limit: acsBodyLimit)
            if let value = form["SAMLRequest"] {
                message = .post(value: value, relayState: form["RelayState"], parameter: "SAMLRequest")
                isRequest = true
            } else if let value = form["SAMLResponse"] {
                message = .post(value: value, relayState: form["RelayState"], parameter: "SAMLResponse")
                isRequest = false
            } else {
                throw SAMLHummingbirdError.missingParameter("SAMLRequest")
            }
        } else {
            let query = request.uri.queryParameters
            guard let raw = request.uri.query, query["SAMLRequest"] != nil || query["SAMLResponse"] != nil else {
                throw SAMLHummingbirdError.missingParameter("SAMLRequest")
            }
            message = .redirect(query: raw)
            isRequest = query["SAMLRequest"] != nil
        }
        let sp = try await runtime.serviceProvider()
        if isRequest {
            let logoutRequest = try await sp.validateLogoutRequest(message)
            let ended = try await Self.store("end sessions") {
                try await self.sessionIndex.endSessions(issuer: logoutRequest.issuer, nameID: logoutRequest.nameID.value,
                                                        sessionIndexes: logoutRequest.sessionIndexes)
            }
            for id in ended { try await Self.store("remove session") { try await self.sessions.remove(sessionID: id) } }
            if !ended.isEmpty, let onSignOut { try await onSignOut(ended) }
            let idp = try await runtime.identityProvider(logoutRequest.issuer)
            let binding: Binding = post && idp.singleLogoutService(binding: .httpPOST) != nil ? .httpPOST
                : (idp.singleLogoutService(binding: .httpRedirect) != nil ? .httpRedirect : .httpPOST)
            let answer = try runtime.configuration.logoutResponse(answering: logoutRequest, to: idp, binding: binding, clock: runtime.clock)
            var response = Self.deliver(answer.delivery)
            if sessions.sessionID(of: request).map({ ended.contains($0) }) ?? false {
                response.headers[values: .setCookie].append(sessions.expiredCookie().description)
            }
            return response
        }
        // A LogoutResponse answers the LogoutRequest kept under its RelayState (taken once).
        guard let relayState = Self.relayState(of: message),
              let pending = try await runtime.requestStore.take(relayState: relayState) else {
            throw SAMLHummingbirdError.unexpectedLogoutResponse
        }
        let verified = try await sp.validateLogoutResponse(message, expectedRequestID: pending.requestID)
        guard Array(verified.issuer.utf8) == Array(pending.identityProvider.utf8) else { throw SAMLHummingbirdError.logoutResponseFromUnexpectedIdP }
        return Self.redirect(to: pending.returnTo, status: .seeOther)
    }

    func logout(_ request: Request, _ context: Context) async throws -> Response {
        guard let id = sessions.sessionID(of: request) else { return Self.redirect(to: options.afterLogout, status: .seeOther) }
        let session = try? await sessions.load(request)
        try await Self.store("remove session") { try await self.sessions.remove(sessionID: id) }
        try await Self.store("unindex session") { try await self.sessionIndex.remove(sessionID: id) }
        if let onSignOut { try await onSignOut([id]) }
        let expired = sessions.expiredCookie().description
        guard let saml = session?.saml, let idp = try? await runtime.identityProvider(saml.issuer),
              let binding = [options.logoutBinding, .httpRedirect, .httpPOST].first(where: { idp.singleLogoutService(binding: $0) != nil }) else {
            var response = Self.redirect(to: options.afterLogout, status: .seeOther)
            response.headers[values: .setCookie].append(expired)
            return response
        }
        // The LogoutRequest's ID waits in the request store under a fresh RelayState for the IdP's LogoutResponse.
        let relayState = RelayState.generate()
        let message = try runtime.configuration.logoutRequest(to: idp, nameID: saml.nameID, sessionIndexes: saml.sessionIndex.map { [$0] } ?? [],
                                                              relayState: relayState, binding: binding, clock: runtime.clock)
        try await runtime.requestStore.put(PendingRequest(relayState: relayState, requestID: message.id, identityProvider: idp.entityID,
                                                          returnTo: ReturnPath.local(options.afterLogout),
                                                          expiresAt: runtime.clock.now().addingTimeInterval(runtime.requestLifetime)))
        var response = Self.deliver(message.delivery)
        response.headers[values: .setCookie].append(expired)
        return response
    }

    // MARK: - Helpers

    static func relayState(of message: LogoutMessage) -> String? {
        switch message {
        case .post(_, let relayState, _): return relayState
        case .redirect(let query):
            for pair in query.split(separator: "&") where pair.hasPrefix("RelayState=") {
                return formDecode(pair.dropFirst("RelayState=".count))
            }
            return nil
        }
    }

    static func deliver(_ delivery: OutgoingMessage.Delivery) -> Response {
        switch delivery {
        case .redirect(let url):
            return redirect(to: url, status: .found)
        case .post(let form):
            return Response(status: .ok, headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: form.contentSecurityPolicy,
            ], body: .init(byteBuffer: ByteBuffer(string: form.html)))
        }
    }

    static func redirect(to location: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// The request's `application/x-www-form-urlencoded` body, collected up to `limit` bytes (over it: 413).
    static func form(_ request: Request, limit: Int) async throws -> [String: String] {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw SAMLHummingbirdError.bodyTooLarge(limit: limit)
        }
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = formDecode(parts[0]), fields[name] == nil else { continue }  // the first of a repeated field wins
            fields[name] = parts.count > 1 ? formDecode(parts[1]) : ""
        }
        return fields
    }

    static func formDecode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// Runs a store call; an error that is not already coded becomes ``SAMLHummingbirdError/storeFailed(operation:detail:)``.
    static func store<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw storeError(operation, error) }
    }

    static func storeError(_ operation: String, _ error: any Error) -> any Error {
        if error is any SAMLCodedError { return error }
        return SAMLHummingbirdError.storeFailed(operation: operation, detail: ErrorPage.oneLine(String(describing: error)))
    }
}
#endif

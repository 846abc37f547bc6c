import Foundation

/// What a signed-in browser's session holds: the app's user (whatever the app's sign-in hook returned) and the SAML
/// session it came from (NameID, SessionIndex, IdP, expiry), kept for single logout.
public struct SAMLUserSession<User: Codable & Sendable>: Codable, Sendable {
    /// The app's user.
    public var user: User
    /// The SAML session the user signed in with.
    public var saml: SAMLSession

    /// Creates a session value.
    /// - Parameters:
    ///   - user: the app's user.
    ///   - saml: the SAML session.
    public init(user: User, saml: SAMLSession) {
        self.user = user
        self.saml = saml
    }
}

/// Settings of the SAML routes of a web-framework integration.
public struct SAMLRouteOptions: Sendable {
    /// How long a session lasts at most (the assertion's SessionNotOnOrAfter shortens it); default 8 hours.
    public var sessionLifetime: TimeInterval = 8 * 3600
    /// The binding of SP-initiated LogoutRequests (default HTTP-Redirect; falls back to the other one the IdP has).
    public var logoutBinding: Binding = .httpRedirect
    /// Where the browser goes after logout.
    public var afterLogout: String = "/"
    /// Creates the default options.
    public init() {}
}

/// A framework's store of browser sessions, as the shared route logic needs it.
@_spi(Integrations)
public protocol WebSessionStore<User>: Sendable {
    associatedtype User: Codable & Sendable
    /// Saves a new session under a fresh ID and returns the ID.
    func create(_ session: SAMLUserSession<User>, expiresIn seconds: Int) async throws -> String
    /// The session with this ID, if it exists.
    func load(sessionID: String) async throws -> SAMLUserSession<User>?
    /// Removes the session with this ID.
    func remove(sessionID: String) async throws
}

/// An HTTP answer in neutral terms; each integration turns it into its framework's response.
@_spi(Integrations)
public struct WebReply: Sendable {
    /// What to do with the browser's session cookie.
    public enum SessionChange: Sendable, Hashable {
        /// Set the cookie to this session ID for `maxAge` seconds.
        case set(id: String, maxAge: Int)
        /// Make the browser forget its cookie.
        case clear
    }
    /// The status code.
    public var status: Int
    /// Header fields besides Set-Cookie.
    public var headers: [(name: String, value: String)]
    /// The body (UTF-8).
    public var body: String
    /// The cookie change, if any.
    public var session: SessionChange?

    /// A reply.
    public init(status: Int, headers: [(name: String, value: String)], body: String = "", session: SessionChange? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.session = session
    }

    /// A redirect (no-store).
    public static func redirect(to location: String, status: Int, session: SessionChange? = nil) -> WebReply {
        WebReply(status: status, headers: [("Location", location), ("Cache-Control", "no-store")], session: session)
    }

    /// The SAML message's delivery: a 302 (HTTP-Redirect) or the auto-submitting form with its Content-Security-Policy.
    public static func deliver(_ delivery: OutgoingMessage.Delivery, session: SessionChange? = nil) -> WebReply {
        switch delivery {
        case .redirect(let url):
            return redirect(to: url, status: 302, session: session)
        case .post(let form):
            return WebReply(status: 200, headers: [
                ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
                ("Content-Security-Policy", form.contentSecurityPolicy),
            ], body: form.html, session: session)
        }
    }
}

/// A refusal, rendered: the page, and what to log with the same reference.
@_spi(Integrations)
public struct WebRefusal: Sendable {
    /// The page.
    public let reply: WebReply
    /// The short reference shown on the page and logged.
    public let reference: String
    /// The error's code.
    public let code: String
    /// Its one-line, capped detail.
    public let detail: String
    /// Whose fault (the log level: warning for a client's, error otherwise).
    public let fault: Fault

    /// The log line's fields (`saml.reference`, `saml.code`, `saml.fault`, `saml.route` when given, `saml.detail`).
    public func logFields(route: String?) -> [(key: String, value: String)] {
        var fields = [("saml.reference", reference), ("saml.code", code), ("saml.fault", fault.rawValue)]
        if let route { fields.append(("saml.route", route)) }
        fields.append(("saml.detail", detail))
        return fields
    }

    /// Whether the refusal is logged as a warning (a client's fault) rather than an error.
    public var isWarning: Bool { fault == .client }

    /// A refusal.
    public init(reply: WebReply, reference: String, code: String, detail: String, fault: Fault) {
        self.reply = reply
        self.reference = reference
        self.code = code
        self.detail = detail
        self.fault = fault
    }
}

/// The routes' logic, framework-free: each integration parses the request into fields, calls one of these, and turns
/// the ``WebReply`` into its response.
@_spi(Integrations)
public struct WebFlow<Sessions: WebSessionStore>: Sendable {
    /// Maps a verified login to the app's user (look it up, create it, refuse it by throwing).
    public typealias SignIn = @Sendable (LoginCoordinator.Completion) async throws -> Sessions.User
    /// Told the IDs of sessions ended by single logout or sign-out (the sessions are already removed).
    public typealias SignOut = @Sendable ([String]) async throws -> Void

    /// The running SP.
    public let runtime: ServiceProviderRuntime
    /// The browser sessions.
    public let sessions: Sessions
    /// NameID + SessionIndex → session ID.
    public let sessionIndex: any SessionIndexStore
    /// The settings.
    public let options: SAMLRouteOptions
    let onSignOut: SignOut?

    /// The flow over `runtime`.
    public init(runtime: ServiceProviderRuntime, sessions: Sessions, sessionIndex: any SessionIndexStore, options: SAMLRouteOptions,
                onSignOut: SignOut?) {
        self.runtime = runtime
        self.sessions = sessions
        self.sessionIndex = sessionIndex
        self.options = options
        self.onSignOut = onSignOut
    }

    /// The ACS route's body limit: the base64 of `maxResponseBytes` (4/3, with line breaks), half as much again for
    /// the form's percent-encoding of `+`, `/` and `=`, and 8 KB for RelayState and the field names.
    public static func acsBodyLimit(_ runtime: ServiceProviderRuntime) -> Int {
        let bytes = runtime.configuration.options.maxResponseBytes
        let base64 = bytes / 3 * 4 + bytes / 38 + 8
        return base64 + base64 / 2 + 8192
    }

    /// `GET …/metadata`.
    public func metadata() throws -> WebReply {
        WebReply(status: 200, headers: [("Content-Type", "application/samlmetadata+xml")], body: try runtime.configuration.metadataXML())
    }

    /// `GET …/login?returnTo=/path&idp=entityID`.
    public func login(query: [String: String]) async throws -> WebReply {
        let idp = query["idp"].flatMap { $0.isEmpty ? nil : $0 }
        let start = try await runtime.coordinator.begin(identityProvider: idp, returnTo: query["returnTo"])
        return .deliver(start.delivery)
    }

    /// `POST …/acs`: validates, maps the user with `signIn`, rotates the session (the browser's previous one is
    /// removed), saves the new one, indexes it for SLO (refusing the login if that fails) and redirects (303) to the
    /// checked return path.
    public func acs(form: [String: String], currentSessionID: String?, signIn: SignIn) async throws -> WebReply {
        guard let samlResponse = form["SAMLResponse"] else { throw SAMLRouteError.missingParameter("SAMLResponse") }
        let login = try await runtime.coordinator.complete(samlResponse: samlResponse, relayState: form["RelayState"])
        let user = try await signIn(login)
        let now = runtime.clock.now()
        let saml = SAMLSession(assertion: login.assertion, uid: login.assertion.nameID.value, lifetime: options.sessionLifetime, now: now)
        if let previous = currentSessionID {
            try await Self.store("remove previous session") { try await self.sessions.remove(sessionID: previous) }
            try await Self.store("unindex previous session") { try await self.sessionIndex.remove(sessionID: previous) }
        }
        let seconds = max(1, Int(saml.expiresAt.timeIntervalSince(now).rounded(.down)))
        let id = try await Self.store("save session") {
            try await self.sessions.create(SAMLUserSession(user: user, saml: saml), expiresIn: seconds)
        }
        do {
            try await sessionIndex.record(SessionIndexEntry(session: saml, sessionID: id))
        } catch {
            // Without its index entry an IdP logout could not end this session: refuse the login (fail closed).
            try? await sessions.remove(sessionID: id)
            throw Self.storeError("record session index", error)
        }
        return .redirect(to: login.returnTo, status: 303, session: .set(id: id, maxAge: seconds))
    }

    /// `GET|POST …/slo`: an IdP's LogoutRequest (ends the sessions it names, answers with a LogoutResponse) or its
    /// LogoutResponse to ours (taken once by its RelayState, then to the return path). `form` is the POST body's
    /// fields (nil for GET); `rawQuery` the undecoded query string of a GET.
    public func slo(form: [String: String]?, rawQuery: String?, currentSessionID: String?) async throws -> WebReply {
        let message: LogoutMessage
        let isRequest: Bool
        let post = form != nil
        if let form {
            if let value = form["SAMLRequest"] {
                message = .post(value: value, relayState: form["RelayState"], parameter: "SAMLRequest")
                isRequest = true
            } else if let value = form["SAMLResponse"] {
                message = .post(value: value, relayState: form["RelayState"], parameter: "SAMLResponse")
                isRequest = false
            } else {
                throw SAMLRouteError.missingParameter("SAMLRequest")
            }
        } else {
            let query = WebForm.parse(Array((rawQuery ?? "").utf8))
            guard let raw = rawQuery, query["SAMLRequest"] != nil || query["SAMLResponse"] != nil else {
                throw SAMLRouteError.missingParameter("SAMLRequest")
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
            let clear = currentSessionID.map { ended.contains($0) } ?? false
            return .deliver(answer.delivery, session: clear ? .clear : nil)
        }
        guard let relayState = Self.relayState(of: message),
              let pending = try await runtime.requestStore.take(relayState: relayState) else {
            throw SAMLRouteError.unexpectedLogoutResponse
        }
        let verified = try await sp.validateLogoutResponse(message, expectedRequestID: pending.requestID)
        guard Exact.equal(verified.issuer, pending.identityProvider) else { throw SAMLRouteError.logoutResponseFromUnexpectedIdP }
        return .redirect(to: pending.returnTo, status: 303)
    }

    /// `GET|POST …/logout`: ends the browser's session and, when the IdP has a SingleLogoutService, starts
    /// SP-initiated single logout (the LogoutRequest's ID waits in the request store under a fresh RelayState).
    public func logout(currentSessionID: String?) async throws -> WebReply {
        guard let id = currentSessionID else { return .redirect(to: options.afterLogout, status: 303) }
        let session = try? await sessions.load(sessionID: id)
        try await Self.store("remove session") { try await self.sessions.remove(sessionID: id) }
        try await Self.store("unindex session") { try await self.sessionIndex.remove(sessionID: id) }
        if let onSignOut { try await onSignOut([id]) }
        guard let saml = session?.saml, let idp = try? await runtime.identityProvider(saml.issuer),
              let binding = [options.logoutBinding, .httpRedirect, .httpPOST].first(where: { idp.singleLogoutService(binding: $0) != nil }) else {
            return .redirect(to: options.afterLogout, status: 303, session: .clear)
        }
        let relayState = RelayState.generate()
        let message = try runtime.configuration.logoutRequest(to: idp, nameID: saml.nameID, sessionIndexes: saml.sessionIndex.map { [$0] } ?? [],
                                                              relayState: relayState, binding: binding, clock: runtime.clock)
        try await runtime.requestStore.put(PendingRequest(relayState: relayState, requestID: message.id, identityProvider: idp.entityID,
                                                          returnTo: ReturnPath.local(options.afterLogout),
                                                          expiresAt: runtime.clock.now().addingTimeInterval(runtime.requestLifetime)))
        return .deliver(message.delivery, session: .clear)
    }

    /// The user of a session that exists and is still valid by its SAML expiry; nil otherwise (an unreadable store
    /// or a stale cookie means "not signed in", never an error page for every route).
    public func user(sessionID: String?) async -> Sessions.User? {
        guard let sessionID, let session = try? await sessions.load(sessionID: sessionID), session.saml.isValid(at: runtime.clock.now()) else {
            return nil
        }
        return session.user
    }

    /// The page for `error` at a route (SAMLErrors are recorded as the runtime's last rejection); the integration
    /// logs the refusal with ``WebRefusal/reference``.
    public func refusal(for error: any Error) async -> WebRefusal {
        let refusal = WebErrorPage.render(error)
        if let error = error as? SAMLError { await runtime.recordRejection(error, reference: refusal.reference) }
        return refusal
    }

    // MARK: - Helpers

    static func relayState(of message: LogoutMessage) -> String? {
        switch message {
        case .post(_, let relayState, _): return relayState
        case .redirect(let query): return WebForm.parse(Array(query.utf8))["RelayState"]
        }
    }

    /// Runs a store call; an error that is not already coded becomes ``SAMLRouteError/storeFailed(operation:detail:)``.
    static func store<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw storeError(operation, error) }
    }

    static func storeError(_ operation: String, _ error: any Error) -> any Error {
        if error is any SAMLCodedError { return error }
        return SAMLRouteError.storeFailed(operation: operation, detail: WebErrorPage.oneLine(String(describing: error)))
    }
}

/// `application/x-www-form-urlencoded` fields (a POST body or a query string).
@_spi(Integrations)
public enum WebForm {
    /// The fields of `bytes`; the first of a repeated field wins, an undecodable name or value is skipped. Works on the bytes: a SAMLResponse field is hundreds of kilobytes of percent-encoded
    /// base64, decoded here in one pass.
    public static func parse(_ bytes: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "&") { end += 1 }
            if end > start {
                var equals = start
                while equals < end && bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                if let name = decode(bytes[start..<equals]), fields[name] == nil {
                    // A value that does not decode leaves the field absent (as if it had not been sent).
                    fields[name] = equals < end ? decode(bytes[(equals + 1)..<end]) : ""
                }
            }
            start = end + 1
        }
        return fields
    }

    /// `+` as a space, `%XX` as its byte; nil for a bad escape or bytes that are not UTF-8.
    static func decode(_ text: ArraySlice<UInt8>) -> String? {
        var out = [UInt8]()
        out.reserveCapacity(text.count)
        var i = text.startIndex
        while i < text.endIndex {
            let byte = text[i]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard i + 2 < text.endIndex, let high = hex(text[i + 1]), let low = hex(text[i + 2]) else { return nil }
                out.append(high << 4 | low)
                i += 2
            } else {
                out.append(byte)
            }
            i += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The refusal page every integration serves: a title by fault, a fixed sentence, a random reference; nothing the
/// request carried.
@_spi(Integrations)
public enum WebErrorPage {
    /// A reference short enough to read out over the phone: 10 characters of an unambiguous alphabet (50 bits).
    public static func reference() -> String {
        let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return String((0..<10).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// One line, control and format characters escaped, at most `limit` characters (the detail of errors that are
    /// not SAMLError, which caps its own).
    public static func oneLine(_ text: String, limit: Int = 300) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator, .format: out += scalar.escaped(asASCII: true)
            default: out.unicodeScalars.append(scalar)
            }
            if out.count >= limit { return out + "…" }
        }
        return out
    }

    /// The status, code, detail and fault of `error`: its fault's status for a coded error, 413 for a body over the
    /// limit, 500 for anything else.
    public static func classify(_ error: any Error) -> (status: Int, code: String, detail: String, fault: Fault) {
        switch error {
        case let error as SAMLRouteError:
            let detail: String
            if case .bodyTooLarge(let limit) = error { detail = "request body over \(limit) bytes" } else { detail = oneLine(String(describing: error)) }
            return (error.routeStatus, error.code, detail, error.fault)
        case let error as SAMLError:
            return (error.httpStatus, error.code, error.detail, error.fault)
        case let error as any SAMLCodedError:
            return (error.httpStatus, error.code, oneLine(String(describing: error)), error.fault)
        default:
            return (500, "internal", oneLine(String(describing: error)), .server)
        }
    }

    /// The page for `error`, with a fresh reference.
    public static func render(_ error: any Error) -> WebRefusal {
        let reference = reference()
        let (status, code, detail, fault) = classify(error)
        let title: String
        let message: String
        switch fault {
        case .client:
            title = "Sign-in refused"
            message = "The sign-in message could not be accepted. Please start again from the application."
        case .server:
            title = "Sign-in is not available"
            message = "The service is not configured to sign you in right now."
        case .unavailable:
            title = "Sign-in is temporarily unavailable"
            message = "Please try again in a moment."
        }
        let page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(HTMLEscape.escape(title))</title></head>
        <body><h1>\(HTMLEscape.escape(title))</h1><p>\(HTMLEscape.escape(message))</p>
        <p>Reference: <code id="reference">\(HTMLEscape.escape(reference))</code></p></body></html>
        """
        let reply = WebReply(status: status, headers: [
            ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"), ("Content-Security-Policy", "default-src 'none'"),
        ], body: page)
        return WebRefusal(reply: reply, reference: reference, code: code, detail: detail, fault: fault)
    }
}

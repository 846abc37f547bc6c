import Foundation
import Hummingbird
import Logging
import SAML
import SAMLAttributeMapping

@main
struct HummingbirdSP {
    static func main() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = {
            var logger = Logger(label: "saml-sp")
            logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return logger
        }()

        let configuration: Configuration
        let runtime: SAMLRuntime
        do {
            configuration = try Configuration.load()
            runtime = try SAMLRuntime(configuration: configuration, logger: logger)
        } catch {
            let text = (error as? SAMLError).map { "\($0.code): \($0)" } ?? "\(error)"
            FileHandle.standardError.write(Data("configuration error: \(text)\n".utf8))
            exit(2)
        }
        if configuration.sessionSecret == nil {
            logger.notice("SAML_SESSION_SECRET is not set: sessions end when the server stops")
        }
        await runtime.refresh()

        let sp = ExampleSP(configuration: configuration, runtime: runtime, logger: logger)
        let router = Router()
        sp.addRoutes(to: router)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "swift-saml example"),
            onServerRunning: { _ in
                logger.notice("SP listening", metadata: [
                    "url": "\(configuration.baseURL)/", "entityID": "\(configuration.entityID)", "acs": "\(configuration.acsURL)",
                ])
            },
            logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Metadata refresh: each source on its own schedule (cacheDuration, at most daily; a minute after a failure).
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(60))
                    await runtime.refresh()
                }
            }
            group.addTask { try await app.runService() }
            _ = try await group.next()
            group.cancelAll()
        }
    }
}

/// The routes. Thin glue: everything SAML is the library's.
struct ExampleSP: Sendable {
    let configuration: Configuration
    let runtime: SAMLRuntime
    let logger: Logger
    let sessions: SessionCodec
    let pending = PendingLogins()

    init(configuration: Configuration, runtime: SAMLRuntime, logger: Logger) {
        self.configuration = configuration
        self.runtime = runtime
        self.logger = logger
        self.sessions = SessionCodec(secret: configuration.sessionSecret)
    }

    /// `__Host-` binds the cookie to this origin when it can be Secure (HTTPS).
    var cookieName: String { configuration.isHTTPS ? "__Host-sp_session" : "sp_session" }

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in try await home(request) }
        router.get("/saml/metadata") { _, _ in metadata() }
        router.get("/saml/login") { request, _ in try await login(request) }
        router.post("/saml/acs") { request, _ in try await acs(request) }
        router.post("/logout") { _, _ in logout() }
        router.get("/saml/status") { request, _ in try await status(request) }
    }

    // MARK: - Pages

    func session(_ request: Request) -> Session? {
        request.cookies[cookieName].flatMap { sessions.decode($0.value, now: Date()) }
    }

    func html(_ status: HTTPResponse.Status, _ body: String, extraHeaders: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
            .init("Referrer-Policy")!: "no-referrer",
        ]
        headers.append(contentsOf: extraHeaders)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func home(_ request: Request) async throws -> Response {
        let current = session(request)
        let idps = current == nil ? await runtime.trustedIdentityProviders() : []
        let isAdmin = current?.user.groups.contains(configuration.adminGroup) ?? false
        return html(.ok, Pages.home(session: current, identityProviders: idps, isAdmin: isAdmin))
    }

    func metadata() -> Response {
        Response(status: .ok, headers: [.contentType: "application/samlmetadata+xml"],
                 body: .init(byteBuffer: ByteBuffer(string: runtime.spMetadataXML)))
    }

    // MARK: - SP-initiated login

    func login(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let returnTo = localRedirectTarget(query["returnTo"].map(String.init))
        let idps = await runtime.trustedIdentityProviders()
        let wanted = query["idp"].map(String.init)
        guard let idp = wanted.map({ id in idps.first { $0.entityID == id } }) ?? idps.first else {
            return html(.serviceUnavailable, Pages.message("Sign-in unavailable", "No such identity provider is available right now."))
        }
        let binding = configuration.authnRequestBinding
        do {
            let authnRequest = try AuthnRequest(serviceProvider: runtime.spMetadata, identityProvider: idp, binding: binding)
            guard let relayState = await pending.add(requestID: authnRequest.id, identityProvider: idp.entityID, returnTo: returnTo) else {
                return html(.serviceUnavailable, Pages.message("Sign-in unavailable", "Too many sign-ins in progress; try again shortly."))
            }
            logger.debug("AuthnRequest sent", metadata: ["id": "\(authnRequest.id)", "idp": "\(idp.entityID)", "binding": "\(binding)"])
            if binding == .httpPOST {
                let form = try authnRequest.postForm(relayState: relayState, signingKey: runtime.signingKey)
                // The auto-submitting form needs its inline onload handler, so no CSP here.
                return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                                body: .init(byteBuffer: ByteBuffer(string: form.html)))
            }
            return Response.redirect(to: try authnRequest.redirectURL(relayState: relayState, signingKey: runtime.signingKey), type: .found)
        } catch {
            logger.error("cannot build the AuthnRequest", metadata: ["idp": "\(idp.entityID)", "error": "\(error)"])
            return html(.internalServerError, Pages.message("Sign-in unavailable", "The sign-in request could not be built."))
        }
    }

    // MARK: - Assertion Consumer Service

    struct ACSForm: Decodable {
        let SAMLResponse: String?
        let RelayState: String?
    }

    func acs(_ request: Request) async throws -> Response {
        let reference = Base64URL.random(bytes: 6)
        let form: ACSForm
        do {
            let body = try await request.body.collect(upTo: 1 << 20)
            form = try URLEncodedFormDecoder().decode(ACSForm.self, from: String(buffer: body))
        } catch {
            return await reject(code: "malformedForm", detail: "\(error)", reference: reference)
        }
        guard let samlResponse = form.SAMLResponse else {
            return await reject(code: "missingSAMLResponse", detail: "no SAMLResponse field", reference: reference)
        }
        // The request this response answers, by the RelayState we sent (one-shot). None: IdP-initiated, or a replay.
        let login = await form.RelayState.asyncFlatMap { await pending.take($0) }
        guard let serviceProvider = await runtime.currentServiceProvider() else {
            return html(.serviceUnavailable, Pages.message("Sign-in unavailable", "No identity provider is configured right now."))
        }
        let assertion: VerifiedAssertion
        do {
            assertion = try await serviceProvider.validate(samlResponse: samlResponse, relayState: form.RelayState,
                                                           expectedRequestID: login?.requestID)
        } catch let error as SAMLError {
            return await reject(code: error.code, detail: "\(error)", reference: reference, solicited: login != nil)
        } catch {
            // Not a verdict on the response (a replay cache on a database that is down, say): refuse all the same.
            return await reject(code: "validationUnavailable", detail: "\(error)", reference: reference, solicited: login != nil)
        }
        if let login, assertion.issuer != login.identityProvider {
            return await reject(code: "issuerNotAsked", detail: "asked \(login.identityProvider), answered by \(assertion.issuer)",
                          reference: reference, solicited: true)
        }

        let user: SignedInUser
        do {
            user = try mapUser(assertion, preset: configuration.mappingPreset)
        } catch let error as AttributeMappingError {
            return await reject(code: error.code, detail: "\(error)", reference: reference, solicited: login != nil)
        }
        var expires = Date().addingTimeInterval(configuration.sessionLifetime)
        if let limit = assertion.sessionNotOnOrAfter, limit < expires { expires = limit }
        let signedParts = [assertion.signed.response ? "response" : nil, assertion.signed.assertion ? "assertion" : nil].compactMap { $0 }
        let session = Session(user: user, issuer: assertion.issuer, nameID: assertion.nameID.value, signedParts: signedParts, expires: expires)
        let target = login?.returnTo ?? localRedirectTarget(form.RelayState)
        logger.info("SAML sign-in accepted", metadata: [
            "ref": "\(reference)", "idp": loggable(assertion.issuer), "uid": loggable(user.uid), "nameID": loggable(assertion.nameID.value),
            "assertionID": loggable(assertion.assertionID), "signed": "\(signedParts.joined(separator: "+"))",
            "flow": "\(login == nil ? "idp-initiated" : "sp-initiated")",
        ])
        logger.debug("attributes received", metadata: [
            "ref": "\(reference)",
            "names": loggable("\(assertion.attributes.map { attribute in attribute.friendlyName.map { "\(attribute.name) (\($0))" } ?? attribute.name })"),
        ])
        var response = Response.redirect(to: target, type: .normal)  // 303 See Other
        response.setCookie(Cookie(name: cookieName, value: try sessions.encode(session), maxAge: max(0, Int(expires.timeIntervalSinceNow)),
                                  path: "/", secure: configuration.isHTTPS, httpOnly: true, sameSite: .lax))
        return response
    }

    /// The user sees a plain 403 with a reference; the admin's log line names the failed check.
    func reject(code: String, detail: String, reference: String, solicited: Bool? = nil) async -> Response {
        var metadata: Logger.Metadata = ["ref": "\(reference)", "code": "\(code)", "detail": loggable(detail)]
        if let solicited { metadata["flow"] = "\(solicited ? "sp-initiated" : "no-pending-request")" }
        logger.warning("SAML response rejected", metadata: metadata)
        let failure = SAMLRuntime.Failure(time: Date(), code: code, detail: detail, reference: reference)
        await runtime.record(failure)
        return html(.forbidden, Pages.rejected(reference: reference))
    }

    // MARK: - Logout and status

    func logout() -> Response {
        var response = Response.redirect(to: "/", type: .normal)  // 303 See Other
        response.setCookie(Cookie(name: cookieName, value: "", maxAge: 0, path: "/", secure: configuration.isHTTPS,
                                  httpOnly: true, sameSite: .lax))
        return response
    }

    func status(_ request: Request) async throws -> Response {
        guard let current = session(request), current.user.groups.contains(configuration.adminGroup) else {
            return html(.forbidden, Pages.message("Forbidden", "The SAML status is for members of \(configuration.adminGroup)."))
        }
        let idps = await runtime.trustedIdentityProviders()
        var failures: [String: SAMLError] = [:]
        for idp in idps { failures[idp.entityID] = await runtime.metadataFailure(for: idp.entityID) }
        return html(.ok, Pages.status(configuration: configuration, identityProviders: idps, sources: await runtime.sourceStates(),
                                      metadataFailures: failures, lastFailure: await runtime.lastFailure, now: Date()))
    }
}

/// Text from the response (issuer, NameID, attribute values, the error's payload) for one log line: control
/// characters escaped, so that a crafted value cannot start a forged line, and at most 1000 characters.
func loggable(_ text: String) -> Logger.MetadataValue {
    var out = ""
    for scalar in text.unicodeScalars.prefix(1000) {
        if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}" {
            out += "\\u{\(String(scalar.value, radix: 16))}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    if text.unicodeScalars.count > 1000 { out += "…" }
    return .string(out)
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

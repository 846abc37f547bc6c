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
        let runtime: ServiceProviderRuntime
        let metadataXML: String
        do {
            configuration = try Configuration.load()
            let sp = try configuration.serviceProviderConfiguration()
            if sp.signingKey == nil { logger.warning("SAML_SP_KEY and SAML_SP_CERT are not set: AuthnRequests and SP metadata go unsigned") }
            metadataXML = try sp.metadataXML()
            runtime = try ServiceProviderRuntime(configuration: sp, identityProviders: configuration.identityProviderSources, retryInterval: 60)
        } catch {
            let text = (error as? SAMLError).map { "\($0.code): \($0)" } ?? "\(error)"
            FileHandle.standardError.write(Data("configuration error: \(text)\n".utf8))
            exit(2)
        }
        if configuration.sessionSecret == nil {
            logger.notice("SAML_SESSION_SECRET is not set: sessions end when the server stops")
        }
        await runtime.start()
        for entry in await runtime.status().identityProviders {
            if let error = entry.lastError {
                logger.error("IdP metadata unavailable", metadata: ["source": "\(entry.source)", "error": loggable(error.detail)])
            } else {
                logger.info("IdP metadata loaded", metadata: ["idp": loggable(entry.entityID ?? ""), "source": "\(entry.source)"])
            }
        }

        let sp = ExampleSP(configuration: configuration, runtime: runtime, metadataXML: metadataXML, logger: logger)
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

/// The routes. Thin glue: everything SAML — request tracking, issuer binding, return paths, metadata refresh — is the
/// library's (`ServiceProviderRuntime` and its `LoginCoordinator`).
struct ExampleSP: Sendable {
    let configuration: Configuration
    let runtime: ServiceProviderRuntime
    let metadataXML: String
    let logger: Logger
    let sessions: SessionCodec

    init(configuration: Configuration, runtime: ServiceProviderRuntime, metadataXML: String, logger: Logger) {
        self.configuration = configuration
        self.runtime = runtime
        self.metadataXML = metadataXML
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

    func html(_ status: HTTPResponse.Status, _ body: String, csp: String? = nil) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            .contentSecurityPolicy: csp ?? "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
            .init("Referrer-Policy")!: "no-referrer",
        ]
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func home(_ request: Request) async throws -> Response {
        let current = session(request)
        let idps = current == nil ? await runtime.identityProviders() : []
        let isAdmin = current?.user.groups.contains(configuration.adminGroup) ?? false
        return html(.ok, Pages.home(session: current, identityProviders: idps, isAdmin: isAdmin))
    }

    func metadata() -> Response {
        Response(status: .ok, headers: [.contentType: "application/samlmetadata+xml"], body: .init(byteBuffer: ByteBuffer(string: metadataXML)))
    }

    // MARK: - SP-initiated login

    func login(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        do {
            let start = try await runtime.coordinator.begin(identityProvider: query["idp"].map(String.init), returnTo: query["returnTo"].map(String.init))
            logger.debug("AuthnRequest sent", metadata: ["id": "\(start.requestID)", "idp": loggable(start.identityProvider)])
            switch start.delivery {
            case .redirect(let url):
                return Response.redirect(to: url, type: .found)
            case .post(let form):
                return html(.ok, form.html, csp: form.contentSecurityPolicy)
            }
        } catch let error as SAMLError {
            logger.error("cannot start a sign-in", metadata: ["code": "\(error.code)", "detail": loggable(error.detail)])
            return html(.serviceUnavailable, Pages.message("Sign-in unavailable", "No such identity provider is available right now."))
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
            return reject(code: "malformedForm", detail: "\(error)", reference: reference)
        }
        guard let samlResponse = form.SAMLResponse else {
            return reject(code: "missingSAMLResponse", detail: "no SAMLResponse field", reference: reference)
        }
        let login: LoginCoordinator.Completion
        do {
            login = try await runtime.coordinator.complete(samlResponse: samlResponse, relayState: form.RelayState)
        } catch let error as any SAMLCodedError {
            if let samlError = error as? SAMLError { await runtime.recordRejection(samlError, reference: reference) }
            guard error.fault == .client else {
                // Not a verdict on the response (no IdP loaded, a store whose database is down): refuse all the same,
                // with the status the error names (500 or 503) and a reference for the log.
                logger.error("SAML sign-in unavailable", metadata: ["ref": "\(reference)", "code": "\(error.code)", "detail": loggable("\(error)")])
                return html(HTTPResponse.Status(code: error.httpStatus), Pages.message("Sign-in unavailable",
                            "Sign-in is not possible right now. Please try again shortly (reference \(reference))."))
            }
            return reject(code: error.code, detail: (error as? SAMLError)?.detail ?? "\(error)", reference: reference)
        } catch {
            logger.error("SAML sign-in unavailable", metadata: ["ref": "\(reference)", "detail": loggable("\(error)")])
            return html(.serviceUnavailable, Pages.message("Sign-in unavailable", "Sign-in is not possible right now (reference \(reference))."))
        }
        let assertion = login.assertion
        let user: SignedInUser
        do {
            user = try mapUser(assertion, preset: configuration.mappingPreset)
        } catch let error as AttributeMappingError {
            return reject(code: error.code, detail: "\(error)", reference: reference)
        }
        let saml = SAMLSession(assertion: assertion, uid: user.uid, lifetime: configuration.sessionLifetime, now: Date())
        let signedParts = [assertion.signed.response ? "response" : nil, assertion.signed.assertion ? "assertion" : nil].compactMap { $0 }
        let session = Session(user: user, issuer: assertion.issuer, nameID: assertion.nameID.value, signedParts: signedParts, expires: saml.expiresAt)
        logger.info("SAML sign-in accepted", metadata: [
            "ref": "\(reference)", "idp": loggable(assertion.issuer), "uid": loggable(user.uid), "nameID": loggable(assertion.nameID.value),
            "assertionID": loggable(assertion.assertionID), "signed": "\(signedParts.joined(separator: "+"))",
            "flow": "\(login.request == nil ? "idp-initiated" : "sp-initiated")",
        ])
        logger.debug("attributes received", metadata: [
            "ref": "\(reference)",
            "names": loggable("\(assertion.attributes.map { attribute in attribute.friendlyName.map { "\(attribute.name) (\($0))" } ?? attribute.name })"),
        ])
        var response = Response.redirect(to: login.returnTo, type: .normal)  // 303 See Other
        response.setCookie(Cookie(name: cookieName, value: try sessions.encode(session), maxAge: max(0, Int(saml.expiresAt.timeIntervalSinceNow)),
                                  path: "/", secure: configuration.isHTTPS, httpOnly: true, sameSite: .lax))
        return response
    }

    /// The user sees a plain 403 with a reference; the admin's log line names the failed check.
    func reject(code: String, detail: String, reference: String) -> Response {
        logger.warning("SAML response rejected", metadata: ["ref": "\(reference)", "code": "\(code)", "detail": loggable(detail)])
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
        return html(.ok, Pages.status(configuration: configuration, status: await runtime.status()))
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

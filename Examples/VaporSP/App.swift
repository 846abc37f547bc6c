import ExampleSupport
import Foundation
import Logging
import SAML
import SAMLVapor
import Vapor

extension ExampleUser: Authenticatable {}

/// The Vapor example SP: SAMLVapor's routes under /saml, its authenticator in front of the pages, the state in
/// SQLite (or PostgreSQL with DATABASE_URL), the metadata refresh as a lifecycle handler. Same configuration, pages
/// and behaviour as the Hummingbird example.
@main
struct VaporSP {
    static func main() async throws {
        let startup = await ExampleStartup.load()
        let (logger, configuration, state, runtime) = (startup.logger, startup.configuration, startup.state, startup.runtime)
        let background = Task { await state.run() }
        defer { background.cancel() }
        try await state.prepare()

        let app = try await Application.make(.production)
        app.logger = logger
        app.http.server.configuration.hostname = configuration.host
        app.http.server.configuration.port = configuration.port
        app.http.server.configuration.serverName = "swift-saml example"
        app.sessions.use(.memory)
        app.lifecycle.use(SAMLMetadataRefreshHandler(runtime: runtime, logger: logger))

        var cookie = SAMLVaporSessions<ExampleUser>.Cookie()
        cookie.isSecure = configuration.isHTTPS
        let sessions = SAMLVaporSessions<ExampleUser>(cookie: cookie)
        var options = SAMLRouteOptions()
        options.sessionLifetime = configuration.sessionLifetime
        let saml = SAMLVaporRoutes<ExampleUser>(runtime: runtime, sessions: sessions, sessionIndex: state.sessionIndex, options: options,
                                                logger: logger) { login, _ in
            let user = try ExampleUser.signIn(login, configuration: configuration)
            logger.info("SAML sign-in accepted", metadata: [
                "idp": loggable(user.issuer), "uid": loggable(user.user.uid), "signed": .string(user.signedParts.joined(separator: "+")),
                "flow": .string(login.request == nil ? "idp-initiated" : "sp-initiated"),
            ])
            return user
        }
        app.get("healthz") { _ in "ok" }
        try app.group("saml") { try $0.register(collection: saml) }
        let pages = app.grouped(SAMLVaporAuthenticator<ExampleUser>(sessions: sessions))
        pages.get { request async -> Response in
            let user = request.auth.get(ExampleUser.self)
            let idps = await runtime.identityProviders()
            let isAdmin = user?.user.groups.contains(configuration.adminGroup) ?? false
            return html(.ok, Pages.home(session: user, identityProviders: user == nil ? idps : [], isAdmin: isAdmin),
                        csp: Pages.contentSecurityPolicy(identityProviders: idps))
        }
        pages.get("me") { request -> Response in
            guard let user = request.auth.get(ExampleUser.self) else {
                return Response(status: .unauthorized, headers: ["Content-Type": "application/json"], body: .init(string: "{\"error\":\"unauthorized\"}"))
            }
            return Response(status: .ok, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"], body: .init(string: user.json))
        }
        pages.get("saml", "status") { request async -> Response in
            guard let user = request.auth.get(ExampleUser.self), user.user.groups.contains(configuration.adminGroup) else {
                return html(.forbidden, Pages.message("Forbidden", "The SAML status is for members of \(configuration.adminGroup)."))
            }
            return html(.ok, Pages.status(configuration: configuration, status: await runtime.status()))
        }
        logger.notice("SP listening", metadata: [
            "url": "\(configuration.baseURL)/", "entityID": "\(configuration.entityID)", "acs": "\(configuration.acsURL)", "state": "\(state.summary)",
        ])
        try await app.execute()
        try await app.asyncShutdown()
    }

    static func html(_ status: HTTPResponseStatus, _ body: String, csp: String = Pages.contentSecurityPolicy(identityProviders: [])) -> Response {
        Response(status: status, headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Content-Security-Policy": csp],
                 body: .init(string: body))
    }
}

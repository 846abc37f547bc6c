import ExampleSupport
import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import SAML
import SAMLHummingbird

/// The Hummingbird example SP: SAMLHummingbird's routes under /saml, its authenticator in front of the pages, the
/// state in SQLite (or PostgreSQL with DATABASE_URL), the metadata refresh as a lifecycle service.
@main
struct HummingbirdSP {
    typealias Context = BasicAuthRequestContext<ExampleUser>

    static func main() async throws {
        let startup = await ExampleStartup.load()
        let (logger, configuration, state, runtime) = (startup.logger, startup.configuration, startup.state, startup.runtime)

        let sessions = SAMLSessionStore<ExampleUser>(driver: MemoryPersistDriver(), configuration: .init(
            sessionCookieParameters: .init(name: "SAML_SESSION", secure: configuration.isHTTPS, sameSite: .lax), keyPrefix: "saml.session."))
        var options = SAMLRouteOptions()
        options.sessionLifetime = configuration.sessionLifetime
        let saml = SAMLRoutes<Context, ExampleUser>(runtime: runtime, sessions: sessions, sessionIndex: state.sessionIndex, options: options,
                                                    logger: logger) { login, _, _ in
            let user = try ExampleUser.signIn(login, configuration: configuration)
            logger.info("SAML sign-in accepted", metadata: [
                "idp": loggable(user.issuer), "uid": loggable(user.user.uid), "signed": .string(user.signedParts.joined(separator: "+")),
                "flow": .string(login.request == nil ? "idp-initiated" : "sp-initiated"),
            ])
            return user
        }

        let router = Router(context: Context.self)
        router.get("/healthz") { _, _ in "ok" }
        saml.register(on: router.group("saml"))
        let pages = router.group().add(middleware: SAMLAuthenticator<Context>(sessions: sessions))
        pages.get("/") { _, context in
            let idps = await runtime.identityProviders()
            let isAdmin = context.identity?.user.groups.contains(configuration.adminGroup) ?? false
            return html(.ok, Pages.home(session: context.identity, identityProviders: context.identity == nil ? idps : [], isAdmin: isAdmin),
                        csp: Pages.contentSecurityPolicy(identityProviders: idps))
        }
        pages.get("/me") { _, context in
            guard let user = context.identity else {
                return Response(status: .unauthorized, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"unauthorized\"}")))
            }
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: user.json)))
        }
        pages.get("/saml/status") { _, context in
            guard let user = context.identity, user.user.groups.contains(configuration.adminGroup) else {
                return html(.forbidden, Pages.message("Forbidden", "The SAML status is for members of \(configuration.adminGroup)."))
            }
            return html(.ok, Pages.status(configuration: configuration, status: await runtime.status()))
        }

        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "swift-saml example"),
            services: [SAMLMetadataRefreshService(runtime: runtime, logger: logger)],
            onServerRunning: { _ in
                logger.notice("SP listening", metadata: [
                    "url": "\(configuration.baseURL)/", "entityID": "\(configuration.entityID)", "acs": "\(configuration.acsURL)",
                    "state": "\(state.summary)",
                ])
            },
            logger: logger
        )
        // The store's background work (PostgreSQL's connection pool) runs for the life of the app.
        let background = Task { await state.run() }
        defer { background.cancel() }
        try await state.prepare()
        try await app.runService()
    }

    static func html(_ status: HTTPResponse.Status, _ body: String, csp: String = Pages.contentSecurityPolicy(identityProviders: [])) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentSecurityPolicy: csp],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

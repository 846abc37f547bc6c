import ExampleSupport
import Foundation
import Hummingbird
import Logging
import SAML
import SAMLHummingbird
import SAMLTenants

/// The multi-organisation app (issue 14, `make serve`): each organisation's admin connects its own IdP through the
/// admin console at /admin (or the admin API at /admin/api), tests it, and enables it; users sign in through
/// /login?email=. State in SQLite under SAML_STATE_DIR, or PostgreSQL with DATABASE_URL (several instances).
@main
struct TenantsApp {
    static func main() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = exampleLogger("saml-tenants")
        let environment = ProcessInfo.processInfo.environment
        func value(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        guard let token = value("SAML_ADMIN_TOKEN"), token.utf8.count >= 16 else {
            FileHandle.standardError.write(Data("configuration error: SAML_ADMIN_TOKEN must be set (at least 16 characters)\n".utf8))
            exit(2)
        }
        let port = value("SP_PORT").flatMap(Int.init) ?? 8080
        let host = value("SP_HOST") ?? "127.0.0.1"
        var baseURL = value("SP_BASE_URL") ?? "http://localhost:\(port)"
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        let base = baseURL
        let state: ExampleState
        do {
            state = try await ExampleState.open(stateDirectory: value("SAML_STATE_DIR") ?? ".state", databaseURL: value("DATABASE_URL"),
                                                poolSize: value("DATABASE_POOL_SIZE").flatMap(Int.init) ?? 10, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("configuration error: \(error)\n".utf8))
            exit(2)
        }
        let background = Task { await state.run() }
        defer { background.cancel() }
        try await state.prepare()

        let service = TenantService(configuration: .init(baseURL: base), store: state.tenantStore, replayCache: state.replayCache,
                                    requestStore: state.requestStore)
        let router = Router()
        router.add(middleware: try SAMLTenantRoutes<BasicRequestContext>(service: service, adminToken: token, logger: logger))
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "swift-saml tenants"),
            onServerRunning: { _ in
                logger.notice("tenants app listening", metadata: ["url": "\(base)/", "console": "\(base)/admin", "state": "\(state.summary)"])
            },
            logger: logger
        )
        let refresh = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                await service.refreshAll()
            }
        }
        defer { refresh.cancel() }
        try await app.runService()
    }
}

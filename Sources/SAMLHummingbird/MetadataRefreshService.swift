#if Hummingbird
import Foundation
import Logging
import SAML
import ServiceLifecycle

/// Keeps the runtime's IdP metadata current as a service of the app's lifecycle (swift-service-lifecycle): starts
/// the runtime (archived metadata first, then a fetch), then calls ``ServiceProviderRuntime/refresh()`` every
/// `interval` (the runtime fetches only the sources that are due) until graceful shutdown.
///
/// ```swift
/// var app = Application(router: router, services: [SAMLMetadataRefreshService(runtime: runtime)])
/// ```
public struct SAMLMetadataRefreshService: Service {
    /// The runtime to refresh.
    public let runtime: ServiceProviderRuntime
    /// How often to check for due sources.
    public let interval: Duration
    let logger: Logger

    /// A service refreshing `runtime`.
    /// - Parameters:
    ///   - runtime: the running SP.
    ///   - interval: how often to ask the runtime to refresh what is due (default 60 s).
    ///   - logger: where refresh failures are logged.
    public init(runtime: ServiceProviderRuntime, interval: Duration = .seconds(60), logger: Logger = Logger(label: "SAMLHummingbird.refresh")) {
        self.runtime = runtime
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await runtime.start()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
            } catch {
                break  // graceful shutdown or cancellation
            }
            for report in await runtime.refresh() {
                if let failure = report.failure {
                    logger.warning("IdP metadata refresh failed", metadata: [
                        "saml.idp": .string(report.entityID), "saml.code": .string(failure.code), "saml.detail": .string(failure.detail),
                    ])
                } else if report.updated {
                    logger.info("IdP metadata updated", metadata: ["saml.idp": .string(report.entityID)])
                }
            }
        }
    }
}
#endif

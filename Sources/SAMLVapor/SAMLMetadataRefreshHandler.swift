#if Vapor
import Foundation
import SAML
import Vapor

/// Keeps the runtime's IdP metadata current for the life of a Vapor application (a `LifecycleHandler`): when the
/// application has booted it starts the runtime (archived metadata first, then a fetch) and calls
/// ``ServiceProviderRuntime/refresh()`` every `interval` (the runtime fetches only the sources that are due); the
/// task ends when the application shuts down.
///
/// ```swift
/// app.lifecycle.use(SAMLMetadataRefreshHandler(runtime: runtime))
/// ```
public final class SAMLMetadataRefreshHandler: LifecycleHandler, @unchecked Sendable {
    // @unchecked: `task` is only touched under `lock`.
    /// The runtime to refresh.
    public let runtime: ServiceProviderRuntime
    /// How often to check for due sources.
    public let interval: Duration
    let logger: Logger
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    /// A handler refreshing `runtime`.
    /// - Parameters:
    ///   - runtime: the running SP.
    ///   - interval: how often to ask the runtime to refresh what is due (default 60 s).
    ///   - logger: where refresh failures are logged.
    public init(runtime: ServiceProviderRuntime, interval: Duration = .seconds(60), logger: Logger = Logger(label: "SAMLVapor.refresh")) {
        self.runtime = runtime
        self.interval = interval
        self.logger = logger
    }

    public func didBoot(_ application: Application) throws { start() }
    public func didBootAsync(_ application: Application) async throws { start() }
    public func shutdown(_ application: Application) { stop() }
    public func shutdownAsync(_ application: Application) async { stop() }

    /// Whether the refresh task is running.
    public var isRunning: Bool { lock.withLock { task != nil } }

    private func start() {
        lock.withLock {
            guard task == nil else { return }
            task = Task { [runtime, interval, logger] in
                await runtime.start()
                while !Task.isCancelled {
                    do { try await Task.sleep(for: interval) } catch { break }
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
    }

    private func stop() {
        let running = lock.withLock { () -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        running?.cancel()
    }
}
#endif

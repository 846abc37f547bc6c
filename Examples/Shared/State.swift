import Foundation
import Logging
import PostgresNIO
import SAML
import SAMLPostgres
import SAMLSQLite
import SAMLTenants

/// Where the example keeps its SAML state (pending logins, the replay cache, the last good IdP metadata, the SLO
/// index): one SQLite file under `SAML_STATE_DIR` by default, or the PostgreSQL database of `DATABASE_URL`, which
/// several instances share (a login started on one completes on another; a replay on either is refused).
public struct ExampleState: Sendable {
    /// The store, for every protocol.
    public let replayCache: any ReplayCache
    public let requestStore: any AuthnRequestStore
    public let metadataArchive: any IdPMetadataArchive
    public let sessionIndex: any SessionIndexStore
    public let tenantStore: any TenantStore
    /// What to tell the log.
    public let summary: String
    /// Runs what the store needs in the background (PostgreSQL's connection pool) until cancelled.
    public let run: @Sendable () async -> Void

    /// Readies the store (PostgreSQL: runs the migrations; call once `run` is running).
    public let prepare: @Sendable () async throws -> Void

    /// Opens the store the configuration names (SQLite: created and migrated here).
    public static func open(_ configuration: Configuration, logger: Logger) async throws -> ExampleState {
        try await open(stateDirectory: configuration.stateDirectory, databaseURL: configuration.databaseURL,
                       poolSize: configuration.databasePoolSize, logger: logger)
    }

    /// Opens PostgreSQL at `databaseURL` when given, else SQLite in `stateDirectory`.
    public static func open(stateDirectory: String, databaseURL: String?, poolSize: Int, logger: Logger) async throws -> ExampleState {
        if let url = databaseURL {
            let store = PostgresStore(configuration: try PostgresStore.configuration(url: url), poolSize: poolSize, logger: logger)
            return ExampleState(replayCache: store, requestStore: store, metadataArchive: store, sessionIndex: store, tenantStore: store,
                                summary: "PostgreSQL (\(poolSize) connections)", run: { await store.run() }, prepare: { try await store.migrate() })
        }
        let directory = URL(fileURLWithPath: stateDirectory, isDirectory: true)
        let store = try await SQLiteStore.open(stateDirectory: directory, logger: logger)
        return ExampleState(replayCache: store, requestStore: store, metadataArchive: store, sessionIndex: store, tenantStore: store,
                            summary: "SQLite \(directory.appendingPathComponent("saml.sqlite").path)", run: {}, prepare: {})
    }

    /// The runtime over this state, for `configuration` (its IdP sources, a retry a minute after a failed fetch).
    public func runtime(_ configuration: Configuration) throws -> ServiceProviderRuntime {
        try ServiceProviderRuntime(configuration: configuration.serviceProviderConfiguration(), identityProviders: configuration.identityProviderSources,
                                   replayCache: replayCache, requestStore: requestStore, metadataArchive: metadataArchive, retryInterval: 60)
    }
}

/// Text from outside (issuer, NameID, an error's detail) for one log line: control characters escaped, so that a
/// crafted value cannot start a forged line, and at most 1000 characters.
public func loggable(_ text: String) -> Logger.MetadataValue {
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

/// The standard error log at `LOG_LEVEL` (default info): the same line format for both examples.
public func exampleLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}

/// What both example SPs start from: the log (standard error, `LOG_LEVEL`), the configuration, the state and the
/// runtime over it; a configuration that cannot be used is printed and the process exits 2.
public struct ExampleStartup: Sendable {
    public let logger: Logger
    public let configuration: Configuration
    public let state: ExampleState
    public let runtime: ServiceProviderRuntime

    /// Bootstraps logging and opens everything.
    public static func load() async -> ExampleStartup {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = exampleLogger("saml-sp")
        let configuration = loadConfigurationOrExit()
        do {
            let state = try await ExampleState.open(configuration, logger: logger)
            return ExampleStartup(logger: logger, configuration: configuration, state: state, runtime: try state.runtime(configuration))
        } catch {
            FileHandle.standardError.write(Data("configuration error: \(error)\n".utf8))
            exit(2)
        }
    }
}

/// Loads the configuration, or prints why not and exits 2.
public func loadConfigurationOrExit() -> Configuration {
    do {
        return try Configuration.load()
    } catch {
        FileHandle.standardError.write(Data("configuration error: \(error)\n".utf8))
        exit(2)
    }
}

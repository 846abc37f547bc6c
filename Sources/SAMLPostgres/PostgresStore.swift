// Compiles to nothing unless the package trait `Postgres` is on (`.package(url: …, traits: ["Postgres"])`).
#if Postgres
import Foundation
import Logging
import PostgresNIO
@_spi(Stores) import SAML

/// The library's four stores on PostgreSQL: for several SP instances sharing one database.
///
/// - ``ReplayCache``: `insertIfAbsent` is one `INSERT … ON CONFLICT DO UPDATE … WHERE expired RETURNING` statement:
///   of several simultaneous inserts of a key, on any instances, exactly one wins.
/// - ``AuthnRequestStore``: `take` is one `DELETE … RETURNING` statement (take-once across instances); `put` refuses
///   with ``SAMLError/requestStoreFull`` when ``Options/requestCapacity`` unexpired requests are waiting.
/// - ``IdPMetadataArchive``: the latest document of each source.
/// - ``SessionIndexStore``: `endSessions` is one `DELETE … RETURNING` statement, so an IdP's LogoutRequest ends the
///   sessions started on every instance.
///
/// The schema is created by versioned migrations (table `saml_schema_version`) that the store runs before its first
/// statement (or at ``migrate()``), under a transaction-scoped advisory lock so that instances starting together
/// migrate once. Tables are created in the connection's `search_path` (set it with a `search_path` startup parameter
/// to keep them in a schema of their own). Every time is read from the injected ``SAMLClock`` and sent as seconds
/// since 1970, never the database's `now()`. Text columns use the `"C"` collation: keys compare as bytes, exactly.
/// Keys longer than about 2,700 bytes do not fit PostgreSQL's index and fail (closed).
///
/// Fail closed: a database error or a call slower than ``Options/operationTimeout`` throws ``PostgresStoreError``, so
/// the login or message is refused, never accepted.
public final class PostgresStore: ReplayCache, AuthnRequestStore, IdPMetadataArchive, SessionIndexStore, Sendable {
    /// Limits and timing.
    public struct Options: Sendable {
        /// The most unexpired pending AuthnRequests; nil (the default): bounded by the disk, expired rows swept.
        /// A login that would exceed it is refused with ``SAMLError/requestStoreFull``. Checked in the insert
        /// statement itself, at a cost of up to `requestCapacity` index entries per login (keep it small, or rate-limit
        /// login starts in front of the SP instead); simultaneous puts may overshoot it by their number.
        public var requestCapacity: Int? = nil
        /// How often a write also starts (in the background) one batch of expired-row deletes per table; batches
        /// follow one another at once while they come back full.
        public var sweepInterval: TimeInterval = 60
        /// The most rows one sweep deletes from each table.
        public var sweepBatchSize: Int = 1_000
        /// The longest a store call may take, waiting for a connection included, before it fails (closed).
        public var operationTimeout: Duration = .seconds(5)

        /// The defaults.
        public init() {}
    }

    /// The connection pool the store uses.
    public let client: PostgresClient
    private let ownsClient: Bool
    private let clock: any SAMLClock
    private let options: Options
    private let logger: Logger
    private let migrations = MigrationGate()
    private let schedule: SweepSchedule

    /// The schema version this module creates and understands.
    public static let schemaVersion = PostgresMigrations.all.last!.version

    /// A store with a connection pool of its own. Run it (``run()``, or `client` in a ServiceLifecycle
    /// `ServiceGroup`) for as long as it is used: until then calls wait (and time out).
    /// - Parameters:
    ///   - configuration: where and how to connect (``configuration(url:)`` reads a `postgres://` URL).
    ///   - poolSize: the most connections open at once.
    ///   - clock: decides expiry (use the ServiceProvider's).
    ///   - options: limits and timing.
    ///   - logger: where database errors are logged.
    public convenience init(configuration: PostgresClient.Configuration, poolSize: Int = 10, clock: any SAMLClock = SystemClock(),
                            options: Options = Options(), logger: Logger = Logger(label: "swift-saml.postgres")) {
        var configuration = configuration
        configuration.options.maximumConnections = max(1, poolSize)
        configuration.options.minimumConnections = min(configuration.options.minimumConnections, max(1, poolSize))
        self.init(client: PostgresClient(configuration: configuration, backgroundLogger: logger), ownsClient: true, clock: clock,
                  options: options, logger: logger)
    }

    /// A store over the app's own client (which the app runs).
    /// - Parameters:
    ///   - client: a running `PostgresClient`.
    ///   - clock: decides expiry (use the ServiceProvider's).
    ///   - options: limits and timing.
    ///   - logger: where database errors are logged.
    public convenience init(client: PostgresClient, clock: any SAMLClock = SystemClock(), options: Options = Options(),
                            logger: Logger = Logger(label: "swift-saml.postgres")) {
        self.init(client: client, ownsClient: false, clock: clock, options: options, logger: logger)
    }

    private init(client: PostgresClient, ownsClient: Bool, clock: any SAMLClock, options: Options, logger: Logger) {
        self.client = client
        self.ownsClient = ownsClient
        self.clock = clock
        self.options = options
        self.logger = logger
        self.schedule = SweepSchedule(start: clock.now(), interval: options.sweepInterval)
    }

    /// Runs the store's own connection pool until the calling task is cancelled (then the pool closes and every
    /// later call throws). Returns at once for a store over the app's client.
    public func run() async {
        guard ownsClient else { return }
        await client.run()
    }

    /// Runs the pending migrations now (otherwise the first call does): one transaction holding an advisory lock,
    /// so that of several instances starting at once one migrates and the others then find the schema current.
    /// - Throws: ``PostgresStoreError/migrationFailed(version:detail:)`` or ``PostgresStoreError/timedOut(operation:)``.
    public func migrate() async throws {
        try await migrations.ensure { [client, logger, clock, options] in
            try await PostgresStore.withDeadline(options.operationTimeout, operation: "migrate") {
                try await PostgresMigrations.run(on: client, now: clock.now(), logger: logger)
            }
        }
    }

    /// The schema version recorded in the database.
    public func currentSchemaVersion() async throws -> Int {
        try await perform("schema version") { client, logger in
            var version = 0
            for try await value in try await client.query("SELECT coalesce(max(version), 0)::int8 FROM saml_schema_version",
                                                          logger: logger).decode(Int.self) {
                version = value
            }
            return version
        }
    }

    // MARK: ReplayCache

    public func insertIfAbsent(_ key: ReplayKey, expiresAt: Date) async throws -> Bool {
        let now = clock.now()
        let (issuer, kind, id) = (key.issuer, key.kind.rawValue, key.id)
        let (expires, current) = (expiresAt.timeIntervalSince1970, now.timeIntervalSince1970)
        // Inserted, or an expired record replaced: one row back. A live record: none (a replay).
        let inserted = try await perform("replay insert") { client, logger in
            try await Self.count(client.query("""
                INSERT INTO saml_replay (issuer, kind, id, expires_at) VALUES (\(issuer), \(kind), \(id), \(expires))
                ON CONFLICT (issuer, kind, id) DO UPDATE SET expires_at = EXCLUDED.expires_at
                    WHERE saml_replay.expires_at <= \(current)
                RETURNING 1
                """, logger: logger))
        }
        sweepIfDue(now: now)
        return inserted > 0
    }

    // MARK: AuthnRequestStore

    public func put(_ request: PendingRequest) async throws {
        let now = clock.now()
        let (relayState, requestID, identityProvider, returnTo) = (request.relayState, request.requestID, request.identityProvider,
                                                                   request.returnTo)
        let (expires, current) = (request.expiresAt.timeIntervalSince1970, now.timeIntervalSince1970)
        let inserted: Int
        if let capacity = options.requestCapacity.map({ max(1, $0) }) {
            // The capacity check and the insert are one statement: no window between counting and inserting.
            inserted = try await perform("request put") { client, logger in
                try await Self.count(client.query("""
                    INSERT INTO saml_pending_requests (relay_state, request_id, identity_provider, return_to, expires_at)
                    SELECT \(relayState), \(requestID), \(identityProvider), \(returnTo), \(expires)
                    WHERE (SELECT count(*) FROM (SELECT 1 FROM saml_pending_requests WHERE expires_at > \(current)
                           LIMIT \(capacity)) AS live) < \(capacity)
                    ON CONFLICT (relay_state) DO UPDATE SET request_id = EXCLUDED.request_id,
                        identity_provider = EXCLUDED.identity_provider, return_to = EXCLUDED.return_to, expires_at = EXCLUDED.expires_at
                    RETURNING 1
                    """, logger: logger))
            }
        } else {
            inserted = try await perform("request put") { client, logger in
                try await Self.count(client.query("""
                    INSERT INTO saml_pending_requests (relay_state, request_id, identity_provider, return_to, expires_at)
                    VALUES (\(relayState), \(requestID), \(identityProvider), \(returnTo), \(expires))
                    ON CONFLICT (relay_state) DO UPDATE SET request_id = EXCLUDED.request_id,
                        identity_provider = EXCLUDED.identity_provider, return_to = EXCLUDED.return_to, expires_at = EXCLUDED.expires_at
                    RETURNING 1
                    """, logger: logger))
            }
        }
        guard inserted > 0 else { throw SAMLError.requestStoreFull }
        sweepIfDue(now: now)
    }

    public func take(relayState: String) async throws -> PendingRequest? {
        let row = try await perform("request take") { client, logger -> (String, String, String, Double)? in
            var found: (String, String, String, Double)?
            for try await row in try await client.query("""
                DELETE FROM saml_pending_requests WHERE relay_state = \(relayState)
                RETURNING request_id, identity_provider, return_to, expires_at
                """, logger: logger).decode((String, String, String, Double).self) {
                found = row
            }
            return found
        }
        guard let (requestID, identityProvider, returnTo, expiresAt) = row else { return nil }
        let request = PendingRequest(relayState: relayState, requestID: requestID, identityProvider: identityProvider,
                                     returnTo: returnTo, expiresAt: Date(timeIntervalSince1970: expiresAt))
        return request.expiresAt > clock.now() ? request : nil
    }

    // MARK: IdPMetadataArchive

    public func save(_ metadata: ArchivedIdPMetadata) async throws {
        let (source, entityID, xml, savedAt) = (metadata.source, metadata.entityID, ByteBuffer(bytes: metadata.xml),
                                                metadata.savedAt.timeIntervalSince1970)
        _ = try await perform("metadata save") { client, logger in
            try await Self.count(client.query("""
                INSERT INTO saml_idp_metadata (source, entity_id, xml, saved_at) VALUES (\(source), \(entityID), \(xml), \(savedAt))
                ON CONFLICT (source) DO UPDATE SET entity_id = EXCLUDED.entity_id, xml = EXCLUDED.xml, saved_at = EXCLUDED.saved_at
                """, logger: logger))
        }
    }

    public func load() async throws -> [ArchivedIdPMetadata] {
        try await perform("metadata load") { client, logger in
            var documents: [ArchivedIdPMetadata] = []
            for try await (source, entityID, xml, savedAt) in try await client.query(
                "SELECT source, entity_id, xml, saved_at FROM saml_idp_metadata", logger: logger
            ).decode((String, String, ByteBuffer, Double).self) {
                documents.append(ArchivedIdPMetadata(source: source, entityID: entityID, xml: Array(xml.readableBytesView),
                                                     savedAt: Date(timeIntervalSince1970: savedAt)))
            }
            return documents.sorted { $0.source < $1.source }
        }
    }

    // MARK: SessionIndexStore

    public func record(_ entry: SessionIndexEntry) async throws {
        let now = clock.now()
        let (sessionID, issuer, nameID, sessionIndex, expires) = (entry.sessionID, entry.issuer, entry.nameID, entry.sessionIndex,
                                                                  entry.expiresAt.timeIntervalSince1970)
        _ = try await perform("session record") { client, logger in
            try await Self.count(client.query("""
                INSERT INTO saml_sessions (session_id, issuer, name_id, session_index, expires_at)
                VALUES (\(sessionID), \(issuer), \(nameID), \(sessionIndex), \(expires))
                ON CONFLICT (session_id) DO UPDATE SET issuer = EXCLUDED.issuer, name_id = EXCLUDED.name_id,
                    session_index = EXCLUDED.session_index, expires_at = EXCLUDED.expires_at
                """, logger: logger))
        }
        sweepIfDue(now: now)
    }

    public func endSessions(issuer: String, nameID: String, sessionIndexes: [String]) async throws -> [String] {
        let current = clock.now().timeIntervalSince1970
        let restrict = !sessionIndexes.isEmpty
        return try await perform("session end") { client, logger in
            var ended: [String] = []
            for try await id in try await client.query("""
                DELETE FROM saml_sessions
                WHERE issuer = \(issuer) AND name_id = \(nameID) AND expires_at > \(current)
                    AND (NOT \(restrict) OR session_index = ANY(\(sessionIndexes)))
                RETURNING session_id
                """, logger: logger).decode(String.self) {
                ended.append(id)
            }
            return ended.sorted()
        }
    }

    public func remove(sessionID: String) async throws {
        _ = try await perform("session remove") { client, logger in
            try await Self.count(client.query("DELETE FROM saml_sessions WHERE session_id = \(sessionID)", logger: logger))
        }
    }

    // MARK: Sweeping

    /// Deletes one batch (at most ``Options/sweepBatchSize`` rows) of expired rows from each table.
    /// - Returns: the number of rows deleted.
    /// - Throws: ``PostgresStoreError``.
    @discardableResult
    public func sweep() async throws -> Int {
        try await sweepBatch().deleted
    }

    /// One batch per table; `more` when a batch came back full (more expired rows wait).
    private func sweepBatch() async throws -> (deleted: Int, more: Bool) {
        let current = clock.now().timeIntervalSince1970
        let batchSize = max(1, options.sweepBatchSize)
        var deleted = 0
        var more = false
        for table in ["saml_replay", "saml_pending_requests", "saml_sessions"] {
            // The expiry is checked again on the row deleted: a row renewed meanwhile stays.
            let count = try await perform("sweep") { client, logger in
                try await Self.count(client.query("""
                    DELETE FROM \(unescaped: table)
                    WHERE ctid = ANY(ARRAY(SELECT ctid FROM \(unescaped: table) WHERE expires_at <= \(current) LIMIT \(batchSize)))
                        AND expires_at <= \(current)
                    RETURNING 1
                    """, logger: logger))
            }
            deleted += count
            more = more || count >= batchSize
        }
        return (deleted, more)
    }

    /// Starts one sweep batch in the background when one is due (the write that called does not wait for it).
    private func sweepIfDue(now: Date) {
        guard schedule.claim(now: now) else { return }
        Task {
            var more = false
            do {
                more = try await self.sweepBatch().more
            } catch {
                // Only space is at stake: expired rows are ignored by every read.
                self.logger.warning("swift-saml PostgreSQL sweep failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            self.schedule.finish(now: self.clock.now(), more: more)
        }
    }

    // MARK: Running statements

    /// Migrates if needed, then runs `body` within ``Options/operationTimeout``; any failure becomes a
    /// ``PostgresStoreError`` (fail closed).
    func perform<T: Sendable>(_ operation: String,
                                      _ body: @escaping @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        do {
            try await migrate()
            let (client, logger) = (client, logger)
            return try await Self.withDeadline(options.operationTimeout, operation: operation) { try await body(client, logger) }
        } catch let error as PostgresStoreError {
            logger.error("swift-saml PostgreSQL store failed", metadata: ["operation": "\(operation)", "error": "\(error)"])
            throw error
        } catch {
            logger.error("swift-saml PostgreSQL store failed", metadata: ["operation": "\(operation)", "error": "\(String(reflecting: error))"])
            throw PostgresStoreError.databaseFailed(operation: operation, detail: String(reflecting: error))
        }
    }

    static func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }

    /// `body`'s result, or ``PostgresStoreError/timedOut(operation:)`` after `timeout` (the body is cancelled: a
    /// connection lease stops waiting).
    static func withDeadline<T: Sendable>(_ timeout: Duration, operation: String,
                                          _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw PostgresStoreError.timedOut(operation: operation)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw PostgresStoreError.timedOut(operation: operation) }
            return first
        }
    }
}
#endif

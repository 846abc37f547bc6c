// Compiles to nothing unless the package trait `SQLite` is on (`.package(url: …, traits: ["SQLite"])`).
#if SQLite
import Foundation
import Logging
@_spi(Stores) import SAML
import SQLiteNIO

/// The library's four stores in one SQLite file: the embedded default for a single SP instance.
///
/// - ``ReplayCache``: `insertIfAbsent` is one `INSERT … ON CONFLICT DO UPDATE … WHERE expired RETURNING` statement,
///   so a live record is never overwritten and exactly one of several simultaneous inserts of a key wins.
/// - ``AuthnRequestStore``: `take` is one `DELETE … RETURNING` statement (take-once); `put` refuses with
///   ``SAMLError/requestStoreFull`` when ``Options/requestCapacity`` unexpired requests are waiting.
/// - ``IdPMetadataArchive``: the latest document of each source.
/// - ``SessionIndexStore``: `endSessions` is one `DELETE … RETURNING` statement.
///
/// The file is opened in WAL mode and survives restarts; ``open(path:clock:options:logger:)`` runs the schema's
/// versioned migrations (table `saml_schema_version`) before it returns. Every time is read from the injected
/// ``SAMLClock`` and stored as seconds since 1970 (a number), never from SQLite's clock. Keys are compared
/// exactly (SQLite's `BINARY` collation compares bytes), like the in-memory stores. Expired rows are ignored by
/// every read and deleted in bounded batches (``sweep()``, also run every ``Options/sweepInterval`` by the writes).
///
/// Fail closed: a database error (a closed store, a full disk, a lock held past the busy timeout) throws
/// ``SQLiteStoreError``, so the login or message is refused, never accepted.
public final class SQLiteStore: ReplayCache, AuthnRequestStore, IdPMetadataArchive, SessionIndexStore, Sendable {
    /// Limits and durability.
    public struct Options: Sendable {
        /// The most unexpired pending AuthnRequests; nil (the default): bounded by the disk, expired rows swept.
        /// A login that would exceed it is refused with ``SAMLError/requestStoreFull``. The count is checked in the
        /// insert statement itself and costs up to `requestCapacity` index entries per login: keep it small, or
        /// rate-limit login starts in front of the SP instead.
        public var requestCapacity: Int? = nil
        /// How often a write also starts (in the background) one batch of expired-row deletes per table; batches
        /// follow one another at once while they come back full.
        public var sweepInterval: TimeInterval = 60
        /// The most rows one sweep deletes from each table.
        public var sweepBatchSize: Int = 1_000
        /// How long a statement waits for another process's write lock before failing (milliseconds).
        public var busyTimeoutMilliseconds: Int = 5_000
        /// `true` (the default): `PRAGMA synchronous = FULL`, every commit is on disk before it returns. `false`
        /// relaxes this to WAL's `NORMAL`: faster, but a power loss may forget the last commits, and with them the
        /// record of an assertion (a replay window).
        public var syncEveryCommit: Bool = true

        /// The defaults.
        public init() {}
    }

    /// The database file.
    public let path: String
    let connection: SQLiteConnection
    private let clock: any SAMLClock
    private let options: Options
    private let schedule: SweepSchedule
    private let logger: Logger

    /// The schema version this module creates and understands.
    public static let schemaVersion = SQLiteMigrations.all.last!.version

    private init(path: String, connection: SQLiteConnection, clock: any SAMLClock, options: Options, logger: Logger) {
        self.path = path
        self.connection = connection
        self.clock = clock
        self.options = options
        self.schedule = SweepSchedule(start: clock.now(), interval: options.sweepInterval)
        self.logger = logger
    }

    /// Opens (creating if needed) the store in `directory/saml.sqlite`: the app's state folder.
    /// - Parameters:
    ///   - directory: the app's state folder (created if missing).
    ///   - clock: decides expiry (use the ServiceProvider's).
    ///   - options: limits and durability.
    ///   - logger: where database errors are logged.
    /// - Throws: ``SQLiteStoreError`` when the file cannot be opened or migrated.
    public static func open(stateDirectory directory: URL, clock: any SAMLClock = SystemClock(), options: Options = Options(),
                            logger: Logger = Logger(label: "swift-saml.sqlite")) async throws -> SQLiteStore {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SQLiteStoreError.openFailed(path: directory.path, detail: String(describing: error))
        }
        return try await open(path: directory.appendingPathComponent("saml.sqlite").path, clock: clock, options: options, logger: logger)
    }

    /// Opens (creating if needed) the store in the file at `path`, switches it to WAL mode and runs the pending
    /// migrations, in one `BEGIN IMMEDIATE` transaction (so two processes opening the file at once migrate once).
    /// - Parameters:
    ///   - path: the database file (an absolute path).
    ///   - clock: decides expiry (use the ServiceProvider's).
    ///   - options: limits and durability.
    ///   - logger: where database errors are logged.
    /// - Throws: ``SQLiteStoreError/openFailed(path:detail:)`` or ``SQLiteStoreError/migrationFailed(version:detail:)``.
    public static func open(path: String, clock: any SAMLClock = SystemClock(), options: Options = Options(),
                            logger: Logger = Logger(label: "swift-saml.sqlite")) async throws -> SQLiteStore {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw SQLiteStoreError.openFailed(path: path, detail: String(describing: error))
        }
        do {
            _ = try await connection.query("PRAGMA busy_timeout = \(max(0, options.busyTimeoutMilliseconds))")
            let mode = try await connection.query("PRAGMA journal_mode = WAL").first?.column("journal_mode")?.string
            guard mode?.lowercased() == "wal" else {
                throw SQLiteStoreError.openFailed(path: path, detail: "journal_mode is \(mode ?? "unknown"), not wal")
            }
            _ = try await connection.query("PRAGMA synchronous = \(options.syncEveryCommit ? "FULL" : "NORMAL")")
        } catch {
            try? await connection.close()
            if let error = error as? SQLiteStoreError { throw error }
            throw SQLiteStoreError.openFailed(path: path, detail: String(describing: error))
        }
        do {
            try await SQLiteMigrations.run(on: connection, now: clock.now())
        } catch {
            try? await connection.close()
            throw error
        }
        return SQLiteStore(path: path, connection: connection, clock: clock, options: options, logger: logger)
    }

    /// Closes the file. Every later call throws ``SQLiteStoreError/databaseFailed(operation:detail:)``.
    public func close() async throws {
        do {
            try await connection.close()
        } catch {
            throw SQLiteStoreError.databaseFailed(operation: "close", detail: String(describing: error))
        }
    }

    /// The schema version recorded in the file (``schemaVersion`` once opened).
    public func currentSchemaVersion() async throws -> Int {
        let rows = try await run("schema version", "SELECT coalesce(max(version), 0) AS version FROM saml_schema_version", [])
        return Int(rows.first?.column("version")?.integer ?? 0)
    }

    // MARK: ReplayCache

    public func insertIfAbsent(_ key: ReplayKey, expiresAt: Date) async throws -> Bool {
        let now = clock.now()
        // Inserted, or an expired record replaced: one row back. A live record: none (a replay).
        let rows = try await run("replay insert", """
            INSERT INTO saml_replay (issuer, kind, id, expires_at) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT (issuer, kind, id) DO UPDATE SET expires_at = excluded.expires_at
                WHERE saml_replay.expires_at <= ?5
            RETURNING 1
            """, [.text(key.issuer), .text(key.kind.rawValue), .text(key.id), .float(expiresAt.timeIntervalSince1970),
                  .float(now.timeIntervalSince1970)])
        sweepIfDue(now: now)
        return !rows.isEmpty
    }

    // MARK: AuthnRequestStore

    public func put(_ request: PendingRequest) async throws {
        let now = clock.now()
        var binds: [SQLiteData] = [.text(request.relayState), .text(request.requestID), .text(request.identityProvider),
                                   .text(request.returnTo), .float(request.expiresAt.timeIntervalSince1970)]
        let sql: String
        if let capacity = options.requestCapacity {
            // The capacity check and the insert are one statement: no window between counting and inserting.
            sql = """
                INSERT INTO saml_pending_requests (relay_state, request_id, identity_provider, return_to, expires_at)
                SELECT ?1, ?2, ?3, ?4, ?5
                WHERE (SELECT count(*) FROM (SELECT 1 FROM saml_pending_requests WHERE expires_at > ?6 LIMIT ?7)) < ?7
                ON CONFLICT (relay_state) DO UPDATE SET request_id = excluded.request_id,
                    identity_provider = excluded.identity_provider, return_to = excluded.return_to, expires_at = excluded.expires_at
                RETURNING 1
                """
            binds += [.float(now.timeIntervalSince1970), .integer(SQLiteInt64(max(1, capacity)))]
        } else {
            sql = """
                INSERT INTO saml_pending_requests (relay_state, request_id, identity_provider, return_to, expires_at)
                VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (relay_state) DO UPDATE SET request_id = excluded.request_id,
                    identity_provider = excluded.identity_provider, return_to = excluded.return_to, expires_at = excluded.expires_at
                RETURNING 1
                """
        }
        let rows = try await run("request put", sql, binds)
        guard !rows.isEmpty else { throw SAMLError.requestStoreFull }
        sweepIfDue(now: now)
    }

    public func take(relayState: String) async throws -> PendingRequest? {
        let rows = try await run("request take", """
            DELETE FROM saml_pending_requests WHERE relay_state = ?1
            RETURNING request_id, identity_provider, return_to, expires_at
            """, [.text(relayState)])
        guard let row = rows.first else { return nil }
        guard let requestID = row.column("request_id")?.string, let identityProvider = row.column("identity_provider")?.string,
              let returnTo = row.column("return_to")?.string, let expiresAt = row.column("expires_at")?.double else {
            throw SQLiteStoreError.unexpectedRow(operation: "request take")
        }
        let request = PendingRequest(relayState: relayState, requestID: requestID, identityProvider: identityProvider,
                                     returnTo: returnTo, expiresAt: Date(timeIntervalSince1970: expiresAt))
        return request.expiresAt > clock.now() ? request : nil
    }

    // MARK: IdPMetadataArchive

    public func save(_ metadata: ArchivedIdPMetadata) async throws {
        _ = try await run("metadata save", """
            INSERT INTO saml_idp_metadata (source, entity_id, xml, saved_at) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT (source) DO UPDATE SET entity_id = excluded.entity_id, xml = excluded.xml, saved_at = excluded.saved_at
            """, [.text(metadata.source), .text(metadata.entityID), .blob(ByteBuffer(bytes: metadata.xml)),
                  .float(metadata.savedAt.timeIntervalSince1970)])
    }

    public func load() async throws -> [ArchivedIdPMetadata] {
        let rows = try await run("metadata load", "SELECT source, entity_id, xml, saved_at FROM saml_idp_metadata", [])
        return try rows.map { row in
            guard let source = row.column("source")?.string, let entityID = row.column("entity_id")?.string,
                  let xml = row.column("xml")?.blob, let savedAt = row.column("saved_at")?.double else {
                throw SQLiteStoreError.unexpectedRow(operation: "metadata load")
            }
            return ArchivedIdPMetadata(source: source, entityID: entityID, xml: Array(xml.readableBytesView),
                                       savedAt: Date(timeIntervalSince1970: savedAt))
        }.sorted { $0.source < $1.source }
    }

    // MARK: SessionIndexStore

    public func record(_ entry: SessionIndexEntry) async throws {
        let now = clock.now()
        _ = try await run("session record", """
            INSERT INTO saml_sessions (session_id, issuer, name_id, session_index, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (session_id) DO UPDATE SET issuer = excluded.issuer, name_id = excluded.name_id,
                session_index = excluded.session_index, expires_at = excluded.expires_at
            """, [.text(entry.sessionID), .text(entry.issuer), .text(entry.nameID), entry.sessionIndex.map { .text($0) } ?? .null,
                  .float(entry.expiresAt.timeIntervalSince1970)])
        sweepIfDue(now: now)
    }

    public func endSessions(issuer: String, nameID: String, sessionIndexes: [String]) async throws -> [String] {
        var sql = """
            DELETE FROM saml_sessions WHERE issuer = ?1 AND name_id = ?2 AND expires_at > ?3
            """
        var binds: [SQLiteData] = [.text(issuer), .text(nameID), .float(clock.now().timeIntervalSince1970)]
        if !sessionIndexes.isEmpty {
            let placeholders = (0..<sessionIndexes.count).map { "?\($0 + 4)" }.joined(separator: ", ")
            sql += " AND session_index IN (\(placeholders))"
            binds += sessionIndexes.map { .text($0) }
        }
        sql += " RETURNING session_id"
        let rows = try await run("session end", sql, binds)
        return try rows.map { row in
            guard let id = row.column("session_id")?.string else { throw SQLiteStoreError.unexpectedRow(operation: "session end") }
            return id
        }.sorted()
    }

    public func remove(sessionID: String) async throws {
        _ = try await run("session remove", "DELETE FROM saml_sessions WHERE session_id = ?1", [.text(sessionID)])
    }

    // MARK: Sweeping

    /// Deletes one batch (at most ``Options/sweepBatchSize`` rows) of expired rows from each table.
    /// - Returns: the number of rows deleted.
    /// - Throws: ``SQLiteStoreError/databaseFailed(operation:detail:)``.
    @discardableResult
    public func sweep() async throws -> Int {
        try await sweepBatch().deleted
    }

    /// One batch per table; `more` when a batch came back full (more expired rows wait).
    private func sweepBatch() async throws -> (deleted: Int, more: Bool) {
        let now = SQLiteData.float(clock.now().timeIntervalSince1970)
        let batchSize = max(1, options.sweepBatchSize)
        var deleted = 0
        var more = false
        for table in ["saml_replay", "saml_pending_requests", "saml_sessions"] {
            let rows = try await run("sweep", """
                DELETE FROM \(table) WHERE rowid IN (SELECT rowid FROM \(table) WHERE expires_at <= ?1 LIMIT ?2) RETURNING 1
                """, [now, .integer(SQLiteInt64(batchSize))])
            deleted += rows.count
            more = more || rows.count >= batchSize
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
                self.logger.warning("swift-saml SQLite sweep failed", metadata: ["error": "\(error)"])
            }
            self.schedule.finish(now: self.clock.now(), more: more)
        }
    }

    func run(_ operation: String, _ sql: String, _ binds: [SQLiteData]) async throws -> [SQLiteRow] {
        do {
            return try await connection.query(sql, binds)
        } catch {
            logger.error("swift-saml SQLite store failed", metadata: ["operation": "\(operation)", "error": "\(error)"])
            throw SQLiteStoreError.databaseFailed(operation: operation, detail: String(describing: error))
        }
    }
}
#endif

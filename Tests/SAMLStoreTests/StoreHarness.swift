import Foundation
import SAML
import SAMLSCIM
import SAMLTenants
import SAMLTesting
import Testing
#if SQLite
import SAMLSQLite
import SQLiteNIO
#endif
#if Postgres
import PostgresNIO
import SAMLPostgres
#endif

/// The store implementations the conformance suite runs against: every test takes one of these as its argument, so
/// the same test runs on each. In-memory always; SQLite when built with the `SQLite` trait; PostgreSQL when built with
/// the `Postgres` trait and `SAML_TEST_POSTGRES_URL` names a server (``PostgresTest``).
enum StoreKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case memory, sqlite, postgres

    var testDescription: String { rawValue }

    /// Every implementation available in this build and environment.
    static var all: [StoreKind] {
        var kinds: [StoreKind] = [.memory]
        #if SQLite
        kinds.append(.sqlite)
        #endif
        #if Postgres
        if PostgresTest.url != nil { kinds.append(.postgres) }
        #endif
        return kinds
    }

    /// The database-backed ones (sweeps, migrations, failure).
    static var databases: [StoreKind] { all.filter { $0 != .memory } }
}

/// What a database-backed store adds to the four protocols (both SQLiteStore and PostgresStore have these).
protocol DatabaseStore: ReplayCache, AuthnRequestStore, IdPMetadataArchive, SessionIndexStore {
    func sweep() async throws -> Int
    func currentSchemaVersion() async throws -> Int
}

/// The four stores of one implementation, fresh for one test.
struct StoreSet: Sendable {
    let replay: any ReplayCache
    let requests: any AuthnRequestStore
    let archive: any IdPMetadataArchive
    let sessions: any SessionIndexStore
    /// Tenants, tests, audit (issue 14).
    let tenants: any TenantStore
    /// SCIM users and groups (issue 15).
    let scim: any SCIMStore
    /// The database store (nil for in-memory).
    let database: (any DatabaseStore)?
    /// Takes the database away: closes the SQLite file, shuts the PostgreSQL client down.
    let breakDatabase: @Sendable () async throws -> Void
    /// The rows in a table, expired ones included, read beside the store (nil for in-memory).
    var countRows: (@Sendable (String) async throws -> Int)? = nil
}

/// Limits a test sets (each implementation takes those it has).
struct StoreLimits: Sendable {
    var requestCapacity: Int? = nil
    var replayCapacity: Int? = nil
    var sweepBatchSize = 1_000
    var sweepInterval: TimeInterval = 1_000_000  // tests sweep by hand unless they say otherwise
}

/// A clock at a whole second (times stored as numbers round-trip exactly).
func testClock() -> MovableClock { MovableClock(Date(timeIntervalSince1970: 1_900_000_000)) }

/// Runs `body` with fresh stores of `kind` on `clock`, then removes them.
func withStores(_ kind: StoreKind, clock: MovableClock, limits: StoreLimits = StoreLimits(),
                _ body: (StoreSet) async throws -> Void) async throws {
    switch kind {
    case .memory:
        let stores = StoreSet(
            replay: InMemoryReplayCache(capacity: limits.replayCapacity ?? 100_000, clock: clock),
            requests: InMemoryAuthnRequestStore(capacity: limits.requestCapacity ?? 10_000, clock: clock),
            archive: InMemoryIdPMetadataArchive(),
            sessions: InMemorySessionIndexStore(clock: clock),
            tenants: InMemoryTenantStore(),
            scim: InMemorySCIMStore(),
            database: nil,
            breakDatabase: {})
        try await body(stores)
    case .sqlite:
        #if SQLite
        let directory = try SQLiteTest.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteStore.open(stateDirectory: directory, clock: clock, options: SQLiteTest.options(limits))
        let stores = StoreSet(replay: store, requests: store, archive: store, sessions: store, tenants: store, scim: store, database: store,
                              breakDatabase: { try await store.close() }, countRows: { table in
                                  try await SQLiteTest.countRows(path: store.path, table: table)
                              })
        do {
            try await body(stores)
        } catch {
            try? await store.close()
            throw error
        }
        try? await store.close()
        #else
        Issue.record("built without the SQLite trait")
        #endif
    case .postgres:
        #if Postgres
        try await PostgresTest.withStore(clock: clock, limits: limits) { store, stop, schema in
            try await body(StoreSet(replay: store, requests: store, archive: store, sessions: store, tenants: store, scim: store, database: store,
                                    breakDatabase: stop, countRows: { table in
                                        try await PostgresTest.countRows(schema: schema, table: table)
                                    }))
        }
        #else
        Issue.record("built without the Postgres trait")
        #endif
    }
}

#if SQLite
extension SQLiteStore: DatabaseStore {}

enum SQLiteTest {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("saml-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func options(_ limits: StoreLimits) -> SQLiteStore.Options {
        var options = SQLiteStore.Options()
        options.requestCapacity = limits.requestCapacity
        options.sweepBatchSize = limits.sweepBatchSize
        options.sweepInterval = limits.sweepInterval
        return options
    }

    /// The rows of `table`, through a connection of its own (WAL: a reader beside the writer).
    static func countRows(path: String, table: String) async throws -> Int {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        let rows: [SQLiteRow]
        do {
            rows = try await connection.query("SELECT count(*) AS n FROM \(table)")
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return Int(rows.first?.column("n")?.integer ?? -1)
    }
}
#endif

#if Postgres
extension PostgresStore: DatabaseStore {}

/// The PostgreSQL server of the tests: `SAML_TEST_POSTGRES_URL` (`scripts/postgres.sh start` starts a throw-away
/// cluster and prints it; `make test` does both). Each test gets a schema of its own (a `search_path` startup
/// parameter), dropped at its end.
enum PostgresTest {
    static let url: String? = {
        let value = ProcessInfo.processInfo.environment["SAML_TEST_POSTGRES_URL"] ?? ""
        return value.isEmpty ? nil : value
    }()

    static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static func options(_ limits: StoreLimits) -> PostgresStore.Options {
        var options = PostgresStore.Options()
        options.requestCapacity = limits.requestCapacity
        options.sweepBatchSize = limits.sweepBatchSize
        options.sweepInterval = limits.sweepInterval
        options.operationTimeout = .seconds(20)
        return options
    }

    /// Runs `body` with a running client on the test server (the default schema).
    @discardableResult
    static func withAdmin<T: Sendable>(_ body: (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: try PostgresStore.configuration(url: try #require(url)))
        let run = Task { await client.run() }
        defer { run.cancel() }
        return try await body(client)
    }

    /// The rows of `schema.table`, expired ones included.
    static func countRows(schema: String, table: String) async throws -> Int {
        try await withAdmin { client in
            var count = -1
            for try await value in try await client.query("SELECT count(*)::int8 FROM \(unescaped: schema).\(unescaped: table)")
                .decode(Int.self) { count = value }
            return count
        }
    }

    /// A fresh schema's name.
    static func newSchema() -> String { "saml_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }

    /// A configuration whose connections use `schema`.
    static func configuration(schema: String) throws -> PostgresClient.Configuration {
        var configuration = try PostgresStore.configuration(url: try #require(url))
        configuration.options.additionalStartupParameters = [("search_path", schema)]
        return configuration
    }

    /// Runs `body` with a store in a new schema (dropped afterwards), its pool running; `stop` shuts the pool down.
    static func withStore(clock: any SAMLClock, limits: StoreLimits = StoreLimits(), poolSize: Int = 4,
                          _ body: (PostgresStore, @escaping @Sendable () async -> Void, String) async throws -> Void) async throws {
        let schema = newSchema()
        try await withAdmin { try await $0.query("CREATE SCHEMA \(unescaped: schema)") }
        let store = PostgresStore(configuration: try configuration(schema: schema), poolSize: poolSize, clock: clock,
                                  options: options(limits))
        let run = Task { await store.run() }
        let stop: @Sendable () async -> Void = {
            run.cancel()
            await run.value
        }
        do {
            try await body(store, stop, schema)
        } catch {
            await stop()
            _ = try? await withAdmin { try await $0.query("DROP SCHEMA \(unescaped: schema) CASCADE") }
            throw error
        }
        await stop()
        try await withAdmin { try await $0.query("DROP SCHEMA \(unescaped: schema) CASCADE") }
    }
}
#endif

#if Postgres
import Foundation
import Logging
import PostgresNIO
import SAML
import SAMLPostgres
import SAMLTesting
import Testing

/// Whether the PostgreSQL run happens: outside CI a missing server skips it (with the reason printed); in CI
/// (`CI=true`) a missing `SAML_TEST_POSTGRES_URL` fails, so CI can never pass without the PostgreSQL store tested.
@Suite("PostgreSQL availability")
struct PostgresAvailabilityTests {
    @Test("SAML_TEST_POSTGRES_URL names a reachable server (required when CI=true)",
          .enabled(if: PostgresTest.url != nil || PostgresTest.inCI,
                   "SAML_TEST_POSTGRES_URL unset: the PostgreSQL store is not tested (scripts/postgres.sh start prints one)"))
    func configured() async throws {
        let url = try #require(PostgresTest.url, "CI=true but SAML_TEST_POSTGRES_URL is unset: the PostgreSQL run cannot be skipped in CI")
        _ = url
        let version = try await PostgresTest.withAdmin { client in
            var text = ""
            for try await value in try await client.query("SHOW server_version").decode(String.self) { text = value }
            return text
        }
        #expect(!version.isEmpty)
        #expect(StoreKind.all.contains(.postgres))
    }
}

/// What only the PostgreSQL store promises: instances migrating at once, URLs, an unreachable server.
@Suite("PostgresStore")
struct PostgresStoreTests {
    @Test("four stores on one new schema migrating at once: one migration, then shared state",
          .enabled(if: PostgresTest.url != nil, "SAML_TEST_POSTGRES_URL unset"))
    func concurrentMigration() async throws {
        let schema = PostgresTest.newSchema()
        try await PostgresTest.withAdmin { try await $0.query("CREATE SCHEMA \(unescaped: schema)") }
        do {
            try await migrateTogether(schema: schema)
        } catch {
            _ = try? await PostgresTest.withAdmin { try await $0.query("DROP SCHEMA \(unescaped: schema) CASCADE") }
            throw error
        }
        try await PostgresTest.withAdmin { try await $0.query("DROP SCHEMA \(unescaped: schema) CASCADE") }
    }

    private func migrateTogether(schema: String) async throws {
        let clock = testClock()
        let stores = try (0..<4).map { _ in
            PostgresStore(configuration: try PostgresTest.configuration(schema: schema), poolSize: 2, clock: clock,
                          options: PostgresTest.options(StoreLimits()))
        }
        let runs = stores.map { store in Task { await store.run() } }
        defer { runs.forEach { $0.cancel() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            try await group.waitForAll()
        }
        for store in stores { #expect(try await store.currentSchemaVersion() == PostgresStore.schemaVersion) }
        let versions = try await PostgresTest.withAdmin { client in
            var count = 0
            for try await _ in try await client.query("SELECT version FROM \(unescaped: schema).saml_schema_version") { count += 1 }
            return count
        }
        #expect(versions == PostgresStore.schemaVersion)   // each migration recorded once, by one instance
        // A request put on one instance is taken on another, once.
        let request = PendingRequest(relayState: "rs", requestID: "_r", identityProvider: "idp", returnTo: "/",
                                     expiresAt: clock.now().addingTimeInterval(60))
        try await stores[0].put(request)
        #expect(try await stores[1].take(relayState: "rs") == request)
        #expect(try await stores[2].take(relayState: "rs") == nil)
    }

    @Test("an unreachable server fails the call (closed), within the timeout")
    func unreachable() async throws {
        var configuration = PostgresClient.Configuration(host: "127.0.0.1", port: 1, username: "nobody", password: nil,
                                                         database: nil, tls: .disable)
        configuration.options.connectTimeout = .seconds(1)
        var options = PostgresStore.Options()
        options.operationTimeout = .seconds(2)
        // A silent logger: the pool retries the connection (and would log each refusal) until the test ends.
        let store = PostgresStore(configuration: configuration, poolSize: 1, clock: testClock(), options: options,
                                  logger: Logger(label: "unreachable", factory: { _ in SwiftLogNoOpLogHandler() }))
        let run = Task { await store.run() }
        defer { run.cancel() }
        let start = ContinuousClock.now
        do {
            _ = try await store.insertIfAbsent(ReplayKey(issuer: "i", kind: .assertion, id: "x"), expiresAt: Date())
            Issue.record("an unreachable server answered")
        } catch let error as PostgresStoreError {
            // Unavailable (503), never a verdict: a refused connection or the per-call timeout.
            #expect(error.fault == .unavailable, "\(error)")
        }
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test("URLs: postgres:// and postgresql://, percent-decoded credentials, sslmode; others refused")
    func urls() throws {
        let configuration = try PostgresStore.configuration(url: "postgresql://us%40er:p%3Ass@db.example:6543/saml?sslmode=disable")
        #expect(configuration.host == "db.example")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "us@er")
        #expect(configuration.password == "p:ss")
        #expect(configuration.database == "saml")
        #expect(try PostgresStore.configuration(url: "postgres://u@localhost").port == 5432)
        #expect(throws: PostgresStoreError.self) { try PostgresStore.configuration(url: "mysql://u@localhost/db") }
        #expect(throws: PostgresStoreError.self) { try PostgresStore.configuration(url: "postgres://u@localhost/db?sslmode=bogus") }
        #expect(throws: PostgresStoreError.self) { try PostgresStore.configuration(url: "postgres://localhost/db") }
    }
}
#endif

#if SQLite
import Foundation
import SQLiteNIO

/// One schema change: applied once, in order, recorded in `saml_schema_version`.
struct SQLiteMigration: Sendable {
    let version: Int
    let statements: [String]
}

/// The schema, as versioned migrations the module runs itself. Never edit a released migration: add the next one.
enum SQLiteMigrations {
    static let all: [SQLiteMigration] = [
        SQLiteMigration(version: 1, statements: [
            // Times: seconds since 1970 from the injected SAMLClock. TEXT compares with BINARY (bytes): exact keys.
            """
            CREATE TABLE saml_replay (
                issuer TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, expires_at REAL NOT NULL,
                PRIMARY KEY (issuer, kind, id))
            """,
            "CREATE INDEX saml_replay_expiry ON saml_replay (expires_at)",
            """
            CREATE TABLE saml_pending_requests (
                relay_state TEXT NOT NULL PRIMARY KEY, request_id TEXT NOT NULL, identity_provider TEXT NOT NULL,
                return_to TEXT NOT NULL, expires_at REAL NOT NULL)
            """,
            "CREATE INDEX saml_pending_requests_expiry ON saml_pending_requests (expires_at)",
            """
            CREATE TABLE saml_idp_metadata (
                source TEXT NOT NULL PRIMARY KEY, entity_id TEXT NOT NULL, xml BLOB NOT NULL, saved_at REAL NOT NULL)
            """,
            """
            CREATE TABLE saml_sessions (
                session_id TEXT NOT NULL PRIMARY KEY, issuer TEXT NOT NULL, name_id TEXT NOT NULL, session_index TEXT,
                expires_at REAL NOT NULL)
            """,
            "CREATE INDEX saml_sessions_subject ON saml_sessions (issuer, name_id)",
            "CREATE INDEX saml_sessions_expiry ON saml_sessions (expires_at)",
        ]),
        // Issue 14: tenants (a JSON document each, versioned for optimistic updates), their domains, connection tests
        // and audit log. Ids, domains and their look-alike skeletons are unique: the file decides who wins.
        SQLiteMigration(version: 2, statements: [
            "CREATE TABLE saml_tenants (id TEXT NOT NULL PRIMARY KEY, skeleton TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, doc TEXT NOT NULL)",
            "CREATE TABLE saml_tenant_domains (domain TEXT NOT NULL PRIMARY KEY, tenant TEXT NOT NULL, skeleton TEXT NOT NULL UNIQUE)",
            "CREATE TABLE saml_tenant_tests (id TEXT NOT NULL PRIMARY KEY, tenant TEXT NOT NULL, relay_state TEXT, doc TEXT NOT NULL)",
            "CREATE INDEX saml_tenant_tests_relay ON saml_tenant_tests (relay_state)",
            "CREATE TABLE saml_audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, doc TEXT NOT NULL)",
            "CREATE INDEX saml_audit_tenant ON saml_audit (tenant, seq)",
        ]),
        // Issue 15: SCIM users and groups per tenant; a user's userName (lower-cased) is unique in its tenant.
        SQLiteMigration(version: 3, statements: [
            """
            CREATE TABLE saml_scim (tenant TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, user_name_key TEXT, external_id TEXT,
                version INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (tenant, kind, id))
            """,
            "CREATE UNIQUE INDEX saml_scim_user_name ON saml_scim (tenant, user_name_key) WHERE user_name_key IS NOT NULL",
            "CREATE INDEX saml_scim_external_id ON saml_scim (tenant, kind, external_id)",
        ]),
    ]

    /// Applies the pending migrations in one `BEGIN IMMEDIATE` transaction: it takes SQLite's write lock first, so a
    /// second process opening the same file waits (busy timeout) and then finds the schema current.
    static func run(on connection: SQLiteConnection, now: Date) async throws {
        var version = 0
        do {
            _ = try await connection.query("BEGIN IMMEDIATE")
            _ = try await connection.query("""
                CREATE TABLE IF NOT EXISTS saml_schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at REAL NOT NULL)
                """)
            let current = try await connection.query("SELECT coalesce(max(version), 0) AS version FROM saml_schema_version")
                .first?.column("version")?.integer ?? 0
            for migration in all where migration.version > Int(current) {
                version = migration.version
                for statement in migration.statements {
                    _ = try await connection.query(statement)
                }
                _ = try await connection.query("INSERT INTO saml_schema_version (version, applied_at) VALUES (?1, ?2)",
                                                [.integer(SQLiteInt64(migration.version)), .float(now.timeIntervalSince1970)])
            }
            _ = try await connection.query("COMMIT")
        } catch {
            _ = try? await connection.query("ROLLBACK")
            throw SQLiteStoreError.migrationFailed(version: version, detail: String(describing: error))
        }
    }
}
#endif

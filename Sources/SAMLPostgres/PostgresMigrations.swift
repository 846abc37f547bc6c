#if Postgres
import Foundation
import Logging
import PostgresNIO

/// One schema change: applied once, in order, recorded in `saml_schema_version`.
struct PostgresMigration: Sendable {
    let version: Int
    let statements: [String]
}

/// The schema, as versioned migrations the module runs itself. Never edit a released migration: add the next one.
enum PostgresMigrations {
    /// The advisory lock that serialises migrations across instances (any fixed number; "SAMLMIG1" in ASCII).
    static let lockKey: Int64 = 0x5341_4D4C_4D49_4731

    static let all: [PostgresMigration] = [
        PostgresMigration(version: 1, statements: [
            // Times: seconds since 1970 from the injected SAMLClock. COLLATE "C": keys compare as bytes, exactly.
            """
            CREATE TABLE saml_replay (
                issuer text COLLATE "C" NOT NULL, kind text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL,
                expires_at double precision NOT NULL,
                PRIMARY KEY (issuer, kind, id))
            """,
            "CREATE INDEX saml_replay_expiry ON saml_replay (expires_at)",
            """
            CREATE TABLE saml_pending_requests (
                relay_state text COLLATE "C" NOT NULL PRIMARY KEY, request_id text NOT NULL, identity_provider text NOT NULL,
                return_to text NOT NULL, expires_at double precision NOT NULL)
            """,
            "CREATE INDEX saml_pending_requests_expiry ON saml_pending_requests (expires_at)",
            """
            CREATE TABLE saml_idp_metadata (
                source text COLLATE "C" NOT NULL PRIMARY KEY, entity_id text NOT NULL, xml bytea NOT NULL,
                saved_at double precision NOT NULL)
            """,
            """
            CREATE TABLE saml_sessions (
                session_id text COLLATE "C" NOT NULL PRIMARY KEY, issuer text COLLATE "C" NOT NULL,
                name_id text COLLATE "C" NOT NULL, session_index text COLLATE "C", expires_at double precision NOT NULL)
            """,
            "CREATE INDEX saml_sessions_subject ON saml_sessions (issuer, name_id)",
            "CREATE INDEX saml_sessions_expiry ON saml_sessions (expires_at)",
        ]),
        // Issue 14: tenants (a JSON document each, versioned for optimistic updates), their domains, connection tests
        // and audit log. Ids, domains and their look-alike skeletons are unique: the database decides who wins.
        PostgresMigration(version: 2, statements: [
            """
            CREATE TABLE saml_tenants (id text COLLATE "C" NOT NULL PRIMARY KEY, skeleton text COLLATE "C" NOT NULL UNIQUE,
                version bigint NOT NULL, doc text NOT NULL)
            """,
            """
            CREATE TABLE saml_tenant_domains (domain text COLLATE "C" NOT NULL PRIMARY KEY, tenant text COLLATE "C" NOT NULL,
                skeleton text COLLATE "C" NOT NULL UNIQUE)
            """,
            """
            CREATE TABLE saml_tenant_tests (id text COLLATE "C" NOT NULL PRIMARY KEY, tenant text COLLATE "C" NOT NULL,
                relay_state text COLLATE "C", doc text NOT NULL)
            """,
            "CREATE INDEX saml_tenant_tests_relay ON saml_tenant_tests (relay_state)",
            "CREATE TABLE saml_audit (seq bigserial PRIMARY KEY, tenant text COLLATE \"C\" NOT NULL, doc text NOT NULL)",
            "CREATE INDEX saml_audit_tenant ON saml_audit (tenant, seq)",
        ]),
        // Issue 15: SCIM users and groups per tenant; a user's userName (lower-cased) is unique in its tenant.
        PostgresMigration(version: 3, statements: [
            """
            CREATE TABLE saml_scim (seq bigserial, tenant text COLLATE "C" NOT NULL, kind text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL,
                user_name_key text COLLATE "C", external_id text COLLATE "C", version bigint NOT NULL, doc text NOT NULL,
                PRIMARY KEY (tenant, kind, id))
            """,
            "CREATE UNIQUE INDEX saml_scim_user_name ON saml_scim (tenant, user_name_key) WHERE user_name_key IS NOT NULL",
            "CREATE INDEX saml_scim_external_id ON saml_scim (tenant, kind, external_id)",
            "CREATE INDEX saml_scim_order ON saml_scim (tenant, kind, seq)",
        ]),
    ]

    /// Applies the pending migrations in one transaction that first takes the advisory lock: a second instance
    /// waits for it, then finds the schema current. DDL is transactional in PostgreSQL: a failed migration leaves
    /// the previous version whole.
    static func run(on client: PostgresClient, now: Date, logger: Logger) async throws {
        var version = 0
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS saml_schema_version (version integer PRIMARY KEY, applied_at double precision NOT NULL)
                    """, logger: logger)
                var current = 0
                for try await value in try await connection.query(
                    "SELECT coalesce(max(version), 0)::int8 FROM saml_schema_version", logger: logger
                ).decode(Int.self) {
                    current = value
                }
                for migration in all where migration.version > current {
                    version = migration.version
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    let applied = now.timeIntervalSince1970
                    try await connection.query("""
                        INSERT INTO saml_schema_version (version, applied_at) VALUES (\(migration.version), \(applied))
                        """, logger: logger)
                }
            }
        } catch {
            throw PostgresStoreError.migrationFailed(version: version, detail: String(reflecting: error))
        }
    }
}
#endif

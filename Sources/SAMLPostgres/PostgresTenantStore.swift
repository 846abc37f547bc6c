#if Postgres
import Foundation
import PostgresNIO
import SAML
import SAMLTenants

/// Tenants in the same database as the SAML state (issue 14), shared by every instance. A create is two single
/// statements (the tenant row, then all its domains at once), undone when the second is refused; uniqueness of ids,
/// domains and skeletons is the database's constraints, so two instances creating look-alikes at once cannot both win.
extension PostgresStore: TenantStore {
    static let encoder = JSONEncoder()
    static let decoder = JSONDecoder()

    static func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }

    static func documents<T: Decodable & Sendable>(_ type: T.Type, _ rows: PostgresRowSequence) async throws -> [T] {
        var out: [T] = []
        for try await doc in rows.decode(String.self) {
            guard let value = try? decoder.decode(T.self, from: Data(doc.utf8)) else { throw PostgresStoreError.databaseFailed(operation: "decode \(T.self)", detail: "a stored document does not decode") }
            out.append(value)
        }
        return out
    }

    public func createTenant(_ tenant: Tenant) async throws {
        let (id, skeleton, version, doc) = (tenant.id, TenantNames.skeleton(tenant.id), tenant.version, try Self.json(tenant))
        let inserted = try await perform("tenant create") { client, logger in
            try await Self.count(client.query("""
                INSERT INTO saml_tenants (id, skeleton, version, doc) VALUES (\(id), \(skeleton), \(version), \(doc))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger))
        }
        guard inserted > 0 else {
            if try await self.tenant(id: id) != nil { throw TenantError.tenantExists(id) }
            let existing = try await perform("tenant lookalike") { client, logger -> String in
                var found = ""
                for try await value in try await client.query("SELECT id FROM saml_tenants WHERE skeleton = \(skeleton)", logger: logger).decode(String.self) {
                    found = value
                }
                return found
            }
            throw TenantError.confusableWithExisting(value: id, existing: existing)
        }
        guard !tenant.domains.isEmpty else { return }
        let domains = tenant.domains, skeletons = tenant.domains.map(TenantNames.skeleton)
        do {
            // One statement: all domains or none.
            _ = try await perform("tenant domains") { client, logger in
                try await Self.count(client.query("""
                    INSERT INTO saml_tenant_domains (domain, tenant, skeleton)
                    SELECT d, \(id), s FROM unnest(\(domains)::text[], \(skeletons)::text[]) AS x(d, s)
                    RETURNING 1
                    """, logger: logger))
            }
        } catch {
            _ = try? await perform("tenant create undo") { client, logger in
                try await Self.count(client.query("DELETE FROM saml_tenants WHERE id = \(id) RETURNING 1", logger: logger))
            }
            for (domain, skeleton) in zip(domains, skeletons) {
                let (taken, lookalike) = try await perform("domain lookup") { client, logger -> (Bool, String?) in
                    var taken = false
                    for try await _ in try await client.query("SELECT 1 FROM saml_tenant_domains WHERE domain = \(domain)", logger: logger) { taken = true }
                    var lookalike: String?
                    for try await value in try await client.query("SELECT domain FROM saml_tenant_domains WHERE skeleton = \(skeleton)",
                                                                  logger: logger).decode(String.self) { lookalike = value }
                    return (taken, lookalike)
                }
                if taken { throw TenantError.domainTaken(domain) }
                if let lookalike { throw TenantError.confusableWithExisting(value: domain, existing: lookalike) }
            }
            throw error
        }
    }

    public func tenant(id: String) async throws -> Tenant? {
        try await perform("tenant get") { client, logger in
            try await Self.documents(Tenant.self, client.query("SELECT doc FROM saml_tenants WHERE id = \(id)", logger: logger)).first
        }
    }

    public func tenants() async throws -> [Tenant] {
        try await perform("tenant list") { client, logger in
            try await Self.documents(Tenant.self, client.query("SELECT doc FROM saml_tenants ORDER BY id", logger: logger))
        }
    }

    public func tenant(domain: String) async throws -> Tenant? {
        try await perform("tenant by domain") { client, logger in
            try await Self.documents(Tenant.self, client.query("""
                SELECT t.doc FROM saml_tenant_domains d JOIN saml_tenants t ON t.id = d.tenant WHERE d.domain = \(domain)
                """, logger: logger)).first
        }
    }

    public func updateTenant(_ tenant: Tenant) async throws {
        let (id, version, previous, doc) = (tenant.id, tenant.version, tenant.version - 1, try Self.json(tenant))
        let updated = try await perform("tenant update") { client, logger in
            try await Self.count(client.query("""
                UPDATE saml_tenants SET version = \(version), doc = \(doc) WHERE id = \(id) AND version = \(previous) RETURNING 1
                """, logger: logger))
        }
        guard updated > 0 else { throw TenantError.concurrentUpdate }
    }

    public func saveTest(_ test: SSOTest) async throws {
        let (id, tenant, relayState, doc) = (test.id, test.tenant, test.relayState, try Self.json(test))
        _ = try await perform("test save") { client, logger in
            try await Self.count(client.query("""
                INSERT INTO saml_tenant_tests (id, tenant, relay_state, doc) VALUES (\(id), \(tenant), \(relayState), \(doc))
                ON CONFLICT (id) DO UPDATE SET relay_state = EXCLUDED.relay_state, doc = EXCLUDED.doc
                """, logger: logger))
        }
    }

    public func test(id: String, tenant: String) async throws -> SSOTest? {
        try await perform("test get") { client, logger in
            try await Self.documents(SSOTest.self, client.query("SELECT doc FROM saml_tenant_tests WHERE id = \(id) AND tenant = \(tenant)",
                                                                logger: logger)).first
        }
    }

    public func test(relayState: String) async throws -> SSOTest? {
        try await perform("test by relay state") { client, logger in
            try await Self.documents(SSOTest.self, client.query("SELECT doc FROM saml_tenant_tests WHERE relay_state = \(relayState)",
                                                                logger: logger)).first
        }
    }

    public func appendAudit(_ event: AuditEvent, tenant: String) async throws {
        let doc = try Self.json(event)
        _ = try await perform("audit append") { client, logger in
            try await Self.count(client.query("INSERT INTO saml_audit (tenant, doc) VALUES (\(tenant), \(doc))", logger: logger))
        }
    }

    public func audit(tenant: String, limit: Int) async throws -> [AuditEvent] {
        let limit = max(0, limit)
        return try await perform("audit list") { client, logger in
            try await Self.documents(AuditEvent.self, client.query("""
                SELECT doc FROM saml_audit WHERE tenant = \(tenant) ORDER BY seq DESC LIMIT \(limit)
                """, logger: logger))
        }
    }
}
#endif

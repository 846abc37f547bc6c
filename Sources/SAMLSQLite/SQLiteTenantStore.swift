#if SQLite
import Foundation
import SAML
import SAMLTenants
import SQLiteNIO

/// Tenants in the same file as the SAML state (issue 14). A create is two single statements (the tenant row, then
/// all its domains at once), undone when the second is refused; uniqueness of ids, domains and skeletons is the
/// file's constraints.
extension SQLiteStore: TenantStore {
    static let encoder = JSONEncoder()
    static let decoder = JSONDecoder()

    func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try Self.encoder.encode(value), as: UTF8.self) }

    func decode<T: Decodable>(_ type: T.Type, _ row: SQLiteRow?, _ operation: String) throws -> T? {
        guard let row else { return nil }
        guard let doc = row.column("doc")?.string, let value = try? Self.decoder.decode(T.self, from: Data(doc.utf8)) else {
            throw SQLiteStoreError.unexpectedRow(operation: operation)
        }
        return value
    }

    public func createTenant(_ tenant: Tenant) async throws {
        let inserted = try await run("tenant create", """
            INSERT INTO saml_tenants (id, skeleton, version, doc) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING RETURNING 1
            """, [.text(tenant.id), .text(TenantNames.skeleton(tenant.id)), .integer(SQLiteInt64(tenant.version)), .text(try json(tenant))])
        guard !inserted.isEmpty else {
            if try await self.tenant(id: tenant.id) != nil { throw TenantError.tenantExists(tenant.id) }
            let rows = try await run("tenant lookalike", "SELECT id FROM saml_tenants WHERE skeleton = ?1", [.text(TenantNames.skeleton(tenant.id))])
            throw TenantError.confusableWithExisting(value: tenant.id, existing: rows.first?.column("id")?.string ?? "")
        }
        guard !tenant.domains.isEmpty else { return }
        var sql = "INSERT INTO saml_tenant_domains (domain, tenant, skeleton) VALUES "
        var binds: [SQLiteData] = []
        for (i, domain) in tenant.domains.enumerated() {
            sql += (i == 0 ? "" : ", ") + "(?\(3 * i + 1), ?\(3 * i + 2), ?\(3 * i + 3))"
            binds += [.text(domain), .text(tenant.id), .text(TenantNames.skeleton(domain))]
        }
        do {
            _ = try await connection.query(sql, binds)   // one statement: all domains or none
        } catch {
            _ = try? await run("tenant create undo", "DELETE FROM saml_tenants WHERE id = ?1", [.text(tenant.id)])
            for domain in tenant.domains {
                if !(try await run("domain lookup", "SELECT 1 FROM saml_tenant_domains WHERE domain = ?1", [.text(domain)])).isEmpty {
                    throw TenantError.domainTaken(domain)
                }
                let rows = try await run("domain lookalike", "SELECT domain FROM saml_tenant_domains WHERE skeleton = ?1", [.text(TenantNames.skeleton(domain))])
                if let existing = rows.first?.column("domain")?.string { throw TenantError.confusableWithExisting(value: domain, existing: existing) }
            }
            throw SQLiteStoreError.databaseFailed(operation: "tenant domains", detail: String(describing: error))
        }
    }

    public func tenant(id: String) async throws -> Tenant? {
        try decode(Tenant.self, try await run("tenant get", "SELECT doc FROM saml_tenants WHERE id = ?1", [.text(id)]).first, "tenant get")
    }

    public func tenants() async throws -> [Tenant] {
        try await run("tenant list", "SELECT doc FROM saml_tenants ORDER BY id", []).compactMap { try decode(Tenant.self, $0, "tenant list") }
    }

    public func tenant(domain: String) async throws -> Tenant? {
        try decode(Tenant.self, try await run("tenant by domain", """
            SELECT t.doc FROM saml_tenant_domains d JOIN saml_tenants t ON t.id = d.tenant WHERE d.domain = ?1
            """, [.text(domain)]).first, "tenant by domain")
    }

    public func updateTenant(_ tenant: Tenant) async throws {
        let rows = try await run("tenant update", "UPDATE saml_tenants SET version = ?1, doc = ?2 WHERE id = ?3 AND version = ?4 RETURNING 1",
                                 [.integer(SQLiteInt64(tenant.version)), .text(try json(tenant)), .text(tenant.id), .integer(SQLiteInt64(tenant.version - 1))])
        guard !rows.isEmpty else { throw TenantError.concurrentUpdate }
    }

    public func saveTest(_ test: SSOTest) async throws {
        _ = try await run("test save", """
            INSERT INTO saml_tenant_tests (id, tenant, relay_state, doc) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT (id) DO UPDATE SET relay_state = excluded.relay_state, doc = excluded.doc
            """, [.text(test.id), .text(test.tenant), test.relayState.map { .text($0) } ?? .null, .text(try json(test))])
    }

    public func test(id: String, tenant: String) async throws -> SSOTest? {
        try decode(SSOTest.self, try await run("test get", "SELECT doc FROM saml_tenant_tests WHERE id = ?1 AND tenant = ?2",
                                               [.text(id), .text(tenant)]).first, "test get")
    }

    public func test(relayState: String) async throws -> SSOTest? {
        try decode(SSOTest.self, try await run("test by relay state", "SELECT doc FROM saml_tenant_tests WHERE relay_state = ?1",
                                               [.text(relayState)]).first, "test by relay state")
    }

    public func appendAudit(_ event: AuditEvent, tenant: String) async throws {
        _ = try await run("audit append", "INSERT INTO saml_audit (tenant, doc) VALUES (?1, ?2)", [.text(tenant), .text(try json(event))])
    }

    public func audit(tenant: String, limit: Int) async throws -> [AuditEvent] {
        try await run("audit list", "SELECT doc FROM saml_audit WHERE tenant = ?1 ORDER BY seq DESC LIMIT ?2",
                      [.text(tenant), .integer(SQLiteInt64(max(0, limit)))]).compactMap { try decode(AuditEvent.self, $0, "audit list") }
    }
}
#endif

import Foundation
import SAML

/// Where tenants, their connection tests and their audit log are kept: in memory (tests, one process), SQLite (one
/// instance) or PostgreSQL (several). Uniqueness of ids, domains and their look-alike skeletons is the store's to
/// enforce, so that two instances creating tenants at once cannot both win.
public protocol TenantStore: Sendable {
    /// Adds `tenant`. Throws ``TenantError/tenantExists(_:)``, ``TenantError/domainTaken(_:)`` or
    /// ``TenantError/confusableWithExisting(value:existing:)`` when its id, a domain, or the skeleton of either is taken.
    func createTenant(_ tenant: Tenant) async throws
    /// The tenant with this id.
    func tenant(id: String) async throws -> Tenant?
    /// Every tenant, by id.
    func tenants() async throws -> [Tenant]
    /// The tenant that owns this ASCII domain (exact, lower-case).
    func tenant(domain: String) async throws -> Tenant?
    /// Replaces the tenant if its stored version is `tenant.version - 1`; otherwise ``TenantError/concurrentUpdate``.
    func updateTenant(_ tenant: Tenant) async throws
    /// Adds or replaces a test.
    func saveTest(_ test: SSOTest) async throws
    /// The test with this id of this tenant.
    func test(id: String, tenant: String) async throws -> SSOTest?
    /// The test whose login used this RelayState.
    func test(relayState: String) async throws -> SSOTest?
    /// Appends an audit event to the tenant's log.
    func appendAudit(_ event: AuditEvent, tenant: String) async throws
    /// The tenant's audit events, newest first, at most `limit`.
    func audit(tenant: String, limit: Int) async throws -> [AuditEvent]
}

/// Tenants in memory, for tests and a single process without persistence.
public actor InMemoryTenantStore: TenantStore {
    private var byID: [String: Tenant] = [:]
    private var domains: [String: String] = [:]          // domain → tenant
    private var skeletons: [String: String] = [:]        // skeleton → the id or domain it came from
    private var tests: [String: SSOTest] = [:]
    private var auditLog: [String: [AuditEvent]] = [:]

    /// An empty store.
    public init() {}

    public func createTenant(_ tenant: Tenant) async throws {
        guard byID[tenant.id] == nil else { throw TenantError.tenantExists(tenant.id) }
        for domain in tenant.domains where domains[domain] != nil { throw TenantError.domainTaken(domain) }
        for value in [tenant.id] + tenant.domains {
            if let existing = skeletons[TenantNames.skeleton(value)] { throw TenantError.confusableWithExisting(value: value, existing: existing) }
        }
        byID[tenant.id] = tenant
        for domain in tenant.domains { domains[domain] = tenant.id }
        for value in [tenant.id] + tenant.domains { skeletons[TenantNames.skeleton(value)] = value }
    }

    public func tenant(id: String) async throws -> Tenant? { byID[id] }

    public func tenants() async throws -> [Tenant] { byID.values.sorted { $0.id < $1.id } }

    public func tenant(domain: String) async throws -> Tenant? { domains[domain].flatMap { byID[$0] } }

    public func updateTenant(_ tenant: Tenant) async throws {
        guard let current = byID[tenant.id], current.version == tenant.version - 1 else { throw TenantError.concurrentUpdate }
        byID[tenant.id] = tenant
    }

    public func saveTest(_ test: SSOTest) async throws { tests[test.id] = test }

    public func test(id: String, tenant: String) async throws -> SSOTest? {
        tests[id].flatMap { $0.tenant == tenant ? $0 : nil }
    }

    public func test(relayState: String) async throws -> SSOTest? {
        tests.values.first { $0.relayState == relayState }
    }

    public func appendAudit(_ event: AuditEvent, tenant: String) async throws { auditLog[tenant, default: []].append(event) }

    public func audit(tenant: String, limit: Int) async throws -> [AuditEvent] {
        Array((auditLog[tenant] ?? []).reversed().prefix(max(0, limit)))
    }
}

import Foundation
import SAML
import SAMLTenants
import SAMLTesting
import Testing

/// TenantStore semantics (issue 14), the same tests on every implementation (``StoreKind/all``): uniqueness of ids,
/// domains and their look-alikes decided by the store, optimistic updates, tests by RelayState, the audit order.
@Suite("TenantStore conformance")
struct TenantStoreConformanceTests {
    static let keys = TenantKeyPair(privateKeyPEM: "k", certificatePEM: "c", createdAt: Date(timeIntervalSince1970: 1_900_000_000))

    static func tenant(_ id: String, domains: [String]) -> Tenant {
        Tenant(id: id, name: "Org \(id)", domains: domains, keyPair: keys, now: Date(timeIntervalSince1970: 1_900_000_000))
    }

    @Test("ids, domains and look-alikes are unique; a refused create leaves nothing behind", arguments: StoreKind.all)
    func uniqueness(_ kind: StoreKind) async throws {
        try await withStores(kind, clock: testClock()) { stores async throws in
            let store = stores.tenants
            try await store.createTenant(Self.tenant("acme", domains: ["acme.example", "kelvin.example"]))
            await #expect(throws: TenantError.tenantExists("acme")) { try await store.createTenant(Self.tenant("acme", domains: [])) }
            await #expect(throws: TenantError.confusableWithExisting(value: "acrne", existing: "acme")) {
                try await store.createTenant(Self.tenant("acrne", domains: []))
            }
            await #expect(throws: TenantError.domainTaken("acme.example")) {
                try await store.createTenant(Self.tenant("other", domains: ["fine.example", "acme.example"]))
            }
            // xn--cme-5cd.example is "аcme.example" with a Cyrillic а.
            await #expect(throws: TenantError.confusableWithExisting(value: "xn--cme-5cd.example", existing: "acme.example")) {
                try await store.createTenant(Self.tenant("other", domains: ["xn--cme-5cd.example"]))
            }
            // Nothing of the refused creates remains: "other" and "fine.example" are free.
            #expect(try await store.tenant(id: "other") == nil)
            #expect(try await store.tenant(domain: "fine.example") == nil)
            try await store.createTenant(Self.tenant("other", domains: ["fine.example"]))
            #expect(try await store.tenant(domain: "fine.example")?.id == "other")
            #expect(try await store.tenant(domain: "acme.example")?.id == "acme")
            #expect(try await store.tenants().map(\.id) == ["acme", "other"])
        }
    }

    @Test("64 simultaneous creates of one id: exactly one wins", arguments: StoreKind.all)
    func concurrentCreates(_ kind: StoreKind) async throws {
        try await withStores(kind, clock: testClock()) { stores async throws in
            let store = stores.tenants
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<64 {
                    group.addTask {
                        do { try await store.createTenant(Self.tenant("race", domains: ["race\(i).example"])); return true } catch let error as TenantError {
                            #expect(error == .tenantExists("race"))
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
            #expect(try await store.tenant(id: "race")?.domains.count == 1)
        }
    }

    @Test("an update from an older version is refused", arguments: StoreKind.all)
    func optimisticUpdate(_ kind: StoreKind) async throws {
        try await withStores(kind, clock: testClock()) { stores async throws in
            let store = stores.tenants
            var tenant = Self.tenant("acme", domains: [])
            try await store.createTenant(tenant)
            tenant.name = "Acme Corp"
            tenant.version += 1
            try await store.updateTenant(tenant)
            #expect(try await store.tenant(id: "acme")?.name == "Acme Corp")
            var stale = Self.tenant("acme", domains: [])
            stale.version += 1
            await #expect(throws: TenantError.concurrentUpdate) { try await store.updateTenant(stale) }
            #expect(try await store.tenant(id: "acme")?.version == 2)
        }
    }

    @Test("tests by id and RelayState; the audit log newest first", arguments: StoreKind.all)
    func testsAndAudit(_ kind: StoreKind) async throws {
        try await withStores(kind, clock: testClock()) { stores async throws in
            let store = stores.tenants
            try await store.createTenant(Self.tenant("acme", domains: []))
            var test = SSOTest(id: "t1", tenant: "acme", configurationVersion: 1, createdAt: Date(timeIntervalSince1970: 1_900_000_000))
            try await store.saveTest(test)
            #expect(try await store.test(relayState: "rs-1") == nil)
            test.relayState = "rs-1"
            try await store.saveTest(test)
            #expect(try await store.test(relayState: "rs-1") == test)
            #expect(try await store.test(id: "t1", tenant: "acme") == test)
            #expect(try await store.test(id: "t1", tenant: "other") == nil)   // one tenant's test is not another's
            for i in 0..<5 {
                try await store.appendAudit(AuditEvent(at: Date(timeIntervalSince1970: Double(1_900_000_000 + i)), actor: "admin",
                                                       action: "a\(i)", result: "ok", detail: ""), tenant: "acme")
            }
            try await store.appendAudit(AuditEvent(at: Date(timeIntervalSince1970: 1_900_000_000), actor: "admin", action: "x",
                                                   result: "ok", detail: ""), tenant: "other")
            #expect(try await store.audit(tenant: "acme", limit: 3).map(\.action) == ["a4", "a3", "a2"])
            #expect(try await store.audit(tenant: "other", limit: 10).map(\.action) == ["x"])
        }
    }
}

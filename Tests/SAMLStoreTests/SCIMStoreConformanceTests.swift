import Foundation
import SAMLSCIM
import Testing

/// SCIMStore semantics (issue 15), the same tests on every implementation (``StoreKind/all``).
@Suite("SCIMStore conformance")
struct SCIMStoreConformanceTests {
    static let time = Date(timeIntervalSince1970: 1_900_000_000)

    static func user(_ id: String, _ userName: String, tenant: String = "acme", externalId: String? = nil, version: Int = 1) -> SCIMResource {
        var attributes: [String: JSONValue] = ["userName": .string(userName), "active": .bool(true)]
        if let externalId { attributes["externalId"] = .string(externalId) }
        return SCIMResource(tenant: tenant, kind: .user, id: id, version: version, created: time, lastModified: time, attributes: .object(attributes))
    }

    @Test("userName is unique per tenant, case-insensitively; lookups by name and externalId", arguments: StoreKind.all)
    func uniqueness(_ kind: StoreKind) async throws {
        try await withStores(kind, clock: testClock()) { stores async throws in
            let store = stores.scim
            try await store.createResource(Self.user("u1", "B.Simon@acme.example", externalId: "ext-1"))
            await #expect(throws: SCIMError(status: 409, scimType: "uniqueness", "userName exists")) {
                try await store.createResource(Self.user("u2", "b.simon@ACME.example"))
            }
            try await store.createResource(Self.user("u2", "b.simon@acme.example", tenant: "globex"))   // another tenant
            #expect(try await store.user(tenant: "acme", userName: "B.SIMON@acme.example")?.id == "u1")
            #expect(try await store.user(tenant: "acme", externalId: "ext-1")?.id == "u1")
            #expect(try await store.user(tenant: "acme", externalId: "EXT-1") == nil)
            #expect(try await store.resources(tenant: "acme", kind: .user).map(\.id) == ["u1"])
            #expect(try await store.resources(tenant: "acme", kind: .group).isEmpty)
        }
    }

    @Test("replace needs the previous version and keeps userName unique; delete once", arguments: StoreKind.all)
    func replaceAndDelete(_ kind: StoreKind) async throws {
        try await withStores(kind, clock: testClock()) { stores async throws in
            let store = stores.scim
            try await store.createResource(Self.user("u1", "a@acme.example"))
            try await store.createResource(Self.user("u2", "b@acme.example"))
            try await store.replaceResource(Self.user("u1", "c@acme.example", version: 2))
            #expect(try await store.user(tenant: "acme", userName: "c@acme.example")?.version == 2)
            #expect(try await store.user(tenant: "acme", userName: "a@acme.example") == nil)
            await #expect(throws: SCIMError(status: 409, "the resource changed meanwhile")) {
                try await store.replaceResource(Self.user("u1", "d@acme.example", version: 2))
            }
            await #expect(throws: SCIMError(status: 409, scimType: "uniqueness", "userName exists")) {
                try await store.replaceResource(Self.user("u1", "B@acme.example", version: 3))
            }
            #expect(try await store.deleteResource(tenant: "acme", kind: .user, id: "u1"))
            #expect(try await store.deleteResource(tenant: "acme", kind: .user, id: "u1") == false)
            #expect(try await store.resource(tenant: "acme", kind: .user, id: "u1") == nil)
        }
    }

    @Test("64 simultaneous creates of one userName: exactly one wins", arguments: StoreKind.all)
    func concurrentCreates(_ kind: StoreKind) async throws {
        try await withStores(kind, clock: testClock()) { stores async throws in
            let store = stores.scim
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<64 {
                    group.addTask {
                        do { try await store.createResource(Self.user("u\(i)", "race@acme.example")); return true } catch let error as SCIMError {
                            #expect(error.scimType == "uniqueness")
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
        }
    }
}

import Foundation
import SAML
import SAMLTesting
import Testing

/// AuthnRequestStore semantics, the same tests on every implementation (``StoreKind/all``).
@Suite("AuthnRequestStore conformance")
struct AuthnRequestStoreConformanceTests {
    static func request(_ relayState: String, id: String = "_req", clock: MovableClock, ttl: TimeInterval = 300,
                        returnTo: String = "/account?tab=1") -> PendingRequest {
        PendingRequest(relayState: relayState, requestID: id, identityProvider: "https://idp.example.com/metadata",
                       returnTo: returnTo, expiresAt: clock.now().addingTimeInterval(ttl))
    }

    @Test("take returns the request once", arguments: StoreKind.all)
    func takeOnce(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            let request = Self.request("rs-1", clock: clock)
            try await stores.requests.put(request)
            #expect(try await stores.requests.take(relayState: "rs-1") == request)
            #expect(try await stores.requests.take(relayState: "rs-1") == nil)
            #expect(try await stores.requests.take(relayState: "never-stored") == nil)
        }
    }

    @Test("a second put under one RelayState replaces the first", arguments: StoreKind.all)
    func replace(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            try await stores.requests.put(Self.request("rs", id: "_first", clock: clock))
            let second = Self.request("rs", id: "_second", clock: clock, returnTo: "/second")
            try await stores.requests.put(second)
            #expect(try await stores.requests.take(relayState: "rs") == second)
        }
    }

    @Test("an expired request is not returned (at its expiry instant and after), and is gone", arguments: StoreKind.all)
    func expiry(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            try await stores.requests.put(Self.request("rs-exp", clock: clock, ttl: 60))
            try await stores.requests.put(Self.request("rs-live", clock: clock, ttl: 61))
            clock.advance(by: 60)
            #expect(try await stores.requests.take(relayState: "rs-exp") == nil)
            #expect(try await stores.requests.take(relayState: "rs-live") != nil)
            clock.advance(by: -60)
            #expect(try await stores.requests.take(relayState: "rs-exp") == nil)
        }
    }

    @Test("RelayState compares exactly: a U+212A look-alike takes nothing", arguments: StoreKind.all)
    func exactKey(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            let request = Self.request("Key-\u{212A}", clock: clock)
            try await stores.requests.put(request)
            #expect(try await stores.requests.take(relayState: "Key-K") == nil)
            #expect(try await stores.requests.take(relayState: "Key-\u{212A}") == request)
        }
    }

    @Test("full: put refuses with requestStoreFull; expired and taken requests free room", arguments: StoreKind.all)
    func capacity(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock, limits: StoreLimits(requestCapacity: 3)) { stores async throws in
            try await stores.requests.put(Self.request("a", clock: clock, ttl: 60))
            try await stores.requests.put(Self.request("b", clock: clock, ttl: 600))
            try await stores.requests.put(Self.request("c", clock: clock, ttl: 600))
            await #expect(throws: SAMLError.requestStoreFull) { try await stores.requests.put(Self.request("d", clock: clock)) }
            #expect(try await stores.requests.take(relayState: "b") != nil)
            try await stores.requests.put(Self.request("d", clock: clock, ttl: 600))
            await #expect(throws: SAMLError.requestStoreFull) { try await stores.requests.put(Self.request("e", clock: clock)) }
            clock.advance(by: 61)  // "a" expires
            try await stores.requests.put(Self.request("e", clock: clock))
            #expect(try await stores.requests.take(relayState: "d") != nil)
        }
    }

    @Test("64 simultaneous takes of one request: exactly one gets it", arguments: StoreKind.all)
    func concurrentTakes(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            let request = Self.request("rs-race", clock: clock)
            try await stores.requests.put(request)
            let requests = stores.requests
            let got = try await withThrowingTaskGroup(of: PendingRequest?.self) { group in
                for _ in 0..<64 { group.addTask { try await requests.take(relayState: "rs-race") } }
                return try await group.reduce(into: [PendingRequest]()) { if let r = $1 { $0.append(r) } }
            }
            #expect(got == [request])
        }
    }
}

import Foundation
import SAML
import SAMLTesting
import Testing

/// ReplayCache semantics, the same tests on every implementation (``StoreKind/all``).
@Suite("ReplayCache conformance")
struct ReplayCacheConformanceTests {
    static let issuer = "https://idp.example.com/metadata"

    @Test("the first insert wins, the second is a replay", arguments: StoreKind.all)
    func insertOnce(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            let key = ReplayKey(issuer: Self.issuer, kind: .assertion, id: "_a1")
            let expiry = clock.now().addingTimeInterval(300)
            #expect(try await stores.replay.insertIfAbsent(key, expiresAt: expiry))
            #expect(try await !stores.replay.insertIfAbsent(key, expiresAt: expiry))
            #expect(try await !stores.replay.insertIfAbsent(key, expiresAt: expiry.addingTimeInterval(600)))
        }
    }

    @Test("issuer, kind and ID each make a different key", arguments: StoreKind.all)
    func keyParts(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            let expiry = clock.now().addingTimeInterval(300)
            #expect(try await stores.replay.insertIfAbsent(ReplayKey(issuer: Self.issuer, kind: .assertion, id: "_x"), expiresAt: expiry))
            #expect(try await stores.replay.insertIfAbsent(ReplayKey(issuer: Self.issuer, kind: .logoutRequest, id: "_x"), expiresAt: expiry))
            #expect(try await stores.replay.insertIfAbsent(ReplayKey(issuer: Self.issuer + "/other", kind: .assertion, id: "_x"),
                                                           expiresAt: expiry))
            #expect(try await stores.replay.insertIfAbsent(ReplayKey(issuer: Self.issuer, kind: .assertion, id: "_y"), expiresAt: expiry))
        }
    }

    @Test("keys compare exactly: a U+212A KELVIN SIGN and a decomposed é are other keys", arguments: StoreKind.all)
    func exactKeys(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            let expiry = clock.now().addingTimeInterval(300)
            #expect("\u{212A}ey" == "Key")  // Swift's String == says equal; the stores must not
            #expect(try await stores.replay.insertIfAbsent(ReplayKey(issuer: Self.issuer, kind: .assertion, id: "Key"), expiresAt: expiry))
            #expect(try await stores.replay.insertIfAbsent(ReplayKey(issuer: Self.issuer, kind: .assertion, id: "\u{212A}ey"),
                                                           expiresAt: expiry))
            #expect(try await stores.replay.insertIfAbsent(ReplayKey(issuer: "caf\u{E9}", kind: .assertion, id: "_e"), expiresAt: expiry))
            #expect(try await stores.replay.insertIfAbsent(ReplayKey(issuer: "cafe\u{301}", kind: .assertion, id: "_e"), expiresAt: expiry))
            #expect(try await !stores.replay.insertIfAbsent(ReplayKey(issuer: Self.issuer, kind: .assertion, id: "\u{212A}ey"),
                                                            expiresAt: expiry))
        }
    }

    @Test("an expired record counts as absent (at its expiry instant and after)", arguments: StoreKind.all)
    func expiry(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            let key = ReplayKey(issuer: Self.issuer, kind: .assertion, id: "_exp")
            #expect(try await stores.replay.insertIfAbsent(key, expiresAt: clock.now().addingTimeInterval(60)))
            clock.advance(by: 59)
            #expect(try await !stores.replay.insertIfAbsent(key, expiresAt: clock.now().addingTimeInterval(60)))
            clock.advance(by: 1)
            #expect(try await stores.replay.insertIfAbsent(key, expiresAt: clock.now().addingTimeInterval(60)))
            #expect(try await !stores.replay.insertIfAbsent(key, expiresAt: clock.now().addingTimeInterval(60)))
        }
    }

    @Test("64 simultaneous inserts of one key: exactly one wins", arguments: StoreKind.all)
    func concurrentInserts(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            let key = ReplayKey(issuer: Self.issuer, kind: .assertion, id: "_race")
            let expiry = clock.now().addingTimeInterval(300)
            let replay = stores.replay
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<64 { group.addTask { try await replay.insertIfAbsent(key, expiresAt: expiry) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
        }
    }

    @Test("64 simultaneous inserts of one expired key: exactly one wins", arguments: StoreKind.all)
    func concurrentInsertsOverExpired(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            let key = ReplayKey(issuer: Self.issuer, kind: .assertion, id: "_race-expired")
            #expect(try await stores.replay.insertIfAbsent(key, expiresAt: clock.now().addingTimeInterval(10)))
            clock.advance(by: 20)
            let expiry = clock.now().addingTimeInterval(300)
            let replay = stores.replay
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<64 { group.addTask { try await replay.insertIfAbsent(key, expiresAt: expiry) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
        }
    }

    @Test("a full in-memory cache refuses rather than forgets", arguments: StoreKind.all.filter { $0 == .memory })
    func capacity(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock, limits: StoreLimits(replayCapacity: 2)) { stores async throws in
            let expiry = clock.now().addingTimeInterval(60)
            #expect(try await stores.replay.insertIfAbsent(ReplayKey(issuer: Self.issuer, kind: .assertion, id: "1"), expiresAt: expiry))
            #expect(try await stores.replay.insertIfAbsent(ReplayKey(issuer: Self.issuer, kind: .assertion, id: "2"), expiresAt: expiry))
            await #expect(throws: SAMLError.replayCacheFull) {
                try await stores.replay.insertIfAbsent(ReplayKey(issuer: Self.issuer, kind: .assertion, id: "3"), expiresAt: expiry)
            }
            clock.advance(by: 61)
            #expect(try await stores.replay.insertIfAbsent(ReplayKey(issuer: Self.issuer, kind: .assertion, id: "3"), expiresAt: expiry + 120))
        }
    }
}

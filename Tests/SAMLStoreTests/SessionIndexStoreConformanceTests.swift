import Foundation
import SAML
import SAMLTesting
import Testing

/// SessionIndexStore semantics, the same tests on every implementation (``StoreKind/all``).
@Suite("SessionIndexStore conformance")
struct SessionIndexStoreConformanceTests {
    static let idp = "https://idp.example.com/metadata"

    static func entry(_ sessionID: String, nameID: String = "alice@example.com", index: String?, issuer: String = idp,
                      clock: MovableClock, ttl: TimeInterval = 3_600) -> SessionIndexEntry {
        SessionIndexEntry(issuer: issuer, nameID: nameID, sessionIndex: index, sessionID: sessionID,
                          expiresAt: clock.now().addingTimeInterval(ttl))
    }

    @Test("a LogoutRequest without SessionIndex ends all the subject's sessions, once", arguments: StoreKind.all)
    func endAll(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            try await stores.sessions.record(Self.entry("s2", index: "idx-2", clock: clock))
            try await stores.sessions.record(Self.entry("s1", index: "idx-1", clock: clock))
            try await stores.sessions.record(Self.entry("s3", index: nil, clock: clock))
            try await stores.sessions.record(Self.entry("bob", nameID: "bob@example.com", index: "idx-1", clock: clock))
            #expect(try await stores.sessions.endSessions(issuer: Self.idp, nameID: "alice@example.com", sessionIndexes: [])
                    == ["s1", "s2", "s3"])
            #expect(try await stores.sessions.endSessions(issuer: Self.idp, nameID: "alice@example.com", sessionIndexes: []) == [])
            #expect(try await stores.sessions.endSessions(issuer: Self.idp, nameID: "bob@example.com", sessionIndexes: []) == ["bob"])
        }
    }

    @Test("SessionIndexes restrict the sessions ended; one without an index is not among them", arguments: StoreKind.all)
    func restricted(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            try await stores.sessions.record(Self.entry("s1", index: "idx-1", clock: clock))
            try await stores.sessions.record(Self.entry("s2", index: "idx-2", clock: clock))
            try await stores.sessions.record(Self.entry("s3", index: "idx-3", clock: clock))
            try await stores.sessions.record(Self.entry("s4", index: nil, clock: clock))
            #expect(try await stores.sessions.endSessions(issuer: Self.idp, nameID: "alice@example.com",
                                                          sessionIndexes: ["idx-1", "idx-3", "idx-9"]) == ["s1", "s3"])
            #expect(try await stores.sessions.endSessions(issuer: Self.idp, nameID: "alice@example.com", sessionIndexes: [])
                    == ["s2", "s4"])
        }
    }

    @Test("issuer, NameID and SessionIndex compare exactly (U+212A)", arguments: StoreKind.all)
    func exact(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            try await stores.sessions.record(Self.entry("s1", nameID: "\u{212A}im", index: "\u{212A}", clock: clock))
            #expect(try await stores.sessions.endSessions(issuer: Self.idp, nameID: "Kim", sessionIndexes: []) == [])
            #expect(try await stores.sessions.endSessions(issuer: Self.idp, nameID: "\u{212A}im", sessionIndexes: ["K"]) == [])
            #expect(try await stores.sessions.endSessions(issuer: Self.idp + " ", nameID: "\u{212A}im", sessionIndexes: []) == [])
            #expect(try await stores.sessions.endSessions(issuer: Self.idp, nameID: "\u{212A}im", sessionIndexes: ["\u{212A}"]) == ["s1"])
        }
    }

    @Test("expired entries are never returned", arguments: StoreKind.all)
    func expiry(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            try await stores.sessions.record(Self.entry("old", index: "i", clock: clock, ttl: 60))
            try await stores.sessions.record(Self.entry("new", index: "i", clock: clock, ttl: 120))
            clock.advance(by: 60)
            #expect(try await stores.sessions.endSessions(issuer: Self.idp, nameID: "alice@example.com", sessionIndexes: ["i"]) == ["new"])
        }
    }

    @Test("remove forgets one session; record replaces by session ID", arguments: StoreKind.all)
    func removeAndReplace(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            try await stores.sessions.record(Self.entry("s1", index: "i1", clock: clock))
            try await stores.sessions.record(Self.entry("s2", index: "i2", clock: clock))
            try await stores.sessions.remove(sessionID: "s1")
            try await stores.sessions.remove(sessionID: "never-recorded")
            try await stores.sessions.record(Self.entry("s2", nameID: "carol@example.com", index: "i9", clock: clock))
            #expect(try await stores.sessions.endSessions(issuer: Self.idp, nameID: "alice@example.com", sessionIndexes: []) == [])
            #expect(try await stores.sessions.endSessions(issuer: Self.idp, nameID: "carol@example.com", sessionIndexes: ["i9"]) == ["s2"])
        }
    }
}

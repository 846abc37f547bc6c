import Foundation
import SAML
import SAMLTesting
import Testing

/// What both database stores (SQLite, PostgreSQL) promise beyond the protocols: migrations, bounded sweeps, and
/// failing closed when the database is gone.
@Suite("Database stores")
struct DatabaseStoreTests {
    @Test("the schema is migrated to the module's version", arguments: StoreKind.databases)
    func migrated(_ kind: StoreKind) async throws {
        try await withStores(kind, clock: testClock()) { stores async throws in
            let store = try #require(stores.database)
            // Version 2 (issue 14) added the tenant tables, version 3 (issue 15) the SCIM resources.
            #expect(try await store.currentSchemaVersion() == 3)
        }
    }

    @Test("sweeps delete expired rows in bounded batches and keep live ones", arguments: StoreKind.databases)
    func boundedSweeps(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock, limits: StoreLimits(sweepBatchSize: 2)) { stores async throws in
            let store = try #require(stores.database)
            for i in 0..<5 {
                #expect(try await store.insertIfAbsent(ReplayKey(issuer: "idp", kind: .assertion, id: "old-\(i)"),
                                                       expiresAt: clock.now().addingTimeInterval(10)))
            }
            try await store.put(PendingRequest(relayState: "old", requestID: "_r", identityProvider: "idp", returnTo: "/",
                                               expiresAt: clock.now().addingTimeInterval(10)))
            #expect(try await store.insertIfAbsent(ReplayKey(issuer: "idp", kind: .assertion, id: "live"),
                                                   expiresAt: clock.now().addingTimeInterval(1_000)))
            try await store.record(SessionIndexEntry(issuer: "idp", nameID: "n", sessionIndex: nil, sessionID: "live",
                                                     expiresAt: clock.now().addingTimeInterval(1_000)))
            #expect(try await store.sweep() == 0)  // nothing expired yet
            clock.advance(by: 10)
            #expect(try await store.sweep() == 3)  // 2 replay rows (the batch) + 1 request
            #expect(try await store.sweep() == 2)
            #expect(try await store.sweep() == 1)
            #expect(try await store.sweep() == 0)
            #expect(try await !store.insertIfAbsent(ReplayKey(issuer: "idp", kind: .assertion, id: "live"),
                                                    expiresAt: clock.now().addingTimeInterval(1_000)))
            #expect(try await store.endSessions(issuer: "idp", nameID: "n", sessionIndexes: []) == ["live"])
        }
    }

    @Test("writes start sweeps on their own, batch after batch while batches come back full", arguments: StoreKind.databases)
    func backgroundSweeps(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock, limits: StoreLimits(sweepBatchSize: 2, sweepInterval: 60)) { stores in
            let store = try #require(stores.database)
            let countRows = try #require(stores.countRows)
            for i in 0..<7 {
                #expect(try await store.insertIfAbsent(ReplayKey(issuer: "idp", kind: .assertion, id: "old-\(i)"),
                                                       expiresAt: clock.now().addingTimeInterval(10)))
            }
            #expect(try await countRows("saml_replay") == 7)  // no sweep before the interval
            clock.advance(by: 61)
            var live = 0
            var remaining = -1
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                live += 1
                #expect(try await store.insertIfAbsent(ReplayKey(issuer: "idp", kind: .assertion, id: "live-\(live)"),
                                                       expiresAt: clock.now().addingTimeInterval(1_000)))
                try await Task.sleep(for: .milliseconds(50))
                remaining = try await countRows("saml_replay")
                if remaining == live { break }
            }
            #expect(remaining == live)  // the 7 expired rows went, 2 a batch; every live one stayed
            #expect(live >= 4)  // 4 batches at least: each full batch lets the next write sweep again
        }
    }

    @Test("with the database gone every call throws: never 'not a replay', never a request", arguments: StoreKind.databases)
    func failsClosed(_ kind: StoreKind) async throws {
        let clock = testClock()
        try await withStores(kind, clock: clock) { stores async throws in
            let request = PendingRequest(relayState: "rs", requestID: "_r", identityProvider: "idp", returnTo: "/",
                                         expiresAt: clock.now().addingTimeInterval(300))
            try await stores.requests.put(request)
            try await stores.breakDatabase()
            let key = ReplayKey(issuer: "idp", kind: .assertion, id: "_fresh")
            // Each call throws the store's own error, which says the database is unavailable (503), not a verdict.
            try await expectUnavailable { try await stores.replay.insertIfAbsent(key, expiresAt: clock.now() + 300) }
            try await expectUnavailable { try await stores.requests.take(relayState: "rs") }
            try await expectUnavailable { try await stores.requests.put(request) }
            try await expectUnavailable { try await stores.archive.load() }
            try await expectUnavailable {
                try await stores.archive.save(ArchivedIdPMetadata(source: "s", entityID: "e", xml: [1], savedAt: clock.now()))
            }
            try await expectUnavailable {
                try await stores.sessions.record(SessionIndexEntry(issuer: "idp", nameID: "n", sessionIndex: nil, sessionID: "s",
                                                                   expiresAt: clock.now() + 300))
            }
            try await expectUnavailable { try await stores.sessions.endSessions(issuer: "idp", nameID: "n", sessionIndexes: []) }
            try await expectUnavailable { try await stores.sessions.remove(sessionID: "s") }
        }
    }

    /// `body` throws a coded store error whose fault is ``Fault/unavailable``.
    func expectUnavailable<T>(_ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        do {
            _ = try await body()
            Issue.record("the call succeeded with the database gone", sourceLocation: sourceLocation)
        } catch let error as any SAMLCodedError {
            #expect(error.fault == .unavailable && error.httpStatus == 503, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("the suite runs against every implementation built in (guard: no silent zero-case run)")
    func kindsPresent() {
        #expect(StoreKind.all.contains(.memory))
        #if SQLite
        #expect(StoreKind.all.contains(.sqlite))
        #endif
    }
}

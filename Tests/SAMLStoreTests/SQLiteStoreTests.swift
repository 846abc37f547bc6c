#if SQLite
import Foundation
import SAML
import SAMLSQLite
import SAMLTesting
import Testing

/// What only the SQLite store promises: a file in WAL mode that survives restarts, migrated once.
@Suite("SQLiteStore")
struct SQLiteStoreTests {
    @Test("everything written survives closing and reopening the file")
    func survivesRestart() async throws {
        let directory = try SQLiteTest.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = testClock()
        let key = ReplayKey(issuer: "https://idp.example.com", kind: .assertion, id: "_persist")
        let request = PendingRequest(relayState: "rs-persist", requestID: "_req", identityProvider: "https://idp.example.com",
                                     returnTo: "/after", expiresAt: clock.now().addingTimeInterval(300))
        let metadata = ArchivedIdPMetadata(source: "idp", entityID: "https://idp.example.com", xml: Array("<x/>".utf8), savedAt: clock.now())

        let first = try await SQLiteStore.open(stateDirectory: directory, clock: clock)
        #expect(try await first.insertIfAbsent(key, expiresAt: clock.now().addingTimeInterval(300)))
        try await first.put(request)
        try await first.save(metadata)
        try await first.record(SessionIndexEntry(issuer: "https://idp.example.com", nameID: "alice", sessionIndex: "i",
                                                 sessionID: "s1", expiresAt: clock.now().addingTimeInterval(300)))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("saml.sqlite-wal").path))  // WAL mode
        try await first.close()

        let second = try await SQLiteStore.open(stateDirectory: directory, clock: clock)
        #expect(try await second.currentSchemaVersion() == SQLiteStore.schemaVersion)
        #expect(try await !second.insertIfAbsent(key, expiresAt: clock.now().addingTimeInterval(300)))
        #expect(try await second.take(relayState: "rs-persist") == request)
        #expect(try await second.load() == [metadata])
        #expect(try await second.endSessions(issuer: "https://idp.example.com", nameID: "alice", sessionIndexes: ["i"]) == ["s1"])
        try await second.close()
    }

    @Test("two stores opening one new file at once migrate it once, and share it")
    func concurrentOpen() async throws {
        let directory = try SQLiteTest.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = testClock()
        async let a = SQLiteStore.open(stateDirectory: directory, clock: clock)
        async let b = SQLiteStore.open(stateDirectory: directory, clock: clock)
        let (first, second) = try await (a, b)
        #expect(try await first.currentSchemaVersion() == SQLiteStore.schemaVersion)
        #expect(try await second.currentSchemaVersion() == SQLiteStore.schemaVersion)
        let key = ReplayKey(issuer: "idp", kind: .assertion, id: "_shared")
        #expect(try await first.insertIfAbsent(key, expiresAt: clock.now().addingTimeInterval(60)))
        #expect(try await !second.insertIfAbsent(key, expiresAt: clock.now().addingTimeInterval(60)))
        try await first.close()
        try await second.close()
    }

    @Test("a file that cannot be opened fails with openFailed")
    func unopenable() async throws {
        await #expect {
            _ = try await SQLiteStore.open(path: "/nonexistent-dir-\(UUID().uuidString)/saml.sqlite", clock: testClock())
        } throws: { error in
            if case .openFailed = error as? SQLiteStoreError { return true }
            return false
        }
    }
}
#endif

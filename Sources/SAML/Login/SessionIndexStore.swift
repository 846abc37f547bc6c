import Foundation

/// One signed-in session as single logout needs to find it: which IdP, which NameID and SessionIndex, and the app's
/// own session identifier.
public struct SessionIndexEntry: Sendable, Hashable, Codable {
    /// The IdP's entityID.
    public let issuer: String
    /// The assertion's NameID value.
    public let nameID: String
    /// The AuthnStatement's SessionIndex, if the IdP gave one.
    public let sessionIndex: String?
    /// The app's session identifier (its session store's key), to end when the IdP says so.
    public let sessionID: String
    /// When the entry may be forgotten (the session's end).
    public let expiresAt: Date

    /// Creates an entry from its parts.
    /// - Parameters:
    ///   - issuer: the IdP's entityID.
    ///   - nameID: the NameID value.
    ///   - sessionIndex: the SessionIndex, if any.
    ///   - sessionID: the app's session identifier.
    ///   - expiresAt: the session's end.
    public init(issuer: String, nameID: String, sessionIndex: String?, sessionID: String, expiresAt: Date) {
        self.issuer = issuer
        self.nameID = nameID
        self.sessionIndex = sessionIndex
        self.sessionID = sessionID
        self.expiresAt = expiresAt
    }

    /// The entry for a verified sign-in kept in the app's session `sessionID`.
    /// - Parameters:
    ///   - session: the sign-in (its issuer, NameID, SessionIndex and end are copied).
    ///   - sessionID: the app's session identifier.
    public init(session: SAMLSession, sessionID: String) {
        self.init(issuer: session.issuer, nameID: session.nameID.value, sessionIndex: session.sessionIndex, sessionID: sessionID,
                  expiresAt: session.expiresAt)
    }
}

/// The single-logout index: NameID + SessionIndex → the app's sessions, so that an IdP-initiated LogoutRequest ends
/// the right ones (on every instance, when the index is on a shared database).
public protocol SessionIndexStore: Sendable {
    /// Records a session at sign-in.
    /// - Parameters:
    ///   - entry: the session to index; an entry with the same ``SessionIndexEntry/sessionID`` is replaced.
    /// - Throws: the store's own error (a database that cannot be written). The in-memory store does not throw: when
    ///   full it forgets the entry that expires first.
    func record(_ entry: SessionIndexEntry) async throws

    /// Removes and returns the app session identifiers a LogoutRequest names: the sessions of `issuer` and `nameID`
    /// (both compared exactly), restricted to `sessionIndexes` when the request lists any (saml-core §3.7.1).
    /// Expired entries are never returned.
    /// - Parameters:
    ///   - issuer: the LogoutRequest's Issuer.
    ///   - nameID: the LogoutRequest's NameID value.
    ///   - sessionIndexes: the LogoutRequest's SessionIndex values; empty for all of the NameID's sessions.
    /// - Returns: the app session identifiers to end, sorted.
    /// - Throws: the store's own error (the LogoutRequest is then answered with a failure status).
    func endSessions(issuer: String, nameID: String, sessionIndexes: [String]) async throws -> [String]

    /// Forgets the session `sessionID` (a local sign-out).
    /// - Parameters:
    ///   - sessionID: the app's session identifier.
    /// - Throws: the store's own error.
    func remove(sessionID: String) async throws
}

/// The default single-logout index: in memory (one instance), bounded, expired entries dropped on the clock.
public actor InMemorySessionIndexStore: SessionIndexStore {
    private var entries: [ExactKey: SessionIndexEntry] = [:]
    private let capacity: Int
    private let clock: any SAMLClock

    /// Creates an empty index.
    /// - Parameters:
    ///   - capacity: the most sessions indexed at once (the oldest-expiring are dropped first when full).
    ///   - clock: decides expiry.
    public init(capacity: Int = 100_000, clock: any SAMLClock = SystemClock()) {
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    public func record(_ entry: SessionIndexEntry) async throws {
        let now = clock.now()
        if entries.count >= capacity { entries = entries.filter { $0.value.expiresAt > now } }
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.expiresAt < $1.value.expiresAt })?.key {
            // Forgetting an index entry only means a later IdP logout cannot end that session early; it expires anyway.
            entries.removeValue(forKey: oldest)
        }
        entries[ExactKey(entry.sessionID)] = entry
    }

    public func endSessions(issuer: String, nameID: String, sessionIndexes: [String]) async throws -> [String] {
        let now = clock.now()
        let matching = entries.filter { _, entry in
            Exact.equal(entry.issuer, issuer) && Exact.equal(entry.nameID, nameID) && entry.expiresAt > now
                && (sessionIndexes.isEmpty || entry.sessionIndex.map { Exact.contains(sessionIndexes, $0) } ?? false)
        }
        for key in matching.keys { entries.removeValue(forKey: key) }
        return matching.values.map(\.sessionID).sorted()
    }

    public func remove(sessionID: String) async throws {
        entries.removeValue(forKey: ExactKey(sessionID))
    }
}

import Foundation

/// What the replay cache remembers of one accepted message: who issued it, what kind it is, and its ID. A
/// structured value, so that a database can store it as columns (and index them) rather than parse a string.
public struct ReplayKey: Hashable, Sendable, Codable {
    /// The kind of message whose ID this is: IDs are unique per issuer and kind.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// An Assertion (its `ID`), accepted at the ACS.
        case assertion
        /// A LogoutRequest from the IdP (its `ID`).
        case logoutRequest
    }

    /// The IdP's entityID (exact).
    public let issuer: String
    /// The message kind.
    public let kind: Kind
    /// The message's `ID` attribute.
    public let id: String

    /// Creates a key.
    /// - Parameters:
    ///   - issuer: the IdP's entityID.
    ///   - kind: the message kind.
    ///   - id: the message's ID.
    public init(issuer: String, kind: Kind, id: String) {
        self.issuer = issuer
        self.kind = kind
        self.id = id
    }

    /// Exact equality (by Unicode scalars, like every identifier in the library).
    public static func == (a: ReplayKey, b: ReplayKey) -> Bool {
        a.kind == b.kind && Exact.equal(a.issuer, b.issuer) && Exact.equal(a.id, b.id)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(ExactKey(issuer))
        hasher.combine(ExactKey(id))
    }
}

/// Where the SP remembers the assertions (and logout requests) it accepted, so none is accepted twice.
///
/// One atomic operation, so that an implementation over a shared store (Redis `SET NX PX`, a SQL
/// `INSERT … ON CONFLICT DO NOTHING RETURNING`) can serve many SP instances.
public protocol ReplayCache: Sendable {
    /// Records `key` until `expiresAt` unless it is already recorded (an expired record counts as absent).
    /// - Parameters:
    ///   - key: the issuer, kind and ID of the message accepted, compared exactly.
    ///   - expiresAt: when the record may be forgotten (past it, the message is refused as expired anyway).
    /// - Returns: true when inserted (first use), false when present (a replay).
    /// - Throws: when the cache cannot answer; the message is then rejected (fail closed).
    func insertIfAbsent(_ key: ReplayKey, expiresAt: Date) async throws -> Bool
}

/// The default replay cache: in memory, bounded, dropping entries once they expire.
///
/// When full of unexpired entries it refuses new ones (``SAMLError/replayCacheFull``) rather than forgetting an
/// entry early, which would reopen a replay window.
public actor InMemoryReplayCache: ReplayCache {
    private var entries: [ReplayKey: Date] = [:]
    private let capacity: Int
    private let clock: any SAMLClock
    private var nextSweep: Date = .distantPast

    /// Creates an empty cache.
    /// - Parameters:
    ///   - capacity: the most entries held at once.
    ///   - clock: the clock that decides expiry (use the ServiceProvider's).
    public init(capacity: Int = 100_000, clock: any SAMLClock = SystemClock()) {
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    public func insertIfAbsent(_ key: ReplayKey, expiresAt: Date) async throws -> Bool {
        let now = clock.now()
        if let existing = entries[key], existing > now { return false }
        if entries.count >= capacity || now >= nextSweep { sweep(now: now) }
        guard entries.count < capacity else { throw SAMLError.replayCacheFull }
        entries[key] = expiresAt
        return true
    }

    /// The number of live entries (for monitoring).
    public var count: Int { entries.count }

    private func sweep(now: Date) {
        entries = entries.filter { $0.value > now }
        nextSweep = now.addingTimeInterval(60)
    }
}

import Foundation

/// Where the SP remembers the assertions it accepted, so none is accepted twice.
///
/// One atomic operation, so that an implementation over a shared store (Redis `SET NX PX`, a SQL unique insert)
/// can serve many SP instances.
public protocol ReplayCache: Sendable {
    /// Records `key` until `expiresAt` unless it is already recorded.
    /// - Returns: true when inserted (first use), false when present (a replay).
    /// - Throws: when the cache cannot answer; the response is then rejected.
    func insertIfAbsent(_ key: String, expiresAt: Date) async throws -> Bool
}

/// The default replay cache: in memory, bounded, dropping entries once they expire.
///
/// When full of unexpired entries it refuses new ones (``SAMLError/replayCacheFull``) rather than forgetting an
/// entry early, which would reopen a replay window.
public actor InMemoryReplayCache: ReplayCache {
    private var entries: [String: Date] = [:]
    private let capacity: Int
    private let clock: any SAMLClock
    private var nextSweep: Date = .distantPast

    /// - Parameters:
    ///   - capacity: the most entries held at once.
    ///   - clock: the clock that decides expiry (use the ServiceProvider's).
    public init(capacity: Int = 100_000, clock: any SAMLClock = SystemClock()) {
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    public func insertIfAbsent(_ key: String, expiresAt: Date) async throws -> Bool {
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

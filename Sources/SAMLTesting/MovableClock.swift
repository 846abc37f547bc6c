import Foundation
import SAML

/// A clock a test moves by hand: expiry, refresh schedules and skew without waiting.
///
/// `@unchecked Sendable`: the one mutable value is read and written only under `lock`.
public final class MovableClock: SAMLClock, @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date

    /// A clock that reads `start` until moved.
    /// - Parameter start: the first instant.
    public init(_ start: Date) {
        instant = start
    }

    /// The current instant.
    public func now() -> Date { lock.withLock { instant } }

    /// Moves the clock forward (or back, with a negative interval).
    /// - Parameters:
    ///   - interval: seconds to add.
    public func advance(by interval: TimeInterval) {
        lock.withLock { instant = instant.addingTimeInterval(interval) }
    }

    /// Sets the clock to `date`.
    /// - Parameters:
    ///   - date: the new instant.
    public func set(_ date: Date) {
        lock.withLock { instant = date }
    }
}

/// A replay cache that admits everything and counts what it was asked: for tests that validate one response many times
/// (never in production).
public actor AdmitAllReplayCache: ReplayCache {
    /// How many keys were offered (every one admitted).
    public private(set) var inserts = 0

    /// An admit-all cache with no inserts yet.
    public init() {}

    /// Counts the insert and admits it.
    /// - Returns: always true.
    public func insertIfAbsent(_ key: ReplayKey, expiresAt: Date) async throws -> Bool {
        inserts += 1
        return true
    }
}

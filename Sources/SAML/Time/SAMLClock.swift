import Foundation

/// The wall clock every time check reads. Inject ``FixedClock`` in tests; servers use ``SystemClock``.
public protocol SAMLClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The system's wall clock.
public struct SystemClock: SAMLClock {
    /// The system clock.
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that always reads the same instant.
public struct FixedClock: SAMLClock {
    /// The instant ``now()`` returns.
    public let instant: Date
    /// A clock stopped at `instant`.
    /// - Parameters:
    ///   - instant: what every ``now()`` returns.
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }
}

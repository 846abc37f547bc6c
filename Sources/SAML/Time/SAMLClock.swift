import Foundation

/// The wall clock every time check reads. Inject ``FixedClock`` in tests; servers use ``SystemClock``.
public protocol SAMLClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The system's wall clock.
public struct SystemClock: SAMLClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that always reads the same instant.
public struct FixedClock: SAMLClock {
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }
}

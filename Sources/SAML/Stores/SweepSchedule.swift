import Foundation

/// Decides which write runs the next opportunistic sweep: the first write after the interval claims it, and while
/// its batches come back full (more expired rows wait) the next write claims the next batch at once, so sweeping keeps
/// up with any write rate, one batch at a time per store.
///
/// Shared by the database store modules (SAMLSQLite, SAMLPostgres); not part of the supported API.
///
/// `@unchecked Sendable`: the mutable state is read and written only under `lock`.
@_spi(Stores) public final class SweepSchedule: @unchecked Sendable {
    private let lock = NSLock()
    private var next: Date
    private var running = false
    private let interval: TimeInterval

    /// - Parameters:
    ///   - start: the store's opening instant; the first sweep is due one interval later.
    ///   - interval: the time between sweeps when they find little.
    public init(start: Date, interval: TimeInterval) {
        self.interval = max(0, interval)
        self.next = start.addingTimeInterval(self.interval)
    }

    /// True for the one caller that should sweep now (it then calls ``finish(now:more:)``).
    public func claim(now: Date) -> Bool {
        lock.withLock {
            guard !running, now >= next else { return false }
            running = true
            return true
        }
    }

    /// Ends a claimed sweep: `more` (a batch came back full) makes the next write sweep again.
    public func finish(now: Date, more: Bool) {
        lock.withLock {
            running = false
            next = more ? now : now.addingTimeInterval(interval)
        }
    }
}

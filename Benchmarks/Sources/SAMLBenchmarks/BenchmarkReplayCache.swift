import SAML
import Synchronization
import Foundation

/// The replay cache the benchmark validates with: every validation still performs one real
/// ``InMemoryReplayCache/insertIfAbsent(_:expiresAt:)`` (the library's default actor, the same hop and dictionary
/// insert as in production), but under a key made unique with a counter suffix, so that validating the same bytes
/// again is not a replay. Every `generation` inserts the inner cache is replaced by a fresh one, which keeps the
/// cache's own memory bounded (with a fixed clock nothing ever expires) and so keeps it out of the RSS check.
final class BenchmarkReplayCache: ReplayCache {
    private struct State {
        var counter = 0
        var inner: InMemoryReplayCache
    }
    private let state: Mutex<State>
    private let clock: any SAMLClock
    private let generation: Int

    init(clock: any SAMLClock, generation: Int = 1_000) {
        self.clock = clock
        self.generation = generation
        self.state = Mutex(State(inner: InMemoryReplayCache(capacity: generation, clock: clock)))
    }

    func insertIfAbsent(_ key: ReplayKey, expiresAt: Date) async throws -> Bool {
        let (cache, n) = state.withLock { s -> (InMemoryReplayCache, Int) in
            s.counter += 1
            if s.counter % generation == 0 { s.inner = InMemoryReplayCache(capacity: generation, clock: clock) }
            return (s.inner, s.counter)
        }
        return try await cache.insertIfAbsent(ReplayKey(issuer: key.issuer, kind: key.kind, id: key.id + "#" + String(n)), expiresAt: expiresAt)
    }
}

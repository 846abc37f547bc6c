#if Postgres
import Foundation

/// Runs the migrations once per store: concurrent first calls share one run; a failed run is tried again by the next
/// call (the calls in between fail, closed).
///
/// `@unchecked Sendable`: the mutable state is read and written only under `lock`.
final class MigrationGate: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private var running: Task<Void, any Error>?

    func ensure(_ migrate: @escaping @Sendable () async throws -> Void) async throws {
        let task: Task<Void, any Error>? = lock.withLock {
            if done { return nil }
            if let running { return running }
            let task = Task { try await migrate() }
            running = task
            return task
        }
        guard let task else { return }
        do {
            try await task.value
            lock.withLock {
                done = true
                running = nil
            }
        } catch {
            lock.withLock {
                if running == task { running = nil }
            }
            throw error
        }
    }
}
#endif

import Foundation

/// Where pending AuthnRequests wait for their response, keyed by RelayState, each taken once.
///
/// Take-once is the security property: a response (or a replayed one) can consume a pending request only once, so
/// an InResponseTo is never accepted twice. Implementations over a shared database (SAMLSQLite, SAMLPostgres) make
/// `take` one atomic statement (`DELETE … RETURNING`) so that several SP instances agree; they compare expiry with
/// the injected clock, not the database's.
public protocol AuthnRequestStore: Sendable {
    /// Stores `request` until its ``PendingRequest/expiresAt``.
    /// - Parameters:
    ///   - request: the login just started, keyed by its ``PendingRequest/relayState``.
    /// - Throws: ``SAMLError/requestStoreFull`` when no room is left, or the store's own error (the login is then
    ///   not started: fail closed).
    func put(_ request: PendingRequest) async throws

    /// Removes and returns the request stored under `relayState`; nil when there is none or it has expired.
    /// - Parameters:
    ///   - relayState: the RelayState the response came back with, compared exactly.
    /// - Returns: the pending request, removed so that no other response can take it.
    /// - Throws: the store's own error (the response is then refused: fail closed).
    func take(relayState: String) async throws -> PendingRequest?
}

/// The default request store: in memory (one instance), bounded, expired entries dropped on the clock.
public actor InMemoryAuthnRequestStore: AuthnRequestStore {
    private var requests: [ExactKey: PendingRequest] = [:]
    private let capacity: Int
    private let clock: any SAMLClock
    private var nextSweep: Date = .distantPast

    /// Creates an empty store.
    /// - Parameters:
    ///   - capacity: the most pending requests held at once (default 10,000).
    ///   - clock: decides expiry.
    public init(capacity: Int = 10_000, clock: any SAMLClock = SystemClock()) {
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    public func put(_ request: PendingRequest) async throws {
        let now = clock.now()
        if requests.count >= capacity || now >= nextSweep { sweep(now: now) }
        guard requests.count < capacity else { throw SAMLError.requestStoreFull }
        requests[ExactKey(request.relayState)] = request
    }

    public func take(relayState: String) async throws -> PendingRequest? {
        guard let request = requests.removeValue(forKey: ExactKey(relayState)), request.expiresAt > clock.now() else { return nil }
        return request
    }

    /// The number of requests held (expired ones until the next sweep), for monitoring.
    public var count: Int { requests.count }

    private func sweep(now: Date) {
        requests = requests.filter { $0.value.expiresAt > now }
        nextSweep = now.addingTimeInterval(60)
    }
}

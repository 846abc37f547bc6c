import Foundation

/// Holds the current metadata of each trusted IdP and refreshes it over time.
///
/// The library takes no HTTP client: each IdP has a `fetch` closure the app provides (an HTTPS GET with its own
/// client, a database read, ...), or the app hands over bytes with ``update(entityID:xml:)``. Rules:
/// - a new document replaces the current one only if it parses, names the same entityID, is not past its
///   validUntil, and (when the source names trusted certificates) its root signature verifies;
/// - a failed refresh keeps the last good metadata and is reported (``Report/failure``), never silently dropped;
/// - metadata past its validUntil is no longer served (``metadata(for:)`` returns nil): keys must not outlive it;
/// - the next refresh is due after cacheDuration (capped by `maximumRefreshInterval`) and never after validUntil.
public actor IdPMetadataStore {
    /// Where one IdP's metadata comes from.
    public struct Source: Sendable {
        /// The IdP's entityID: the document must name it.
        public var entityID: String
        /// Returns the metadata document's bytes.
        public var fetch: @Sendable () async throws -> [UInt8]
        /// When set, the document's root signature must verify with one of these (Azure signs its metadata).
        public var signingCertificates: [SAMLCertificate]?

        /// Creates a source.
        /// - Parameters:
        ///   - entityID: the IdP's entityID.
        ///   - signingCertificates: when set, the certificates the document's root signature must verify with.
        ///   - fetch: returns the document's bytes; an error it throws is reported as the refresh's failure.
        public init(entityID: String, signingCertificates: [SAMLCertificate]? = nil, fetch: @escaping @Sendable () async throws -> [UInt8]) {
            self.entityID = entityID
            self.signingCertificates = signingCertificates
            self.fetch = fetch
        }
    }

    /// The outcome of one refresh.
    public struct Report: Sendable {
        /// The IdP refreshed.
        public let entityID: String
        /// The metadata now served (nil when none is valid).
        public let current: IdPMetadata?
        /// Whether the refresh replaced the metadata.
        public let updated: Bool
        /// Why the new document was refused, if it was.
        public let failure: SAMLError?
        /// When the next refresh is due.
        public let nextRefresh: Date
    }

    private struct Entry {
        var source: Source?
        var metadata: IdPMetadata?
        var nextRefresh: Date
        var lastFailure: SAMLError?
    }

    private var entries: [String: Entry] = [:]
    private let clock: any SAMLClock
    private let maximumRefreshInterval: TimeInterval
    private let retryInterval: TimeInterval

    /// Creates an empty store.
    /// - Parameters:
    ///   - clock: decides validUntil and when refreshes are due.
    ///   - maximumRefreshInterval: refresh at least this often, whatever cacheDuration says (default 24 h).
    ///   - retryInterval: after a failure, try again this soon (default 10 min).
    public init(clock: any SAMLClock = SystemClock(), maximumRefreshInterval: TimeInterval = 86_400, retryInterval: TimeInterval = 600) {
        self.clock = clock
        self.maximumRefreshInterval = maximumRefreshInterval
        self.retryInterval = retryInterval
    }

    /// Registers an IdP by its source; call ``refresh(entityID:)`` (or ``refreshDue()``) to load it.
    /// - Parameters:
    ///   - source: the IdP's entityID and how to fetch its metadata; replaces an earlier source for the entityID.
    public func register(_ source: Source) {
        entries[source.entityID, default: Entry(source: nil, metadata: nil, nextRefresh: .distantPast)].source = source
    }

    /// Offers a document for `entityID` (bytes the app obtained itself). The same rules as a refresh apply.
    /// - Parameters:
    ///   - entityID: the IdP the document must describe.
    ///   - xml: the metadata document's bytes.
    /// - Returns: the outcome; a refused document is reported in ``Report/failure``, never thrown.
    @discardableResult
    public func update(entityID: String, xml: [UInt8]) -> Report {
        var entry = entries[entityID] ?? Entry(source: nil, metadata: nil, nextRefresh: .distantPast)
        let now = clock.now()
        do {
            let metadata = try accept(xml, entityID: entityID, signingCertificates: entry.source?.signingCertificates, now: now)
            entry.metadata = metadata
            entry.lastFailure = nil
            entry.nextRefresh = nextRefresh(for: metadata, now: now)
            entries[entityID] = entry
            return Report(entityID: entityID, current: metadata, updated: true, failure: nil, nextRefresh: entry.nextRefresh)
        } catch {
            let failure = (error as? SAMLError) ?? .invalidConfiguration("\(error)")
            entry.lastFailure = failure
            entry.nextRefresh = now.addingTimeInterval(retryInterval)
            entries[entityID] = entry
            return Report(entityID: entityID, current: servable(entry.metadata, now: now), updated: false, failure: failure, nextRefresh: entry.nextRefresh)
        }
    }

    /// Fetches and offers the metadata of one registered IdP.
    /// - Parameters:
    ///   - entityID: a registered IdP (an unregistered one is reported as ``SAMLError/entityNotFound(_:)``).
    /// - Returns: the outcome; a failed fetch or a refused document is reported in ``Report/failure``.
    public func refresh(entityID: String) async -> Report {
        guard let source = entries[entityID]?.source else {
            return Report(entityID: entityID, current: nil, updated: false, failure: .entityNotFound(entityID), nextRefresh: clock.now().addingTimeInterval(retryInterval))
        }
        do {
            let bytes = try await source.fetch()
            return update(entityID: entityID, xml: bytes)
        } catch {
            let now = clock.now()
            var entry = entries[entityID]!
            entry.lastFailure = .invalidConfiguration("fetch failed: \(error)")
            entry.nextRefresh = now.addingTimeInterval(retryInterval)
            entries[entityID] = entry
            return Report(entityID: entityID, current: servable(entry.metadata, now: now), updated: false, failure: entry.lastFailure, nextRefresh: entry.nextRefresh)
        }
    }

    /// Refreshes every registered IdP whose refresh is due.
    public func refreshDue() async -> [Report] {
        let now = clock.now()
        var reports: [Report] = []
        for (entityID, entry) in entries where entry.source != nil && entry.nextRefresh <= now {
            reports.append(await refresh(entityID: entityID))
        }
        return reports
    }

    /// The metadata to trust now for `entityID`, or nil when there is none or it is past its validUntil.
    /// - Parameters:
    ///   - entityID: the IdP's entityID.
    public func metadata(for entityID: String) -> IdPMetadata? {
        servable(entries[entityID]?.metadata, now: clock.now())
    }

    /// Every IdP with metadata valid now: what a ``ServiceProvider`` should be (re)built with.
    public func currentIdentityProviders() -> [IdPMetadata] {
        let now = clock.now()
        return entries.values.compactMap { servable($0.metadata, now: now) }.sorted { $0.entityID < $1.entityID }
    }

    /// The last refusal for `entityID`, until a later document is accepted.
    /// - Parameters:
    ///   - entityID: the IdP's entityID.
    public func lastFailure(for entityID: String) -> SAMLError? { entries[entityID]?.lastFailure }

    private func accept(_ xml: [UInt8], entityID: String, signingCertificates: [SAMLCertificate]?, now: Date) throws -> IdPMetadata {
        let metadata: IdPMetadata
        if let signingCertificates {
            metadata = try IdPMetadata(xml: xml, entityID: entityID, verifyingSignatureWith: signingCertificates)
        } else {
            metadata = try IdPMetadata(xml: xml, entityID: entityID)
        }
        guard metadata.entityID == entityID else { throw SAMLError.entityNotFound(entityID) }
        if let validUntil = metadata.validUntil, validUntil <= now { throw SAMLError.metadataExpired(validUntil: validUntil, now: now) }
        return metadata
    }

    private func servable(_ metadata: IdPMetadata?, now: Date) -> IdPMetadata? {
        guard let metadata else { return nil }
        if let validUntil = metadata.validUntil, validUntil <= now { return nil }
        return metadata
    }

    private func nextRefresh(for metadata: IdPMetadata, now: Date) -> Date {
        var interval = min(metadata.cacheDuration ?? maximumRefreshInterval, maximumRefreshInterval)
        interval = max(interval, 60)
        var next = now.addingTimeInterval(interval)
        if let validUntil = metadata.validUntil, validUntil < next { next = validUntil }
        return next
    }
}

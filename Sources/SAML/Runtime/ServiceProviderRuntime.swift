import Foundation

/// A running SP: the configuration, the trusted IdPs' metadata kept current, and the ``ServiceProvider`` built from
/// them — rebuilt after every refresh that changed something, always with the same replay cache and request store
/// (a refresh never forgets an accepted assertion or a pending login).
///
/// - Each IdP comes from a ``IdentityProviderSource``: a fetch closure (the app's HTTP client, a file, a database
///   row); its entityID is learned from the first document fetched.
/// - Metadata is refreshed on its cacheDuration/validUntil (``IdPMetadataStore``'s rules: the last good document is
///   kept when a refresh fails, an expired or badly signed one never replaces it).
/// - Every accepted document is saved through an ``IdPMetadataArchive``; at ``start()`` the archive is read first, so
///   a restart while the IdP is unreachable still lets people sign in.
/// - ``status()`` is a snapshot for an admin page: the IdPs, their certificates with days to expiry, the last refresh
///   error, the last rejected response.
///
/// Call ``refresh()`` periodically (the framework modules run it as a lifecycle service) and use
/// ``serviceProvider()`` at the ACS, or the ``LoginCoordinator`` built on top.
public actor ServiceProviderRuntime {
    /// Where one IdP's metadata comes from.
    public struct IdentityProviderSource: Sendable {
        /// A name for logs, status and the archive (unique among the runtime's sources): a URL, a file name, a label.
        public var name: String
        /// The IdP's entityID when known; nil to learn it from the first document (which must then hold one IdP).
        public var entityID: String?
        /// When set, the document's root signature must verify with one of these.
        public var signingCertificates: [SAMLCertificate]?
        /// Returns the metadata document's bytes.
        public var fetch: @Sendable () async throws -> [UInt8]

        /// Creates a source.
        /// - Parameters:
        ///   - name: a unique label.
        ///   - entityID: the entityID to select (required for an aggregate), or nil to learn it.
        ///   - signingCertificates: certificates the metadata must be signed with, if any.
        ///   - fetch: how to get the document.
        public init(name: String, entityID: String? = nil, signingCertificates: [SAMLCertificate]? = nil,
                    fetch: @escaping @Sendable () async throws -> [UInt8]) {
            self.name = name
            self.entityID = entityID
            self.signingCertificates = signingCertificates
            self.fetch = fetch
        }

        /// A fixed document (an uploaded file).
        /// - Parameters:
        ///   - xml: the metadata document's bytes.
        ///   - name: a unique label.
        ///   - entityID: the entityID to select (required for an aggregate), or nil to learn it.
        public static func document(_ xml: [UInt8], name: String, entityID: String? = nil) -> IdentityProviderSource {
            IdentityProviderSource(name: name, entityID: entityID) { xml }
        }
    }

    /// What the runtime knows of one source, for an admin page.
    public struct IdentityProviderStatus: Sendable, Hashable {
        /// The source's name.
        public let source: String
        /// The IdP's entityID, once learned.
        public let entityID: String?
        /// The metadata in use (nil: none valid yet).
        public let metadata: IdPMetadata?
        /// Each signing certificate's subject and validity (nil for one OpenSSL cannot read).
        public let certificates: [CertificateStatus]
        /// The last refresh or load failure, until a later document is accepted.
        public let lastError: SAMLError?
        /// When the last document was accepted.
        public let lastUpdated: Date?
        /// When the next refresh is due.
        public let nextRefresh: Date?
    }

    /// A certificate as the status shows it.
    public struct CertificateStatus: Sendable, Hashable {
        /// The certificate.
        public let certificate: SAMLCertificate
        /// Its subject and validity window.
        public let summary: SAMLCertificate.Summary?
        /// Whole days until notAfter (negative once expired).
        public let daysToExpiry: Int?
    }

    /// The last rejected response or logout message.
    public struct Rejection: Sendable, Hashable {
        /// When.
        public let time: Date
        /// The error's code (``SAMLError/code``).
        public let code: String
        /// The error's detail (capped, one line).
        public let detail: String
        /// The reference shown to the user and written to the log.
        public let reference: String
    }

    /// A snapshot for an admin page.
    public struct Status: Sendable, Hashable {
        /// When the snapshot was taken.
        public let evaluatedAt: Date
        /// The SP's entityID.
        public let entityID: String
        /// One entry per source, in configuration order.
        public let identityProviders: [IdentityProviderStatus]
        /// The last rejection, if any.
        public let lastRejection: Rejection?
    }

    /// The configuration everything derives from.
    public nonisolated let configuration: ServiceProviderConfiguration
    /// The clock every check reads.
    public nonisolated let clock: any SAMLClock
    /// Shared by every validator this runtime builds.
    public nonisolated let replayCache: any ReplayCache
    /// Pending SP-initiated logins.
    public nonisolated let requestStore: any AuthnRequestStore
    /// How long an AuthnRequest waits for its response (default 10 minutes).
    public nonisolated let requestLifetime: TimeInterval

    private let archive: (any IdPMetadataArchive)?
    private let signingCertificateCheck: (any SigningCertificateCheck)?
    private let store: IdPMetadataStore
    private let retryInterval: TimeInterval
    private var sources: [SourceState]
    private var current: ServiceProvider?
    private var currentIdentityProviders: [IdPMetadata] = []
    private var lastRejection: Rejection?
    private var started = false

    private struct SourceState {
        var source: IdentityProviderSource
        var entityID: String?
        var registered = false
        var lastError: SAMLError?
        var lastUpdated: Date?
        var nextRefresh: Date = .distantPast
    }

    /// Creates a runtime; nothing is fetched until ``start()`` (or the first call that needs an IdP).
    /// - Parameters:
    ///   - configuration: the SP.
    ///   - identityProviders: the metadata sources (unique names).
    ///   - clock: the wall clock of every check.
    ///   - replayCache: shared by every validator (default: in memory, on `clock`).
    ///   - requestStore: pending logins (default: in memory, on `clock`).
    ///   - metadataArchive: where accepted metadata is kept for the next start (default: none).
    ///   - signingCertificateCheck: a CA policy, when required.
    ///   - requestLifetime: how long a pending login is answered.
    ///   - maximumRefreshInterval: refresh at least this often (default 24 h).
    ///   - retryInterval: after a failed refresh, try again this soon (default 10 min).
    /// - Throws: ``SAMLError/invalidConfiguration(_:)`` for two sources with one name or a non-positive lifetime.
    public init(configuration: ServiceProviderConfiguration, identityProviders: [IdentityProviderSource],
                clock: any SAMLClock = SystemClock(), replayCache: (any ReplayCache)? = nil, requestStore: (any AuthnRequestStore)? = nil,
                metadataArchive: (any IdPMetadataArchive)? = nil, signingCertificateCheck: (any SigningCertificateCheck)? = nil,
                requestLifetime: TimeInterval = 600, maximumRefreshInterval: TimeInterval = 86_400, retryInterval: TimeInterval = 600) throws {
        var names: Set<ExactKey> = []
        for source in identityProviders where !names.insert(ExactKey(source.name)).inserted {
            throw SAMLError.invalidConfiguration("two IdP sources are named \(source.name)")
        }
        guard requestLifetime > 0, retryInterval > 0 else { throw SAMLError.invalidConfiguration("requestLifetime and retryInterval must be positive") }
        self.configuration = configuration
        self.clock = clock
        self.replayCache = replayCache ?? InMemoryReplayCache(clock: clock)
        self.requestStore = requestStore ?? InMemoryAuthnRequestStore(clock: clock)
        self.requestLifetime = requestLifetime
        self.archive = metadataArchive
        self.signingCertificateCheck = signingCertificateCheck
        self.retryInterval = retryInterval
        self.store = IdPMetadataStore(clock: clock, maximumRefreshInterval: maximumRefreshInterval, retryInterval: retryInterval)
        self.sources = identityProviders.map { SourceState(source: $0, entityID: $0.entityID) }
    }

    /// Loads the archived metadata (so sign-in works while an IdP is unreachable), then fetches every source. The
    /// first ``refresh()`` calls it if the app did not.
    public func start() async {
        guard !started else { return }
        started = true
        if let archive, let saved = try? await archive.load() {
            for entry in saved {
                guard let index = sources.firstIndex(where: { Exact.equal($0.source.name, entry.source) }) else { continue }
                _ = await accept(entry.xml, at: index, archiving: false)
                sources[index].nextRefresh = .distantPast  // still fetch it now
            }
        }
        await refreshDue()
    }

    /// Fetches every source whose refresh is due (on cacheDuration/validUntil, or a retry after a failure), rebuilds
    /// the validator when the trusted metadata changed, and archives what was accepted.
    /// - Returns: one report per source fetched (a failed fetch is reported with its error).
    @discardableResult
    public func refresh() async -> [IdPMetadataStore.Report] {
        if !started {
            await start()
            return []
        }
        return await refreshDue()
    }

    @discardableResult
    private func refreshDue() async -> [IdPMetadataStore.Report] {
        var reports: [IdPMetadataStore.Report] = []
        for index in sources.indices where sources[index].nextRefresh <= clock.now() {
            do {
                let bytes = try await sources[index].source.fetch()
                if let report = await accept(bytes, at: index, archiving: true) { reports.append(report) }
            } catch {
                let failure = SAMLError.invalidConfiguration("fetch failed: \(error)")
                sources[index].lastError = failure
                sources[index].nextRefresh = clock.now().addingTimeInterval(retryInterval)
                let entityID = sources[index].entityID
                let servedNow = entityID == nil ? nil : await store.metadata(for: entityID!)
                reports.append(IdPMetadataStore.Report(entityID: entityID ?? sources[index].source.name, current: servedNow,
                                                       updated: false, failure: failure, nextRefresh: sources[index].nextRefresh))
            }
        }
        await rebuild()
        return reports
    }

    /// Offers a document of source `index` to the store (learning its entityID from the first one) and archives it
    /// when accepted.
    private func accept(_ bytes: [UInt8], at index: Int, archiving: Bool) async -> IdPMetadataStore.Report? {
        let now = clock.now()
        let source = sources[index].source
        if sources[index].entityID == nil {
            do {
                sources[index].entityID = try IdPMetadata(xml: bytes).entityID
            } catch {
                sources[index].lastError = (error as? SAMLError) ?? .invalidConfiguration("\(error)")
                sources[index].nextRefresh = now.addingTimeInterval(retryInterval)
                return nil
            }
        }
        let entityID = sources[index].entityID!
        if sources.indices.contains(where: { $0 != index && Exact.equal(sources[$0].entityID, entityID) }) {
            sources[index].lastError = .invalidConfiguration("another source already provides \(entityID)")
            sources[index].nextRefresh = now.addingTimeInterval(retryInterval)
            return nil
        }
        if !sources[index].registered {
            await store.register(.init(entityID: entityID, signingCertificates: source.signingCertificates, fetch: source.fetch))
            sources[index].registered = true
        }
        let report = await store.update(entityID: entityID, xml: bytes)
        sources[index].nextRefresh = report.nextRefresh
        if let failure = report.failure {
            sources[index].lastError = failure
        } else {
            sources[index].lastError = nil
            sources[index].lastUpdated = now
            if archiving, let archive {
                do {
                    try await archive.save(ArchivedIdPMetadata(source: source.name, entityID: entityID, xml: bytes, savedAt: now))
                } catch {
                    // Sign-in goes on with the accepted document; the admin sees that the next start may not have it.
                    sources[index].lastError = .invalidConfiguration("metadata accepted, but the archive failed: \(error)")
                }
            }
        }
        return report
    }

    private func rebuild() async {
        let trusted = await store.currentIdentityProviders()
        guard trusted != currentIdentityProviders || (current == nil && !trusted.isEmpty) else { return }
        currentIdentityProviders = trusted
        current = trusted.isEmpty ? nil : try? configuration.serviceProvider(identityProviders: trusted, clock: clock, replayCache: replayCache,
                                                                             signingCertificateCheck: signingCertificateCheck)
    }

    /// The validator for the ACS and SLO endpoints, built from the metadata trusted now.
    /// - Throws: ``SAMLError/noIdentityProvider`` while no IdP metadata is loaded (a server-side condition).
    public func serviceProvider() async throws -> ServiceProvider {
        if !started { await start() }
        // Metadata that expired since the last refresh stops being trusted at once.
        if let current, current.trustedIdentityProviders.allSatisfy({ ($0.validUntil ?? .distantFuture) > clock.now() }) { return current }
        await rebuild()
        guard let current else { throw SAMLError.noIdentityProvider }
        return current
    }

    /// The IdPs trusted now (metadata loaded and within validUntil), sorted by entityID.
    public func identityProviders() async -> [IdPMetadata] {
        if !started { await start() }
        return await store.currentIdentityProviders()
    }

    /// The trusted IdP with exactly this entityID.
    /// - Parameters:
    ///   - entityID: the IdP's entityID, compared exactly.
    /// - Throws: ``SAMLError/unknownIdentityProvider(_:)``.
    public func identityProvider(_ entityID: String) async throws -> IdPMetadata {
        guard let idp = await identityProviders().first(where: { Exact.equal($0.entityID, entityID) }) else {
            throw SAMLError.unknownIdentityProvider(entityID)
        }
        return idp
    }

    /// Remembers a rejection for ``status()`` (the framework modules call it with the reference they show).
    /// - Parameters:
    ///   - error: why the message was refused.
    ///   - reference: the reference shown to the user, to find the entry in the logs.
    public func recordRejection(_ error: SAMLError, reference: String) {
        lastRejection = Rejection(time: clock.now(), code: error.code, detail: error.detail, reference: reference)
    }

    /// A snapshot for an admin page (starting the runtime first if nothing did).
    public func status() async -> Status {
        if !started { await start() }
        let now = clock.now()
        var entries: [IdentityProviderStatus] = []
        for state in sources {
            let metadata = state.entityID == nil ? nil : await store.metadata(for: state.entityID!)
            let certificates = (metadata?.signingCertificates ?? []).map { certificate in
                let summary = certificate.summary
                return CertificateStatus(certificate: certificate, summary: summary, daysToExpiry: summary?.daysToExpiry(at: now))
            }
            entries.append(IdentityProviderStatus(source: state.source.name, entityID: state.entityID, metadata: metadata,
                                                  certificates: certificates, lastError: state.lastError, lastUpdated: state.lastUpdated,
                                                  nextRefresh: state.nextRefresh == .distantPast ? nil : state.nextRefresh))
        }
        return Status(evaluatedAt: now, entityID: configuration.entityID, identityProviders: entries, lastRejection: lastRejection)
    }

    /// The login coordinator over this runtime.
    public nonisolated var coordinator: LoginCoordinator { LoginCoordinator(runtime: self) }
}

/// One archived metadata document.
public struct ArchivedIdPMetadata: Sendable, Hashable, Codable {
    /// The source's name (``ServiceProviderRuntime/IdentityProviderSource/name``).
    public let source: String
    /// The IdP's entityID.
    public let entityID: String
    /// The document as accepted.
    public let xml: [UInt8]
    /// When it was accepted.
    public let savedAt: Date

    /// Creates an archive entry.
    /// - Parameters:
    ///   - source: the source's name.
    ///   - entityID: the IdP's entityID.
    ///   - xml: the document.
    ///   - savedAt: when it was accepted.
    public init(source: String, entityID: String, xml: [UInt8], savedAt: Date) {
        self.source = source
        self.entityID = entityID
        self.xml = xml
        self.savedAt = savedAt
    }
}

/// Where the last good metadata of each source is kept between starts. Loaded documents go through every check
/// again (signature, validUntil) before they are trusted, so an archive needs no integrity of its own beyond what the
/// metadata signature gives.
public protocol IdPMetadataArchive: Sendable {
    /// Keeps `metadata` as its source's latest (replacing the previous one).
    /// - Parameters:
    ///   - metadata: a document the runtime has just accepted.
    /// - Throws: the archive's own error (the runtime reports it in its status and keeps serving the document).
    func save(_ metadata: ArchivedIdPMetadata) async throws
    /// Every source's latest document.
    /// - Throws: the archive's own error (the runtime then starts without archived metadata).
    func load() async throws -> [ArchivedIdPMetadata]
}

/// An archive in memory (for tests, and apps that need no restart resilience).
public actor InMemoryIdPMetadataArchive: IdPMetadataArchive {
    private var entries: [ExactKey: ArchivedIdPMetadata] = [:]

    /// An empty archive.
    public init() {}

    public func save(_ metadata: ArchivedIdPMetadata) async throws { entries[ExactKey(metadata.source)] = metadata }

    public func load() async throws -> [ArchivedIdPMetadata] { entries.values.sorted { $0.source < $1.source } }
}

/// An archive in a folder of the app's state: one JSON file per source, written atomically (a temporary file renamed
/// over the old one), so a crash leaves the previous document or the new one, never half of one.
public struct FileIdPMetadataArchive: IdPMetadataArchive {
    /// The folder.
    public let directory: URL

    /// An archive in `directory` (created on the first save).
    /// - Parameter directory: created if missing.
    public init(directory: URL) {
        self.directory = directory
    }

    private func file(for source: String) -> URL {
        // The name is hex of the source's UTF-8: any source name maps to a safe, distinct file name.
        let hex = source.utf8.map { String(format: "%02x", $0) }.joined()
        return directory.appendingPathComponent("idp-\(hex.prefix(200)).json")
    }

    public func save(_ metadata: ArchivedIdPMetadata) async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let data = try JSONEncoder().encode(metadata)
        try data.write(to: file(for: metadata.source), options: .atomic)
    }

    public func load() async throws -> [ArchivedIdPMetadata] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { $0.hasPrefix("idp-") && $0.hasSuffix(".json") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { return nil }
            return try? JSONDecoder().decode(ArchivedIdPMetadata.self, from: data)
        }
    }
}

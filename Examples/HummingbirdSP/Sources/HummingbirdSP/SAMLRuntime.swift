import Foundation
import Logging
import SAML
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The SP's SAML side: its own metadata and keys, the trusted IdPs' metadata (kept fresh by an `IdPMetadataStore`),
/// the `ServiceProvider` built from them, and the last validation failure for /saml/status.
actor SAMLRuntime {
    /// A rejected response, as the admin sees it.
    struct Failure: Sendable {
        let time: Date
        let code: String
        let detail: String
        let reference: String
    }

    /// One configured metadata source and what became of it.
    struct SourceState: Sendable {
        let source: Configuration.MetadataSource
        var entityID: String?
        var lastError: String?
    }

    let configuration: Configuration
    let spMetadata: SPMetadata
    let spMetadataXML: String
    let signingKey: SigningKey?
    private let decryptionKeys: [DecryptionKey]
    private let store = IdPMetadataStore(retryInterval: 60)
    /// Shared by every `ServiceProvider` built here, so that a metadata refresh does not forget accepted assertions.
    private let replayCache = InMemoryReplayCache()
    private let logger: Logger
    private var sources: [SourceState]
    private var identityProviders: [IdPMetadata] = []
    private var serviceProvider: ServiceProvider?
    private(set) var lastFailure: Failure?

    init(configuration: Configuration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        self.sources = configuration.idpMetadata.map { SourceState(source: $0) }
        var certificates: [SAMLCertificate] = []
        if let keyPath = configuration.keyPath, let certificatePath = configuration.certificatePath {
            let keyPEM = try String(contentsOfFile: keyPath, encoding: .utf8)
            let certificatePEM = try String(contentsOfFile: certificatePath, encoding: .utf8)
            let key = try SigningKey(privateKeyPEM: keyPEM, certificatePEM: certificatePEM)
            signingKey = key
            certificates = key.certificate.map { [$0] } ?? []
            decryptionKeys = configuration.decryptAssertions ? [try DecryptionKey(privateKeyPEM: keyPEM, certificatePEM: certificatePEM)] : []
        } else {
            signingKey = nil
            decryptionKeys = []
            logger.warning("SAML_SP_KEY and SAML_SP_CERT are not set: AuthnRequests and SP metadata go unsigned")
        }
        spMetadata = SPMetadata(
            entityID: configuration.entityID,
            assertionConsumerServices: [.init(binding: .httpPOST, location: configuration.acsURL, index: 0, isDefault: true)],
            authnRequestsSigned: signingKey != nil,
            wantAssertionsSigned: true,
            signingCertificates: certificates,
            encryptionCertificates: configuration.decryptAssertions ? certificates : [],
            nameIDFormats: configuration.nameIDFormat.map { [$0] } ?? []
        )
        spMetadataXML = try spMetadata.xml(signedWith: signingKey)
    }

    // MARK: - IdP metadata

    /// Loads every source not loaded yet and refreshes those due; rebuilds the `ServiceProvider` when the set of
    /// trusted IdPs changed. Called at startup, every minute, and when a request finds no IdP.
    func refresh() async {
        for index in sources.indices where sources[index].entityID == nil {
            let source = sources[index].source
            do {
                let bytes = try await Self.fetch(source)
                let metadata = try IdPMetadata(xml: bytes)
                await store.register(.init(entityID: metadata.entityID) { try await Self.fetch(source) })
                let report = await store.update(entityID: metadata.entityID, xml: bytes)
                if let failure = report.failure { throw failure }
                sources[index].entityID = metadata.entityID
                sources[index].lastError = nil
                logger.info("IdP metadata loaded", metadata: ["idp": "\(metadata.entityID)", "source": "\(source)"])
            } catch {
                let text = (error as? SAMLError).map { "\($0.code): \($0)" } ?? "\(error)"
                if sources[index].lastError != text {
                    logger.error("IdP metadata unavailable", metadata: ["source": "\(source)", "error": "\(text)"])
                }
                sources[index].lastError = text
            }
        }
        for report in await store.refreshDue() {
            if let failure = report.failure {
                logger.error("IdP metadata refresh refused; keeping the last good one",
                             metadata: ["idp": "\(report.entityID)", "code": "\(failure.code)", "detail": "\(failure)"])
            } else if report.updated {
                logger.info("IdP metadata refreshed", metadata: ["idp": "\(report.entityID)"])
            }
        }
        let current = await store.currentIdentityProviders()
        guard current != identityProviders || (serviceProvider == nil && !current.isEmpty) else { return }
        identityProviders = current
        guard !current.isEmpty else {
            serviceProvider = nil
            return
        }
        var options = ServiceProvider.Options()
        options.allowUnsolicitedResponses = configuration.allowIdPInitiated
        options.signatureRequirement = configuration.signatureRequirement
        do {
            serviceProvider = try ServiceProvider(
                entityID: configuration.entityID, assertionConsumerServiceURLs: [configuration.acsURL],
                identityProviders: current, options: options, replayCache: replayCache, decryptionKeys: decryptionKeys)
        } catch {
            serviceProvider = nil
            logger.error("cannot build the ServiceProvider", metadata: ["error": "\(error)"])
        }
    }

    private static func fetch(_ source: Configuration.MetadataSource) async throws -> [UInt8] {
        switch source {
        case .file(let path):
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        case .url(let url):
            var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 15)
            request.setValue("application/samlmetadata+xml, application/xml, text/xml", forHTTPHeaderField: "Accept")
            let (data, response) = try await URLSession.shared.data(for: request)
            if let http = response as? HTTPURLResponse, http.statusCode != 200 {
                throw Configuration.Invalid(description: "HTTP \(http.statusCode) from \(url)")
            }
            return Array(data)
        }
    }

    /// The trusted IdPs, loading them first if none is yet.
    func trustedIdentityProviders() async -> [IdPMetadata] {
        if identityProviders.isEmpty { await refresh() }
        return identityProviders
    }

    /// The `ServiceProvider` for the ACS (nil while no IdP metadata could be loaded).
    func currentServiceProvider() async -> ServiceProvider? {
        if serviceProvider == nil { await refresh() }
        return serviceProvider
    }

    func sourceStates() -> [SourceState] { sources }

    func metadataFailure(for entityID: String) async -> SAMLError? { await store.lastFailure(for: entityID) }

    // MARK: - Failures

    func record(_ failure: Failure) { lastFailure = failure }
}

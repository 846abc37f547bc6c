import Foundation
import SAML
import SAMLAttributeMapping
import SAMLCertificatePolicy
import SAMLSCIM
import Crypto
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Many organisations, each with its own SSO connection, set up by its own admin: the tenant model's operations
/// (what the admin API and console call) and the per-tenant SAML flows (login, ACS, metadata, connection tests), on
/// the shared stores. Framework-free: `TenantHTTP` turns requests into these calls.
public actor TenantService {
    /// Settings of the service.
    public struct Configuration: Sendable {
        /// The app's public URL, no trailing slash: a tenant's entityID is `{base}/sso/{tenant}/metadata`.
        public var baseURL: String
        /// Fetches an IdP metadata URL (default: URLSession, 15 s timeout, HTTP 200 only).
        public var fetch: @Sendable (URL) async throws -> [UInt8]
        /// Certificate-expiry warnings this many days ahead (default 30).
        public var expiryWarningDays: Int = 30
        /// How long an end user's session lasts at most (default 8 hours).
        public var sessionLifetime: TimeInterval = 8 * 3600

        /// Settings with the default fetcher.
        public init(baseURL: String) {
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            self.baseURL = base
            self.fetch = TenantService.urlSessionFetch
        }
    }

    /// The settings.
    public nonisolated let configuration: Configuration
    /// Tenants, tests, audit.
    public nonisolated let store: any TenantStore
    /// The wall clock of every check.
    public nonisolated let clock: any SAMLClock
    let replayCache: any ReplayCache
    let requestStore: any AuthnRequestStore
    /// Provisioned users and groups (issue 15).
    public nonisolated let scimStore: any SCIMStore
    private var runtimes: [String: (version: Int, runtime: ServiceProviderRuntime)] = [:]

    /// A service over the stores.
    /// - Parameters:
    ///   - configuration: base URL and policies.
    ///   - store: tenants, tests and audit (in memory, SQLite, PostgreSQL).
    ///   - replayCache: shared by every tenant (keys carry the issuer).
    ///   - requestStore: pending logins of every tenant; each tenant's keys are prefixed with its id, so a response
    ///     posted to another tenant's ACS finds no pending request there.
    ///   - clock: the wall clock.
    ///   - scimStore: provisioned users and groups (default: in memory).
    public init(configuration: Configuration, store: any TenantStore, replayCache: any ReplayCache, requestStore: any AuthnRequestStore,
                scimStore: (any SCIMStore)? = nil, clock: any SAMLClock = SystemClock()) {
        self.configuration = configuration
        self.store = store
        self.scimStore = scimStore ?? InMemorySCIMStore()
        self.replayCache = replayCache
        self.requestStore = requestStore
        self.clock = clock
    }

    // MARK: - URLs

    /// The tenant's SP entityID.
    public nonisolated func entityID(_ tenant: String) -> String { "\(configuration.baseURL)/sso/\(tenant)/metadata" }
    /// The tenant's ACS URL.
    public nonisolated func acsURL(_ tenant: String) -> String { "\(configuration.baseURL)/sso/\(tenant)/acs" }

    // MARK: - Tenants

    /// Creates a tenant with a fresh SP key pair, state `unconfigured`.
    /// - Throws: ``TenantError`` for a bad id, name or domain, or one taken or a look-alike of an existing one.
    public func createTenant(id: String, name: String, domains: [String], actor: String) async throws -> Tenant {
        guard TenantNames.isValidID(id) else { throw TenantError.invalidTenantID(id) }
        let trimmedName = name.trimmingCharacters(in: .whitespaces)
        guard (1...200).contains(trimmedName.count),
              !trimmedName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) else {
            throw TenantError.invalidName
        }
        guard domains.count <= 100 else { throw TenantError.invalidRequest("at most 100 domains") }
        var ascii: [String] = []
        for domain in domains {
            guard let form = TenantNames.asciiDomain(domain) else { throw TenantError.invalidDomain(domain) }
            if ascii.contains(form) { continue }
            ascii.append(form)
        }
        let now = clock.now()
        let keys = try TenantKeyPair.generate(commonName: entityID(id), now: now)
        let tenant = Tenant(id: id, name: trimmedName, domains: ascii, keyPair: keys, now: now)
        do {
            try await store.createTenant(tenant)
        } catch let error as TenantError {
            // A domain given in another form than the one it collides with is a look-alike, not the same string.
            if case .domainTaken(let taken) = error, let given = zip(ascii, domains).first(where: { $0.0 == taken })?.1,
               !(given.unicodeScalars.allSatisfy(\.isASCII) && Array(given.lowercased().utf8) == Array(taken.utf8)) {
                throw TenantError.confusableWithExisting(value: given, existing: taken)
            }
            throw error
        }
        try await audit(tenant.id, actor: actor, action: "tenant.create", result: "ok", detail: "domains \(ascii.joined(separator: ","))")
        return tenant
    }

    /// The tenant, or ``TenantError/tenantNotFound(_:)``.
    public func tenant(_ id: String) async throws -> Tenant {
        guard TenantNames.isValidID(id), let tenant = try await store.tenant(id: id) else { throw TenantError.tenantNotFound(id) }
        return tenant
    }

    /// The tenant that owns the email's domain (home realm discovery), if any.
    public func tenant(forEmail email: String) async throws -> Tenant? {
        guard let at = email.lastIndex(of: "@"), let domain = TenantNames.asciiDomain(String(email[email.index(after: at)...])) else { return nil }
        return try await store.tenant(domain: domain)
    }

    /// The SP metadata of a tenant (signed with its newest key; every key published for signing and encryption).
    public func spMetadata(_ id: String) async throws -> String {
        try spConfiguration(try await tenant(id)).metadataXML()
    }

    /// The parsed IdP of a tenant, if configured.
    public nonisolated func identityProvider(of tenant: Tenant) throws -> IdPMetadata? {
        guard let xml = tenant.sso.idpMetadataXML else { return nil }
        return try IdPMetadata(xml: xml, entityID: tenant.sso.idpEntityID)
    }

    /// Accepts the IdP's metadata (a document, or a URL fetched now) after checking it: an IdP, with a signing
    /// certificate, no DOCTYPE, not past validUntil, one entity chosen from an aggregate, and (when requireCA is on)
    /// a signing certificate that chains to the bundle. State becomes `configured`.
    /// - Throws: the `SAMLError` of the document, ``TenantError/caRequirementNotMet(reason:detail:)``,
    ///   ``TenantError/metadataFetchFailed(_:)``.
    public func setIdPMetadata(_ id: String, xml: [UInt8]?, url: String?, entityID: String?, actor: String) async throws -> (Tenant, IdPMetadata) {
        var tenant = try await tenant(id)
        var document = xml
        if let url {
            guard let parsed = URL(string: url), ["https", "http"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
                throw TenantError.invalidRequest("url must be an http(s) URL")
            }
            do { document = try await configuration.fetch(parsed) } catch {
                try? await audit(id, actor: actor, action: "sso.idpMetadata", result: "metadataFetchFailed", detail: url)
                throw TenantError.metadataFetchFailed(String(describing: error))
            }
        }
        guard let document else { throw TenantError.invalidRequest("send the metadata XML as the body, or {\"url\": …}") }
        let idp: IdPMetadata
        do {
            idp = try checkedIdP(document, entityID: entityID, tenant: tenant)
            if tenant.sso.requireCA {
                var next = tenant.sso
                next.idpMetadataXML = String(decoding: document, as: UTF8.self)
                next.idpEntityID = idp.entityID
                try await checkCARequirement(next, tenantID: id)
            }
        } catch {
            try? await audit(id, actor: actor, action: "sso.idpMetadata", result: Self.code(of: error), detail: "refused")
            throw error
        }
        tenant.sso.idpMetadataXML = String(decoding: document, as: UTF8.self)
        tenant.sso.idpMetadataURL = url
        tenant.sso.idpEntityID = idp.entityID
        try await saveChanged(&tenant)
        try await audit(id, actor: actor, action: "sso.idpMetadata", result: "ok", detail: "entityID \(idp.entityID)")
        return (tenant, idp)
    }

    func checkedIdP(_ document: [UInt8], entityID: String?, tenant: Tenant) throws -> IdPMetadata {
        let idp = try IdPMetadata(xml: document, entityID: entityID)
        guard !idp.signingCertificates.isEmpty else { throw TenantError.noSigningCertificate }
        guard !idp.singleSignOnServices.isEmpty else { throw TenantError.noSingleSignOnService }
        if let validUntil = idp.validUntil, validUntil <= clock.now() { throw SAMLError.metadataExpired(validUntil: validUntil, now: clock.now()) }
        return idp
    }

    /// The settings an admin changes (nil: unchanged).
    public struct Settings: Sendable {
        public var requireCA: Bool?
        public var caBundlePEM: String?
        public var mapping: MappingChoice?
        public var allowIdPInitiated: Bool?
        public var provisioningMatch: ProvisioningMatch?
        public var justInTimeProvisioning: Bool?
        public init(requireCA: Bool? = nil, caBundlePEM: String? = nil, mapping: MappingChoice? = nil, allowIdPInitiated: Bool? = nil,
                    provisioningMatch: ProvisioningMatch? = nil, justInTimeProvisioning: Bool? = nil) {
            self.provisioningMatch = provisioningMatch
            self.justInTimeProvisioning = justInTimeProvisioning
            self.requireCA = requireCA
            self.caBundlePEM = caBundlePEM
            self.mapping = mapping
            self.allowIdPInitiated = allowIdPInitiated
        }
    }

    /// Changes settings; refuses requireCA when the IdP's signing certificates cannot satisfy it.
    public func updateSettings(_ id: String, _ settings: Settings, actor: String) async throws -> Tenant {
        var tenant = try await tenant(id)
        var next = tenant.sso
        if let requireCA = settings.requireCA { next.requireCA = requireCA }
        if let bundle = settings.caBundlePEM { next.caBundlePEM = bundle.isEmpty ? nil : bundle }
        if let mapping = settings.mapping {
            _ = try Self.attributeMapping(mapping)
            next.mapping = mapping
        }
        if let allow = settings.allowIdPInitiated { next.allowIdPInitiated = allow }
        if let match = settings.provisioningMatch { next.provisioningMatch = match }
        if let jit = settings.justInTimeProvisioning { next.justInTimeProvisioning = jit }
        do {
            if next.requireCA { try await checkCARequirement(next, tenantID: id) }
        } catch {
            try? await audit(id, actor: actor, action: "sso.settings", result: Self.code(of: error), detail: "refused")
            throw error
        }
        guard next != tenant.sso else { return tenant }
        tenant.sso = next
        try await saveChanged(&tenant)
        try await audit(id, actor: actor, action: "sso.settings", result: "ok",
                        detail: "requireCA=\(next.requireCA) allowIdPInitiated=\(next.allowIdPInitiated) mapping=\(Self.describe(next.mapping))")
        return tenant
    }

    /// requireCA: a bundle, and at least one of the IdP's signing certificates chaining to it now.
    func checkCARequirement(_ sso: SSOConnection, tenantID: String) async throws {
        guard let bundle = sso.caBundlePEM else { throw TenantError.caRequirementNotMet(reason: "noTrustAnchors", detail: "no CA bundle is set") }
        let policy: CAPolicy
        do { policy = try CAPolicy(trustAnchorsPEM: bundle) } catch {
            throw TenantError.caRequirementNotMet(reason: Self.code(of: error), detail: "the CA bundle cannot be read")
        }
        guard let xml = sso.idpMetadataXML else { return }   // checked again when metadata arrives
        let idp = try IdPMetadata(xml: xml, entityID: sso.idpEntityID)
        var firstFailure: (String, String)?
        for certificate in idp.signingCertificates {
            do {
                _ = try await CertificateTrustPolicy.certificateAuthority(policy)
                    .evaluate(signingCertificate: certificate, metadataCertificates: idp.signingCertificates, at: clock.now())
                return
            } catch {
                let subject = certificate.summary?.subject ?? "an unreadable certificate"
                // The case names the check; the subject names the certificate (and an untrusted chain its reason).
                let code = Self.code(of: error)
                firstFailure = firstFailure ?? (code, code == "chainUntrusted" || code == "internal" ? "\(subject): \(Self.describe(error))" : subject)
            }
        }
        throw TenantError.caRequirementNotMet(reason: firstFailure?.0 ?? "noSigningCertificate", detail: firstFailure?.1 ?? "no signing certificate")
    }

    /// Starts "Test SSO connection": a pending test whose login URL runs SP-initiated SSO against the tenant's IdP.
    public func createTest(_ id: String, actor: String) async throws -> SSOTest {
        let tenant = try await tenant(id)
        guard tenant.sso.state != .unconfigured, tenant.sso.idpMetadataXML != nil else { throw TenantError.notConfigured }
        let test = SSOTest(id: RelayState.generate(), tenant: id, configurationVersion: tenant.sso.configurationVersion, createdAt: clock.now())
        try await store.saveTest(test)
        var updated = tenant
        updated.sso.lastTest = TestSummary(id: test.id, status: .pending, completedAt: nil)
        updated.version += 1
        try await store.updateTenant(updated)
        try await audit(id, actor: actor, action: "sso.test.start", result: "ok", detail: "test \(test.id)")
        return test
    }

    /// The test's login URL.
    public nonisolated func testLoginURL(_ test: SSOTest) -> String {
        "\(configuration.baseURL)/sso/\(test.tenant)/login?test=\(test.id)"
    }

    /// A test of a tenant.
    public func test(_ id: String, tenant: String) async throws -> SSOTest {
        _ = try await self.tenant(tenant)
        guard let test = try await store.test(id: id, tenant: tenant) else { throw TenantError.testNotFound(id) }
        return test
    }

    /// Enables SSO: only from `tested` (the latest test passed, nothing changed since); from any other state
    /// ``TenantError/testRequired`` (a disabled connection is tested again before it is enabled again).
    public func enable(_ id: String, actor: String) async throws -> Tenant {
        var tenant = try await tenant(id)
        guard tenant.sso.state == .tested else {
            try? await audit(id, actor: actor, action: "sso.enable", result: "testRequired", detail: "state \(tenant.sso.state.rawValue)")
            throw TenantError.testRequired
        }
        tenant.sso.state = .enabled
        tenant.version += 1
        try await store.updateTenant(tenant)
        try await audit(id, actor: actor, action: "sso.enable", result: "ok", detail: "")
        return tenant
    }

    /// Disables SSO.
    public func disable(_ id: String, actor: String) async throws -> Tenant {
        var tenant = try await tenant(id)
        guard tenant.sso.state != .unconfigured else { throw TenantError.notConfigured }
        tenant.sso.state = .disabled
        tenant.version += 1
        try await store.updateTenant(tenant)
        try await audit(id, actor: actor, action: "sso.disable", result: "ok", detail: "")
        return tenant
    }

    /// Adds a new SP key pair (rollover: the new one signs, both decrypt and are published until the old is removed).
    public func rollOverKeys(_ id: String, actor: String) async throws -> Tenant {
        var tenant = try await tenant(id)
        tenant.sso.keyPairs = Array((tenant.sso.keyPairs + [try TenantKeyPair.generate(commonName: entityID(id), now: clock.now())]).suffix(2))
        try await saveChanged(&tenant)
        try await audit(id, actor: actor, action: "sso.keys.rollover", result: "ok", detail: "")
        return tenant
    }

    /// Creates the tenant's SCIM bearer token (shown once; only its SHA-256 is kept), revoking the previous one, and
    /// turns provisioning on: from now on only provisioned, active users sign in.
    public func createSCIMToken(_ id: String, actor: String) async throws -> String {
        var tenant = try await tenant(id)
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: .min ... .max, using: &generator) }
        let token = "scim_" + bytes.map { String(format: "%02x", $0) }.joined()
        tenant.sso.scimTokenHash = Self.hash(token)
        tenant.version += 1
        try await store.updateTenant(tenant)
        try await audit(id, actor: actor, action: "scim.token", result: "ok", detail: "a new token; the previous one is revoked")
        return token
    }

    /// Whether `token` is the tenant's SCIM token (constant time over the hashes).
    public func checkSCIMToken(_ id: String, token: String) async throws -> Bool {
        guard TenantNames.isValidID(id), let tenant = try await store.tenant(id: id), let stored = tenant.sso.scimTokenHash else { return false }
        let given = Array(Self.hash(token).utf8), expected = Array(stored.utf8)
        guard given.count == expected.count else { return false }
        var diff: UInt8 = 0
        for i in given.indices { diff |= given[i] ^ expected[i] }
        return diff == 0
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether a signed-in user may still be signed in: provisioning off, or a provisioned, active match.
    public func isProvisionedAndActive(_ user: TenantUser) async -> Bool {
        guard let tenant = try? await store.tenant(id: user.tenant), tenant.sso.scimTokenHash != nil else { return true }
        guard let found = try? await provisionedUser(tenant, uid: user.uid) else { return false }
        return found.isActive
    }

    func provisionedUser(_ tenant: Tenant, uid: String) async throws -> SCIMResource? {
        switch tenant.sso.provisioningMatch {
        case .userName: try await scimStore.user(tenant: tenant.id, userName: uid)
        case .externalId: try await scimStore.user(tenant: tenant.id, externalId: uid)
        }
    }

    /// The provisioning check at sign-in: with provisioning on, a provisioned and active user; without it and with
    /// just-in-time provisioning, the user is created.
    func checkProvisioning(_ tenant: Tenant, _ user: TenantUser) async throws {
        if tenant.sso.scimTokenHash != nil {
            guard let found = try await provisionedUser(tenant, uid: user.uid) else { throw TenantError.userNotProvisioned(user.uid) }
            guard found.isActive else { throw TenantError.userDeactivated(user.uid) }
        } else if tenant.sso.justInTimeProvisioning, try await scimStore.user(tenant: tenant.id, userName: user.uid) == nil {
            var attributes: [String: JSONValue] = [
                "schemas": .array([.string(SCIMService.userSchema)]), "userName": .string(user.uid), "active": .bool(true),
            ]
            if let email = user.email { attributes["emails"] = .array([.object(["value": .string(email), "type": .string("work"), "primary": .bool(true)])]) }
            if let name = user.name { attributes["displayName"] = .string(name) }
            let now = clock.now()
            try await scimStore.createResource(SCIMResource(tenant: tenant.id, kind: .user, id: UUID().uuidString.lowercased(), version: 1,
                                                            created: now, lastModified: now, attributes: .object(attributes)))
            try await audit(tenant.id, actor: "user:\(user.uid)", action: "scim.jit", result: "ok", detail: "created on first sign-in")
        }
    }

    /// The audit log, newest first.
    public func auditLog(_ id: String, limit: Int = 200) async throws -> [AuditEvent] {
        _ = try await tenant(id)
        return try await store.audit(tenant: id, limit: limit)
    }

    /// A configuration change: the state returns to `configured` (an untested configuration cannot stay enabled or
    /// tested), the configuration version moves on (tests of the previous one become stale).
    private func saveChanged(_ tenant: inout Tenant) async throws {
        tenant.sso.configurationVersion += 1
        tenant.sso.state = tenant.sso.idpMetadataXML == nil ? .unconfigured : .configured
        tenant.version += 1
        try await store.updateTenant(tenant)
        runtimes[tenant.id] = nil
    }

    /// Appends an event to the tenant's audit log.
    public func audit(_ tenant: String, actor: String, action: String, result: String, detail: String) async throws {
        try await store.appendAudit(AuditEvent(at: clock.now(), actor: actor, action: action, result: result, detail: detail), tenant: tenant)
    }

    // MARK: - Per-tenant SAML

    /// The SP configuration of a tenant: its entityID and ACS, its newest key signing, every key decrypting.
    nonisolated func spConfiguration(_ tenant: Tenant) throws -> ServiceProviderConfiguration {
        var options = ServiceProvider.Options()
        options.allowUnsolicitedResponses = tenant.sso.allowIdPInitiated
        let keys = tenant.sso.keyPairs
        return try ServiceProviderConfiguration(
            entityID: entityID(tenant.id), assertionConsumerServiceURL: acsURL(tenant.id),
            signingKey: try keys.last?.signingKey(), decryptionKeys: try keys.reversed().map { try $0.decryptionKey() },
            authnRequestBinding: .httpRedirect, options: options)
    }

    /// The runtime of a tenant's current configuration (built once per version).
    func runtime(_ tenant: Tenant) async throws -> ServiceProviderRuntime {
        if let cached = runtimes[tenant.id], cached.version == tenant.sso.configurationVersion { return cached.runtime }
        guard let xml = tenant.sso.idpMetadataXML else { throw TenantError.notConfigured }
        var check: (any SigningCertificateCheck)?
        if tenant.sso.requireCA, let bundle = tenant.sso.caBundlePEM {
            check = CertificateTrustPolicy.certificateAuthority(try CAPolicy(trustAnchorsPEM: bundle))
        }
        let source: ServiceProviderRuntime.IdentityProviderSource
        if let url = tenant.sso.idpMetadataURL.flatMap(URL.init(string:)) {
            let fetch = configuration.fetch
            source = .init(name: tenant.id, entityID: tenant.sso.idpEntityID) { try await fetch(url) }
        } else {
            source = .document(Array(xml.utf8), name: tenant.id, entityID: tenant.sso.idpEntityID)
        }
        let runtime = try ServiceProviderRuntime(configuration: try spConfiguration(tenant), identityProviders: [source], clock: clock,
                                                 replayCache: replayCache, requestStore: TenantRequestStore(tenant: tenant.id, base: requestStore),
                                                 signingCertificateCheck: check)
        await runtime.start()
        runtimes[tenant.id] = (tenant.sso.configurationVersion, runtime)
        return runtime
    }

    /// Refreshes every cached runtime whose IdP metadata comes from a URL (each on its cacheDuration/validUntil).
    public func refreshAll() async {
        for (_, entry) in runtimes { _ = await entry.runtime.refresh() }
    }

    /// Starts SP-initiated login for an end user (SSO must be enabled) or for a test (`testID`; any configured state):
    /// the URL of the IdP's SSO service with the AuthnRequest (HTTP-Redirect).
    public func beginLogin(_ id: String, returnTo: String?, testID: String?) async throws -> String {
        let tenant = try await tenant(id)
        var test: SSOTest?
        if let testID {
            // A test's login URL works once: its RelayState then keys the response at the ACS.
            guard let found = try await store.test(id: testID, tenant: id), found.status == .pending, found.relayState == nil else {
                throw TenantError.testNotFound(testID)
            }
            test = found
        } else {
            guard tenant.sso.state == .enabled else { throw TenantError.ssoNotEnabled(id) }
        }
        let runtime = try await runtime(tenant)
        let start = try await runtime.coordinator.begin(returnTo: returnTo, binding: .httpRedirect)
        if var test {
            test.relayState = start.relayState
            try await store.saveTest(test)
        }
        guard case .redirect(let url) = start.delivery else { throw SAMLError.invalidConfiguration("the tenant login uses HTTP-Redirect") }
        return url
    }

    /// The outcome of a tenant's ACS.
    public enum ACSOutcome: Sendable {
        /// A user signed in: the tenant, the user and where to send the browser.
        case signedIn(TenantUser, returnTo: String, session: SAMLSession)
        /// A connection test completed (nobody is signed in).
        case testCompleted(SSOTest)
    }

    /// The tenant's ACS: a test's response is evaluated and recorded (never signs anyone in); otherwise SSO must be
    /// enabled and every check holds, then the mapped user is returned. Each outcome goes to the audit log.
    public func completeLogin(_ id: String, samlResponse: String, relayState: String?) async throws -> ACSOutcome {
        let tenant = try await tenant(id)
        if let relayState, let test = try await store.test(relayState: relayState), test.tenant == id, test.status == .pending {
            return .testCompleted(try await completeTest(test, tenant: tenant, samlResponse: samlResponse, relayState: relayState))
        }
        guard tenant.sso.state == .enabled else {
            try? await audit(id, actor: "idp", action: "signin", result: "ssoNotEnabled", detail: "")
            throw TenantError.ssoNotEnabled(id)
        }
        do {
            let runtime = try await runtime(tenant)
            let login = try await runtime.coordinator.complete(samlResponse: samlResponse, relayState: relayState)
            let mapped = try Self.attributeMapping(tenant.sso.mapping).map(login.assertion)
            let user = TenantUser(tenant: id, mapped: mapped, nameID: login.assertion.nameID.value)
            try await checkProvisioning(tenant, user)
            let session = SAMLSession(assertion: login.assertion, uid: user.uid, lifetime: configuration.sessionLifetime, now: clock.now())
            try await audit(id, actor: "user:\(user.uid)", action: "signin", result: "ok", detail: "nameID \(login.assertion.nameID.value)")
            return .signedIn(user, returnTo: login.returnTo, session: session)
        } catch {
            try? await audit(id, actor: "idp", action: "signin", result: Self.code(of: error), detail: Self.describe(error))
            throw error
        }
    }

    private func completeTest(_ test: SSOTest, tenant: Tenant, samlResponse: String, relayState: String) async throws -> SSOTest {
        var test = test
        let now = clock.now()
        test.completedAt = now
        var idp: IdPMetadata?
        do {
            idp = try identityProvider(of: tenant)
            test.certificates = (idp?.signingCertificates ?? []).compactMap { CertificateInfo($0, now: now) }
            test.warnings = (test.certificates ?? []).filter { $0.daysToExpiry <= configuration.expiryWarningDays }.map {
                $0.daysToExpiry < 0 ? "signing certificate \($0.subject) expired \(-$0.daysToExpiry) days ago"
                    : "signing certificate \($0.subject) expires in \($0.daysToExpiry) days"
            }
            let runtime = try await runtime(tenant)
            let login = try await runtime.coordinator.complete(samlResponse: samlResponse, relayState: relayState)
            test.nameID = login.assertion.nameID.value
            var attributes: [String: [String]] = [:]
            for attribute in login.assertion.attributes { attributes[attribute.name, default: []] += attribute.values }
            test.attributes = attributes
            let mapped = try Self.attributeMapping(tenant.sso.mapping).map(login.assertion)
            test.mapped = mapped.fields
            test.status = .passed
        } catch {
            test.status = .failed
            test.failedCheck = Self.code(of: error)
            test.detail = Self.explain(error, tenant: tenant, idp: idp)
        }
        try await store.saveTest(test)
        try await audit(tenant.id, actor: "admin", action: "sso.test", result: test.status == .passed ? "ok" : (test.failedCheck ?? "failed"),
                        detail: "test \(test.id)" + (test.detail.map { ": \($0)" } ?? ""))
        // The tenant moves to `tested` only if the test covers its current configuration.
        var current = try await self.tenant(tenant.id)
        current.sso.lastTest = TestSummary(id: test.id, status: test.status, completedAt: now)
        if test.status == .passed, test.configurationVersion == current.sso.configurationVersion {
            current.sso.lastTestedVersion = current.sso.configurationVersion
            if current.sso.state == .configured || current.sso.state == .disabled { current.sso.state = .tested }
        }
        current.version += 1
        try await store.updateTenant(current)
        return test
    }

    // MARK: - Helpers

    static func attributeMapping(_ choice: MappingChoice) throws -> AttributeMapping {
        switch choice {
        case .preset(let name):
            guard let mapping = AttributeMapping.presets[name] else {
                throw TenantError.invalidMapping("unknown preset \(TenantError.quoted(name)); presets: \(AttributeMapping.presetNames.joined(separator: ", "))")
            }
            return mapping
        case .rules(let json):
            do { return try AttributeMapping(json: Array(json.utf8)) } catch { throw TenantError.invalidMapping(describe(error)) }
        }
    }

    static func describe(_ choice: MappingChoice) -> String {
        switch choice {
        case .preset(let name): "preset \(name)"
        case .rules: "rules"
        }
    }

    /// The code of any error: a coded error's, else `internal`.
    static func code(of error: any Error) -> String {
        (error as? any SAMLCodedError)?.code ?? "internal"
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? SAMLError { return error.detail }
        if let error = error as? TenantError { return error.detail }
        return String(describing: error).replacingOccurrences(of: "\n", with: " ")
    }

    /// A failed test's check in words an admin can act on: which check, expected vs found, which certificate.
    static func explain(_ error: any Error, tenant: Tenant, idp: IdPMetadata?) -> String {
        let base = describe(error)
        guard let error = error as? SAMLError else { return base }
        switch error.code {
        case "signatureInvalid", "signatureMissing", "untrustedSignature":
            let subjects = (idp?.signingCertificates ?? []).compactMap { $0.summary?.subject }
            return "The response's signature did not verify with the IdP's signing certificate in the uploaded metadata"
                + (subjects.isEmpty ? "" : " (\(subjects.joined(separator: "; ")))")
                + ". Upload the IdP's current metadata, or check which certificate the IdP signs with. [\(base)]"
        case "audienceMismatch":
            return "The IdP addressed the response to another SP: the Audience must be this tenant's entityID. [\(base)]"
        case "destinationMismatch", "recipientMismatch":
            return "The IdP sent the response to another ACS URL: configure the Reply URL as the tenant's ACS URL. [\(base)]"
        case "responseFromUnexpectedIdP", "issuerMismatch":
            return "The response came from another IdP than the one in the uploaded metadata. [\(base)]"
        default:
            return base
        }
    }

    /// The default metadata fetcher.
    static let urlSessionFetch: @Sendable (URL) async throws -> [UInt8] = { url in
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 15)
        request.setValue("application/samlmetadata+xml, application/xml, text/xml", forHTTPHeaderField: "Accept")
        let (data, response) = try await URLSession.shared.data(for: request)
        if let http = response as? HTTPURLResponse, http.statusCode != 200 {
            throw TenantError.metadataFetchFailed("HTTP \(http.statusCode)")
        }
        guard data.count <= 16 << 20 else { throw TenantError.metadataFetchFailed("over 16 MiB") }
        return Array(data)
    }
}

/// A signed-in user of a tenant: what `/me` shows.
public struct TenantUser: Codable, Sendable, Hashable {
    public var tenant: String
    public var uid: String
    public var email: String?
    public var name: String?
    public var groups: [String]

    /// The user from a mapped assertion (uid from the mapping's `uid`, else its `principalName`, else the NameID).
    public init(tenant: String, mapped: MappedUser, nameID: String) {
        self.tenant = tenant
        uid = mapped.value("uid") ?? mapped.value("principalName") ?? mapped.value("userPrincipalName") ?? nameID
        email = mapped.value("email")
        let joined = [mapped.value("givenName"), mapped.value("surname")].compactMap { $0 }.joined(separator: " ")
        name = mapped.value("displayName") ?? mapped.value("name") ?? (joined.isEmpty ? nil : joined)
        groups = mapped.values("groups")
    }
}

/// One tenant's view of the shared request store: its keys carry the tenant's id, so another tenant's ACS cannot
/// take (consume) this tenant's pending requests.
struct TenantRequestStore: AuthnRequestStore {
    let tenant: String
    let base: any AuthnRequestStore

    func put(_ request: PendingRequest) async throws {
        try await base.put(PendingRequest(relayState: "\(tenant):\(request.relayState)", requestID: request.requestID,
                                          identityProvider: request.identityProvider, returnTo: request.returnTo, expiresAt: request.expiresAt))
    }

    func take(relayState: String) async throws -> PendingRequest? {
        guard let found = try await base.take(relayState: "\(tenant):\(relayState)") else { return nil }
        return PendingRequest(relayState: relayState, requestID: found.requestID, identityProvider: found.identityProvider,
                              returnTo: found.returnTo, expiresAt: found.expiresAt)
    }
}

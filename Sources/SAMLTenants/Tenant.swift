import Foundation
import SAML

/// One customer organisation: an ASCII id, a name, its email domains, and its one SSO connection.
public struct Tenant: Codable, Sendable, Hashable {
    /// `[a-z0-9-]{1,63}`, not starting or ending with `-`.
    public var id: String
    /// The organisation's display name.
    public var name: String
    /// Its email domains, in their ASCII (IDNA) form, lower case.
    public var domains: [String]
    /// The SSO connection.
    public var sso: SSOConnection
    /// Bumped by every change: a store refuses an update made from an older version.
    public var version: Int
    /// When it was created.
    public var createdAt: Date

    /// A new tenant with an unconfigured connection and its first SP key pair.
    public init(id: String, name: String, domains: [String], keyPair: TenantKeyPair, now: Date) {
        self.id = id
        self.name = name
        self.domains = domains
        self.sso = SSOConnection(keyPairs: [keyPair])
        self.version = 1
        self.createdAt = now
    }
}

/// The SSO connection of a tenant: its own SP identity, the IdP, the trust and mapping settings, and its state.
public struct SSOConnection: Codable, Sendable, Hashable {
    /// Where the connection is in its setup: an admin can enable only a configuration whose latest test passed.
    public enum State: String, Codable, Sendable, Hashable, CaseIterable {
        /// No IdP metadata yet.
        case unconfigured
        /// IdP metadata accepted; not tested since the last change.
        case configured
        /// The latest test passed and nothing changed since.
        case tested
        /// Users sign in.
        case enabled
        /// Turned off by an admin (enable needs a passing test again only after a change).
        case disabled
    }

    /// The state.
    public var state: State = .unconfigured
    /// The SP's key pairs, newest last: the newest signs; all decrypt and are published (rollover).
    public var keyPairs: [TenantKeyPair]
    /// The IdP metadata document as uploaded or last fetched.
    public var idpMetadataXML: String?
    /// Where the IdP metadata is fetched from, when it was given as a URL.
    public var idpMetadataURL: String?
    /// The entityID chosen from an aggregate, if the document holds several IdPs.
    public var idpEntityID: String?
    /// "Require certificate signed by a certificate authority in metadata (more secure)".
    public var requireCA: Bool = false
    /// The CA bundle (PEM) that requirement uses.
    public var caBundlePEM: String?
    /// The attribute mapping: a preset name or rules.
    public var mapping: MappingChoice = .preset("azure-ad")
    /// Whether IdP-initiated login is accepted.
    public var allowIdPInitiated: Bool = false
    /// The latest test's ID, status and time.
    public var lastTest: TestSummary?
    /// Moves on with every configuration change (IdP metadata, settings, keys): a test covers one version.
    public var configurationVersion: Int = 0
    /// The configuration version the latest passing test covered.
    public var lastTestedVersion: Int?
    /// SHA-256 (hex) of the tenant's SCIM bearer token; set: provisioning is on, and only provisioned, active users
    /// sign in (issue 15).
    public var scimTokenHash: String?
    /// How a signed-in identity is matched to a provisioned user: `userName` (the mapped uid) or `externalId`.
    public var provisioningMatch: ProvisioningMatch = .userName
    /// Without provisioning: create the user on first sign-in (just-in-time).
    public var justInTimeProvisioning: Bool = false

    /// A connection with these key pairs and nothing else.
    public init(keyPairs: [TenantKeyPair]) {
        self.keyPairs = keyPairs
    }
}

/// How the ACS matches a signed-in identity to a provisioned SCIM user.
public enum ProvisioningMatch: String, Codable, Sendable, Hashable {
    /// The mapped uid is the user's userName (case-insensitive).
    case userName
    /// The mapped uid is the user's externalId (exact).
    case externalId
}

/// The attribute mapping of a tenant.
public enum MappingChoice: Codable, Sendable, Hashable {
    /// One of `SAMLAttributeMapping`'s presets (`azure-ad`, `webex`, `okta`, `adfs`, `shibboleth`, `keycloak`).
    case preset(String)
    /// Rules in `AttributeMapping`'s JSON form.
    case rules(String)
}

/// An SP key pair of a tenant (PEM), generated on creation; a newer one is added for rollover.
public struct TenantKeyPair: Codable, Sendable, Hashable {
    /// The private key, PKCS#8 PEM.
    public var privateKeyPEM: String
    /// The self-signed certificate, PEM.
    public var certificatePEM: String
    /// When it was made.
    public var createdAt: Date

    /// A key pair.
    public init(privateKeyPEM: String, certificatePEM: String, createdAt: Date) {
        self.privateKeyPEM = privateKeyPEM
        self.certificatePEM = certificatePEM
        self.createdAt = createdAt
    }
}

/// The latest test of a connection, as the tenant record keeps it.
public struct TestSummary: Codable, Sendable, Hashable {
    /// The test's ID.
    public var id: String
    /// `pending`, `passed` or `failed`.
    public var status: SSOTest.Status
    /// When it completed.
    public var completedAt: Date?
}

/// One run of "Test SSO connection": created by the admin, completed by the IdP's response at the tenant's ACS.
public struct SSOTest: Codable, Sendable, Hashable {
    /// Its outcome so far.
    public enum Status: String, Codable, Sendable, Hashable {
        case pending, passed, failed
    }
    /// The test's ID (random, URL-safe).
    public var id: String
    /// The tenant's ID.
    public var tenant: String
    /// The configuration version it tests: a change after it makes it stale.
    public var configurationVersion: Int
    /// The outcome.
    public var status: Status = .pending
    /// The failed check's code (the `SAMLError`, mapping or certificate-policy case name).
    public var failedCheck: String?
    /// What failed, in words an admin can act on.
    public var detail: String?
    /// The NameID the IdP sent.
    public var nameID: String?
    /// The attributes received: name → values.
    public var attributes: [String: [String]]?
    /// The mapped user's fields.
    public var mapped: [String: [String]]?
    /// The IdP's signing certificates: subject, notAfter, days to expiry.
    public var certificates: [CertificateInfo]?
    /// Warnings (certificate expiry, …).
    public var warnings: [String]?
    /// When it was created.
    public var createdAt: Date
    /// When the response arrived.
    public var completedAt: Date?
    /// The RelayState of the login the test started (its key at the ACS).
    public var relayState: String?

    /// A pending test.
    public init(id: String, tenant: String, configurationVersion: Int, createdAt: Date) {
        self.id = id
        self.tenant = tenant
        self.configurationVersion = configurationVersion
        self.createdAt = createdAt
    }
}

/// A certificate as the admin sees it.
public struct CertificateInfo: Codable, Sendable, Hashable {
    /// The subject (RFC 2253).
    public var subject: String
    /// The end of its validity.
    public var notAfter: Date
    /// Whole days from now to notAfter (negative once expired).
    public var daysToExpiry: Int

    /// The info of `certificate` at `now`; nil when it cannot be read.
    public init?(_ certificate: SAMLCertificate, now: Date) {
        guard let summary = certificate.summary else { return nil }
        subject = summary.subject
        notAfter = summary.notAfter
        daysToExpiry = Int((summary.notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }
}

/// One audit event of a tenant: who did what, when, with what result.
public struct AuditEvent: Codable, Sendable, Hashable {
    /// When.
    public var at: Date
    /// Who: `admin`, `user:<uid>`, `idp`, `system`.
    public var actor: String
    /// What: `tenant.create`, `sso.idpMetadata`, `sso.settings`, `sso.test`, `sso.enable`, `sso.disable`, `signin`, …
    public var action: String
    /// `ok`, or the refusal's code.
    public var result: String
    /// One line of detail.
    public var detail: String

    /// An event.
    public init(at: Date, actor: String, action: String, result: String, detail: String) {
        self.at = at
        self.actor = actor
        self.action = action
        self.result = result
        self.detail = detail
    }
}

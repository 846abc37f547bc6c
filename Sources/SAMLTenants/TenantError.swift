import SAML

/// Why a tenant operation was refused. The code is the case name; the admin API answers it as `{"error", "detail"}`
/// with the status ``httpStatus``.
public enum TenantError: SAMLCodedError, Hashable, Sendable {
    /// The id is not `[a-z0-9-]{1,63}` (or starts or ends with `-`). 400.
    case invalidTenantID(String)
    /// A name that is empty, over 200 characters, or has control characters. 400.
    case invalidName
    /// An email domain that is not a valid (IDNA) domain name. 400.
    case invalidDomain(String)
    /// A tenant with this id exists. 409.
    case tenantExists(String)
    /// The id or a domain is a look-alike of an existing tenant's (Unicode confusables). 409.
    case confusableWithExisting(value: String, existing: String)
    /// The domain belongs to another tenant. 409.
    case domainTaken(String)
    /// No such tenant. 404.
    case tenantNotFound(String)
    /// No such test. 404.
    case testNotFound(String)
    /// Enabling needs a passing test of the current configuration. 409.
    case testRequired
    /// The tenant has no IdP metadata yet. 409.
    case notConfigured
    /// The tenant changed since it was read (another admin or instance); read it again. 409.
    case concurrentUpdate
    /// The request body is not what the route takes. 400.
    case invalidRequest(String)
    /// The mapping is not a known preset or not valid rules. 422.
    case invalidMapping(String)
    /// requireCA is set and no signing certificate of the IdP chains to the bundle; `reason` is the certificate
    /// policy's case name, `detail` which certificate and why. 422.
    case caRequirementNotMet(reason: String, detail: String)
    /// The IdP metadata has no signing certificate (a key to verify responses with). 422.
    case noSigningCertificate
    /// The IdP metadata has no SingleSignOnService to send users to. 422.
    case noSingleSignOnService
    /// The IdP metadata URL could not be fetched. 422.
    case metadataFetchFailed(String)
    /// SSO is not enabled for this tenant (end users). 403.
    case ssoNotEnabled(String)
    /// Provisioning is on and no provisioned user matches the signed-in identity. 403.
    case userNotProvisioned(String)
    /// The provisioned user is deactivated (or was deleted). 403.
    case userDeactivated(String)

    public var code: String {
        switch self {
        case .invalidTenantID: "invalidTenantID"
        case .invalidName: "invalidName"
        case .invalidDomain: "invalidDomain"
        case .tenantExists: "tenantExists"
        case .confusableWithExisting: "confusableWithExisting"
        case .domainTaken: "domainTaken"
        case .tenantNotFound: "tenantNotFound"
        case .testNotFound: "testNotFound"
        case .testRequired: "testRequired"
        case .notConfigured: "notConfigured"
        case .concurrentUpdate: "concurrentUpdate"
        case .invalidRequest: "invalidRequest"
        case .invalidMapping: "invalidMapping"
        case .caRequirementNotMet: "caRequirementNotMet"
        case .noSigningCertificate: "noSigningCertificate"
        case .noSingleSignOnService: "noSingleSignOnService"
        case .metadataFetchFailed: "metadataFetchFailed"
        case .ssoNotEnabled: "ssoNotEnabled"
        case .userNotProvisioned: "userNotProvisioned"
        case .userDeactivated: "userDeactivated"
        }
    }

    public var fault: Fault { .client }

    /// The admin API's status for this refusal.
    public var httpStatus: Int {
        switch self {
        case .invalidTenantID, .invalidName, .invalidDomain, .invalidRequest: 400
        case .tenantExists, .confusableWithExisting, .domainTaken, .testRequired, .notConfigured, .concurrentUpdate: 409
        case .tenantNotFound, .testNotFound: 404
        case .invalidMapping, .caRequirementNotMet, .metadataFetchFailed, .noSigningCertificate, .noSingleSignOnService: 422
        case .ssoNotEnabled, .userNotProvisioned, .userDeactivated: 403
        }
    }

    /// One line for the API's `detail`.
    public var detail: String {
        switch self {
        case .invalidTenantID(let id): "tenant id \(Self.quoted(id)) is not [a-z0-9-]{1,63} (no leading or trailing -)"
        case .invalidName: "the name must be 1 to 200 characters without control characters"
        case .invalidDomain(let domain): "\(Self.quoted(domain)) is not a valid domain name"
        case .tenantExists(let id): "tenant \(Self.quoted(id)) exists"
        case .confusableWithExisting(let value, let existing): "\(Self.quoted(value)) looks like \(Self.quoted(existing)), which exists"
        case .domainTaken(let domain): "the domain \(Self.quoted(domain)) belongs to another tenant"
        case .tenantNotFound(let id): "no tenant \(Self.quoted(id))"
        case .testNotFound(let id): "no test \(Self.quoted(id))"
        case .testRequired: "enable needs a passing test of the current configuration: run Test SSO connection first"
        case .notConfigured: "upload the IdP's metadata first"
        case .concurrentUpdate: "the tenant changed meanwhile; read it again"
        case .invalidRequest(let why): why
        case .invalidMapping(let why): "mapping: \(why)"
        case .caRequirementNotMet(let reason, let detail): "\(reason): \(detail)"
        case .noSigningCertificate: "the IdP metadata has no signing certificate (a KeyDescriptor with use=\"signing\" or no use)"
        case .noSingleSignOnService: "the IdP metadata has no SingleSignOnService"
        case .metadataFetchFailed(let why): "fetching the IdP metadata failed: \(why)"
        case .ssoNotEnabled(let id): "single sign-on is not enabled for \(Self.quoted(id))"
        case .userNotProvisioned(let uid): "\(Self.quoted(uid)) has no account here: ask your administrator to assign you the application"
        case .userDeactivated(let uid): "the account of \(Self.quoted(uid)) is deactivated"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars.prefix(128) {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.generalCategory == .format { out += scalar.escaped(asASCII: true) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + (text.unicodeScalars.count > 128 ? "…\"" : "\"")
    }
}

/// An error of the swift-saml libraries: a stable code naming its case, and whose fault it is.
///
/// ``SAMLError``, `AttributeMappingError` (SAMLAttributeMapping) and `CertificatePolicyError`
/// (SAMLCertificatePolicy) conform, so a web integration maps any of them to a response in one place:
///
/// ```swift
/// func status(for error: any Error) -> Int {
///     guard let error = error as? any SAMLCodedError else { return 500 }
///     return error.fault.httpStatus
/// }
/// ```
///
/// ## The code
///
/// ``code`` is the case's name (`"audienceMismatch"`, `"replayDetected"`, `"noTrustAnchors"`), spelled out case by
/// case, never derived from the payload or by reflection. It is stable across releases: the `saml` tool's reports,
/// fixture manifests, logs and alerts may match on it. A new case brings a new code; an existing code never changes
/// meaning. Codes are distinct within one error type (two types may share one, e.g. `weakKey`: switch on the type
/// too when that matters).
///
/// ## The fault
///
/// ``fault`` says who has to act:
///
/// - ``Fault/client``: the message (or the signing certificate a policy judged) is refused — malformed, hostile,
///   replayed, expired, signed by the wrong key, sent to the wrong SP, or missing what the SP requires. The SP works;
///   another, valid message would be accepted. Answer HTTP 403 and do not page anyone (a burst of them may still be
///   worth an alert: an IdP whose key rolled over makes every login fail with a client fault).
/// - ``Fault/server``: the SP cannot do its job whatever the message says — its configuration is unusable (a key that
///   cannot be read, a mapping that does not define anything, an IdP that wants signed requests and no signing key),
///   IdP metadata is missing, expired or unreadable, no IdP is loaded, or a store is full. Answer HTTP 5xx and tell
///   the operator.
///
/// The fault is decided by the case (and, for ``SAMLError/signatureMissing(_:)``, by its payload: unsigned
/// metadata is the server's). Errors raised while loading configuration or metadata (at start-up, on a refresh)
/// are the operator's to fix whatever their fault; the classification is meant for errors raised while handling a
/// request: a login start, an ACS post, a logout message.
///
/// New cases may be added to the conforming types in minor releases; each says its own fault.
public protocol SAMLCodedError: Error {
    /// The case's name: a stable, non-empty string for logs, JSON and the `saml` tool's reports.
    var code: String { get }
    /// Whether the error rejects the input (``Fault/client``) or the SP cannot work (``Fault/server``).
    var fault: Fault { get }
}

/// Whose fault a ``SAMLCodedError`` is: the message's sender or the service provider itself.
public enum Fault: String, Hashable, Sendable, Codable, CaseIterable {
    /// The input is refused: answer HTTP 403.
    case client
    /// The service provider cannot process any input (configuration, metadata, keys, stores): answer HTTP 5xx.
    case server
    /// A service the SP depends on (the database behind a store) did not answer: the input was neither accepted nor
    /// judged; answer HTTP 503 and let the user retry. The login is refused meanwhile (fail closed).
    case unavailable

    /// The HTTP status to answer with: 403 for ``client``, 500 for ``server``, 503 for ``unavailable``.
    public var httpStatus: Int {
        switch self {
        case .client: 403
        case .server: 500
        case .unavailable: 503
        }
    }
}

extension SAMLCodedError {
    /// The HTTP status for this error: `fault.httpStatus` (403, 500 or 503).
    public var httpStatus: Int { fault.httpStatus }
}

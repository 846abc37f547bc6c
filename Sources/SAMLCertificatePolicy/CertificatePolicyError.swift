import Foundation
import SAML

/// Every way `SAMLCertificatePolicy` rejects a signing certificate or a policy: one case per failed check, naming
/// the certificate by its subject (RFC 4514 string, as swift-certificates prints it).
///
/// New cases may be added in minor releases; `switch` over this type with a `default` branch. As a
/// `SAMLCodedError`, ``code`` names the case as a stable string and ``fault`` says whether the signing certificate
/// was refused (HTTP 403) or the policy or the metadata's certificates cannot be used (5xx).
public enum CertificatePolicyError: Error, Hashable, Sendable {
    // MARK: Configuration
    /// A CA policy without any trust anchor (and without the system store): it would trust nothing, so it is refused
    /// rather than built.
    case noTrustAnchors
    /// A certificate swift-certificates cannot read (malformed DER, a key type it does not support such as DSA or an
    /// elliptic curve below P-256). `detail` is its error text.
    case invalidCertificate(detail: String)

    // MARK: Pinning (both modes)
    /// The signing certificate is not one of the IdP metadata's certificates. A certificate that is not in the
    /// metadata is never accepted, in either mode.
    case notPinned(subject: String)

    // MARK: Certificate-authority mode
    /// The signing certificate is self-signed; the CA mode requires a CA-issued one.
    case selfSignedLeafInCAMode(subject: String)
    /// The signing certificate is itself a CA certificate (basicConstraints CA:TRUE): a CA key does not sign messages.
    case signingCertificateIsCA(subject: String)
    /// No chain from the signing certificate to a configured trust anchor (unknown issuer, or an issuer whose
    /// signature does not verify).
    case noPathToTrustAnchor(subject: String)
    /// swift-certificates rejected every chain for a reason none of the typed cases names (path length, name
    /// constraints, an unhandled critical extension). `reason` is its text.
    case chainUntrusted(reason: String)
    /// The IdP's metadata offers more distinct CA certificates as intermediates than
    /// ``CertificateTrustPolicy/maxMetadataIntermediates``.
    case tooManyIntermediates(count: Int, limit: Int)

    // MARK: Each certificate of the chain
    /// The certificate's notAfter is before `now`.
    case expired(subject: String, notAfter: Date, now: Date)
    /// The certificate's notBefore is after `now`.
    case notYetValid(subject: String, notBefore: Date, now: Date)
    /// An issuing certificate lacks basicConstraints CA:TRUE.
    case notACertificateAuthority(subject: String)
    /// An issuing certificate has a keyUsage extension without keyCertSign.
    case missingKeyCertSign(subject: String)
    /// The signing certificate has a keyUsage extension without digitalSignature.
    case missingDigitalSignature(subject: String)
    /// An RSA key shorter than 2048 bits.
    case weakKey(subject: String, bits: Int)
    /// A certificate signed with an algorithm outside the allow-list (SHA-1, MD5, ...); `oid` is the dotted
    /// signatureAlgorithm OID. The trust anchor's own self-signature is not checked.
    case weakSignatureAlgorithm(subject: String, oid: String)
}

extension CertificatePolicyError: SAMLCodedError {
    /// The case's name, spelled out per case: a stable string for logs, JSON and the `saml` tool's reports
    /// (`SAMLCodedError` says what "stable" promises).
    public var code: String {
        switch self {
        case .noTrustAnchors: "noTrustAnchors"
        case .invalidCertificate: "invalidCertificate"
        case .notPinned: "notPinned"
        case .selfSignedLeafInCAMode: "selfSignedLeafInCAMode"
        case .signingCertificateIsCA: "signingCertificateIsCA"
        case .noPathToTrustAnchor: "noPathToTrustAnchor"
        case .chainUntrusted: "chainUntrusted"
        case .tooManyIntermediates: "tooManyIntermediates"
        case .expired: "expired"
        case .notYetValid: "notYetValid"
        case .notACertificateAuthority: "notACertificateAuthority"
        case .missingKeyCertSign: "missingKeyCertSign"
        case .missingDigitalSignature: "missingDigitalSignature"
        case .weakKey: "weakKey"
        case .weakSignatureAlgorithm: "weakSignatureAlgorithm"
        }
    }

    /// Whose fault the error is (`SAMLCodedError` has the rule): the server's for a policy or metadata certificate that cannot be used,
    /// the client's for a signing certificate the policy refuses.
    public var fault: Fault {
        switch self {
        case .notPinned, .selfSignedLeafInCAMode, .signingCertificateIsCA, .noPathToTrustAnchor, .chainUntrusted,
             .expired, .notYetValid, .notACertificateAuthority, .missingKeyCertSign, .missingDigitalSignature,
             .weakKey, .weakSignatureAlgorithm:
            .client
        case .noTrustAnchors, .invalidCertificate, .tooManyIntermediates:
            .server
        }
    }
}

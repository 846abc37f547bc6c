import SwiftASN1
import X509

/// Every issuing certificate (each one above the leaf, trust anchor included) is a CA: basicConstraints CA:TRUE,
/// and keyCertSign when it carries a keyUsage extension (RFC 5280 §4.2.1.3; a CA certificate without keyUsage is
/// accepted, as OpenSSL does). `RFC5280Policy` checks basicConstraints and path lengths too but does not police
/// keyUsage at all; this is the check that does.
public struct CertificateAuthorityPolicy: VerifierPolicy, Sendable {
    public let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.basicConstraints, .X509ExtensionID.keyUsage,
    ]

    /// Creates the check (it has no settings).
    public init() {}

    public func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        evaluate(chain)
    }
}

extension CertificateAuthorityPolicy: ChainCheck {
    func violation(in chain: [Certificate]) -> CertificatePolicyError? {
        for issuer in chain.dropFirst() {
            guard issuer.isCertificateAuthority else { return .notACertificateAuthority(subject: issuer.subjectText) }
            let keyUsage: KeyUsage?
            do { keyUsage = try issuer.extensions.keyUsage } catch { return .missingKeyCertSign(subject: issuer.subjectText) }
            if let keyUsage, !keyUsage.keyCertSign { return .missingKeyCertSign(subject: issuer.subjectText) }
        }
        return nil
    }
}

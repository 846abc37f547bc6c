import SwiftASN1
import X509

/// Every key in the chain, trust anchor included, is strong enough: RSA of at least 2048 bits, EC on P-256 or
/// larger, or Ed25519. (swift-certificates cannot read EC keys on smaller curves, so those never reach this check:
/// such a certificate is ``CertificatePolicyError/invalidCertificate(detail:)``.)
public struct KeyStrengthPolicy: VerifierPolicy, Sendable {
    /// The smallest RSA modulus accepted, in bits.
    public static let minimumRSABits = 2048
    public let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = []

    /// Creates the check (it has no settings).
    public init() {}

    public func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        evaluate(chain)
    }
}

extension KeyStrengthPolicy: ChainCheck {
    func violation(in chain: [Certificate]) -> CertificatePolicyError? {
        for certificate in chain {
            switch certificate.keyStrength {
            case .rsa(let bits) where bits < Self.minimumRSABits:
                return .weakKey(subject: certificate.subjectText, bits: bits)
            case .ec(_, let bits) where bits < 256:
                return .weakKey(subject: certificate.subjectText, bits: bits)
            case .rsa, .ec, .ed25519:
                continue
            case .other:
                return .weakKey(subject: certificate.subjectText, bits: 0)
            }
        }
        return nil
    }
}

import SwiftASN1
import X509

/// Every certificate below the trust anchor is signed with an allowed algorithm: RSA PKCS #1 v1.5 or ECDSA with
/// SHA-256/384/512, or Ed25519. SHA-1 and MD5 signatures are refused. The trust anchor's self-signature is not
/// checked: the anchor is trusted because the admin configured it, not because of its signature.
public struct SignatureAlgorithmPolicy: VerifierPolicy, Sendable {
    /// The signature algorithms accepted on certificates.
    public static let allowed: Set<Certificate.SignatureAlgorithm> = [
        .sha256WithRSAEncryption, .sha384WithRSAEncryption, .sha512WithRSAEncryption,
        .ecdsaWithSHA256, .ecdsaWithSHA384, .ecdsaWithSHA512, .ed25519,
    ]
    public let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = []

    /// Creates the check (it has no settings).
    public init() {}

    public func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        evaluate(chain)
    }
}

extension SignatureAlgorithmPolicy: ChainCheck {
    func violation(in chain: [Certificate]) -> CertificatePolicyError? {
        for certificate in chain.dropLast() where !Self.allowed.contains(certificate.signatureAlgorithm) {
            return .weakSignatureAlgorithm(subject: certificate.subjectText, oid: certificate.signatureAlgorithmOID)
        }
        return nil
    }
}

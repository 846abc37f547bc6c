import SwiftASN1
import X509

/// The leaf is fit to sign SAML messages: not a CA certificate, and digitalSignature in its keyUsage when it carries
/// that extension (a leaf without keyUsage is unrestricted, RFC 5280 §4.2.1.3).
public struct SigningCertificatePolicy: VerifierPolicy, Sendable {
    public let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.basicConstraints, .X509ExtensionID.keyUsage,
    ]

    /// Creates the check (it has no settings).
    public init() {}

    public func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        evaluate(chain)
    }
}

extension SigningCertificatePolicy: ChainCheck {
    func violation(in chain: [Certificate]) -> CertificatePolicyError? {
        guard let leaf = chain.first else { return nil }
        if leaf.isCertificateAuthority { return .signingCertificateIsCA(subject: leaf.subjectText) }
        let keyUsage: KeyUsage?
        do { keyUsage = try leaf.extensions.keyUsage } catch { return .missingDigitalSignature(subject: leaf.subjectText) }
        if let keyUsage, !keyUsage.digitalSignature { return .missingDigitalSignature(subject: leaf.subjectText) }
        return nil
    }
}

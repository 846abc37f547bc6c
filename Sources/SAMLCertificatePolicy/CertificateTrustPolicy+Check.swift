import Foundation
import SAML

/// Lets a `ServiceProvider` apply the policy inside `validate` (pass it as `signingCertificateCheck:`): a
/// rejection is the policy's ``CertificatePolicyError``; warnings need ``CertificateTrustPolicy/evaluate(_:identityProvider:at:)``.
///
/// Pinned mode rejects only a signing certificate that is not in the metadata (which `validate` already ensures):
/// it never rejects for dates, nor for a certificate swift-certificates cannot read (the core decides on keys).
extension CertificateTrustPolicy: SigningCertificateCheck {
    public func check(signingCertificate: SAMLCertificate, identityProvider: IdPMetadata, at now: Date) async throws {
        let metadataCertificates = identityProvider.signingCertificates + identityProvider.additionalCertificates
        switch self {
        case .pinned:
            guard metadataCertificates.contains(signingCertificate) else {
                let subject = CertificateProbe.subjectAndKey(signingCertificate.der)?.subject ?? "(unreadable certificate)"
                throw CertificatePolicyError.notPinned(subject: subject)
            }
        case .certificateAuthority:
            _ = try await evaluate(signingCertificate: signingCertificate, metadataCertificates: metadataCertificates, at: now)
        }
    }
}

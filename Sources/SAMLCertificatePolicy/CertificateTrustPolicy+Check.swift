import Foundation
import SAML

/// Lets a ``ServiceProvider`` apply the policy inside `validate` (pass it as `signingCertificateCheck:`): a
/// rejection is the policy's ``CertificatePolicyError``; warnings need ``CertificateTrustPolicy/evaluate(_:identityProvider:at:)``.
extension CertificateTrustPolicy: SigningCertificateCheck {
    public func check(signingCertificate: SAMLCertificate, identityProvider: IdPMetadata, at now: Date) async throws {
        _ = try await evaluate(signingCertificate: signingCertificate,
                               metadataCertificates: identityProvider.signingCertificates + identityProvider.additionalCertificates, at: now)
    }
}

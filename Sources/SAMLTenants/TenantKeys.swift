import Foundation
import SAML
import SwiftASN1
import X509
import _CryptoExtras

extension TenantKeyPair {
    /// A new RSA-2048 key pair with a self-signed certificate (SHA-256, ten years: a SAML metadata certificate is only
    /// a container for the key, its dates are not enforced by IdPs) whose subject names the tenant's SP.
    /// - Parameters:
    ///   - commonName: the subject's CN (the SP's entityID).
    ///   - now: the certificate's notBefore (an hour earlier, for clock skew at the IdP).
    public static func generate(commonName: String, now: Date) throws -> TenantKeyPair {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let privateKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName { CommonName(String(commonName.prefix(64))) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: privateKey.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            },
            issuerPrivateKey: privateKey)
        return TenantKeyPair(privateKeyPEM: key.pkcs8PEMRepresentation, certificatePEM: try certificate.serializeAsPEM().pemString, createdAt: now)
    }

    /// The key as the core's signing key.
    public func signingKey() throws -> SigningKey {
        try SigningKey(privateKeyPEM: privateKeyPEM, certificatePEM: certificatePEM)
    }

    /// The key as the core's decryption key.
    public func decryptionKey() throws -> DecryptionKey {
        try DecryptionKey(privateKeyPEM: privateKeyPEM, certificatePEM: certificatePEM)
    }
}

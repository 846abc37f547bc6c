import Foundation
import SAML

extension FixtureDirectory {
    /// The certificate `Fixtures/keys/<name>.crt`.
    /// - Parameter name: the file name without its extension, e.g. `"idp-rsa2048"`.
    /// - Throws: the file's read error, `SAMLError.invalidCertificate`.
    public func certificate(_ name: String) throws -> SAMLCertificate {
        try SAMLCertificate(pem: try text("keys/\(name).crt"))
    }

    /// The signing key `Fixtures/keys/<name>.key` with its certificate `<name>.crt`, as an IdP or SP signs with it.
    /// - Parameters:
    ///   - name: the file name without its extension, e.g. `"idp-rsa2048"`.
    ///   - algorithm: the signature algorithm; nil for the key's default (RSA-SHA256, ECDSA-SHA256).
    /// - Throws: the file's read error, `SAMLError.invalidKey`, `SAMLError.invalidCertificate`.
    public func signingKey(_ name: String, algorithm: SignatureAlgorithm? = nil) throws -> SigningKey {
        try SigningKey(privateKeyPEM: try text("keys/\(name).key"), certificatePEM: try text("keys/\(name).crt"), algorithm: algorithm)
    }

    /// The SP decryption key `Fixtures/keys/<name>.key` (an RSA key).
    /// - Parameter name: the file name without its extension, e.g. `"sp-enc-rsa2048"`.
    /// - Throws: the file's read error, `SAMLError.invalidKey`.
    public func decryptionKey(_ name: String) throws -> DecryptionKey {
        try DecryptionKey(privateKeyPEM: try text("keys/\(name).key"))
    }

    /// The IdP metadata a test trusts: `entityID` with the certificates `Fixtures/keys/<name>.crt`.
    /// - Parameters:
    ///   - entityID: the IdP's entityID.
    ///   - certificates: certificate file names without their extension.
    /// - Throws: the errors of ``certificate(_:)``.
    public func identityProvider(entityID: String, certificates: [String]) throws -> IdPMetadata {
        IdPMetadata(entityID: entityID, signingCertificates: try certificates.map(certificate))
    }

    /// Whether `../shared/corpus/manifest.json` exists beside the repository.
    public var corpusIsPresent: Bool {
        FileManager.default.fileExists(atPath: corpus.appendingPathComponent("manifest.json").path)
    }
}

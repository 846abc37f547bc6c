import SAML
import SwiftASN1
import X509

/// The certificate-authority requirement ("Require certificate signed by a certificate authority in Metadata"): the
/// trust anchors an admin configures, and extra intermediates.
///
/// There is deliberately no way to name certificates from a message's KeyInfo here: the signing certificate is always
/// one of the IdP metadata's, and the chain is built from the metadata's certificates plus ``intermediates``.
public struct CAPolicy: Sendable, Hashable {
    /// The certificates chains must end at.
    public let trustAnchors: [SAMLCertificate]
    /// Untrusted certificates offered for chain building, beside the metadata's own.
    public let intermediates: [SAMLCertificate]
    /// Whether the operating system's trust store also anchors chains (default `false`).
    public let includeSystemTrustRoots: Bool

    let anchorCertificates: [Certificate]
    let intermediateCertificates: [Certificate]

    /// Creates a CA policy from certificates.
    /// - Parameters:
    ///   - trustAnchors: the CA certificates to trust; at least one unless `includeSystemTrustRoots`.
    ///   - intermediates: untrusted certificates that may complete a chain.
    ///   - includeSystemTrustRoots: also trust the system store (swift-certificates' `CertificateStore.systemTrustRoots`).
    /// - Throws: ``CertificatePolicyError/noTrustAnchors``, ``CertificatePolicyError/invalidCertificate(detail:)``.
    public init(trustAnchors: [SAMLCertificate], intermediates: [SAMLCertificate] = [], includeSystemTrustRoots: Bool = false) throws {
        guard !trustAnchors.isEmpty || includeSystemTrustRoots else { throw CertificatePolicyError.noTrustAnchors }
        self.trustAnchors = trustAnchors
        self.intermediates = intermediates
        self.includeSystemTrustRoots = includeSystemTrustRoots
        self.anchorCertificates = try trustAnchors.map { try Certificate($0) }
        self.intermediateCertificates = try intermediates.map { try Certificate($0) }
    }

    /// From PEM bundles (any number of `CERTIFICATE` blocks each; other blocks are an error).
    /// - Parameters:
    ///   - trustAnchorsPEM: the anchors' PEM text.
    ///   - intermediatesPEM: untrusted intermediates' PEM text.
    ///   - includeSystemTrustRoots: also trust the system store.
    /// - Throws: ``CertificatePolicyError/noTrustAnchors``, ``CertificatePolicyError/invalidCertificate(detail:)``.
    public init(trustAnchorsPEM: String, intermediatesPEM: String = "", includeSystemTrustRoots: Bool = false) throws {
        try self.init(trustAnchors: try Self.certificates(inPEM: trustAnchorsPEM),
                      intermediates: try Self.certificates(inPEM: intermediatesPEM),
                      includeSystemTrustRoots: includeSystemTrustRoots)
    }

    /// Every `CERTIFICATE` block of a PEM bundle.
    /// - Parameters:
    ///   - pem: a PEM bundle; empty (or whitespace) for none.
    /// - Returns: the certificates in bundle order.
    /// - Throws: ``CertificatePolicyError/invalidCertificate(detail:)``.
    public static func certificates(inPEM pem: String) throws -> [SAMLCertificate] {
        guard pem.contains("-----BEGIN") else {
            guard pem.allSatisfy(\.isWhitespace) else { throw CertificatePolicyError.invalidCertificate(detail: "no PEM block found") }
            return []
        }
        let documents: [PEMDocument]
        do { documents = try PEMDocument.parseMultiple(pemString: pem) } catch {
            throw CertificatePolicyError.invalidCertificate(detail: String(describing: error))
        }
        return try documents.map { document in
            guard document.discriminator == "CERTIFICATE" else {
                throw CertificatePolicyError.invalidCertificate(detail: "unexpected PEM block \(document.discriminator)")
            }
            do { return try SAMLCertificate(der: document.derBytes) } catch {
                throw CertificatePolicyError.invalidCertificate(detail: String(describing: error))
            }
        }
    }

    public static func == (lhs: CAPolicy, rhs: CAPolicy) -> Bool {
        lhs.trustAnchors == rhs.trustAnchors && lhs.intermediates == rhs.intermediates && lhs.includeSystemTrustRoots == rhs.includeSystemTrustRoots
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(trustAnchors)
        hasher.combine(intermediates)
        hasher.combine(includeSystemTrustRoots)
    }
}

import Foundation
import SAML
import X509

/// What a ``CertificateTrustPolicy`` found: the accepted chain, every metadata certificate with its days to expiry,
/// and warnings the app should show its admins.
public struct CertificateReport: Sendable, Hashable {
    /// Which policy produced the report.
    public enum Mode: String, Sendable, Hashable, Codable {
        /// ``CertificateTrustPolicy/pinned``.
        case pinned
        /// ``CertificateTrustPolicy/certificateAuthority(_:)``.
        case certificateAuthority
    }

    /// Which policy produced the report.
    public let mode: Mode
    /// The instant the certificates were evaluated at.
    public let evaluatedAt: Date
    /// The certificate whose key verified the message (one of the metadata's).
    public let signingCertificate: CertificateSummary
    /// Pinned mode: the signing certificate alone. CA mode: the validated chain, signing certificate first, trust
    /// anchor last.
    public let chain: [CertificateSummary]
    /// Every usable certificate in the IdP's metadata, in metadata order, with its days to expiry (rollover planning).
    public let metadataCertificates: [CertificateSummary]
    /// Conditions accepted but worth an admin's attention.
    public let warnings: [CertificateWarning]

    /// The certificates (chain and metadata) that expire within `days` days of ``evaluatedAt``, soonest first.
    /// - Parameters:
    ///   - days: the horizon, in whole days (0: expiring on the evaluation day or already expired).
    public func expiring(withinDays days: Int) -> [CertificateSummary] {
        var seen: Set<SAMLCertificate> = []
        return (chain + metadataCertificates)
            .filter { seen.insert($0.certificate).inserted && $0.daysToExpiry <= days }
            .sorted { $0.notAfter < $1.notAfter }
    }
}

/// One certificate as the report shows it.
public struct CertificateSummary: Sendable, Hashable {
    /// The certificate itself.
    public let certificate: SAMLCertificate
    /// RFC 4514 subject, as swift-certificates prints it.
    public let subject: String
    /// RFC 4514 issuer, as swift-certificates prints it.
    public let issuer: String
    /// The serial number in hex, colon-separated.
    public let serialNumber: String
    /// Start of the validity window.
    public let notBefore: Date
    /// End of the validity window.
    public let notAfter: Date
    /// Whole days from the evaluation instant to notAfter, rounded down: 0 on the last day, negative once expired.
    public let daysToExpiry: Int
    /// Days from the evaluation instant to notBefore, rounded up (1 when it starts later today); nil once valid.
    public let daysUntilValid: Int?
    /// `RSA-2048`, `EC P-256`, `Ed25519`.
    public let publicKey: String
    /// Whether the certificate's issuer is its subject and its own key verifies its signature.
    public let isSelfSigned: Bool

    init(_ certificate: SAMLCertificate, parsed: Certificate, at now: Date) {
        self.certificate = certificate
        self.subject = parsed.subjectText
        self.issuer = String(describing: parsed.issuer)
        self.serialNumber = parsed.serialNumber.bytes.map { String(format: "%02x", $0) }.joined(separator: ":")
        self.notBefore = parsed.notValidBefore
        self.notAfter = parsed.notValidAfter
        self.daysToExpiry = Int((parsed.notValidAfter.timeIntervalSince(now) / 86_400).rounded(.down))
        self.daysUntilValid = now < parsed.notValidBefore ? Int((parsed.notValidBefore.timeIntervalSince(now) / 86_400).rounded(.up)) : nil
        self.publicKey = parsed.keyStrength.description
        self.isSelfSigned = parsed.isSelfSigned
    }
}

/// A condition the policy accepted but an admin should hear about.
public enum CertificateWarning: Sendable, Hashable {
    /// Pinned mode: the signing certificate is past its notAfter. The IdP must roll its key over; the metadata's key
    /// still speaks for it (Metadata Interoperability Profile §2.5.1), as Shibboleth and most SPs accept.
    case expiredPinnedCertificate(subject: String, notAfter: Date)
    /// Pinned mode: the signing certificate's notBefore is still ahead, by `daysUntilValid` days (rounded up). Its
    /// key is trusted all the same: the metadata, not the certificate, says which key the IdP uses.
    case notYetValidPinnedCertificate(subject: String, notBefore: Date, daysUntilValid: Int)
    /// A certificate of the metadata other than the signing one cannot be used (``CertificatePolicyError/weakKey(subject:bits:)``,
    /// ``CertificatePolicyError/invalidCertificate(detail:)``): it is left out of the report and of chain building.
    case unusableMetadataCertificate(CertificatePolicyError)
    /// Another certificate of the metadata (not the one that signed) has expired: stale rollover material.
    case expiredMetadataCertificate(subject: String, notAfter: Date)
}

extension CertificateSummary: CustomStringConvertible {
    /// `subject (RSA-2048, notAfter 2028-01-01T00:00:00Z, 395 days)`, for logs.
    public var description: String {
        "\(subject) (\(publicKey), notAfter \(notAfter.ISO8601Format()), \(daysToExpiry) days)"
    }
}

extension CertificateReport: CustomStringConvertible {
    /// The mode, the chain and the warnings on one line, for logs.
    public var description: String {
        let chainText = chain.map(\.description).joined(separator: " ← ")
        return "\(mode): \(chainText)" + (warnings.isEmpty ? "" : "; warnings: \(warnings)")
    }
}

extension CertificateWarning: CustomStringConvertible {
    /// The case name and what it means, on one line: `expiredPinnedCertificate: the signing certificate CN=… expired
    /// 2026-11-01T00:00:00Z; …`, `notYetValidPinnedCertificate: … is not yet valid: valid from …, in 31 days`.
    public var description: String {
        switch self {
        case .expiredPinnedCertificate(let subject, let notAfter):
            "expiredPinnedCertificate: the signing certificate \(subject) expired \(notAfter.ISO8601Format()); the IdP should roll its key over"
        case .notYetValidPinnedCertificate(let subject, let notBefore, let days):
            "notYetValidPinnedCertificate: the signing certificate \(subject) is not yet valid: valid from \(notBefore.ISO8601Format()), in \(days) days"
        case .unusableMetadataCertificate(let error):
            "unusableMetadataCertificate: \(error.code): \(error)"
        case .expiredMetadataCertificate(let subject, let notAfter):
            "expiredMetadataCertificate: the metadata certificate \(subject) expired \(notAfter.ISO8601Format())"
        }
    }
}

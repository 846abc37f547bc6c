import Foundation
import SAML
import SAMLCertificatePolicy
import Testing

@Suite("Pinned policy")
struct PinnedPolicyTests {
    let now = ChainFixtures.now
    let S = ChainFixtures.subject

    func idpCertificate() throws -> SAMLCertificate {
        try ChainFixtures.fixtures.certificate("idp-rsa2048")
    }

    @Test("A self-signed metadata certificate is accepted (Entra ID's kind)")
    func selfSigned() async throws {
        let certificate = try idpCertificate()
        let report = try await CertificateTrustPolicy.pinned.evaluate(signingCertificate: certificate, metadataCertificates: [certificate], at: now)
        #expect(report.mode == .pinned)
        #expect(report.chain.map(\.certificate) == [certificate])
        #expect(report.signingCertificate.isSelfSigned)
        #expect(report.signingCertificate.subject == "CN=Microsoft Azure Federated SSO Certificate")
        #expect(report.warnings == [])
    }

    @Test("A certificate that is not in the metadata is rejected")
    func notPinned() async throws {
        let signing = try ChainFixtures.certificate("leaf-depth1")
        await #expect(throws: CertificatePolicyError.notPinned(subject: S("idp.example.test depth 1"))) {
            try await CertificateTrustPolicy.pinned.evaluate(signingCertificate: signing, metadataCertificates: [try idpCertificate()], at: now)
        }
    }

    @Test("An expired pinned certificate is accepted with a warning (a metadata certificate is a key container)")
    func expiredAcceptedWithWarning() async throws {
        let signing = try ChainFixtures.certificate("leaf-expired")
        let report = try await CertificateTrustPolicy.pinned.evaluate(signingCertificate: signing, metadataCertificates: [signing], at: now)
        #expect(report.warnings == [.expiredPinnedCertificate(subject: S("idp.example.test expired"), notAfter: ChainFixtures.expiredLeafNotAfter)])
        #expect(report.signingCertificate.daysToExpiry == -31)  // 30.5 days past, rounded down
        #expect(report.signingCertificate.daysUntilValid == nil)
        #expect(report.warnings[0].description.hasPrefix("expiredPinnedCertificate: the signing certificate \(S("idp.example.test expired")) expired 2026-11-01T00:00:00Z"))
    }

    @Test("A pinned certificate that is not yet valid is accepted with a warning giving the days until valid")
    func notYetValidAcceptedWithWarning() async throws {
        let signing = try ChainFixtures.certificate("leaf-not-yet-valid")
        let report = try await CertificateTrustPolicy.pinned.evaluate(signingCertificate: signing, metadataCertificates: [signing], at: now)
        // 2026-12-01T12:00Z to 2027-01-01T00:00Z: 30.5 days, rounded up.
        #expect(report.warnings == [.notYetValidPinnedCertificate(subject: S("idp.example.test not yet valid"), notBefore: ChainFixtures.futureNotBefore, daysUntilValid: 31)])
        #expect(report.signingCertificate.daysUntilValid == 31)
        #expect(report.warnings[0].description.contains("valid from 2027-01-01T00:00:00Z, in 31 days"))
    }

    @Test("Pinned mode never rejects on dates inside validate either: the check only requires pinning")
    func checkIgnoresDatesAndKeySize() async throws {
        for name in ["leaf-expired", "leaf-not-yet-valid", "leaf-rsa1024"] {
            let signing = try ChainFixtures.certificate(name)
            let idp = IdPMetadata(entityID: ChainFixtures.idpEntityID, signingCertificates: [signing])
            try await CertificateTrustPolicy.pinned.check(signingCertificate: signing, identityProvider: idp, at: now)
        }
        let other = IdPMetadata(entityID: ChainFixtures.idpEntityID, signingCertificates: [try idpCertificate()])
        await #expect(throws: CertificatePolicyError.notPinned(subject: S("idp.example.test RSA-1024"))) {
            try await CertificateTrustPolicy.pinned.check(signingCertificate: try ChainFixtures.certificate("leaf-rsa1024"), identityProvider: other, at: now)
        }
    }

    @Test("An RSA-1024 pinned key cannot be reported (swift-certificates cannot load it); the key size is the core's check")
    func weakKeyCannotBeReported() async throws {
        let signing = try ChainFixtures.certificate("leaf-rsa1024")
        await #expect(throws: CertificatePolicyError.weakKey(subject: S("idp.example.test RSA-1024"), bits: 1024)) {
            try await CertificateTrustPolicy.pinned.evaluate(signingCertificate: signing, metadataCertificates: [signing], at: now)
        }
    }

    @Test("An unusable rollover certificate beside the signing one is a warning, not a rejection")
    func unusableRolloverCertificate() async throws {
        let current = try ChainFixtures.certificate("leaf-depth2")
        let weak = try ChainFixtures.certificate("leaf-rsa1024")
        let report = try await CertificateTrustPolicy.pinned.evaluate(signingCertificate: current, metadataCertificates: [weak, current], at: now)
        #expect(report.warnings == [.unusableMetadataCertificate(.weakKey(subject: S("idp.example.test RSA-1024"), bits: 1024))])
        #expect(report.metadataCertificates.map(\.subject) == [S("idp.example.test depth 2")])
    }

    @Test("Rollover: every metadata certificate is reported with its days to expiry; a stale one is flagged")
    func rollover() async throws {
        let current = try ChainFixtures.certificate("leaf-depth2")
        let stale = try ChainFixtures.certificate("leaf-expired")
        let next = try ChainFixtures.certificate("leaf-not-yet-valid")
        let report = try await CertificateTrustPolicy.pinned.evaluate(signingCertificate: current, metadataCertificates: [stale, current, next], at: now)
        #expect(report.metadataCertificates.map(\.daysToExpiry) == [-31, 395, 761])
        #expect(report.warnings == [.expiredMetadataCertificate(subject: S("idp.example.test expired"), notAfter: ChainFixtures.expiredLeafNotAfter)])
        #expect(report.expiring(withinDays: 400).map(\.subject) == [S("idp.example.test expired"), S("idp.example.test depth 2")])
        #expect(report.expiring(withinDays: 0).map(\.subject) == [S("idp.example.test expired")])
    }
}

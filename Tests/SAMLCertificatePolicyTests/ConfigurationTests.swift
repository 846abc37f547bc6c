import Foundation
import SAML
import SAMLCertificatePolicy
import Testing

@Suite("CA policy configuration")
struct ConfigurationTests {
    @Test("A CA policy with nothing to trust is refused")
    func noAnchors() {
        #expect(throws: CertificatePolicyError.noTrustAnchors) { try CAPolicy(trustAnchors: []) }
        #expect(throws: CertificatePolicyError.noTrustAnchors) { try CAPolicy(trustAnchorsPEM: "") }
        #expect(throws: CertificatePolicyError.noTrustAnchors) { try CAPolicy(trustAnchorsPEM: "\n  \n") }
    }

    @Test("PEM bundles: every CERTIFICATE block, and nothing else")
    func pemBundles() throws {
        let two = try CAPolicy(trustAnchorsPEM: try ChainFixtures.text("chains/anchors-a-b.pem"),
                               intermediatesPEM: try ChainFixtures.text("chains/intermediates-a.pem"))
        #expect(two.trustAnchors == (try ChainFixtures.certificates(["root-a", "root-b"])))
        #expect(two.intermediates == (try ChainFixtures.certificates(["int-a1", "int-a2"])))
        #expect(throws: CertificatePolicyError.invalidCertificate(detail: "no PEM block found")) { try CAPolicy(trustAnchorsPEM: "root-a.crt") }
        let key = try ChainFixtures.text("chains/root-b.key")
        #expect(throws: CertificatePolicyError.invalidCertificate(detail: "unexpected PEM block PRIVATE KEY")) {
            try CAPolicy(trustAnchorsPEM: try ChainFixtures.text("chains/root-a.crt") + key)
        }
    }

    @Test("The system store alone does not trust the fixtures' private CA")
    func systemStore() async throws {
        let policy = CertificateTrustPolicy.certificateAuthority(try CAPolicy(trustAnchors: [], includeSystemTrustRoots: true))
        let signing = try ChainFixtures.certificate("leaf-depth1")
        await #expect(throws: CertificatePolicyError.noPathToTrustAnchor(subject: ChainFixtures.subject("idp.example.test depth 1"))) {
            try await policy.evaluate(signingCertificate: signing, metadataCertificates: [signing], at: ChainFixtures.now)
        }
    }

    @Test("Error codes name the case")
    func codes() {
        #expect(CertificatePolicyError.noTrustAnchors.code == "noTrustAnchors")
        #expect(CertificatePolicyError.weakKey(subject: "CN=x", bits: 1024).code == "weakKey")
    }
}

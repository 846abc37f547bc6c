import Foundation
import SAML
import SAMLCertificatePolicy
import SAMLTesting

/// Loads `Fixtures/chains/` (made by Fixtures/scripts/make_chains.sh) by walking up from this file.
enum ChainFixtures {
    static let fixtures: FixtureDirectory = {
        guard let fixtures = FixtureDirectory(from: #filePath) else { fatalError("Fixtures/ not found above \(#filePath)") }
        return fixtures
    }()

    static let now = date("2026-12-01T12:00:00Z")
    static let idpEntityID = "https://sts.windows.net/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/"
    static let spEntityID = "https://app.example.test/saml/metadata"
    static let acsURL = "https://app.example.test/saml/acs"
    static let requestID = "_a8f3c2e1d0b9a8f7e6d5c4b3a2f1e0d9c"

    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func text(_ relative: String) throws -> String { try fixtures.text(relative) }

    /// `Fixtures/chains/<name>.crt`.
    static func certificate(_ name: String) throws -> SAMLCertificate {
        try SAMLCertificate(pem: try text("chains/\(name).crt"))
    }

    static func certificates(_ names: [String]) throws -> [SAMLCertificate] { try names.map(certificate) }

    /// The CA policy trusting `anchors-a.pem` (Root CA A), with optional extra intermediates.
    static func rootA(intermediates: [String] = []) throws -> CAPolicy {
        try CAPolicy(trustAnchors: [certificate("root-a")], intermediates: certificates(intermediates))
    }

    /// The subject swift-certificates prints for a fixture certificate with this CN.
    static func subject(_ cn: String) -> String { "CN=\(cn),O=swift-saml fixtures" }

    // Validity windows fixed by make_chains.sh.
    static let leafNotAfter = date("2028-01-01T00:00:00Z")
    static let expiredLeafNotAfter = date("2026-11-01T00:00:00Z")
    static let expiredIntermediateNotAfter = date("2026-06-01T00:00:00Z")
    static let futureNotBefore = date("2027-01-01T00:00:00Z")
}

import Foundation
import SAML
import SAMLCertificatePolicy
import Testing

/// Responses signed by chain leaves (Fixtures/chains/response-*.xml), validated by ServiceProvider with the leaf
/// pinned as the IdP's metadata certificate, then judged by the certificate policy.
@Suite("End to end through ServiceProvider")
struct EndToEndTests {
    let S = ChainFixtures.subject

    func serviceProvider(pinning names: [String]) throws -> (ServiceProvider, IdPMetadata) {
        let idp = IdPMetadata(entityID: ChainFixtures.idpEntityID, signingCertificates: try ChainFixtures.certificates(names))
        let sp = try ServiceProvider(entityID: ChainFixtures.spEntityID, assertionConsumerServiceURLs: [ChainFixtures.acsURL],
                                     identityProviders: [idp], clock: FixedClock(ChainFixtures.now))
        return (sp, idp)
    }

    func validate(_ response: String, pinning names: [String]) async throws -> (VerifiedAssertion, IdPMetadata) {
        let (sp, idp) = try serviceProvider(pinning: names)
        let xml = Array(try ChainFixtures.text("chains/\(response).xml").utf8)
        return (try await sp.validate(responseXML: xml, expectedRequestID: ChainFixtures.requestID), idp)
    }

    @Test("A response signed by a depth-2 leaf passes the CA policy, the intermediate coming from the metadata")
    func validChainFromMetadata() async throws {
        let (assertion, idp) = try await validate("response-leaf-depth2", pinning: ["leaf-depth2", "int-a1"])
        #expect(assertion.signingCertificate == (try ChainFixtures.certificate("leaf-depth2")))
        let policy = CertificateTrustPolicy.certificateAuthority(try CAPolicy(trustAnchorsPEM: try ChainFixtures.text("chains/anchors-a.pem")))
        let report = try await policy.evaluate(assertion, identityProvider: idp, at: ChainFixtures.now)
        #expect(report.chain.map(\.subject) == [S("idp.example.test depth 2"), S("swift-saml Intermediate A1"), S("swift-saml Root CA A")])
        #expect(report.signingCertificate.daysToExpiry == 395)
    }

    @Test("The same response with the intermediate from a configured bundle")
    func validChainFromBundle() async throws {
        let (assertion, idp) = try await validate("response-leaf-depth2", pinning: ["leaf-depth2"])
        let policy = CertificateTrustPolicy.certificateAuthority(
            try CAPolicy(trustAnchorsPEM: try ChainFixtures.text("chains/anchors-a.pem"), intermediatesPEM: try ChainFixtures.text("chains/intermediates-a.pem")))
        let report = try await policy.evaluate(assertion, identityProvider: idp, at: ChainFixtures.now)
        #expect(report.chain.count == 3)
        // Pinned mode accepts it too, reporting the leaf alone.
        let pinned = try await CertificateTrustPolicy.pinned.evaluate(assertion, identityProvider: idp, at: ChainFixtures.now)
        #expect(pinned.chain.map(\.subject) == [S("idp.example.test depth 2")])
    }

    @Test("A pinned leaf of an untrusted CA passes ServiceProvider and pinning, and fails the CA policy")
    func otherCA() async throws {
        let (assertion, idp) = try await validate("response-leaf-other-ca", pinning: ["leaf-other-ca"])
        _ = try await CertificateTrustPolicy.pinned.evaluate(assertion, identityProvider: idp, at: ChainFixtures.now)
        let policy = CertificateTrustPolicy.certificateAuthority(try ChainFixtures.rootA(intermediates: ["int-a1"]))
        await #expect(throws: CertificatePolicyError.noPathToTrustAnchor(subject: S("idp.example.test from CA B"))) {
            try await policy.evaluate(assertion, identityProvider: idp, at: ChainFixtures.now)
        }
    }

    @Test("An expired pinned leaf: a warning in pinned mode, a rejection in CA mode")
    func expiredLeaf() async throws {
        let (assertion, idp) = try await validate("response-leaf-expired", pinning: ["leaf-expired", "int-a1"])
        let pinned = try await CertificateTrustPolicy.pinned.evaluate(assertion, identityProvider: idp, at: ChainFixtures.now)
        #expect(pinned.warnings == [.expiredPinnedCertificate(subject: S("idp.example.test expired"), notAfter: ChainFixtures.expiredLeafNotAfter)])
        let policy = CertificateTrustPolicy.certificateAuthority(try ChainFixtures.rootA())
        await #expect(throws: CertificatePolicyError.expired(subject: S("idp.example.test expired"), notAfter: ChainFixtures.expiredLeafNotAfter, now: ChainFixtures.now)) {
            try await policy.evaluate(assertion, identityProvider: idp, at: ChainFixtures.now)
        }
    }

    @Test("A CA-issued certificate that is not in the metadata never verifies: ServiceProvider rejects the response")
    func keyInfoCertificateIsNotTrusted() async throws {
        // leaf-depth2 chains to Root CA A, and the response carries it in KeyInfo; the metadata pins leaf-depth3 of
        // the same CA. Trusting the CA never means trusting the message's KeyInfo.
        await #expect(throws: SAMLError.signatureInvalid) {
            _ = try await validate("response-leaf-depth2", pinning: ["leaf-depth3"])
        }
    }

    @Test("Inside validate: the policy as the ServiceProvider's signingCertificateCheck")
    func hookInsideValidate() async throws {
        func serviceProvider(_ policy: CertificateTrustPolicy) throws -> ServiceProvider {
            let idp = IdPMetadata(entityID: ChainFixtures.idpEntityID, signingCertificates: try ChainFixtures.certificates(["leaf-other-ca"]))
            return try ServiceProvider(entityID: ChainFixtures.spEntityID, assertionConsumerServiceURLs: [ChainFixtures.acsURL],
                                       identityProviders: [idp], clock: FixedClock(ChainFixtures.now), signingCertificateCheck: policy)
        }
        let xml = Array(try ChainFixtures.text("chains/response-leaf-other-ca.xml").utf8)
        _ = try await serviceProvider(.pinned).validate(responseXML: xml, expectedRequestID: ChainFixtures.requestID)
        let strict = try serviceProvider(.certificateAuthority(try ChainFixtures.rootA(intermediates: ["int-a1"])))
        await #expect(throws: CertificatePolicyError.noPathToTrustAnchor(subject: S("idp.example.test from CA B"))) {
            _ = try await strict.validate(responseXML: xml, expectedRequestID: ChainFixtures.requestID)
        }
        // Rejected before the replay cache recorded it: the same SP accepts nothing and remembers nothing.
        await #expect(throws: CertificatePolicyError.noPathToTrustAnchor(subject: S("idp.example.test from CA B"))) {
            _ = try await strict.validate(responseXML: xml, expectedRequestID: ChainFixtures.requestID)
        }
    }
}

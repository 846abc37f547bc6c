import Foundation
import SAML
import SAMLCertificatePolicy
import Testing

/// One signing certificate evaluated under the CA policy trusting Root CA A: the metadata's certificates (the
/// signing one first), the configured intermediates, and the verdict.
struct ChainCase: CustomTestStringConvertible, Sendable {
    let name: String
    let signing: String
    var metadata: [String] = []
    var intermediates: [String] = []
    let expected: Result<[String], CertificatePolicyError>
    var testDescription: String { name }

    static let S = ChainFixtures.subject
    static let rootA = S("swift-saml Root CA A")
    static let intA1 = S("swift-saml Intermediate A1")
    static let intA2 = S("swift-saml Intermediate A2")
    static let now = ChainFixtures.now

    static let accepted: [ChainCase] = [
        ChainCase(name: "depth 1: leaf issued by the anchor", signing: "leaf-depth1",
                  expected: .success([S("idp.example.test depth 1"), rootA])),
        ChainCase(name: "depth 2: intermediate from the metadata's certificates", signing: "leaf-depth2", metadata: ["int-a1"],
                  expected: .success([S("idp.example.test depth 2"), intA1, rootA])),
        ChainCase(name: "depth 2: intermediate from the configured bundle", signing: "leaf-depth2", intermediates: ["int-a1"],
                  expected: .success([S("idp.example.test depth 2"), intA1, rootA])),
        ChainCase(name: "depth 3: two intermediates, from metadata and bundle", signing: "leaf-depth3", metadata: ["int-a2"], intermediates: ["int-a1"],
                  expected: .success([S("idp.example.test depth 3"), intA2, intA1, rootA])),
        ChainCase(name: "ECDSA P-256 leaf", signing: "leaf-ec256", intermediates: ["int-a1"],
                  expected: .success([S("idp.example.test ECDSA P-256"), intA1, rootA])),
    ]

    static let rejected: [ChainCase] = [
        ChainCase(name: "expired leaf", signing: "leaf-expired", intermediates: ["int-a1"],
                  expected: .failure(.expired(subject: S("idp.example.test expired"), notAfter: ChainFixtures.expiredLeafNotAfter, now: now))),
        ChainCase(name: "expired intermediate", signing: "leaf-under-expired-int", intermediates: ["int-expired"],
                  expected: .failure(.expired(subject: S("swift-saml Intermediate expired"), notAfter: ChainFixtures.expiredIntermediateNotAfter, now: now))),
        ChainCase(name: "leaf not yet valid", signing: "leaf-not-yet-valid", intermediates: ["int-a1"],
                  expected: .failure(.notYetValid(subject: S("idp.example.test not yet valid"), notBefore: ChainFixtures.futureNotBefore, now: now))),
        ChainCase(name: "CA without keyCertSign", signing: "leaf-under-no-certsign", intermediates: ["int-no-certsign"],
                  expected: .failure(.missingKeyCertSign(subject: S("swift-saml Intermediate without keyCertSign")))),
        ChainCase(name: "issuer without basicConstraints CA", signing: "leaf-under-not-ca", intermediates: ["int-not-ca"],
                  expected: .failure(.notACertificateAuthority(subject: S("swift-saml Intermediate not a CA")))),
        ChainCase(name: "leaf without digitalSignature", signing: "leaf-no-digitalsignature", intermediates: ["int-a1"],
                  expected: .failure(.missingDigitalSignature(subject: S("idp.example.test no digitalSignature")))),
        ChainCase(name: "RSA-1024 leaf", signing: "leaf-rsa1024", intermediates: ["int-a1"],
                  expected: .failure(.weakKey(subject: S("idp.example.test RSA-1024"), bits: 1024))),
        ChainCase(name: "SHA-1-signed intermediate", signing: "leaf-under-sha1-int", intermediates: ["int-sha1"],
                  expected: .failure(.weakSignatureAlgorithm(subject: S("swift-saml Intermediate SHA-1"), oid: "1.2.840.113549.1.1.5"))),
        ChainCase(name: "self-signed leaf", signing: "leaf-selfsigned",
                  expected: .failure(.selfSignedLeafInCAMode(subject: S("idp.example.test self-signed")))),
        ChainCase(name: "self-signed leaf even when configured as an anchor", signing: "leaf-selfsigned", intermediates: ["leaf-selfsigned"],
                  expected: .failure(.selfSignedLeafInCAMode(subject: S("idp.example.test self-signed")))),
        ChainCase(name: "leaf from another CA", signing: "leaf-other-ca",
                  expected: .failure(.noPathToTrustAnchor(subject: S("idp.example.test from CA B")))),
        ChainCase(name: "missing intermediate", signing: "leaf-depth2",
                  expected: .failure(.noPathToTrustAnchor(subject: S("idp.example.test depth 2")))),
        ChainCase(name: "depth 3 with only the lower intermediate", signing: "leaf-depth3", metadata: ["int-a2"],
                  expected: .failure(.noPathToTrustAnchor(subject: S("idp.example.test depth 3")))),
        ChainCase(name: "signing certificate is itself a CA", signing: "int-a1",
                  expected: .failure(.signingCertificateIsCA(subject: intA1))),
        ChainCase(name: "signing certificate is the trust anchor", signing: "root-a",
                  expected: .failure(.selfSignedLeafInCAMode(subject: rootA))),
    ]
}

@Suite("CA policy")
struct CAPolicyTests {
    func evaluate(_ c: ChainCase) async throws -> CertificateReport {
        let signing = try ChainFixtures.certificate(c.signing)
        let policy = CertificateTrustPolicy.certificateAuthority(try ChainFixtures.rootA(intermediates: c.intermediates))
        return try await policy.evaluate(signingCertificate: signing,
                                         metadataCertificates: [signing] + ChainFixtures.certificates(c.metadata), at: ChainFixtures.now)
    }

    @Test(arguments: ChainCase.accepted)
    func accepts(_ c: ChainCase) async throws {
        let report = try await evaluate(c)
        #expect(report.mode == .certificateAuthority)
        #expect(try report.chain.map(\.subject) == c.expected.get())
        #expect(report.signingCertificate.certificate == (try ChainFixtures.certificate(c.signing)))
        #expect(report.warnings == [])
    }

    @Test(arguments: ChainCase.rejected)
    func rejects(_ c: ChainCase) async throws {
        guard case .failure(let expected) = c.expected else { Issue.record("not a rejection case"); return }
        await #expect(throws: expected) { try await evaluate(c) }
    }

    @Test("A failure only RFC5280Policy names (path length) is chainUntrusted with swift-certificates' reason")
    func pathLength() async throws {
        let c = ChainCase(name: "path length", signing: "leaf-under-pathlen0", intermediates: ["int-under-pathlen0", "int-pathlen0"],
                          expected: .success([]))
        do {
            _ = try await evaluate(c)
            Issue.record("a chain through a pathlen:0 CA and a sub-CA was accepted")
        } catch let error as CertificatePolicyError {
            // The reason prints the whole certificate, key identifiers included, which change with every
            // make_chains.sh run: the stable head and tail are asserted.
            guard case .chainUntrusted(let reason) = error else { Issue.record("expected chainUntrusted, got \(error)"); return }
            #expect(reason.hasPrefix("RFC5280Policy: CA Certificate(version: X509v3, serialNumber: 8, issuer: \"CN=swift-saml Root CA A,O=swift-saml fixtures\", subject: \"CN=swift-saml Intermediate pathlen 0,O=swift-saml fixtures\""))
            #expect(reason.hasSuffix("has maximum path length 0, but chain has 1 subCAs"))
        }
    }

    @Test("A leaf from CA B is accepted once CA B is an anchor (the anchors decide, not the leaf)")
    func anchorsDecide() async throws {
        let signing = try ChainFixtures.certificate("leaf-other-ca")
        let policy = CertificateTrustPolicy.certificateAuthority(try CAPolicy(trustAnchorsPEM: try ChainFixtures.text("chains/anchors-a-b.pem")))
        let report = try await policy.evaluate(signingCertificate: signing, metadataCertificates: [signing], at: ChainFixtures.now)
        #expect(report.chain.map(\.subject) == [ChainFixtures.subject("idp.example.test from CA B"), ChainFixtures.subject("swift-saml Root CA B")])
    }

    @Test("CA mode never accepts a certificate that is not in the metadata, however well it chains")
    func caModeStillPins() async throws {
        let policy = CertificateTrustPolicy.certificateAuthority(try ChainFixtures.rootA(intermediates: ["int-a1"]))
        let signing = try ChainFixtures.certificate("leaf-depth2")
        await #expect(throws: CertificatePolicyError.notPinned(subject: ChainFixtures.subject("idp.example.test depth 2"))) {
            try await policy.evaluate(signingCertificate: signing, metadataCertificates: ChainFixtures.certificates(["leaf-depth1", "int-a1"]),
                                      at: ChainFixtures.now)
        }
    }

    @Test("More than four distinct CA certificates in the metadata are refused before any path search")
    func tooManyMetadataIntermediates() async throws {
        let policy = CertificateTrustPolicy.certificateAuthority(try ChainFixtures.rootA())
        let signing = try ChainFixtures.certificate("leaf-depth2")
        // Rollover (non-CA) certificates and duplicates do not count.
        let cas = ["int-a1", "int-a2", "int-pathlen0", "int-sha1", "root-b"]
        let metadata = try ChainFixtures.certificates(["leaf-depth2", "leaf-depth1"] + cas + ["int-a1"])
        await #expect(throws: CertificatePolicyError.tooManyIntermediates(count: 5, limit: 4)) {
            try await policy.evaluate(signingCertificate: signing, metadataCertificates: metadata, at: ChainFixtures.now)
        }
        // Four are searched (this chain needs one of them: leaf, intermediate, root).
        let four = try ChainFixtures.certificates(["leaf-depth2", "leaf-depth1"] + cas.prefix(4) + ["int-a1"])
        let report = try await policy.evaluate(signingCertificate: signing, metadataCertificates: four, at: ChainFixtures.now)
        #expect(report.chain.count == 3)
    }

    @Test("Validity is read at the given instant, not the system time")
    func validityAtInstant() async throws {
        let policy = CertificateTrustPolicy.certificateAuthority(try ChainFixtures.rootA(intermediates: ["int-a1"]))
        let expired = try ChainFixtures.certificate("leaf-expired")
        // On 2026-10-01 the expired leaf was still valid.
        let october = ChainFixtures.date("2026-10-01T12:00:00Z")
        let report = try await policy.evaluate(signingCertificate: expired, metadataCertificates: [expired], at: october)
        #expect(report.chain.count == 3)
        #expect(report.signingCertificate.daysToExpiry == 30)
        // And the future one is valid in 2027.
        let future = try ChainFixtures.certificate("leaf-not-yet-valid")
        let later = ChainFixtures.date("2027-06-01T00:00:00Z")
        #expect(try await policy.evaluate(signingCertificate: future, metadataCertificates: [future], at: later).chain.count == 3)
    }

    @Test("The report lists each chain certificate with its days to expiry")
    func reportDays() async throws {
        let report = try await evaluate(ChainCase.accepted[1])
        #expect(report.chain.map(\.daysToExpiry) == [395, 2952, 4778])  // 2028-01-01, 2035-01-01, 2040-01-01 from NOW
        #expect(report.chain.map(\.publicKey) == ["RSA-2048", "RSA-2048", "RSA-3072"])
        #expect(report.chain.map(\.isSelfSigned) == [false, false, true])
        #expect(report.chain[0].serialNumber == "10:00")
        #expect(report.chain[0].issuer == ChainCase.intA1)
        #expect(report.metadataCertificates.map(\.subject) == [ChainFixtures.subject("idp.example.test depth 2"), ChainCase.intA1])
    }

    @Test("An ECDSA key is described by its curve")
    func ecKey() async throws {
        let report = try await evaluate(ChainCase.accepted[4])
        #expect(report.signingCertificate.publicKey == "EC P-256")
    }
}

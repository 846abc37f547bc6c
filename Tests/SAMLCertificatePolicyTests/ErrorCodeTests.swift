import Foundation
import SAML
import SAMLCertificatePolicy
import Testing

/// ``CertificatePolicyError/code`` and ``CertificatePolicyError/fault`` over one value of every case (the list is
/// guarded as in SAMLTests' `SAMLErrorCodeTests`: `ordinal` has no `default`).
@Suite("CertificatePolicyError codes and faults")
struct CertificatePolicyErrorCodeTests {
    static let t = Date(timeIntervalSince1970: 1_700_000_000)
    static let oneOfEachCase: [CertificatePolicyError] = [
        .noTrustAnchors,
        .invalidCertificate(detail: "x"),
        .notPinned(subject: "CN=x"),
        .selfSignedLeafInCAMode(subject: "CN=x"),
        .signingCertificateIsCA(subject: "CN=x"),
        .noPathToTrustAnchor(subject: "CN=x"),
        .chainUntrusted(reason: "x"),
        .tooManyIntermediates(count: 2, limit: 1),
        .expired(subject: "CN=x", notAfter: t, now: t),
        .notYetValid(subject: "CN=x", notBefore: t, now: t),
        .notACertificateAuthority(subject: "CN=x"),
        .missingKeyCertSign(subject: "CN=x"),
        .missingDigitalSignature(subject: "CN=x"),
        .weakKey(subject: "CN=x", bits: 1024),
        .weakSignatureAlgorithm(subject: "CN=x", oid: "1.2.840.113549.1.1.5"),
    ]

    static func ordinal(_ error: CertificatePolicyError) -> Int {
        switch error {
        case .noTrustAnchors: 0
        case .invalidCertificate: 1
        case .notPinned: 2
        case .selfSignedLeafInCAMode: 3
        case .signingCertificateIsCA: 4
        case .noPathToTrustAnchor: 5
        case .chainUntrusted: 6
        case .tooManyIntermediates: 7
        case .expired: 8
        case .notYetValid: 9
        case .notACertificateAuthority: 10
        case .missingKeyCertSign: 11
        case .missingDigitalSignature: 12
        case .weakKey: 13
        case .weakSignatureAlgorithm: 14
        }
    }

    @Test("The list holds exactly one value of every case, in declaration order")
    func listCoversEveryCase() {
        #expect(Self.oneOfEachCase.map(Self.ordinal) == Array(Self.oneOfEachCase.indices))
    }

    @Test("Every case has a non-empty code that is its name", arguments: oneOfEachCase)
    func codeIsTheCaseName(_ error: CertificatePolicyError) {
        let text = String(describing: error)
        #expect(!error.code.isEmpty)
        #expect(error.code == (text.firstIndex(of: "(").map { String(text[..<$0]) } ?? text))
    }

    @Test("Codes are distinct")
    func codesAreDistinct() {
        let codes = Self.oneOfEachCase.map(\.code)
        #expect(Set(codes).count == codes.count)
    }

    @Test("A refused signing certificate is the client's fault; an unusable policy or metadata the server's",
          arguments: oneOfEachCase)
    func fault(_ error: CertificatePolicyError) {
        let server: Set<String> = ["noTrustAnchors", "invalidCertificate", "tooManyIntermediates"]
        #expect(error.fault == (server.contains(error.code) ? .server : .client))
    }
}

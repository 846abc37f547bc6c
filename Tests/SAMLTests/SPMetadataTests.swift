import Foundation
import Testing
@testable import SAML

@Suite("SP metadata generation")
struct SPMetadataTests {
    static func metadata() throws -> SPMetadata {
        SPMetadata(entityID: "https://app.example.test/saml/metadata?tenant=a&b=<c>",
                   assertionConsumerServices: [IndexedEndpoint(binding: .httpPOST, location: Fixtures.acsURL, index: 0, isDefault: true),
                                               IndexedEndpoint(binding: .httpArtifact, location: "https://app.example.test/saml/artifact", index: 1)],
                   singleLogoutServices: [Endpoint(binding: .httpRedirect, location: "https://app.example.test/saml/slo")],
                   authnRequestsSigned: true, wantAssertionsSigned: true,
                   signingCertificates: [try Fixtures.certificate("sp-rsa2048")],
                   encryptionCertificates: [try Fixtures.certificate("sp-enc-rsa2048")],
                   nameIDFormats: [.emailAddress, .persistent],
                   validUntil: XSDateTime.parseOrNil("2027-06-30T00:00:00Z"))
    }

    @Test func roundTripsThroughTheParser() throws {
        let original = try Self.metadata()
        let parsed = try SPMetadata(xml: try original.xml())
        #expect(parsed == original)
        #expect(parsed.defaultAssertionConsumerService?.location == Fixtures.acsURL)
    }

    @Test func signedRoundTripsAndVerifiesWithOurVerifier() throws {
        let key = try Fixtures.signingKey("sp-rsa2048")
        let xml = try Self.metadata().xml(signedWith: key)
        #expect(try SPMetadata(xml: xml) == (try Self.metadata()))
        let doc = try ParsedXML.parse(Array(xml.utf8), limits: .metadata)
        // The Signature is the first child (schema order).
        #expect(doc.withRoot { XMLTree.firstElementChild($0).map(XMLTree.localName) } == "Signature")
        #expect(try MetadataSignature.verify(Array(xml.utf8), trusting: [Fixtures.certificate("sp-rsa2048")]) == (try Fixtures.certificate("sp-rsa2048")))
        #expect(throws: SAMLError.signatureInvalid) {
            try MetadataSignature.verify(Array(xml.utf8), trusting: [Fixtures.certificate("attacker-rsa2048")])
        }
        #expect(throws: SAMLError.signatureMissing(.metadata)) {
            try MetadataSignature.verify(Array(try Self.metadata().xml().utf8), trusting: [Fixtures.certificate("sp-rsa2048")])
        }
        // One changed byte inside the signed content.
        let tampered = xml.replacingOccurrences(of: "saml/slo", with: "saml/sl0")
        #expect(throws: SAMLError.digestMismatch) {
            try MetadataSignature.verify(Array(tampered.utf8), trusting: [Fixtures.certificate("sp-rsa2048")])
        }
    }

    @Test(.enabled(if: Tools.available("xmlsec1"), "xmlsec1 is the independent verifier; skipped without it, fails in CI"))
    func signedVerifiesWithXmlsec1() throws {
        let xml = try Self.metadata().xml(signedWith: Fixtures.signingKey("sp-rsa2048"))
        let file = try Tools.temporaryFile(Array(xml.utf8))
        func verify(_ cert: String) throws -> Int32 {
            try Tools.run("xmlsec1", ["--verify", "--enabled-key-data", "raw-x509-cert", "--pubkey-cert-pem", Fixtures.url("keys/\(cert).crt").path,
                                      "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor", file.path]).status
        }
        #expect(try verify("sp-rsa2048") == 0)
        #expect(try verify("attacker-rsa2048") != 0)
    }

    @Test func refusesNonHTTPEndpoints() throws {
        var metadata = try Self.metadata()
        metadata.assertionConsumerServices[0].location = "javascript:alert(1)"
        #expect(throws: SAMLError.invalidEndpointURL("javascript:alert(1)")) { _ = try metadata.xml() }
    }

    @Test(.enabled(if: Tools.available("xmlsec1") && Tools.pysaml2Available,
                   "pysaml2 (with xmlsec1) is the independent reader; skipped without them, fails in CI"))
    func pysaml2LoadsOurMetadata() throws {
        try #require(Tools.debianPythonHasPysaml2, "pysaml2 (python3-pysaml2) is needed; .ci/run installs it")
        let xml = try Self.metadata().xml(signedWith: Fixtures.signingKey("sp-rsa2048"))
        let file = try Tools.temporaryFile(Array(xml.utf8))
        let script = """
        import sys
        from saml2.mdstore import MetadataStore
        from saml2 import config
        c = config.Config(); c.load({"entityid": "x", "xmlsec_binary": "/usr/bin/xmlsec1", "metadata": {"local": [sys.argv[1]]}})
        md = c.metadata
        eid = "https://app.example.test/saml/metadata?tenant=a&b=<c>"
        acs = md.assertion_consumer_service(eid, "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
        print(acs[0]["location"], len(md.certs(eid, "any", "signing")), len(md.certs(eid, "any", "encryption")))
        """
        let result = try Tools.run("/usr/bin/python3", ["-c", script, file.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(Fixtures.acsURL) 1 1")
    }
}

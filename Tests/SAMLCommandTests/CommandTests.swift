import Foundation
import Testing
@testable import SAML
import SAMLTesting

/// The `saml` tool as a black box: its exit codes, its JSON and its one-line errors.
@Suite("saml command line")
struct CommandTests {
    /// The repository root (the tool runs there, so fixture paths are relative to it), found by SAMLTesting's locator.
    static let fixtures: FixtureDirectory = {
        guard let fixtures = FixtureDirectory(from: #filePath) else { fatalError("Fixtures/ not found above \(#filePath)") }
        return fixtures
    }()
    static var root: URL { fixtures.repositoryRoot }

    static let binary: String = {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("saml").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return root.appendingPathComponent(".build/debug/saml").path
    }()

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:] }
    }

    static func saml(_ arguments: [String], stdin: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = root
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func key(_ name: String) -> String { "Fixtures/keys/\(name)" }
    static let idpEntityID = "https://sts.windows.net/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/"
    static let spEntityID = "https://app.example.test/saml/metadata"
    static let acs = "https://app.example.test/saml/acs"

    static func certificate(_ name: String) throws -> SAMLCertificate { try fixtures.certificate(name) }

    static func idpMetadata(doctype: Bool = false, certificate: SAMLCertificate? = nil) throws -> String {
        (doctype ? "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" : "")
            + "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"\(idpEntityID)\">"
            + "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\" WantAuthnRequestsSigned=\"true\">"
            + "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(try (certificate ?? Self.certificate("idp-rsa2048")).base64)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
            + "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://login.example.test/slo\"/>"
            + "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"
            + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://login.example.test/sso\"/>"
            + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://login.example.test/sso\"/>"
            + "</md:IDPSSODescriptor></md:EntityDescriptor>"
    }

    static func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("saml-cli-\(UUID().uuidString).xml")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// A response signed (at the Response) by our own signer with the IdP's key, or with `signer` (the path of a
    /// `.key`/`.crt` pair without its extension, relative to the package root).
    static func signedResponse(audience: String = spEntityID, inResponseTo: String = "_req1", signer: String = "Fixtures/keys/idp-rsa2048") throws -> String {
        let xml = """
        <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" \
        IssueInstant="2026-12-01T11:59:50Z" Destination="\(acs)" InResponseTo="\(inResponseTo)"><saml:Issuer>\(idpEntityID)</saml:Issuer>\
        \(XMLSigner.template(referenceID: "_r1", algorithm: .rsaSHA256))\
        <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>\
        <saml:Assertion ID="_a1" Version="2.0" IssueInstant="2026-12-01T11:59:50Z"><saml:Issuer>\(idpEntityID)</saml:Issuer>\
        <saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">b.simon@contoso.example</saml:NameID>\
        <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="\(inResponseTo)" \
        NotOnOrAfter="2026-12-01T12:05:00Z" Recipient="\(acs)"/></saml:SubjectConfirmation></saml:Subject>\
        <saml:Conditions NotBefore="2026-12-01T11:55:00Z" NotOnOrAfter="2026-12-01T13:00:00Z"><saml:AudienceRestriction><saml:Audience>\(audience)</saml:Audience>\
        </saml:AudienceRestriction></saml:Conditions><saml:AttributeStatement><saml:Attribute Name="uid"><saml:AttributeValue>b.simon</saml:AttributeValue>\
        </saml:Attribute></saml:AttributeStatement><saml:AuthnStatement AuthnInstant="2026-12-01T11:59:40Z" SessionIndex="_s1">\
        <saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>\
        </saml:AuthnContext></saml:AuthnStatement></saml:Assertion></samlp:Response>
        """
        let key = try SigningKey(privateKeyPEM: String(decoding: try Data(contentsOf: root.appendingPathComponent("\(signer).key")), as: UTF8.self),
                                 certificatePEM: String(decoding: try Data(contentsOf: root.appendingPathComponent("\(signer).crt")), as: UTF8.self))
        return String(decoding: try XMLSigner.signEnveloped(xml, key: key), as: UTF8.self)
    }

    static func verifyArguments(_ file: String, metadata: String, extra: [String] = []) -> [String] {
        ["verify", file, "--idp-metadata", metadata, "--sp-entity-id", spEntityID, "--acs-url", acs, "--in-response-to", "_req1",
         "--now", "2026-12-01T12:00:00Z"] + extra
    }

    @Test func usageErrorsExitWith2() throws {
        #expect(try Self.saml([]).status == 2)
        #expect(try Self.saml(["no-such-command"]).status == 2)
        #expect(try Self.saml(["idp-metadata"]).status == 2)
        #expect(try Self.saml(["verify", "x", "--sp-entity-id", "a"]).status == 2)
        #expect(try Self.saml(["--help"]).status == 0)
    }

    @Test func idpMetadataPrintsTheJSON() throws {
        let run = try Self.saml(["idp-metadata", try Self.file(try Self.idpMetadata())])
        #expect(run.status == 0, "\(run.stderr)")
        let json = run.json
        #expect(json["entityID"] as? String == Self.idpEntityID)
        #expect((json["singleSignOnServices"] as? [[String: String]])?.map { $0["binding"]! } ==
                ["urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"])
        #expect((json["signingCertificates"] as? [String]) == [try Self.certificate("idp-rsa2048").base64])
        #expect((json["encryptionCertificates"] as? [String])?.isEmpty == true)
        #expect((json["nameIDFormats"] as? [String]) == ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"])
        #expect(json["wantAuthnRequestsSigned"] as? Bool == true)
        // Standard input.
        let piped = try Self.saml(["idp-metadata", "-"], stdin: try Self.idpMetadata())
        #expect(piped.status == 0 && piped.json["entityID"] as? String == Self.idpEntityID)
    }

    @Test func hostileMetadataIsRejectedWithTheCaseName() throws {
        let run = try Self.saml(["idp-metadata", try Self.file(try Self.idpMetadata(doctype: true))])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("error: doctypeForbidden: "))
        #expect(run.stderr.split(separator: "\n").count == 1)
        let notXML = try Self.saml(["idp-metadata", "-"], stdin: "{\"not\": \"xml\"}")
        #expect(notXML.status == 1 && notXML.stderr.hasPrefix("error: malformedXML: "))
    }

    @Test func spMetadataRoundTrips() throws {
        let run = try Self.saml(["sp-metadata", "--entity-id", Self.spEntityID, "--acs-url", Self.acs, "--slo-url", "https://app.example.test/saml/slo",
                                 "--sign-key", Self.key("sp-rsa2048.key"), "--sign-cert", Self.key("sp-rsa2048.crt"),
                                 "--encryption-cert", Self.key("sp-enc-rsa2048.crt"), "--name-id-format", NameIDFormat.emailAddress.rawValue])
        #expect(run.status == 0, "\(run.stderr)")
        let parsed = try SPMetadata(xml: run.stdout)
        #expect(parsed.entityID == Self.spEntityID)
        #expect(parsed.assertionConsumerServices == [IndexedEndpoint(binding: .httpPOST, location: Self.acs, index: 0, isDefault: true)])
        #expect(parsed.authnRequestsSigned && parsed.wantAssertionsSigned)
        #expect(parsed.signingCertificates == [try Self.certificate("sp-rsa2048")])
        #expect(parsed.encryptionCertificates == [try Self.certificate("sp-enc-rsa2048")])
        #expect(try MetadataSignature.verify(Array(run.stdout.utf8), trusting: [try Self.certificate("sp-rsa2048")]) == (try Self.certificate("sp-rsa2048")))
    }

    @Test func authnRequestInBothBindings() throws {
        let metadata = try Self.file(try Self.idpMetadata())
        let redirect = try Self.saml(["authn-request", "--idp-metadata", metadata, "--sp-entity-id", Self.spEntityID, "--acs-url", Self.acs,
                                      "--relay-state", "r", "--sign-key", Self.key("sp-rsa2048.key"), "--sign-cert", Self.key("sp-rsa2048.crt"), "--force-authn"])
        #expect(redirect.status == 0, "\(redirect.stderr)")
        let id = redirect.json["id"] as? String ?? ""
        let url = redirect.json["url"] as? String ?? ""
        #expect(RequestID.isNCName(id) && url.hasPrefix("https://login.example.test/sso?SAMLRequest="))
        let decoded = try RedirectBinding.decode(query: String(url.split(separator: "?", maxSplits: 1)[1]))
        try decoded.verifySignature(certificates: [try Self.certificate("sp-rsa2048")])
        #expect(String(decoding: decoded.xml, as: UTF8.self).contains("ID=\"\(id)\""))
        let post = try Self.saml(["authn-request", "--idp-metadata", metadata, "--sp-entity-id", Self.spEntityID, "--acs-url", Self.acs, "--binding", "post"])
        #expect(post.status == 0 && (post.json["html"] as? String)?.contains("name=\"SAMLRequest\"") == true)
    }

    @Test func verifyAcceptsXMLBase64AndFormBodies() throws {
        let metadata = try Self.file(try Self.idpMetadata())
        let xml = try Self.signedResponse()
        let base64 = Base64.encode(Array(xml.utf8))
        let form = "SAMLResponse=\(RedirectBinding.percentEncode(base64))&RelayState=%2Fdashboard"
        for input in [xml, base64, form] {
            let run = try Self.saml(Self.verifyArguments("-", metadata: metadata), stdin: input)
            #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
            let json = run.json
            #expect(json["issuer"] as? String == Self.idpEntityID)
            #expect((json["nameID"] as? [String: String])?["value"] == "b.simon@contoso.example")
            #expect((json["nameID"] as? [String: String])?["format"] == NameIDFormat.emailAddress.rawValue)
            #expect(json["sessionIndex"] as? String == "_s1")
            #expect(json["audiences"] as? [String] == [Self.spEntityID])
            #expect((json["attributes"] as? [String: [String]])?["uid"] == ["b.simon"])
            #expect(json["authnInstant"] as? String == "2026-12-01T11:59:40Z")
            #expect(json["notOnOrAfter"] as? String == "2026-12-01T13:00:00Z")
        }
        #expect(try Self.saml(Self.verifyArguments("-", metadata: metadata), stdin: form).json["relayState"] as? String == "/dashboard")
    }

    @Test func verifyRejectsWithJSONAndOneLine() throws {
        let metadata = try Self.file(try Self.idpMetadata())
        let wrongAudience = try Self.saml(Self.verifyArguments("-", metadata: metadata), stdin: try Self.signedResponse(audience: "https://other.example"))
        #expect(wrongAudience.status == 1)
        #expect(wrongAudience.json["rejected"] as? String == "audienceMismatch")
        #expect(wrongAudience.stderr.hasPrefix("error: audienceMismatch: ") && wrongAudience.stderr.split(separator: "\n").count == 1)
        let tampered = try Self.signedResponse().replacingOccurrences(of: "b.simon@contoso.example", with: "admin@contoso.example")
        #expect(try Self.saml(Self.verifyArguments("-", metadata: metadata), stdin: tampered).json["rejected"] as? String == "digestMismatch")
        let expired = try Self.saml(Self.verifyArguments("-", metadata: metadata, extra: ["--clock-skew", "0"]).map { $0 == "2026-12-01T12:00:00Z" ? "2026-12-01T14:00:00Z" : $0 },
                                    stdin: try Self.signedResponse())
        #expect(expired.json["rejected"] as? String == "subjectConfirmationExpired")
        let unsolicited = try Self.saml(["verify", "-", "--idp-metadata", metadata, "--sp-entity-id", Self.spEntityID, "--acs-url", Self.acs,
                                         "--now", "2026-12-01T12:00:00Z"], stdin: try Self.signedResponse())
        #expect(unsolicited.json["rejected"] as? String == "inResponseToMismatch")
        let garbage = try Self.saml(Self.verifyArguments("-", metadata: metadata), stdin: "%%%not base64%%%")
        #expect(garbage.status == 1 && garbage.json["rejected"] as? String == "invalidBase64")
    }

    @Test func logoutRequestAndVerifyLogout() throws {
        let metadata = try Self.file(try Self.idpMetadata())
        let run = try Self.saml(["logout-request", "--idp-metadata", metadata, "--sp-entity-id", Self.spEntityID, "--name-id", "b.simon",
                                 "--session-index", "_s1", "--sign-key", Self.key("sp-rsa2048.key"), "--sign-cert", Self.key("sp-rsa2048.crt")])
        #expect(run.status == 0, "\(run.stderr)")
        let url = run.json["url"] as? String ?? ""
        #expect(url.hasPrefix("https://login.example.test/slo?SAMLRequest=") && url.contains("&Signature="))
        // The same request, checked by verify-logout as if the SP had sent it to itself (trusting the SP key as the "IdP").
        let spAsIdP = try Self.idpMetadata().replacingOccurrences(of: Self.idpEntityID, with: Self.spEntityID)
            .replacingOccurrences(of: try Self.certificate("idp-rsa2048").base64, with: try Self.certificate("sp-rsa2048").base64)
        let verified = try Self.saml(["verify-logout", "-", "--idp-metadata", try Self.file(spAsIdP), "--sp-entity-id", Self.spEntityID,
                                      "--slo-url", "https://login.example.test/slo"], stdin: String(url.split(separator: "?", maxSplits: 1)[1]))
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        #expect(verified.json["nameID"] as? String == "b.simon")
        let tampered = String(url.split(separator: "?", maxSplits: 1)[1]).replacingOccurrences(of: "&SigAlg=", with: "&RelayState=x&SigAlg=")
        let bad = try Self.saml(["verify-logout", "-", "--idp-metadata", try Self.file(spAsIdP), "--sp-entity-id", Self.spEntityID,
                                 "--slo-url", "https://login.example.test/slo"], stdin: tampered)
        #expect(bad.status == 1 && bad.json["rejected"] as? String == "signatureInvalid")
    }

    @Test func verifyMapsAndAppliesTheCAPolicy() throws {
        let idpCert = Self.key("idp-rsa2048.crt")
        let base = ["verify", "Fixtures/mapping/webex.xml", "--idp-cert", idpCert, "--idp-entity-id", Self.idpEntityID,
                    "--sp-entity-id", Self.spEntityID, "--acs-url", Self.acs, "--in-response-to", "_a8f3c2e1d0b9a8f7e6d5c4b3a2f1e0d9c",
                    "--now", "2026-12-01T12:00:00Z"]
        let mapped = try Self.saml(base + ["--map", "webex"])
        #expect(mapped.status == 0, "\(mapped.stdout) \(mapped.stderr)")
        #expect((mapped.json["mapped"] as? [String: Any])?["uid"] as? String == "b.simon@contoso.example")
        #expect((mapped.json["certificates"] as? [[String: Any]])?.count == 1)
        // A required field that is missing rejects with the mapping error's case name.
        let missing = try Self.saml(base.map { $0 == "Fixtures/mapping/webex.xml" ? "Fixtures/mapping/no-attributes.xml" : $0 } + ["--map", "webex"])
        #expect(missing.status == 1 && missing.stderr.hasPrefix("error: missingRequired"), "\(missing.stdout) \(missing.stderr)")
        // The IdP's self-signed certificate does not chain to another CA: rejected with the policy's case name.
        let ca = try Self.saml(base + ["--require-ca", "Fixtures/chains/anchors-a.pem"])
        #expect(ca.status == 1 && ca.stderr.hasPrefix("error: selfSignedLeafInCAMode"), "\(ca.stdout) \(ca.stderr)")
        // A response signed by a leaf of CA A passes it.
        let chained = try Self.saml(["verify", "Fixtures/chains/response-leaf-depth2.xml", "--idp-cert", "Fixtures/chains/leaf-depth2.crt",
                                     "--idp-cert", "Fixtures/chains/int-a1.crt", "--idp-entity-id", Self.idpEntityID,
                                     "--sp-entity-id", Self.spEntityID, "--acs-url", Self.acs, "--in-response-to", "_a8f3c2e1d0b9a8f7e6d5c4b3a2f1e0d9c",
                                     "--now", "2026-12-01T12:00:00Z", "--require-ca", "Fixtures/chains/anchors-a.pem"])
        #expect(chained.status == 0, "\(chained.stdout) \(chained.stderr)")
    }

    @Test(arguments: ["azure-ad", "azure-ad-unsigned", "adfs", "okta", "shibboleth", "simplesamlphp", "keycloak", "validity"])
    func idpMetadataForEveryVendorShape(_ name: String) throws {
        let data = try Data(contentsOf: Self.fixtures.url("metadata/expected.json"))
        let expected = ((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["files"] as? [String: Any])?["\(name).xml"] as? [String: Any] ?? [:]
        let run = try Self.saml(["idp-metadata", "Fixtures/metadata/\(name).xml"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.json["entityID"] as? String == expected["entityID"] as? String)
        let certificates = try (expected["signingCertificates"] as? [String] ?? []).map { try Self.certificate(String($0.dropLast(4))).base64 }
        #expect(run.json["signingCertificates"] as? [String] == certificates)
        #expect((run.json["singleSignOnServices"] as? [[String: String]])?.map { $0["location"]! } ==
                (expected["singleSignOnServices"] as? [[String: Any]])?.map { $0["location"] as! String })
    }

    @Test(arguments: [("doctype-xxe.xml", "doctypeForbidden"), ("entity-bomb.xml", "doctypeForbidden"), ("no-idpsso.xml", "missingIDPSSODescriptor"),
                      ("truncated.xml", "malformedXML"), ("not-xml.txt", "malformedXML"), ("wrong-namespace.xml", "unexpectedRoot")])
    func idpMetadataRejectsHostileFixtures(_ file: String, _ code: String) throws {
        let run = try Self.saml(["idp-metadata", "Fixtures/metadata/\(file)"])
        #expect(run.status == 1 && run.stderr.hasPrefix("error: \(code): "), "\(run.stderr)")
    }

    @Test func idpMetadataVerifiesSignatures() throws {
        #expect(try Self.saml(["idp-metadata", "Fixtures/metadata/azure-ad.xml", "--verify-signature", Self.key("idp-rsa2048.crt")]).status == 0)
        let forged = try Self.saml(["idp-metadata", "Fixtures/metadata/azure-ad.xml", "--verify-signature", Self.key("attacker-rsa2048.crt")])
        #expect(forged.status == 1 && forged.stderr.hasPrefix("error: signatureInvalid"))
        let unsigned = try Self.saml(["idp-metadata", "Fixtures/metadata/azure-ad-unsigned.xml", "--verify-signature", Self.key("idp-rsa2048.crt")])
        #expect(unsigned.status == 1 && unsigned.stderr.hasPrefix("error: signatureMissing"))
    }

    @Test func verifyDecryptsWithSPKeys() throws {
        let base = ["verify", "Fixtures/encrypted/xmlsec1-aes128-cbc.xml", "--idp-cert", Self.key("idp-rsa2048.crt"), "--idp-entity-id", Self.idpEntityID,
                    "--sp-entity-id", Self.spEntityID, "--acs-url", Self.acs, "--in-response-to", "_a8f3c2e1d0b9a8f7e6d5c4b3a2f1e0d9c",
                    "--now", "2026-12-01T12:00:00Z"]
        let noKey = try Self.saml(base)
        #expect(noKey.status == 1 && noKey.json["rejected"] as? String == "encryptedAssertionNotSupported")
        let wrongKey = try Self.saml(base + ["--sp-key", Self.key("sp-rsa2048.key")])
        #expect(wrongKey.status == 1 && wrongKey.json["rejected"] as? String == "decryptionFailed")
        // Repeatable: the rollover key first, the right one second.
        let decrypted = try Self.saml(base + ["--sp-key", Self.key("sp-rsa2048.key"), "--sp-key", Self.key("sp-enc-rsa2048.key")])
        #expect(decrypted.status == 0, "\(decrypted.stdout) \(decrypted.stderr)")
        #expect((decrypted.json["nameID"] as? [String: String])?["value"] == "b.simon@contoso.example")
    }
}

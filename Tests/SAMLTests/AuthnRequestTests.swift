import Foundation
import Testing
@testable import SAML

@Suite("AuthnRequest and the HTTP bindings")
struct AuthnRequestTests {
    static let idpSSO = "https://login.microsoftonline.com/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/saml2"

    static func idp() throws -> IdPMetadata {
        IdPMetadata(entityID: Fixtures.idpEntityID,
                    singleSignOnServices: [Endpoint(binding: .httpRedirect, location: idpSSO), Endpoint(binding: .httpPOST, location: idpSSO)],
                    signingCertificates: [try Fixtures.certificate("idp-rsa2048")])
    }

    static func sp(signing: Bool = true) throws -> SPMetadata {
        SPMetadata(entityID: Fixtures.spEntityID,
                   assertionConsumerServices: [IndexedEndpoint(binding: .httpPOST, location: Fixtures.acsURL, index: 0, isDefault: true)],
                   authnRequestsSigned: signing, wantAssertionsSigned: true,
                   signingCertificates: signing ? [try Fixtures.certificate("sp-rsa2048")] : [],
                   nameIDFormats: [.emailAddress])
    }

    static func request(binding: Binding = .httpRedirect) throws -> AuthnRequest {
        try AuthnRequest(serviceProvider: sp(), identityProvider: idp(), binding: binding, forceAuthn: true,
                         requestedAuthnContext: .init(comparison: .minimum, classRefs: [.passwordProtectedTransport]),
                         clock: FixedClock(Fixtures.now))
    }

    static func query(of url: String) -> String { String(url[url.index(after: url.firstIndex(of: "?")!)...]) }

    @Test func idsAreUnpredictableNCNames() throws {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let id = try Self.request().id
            #expect(id.hasPrefix("_") && id.count == 33 && RequestID.isNCName(id))
            seen.insert(id)
        }
        #expect(seen.count == 1000)
    }

    @Test func requestCarriesEveryField() throws {
        let request = try Self.request()
        let decoded = try RedirectBinding.decode(query: Self.query(of: try request.redirectURL(relayState: "r1")))
        #expect(decoded.relayState == "r1" && decoded.signature == nil)
        let doc = try ParsedXML.parse(decoded.xml, limits: .messages)
        doc.withRoot { root in
        #expect(XMLTree.isElement(root, NS.protocolURI, "AuthnRequest"))
        #expect(XMLTree.attribute(root, "ID") == request.id)
        #expect(XMLTree.attribute(root, "IssueInstant") == "2026-12-01T12:00:00Z")
        #expect(XMLTree.attribute(root, "Destination") == Self.idpSSO)
        #expect(XMLTree.attribute(root, "AssertionConsumerServiceURL") == Fixtures.acsURL)
        #expect(XMLTree.attribute(root, "ProtocolBinding") == Binding.httpPOST.rawValue)
        #expect(XMLTree.attribute(root, "ForceAuthn") == "true")
        #expect(XMLTree.firstChild(root, NS.assertionURI, "Issuer").map(XMLTree.text) == Fixtures.spEntityID)
        let policy = XMLTree.firstChild(root, NS.protocolURI, "NameIDPolicy")!
        #expect(XMLTree.attribute(policy, "Format") == NameIDFormat.emailAddress.rawValue)
        #expect(XMLTree.attribute(policy, "AllowCreate") == "true")
        let context = XMLTree.firstChild(root, NS.protocolURI, "RequestedAuthnContext")!
        #expect(XMLTree.attribute(context, "Comparison") == "minimum")
        }
    }

    @Test func indexInsteadOfURL() throws {
        var request = try Self.request()
        request.assertionConsumerService = .index(3)
        let doc = try ParsedXML.parse(Array(request.xml().utf8), limits: .messages)
        #expect(doc.withRoot { XMLTree.attribute($0, "AssertionConsumerServiceIndex") } == "3")
        #expect(doc.withRoot { XMLTree.attribute($0, "AssertionConsumerServiceURL") } == nil)
    }

    @Test func relayStateIsCappedAt80Bytes() throws {
        let request = try Self.request()
        #expect(throws: SAMLError.invalidConfiguration("RelayState is 81 bytes; the binding allows 80")) {
            _ = try request.redirectURL(relayState: String(repeating: "x", count: 81))
        }
        _ = try request.redirectURL(relayState: String(repeating: "x", count: 80))
    }

    @Test(.enabled(if: Tools.available("openssl"), "openssl computes the hash independently; skipped without it, fails in CI"))
    func theSubmitScriptHashIsItsSHA256() throws {
        // Independently of the library's own digest: openssl computes the CSP hash of the inline script.
        let result = try Tools.run("openssl", ["dgst", "-sha256", "-r"], stdin: Array(PostForm.submitScript.utf8))
        let hex = Array(result.stdout.prefix(64).utf8)
        let digest = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
        #expect(digest.count == 32 && PostForm.submitScriptHash == "'sha256-\(Base64.encode(digest))'")
    }

    @Test func sha1SigningNeedsTheExplicitOption() throws {
        #expect(throws: SAMLError.algorithmNotAllowed(SignatureAlgorithm.rsaSHA1.rawValue)) {
            _ = try Fixtures.signingKey("sp-rsa2048", algorithm: .rsaSHA1)
        }
        _ = try SigningKey(privateKeyPEM: try Fixtures.text("keys/sp-rsa2048.key"), algorithm: .rsaSHA1, allowSHA1: true)
    }

    @Test func postFormEscapesEverything() throws {
        var request = try Self.request(binding: .httpPOST)
        request.destination = "https://idp.example.test/sso?a=1&b='2'"
        let form = try request.postForm(relayState: "<script>alert('x')</script>")
        // The page's only script is its own submit, whose hash the Content-Security-Policy allows.
        #expect(form.html.components(separatedBy: "<script>").count == 2)
        #expect(form.html.contains("<script>\(PostForm.submitScript)</script></body>"))
        #expect(form.contentSecurityPolicy == "default-src 'none'; script-src \(PostForm.submitScriptHash); form-action https://idp.example.test; base-uri 'none'; frame-ancestors 'none'")
        #expect(form.html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(form.html.contains("action=\"https://idp.example.test/sso?a=1&amp;b=&#39;2&#39;\""))
        #expect(form.html.contains("<noscript><button type=\"submit\">Continue</button></noscript>"))
        #expect(try Base64.decode(form.value) == Array(request.xml().utf8))
    }

    @Test func redirectDecoderRejectsDuplicatesAndBombs() throws {
        // A valid DEFLATE payload twice: only the duplicate can be the reason.
        let payload = RedirectBinding.percentEncode(Base64.encode(try RawDeflate.compress(Array("<x/>".utf8))))
        #expect(throws: SAMLError.malformedQuery("parameter SAMLRequest appears twice")) {
            _ = try RedirectBinding.decode(query: "SAMLRequest=\(payload)&SAMLRequest=\(payload)")
        }
        let bomb = Base64.encode(try RawDeflate.compress([UInt8](repeating: 0x20, count: 4 * 1024 * 1024)))
        #expect(throws: SAMLError.inflatedTooLarge(limit: 256 * 1024)) {
            _ = try RedirectBinding.decode(query: "SAMLRequest=\(RedirectBinding.percentEncode(bomb))")
        }
    }

    // MARK: - Independent checks

    /// r||s (XML-DSig, Redirect binding) → DER, for openssl.
    static func derECDSA(_ raw: [UInt8]) -> [UInt8] {
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var b = Array(bytes.drop(while: { $0 == 0 }))
            if b.isEmpty { b = [0] }
            if b[0] & 0x80 != 0 { b.insert(0, at: 0) }
            return [0x02, UInt8(b.count)] + b
        }
        let half = raw.count / 2
        let body = integer(raw[0..<half]) + integer(raw[half...])
        return [0x30, UInt8(body.count)] + body
    }

    @Test(.enabled(if: Tools.available("openssl"), "openssl is the independent verifier; skipped without it, fails in CI"), arguments: [("sp-rsa2048", SignatureAlgorithm.rsaSHA256, "-sha256"),
                                                               ("sp-rsa2048", .rsaSHA512, "-sha512"),
                                                               ("sp-ec256", .ecdsaSHA256, "-sha256")])
    func redirectSignatureVerifiesWithOpenSSL(_ key: String, _ algorithm: SignatureAlgorithm, _ digest: String) throws {
        let request = try Self.request()
        let url = try request.redirectURL(relayState: "state-42", signingKey: Fixtures.signingKey(key, algorithm: algorithm))
        let query = Self.query(of: url)
        // The signed octets are the query up to (not including) &Signature=, exactly as sent.
        let signedPart = String(query[..<query.range(of: "&Signature=")!.lowerBound])
        #expect(signedPart.hasPrefix("SAMLRequest=") && signedPart.contains("&RelayState=state-42&SigAlg="))
        let decoded = try RedirectBinding.decode(query: query)
        #expect(decoded.signedOctets == Array(signedPart.utf8))
        var signature = decoded.signature!
        if algorithm.isECDSA { signature = Self.derECDSA(signature) }
        let pub = try Tools.run("openssl", ["x509", "-pubkey", "-noout", "-in", Fixtures.url("keys/\(key).crt").path])
        let pubFile = try Tools.temporaryFile(Array(pub.stdout.utf8), suffix: ".pem")
        let sigFile = try Tools.temporaryFile(signature, suffix: ".sig")
        let dataFile = try Tools.temporaryFile(Array(signedPart.utf8), suffix: ".txt")
        let ok = try Tools.run("openssl", ["dgst", digest, "-verify", pubFile.path, "-signature", sigFile.path, dataFile.path])
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
        // The same check fails over other octets: it can fail.
        let tampered = try Tools.temporaryFile(Array(signedPart.replacingOccurrences(of: "state-42", with: "state-43").utf8), suffix: ".txt")
        #expect(try Tools.run("openssl", ["dgst", digest, "-verify", pubFile.path, "-signature", sigFile.path, tampered.path]).status != 0)
        // Our own verifier agrees.
        try decoded.verifySignature(certificates: [Fixtures.certificate(key)])
        #expect(throws: SAMLError.signatureInvalid) { try decoded.verifySignature(certificates: [Fixtures.certificate("attacker-rsa2048")]) }
    }

    @Test(.enabled(if: Tools.available("xmlsec1"), "xmlsec1 is the independent verifier; skipped without it, fails in CI"),
          arguments: ["sp-rsa2048", "sp-ec256"])
    func postSignatureVerifiesWithXmlsec1(_ key: String) throws {
        let request = try Self.request(binding: .httpPOST)
        let form = try request.postForm(relayState: "s", signingKey: Fixtures.signingKey(key))
        let xml = try Base64.decode(form.value)
        // Signature placed right after Issuer (schema order).
        let doc = try ParsedXML.parse(xml, limits: .messages)
        let children = doc.withRoot { Array(XMLTree.children($0)).map(XMLTree.localName) }
        #expect(Array(children.prefix(2)) == ["Issuer", "Signature"])
        let file = try Tools.temporaryFile(xml)
        func verify(_ cert: String) throws -> Tools.Result {
            try Tools.run("xmlsec1", ["--verify", "--enabled-key-data", "raw-x509-cert", "--pubkey-cert-pem", Fixtures.url("keys/\(cert).crt").path,
                                      "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:AuthnRequest", file.path])
        }
        let good = try verify(key)
        #expect(good.status == 0, "\(good.stderr)")
        // The certificate carried in KeyInfo is ignored: another key does not verify it.
        #expect(try verify("attacker-rsa2048").status != 0)
    }

    @Test(.enabled(if: Tools.available("xmlsec1") && Tools.available("openssl") && Tools.pysaml2Available,
                   "pysaml2 (with xmlsec1 and openssl) is the independent IdP; skipped without them, fails in CI"))
    func pysaml2AcceptsOurRequests() throws {
        try #require(Tools.debianPythonHasPysaml2, "pysaml2 (python3-pysaml2) is needed; .ci/run installs it")
        let metadata = try Self.sp().xml()
        let metadataFile = try Tools.temporaryFile(Array(metadata.utf8))
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Tools/pysaml2_check_request.py").path
        let key = try Fixtures.signingKey("sp-rsa2048")
        for (mode, signed) in [("redirect", false), ("redirect", true), ("post", false), ("post-signed", true)] {
            let sso = "https://idp.pysaml2.test/sso"  // the script's IdP endpoint: pysaml2 checks Destination
            let pysaml2IdP = IdPMetadata(entityID: "https://idp.pysaml2.test/metadata",
                                         singleSignOnServices: [Endpoint(binding: .httpRedirect, location: sso), Endpoint(binding: .httpPOST, location: sso)],
                                         signingCertificates: [try Fixtures.certificate("idp-rsa2048")])
            let request = try AuthnRequest(serviceProvider: Self.sp(), identityProvider: pysaml2IdP,
                                           binding: mode == "redirect" ? .httpRedirect : .httpPOST, clock: FixedClock(Date()))
            let message: String
            if mode == "redirect" {
                message = Self.query(of: try request.redirectURL(relayState: "rs-1", signingKey: signed ? key : nil))
            } else {
                message = try request.postForm(signingKey: signed ? key : nil).value
            }
            let result = try Tools.run("/usr/bin/python3", [script, metadataFile.path, mode, message])
            #expect(result.status == 0, "pysaml2 rejected the \(mode) request: \(result.stderr.suffix(800))")
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect(json?["id"] as? String == request.id)
            #expect(json?["issuer"] as? String == Fixtures.spEntityID)
            #expect(json?["acs"] as? String == Fixtures.acsURL)
            if signed { #expect(json?["signature_verified"] as? Bool == true, "\(mode): \(result.stdout)") }
            if mode == "post-signed" {
                // pysaml2 really checks the signature: the same request with its IssueInstant changed is refused.
                let xml = String(decoding: try Base64.decode(message), as: UTF8.self)
                    .replacingOccurrences(of: "Version=\"2.0\"", with: "Version=\"2.0\" ForceAuthn=\"true\"")
                let tampered = try Tools.run("/usr/bin/python3", [script, metadataFile.path, mode, Base64.encode(Array(xml.utf8))])
                #expect(tampered.status != 0, "pysaml2 accepted a tampered signed request")
            }
        }
    }
}

import Foundation
import Testing
@testable import SAML
@testable import SAMLCommand

/// The `saml` tool's options, inputs and reports after issue 11 ("the tool is the library"), as a black box.
@Suite("saml verify: flags, inputs, warnings, error lines")
struct VerifyFlagTests {
    typealias C = CommandTests
    static let chains = "Fixtures/chains"

    /// `saml verify` of `input` (standard input) trusting `certificate` (a PEM path) as the IdP's only key.
    static func verify(_ input: [UInt8], certificate: String = "Fixtures/keys/idp-rsa2048.crt", extra: [String] = []) async throws -> ProcessRun {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("saml-flags-\(UUID().uuidString)")
        try Data(input).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await ProcessRun.saml(["verify", url.path, "--idp-cert", certificate, "--idp-entity-id", C.idpEntityID,
                                          "--sp-entity-id", C.spEntityID, "--acs-url", C.acs, "--in-response-to", "_req1",
                                          "--now", "2026-12-01T12:00:00Z"] + extra)
    }

    /// The in-process verdict on the same bytes (`accepted` or the error's case name).
    static func library(_ input: [UInt8], certificate: String = "Fixtures/keys/idp-rsa2048.crt", options: ServiceProvider.Options = .init()) async throws -> String {
        let pem = String(decoding: try Data(contentsOf: C.root.appendingPathComponent(certificate)), as: UTF8.self)
        let sp = try ServiceProvider(entityID: C.spEntityID, assertionConsumerServiceURLs: [C.acs],
                                     identityProviders: [IdPMetadata(entityID: C.idpEntityID, signingCertificates: [try SAMLCertificate(pem: pem)])],
                                     options: options, clock: FixedClock(XSDateTime.parseOrNil("2026-12-01T12:00:00Z")!))
        do {
            _ = try await sp.validate(responseXML: input, expectedRequestID: "_req1")
            return "accepted"
        } catch let error as SAMLError {
            return error.code
        }
    }

    static func verdict(_ run: ProcessRun) -> String {
        run.status == 0 ? "accepted" : (run.json["rejected"] as? String ?? "exit \(run.status): \(run.stderr)")
    }

    @Test func everyOptionHasItsFlag() throws {
        let verify = try C.saml(["verify", "--help"]).stdout
        for flag in ["--min-rsa-bits", "--allow-tripledes", "--max-bytes", "--max-depth", "--allow-expired-metadata",
                     "--allow-unsolicited-subject-in-response-to", "--allow-missing-audience", "--allow-empty-reference-uri",
                     "--require-encryption", "--allow-idp-initiated", "--allow-sha1", "--allow-rsa1_5", "--clock-skew", "--require "] {
            #expect(verify.contains(flag), "verify lacks \(flag)")
        }
        let logout = try C.saml(["verify-logout", "--help"]).stdout
        for flag in ["--max-bytes", "--max-depth", "--min-rsa-bits", "--allow-sha1", "--allow-expired-metadata", "--clock-skew"] {
            #expect(logout.contains(flag), "verify-logout lacks \(flag)")
        }
    }

    @Test func minRSABitsAcceptsA1024BitSigner() async throws {
        let xml = Array(try C.signedResponse(signer: "\(Self.chains)/leaf-rsa1024").utf8)
        let certificate = "\(Self.chains)/leaf-rsa1024.crt"
        let strict = try await Self.verify(xml, certificate: certificate)
        #expect(Self.verdict(strict) == "weakKey", "\(strict.stdout) \(strict.stderr)")
        let relaxed = try await Self.verify(xml, certificate: certificate, extra: ["--min-rsa-bits", "1024"])
        #expect(relaxed.status == 0, "\(relaxed.stdout) \(relaxed.stderr)")
        // swift-certificates cannot read an RSA-1024 certificate: the report is missing, which is a warning only.
        let warnings = relaxed.json["warnings"] as? [String] ?? []
        #expect(warnings.count == 1 && warnings[0].hasPrefix("certificateReportUnavailable: weakKey"), "\(warnings)")
        #expect(relaxed.json["certificates"] == nil)
        #expect(relaxed.stderr.hasPrefix("warning: certificateReportUnavailable: weakKey"))
        var options = ServiceProvider.Options()
        options.minimumRSAKeyBits = 1024
        #expect(try await Self.library(xml, certificate: certificate, options: options) == "accepted")
    }

    @Test func maxBytesAndDepthReachTheLibrary() async throws {
        let xml = Array(try C.signedResponse().utf8)
        var options = ServiceProvider.Options()
        options.maxResponseBytes = 1000
        let small = try await Self.verify(xml, extra: ["--max-bytes", "1000"])
        let smallLibrary = try await Self.library(xml, options: options)
        #expect(small.status == 1 && Self.verdict(small) == smallLibrary)
        options = .init()
        options.maxDepth = 3
        let shallow = try await Self.verify(xml, extra: ["--max-depth", "3"])
        let shallowLibrary = try await Self.library(xml, options: options)
        #expect(shallow.status == 1 && Self.verdict(shallow) == shallowLibrary)
    }

    /// Raw XML in every encoding goes to `validate(responseXML:)` unchanged: the tool and the library agree.
    @Test(arguments: ["utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf8-bom-declares-utf16", "leading-whitespace"])
    func rawXMLIsPassedUnchanged(_ variant: String) async throws {
        let xml = try C.signedResponse()
        let declared = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + xml
        let input: [UInt8]
        switch variant {
        case "utf8-bom": input = [0xEF, 0xBB, 0xBF] + Array(xml.utf8)
        case "utf16le-bom": input = [0xFF, 0xFE] + Self.utf16(xml, bigEndian: false)
        case "utf16be-bom": input = [0xFE, 0xFF] + Self.utf16(xml, bigEndian: true)
        case "utf16le": input = Self.utf16(declared, bigEndian: false)
        case "utf16be": input = Self.utf16(declared, bigEndian: true)
        case "utf8-bom-declares-utf16": input = [0xEF, 0xBB, 0xBF] + Array(declared.utf8)
        default: input = Array("\n  ".utf8) + Array(xml.utf8)
        }
        #expect(try ResponseInput(input) == .xml(input))
        let run = try await Self.verify(input)
        let library = try await Self.library(input)
        #expect(Self.verdict(run) == library, "\(run.stdout) \(run.stderr)")
        #expect(Self.verdict(run) != "invalidBase64")
        if variant == "utf8-bom" { #expect(run.status == 0, "\(run.stdout) \(run.stderr)") }
    }

    static func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
        text.utf16.flatMap { unit in bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    }

    @Test func formBodiesAreRecognisedByParameterName() throws {
        #expect(try ResponseInput(Array("SAMLResponse=PHg%2B&RelayState=%2Fhome".utf8)) == .base64("PHg+", relayState: "/home"))
        // A RelayState holding the text "SAMLResponse=" does not make a form of it; the name does.
        #expect(try ResponseInput(Array("RelayState=SAMLResponse%3Dx&SAMLResponse=PHg%2B".utf8)) == .base64("PHg+", relayState: "SAMLResponse=x"))
        // --input names the form: JSON read as XML (the library then says malformedXML), a bare value as base64.
        let json = Array("{\"SAMLResponse\": 1}".utf8)
        #expect(try ResponseInput(json, format: .xml) == .xml(json))
        #expect(try ResponseInput(Array("<x/>".utf8), format: .base64) == .base64("<x/>", relayState: nil))
        let noResponse = #expect(throws: Rejection.self) { try ResponseInput(Array("RelayState=x".utf8), format: .form) }
        #expect(noResponse?.code == "invalidForm" && noResponse?.detail == "no SAMLResponse parameter", "\(String(describing: noResponse))")
        #expect(try ResponseInput(Array("  PHNhbWxwOlJlc3BvbnNlLz4=\n".utf8)) == .base64("PHNhbWxwOlJlc3BvbnNlLz4=", relayState: nil))
        #expect(try ResponseInput(Array("xSAMLResponse=abc".utf8)) == .base64("xSAMLResponse=abc", relayState: nil))
        let twice = #expect(throws: Rejection.self) { try ResponseInput(Array("SAMLResponse=a&SAMLResponse=b".utf8)) }
        #expect(twice?.code == "invalidForm" && twice?.detail == "SAMLResponse appears 2 times", "\(String(describing: twice))")
    }

    @Test func certificateDatesAreWarningsInTheJSON() async throws {
        let expired = try await Self.verify(Array(try C.signedResponse(signer: "\(Self.chains)/leaf-expired").utf8), certificate: "\(Self.chains)/leaf-expired.crt")
        #expect(expired.status == 0, "\(expired.stdout) \(expired.stderr)")
        let warnings = expired.json["warnings"] as? [String] ?? []
        #expect(warnings.count == 1 && warnings[0].hasPrefix("expiredPinnedCertificate: the signing certificate CN=idp.example.test expired"))
        #expect(expired.stderr == "warning: \(warnings.first ?? "")\n")
        let certificate = (expired.json["certificates"] as? [[String: Any]])?.first ?? [:]
        #expect(certificate["daysToExpiry"] as? Int == -31 && certificate["notAfter"] as? String == "2026-11-01T00:00:00Z")
        #expect(certificate["notBefore"] == nil && certificate["daysUntilValid"] == nil)

        let early = try await Self.verify(Array(try C.signedResponse(signer: "\(Self.chains)/leaf-not-yet-valid").utf8), certificate: "\(Self.chains)/leaf-not-yet-valid.crt")
        #expect(early.status == 0, "\(early.stdout) \(early.stderr)")
        #expect((early.json["warnings"] as? [String])?.first?.hasPrefix("notYetValidPinnedCertificate: ") == true)
        let future = (early.json["certificates"] as? [[String: Any]])?.first ?? [:]
        #expect(future["notBefore"] as? String == "2027-01-01T00:00:00Z" && future["daysUntilValid"] as? Int == 31)

        let plain = try await Self.verify(Array(try C.signedResponse().utf8))
        #expect(plain.status == 0 && (plain.json["warnings"] as? [String]) == [] && plain.stderr.isEmpty)
    }

    @Test func detailsAreOneCappedLine() async throws {
        // The tool's own detail (a path) with line breaks: escaped.
        let unreadable = try await ProcessRun.saml(["verify", "/nonexistent/a\nb\rc", "--idp-cert", "Fixtures/keys/idp-rsa2048.crt",
                                                    "--idp-entity-id", C.idpEntityID, "--sp-entity-id", C.spEntityID, "--acs-url", C.acs])
        #expect(unreadable.status == 1 && unreadable.json["rejected"] as? String == "unreadableFile")
        #expect(unreadable.json["detail"] as? String == "/nonexistent/a\\nb\\rc")
        #expect(unreadable.stderr == "error: unreadableFile: /nonexistent/a\\nb\\rc\n")
        // A long echoed value: at most 1,024 bytes, ending with an ellipsis.
        let audience = String(repeating: "https://other.example/\u{2028}", count: 200)
        let long = try await Self.verify(Array(try C.signedResponse(audience: audience).utf8))
        let detail = long.json["detail"] as? String ?? ""
        #expect(long.status == 1 && long.json["rejected"] as? String == "audienceMismatch")
        #expect(detail.utf8.count <= 1024 && !detail.contains("\u{2028}"))
        #expect(long.stderr.split(separator: "\n", omittingEmptySubsequences: false).count == 2 && long.stderr.hasSuffix("\n"))
        #expect(long.stderr.utf8.count <= 1024 + "error: audienceMismatch: \n".utf8.count)
    }

    @Test func oneLineEscapesAndCaps() {
        #expect(Rejection.oneLine("a\nb\u{0}c\u{7F}d\u{85}e\u{2029}") == "a\\nb\\u{0}c\\u{7f}d\\u{85}e\\u{2029}")
        let capped = Rejection.oneLine(String(repeating: "é", count: 1000))
        #expect(capped.utf8.count <= 1024 && capped.hasSuffix("…") && capped.dropLast().allSatisfy { $0 == "é" })
        #expect(Rejection.oneLine(String(repeating: "x", count: 1024)).utf8.count == 1024)
    }

    @Test func optionFileErrorsAreTypedRejections() async throws {
        let xml = Array(try C.signedResponse().utf8)
        let badMapping = try C.file("{\"rules\": 42}")
        let mapping = try await Self.verify(xml, extra: ["--map", badMapping])
        #expect(mapping.status == 1 && mapping.json["rejected"] as? String != nil && mapping.stderr.hasPrefix("error: "), "\(mapping.stdout) \(mapping.stderr)")
        let badPEM = try C.file("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        let ca = try await Self.verify(xml, extra: ["--require-ca", badPEM])
        #expect(ca.status == 1 && ca.json["rejected"] as? String != nil && ca.stderr.hasPrefix("error: "), "\(ca.stdout) \(ca.stderr)")
        let empty = try await Self.verify(xml, extra: ["--require-ca", try C.file("no certificates here\n")])
        #expect(empty.status == 1 && empty.stderr.hasPrefix("error: "), "\(empty.stdout) \(empty.stderr)")
    }

    /// An IdP-initiated LogoutRequest whose RelayState holds the text `SAMLResponse=`: still a LogoutRequest.
    @Test func logoutRelayStateCannotTurnARequestIntoAResponse() async throws {
        let slo = "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://login.example.test/slo\"/>"
        let spAsIdP = try C.idpMetadata().replacingOccurrences(of: C.idpEntityID, with: C.spEntityID)
            .replacingOccurrences(of: try C.certificate("idp-rsa2048").base64, with: try C.certificate("sp-rsa2048").base64)
            .replacingOccurrences(of: slo, with: slo + slo.replacingOccurrences(of: "HTTP-Redirect", with: "HTTP-POST"))
        let metadata = try C.file(spAsIdP)
        let key = try C.fixtures.signingKey("sp-rsa2048")
        let request = try LogoutRequest(issuer: C.spEntityID, identityProvider: try IdPMetadata(xml: Array(spAsIdP.utf8)), binding: .httpRedirect,
                                        nameID: .init(value: "b.simon", format: nil, nameQualifier: nil, spNameQualifier: nil), sessionIndexes: ["_s1"])
        // Redirect: the RelayState octets as an IdP may send them (an unescaped "="), signed over exactly those octets.
        let unsigned = String(try request.redirectURL(relayState: nil, signingKey: nil).split(separator: "?", maxSplits: 1)[1])
        var query = unsigned + "&RelayState=SAMLResponse=1&SigAlg=" + RedirectBinding.percentEncode(key.algorithm.rawValue)
        query += "&Signature=" + RedirectBinding.percentEncode(Base64.encode(try key.sign(Array(query.utf8))))
        let arguments = ["verify-logout", "-", "--idp-metadata", metadata, "--sp-entity-id", C.spEntityID, "--slo-url", "https://login.example.test/slo"]
        let redirect = try C.saml(arguments, stdin: query)
        #expect(redirect.status == 0, "\(redirect.stdout) \(redirect.stderr)")
        #expect(redirect.json["kind"] as? String == "LogoutRequest" && redirect.json["relayState"] as? String == "SAMLResponse=1")
        #expect(redirect.json["issuer"] as? String == C.spEntityID)
        // POST: the same in a form body.
        let post = try LogoutRequest(issuer: C.spEntityID, identityProvider: try IdPMetadata(xml: Array(spAsIdP.utf8)), binding: .httpPOST,
                                     nameID: .init(value: "b.simon", format: nil, nameQualifier: nil, spNameQualifier: nil), sessionIndexes: [])
        let html = try post.postForm(relayState: nil, signingKey: key).html
        let value = try #require(html.split(separator: "name=\"SAMLRequest\" value=\"").dropFirst().first?.split(separator: "\"").first)
        let body = "RelayState=x%20SAMLResponse=1&SAMLRequest=" + RedirectBinding.percentEncode(String(value))
        let form = try C.saml(arguments + ["--post"], stdin: body)
        #expect(form.status == 0, "\(form.stdout) \(form.stderr)")
        #expect(form.json["kind"] as? String == "LogoutRequest" && form.json["relayState"] as? String == "x SAMLResponse=1")
        // The parameter name reaches the library: a LogoutRequest POSTed as SAMLResponse is refused there.
        let swapped = try C.saml(arguments + ["--post", "--in-response-to", "_x"], stdin: "SAMLResponse=" + RedirectBinding.percentEncode(String(value)))
        #expect(swapped.status == 1 && swapped.json["rejected"] as? String == "messageParameterMismatch", "\(swapped.stdout) \(swapped.stderr)")
        // Both parameters at once: a malformed form, exit 1.
        let both = try C.saml(arguments, stdin: query + "&SAMLResponse=abc")
        #expect(both.status == 1 && both.json["rejected"] as? String == "invalidForm")
    }
}

extension ProcessRun {
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:] }
}

import Foundation
import Testing
@testable import SAML

/// Identifiers compare by Unicode scalars, never by Swift's canonical equivalence (issue 11 B, F). Each comparison is
/// tried with a canonically-equivalent look-alike (U+212A KELVIN SIGN for `K`, NFD for NFC) and a
/// compatibility-equivalent one (U+FF2B FULLWIDTH K), which must both differ. The signed fixtures of
/// Fixtures/verdicts/ prove the same end to end; these tests pin the helpers each check uses.
@Suite("Exact comparison of identifiers, XML-only trimming")
struct ExactComparisonTests {
    static let kelvin = "\u{212A}"       // canonically equivalent to K
    static let fullwidthK = "\u{FF2B}"   // compatibility equivalent to K
    static let nfc = "caf\u{E9}"         // café, composed
    static let nfd = "cafe\u{301}"       // café, decomposed

    @Test func swiftEqualityIsNotEnough() {
        // Why the helper exists: Swift's `==` says these are equal.
        #expect("Kibana" == Self.kelvin + "ibana")
        #expect(Self.nfc == Self.nfd)
        #expect(!Exact.equal("Kibana", Self.kelvin + "ibana"))
        #expect(!Exact.equal(Self.nfc, Self.nfd))
        #expect(!Exact.equal("Kibana", Self.fullwidthK + "ibana"))
        #expect(Exact.equal("Kibana", "Kibana"))
        #expect(Exact.equal(nil, nil) && !Exact.equal("a", nil))
        #expect(!Exact.contains(["https://sp/Kibana"], "https://sp/\(Self.kelvin)ibana"))
    }

    @Test func exactKeysDoNotMergeLookAlikes() {
        var map: [ExactKey: Int] = [ExactKey("Kelvin"): 1]
        map[ExactKey(Self.kelvin + "elvin")] = 2
        map[ExactKey(Self.nfd)] = 3
        map[ExactKey(Self.nfc)] = 4
        #expect(map.count == 4)
        #expect(map[ExactKey("Kelvin")] == 1)
    }

    @Test(arguments: ["\u{212A}", "\u{FF2B}"])
    func urlsWithLookAlikesDiffer(_ k: String) {
        let acs = "https://app.example.test/saml/Kibana/acs"
        #expect(!URLMatching.matches("https://app.example.test/saml/\(k)ibana/acs", acs))
        #expect(!URLMatching.matches("https://\(k)ibana.example.test/acs", "https://kibana.example.test/acs"))
        // Scheme and host still fold ASCII case, and a default port equals none.
        #expect(URLMatching.matches("HTTPS://APP.Example.Test:443/saml/Kibana/acs", acs))
    }

    @Test func trimmingIsXMLWhiteSpaceOnly() {
        #expect(XMLTree.trimmed(" \t\r\nhttps://idp/ \n") == "https://idp/")
        #expect(XMLTree.trimmed("https://idp/\u{A0}").unicodeScalars.last == "\u{A0}")
        #expect(XMLTree.trimmed("b.simon\u{2028}").unicodeScalars.last == "\u{2028}")
        #expect(XMLTree.trimmed("\u{85}x").unicodeScalars.first == "\u{85}")
        #expect(XMLTree.trimmed(" \n ") == "")
    }

    @Test func issuerSelectsOnlyTheExactIdP() throws {
        let first = try Fixtures.identityProvider(entityID: "https://idp.example.test/Kelvin")
        let second = try Fixtures.identityProvider(entityID: "https://idp.example.test/other")
        let sp = try Fixtures.serviceProvider(idps: [first, second])
        for lookAlike in ["https://idp.example.test/\(Self.kelvin)elvin", "https://idp.example.test/\(Self.fullwidthK)elvin",
                          "https://idp.example.test/Kelvin\u{A0}"] {
            #expect(throws: SAMLError.unknownIssuer(lookAlike)) { _ = try sp.trustedIdP(for: lookAlike, at: Fixtures.now) }
        }
        #expect(try sp.trustedIdP(for: "https://idp.example.test/Kelvin", at: Fixtures.now).metadata.entityID == first.entityID)
    }

    @Test func expiredMetadataIsNotTrustedUnlessAllowed() throws {
        var idp = try Fixtures.identityProvider()
        idp.validUntil = Fixtures.now.addingTimeInterval(-1)
        #expect(throws: SAMLError.metadataExpired(validUntil: idp.validUntil!, now: Fixtures.now)) {
            _ = try Fixtures.serviceProvider(idps: [idp]).trustedIdP(for: idp.entityID, at: Fixtures.now)
        }
        var options = ServiceProvider.Options()
        options.allowExpiredMetadata = true
        #expect(try Fixtures.serviceProvider(options: options, idps: [idp]).trustedIdP(for: idp.entityID, at: Fixtures.now).metadata == idp)
    }

    static func aggregate(_ ids: [String]) throws -> String {
        let certificate = try Fixtures.certificate("idp-rsa2048").base64
        let entities = ids.map { id in
            "<md:EntityDescriptor entityID=\"\(id)\"><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
                + "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(certificate)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
                + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://idp.example.test/sso\"/>"
                + "</md:IDPSSODescriptor></md:EntityDescriptor>"
        }.joined()
        return "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\(entities)</md:EntitiesDescriptor>"
    }

    @Test func aggregateSelectionIsExact() throws {
        let victim = "https://idp.example.test/Kelvin/caf\u{E9}"
        let lookAlikes = ["https://idp.example.test/\(Self.kelvin)elvin/caf\u{E9}", "https://idp.example.test/Kelvin/cafe\u{301}",
                          victim + "\u{A0}", "https://idp.example.test/\(Self.fullwidthK)elvin/caf\u{E9}"]
        for lookAlike in lookAlikes {
            // The look-alike comes first; only the victim's exact bytes select the victim.
            #expect(try IdPMetadata(xml: try Self.aggregate([lookAlike, victim]), entityID: victim).entityID.utf8.elementsEqual(victim.utf8))
            #expect(throws: SAMLError.entityNotFound(lookAlike)) { _ = try IdPMetadata(xml: try Self.aggregate([victim]), entityID: lookAlike) }
        }
        #expect(throws: SAMLError.duplicateEntityID(victim)) { _ = try IdPMetadata(xml: try Self.aggregate([victim, victim]), entityID: victim) }
    }

    @Test func endpointsPerDescriptorAreBounded() throws {
        let one = "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://idp.example.test/sso\"/>"
        func metadata(_ count: Int) throws -> String {
            try Self.aggregate(["https://idp.example.test/"]).replacingOccurrences(of: one, with: String(repeating: one, count: count))
        }
        #expect(try IdPMetadata(xml: metadata(MetadataReader.maxEndpoints)).singleSignOnServices.count == MetadataReader.maxEndpoints)
        #expect(throws: SAMLError.tooManyEndpoints(element: "SingleSignOnService", limit: MetadataReader.maxEndpoints)) {
            _ = try IdPMetadata(xml: try metadata(MetadataReader.maxEndpoints + 1))
        }
    }
}

/// Input hygiene (issue 11 D) and capped echoes (issue 11 E).
@Suite("Encoding checks and capped error echoes")
struct InputHygieneTests {
    static func check(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try EncodingCheck.check($0) } }

    static func utf16(_ text: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
        var out: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 { out += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        return out
    }

    @Test func nulIsRefusedWhereverItIs() throws {
        #expect(throws: SAMLError.nulCharacter(offset: 5)) { try Self.check(Array("<a/>\n".utf8) + [0] + Array("<b/>".utf8)) }
        #expect(throws: SAMLError.nulCharacter(offset: 0)) { try Self.check([0, 0x41]) }
        var utf16 = Self.utf16("<a>x</a>", bigEndian: false, bom: true)
        utf16.insert(contentsOf: [0, 0], at: 6)
        #expect(throws: SAMLError.nulCharacter(offset: 6)) { try Self.check(utf16) }
        try Self.check(Self.utf16("<a>x</a>", bigEndian: true, bom: true))
        try Self.check(Self.utf16("<a>x</a>", bigEndian: false, bom: false))
    }

    @Test func byteOrderMarkMustAgreeWithTheDeclaration() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        #expect(throws: SAMLError.encodingMismatch(byteOrderMark: "UTF-8", declared: "UTF-16")) {
            try Self.check(bom + Array("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>".utf8))
        }
        #expect(throws: SAMLError.encodingMismatch(byteOrderMark: "UTF-16LE", declared: "utf-8")) {
            try Self.check(Self.utf16("<?xml version='1.0' encoding = 'utf-8'?><a/>", bigEndian: false, bom: true))
        }
        #expect(throws: SAMLError.encodingMismatch(byteOrderMark: "UTF-16BE", declared: "ISO-8859-1")) {
            try Self.check(Self.utf16("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", bigEndian: true, bom: true))
        }
        try Self.check(bom + Array("<?xml version=\"1.0\" encoding=\"utf-8\"?><a/>".utf8))
        try Self.check(Self.utf16("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>", bigEndian: false, bom: true))
        try Self.check(Array("<?xml version=\"1.0\"?><a/>".utf8))
    }

    @Test func theParserRefusesBoth() {
        #expect(throws: SAMLError.nulCharacter(offset: 3)) { _ = try ParsedXML.parse(Array("<a>".utf8) + [0] + Array("</a>".utf8), limits: .messages) }
        #expect(throws: SAMLError.encodingMismatch(byteOrderMark: "UTF-8", declared: "UTF-16")) {
            _ = try ParsedXML.parse([0xEF, 0xBB, 0xBF] + Array("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>".utf8), limits: .messages)
        }
    }

    @Test func echoesAreCapped() throws {
        let long = String(repeating: "d", count: 200_000)
        let error = SAMLError.destinationMismatch(expected: ["https://sp/acs"], found: long).cappingEchoes()
        guard case .destinationMismatch(let expected, let found?) = error else { Issue.record("\(error)"); return }
        #expect(expected == ["https://sp/acs"])
        #expect(found.utf8.count < SAMLError.maxEchoBytes + 32 && found.hasSuffix("…(+199744 bytes)"))
        #expect(SAMLError.destinationMismatch(expected: [], found: long).detail.utf8.count < 400)
        let many = SAMLError.audienceMismatch(expected: "sp", found: Array(repeating: "x", count: 20)).cappingEchoes()
        #expect(many == .audienceMismatch(expected: "sp", found: Array(repeating: "x", count: 8) + ["…(+12 more)"]))
        // A multi-byte character is never cut in half.
        let euro = String(repeating: "€", count: 100)
        #expect(SAMLError.cap(euro).hasPrefix(String(repeating: "€", count: 85)) && SAMLError.cap(euro).hasSuffix("…(+45 bytes)"))
    }

    @Test func detailIsOneLine() {
        let detail = SAMLError.unknownIssuer("a\nb\u{2028}c\u{85}d\u{200E}").detail
        #expect(!detail.contains("\n") && !detail.unicodeScalars.contains("\u{2028}") && !detail.unicodeScalars.contains("\u{85}"))
        #expect(!detail.unicodeScalars.contains("\u{200E}"))
    }

    @Test func aLongDestinationThroughValidateIsCapped() async throws {
        let destination = "https://app.example.test/" + String(repeating: "x", count: 200_000)
        let xml = ResourceBoundTests.response("").map { $0 }
        var text = String(decoding: xml, as: UTF8.self)
        text = text.replacingOccurrences(of: "IssueInstant=", with: "Destination=\"\(destination)\" IssueInstant=")
        var options = ServiceProvider.Options()
        options.maxResponseBytes = 1 << 20
        do {
            _ = try await Fixtures.serviceProvider(options: options).validate(responseXML: Array(text.utf8), expectedRequestID: Fixtures.requestID)
            Issue.record("accepted")
        } catch let error as SAMLError {
            // Whatever check refuses it, nothing it echoes is longer than the cap.
            #expect(error.detail.utf8.count < 1024, "\(error.code)")
        }
    }
}

/// The profile's remaining MUSTs that can be shown on the parsed tree alone (issue 11 C, E); the signed fixtures
/// of Fixtures/verdicts/ prove them through `validate`.
@Suite("Conditions and the signature profile's bounds")
struct ProfileBoundTests {
    /// The number of AudienceRestrictions `ConditionsCheck.conditions` returns for these Conditions children.
    static func conditions(_ inner: String) throws -> Int {
        let xml = "<saml:Conditions xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
            + "xmlns:x=\"urn:example:ext\">\(inner)</saml:Conditions>"
        let doc = try ParsedXML.parse(Array(xml.utf8), limits: .messages)
        return try doc.withRoot { try ConditionsCheck.conditions($0).count }
    }

    @Test func understoodConditions() throws {
        #expect(try Self.conditions("<saml:AudienceRestriction><saml:Audience>sp</saml:Audience></saml:AudienceRestriction><saml:OneTimeUse/>"
            + "<saml:ProxyRestriction Count=\"0\"><saml:Audience>sp</saml:Audience></saml:ProxyRestriction>") == 1)
        #expect(throws: SAMLError.unknownCondition("x:Delegation")) { _ = try Self.conditions("<saml:Condition xsi:type=\"x:Delegation\"/>") }
        #expect(throws: SAMLError.unknownCondition("{urn:example:ext}Delegation")) { _ = try Self.conditions("<x:Delegation/>") }
        #expect(throws: SAMLError.duplicateElement("OneTimeUse")) { _ = try Self.conditions("<saml:OneTimeUse/><saml:OneTimeUse/>") }
        #expect(throws: SAMLError.duplicateElement("ProxyRestriction")) {
            _ = try Self.conditions("<saml:ProxyRestriction/><saml:ProxyRestriction/>")
        }
        #expect(throws: SAMLError.unknownCondition("ProxyRestriction Count=-1")) { _ = try Self.conditions("<saml:ProxyRestriction Count=\"-1\"/>") }
    }

    static func signature(prefixes: Int, inSignedInfo: Bool = false) -> String {
        let list = (0..<prefixes).map { "p\($0)" }.joined(separator: " ")
        let inclusive = "<ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"\(list)\"/>"
        return "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>"
            + "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\">\(inSignedInfo ? inclusive : "")</ds:CanonicalizationMethod>"
            + "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>"
            + "<ds:Reference URI=\"#_a\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
            + "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\">\(inSignedInfo ? "" : inclusive)</ds:Transform></ds:Transforms>"
            + "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>AA==</ds:DigestValue></ds:Reference>"
            + "</ds:SignedInfo><ds:SignatureValue>AA==</ds:SignatureValue></ds:Signature>"
    }

    static func checkProfile(_ xml: String) throws {
        let doc = try ParsedXML.parse(Array(xml.utf8), limits: .messages)
        _ = try doc.withRoot {
            try SignatureVerifier.checkProfile($0, parentID: "_a", policy: ServiceProvider.Options().algorithmPolicy)
        }
    }

    @Test(arguments: [false, true])
    func prefixListIsBounded(inSignedInfo: Bool) throws {
        try Self.checkProfile(Self.signature(prefixes: SignatureVerifier.maxInclusivePrefixes, inSignedInfo: inSignedInfo))
        #expect(throws: SAMLError.signatureMalformed(.inclusiveNamespacesTooLong(count: 8000, limit: 5))) {
            try Self.checkProfile(Self.signature(prefixes: 8000, inSignedInfo: inSignedInfo))
        }
    }

    @Test func implicitAndExplicitInclusiveC14NAreOneRule() throws {
        let explicit = Self.signature(prefixes: 0).replacingOccurrences(
            of: "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"><ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"\"/></ds:Transform>",
            with: "<ds:Transform Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>")
        #expect(explicit.contains("REC-xml-c14n"))
        try Self.checkProfile(explicit)
        let implicit = explicit.replacingOccurrences(of: "<ds:Transform Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>", with: "")
        try Self.checkProfile(implicit)
        // Inclusive c14n takes no parameters.
        let parameterised = explicit.replacingOccurrences(of: "REC-xml-c14n-20010315\"/>",
            with: "REC-xml-c14n-20010315\"><ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"a\"/></ds:Transform>")
        #expect(throws: SAMLError.transformNotAllowed("http://www.w3.org/TR/2001/REC-xml-c14n-20010315 with {http://www.w3.org/2001/10/xml-exc-c14n#}InclusiveNamespaces")) {
            try Self.checkProfile(parameterised)
        }
    }

    @Test func aRedirectQueryIsMeasuredBeforeDecoding() {
        let limit = RedirectBinding.maxQueryBytes(maxInflatedBytes: 256 * 1024)
        let query = "SAMLRequest=" + String(repeating: "A", count: 20 << 20)
        #expect(throws: SAMLError.inputTooLarge(limit: limit, size: query.utf8.count)) { _ = try RedirectBinding.decode(query: query) }
    }
}

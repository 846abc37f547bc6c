import Foundation
import Testing
@testable import SAML

/// Shapes whose cost an attacker controls before anything is authenticated: each is refused with its own error, and
/// where the cost is RSA private-key operations (the expensive step an attacker can ask for before any signature is
/// checked) the test counts them exactly (``RSAPrivateKeyOperations``), so a regression fails here rather than only
/// slowing the suite down.
@Suite("Resource bounds: work before authentication is bounded")
struct ResourceBoundTests {
    static let status = #"<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>"#

    static func response(_ inner: String) -> [UInt8] {
        let xml = #"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" "#
            + #"xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" "#
            + #"ID="_r1" Version="2.0" IssueInstant="2026-12-01T12:00:00Z">"# + status + inner + "</samlp:Response>"
        return Array(xml.utf8)
    }

    static func decryptingSP() throws -> ServiceProvider {
        try ServiceProvider(entityID: Fixtures.spEntityID, assertionConsumerServiceURLs: [Fixtures.acsURL],
                            identityProviders: [Fixtures.identityProvider()], clock: FixedClock(Fixtures.now),
                            decryptionKeys: [Fixtures.location.decryptionKey("sp-enc-rsa2048")])
    }

    /// What this proves: 16,000 sibling Signatures in 240 KB are over the node budget and refused by the markup scan
    /// before libxml2 parses them; 7,500 spaced to stay inside the budget are refused as `multipleSignatures`. It does
    /// not measure the walk's cost (formerly every Signature recounted all its siblings: ~3.5e8 comparisons in 250 KB):
    /// the walk makes no call a test double can count, so that bound needs a visit counter inside `StructureWalk`.
    @Test func sixteenThousandSiblingSignaturesAreOneVerdict() async throws {
        let assertion = #"<saml:Assertion ID="_a1" Version="2.0" IssueInstant="2026-12-01T12:00:00Z"/>"#
        let xml = Self.response(assertion + String(repeating: "<ds:Signature/>", count: 16_000))
        #expect(xml.count < 256 * 1024)
        await #expect(throws: SAMLError.tooManyNodes(limit: 1024 + xml.count / 32)) {
            _ = try await Fixtures.serviceProvider().validate(responseXML: xml, expectedRequestID: Fixtures.requestID)
        }
        let spaced = Self.response(assertion + String(repeating: "<ds:Signature/>" + String(repeating: " ", count: 17), count: 7_500))
        #expect(spaced.count < 256 * 1024)
        await #expect(throws: SAMLError.multipleSignatures) {
            _ = try await Fixtures.serviceProvider().validate(responseXML: spaced, expectedRequestID: Fixtures.requestID)
        }
    }

    static func encryptedAssertion(keyInfo: String, siblings: String = "") -> [UInt8] {
        let cipher = Base64.encode([UInt8](repeating: 0x41, count: 64))
        return response("<saml:EncryptedAssertion><xenc:EncryptedData Type=\"http://www.w3.org/2001/04/xmlenc#Element\">"
            + #"<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>"#
            + "<ds:KeyInfo>\(keyInfo)</ds:KeyInfo><xenc:CipherData><xenc:CipherValue>\(cipher)</xenc:CipherValue></xenc:CipherData>"
            + "</xenc:EncryptedData>\(siblings)</saml:EncryptedAssertion>")
    }

    static func encryptedKey(id: String, seed: UInt8) -> String {
        let wrapped = Base64.encode([UInt8](repeating: seed, count: 256))
        return "<xenc:EncryptedKey Id=\"\(id)\"><xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\"/>"
            + "<xenc:CipherData><xenc:CipherValue>\(wrapped)</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>"
    }

    /// Validates `xml` with `sp`, expecting `error`, and returns the RSA private-key operations the validation made.
    static func rsaOperations(_ sp: ServiceProvider, _ xml: [UInt8], expecting error: SAMLError) async -> Int {
        await RSAPrivateKeyOperations.count {
            await #expect(throws: error) { _ = try await sp.validate(responseXML: xml, expectedRequestID: Fixtures.requestID) }
        }
    }

    @Test("the counter sees every RSA private-key operation: one per key tried on an EncryptedKey")
    func keyTransportsAreCounted() async throws {
        // The baseline that makes the bounds below meaningful: a counter that saw nothing would fail here.
        let xml = try Fixtures.bytes("encrypted/xmlsec1-aes256-gcm.xml")
        let opened = try await RSAPrivateKeyOperations.count {
            _ = try await Self.decryptingSP().validate(responseXML: xml, expectedRequestID: Fixtures.requestID)
        }
        #expect(opened == 1)
        // A key rollover: the first SP key fails on the EncryptedKey, the second opens it — two operations.
        let rollover = try ServiceProvider(entityID: Fixtures.spEntityID, assertionConsumerServiceURLs: [Fixtures.acsURL],
                                           identityProviders: [Fixtures.identityProvider()], clock: FixedClock(Fixtures.now),
                                           decryptionKeys: [Fixtures.location.decryptionKey("sp-enc-rsa2048"), Fixtures.location.decryptionKey("sp-rsa2048")])
        let rolled = try await RSAPrivateKeyOperations.count {
            _ = try await rollover.validate(responseXML: try Fixtures.bytes("encrypted/cryptography-rollover-key.xml"), expectedRequestID: Fixtures.requestID)
        }
        #expect(rolled == 2)
    }

    @Test func retrievalMethodsToOneKeyCostOneKeyTransport() async throws {
        // Four references to one EncryptedKey are one candidate: one RSA private-key operation.
        let four = String(repeating: ##"<ds:RetrievalMethod URI="#k1"/>"##, count: 4)
        let sibling = Self.encryptedKey(id: "k1", seed: 0x42)
        #expect(await Self.rsaOperations(try Self.decryptingSP(), Self.encryptedAssertion(keyInfo: four, siblings: sibling), expecting: .decryptionFailed) == 1)
        // A fifth reference, repeated or not, is refused before any is resolved (each resolution searches the siblings).
        let five = String(repeating: ##"<ds:RetrievalMethod URI="#k1"/>"##, count: 5)
        #expect(await Self.rsaOperations(try Self.decryptingSP(), Self.encryptedAssertion(keyInfo: five, siblings: sibling),
                                         expecting: .encryptionMalformed("more than 4 EncryptedKey candidates")) == 0)
        let mixed = Self.encryptedKey(id: "k2", seed: 0x43) + String(repeating: ##"<ds:RetrievalMethod URI="#k1"/>"##, count: 4)
        #expect(await Self.rsaOperations(try Self.decryptingSP(), Self.encryptedAssertion(keyInfo: mixed, siblings: sibling),
                                         expecting: .encryptionMalformed("more than 4 EncryptedKey candidates")) == 0)
        // 6,000 references (formerly 6,000 RSA private-key operations, then 6,000 × siblings comparisons) are over the
        // node budget: refused by the markup scan before parsing.
        let references = String(repeating: ##"<ds:RetrievalMethod URI="#k1"/>"##, count: 6_000)
        let xml = Self.encryptedAssertion(keyInfo: references, siblings: sibling)
        #expect(xml.count < 256 * 1024)
        #expect(await Self.rsaOperations(try Self.decryptingSP(), xml, expecting: .tooManyNodes(limit: 1024 + xml.count / 32)) == 0)
    }

    @Test func moreThanFourDistinctEncryptedKeysAreRefusedUntried() async throws {
        let keys = (1...5).map { Self.encryptedKey(id: "k\($0)", seed: UInt8($0)) }.joined()
        let xml = Self.encryptedAssertion(keyInfo: "", siblings: keys)
        let sp = try Self.decryptingSP()
        #expect(await Self.rsaOperations(sp, xml, expecting: .encryptionMalformed("more than 4 EncryptedKey candidates")) == 0)
        // Four are tried, one RSA operation each (and fail as one decryption error).
        let four = Self.encryptedAssertion(keyInfo: "", siblings: (1...4).map { Self.encryptedKey(id: "k\($0)", seed: UInt8($0)) }.joined())
        #expect(await Self.rsaOperations(sp, four, expecting: .decryptionFailed) == 4)
    }

    @Test func aLogoutMessageIsMeasuredBeforeItIsDecoded() async throws {
        let sp = try LogoutTests.serviceProvider()
        let huge = String(repeating: "A", count: 400 * 1024)
        await #expect(throws: SAMLError.inputTooLarge(limit: 256 * 1024, size: huge.utf8.count * 3 / 4)) {
            _ = try await sp.validateLogoutRequest(.post(value: huge, relayState: nil))
        }
    }

    @Test func absurdDurationsAreNotNumbers() throws {
        #expect(XSDuration.parse("PT6H") == TimeInterval(21_600))
        #expect(XSDuration.parse("P100Y") == XSDuration.maxSeconds)
        #expect(XSDuration.parse("P101Y") == nil)
        #expect(XSDuration.parse("P99999999999999999999999Y") == nil)
        // SP metadata with a cacheDuration no integer of seconds can hold is refused, not a trap.
        var sp = SPMetadata(entityID: Fixtures.spEntityID,
                            assertionConsumerServices: [IndexedEndpoint(binding: .httpPOST, location: Fixtures.acsURL, index: 0)])
        sp.cacheDuration = TimeInterval.infinity
        #expect(throws: SAMLError.invalidConfiguration("cacheDuration inf s is not between 0 and 100 years")) { _ = try sp.xml() }
        sp.cacheDuration = 3600
        #expect(try sp.xml().contains("cacheDuration=\"PT3600S\""))
    }

    @Test func oaepParamsThatAreNotBase64AreMalformedEncryption() async throws {
        let original = String(decoding: try Fixtures.bytes("encrypted/cryptography-rsa-oaep-label.xml"), as: UTF8.self)
        let edited = original.replacingOccurrences(of: "<xenc:OAEPparams>c3dpZnQtc2FtbCBPQUVQIGxhYmVs</xenc:OAEPparams>",
                                                   with: "<xenc:OAEPparams>not*base64</xenc:OAEPparams>")
        #expect(edited != original)
        await #expect(throws: SAMLError.encryptionMalformed("OAEPparams is not base64")) {
            _ = try await Self.decryptingSP().validate(responseXML: Array(edited.utf8), expectedRequestID: Fixtures.requestID)
        }
    }

    /// A certificate repeated in metadata is parsed once per role: duplicates are recognised by their decoded bytes
    /// before OpenSSL reads them (base64 line breaks do not make a new certificate), and each role keeps one copy.
    @Test func repeatedMetadataCertificatesAreOneKey() throws {
        let signing = try Fixtures.certificate("idp-rsa2048").base64, other = try Fixtures.certificate("idp-rsa2048-next").base64
        let wrapped = stride(from: 0, to: signing.count, by: 64).map { i -> String in
            let start = signing.index(signing.startIndex, offsetBy: i)
            return String(signing[start..<(signing.index(start, offsetBy: 64, limitedBy: signing.endIndex) ?? signing.endIndex)])
        }.joined(separator: "\n")
        func keyDescriptor(_ use: String?, _ certificates: [String]) -> String {
            "<md:KeyDescriptor\(use.map { " use=\"\($0)\"" } ?? "")><ds:KeyInfo>"
                + certificates.map { "<ds:X509Data><ds:X509Certificate>\($0)</ds:X509Certificate></ds:X509Data>" }.joined()
                + "</ds:KeyInfo></md:KeyDescriptor>"
        }
        let xml = "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"https://idp.example\">"
            + "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
            + keyDescriptor("signing", Array(repeating: signing, count: 40) + [wrapped, other])
            + keyDescriptor(nil, [signing, wrapped]) + keyDescriptor("encryption", [other, other])
            + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://idp.example/sso\"/>"
            + "</md:IDPSSODescriptor></md:EntityDescriptor>"
        let metadata = try IdPMetadata(xml: xml)
        #expect(metadata.signingCertificates == [try Fixtures.certificate("idp-rsa2048"), try Fixtures.certificate("idp-rsa2048-next")])
        #expect(metadata.encryptionCertificates == [try Fixtures.certificate("idp-rsa2048"), try Fixtures.certificate("idp-rsa2048-next")])
    }

    /// Repeated Audiences are kept once each, compared exactly (a look-alike is another Audience), in linear time.
    @Test func repeatedAudiencesAreKeptOnceEach() throws {
        let sp = Fixtures.spEntityID, lookAlike = Fixtures.spEntityID.replacingOccurrences(of: "a", with: "a\u{301}")
        let audiences = Array(repeating: sp, count: 3) + [lookAlike, lookAlike, "urn:other"]
        let xml = "<saml:Conditions xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"><saml:AudienceRestriction>"
            + audiences.map { "<saml:Audience>\($0)</saml:Audience>" }.joined()
            + "</saml:AudienceRestriction><saml:AudienceRestriction><saml:Audience>\(sp)</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
        let doc = try ParsedXML.parse(Array(xml.utf8), limits: .messages)
        let found = try doc.withRoot { root in
            try AudienceCheck.check(XMLTree.childrenNamed(root, NS.assertionURI, "AudienceRestriction"), entityID: sp, allowMissing: false)
        }
        #expect(found == [sp, lookAlike, "urn:other"])
    }
}

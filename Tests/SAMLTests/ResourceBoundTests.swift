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

    /// What this proves: 16,000 sibling Signatures are refused as `multipleSignatures`. It does not measure the walk's
    /// cost (formerly every Signature recounted all its siblings: ~3.5e8 comparisons in 250 KB): the walk makes no call
    /// a test double can count, so that bound needs a visit counter inside `StructureWalk`.
    @Test func sixteenThousandSiblingSignaturesAreOneVerdict() async throws {
        let signatures = String(repeating: "<ds:Signature/>", count: 16_000)
        let xml = Self.response(#"<saml:Assertion ID="_a1" Version="2.0" IssueInstant="2026-12-01T12:00:00Z"/>"# + signatures)
        #expect(xml.count < 256 * 1024)
        await #expect(throws: SAMLError.multipleSignatures) {
            _ = try await Fixtures.serviceProvider().validate(responseXML: xml, expectedRequestID: Fixtures.requestID)
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
        // 6,000 references to one EncryptedKey are one candidate (formerly 6,000 RSA private-key operations).
        let references = String(repeating: ##"<ds:RetrievalMethod URI="#k1"/>"##, count: 6_000)
        let xml = Self.encryptedAssertion(keyInfo: references, siblings: Self.encryptedKey(id: "k1", seed: 0x42))
        #expect(xml.count < 256 * 1024)
        #expect(await Self.rsaOperations(try Self.decryptingSP(), xml, expecting: .decryptionFailed) == 1)
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
}

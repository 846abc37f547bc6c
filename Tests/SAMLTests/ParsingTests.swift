import Foundation
import Testing
@testable import SAML

@Suite("Secure XML parsing")
struct ParsingTests {
    static let limits = XMLParsingLimits(maxBytes: 64 * 1024, maxDepth: 16)

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let xml: String
        let expected: SAMLError
        var testDescription: String { name }
    }

    static let hostile: [Case] = [
        Case(name: "external entity (XXE)", xml: "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>", expected: .doctypeForbidden),
        Case(name: "billion laughs", xml: "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><r>&c;&c;&c;</r>", expected: .doctypeForbidden),
        Case(name: "parameter entity", xml: "<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/x.dtd\"> %p;]><r/>", expected: .doctypeForbidden),
        Case(name: "external DTD", xml: "<!DOCTYPE r SYSTEM \"http://127.0.0.1:9/x.dtd\"><r/>", expected: .doctypeForbidden),
        Case(name: "harmless internal DOCTYPE", xml: "<!DOCTYPE r><r/>", expected: .doctypeForbidden),
        Case(name: "ATTLIST declaring an ID", xml: "<!DOCTYPE r [<!ATTLIST r Id ID #IMPLIED>]><r Id=\"x\"/>", expected: .doctypeForbidden),
        Case(name: "empty", xml: "", expected: .emptyInput),
        Case(name: "ISO-8859-1 declared", xml: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>", expected: .unsupportedEncoding("ISO-8859-1")),
        Case(name: "too deep", xml: String(repeating: "<a>", count: 17) + String(repeating: "</a>", count: 17), expected: .documentTooDeep(limit: 16)),
        Case(name: "far too deep for libxml2", xml: String(repeating: "<a>", count: 3000) + String(repeating: "</a>", count: 3000), expected: .documentTooDeep(limit: 16)),
    ]

    @Test(arguments: hostile)
    func rejects(_ c: Case) throws {
        #expect(throws: c.expected) { _ = try ParsedXML.parse(Array(c.xml.utf8), limits: Self.limits) }
    }

    /// Each malformed input with the defect libxml2 names in the detail (the detail is libxml2's text, so the test
    /// asserts the defect's words rather than the whole message, which may carry more than one libxml2 error).
    @Test(arguments: [("<r>", "Premature end of data in tag r"), ("<r></s>", "Opening and ending tag mismatch: r line 1 and s"),
                      ("not xml at all", "Start tag expected, '<' not found"), ("<r/><r/>", "Extra content at the end of the document"),
                      ("<r/>trailing", "Extra content at the end of the document"), ("<r a='1' a='2'/>", "Attribute a redefined"),
                      ("<r>\u{1}</r>", "PCDATA invalid Char value 1")])
    func rejectsMalformed(_ xml: String, _ defect: String) throws {
        let error = #expect(throws: SAMLError.self) { _ = try ParsedXML.parse(Array(xml.utf8), limits: Self.limits) }
        guard case .malformedXML(let detail) = error else {
            Issue.record("\(xml.debugDescription): expected malformedXML, got \(String(describing: error))")
            return
        }
        #expect(detail.contains(defect), "\(xml.debugDescription): \(detail)")
    }

    @Test func rejectsOversize() throws {
        let xml = "<r>" + String(repeating: "x", count: 70 * 1024) + "</r>"
        #expect(throws: SAMLError.inputTooLarge(limit: 64 * 1024, size: xml.utf8.count)) {
            _ = try ParsedXML.parse(Array(xml.utf8), limits: Self.limits)
        }
    }

    @Test func textIgnoresCommentsAndJoinsCDATA() throws {
        let doc = try ParsedXML.parse(Array("<r>admin@corp.example<!---->.evil.example<![CDATA[!]]><?pi x?>x</r>".utf8), limits: Self.limits)
        #expect(doc.withRoot(XMLTree.text) == "admin@corp.example.evil.example!x")
    }

    @Test func acceptsUTF16() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "<r>é</r>".utf16 { bytes.append(UInt8(unit & 0xFF)); bytes.append(UInt8(unit >> 8)) }
        let doc = try ParsedXML.parse(bytes, limits: Self.limits)
        #expect(doc.withRoot(XMLTree.text) == "é")
    }
}

@Suite("Encodings: base64, DEFLATE, xs:dateTime, URLs")
struct EncodingTests {
    @Test func base64RoundTrip() throws {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let encoded = Base64.encode(bytes)
            #expect(encoded == Data(bytes).base64EncodedString())
            #expect(try Base64.decode(encoded) == bytes)
        }
        #expect(try Base64.decode("QU\nJD\r\n RA==") == Array("ABCD".utf8))
    }

    @Test(arguments: ["QUJD*", "QU=JD", "Q", "QUJDR===", "QUJD=", "-_-_", "QUJD\u{0}"])
    func base64Rejects(_ text: String) {
        #expect(throws: SAMLError.invalidBase64) { _ = try Base64.decode(text) }
    }

    @Test func deflateRoundTrip() throws {
        let text = Array(String(repeating: "<samlp:AuthnRequest/>", count: 50).utf8)
        #expect(try RawDeflate.decompress(try RawDeflate.compress(text), limit: 10_000) == text)
    }

    @Test func deflateBombStopsAtTheCap() throws {
        let bomb = try RawDeflate.compress([UInt8](repeating: 0x41, count: 8 * 1024 * 1024))
        #expect(bomb.count < 20_000)
        #expect(throws: SAMLError.inflatedTooLarge(limit: 256 * 1024)) { _ = try RawDeflate.decompress(bomb, limit: 256 * 1024) }
    }

    @Test func deflateRejectsGarbageAndZlibHeaders() throws {
        #expect(throws: SAMLError.inflateFailed) { _ = try RawDeflate.decompress([0xFF, 0xFF, 0xFF, 0xFF], limit: 1000) }
        // A zlib stream (header 0x78 0x9C) is not raw DEFLATE.
        #expect(throws: SAMLError.inflateFailed) { _ = try RawDeflate.decompress([0x78, 0x9C, 0x4B, 0x04, 0x00, 0x00, 0x62, 0x00, 0x62], limit: 1000) }
        let truncated = Array(try RawDeflate.compress(Array(String(repeating: "abc", count: 100).utf8)).dropLast(3))
        #expect(throws: SAMLError.inflateFailed) { _ = try RawDeflate.decompress(truncated, limit: 1000) }
    }

    @Test func dateTimes() throws {
        #expect(XSDateTime.parseOrNil("2026-12-01T12:00:00Z")!.timeIntervalSince1970 == 1_796_126_400)
        #expect(XSDateTime.parseOrNil("2026-12-01T12:00:00.5Z")!.timeIntervalSince1970 == 1_796_126_400.5)
        #expect(XSDateTime.parseOrNil("2026-12-01T13:00:00+01:00")!.timeIntervalSince1970 == 1_796_126_400)
        #expect(XSDateTime.parseOrNil("2026-12-01T12:00:00.123456789012Z") != nil)
        #expect(XSDateTime.parseOrNil("2024-02-29T00:00:00Z") != nil)
        #expect(XSDateTime.format(Date(timeIntervalSince1970: 1_796_126_400)) == "2026-12-01T12:00:00Z")
        #expect(XSDateTime.format(Date(timeIntervalSince1970: 1_796_126_400.25)) == "2026-12-01T12:00:00.250Z")
    }

    @Test(arguments: ["2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2026-12-01T12:00:00", "2026-12-01 12:00:00Z", "2026-13-01T00:00:00Z",
                      "2026-12-01T12:60:00Z", "2026-12-01T12:00:60Z", "2026-12-01T12:00:00+15:00", "NaN", "", "2026-12-01T12:00:00.Z", "2026-12-01T12:00:00ZZ"])
    func dateTimeRejects(_ text: String) {
        #expect(throws: SAMLError.invalidTime(text)) { _ = try XSDateTime.parse(text) }
    }

    @Test func urlMatchingIsExact() {
        let acs = "https://app.example.test/saml/acs"
        for same in ["https://app.example.test/saml/acs", "HTTPS://APP.example.TEST/saml/acs", "https://app.example.test:443/saml/acs"] {
            #expect(URLMatching.matches(same, acs), "\(same)")
        }
        for other in ["https://app.example.test/saml/acs-other", "https://app.example.test/saml/acs/../x", "https://app.example.test/saml/acs?tenant=b",
                      "https://app.example.test/saml/ACS", "http://app.example.test/saml/acs", "https://app.example.test:8443/saml/acs",
                      "https://evil.example/saml/acs", "https://app.example.test.evil.example/saml/acs", "https://user@app.example.test/saml/acs",
                      "https://app.example.test/saml/acs#x", "/saml/acs", ""] {
            #expect(!URLMatching.matches(other, acs), "\(other)")
        }
    }

    @Test func ncNameFastPathAgreesWithTheProduction() {
        // Every ASCII string of length 1 and 2 (and a few longer): the byte fast path and the scalar production agree.
        let ascii = (0..<128).map { Character(Unicode.Scalar(UInt8($0))) }
        var accepted = (one: 0, two: 0)
        for a in ascii {
            let single = RequestID.isNCName(String(a))
            #expect(single == RequestID.isNCNameByScalars(String(a)), "\(String(a).debugDescription)")
            if single { accepted.one += 1 }
            for b in ascii {
                let value = String([a, b])
                let fast = RequestID.isNCName(value)
                if fast != RequestID.isNCNameByScalars(value) { Issue.record("\(value.debugDescription)") }
                if fast { accepted.two += 1 }
            }
        }
        // Counted independently of both implementations: an ASCII NCName starts with one of 52 letters or `_` and
        // continues with those, 10 digits, `-` or `.` (65 characters). Two implementations that agree on a wrong
        // answer (both admitting `:`, say) fail here.
        #expect(accepted.one == 53)
        #expect(accepted.two == 53 * 65)
        for (value, expected) in [("_a8f3c2e1d0b9", true), ("id-1.2_x", true), ("1abc", false), ("-a", false), ("", false),
                                  ("a:b", false), ("a b", false), ("\u{E9}t\u{E9}", true), ("_\u{B7}", true), ("a\u{2000}", false),
                                  ("\u{B7}a", false)] {
            #expect(RequestID.isNCName(value) == expected, "\(value.debugDescription)")
        }
    }
}

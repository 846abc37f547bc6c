import Foundation
import Testing
@testable import SAML
@_spi(Testing) import SAML
import SAMLTesting

/// The scan of the raw bytes before libxml2 parses them (``XMLParsingLimits``): each bound refuses a hostile input
/// built here with its exact error and payload, just inside each bound passes, the same bounds hold for UTF-16 input,
/// metadata and every entry point, and real IdP output with thousands of attribute values stays well inside.
@Suite("Markup scan: per-node work bounded before parsing")
struct MarkupScanTests {
    static let limits = XMLParsingLimits.messages

    static func parse(_ xml: String, limits: XMLParsingLimits = limits) throws {
        _ = try ParsedXML.parse(Array(xml.utf8), limits: limits)
    }

    static func attributes(_ count: Int, name: String = "a") -> String {
        (0..<count).map { " \(name)\($0)=\"v\"" }.joined()
    }

    static func declarations(_ count: Int, from start: Int = 0) -> String {
        (start..<(start + count)).map { " xmlns:p\($0)=\"urn:p\($0)\"" }.joined()
    }

    @Test func attributesPerElementAreBounded() throws {
        // 32 attributes and 32 namespace declarations on one element: inside (declarations are not attributes).
        try Self.parse("<r\(Self.attributes(32))\(Self.declarations(32))/>")
        #expect(throws: SAMLError.tooManyAttributes(limit: 32)) { try Self.parse("<r\(Self.attributes(33))/>") }
        // On a nested element, with single quotes and spaces around '=', too.
        let nested = "<r><s" + (0..<33).map { " b\($0) = 'x>y'" }.joined() + "/></r>"
        #expect(throws: SAMLError.tooManyAttributes(limit: 32)) { try Self.parse(nested) }
        var limits = Self.limits
        limits.maxAttributesPerElement = 4
        #expect(throws: SAMLError.tooManyAttributes(limit: 4)) { try Self.parse("<r\(Self.attributes(5))/>", limits: limits) }
    }

    @Test func namespaceDeclarationsPerElementAreBounded() throws {
        #expect(throws: SAMLError.tooManyNamespaceDeclarations(limit: 32)) {
            try Self.parse("<r\(Self.declarations(33))/>")
        }
        // A default namespace declaration counts as one.
        #expect(throws: SAMLError.tooManyNamespaceDeclarations(limit: 32)) {
            try Self.parse("<r xmlns=\"urn:d\"\(Self.declarations(32))/>")
        }
    }

    @Test func namespaceDeclarationsInScopeAreBounded() throws {
        // 3 × 22 = 66 in scope on the innermost element.
        let deep = "<r\(Self.declarations(22))><s\(Self.declarations(22, from: 22))><t\(Self.declarations(22, from: 44))/></s></r>"
        #expect(throws: SAMLError.tooManyNamespaceDeclarations(limit: 64)) { try Self.parse(deep) }
        // Siblings do not add up: what a closed element declared leaves scope with it.
        let siblings = "<r\(Self.declarations(22))>" + (0..<10).map { "<s\($0)\(Self.declarations(30, from: 100))/>" }.joined() + "</r>"
        try Self.parse(siblings)
        let closed = "<r\(Self.declarations(22))><s\(Self.declarations(30, from: 22))></s><t\(Self.declarations(30, from: 52))/></r>"
        try Self.parse(closed)
    }

    @Test func nodesAreBoundedBySize() throws {
        let xml = "<r>" + String(repeating: "<a/>", count: 10_000) + "</r>"
        let limit = 1024 + xml.utf8.count / 32
        #expect(Self.limits.maxNodes(forBytes: xml.utf8.count) == limit)
        #expect(throws: SAMLError.tooManyNodes(limit: limit)) { try Self.parse(xml) }
        // Comments, processing instructions and CDATA sections count as nodes too.
        for node in ["<!---->", "<?p?>", "<![CDATA[]]>"] {
            let many = "<r>" + String(repeating: node, count: 10_000) + "</r>"
            #expect(throws: SAMLError.tooManyNodes(limit: 1024 + many.utf8.count / 32)) { try Self.parse(many) }
        }
        // Elements spaced to 32 bytes each stay inside.
        try Self.parse("<r>" + String(repeating: "<a/>" + String(repeating: " ", count: 28), count: 6_000) + "</r>")
    }

    @Test func depthIsCheckedByTheScan() throws {
        var limits = Self.limits
        limits.maxDepth = 8
        let deep = String(repeating: "<a>", count: 9) + String(repeating: "</a>", count: 9)
        #expect(throws: SAMLError.documentTooDeep(limit: 8)) { try Self.parse(deep, limits: limits) }
        try Self.parse(String(repeating: "<a>", count: 8) + String(repeating: "</a>", count: 8), limits: limits)
    }

    @Test func malformedMarkupIsLeftToTheParser() throws {
        // The scan gives up where it cannot read on; the parser then reports the syntax error (or the DOCTYPE).
        for xml in ["<r a=\"1/>", "<r a/>", "<r><!-- x </r>", "<!DOCTYPE r><r\(Self.attributes(40))/>"] {
            let error = #expect(throws: SAMLError.self) { try Self.parse(xml) }
            switch error {
            case .doctypeForbidden? where xml.hasPrefix("<!DOCTYPE"): break
            case .malformedXML? where !xml.hasPrefix("<!DOCTYPE"): break
            default: Issue.record("\(xml): \(String(describing: error))")
            }
        }
    }

    @Test func utf16IsScannedWithTheSameBounds() throws {
        func utf16LE(_ text: String) -> [UInt8] { [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
        func utf16BE(_ text: String) -> [UInt8] { text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
        let hostile = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><r\(Self.attributes(33))/>"
        #expect(throws: SAMLError.tooManyAttributes(limit: 32)) { _ = try ParsedXML.parse(utf16LE(hostile), limits: Self.limits) }
        #expect(throws: SAMLError.tooManyAttributes(limit: 32)) {
            _ = try ParsedXML.parse(utf16BE("<r\(Self.attributes(33))/>"), limits: Self.limits)
        }
        _ = try ParsedXML.parse(utf16LE("<?xml version=\"1.0\" encoding=\"UTF-16\"?><r\(Self.attributes(31)) é=\"ü\"/>"), limits: Self.limits)
    }

    @Test func everyEntryPointScans() async throws {
        // A response: refused by the scan before any other check.
        let response = ResourceBoundTests.response("<saml:Assertion ID=\"_a1\"\(Self.attributes(40))/>")
        await #expect(throws: SAMLError.tooManyAttributes(limit: 32)) {
            _ = try await Fixtures.serviceProvider().validate(responseXML: response, expectedRequestID: Fixtures.requestID)
        }
        // Metadata (its own size cap, the same scan).
        let metadata = "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"https://idp.example\""
            + "\(Self.declarations(33))/>"
        #expect(throws: SAMLError.tooManyNamespaceDeclarations(limit: 32)) { _ = try IdPMetadata(xml: Array(metadata.utf8)) }
        // A logout request (POST binding: base64 of the XML).
        let logout = "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_l\"" + Self.attributes(33) + "/>"
        await #expect(throws: SAMLError.tooManyAttributes(limit: 32)) {
            _ = try await LogoutTests.serviceProvider().validateLogoutRequest(.post(value: Base64.encode(Array(logout.utf8)), relayState: nil))
        }
    }

    /// An ADFS/Okta-shaped response: every AttributeValue carries `xsi:type="xs:string"` and sits on its own indented
    /// line, 3,000 short group values, signed, just under the 256 KiB cap: inside every bound, and valid end to end.
    @Test func thousandsOfTypedAttributeValuesPass() async throws {
        var builder = ResponseBuilder(issuer: Fixtures.idpEntityID, audience: Fixtures.spEntityID, acsURL: Fixtures.acsURL, now: Fixtures.now)
        builder.inResponseTo = Fixtures.requestID
        builder.attributes = [("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", (1...3000).map { "g\($0)" })]
        let unsigned = try builder.xml()
        let start = unsigned.range(of: "<saml:Assertion ")!.lowerBound, end = unsigned.range(of: "</saml:Assertion>")!.upperBound
        let key = try Fixtures.signingKey("idp-rsa2048")
        let assertion = String(unsigned[start..<end])
            .replacingOccurrences(of: "<saml:Assertion ", with: "<saml:Assertion xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
                                  + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ")
            .replacingOccurrences(of: "</saml:Issuer>", with: "</saml:Issuer>" + EnvelopedSigning.template(referenceID: builder.assertionID, key: key))
            .replacingOccurrences(of: "<saml:AttributeValue>", with: "\n              <saml:AttributeValue xsi:type=\"xs:string\">")
        var signed = try EnvelopedSigning.sign(assertion, key: key)
        if signed.hasPrefix("<?xml"), let declaration = signed.range(of: "?>") { signed = String(signed[declaration.upperBound...]) }
        let response = String(unsigned[..<start]) + signed + String(unsigned[end...])
        let bytes = Array(response.utf8)
        #expect(bytes.count > 240 * 1024 && bytes.count < 256 * 1024, "size \(bytes.count)")
        _ = try ParsedXML.parse(bytes, limits: Self.limits)
        let verified = try await Fixtures.serviceProvider().validate(responseXML: bytes, expectedRequestID: Fixtures.requestID)
        #expect(verified.attributes.first?.values.count == 3000)
    }

    /// Okta's shape: every AttributeValue declares `xs` and `xsi` itself (two declarations each, never more than two in scope).
    @Test func perValueNamespaceDeclarationsPass() throws {
        let value = "\n      <saml2:AttributeValue xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xs:string\">g%d</saml2:AttributeValue>"
        let values = (1...1400).map { value.replacingOccurrences(of: "%d", with: String($0)) }.joined()
        let xml = "<saml2:Assertion xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\"><saml2:AttributeStatement><saml2:Attribute Name=\"groups\">"
            + values + "</saml2:Attribute></saml2:AttributeStatement></saml2:Assertion>"
        #expect(xml.utf8.count < 256 * 1024)
        try Self.parse(xml)
    }
}

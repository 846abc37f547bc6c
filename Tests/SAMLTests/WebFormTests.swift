import Foundation
@_spi(Integrations) import SAML
import Testing

/// The form parser the framework integrations share (`application/x-www-form-urlencoded`, on bytes).
@Suite("WebForm")
struct WebFormTests {
    static func parse(_ text: String) -> [String: String] { WebForm.parse(Array(text.utf8)) }

    @Test func decodesPlusAndPercentEscapes() {
        #expect(Self.parse("SAMLResponse=PHg%2B%2F%3D+x&RelayState=a%20b") == ["SAMLResponse": "PHg+/= x", "RelayState": "a b"])
        #expect(Self.parse("a=%C3%A9") == ["a": "é"])
        #expect(Self.parse("") == [:])
        #expect(Self.parse("a&b=&=c") == ["a": "", "b": "", "": "c"])
    }

    @Test func theFirstOfARepeatedFieldWins() {
        #expect(Self.parse("a=1&a=2") == ["a": "1"])
    }

    @Test func anUndecodableValueOrNameLeavesTheFieldOut() {
        for bad in ["a=%4", "a=%", "a=%zz", "a=%FF", "a=%C3"] { #expect(Self.parse(bad) == [:], "\(bad)") }
        #expect(Self.parse("%zz=1&b=2") == ["b": "2"])
        // The next occurrence of a field whose first value did not decode is taken.
        #expect(Self.parse("a=%zz&a=ok") == ["a": "ok"])
    }

    @Test func aLargeFieldDecodesInOnePass() {
        let value = String(repeating: "QUJD%2B", count: 100_000)
        let fields = Self.parse("SAMLResponse=" + value)
        #expect(fields["SAMLResponse"]?.utf8.count == 500_000)
    }
}

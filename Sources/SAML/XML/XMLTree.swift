import Foundation
internal import CXMLSec
internal import CXMLSecShims

/// Namespace-exact reads over libxml2 nodes. Every function takes nodes of a document kept alive by the caller's scope
/// (`ParsedXML.withRoot`, `XMLNode.withPointer`): no raw node outlives that scope.
enum XMLTree {
    @inline(__always)
    static func isElement(_ node: xmlNodePtr, _ namespace: StaticString, _ name: StaticString) -> Bool {
        guard node.pointee.type == XML_ELEMENT_NODE, let ns = node.pointee.ns, let href = ns.pointee.href,
              let local = node.pointee.name else { return false }
        return equals(local, name) && equals(href, namespace)
    }

    @inline(__always)
    static func isInNamespace(_ node: xmlNodePtr, _ namespace: StaticString) -> Bool {
        guard node.pointee.type == XML_ELEMENT_NODE, let ns = node.pointee.ns, let href = ns.pointee.href else { return false }
        return equals(href, namespace)
    }

    /// `xmlStrEqual` inlined: a NUL-terminated libxml2 string against a constant. The constant holds no NUL, so a
    /// shorter `text` differs at its terminator and nothing past it is read.
    @inline(__always)
    static func equals(_ text: UnsafePointer<xmlChar>, _ constant: StaticString) -> Bool {
        let expected = constant.utf8Start
        let count = constant.utf8CodeUnitCount
        var i = 0
        while i < count {
            if text[i] != expected[i] { return false }
            i += 1
        }
        return text[count] == 0
    }

    static func localName(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    static func namespaceURI(_ node: xmlNodePtr) -> String? {
        node.pointee.ns?.pointee.href.map { String(cString: $0) }
    }

    /// `{namespace}local` for error payloads.
    static func qualifiedName(_ node: xmlNodePtr) -> String {
        if node.pointee.type == XML_DOCUMENT_NODE { return "#document" }
        if let ns = namespaceURI(node) { return "{\(ns)}\(localName(node))" }
        return localName(node)
    }

    /// Element children, in document order.
    static func children(_ node: xmlNodePtr) -> ElementChildren { ElementChildren(first: node.pointee.children) }

    static func firstChild(_ node: xmlNodePtr, _ namespace: StaticString, _ name: StaticString) -> xmlNodePtr? {
        var cur = node.pointee.children
        while let c = cur {
            if isElement(c, namespace, name) { return c }
            cur = c.pointee.next
        }
        return nil
    }

    static func childrenNamed(_ node: xmlNodePtr, _ namespace: StaticString, _ name: StaticString) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var cur = node.pointee.children
        while let c = cur {
            if isElement(c, namespace, name) { result.append(c) }
            cur = c.pointee.next
        }
        return result
    }

    static func countChildren(_ node: xmlNodePtr, _ namespace: StaticString, _ name: StaticString) -> Int {
        var count = 0
        var cur = node.pointee.children
        while let c = cur {
            if isElement(c, namespace, name) { count += 1 }
            cur = c.pointee.next
        }
        return count
    }

    /// An attribute without a namespace, or nil when absent.
    static func attribute(_ node: xmlNodePtr, _ name: StaticString) -> String? {
        guard let attr = xmlHasNsProp(node, name.utf8Start, nil) else { return nil }
        return attributeValue(attr)
    }

    /// An attribute's xs:dateTime, read in place from libxml2's text when the value is one text node (always, for
    /// attributes without entity references); nil when absent.
    static func dateAttribute(_ node: xmlNodePtr, _ name: StaticString) throws -> Date? {
        guard let attr = xmlHasNsProp(node, name.utf8Start, nil) else { return nil }
        if let only = attr.pointee.children, only.pointee.next == nil, let content = only.pointee.content {
            guard let date = XSDateTime.parse(utf8: UnsafeBufferPointer(start: content, count: strlen(content))) else {
                throw SAMLError.invalidTime(String(cString: content))
            }
            return date
        }
        return try XSDateTime.parse(attributeValue(attr))
    }

    static func attributeValue(_ attr: xmlAttrPtr) -> String {
        // Fast path: the usual single text child becomes the String directly (no empty String grown by appending).
        if let only = attr.pointee.children, only.pointee.next == nil {
            return only.pointee.content.map { String(cString: $0) } ?? ""
        }
        var text = ""
        var cur = attr.pointee.children
        while let c = cur {
            if let content = c.pointee.content { text += String(cString: content) }
            cur = c.pointee.next
        }
        return text
    }

    /// All text of an element: every text and CDATA descendant concatenated; comments and processing
    /// instructions contribute nothing and never split a value (the 2017 comment-injection attacks).
    static func text(_ node: xmlNodePtr) -> String {
        // Fast path: a single text child.
        if let only = node.pointee.children, only.pointee.next == nil, only.pointee.type == XML_TEXT_NODE, let content = only.pointee.content {
            return String(cString: content)
        }
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { cxmlsec_free(content) }
        return String(cString: content)
    }

    /// `trimmedText(node).isEmpty`, answered in place when the element holds a single text node.
    static func hasText(_ node: xmlNodePtr) -> Bool {
        if let only = node.pointee.children, only.pointee.next == nil, only.pointee.type == XML_TEXT_NODE, var p = only.pointee.content {
            while p.pointee != 0 {
                if !isXMLSpace(p.pointee) { return true }
                p += 1
            }
            return false
        }
        return !trimmedText(node).isEmpty
    }

    static func trimmedText(_ node: xmlNodePtr) -> String {
        trimmed(text(node))
    }

    /// XML's white space (saml-core and XML 1.0 §2.3: space, tab, CR, LF), and nothing else.
    @inline(__always)
    static func isXMLSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// `value` without leading and trailing XML white space (space, tab, CR, LF). Nothing else is trimmed: U+00A0,
    /// U+2028, U+0085 and the other Unicode spaces are part of the value, so a padded Audience or Issuer does not
    /// match, and a NameID comes back as exactly the string the IdP signed.
    static func trimmed(_ value: String) -> String {
        enum Outcome { case unchanged, empty, slice(Int, Int) }
        var copy = value
        let outcome = copy.withUTF8 { bytes -> Outcome in
            var start = 0, end = bytes.count
            while start < end, isXMLSpace(bytes[start]) { start += 1 }
            if start == end { return .empty }
            while isXMLSpace(bytes[end - 1]) { end -= 1 }
            return start == 0 && end == bytes.count ? .unchanged : .slice(start, end)
        }
        switch outcome {
        case .unchanged: return value
        case .empty: return ""
        case .slice(let start, let end):
            return copy.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
        }
    }

    /// Deepest element nesting below `node` (node itself is depth 1); stops counting once past `stopAbove`.
    static func maxDepth(from node: xmlNodePtr, stopAbove: Int) -> Int {
        var depth = 1
        var deepest = 1
        var cur: xmlNodePtr = node
        while true {
            if let child = firstElementChild(cur) {
                cur = child
                depth += 1
                if depth > deepest {
                    deepest = depth
                    if deepest > stopAbove { return deepest }
                }
                continue
            }
            // Climb until a next sibling element exists.
            while true {
                if cur == node { return deepest }
                if let sibling = nextElementSibling(cur) { cur = sibling; break }
                guard let parent = cur.pointee.parent else { return deepest }
                cur = parent
                depth -= 1
            }
        }
    }

    @inline(__always)
    static func firstElementChild(_ node: xmlNodePtr) -> xmlNodePtr? {
        var cur = node.pointee.children
        while let c = cur {
            if c.pointee.type == XML_ELEMENT_NODE { return c }
            cur = c.pointee.next
        }
        return nil
    }

    @inline(__always)
    static func nextElementSibling(_ node: xmlNodePtr) -> xmlNodePtr? {
        var cur = node.pointee.next
        while let c = cur {
            if c.pointee.type == XML_ELEMENT_NODE { return c }
            cur = c.pointee.next
        }
        return nil
    }
}

struct ElementChildren: Sequence, IteratorProtocol {
    var current: xmlNodePtr?
    init(first: xmlNodePtr?) { current = first }
    mutating func next() -> xmlNodePtr? {
        while let c = current {
            current = c.pointee.next
            if c.pointee.type == XML_ELEMENT_NODE { return c }
        }
        return nil
    }
}

/// Escaping for XML text and attribute values (used by every string the library writes into XML).
enum XMLEscape {
    static func text(_ value: String) -> String { escape(value, quotes: false) }
    static func attribute(_ value: String) -> String { escape(value, quotes: true) }

    private static func escape(_ value: String, quotes: Bool) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "'" where quotes: out += "&apos;"
            case "\n" where quotes: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t" where quotes: out += "&#9;"
            default:
                // Characters XML 1.0 cannot carry are dropped rather than emitted as invalid markup.
                let v = scalar.value
                if v < 0x20 && v != 0x9 && v != 0xA && v != 0xD { continue }
                if v == 0xFFFE || v == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Escaping for HTML text and attribute values (the POST-binding form, and the framework modules' error pages
/// through the `Integrations` SPI).
@_spi(Integrations) public enum HTMLEscape {
    /// `value` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    public static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

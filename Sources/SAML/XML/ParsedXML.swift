import Foundation
internal import CXMLSec
internal import CXMLSecShims

/// Limits applied to every document the library parses: protocol messages, metadata and decrypted assertions alike.
///
/// Besides the size, a scan of the raw bytes before libxml2 parses them (linear, allocation-free) bounds what the
/// parser, canonicalisation and the library's own walks spend work on per node, so that no input under the size cap
/// costs much more than a valid document of its size: attributes and namespace declarations per element, namespace
/// declarations in scope, the number of nodes for the input's size, and the nesting depth.
public struct XMLParsingLimits: Sendable, Hashable {
    /// Largest accepted document, in bytes.
    public var maxBytes: Int
    /// Deepest accepted element nesting (the root is at depth 1).
    public var maxDepth: Int
    /// The most attributes one element may carry, not counting namespace declarations (default 32).
    public var maxAttributesPerElement: Int
    /// The most namespace declarations (`xmlns`, `xmlns:p`) one element may carry (default 32).
    public var maxNamespaceDeclarationsPerElement: Int
    /// The most namespace declarations in scope at one element: its own and its ancestors' (default 64).
    public var maxNamespaceDeclarationsInScope: Int
    /// The node budget's fixed part (default 1,024); see ``maxNodes(forBytes:)``.
    public var baseNodes: Int
    /// The node budget's bytes per node beyond ``baseNodes`` (default 32); see ``maxNodes(forBytes:)``.
    public var bytesPerNode: Int

    /// Creates limits.
    /// - Parameters:
    ///   - maxBytes: the largest accepted document, in bytes.
    ///   - maxDepth: the deepest accepted element nesting (default 32; real documents nest at most about 12 deep).
    ///   - maxAttributesPerElement: the most attributes per element, namespace declarations not counted (default 32).
    ///   - maxNamespaceDeclarationsPerElement: the most namespace declarations per element (default 32).
    ///   - maxNamespaceDeclarationsInScope: the most namespace declarations in scope at one element (default 64).
    ///   - baseNodes: the node budget's fixed part (default 1,024).
    ///   - bytesPerNode: the node budget's bytes per node (default 32).
    public init(
        maxBytes: Int, maxDepth: Int = 32, maxAttributesPerElement: Int = 32, maxNamespaceDeclarationsPerElement: Int = 32,
        maxNamespaceDeclarationsInScope: Int = 64, baseNodes: Int = 1024, bytesPerNode: Int = 32
    ) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxAttributesPerElement = maxAttributesPerElement
        self.maxNamespaceDeclarationsPerElement = maxNamespaceDeclarationsPerElement
        self.maxNamespaceDeclarationsInScope = maxNamespaceDeclarationsInScope
        self.baseNodes = baseNodes
        self.bytesPerNode = bytesPerNode
    }

    /// The most nodes (elements, attributes, namespace declarations, comments, processing instructions, CDATA
    /// sections) a document of `bytes` bytes may have: ``baseNodes`` + `bytes` / ``bytesPerNode``. A real SAML
    /// message spends far more than 32 bytes per node (names, values, base64); markup made of empty elements spends 4.
    /// - Parameters:
    ///   - bytes: the document's size in bytes.
    /// - Returns: the node budget.
    public func maxNodes(forBytes bytes: Int) -> Int {
        baseNodes + bytes / max(1, bytesPerNode)
    }

    /// Defaults for SAML protocol messages: 256 KiB, depth 32, the scan's defaults.
    public static let messages = XMLParsingLimits(maxBytes: 256 * 1024, maxDepth: 32)
    /// Defaults for metadata: 16 MiB (federation aggregates are large), depth 32, the scan's defaults.
    public static let metadata = XMLParsingLimits(maxBytes: 16 * 1024 * 1024, maxDepth: 32)
}

/// Owns one parsed libxml2 document; freed when the last reference goes. Not `Sendable`: it lives inside one call.
/// (Named so as not to shadow Foundation's `XMLDocument` on macOS.)
///
/// Its nodes are reached only while it is alive: through ``withRoot(_:)`` (scoped) or as an ``XMLNode`` (a value
/// that holds the document). A raw `xmlNodePtr` never leaves such a scope.
final class ParsedXML {
    let pointer: xmlDocPtr

    /// Parses `bytes` the one secure way (see `cxmlsec_parse_secure`): DOCTYPE rejected, no entities, no network.
    /// - Parameter checkDepth: walk the tree to enforce `limits.maxDepth` (callers that walk anyway pass false).
    init(parsing bytes: UnsafeRawBufferPointer, limits: XMLParsingLimits, checkDepth: Bool = true) throws {
        ensureLibrariesInitialized()
        guard bytes.count > 0 else { throw SAMLError.emptyInput }
        guard bytes.count <= limits.maxBytes else { throw SAMLError.inputTooLarge(limit: limits.maxBytes, size: bytes.count) }
        guard bytes.count <= Int(Int32.max) else { throw SAMLError.inputTooLarge(limit: Int(Int32.max), size: bytes.count) }
        try EncodingCheck.check(bytes)
        try MarkupScan.check(bytes, limits: limits)
        var result = cxmlsec_parse_result()
        let doc = cxmlsec_parse_secure(bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count), &result)
        guard let doc else {
            if result.sawDoctype != 0 { throw SAMLError.doctypeForbidden }
            // libxml2's own nesting limit, recognised by its error code and the parser's depth (not by message text).
            if result.tooDeep != 0 { throw SAMLError.documentTooDeep(limit: limits.maxDepth) }
            let message = withUnsafeBytes(of: result.message) { raw -> String in
                let chars = raw.bindMemory(to: CChar.self)
                return String(cString: chars.baseAddress!).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            throw SAMLError.malformedXML(detail: message.isEmpty ? "parser error \(result.errorCode)" : "line \(result.errorLine): \(message)")
        }
        self.pointer = doc
        if let encoding = doc.pointee.encoding,
           xmlStrcasecmp(encoding, "UTF-8") != 0 && xmlStrcasecmp(encoding, "UTF8") != 0 && xmlStrncasecmp(encoding, "UTF-16", 6) != 0 {
            throw SAMLError.unsupportedEncoding(String(cString: encoding).uppercased())
        }
        guard let root = xmlDocGetRootElement(doc) else { throw SAMLError.malformedXML(detail: "no root element") }
        if checkDepth {
            let depth = XMLTree.maxDepth(from: root, stopAbove: limits.maxDepth)
            if depth > limits.maxDepth { throw SAMLError.documentTooDeep(limit: limits.maxDepth) }
        }
    }

    /// Parses any byte collection (see the designated initializer).
    static func parse(_ data: some Collection<UInt8>, limits: XMLParsingLimits, checkDepth: Bool = true) throws -> ParsedXML {
        if let done = try data.withContiguousStorageIfAvailable({ buffer in
            try ParsedXML(parsing: UnsafeRawBufferPointer(buffer), limits: limits, checkDepth: checkDepth)
        }) {
            return done
        }
        return try Array(data).withUnsafeBytes { try ParsedXML(parsing: $0, limits: limits, checkDepth: checkDepth) }
    }

    /// The root element as a node value (a parsed document always has one: parsing refuses a document without).
    var root: XMLNode { XMLNode(document: self, pointer: xmlDocGetRootElement(pointer)!) }

    /// Runs `body` with the root element; the document lives at least until `body` returns.
    func withRoot<R>(_ body: (xmlNodePtr) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(xmlDocGetRootElement(pointer)!) }
    }

    deinit {
        xmlFreeDoc(pointer)
    }

    /// The document serialised as UTF-8 with an XML declaration.
    func serialized() throws -> [UInt8] {
        var out: UnsafeMutablePointer<xmlChar>?
        let size = cxmlsec_dump_document(pointer, &out)
        guard size >= 0, let out else { throw SAMLError.signingFailed("serialisation failed") }
        defer { cxmlsec_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(size)))
    }

    /// Exclusive canonical XML (no comments) of one element's subtree.
    func canonicalXML(of node: xmlNodePtr) -> String? {
        var out: UnsafeMutablePointer<xmlChar>?
        let size = cxmlsec_c14n_subtree_memory(pointer, node, &out)
        guard size >= 0, let out else { return nil }
        defer { cxmlsec_free(out) }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(size)), as: UTF8.self)
    }
}

/// An element of a parsed document, holding its document: the node cannot outlive what it points into. Values of
/// this type cross function boundaries (a decrypted assertion, a logout message's root); inside one function,
/// ``withPointer(_:)`` scopes the raw pointer.
struct XMLNode {
    let document: ParsedXML
    let pointer: xmlNodePtr

    /// Runs `body` with the node's pointer; the document lives at least until `body` returns.
    @inline(__always)
    func withPointer<R>(_ body: (xmlNodePtr) throws -> R) rethrows -> R {
        try withExtendedLifetime(document) { try body(pointer) }
    }
}

/// The bounds of ``XMLParsingLimits`` that the scan of the raw bytes enforces before libxml2 parses them
/// (`cxmlsec_scan_markup`, one linear, allocation-free pass). UTF-16 input (rare) is scanned as its UTF-8 transcoding,
/// so the same limits hold whatever the encoding.
enum MarkupScan {
    /// - Throws: ``SAMLError/tooManyAttributes(limit:)``, ``SAMLError/tooManyNamespaceDeclarations(limit:)``,
    ///   ``SAMLError/tooManyNodes(limit:)``, ``SAMLError/documentTooDeep(limit:)``.
    static func check(_ bytes: UnsafeRawBufferPointer, limits: XMLParsingLimits) throws {
        guard bytes.count > 0 else { return }
        func clamp(_ value: Int) -> Int32 { Int32(clamping: max(0, value)) }
        // The budget counts the input's own bytes (a UTF-16 document is scanned as UTF-8, never with a larger one).
        let maxNodes = limits.maxNodes(forBytes: bytes.count)
        var markup = cxmlsec_markup_limits(
            maxNodes: maxNodes,
            maxAttributesPerElement: clamp(limits.maxAttributesPerElement),
            maxNamespacesPerElement: clamp(limits.maxNamespaceDeclarationsPerElement),
            maxNamespacesInScope: clamp(limits.maxNamespaceDeclarationsInScope),
            maxDepth: clamp(limits.maxDepth))
        let outcome: Int32
        if case .utf16(let bigEndian, let bom) = EncodingCheck.form(of: bytes) {
            let utf8 = transcodeUTF16(bytes, bigEndian: bigEndian, skip: bom ? 2 : 0)
            outcome = utf8.withUnsafeBufferPointer { cxmlsec_scan_markup($0.baseAddress, $0.count, &markup) }
        } else {
            outcome = cxmlsec_scan_markup(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count, &markup)
        }
        switch Int(outcome) {
        case Int(CXMLSEC_MARKUP_OK): return
        case Int(CXMLSEC_MARKUP_NODES): throw SAMLError.tooManyNodes(limit: maxNodes)
        case Int(CXMLSEC_MARKUP_ATTRIBUTES): throw SAMLError.tooManyAttributes(limit: limits.maxAttributesPerElement)
        case Int(CXMLSEC_MARKUP_NAMESPACES):
            throw SAMLError.tooManyNamespaceDeclarations(limit: limits.maxNamespaceDeclarationsPerElement)
        case Int(CXMLSEC_MARKUP_NAMESPACES_IN_SCOPE):
            throw SAMLError.tooManyNamespaceDeclarations(limit: limits.maxNamespaceDeclarationsInScope)
        default: throw SAMLError.documentTooDeep(limit: limits.maxDepth)
        }
    }

    /// UTF-16 code units (after a BOM, if any) as UTF-8; an unpaired surrogate becomes U+FFFD (markup is ASCII, so
    /// the counts are unchanged; the parser refuses the document anyway).
    static func transcodeUTF16(_ bytes: UnsafeRawBufferPointer, bigEndian: Bool, skip: Int) -> [UInt8] {
        let b = bytes.bindMemory(to: UInt8.self)
        var units: [UInt16] = []
        units.reserveCapacity(b.count / 2)
        var i = skip
        while i + 1 < b.count {
            units.append(bigEndian ? UInt16(b[i]) << 8 | UInt16(b[i + 1]) : UInt16(b[i + 1]) << 8 | UInt16(b[i]))
            i += 2
        }
        var out: [UInt8] = []
        out.reserveCapacity(units.count * 3 / 2)
        _ = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: false) { out.append($0) }
        return out
    }
}

/// What the parser must not be left to decide: a NUL character (libxml2 stops reading at it, so bytes after it would
/// be invisible to the library but not to other parsers or log readers) and a byte-order mark that contradicts the
/// XML declaration's encoding. Linear in the input (`memchr` for UTF-8).
enum EncodingCheck {
    enum Form: Equatable {
        case utf8(bom: Bool)
        case utf16(bigEndian: Bool, bom: Bool)
    }

    static func form(of bytes: UnsafeRawBufferPointer) -> Form {
        let b = bytes.bindMemory(to: UInt8.self)
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return .utf8(bom: true) }
        if b.count >= 2, b[0] == 0xFF, b[1] == 0xFE { return .utf16(bigEndian: false, bom: true) }
        if b.count >= 2, b[0] == 0xFE, b[1] == 0xFF { return .utf16(bigEndian: true, bom: true) }
        if b.count >= 2, b[0] == 0x3C, b[1] == 0x00 { return .utf16(bigEndian: false, bom: false) }
        if b.count >= 2, b[0] == 0x00, b[1] == 0x3C { return .utf16(bigEndian: true, bom: false) }
        return .utf8(bom: false)
    }

    static func check(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let form = form(of: bytes)
        let b = bytes.bindMemory(to: UInt8.self)
        var ascii: [UInt8] = []  // the first characters as ASCII, for the declaration
        switch form {
        case .utf8(let bom):
            if let nul = memchr(base, 0, bytes.count) { throw SAMLError.nulCharacter(offset: base.distance(to: UnsafeRawPointer(nul))) }
            ascii = Array(b[(bom ? 3 : 0)..<min(b.count, 256)])
        case .utf16(let bigEndian, let bom):
            var i = bom ? 2 : 0
            while i + 1 < b.count {
                let unit = bigEndian ? UInt16(b[i]) << 8 | UInt16(b[i + 1]) : UInt16(b[i + 1]) << 8 | UInt16(b[i])
                if unit == 0 { throw SAMLError.nulCharacter(offset: i) }
                if ascii.count < 256 { ascii.append(unit < 0x80 ? UInt8(unit) : 0x3F) }
                i += 2
            }
        }
        guard let declared = declaredEncoding(ascii) else { return }
        let upper = String(decoding: declared.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
        switch form {
        case .utf8(bom: true):
            guard upper == "UTF-8" || upper == "UTF8" else { throw SAMLError.encodingMismatch(byteOrderMark: "UTF-8", declared: declared) }
        case .utf16(let bigEndian, bom: true):
            guard upper.hasPrefix("UTF-16") else {
                throw SAMLError.encodingMismatch(byteOrderMark: bigEndian ? "UTF-16BE" : "UTF-16LE", declared: declared)
            }
        default:
            return
        }
    }

    /// The `encoding` pseudo-attribute of an XML declaration at the start of `text` (ASCII), if any.
    static func declaredEncoding(_ text: [UInt8]) -> String? {
        guard text.starts(with: Array("<?xml".utf8)) else { return nil }
        let end = text.firstRange(of: Array("?>".utf8))?.lowerBound ?? text.count
        let declaration = text[..<end]
        guard let key = declaration.firstRange(of: Array("encoding".utf8)) else { return nil }
        var i = key.upperBound
        while i < declaration.endIndex, XMLTree.isXMLSpace(declaration[i]) { i += 1 }
        guard i < declaration.endIndex, declaration[i] == UInt8(ascii: "=") else { return nil }
        i += 1
        while i < declaration.endIndex, XMLTree.isXMLSpace(declaration[i]) { i += 1 }
        guard i < declaration.endIndex, declaration[i] == UInt8(ascii: "\"") || declaration[i] == UInt8(ascii: "'") else { return nil }
        let quote = declaration[i]
        let start = i + 1
        guard let close = declaration[start...].firstIndex(of: quote) else { return nil }
        return String(decoding: declaration[start..<close], as: UTF8.self)
    }
}

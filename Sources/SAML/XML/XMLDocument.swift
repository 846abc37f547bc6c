import Foundation
internal import CXMLSec

/// Limits applied to every document the library parses.
public struct XMLParsingLimits: Sendable, Hashable {
    /// Largest accepted document, in bytes.
    public var maxBytes: Int
    /// Deepest accepted element nesting.
    public var maxDepth: Int

    public init(maxBytes: Int, maxDepth: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    /// Defaults for SAML protocol messages: 256 KiB, depth 64.
    public static let messages = XMLParsingLimits(maxBytes: 256 * 1024, maxDepth: 64)
    /// Defaults for metadata: 16 MiB (federation aggregates are large), depth 64.
    public static let metadata = XMLParsingLimits(maxBytes: 16 * 1024 * 1024, maxDepth: 64)
}

/// Owns one parsed libxml2 document; freed when the last reference goes. Not `Sendable`: it lives inside one call.
final class XMLDocument {
    let pointer: xmlDocPtr

    /// Parses `bytes` the one secure way (see `cxmlsec_parse_secure`): DOCTYPE rejected, no entities, no network.
    /// - Parameter checkDepth: walk the tree to enforce `limits.maxDepth` (callers that walk anyway pass false).
    init(parsing bytes: UnsafeRawBufferPointer, limits: XMLParsingLimits, checkDepth: Bool = true) throws {
        ensureLibrariesInitialized()
        guard bytes.count > 0 else { throw SAMLError.emptyInput }
        guard bytes.count <= limits.maxBytes else { throw SAMLError.inputTooLarge(limit: limits.maxBytes, size: bytes.count) }
        guard bytes.count <= Int(Int32.max) else { throw SAMLError.inputTooLarge(limit: Int(Int32.max), size: bytes.count) }
        var result = cxmlsec_parse_result()
        let doc = cxmlsec_parse_secure(bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count), &result)
        guard let doc else {
            if result.sawDoctype != 0 { throw SAMLError.doctypeForbidden }
            let message = withUnsafeBytes(of: result.message) { raw -> String in
                let chars = raw.bindMemory(to: CChar.self)
                return String(cString: chars.baseAddress!).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if message.contains("Excessive depth") { throw SAMLError.documentTooDeep(limit: limits.maxDepth) }
            throw SAMLError.malformedXML(detail: message.isEmpty ? "parser error \(result.errorCode)" : "line \(result.errorLine): \(message)")
        }
        self.pointer = doc
        if let encoding = doc.pointee.encoding,
           xmlStrcasecmp(encoding, "UTF-8") != 0 && xmlStrcasecmp(encoding, "UTF8") != 0 && xmlStrncasecmp(encoding, "UTF-16", 6) != 0 {
            throw SAMLError.unsupportedEncoding(String(cString: encoding).uppercased())
        }
        guard root != nil else { throw SAMLError.malformedXML(detail: "no root element") }
        if checkDepth {
            let depth = XMLTree.maxDepth(from: root!, stopAbove: limits.maxDepth)
            if depth > limits.maxDepth { throw SAMLError.documentTooDeep(limit: limits.maxDepth) }
        }
    }

    /// Parses any byte collection (see the designated initializer).
    static func parse(_ data: some Collection<UInt8>, limits: XMLParsingLimits, checkDepth: Bool = true) throws -> XMLDocument {
        if let done = try data.withContiguousStorageIfAvailable({ buffer in
            try XMLDocument(parsing: UnsafeRawBufferPointer(buffer), limits: limits, checkDepth: checkDepth)
        }) {
            return done
        }
        return try Array(data).withUnsafeBytes { try XMLDocument(parsing: $0, limits: limits, checkDepth: checkDepth) }
    }

    deinit {
        xmlFreeDoc(pointer)
    }

    var root: xmlNodePtr? { xmlDocGetRootElement(pointer) }

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

import Foundation
internal import CXMLSec

/// The one ID and signature-placement walk: a single pass over every element of a document that decides which
/// elements carry an ID, where a `ds:Signature` may sit, and registers exactly those IDs with libxml2 (so that
/// xmlsec resolves `#ID` to them and to nothing else). Responses, logout messages and signed metadata all go
/// through it, each with its ``Profile``.
///
/// What it refuses, in this order: an element deeper than `maxDepth` (``SAMLError/documentTooDeep(limit:)``), an
/// `xml:id` (``SAMLError/xmlIDForbidden``; in metadata only one carrying the registered ID), a signable element
/// without an NCName `ID` (``SAMLError/invalidID(_:)``), two with one `ID` or another element's `ID`/`Id`/`id`
/// carrying a registered value (``SAMLError/duplicateID(_:)``), a Signature anywhere but under a signable element
/// (``SAMLError/signatureMisplaced(parent:)``, unless the profile ignores them), two Signatures under one element
/// (``SAMLError/multipleSignatures``); for responses also a nested Response and anything but exactly one Assertion
/// (or EncryptedAssertion) under the root, Assertions elsewhere only inside `saml:Advice`.
///
/// Linear in the document: iterative (depth is attacker-controlled), one name comparison per element.
struct StructureWalk {
    /// Which elements of a document may carry an ID and a Signature, and what becomes of the others.
    struct Profile {
        enum Signable {
            /// Every `samlp:Response` and `saml:Assertion` (the Assertions inside Advice included).
            case responsesAndAssertions
            /// The root element only (a logout message, an EntityDescriptor or EntitiesDescriptor).
            case root
        }

        enum OtherSignatures {
            /// A Signature under any other element is ``SAMLError/signatureMisplaced(parent:)``.
            case misplaced
            /// Signatures under other elements are neither checked nor used (a metadata aggregate's per-entity
            /// signatures: the root's signature covers them).
            case ignored
        }

        let signable: Signable
        let otherSignatures: OtherSignatures
        /// Every `xml:id` is refused (protocol messages); otherwise only one carrying a registered ID.
        let forbidsEveryXMLID: Bool

        /// `samlp:Response` (or a decrypted assertion's wrapper): exactly one top-level Assertion is also required.
        static let response = Profile(signable: .responsesAndAssertions, otherSignatures: .misplaced, forbidsEveryXMLID: true)
        /// `samlp:LogoutRequest` and `samlp:LogoutResponse`: one signature, the root's.
        static let logoutMessage = Profile(signable: .root, otherSignatures: .misplaced, forbidsEveryXMLID: true)
        /// A signed EntityDescriptor or EntitiesDescriptor: the root's signature; nested ones are not used.
        static let metadata = Profile(signable: .root, otherSignatures: .ignored, forbidsEveryXMLID: false)
    }

    let document: ParsedXML
    /// The one top-level Assertion or EncryptedAssertion (``Profile/response`` only; nil otherwise).
    let assertion: xmlNodePtr?
    private let ids: [String: xmlNodePtr]

    init(document doc: ParsedXML, root: xmlNodePtr, profile: Profile, maxDepth: Int) throws {
        self.document = doc
        let findsAssertions = profile.signable == .responsesAndAssertions
        var xmlIDs: [String] = []
        var invalidID: String??
        var duplicate: String?
        var ids: [String: xmlNodePtr] = [:]
        var otherIDValues: [(String, xmlNodePtr)] = []
        var misplacedSignature: xmlNodePtr?
        var doubleSigned = false
        var nestedResponse: xmlNodePtr?
        var topLevel: [xmlNodePtr] = []
        var misplacedAssertion: xmlNodePtr?

        // Iterative pre-order walk with an explicit depth (no recursion: depth is attacker-controlled).
        var node: xmlNodePtr? = root
        var depth = 1
        while let current = node {
            if depth > maxDepth { throw SAMLError.documentTooDeep(limit: maxDepth) }
            // Attributes: xml:id anywhere; ID-like attributes remembered for collision checks.
            var attr = current.pointee.properties
            while let a = attr {
                let name = a.pointee.name
                if let ns = a.pointee.ns, let href = ns.pointee.href {
                    if xmlStrEqual(href, NS.xmlURI.utf8Start) != 0 && xmlStrEqual(name, "id") != 0 { xmlIDs.append(XMLTree.attributeValue(a)) }
                    else if let name, xmlStrcasecmp(name, "id") == 0 { otherIDValues.append((XMLTree.attributeValue(a), current)) }
                } else if let name, xmlStrcasecmp(name, "id") == 0 {
                    otherIDValues.append((XMLTree.attributeValue(a), current))
                }
                attr = a.pointee.next
            }
            let kind = StructureWalk.kind(of: current)
            let signable: Bool
            switch profile.signable {
            case .responsesAndAssertions: signable = kind == .response || kind == .assertion
            case .root: signable = current == root
            }
            if signable {
                if let value = XMLTree.attribute(current, "ID") {
                    if !RequestID.isNCName(value) { if invalidID == nil { invalidID = .some(value) } }
                    else if ids[value] != nil { if duplicate == nil { duplicate = value } }
                    else { ids[value] = current }
                } else if invalidID == nil {
                    invalidID = .some(nil)
                }
            }
            if findsAssertions {
                if kind == .response && current != root && nestedResponse == nil { nestedResponse = current }
                if kind == .assertion || kind == .encryptedAssertion {
                    if current.pointee.parent == root {
                        topLevel.append(current)
                    } else if !StructureWalk.insideAdvice(current, root: root), misplacedAssertion == nil {
                        misplacedAssertion = current
                    }
                }
            }
            if kind == .signature {
                let parent = current.pointee.parent!
                let parentOK: Bool
                switch profile.signable {
                case .responsesAndAssertions:
                    parentOK = XMLTree.isElement(parent, NS.protocolURI, "Response") || XMLTree.isElement(parent, NS.assertionURI, "Assertion")
                case .root:
                    parentOK = parent == root
                }
                if parentOK || profile.otherSignatures == .misplaced {
                    if !parentOK, misplacedSignature == nil { misplacedSignature = parent }
                    // Counted once: after the first parent with two, no more sibling scans (linear in the document).
                    if !doubleSigned, XMLTree.countChildren(parent, NS.dsigURI, "Signature") > 1 { doubleSigned = true }
                }
            }
            // Next node in document order.
            if let child = XMLTree.firstElementChild(current) {
                node = child
                depth += 1
                continue
            }
            var climb: xmlNodePtr? = current
            node = nil
            while let c = climb, c != root {
                if let sibling = XMLTree.nextElementSibling(c) { node = sibling; break }
                climb = c.pointee.parent
                depth -= 1
            }
        }

        if profile.forbidsEveryXMLID ? !xmlIDs.isEmpty : xmlIDs.contains(where: { ids[$0] != nil }) { throw SAMLError.xmlIDForbidden }
        if let invalidID { throw SAMLError.invalidID(invalidID) }
        if let duplicate { throw SAMLError.duplicateID(duplicate) }
        for (value, owner) in otherIDValues {
            // `Id`, `id` or a second `ID` elsewhere carrying a registered value: libxml2 or xmlsec could resolve it.
            if let registered = ids[value], registered != owner { throw SAMLError.duplicateID(value) }
        }
        if let misplacedSignature { throw SAMLError.signatureMisplaced(parent: XMLTree.qualifiedName(misplacedSignature)) }
        if doubleSigned { throw SAMLError.multipleSignatures }
        if findsAssertions {
            if let nestedResponse { throw SAMLError.unexpectedElement(XMLTree.qualifiedName(nestedResponse)) }
            if topLevel.isEmpty { throw SAMLError.missingAssertion }
            if topLevel.count > 1 { throw SAMLError.multipleAssertions(count: topLevel.count) }
            if let misplacedAssertion {
                throw SAMLError.assertionMisplaced(parent: misplacedAssertion.pointee.parent.map(XMLTree.qualifiedName) ?? "")
            }
            self.assertion = topLevel[0]
        } else {
            self.assertion = nil
        }
        self.ids = ids

        // Register exactly these IDs with libxml2, so that xmlsec resolves `#ID` to them and to nothing else.
        for (value, owner) in ids {
            guard let attr = xmlHasNsProp(owner, "ID", nil), xmlAddID(nil, doc.pointer, value, attr) != nil else {
                throw SAMLError.duplicateID(value)
            }
        }
    }

    /// The registered ID of a signable element.
    func id(of node: xmlNodePtr) -> String {
        XMLTree.attribute(node, "ID") ?? ""
    }

    /// `#id` resolves (through libxml2's ID table, as xmlsec resolves it) to exactly `node`.
    func checkReferenceResolves(_ id: String, to node: xmlNodePtr) throws {
        guard let attr = xmlGetID(document.pointer, id), attr.pointee.parent == node else {
            throw SAMLError.referenceURIMismatch(expected: "#" + id, found: "#" + id)
        }
    }

    enum Kind { case response, assertion, encryptedAssertion, signature, other }

    /// What the walk looks for, with one name comparison per element: the first byte of the local name picks the
    /// only candidate, whose exact name and namespace are then compared (the same answer as `XMLTree.isElement`).
    @inline(__always)
    static func kind(of node: xmlNodePtr) -> Kind {
        guard node.pointee.type == XML_ELEMENT_NODE, let name = node.pointee.name else { return .other }
        switch name.pointee {
        case UInt8(ascii: "R"): return XMLTree.isElement(node, NS.protocolURI, "Response") ? .response : .other
        case UInt8(ascii: "A"): return XMLTree.isElement(node, NS.assertionURI, "Assertion") ? .assertion : .other
        case UInt8(ascii: "E"): return XMLTree.isElement(node, NS.assertionURI, "EncryptedAssertion") ? .encryptedAssertion : .other
        case UInt8(ascii: "S"): return XMLTree.isElement(node, NS.dsigURI, "Signature") ? .signature : .other
        default: return .other
        }
    }

    private static func insideAdvice(_ node: xmlNodePtr, root: xmlNodePtr) -> Bool {
        // Allowed: Response/Assertion/Advice/(Assertion/Advice/)*Assertion.
        var cur = node.pointee.parent
        var sawAdvice = false
        while let c = cur, c != root {
            if XMLTree.isElement(c, NS.assertionURI, "Advice") { sawAdvice = true }
            else if !XMLTree.isElement(c, NS.assertionURI, "Assertion") { return false }
            cur = c.pointee.parent
        }
        return sawAdvice
    }
}

import Foundation
internal import CXMLSec

/// Shared reading of metadata documents: the entity selection and the pieces every role descriptor has.
enum MetadataReader {
    static let saml2Protocol = "urn:oasis:names:tc:SAML:2.0:protocol"

    struct Entity {
        let node: xmlNodePtr
        let entityID: String
        /// validUntil and cacheDuration, the tightest of the descriptor's and its enclosing groups'.
        let validUntil: Date?
        let cacheDuration: TimeInterval?
    }

    /// Every EntityDescriptor in the document (the root, or inside nested EntitiesDescriptors). The nodes are valid
    /// while the caller's scope keeps the document alive (`ParsedXML.withRoot`).
    static func entities(under root: xmlNodePtr) throws -> [Entity] {
        var found: [Entity] = []
        func visit(_ node: xmlNodePtr, validUntil: Date?, cacheDuration: TimeInterval?) throws {
            let v = try tighter(validUntil, XMLTree.attribute(node, "validUntil").map { try XSDateTime.parse($0) })
            let c = tighterDuration(cacheDuration, XMLTree.attribute(node, "cacheDuration").flatMap(XSDuration.parse))
            if XMLTree.isElement(node, NS.metadataURI, "EntityDescriptor") {
                guard let id = XMLTree.attribute(node, "entityID").map(XMLTree.trimmed), !id.isEmpty else {
                    throw SAMLError.missingAttribute(element: "EntityDescriptor", attribute: "entityID")
                }
                found.append(Entity(node: node, entityID: id, validUntil: v, cacheDuration: c))
            } else if XMLTree.isElement(node, NS.metadataURI, "EntitiesDescriptor") {
                for child in XMLTree.children(node) {
                    if XMLTree.isElement(child, NS.metadataURI, "EntityDescriptor") || XMLTree.isElement(child, NS.metadataURI, "EntitiesDescriptor") {
                        try visit(child, validUntil: v, cacheDuration: c)
                    }
                }
            }
        }
        guard XMLTree.isElement(root, NS.metadataURI, "EntityDescriptor") || XMLTree.isElement(root, NS.metadataURI, "EntitiesDescriptor") else {
            throw SAMLError.unexpectedRoot(namespace: XMLTree.namespaceURI(root), name: XMLTree.localName(root))
        }
        try visit(root, validUntil: nil, cacheDuration: nil)
        // Two descriptors for one entityID: which key speaks for it cannot be decided (a federation member that
        // registered the victim's entityID ahead of it would otherwise be chosen).
        var seen: Set<ExactKey> = []
        for entity in found where !seen.insert(ExactKey(entity.entityID)).inserted {
            throw SAMLError.duplicateEntityID(entity.entityID)
        }
        return found
    }

    /// Picks the entity whose entityID is exactly `entityID` (by Unicode scalars: a look-alike with U+212A, an NFD
    /// spelling or a trailing U+00A0 is another entity), or the only one with a `role` descriptor.
    static func select(_ entities: [Entity], entityID: String?, role: StaticString, missing: SAMLError) throws -> (Entity, xmlNodePtr) {
        if let entityID {
            guard let entity = entities.first(where: { Exact.equal($0.entityID, entityID) }) else { throw SAMLError.entityNotFound(entityID) }
            guard let descriptor = roleDescriptor(entity.node, role) else { throw missing }
            return (entity, descriptor)
        }
        let candidates = entities.compactMap { e in roleDescriptor(e.node, role).map { (e, $0) } }
        if candidates.count == 1 { return candidates[0] }
        if candidates.isEmpty { throw missing }
        throw SAMLError.ambiguousEntity(candidates.map(\.0.entityID))
    }

    /// The first role descriptor of this kind that supports SAML 2.0.
    static func roleDescriptor(_ entity: xmlNodePtr, _ role: StaticString) -> xmlNodePtr? {
        for child in XMLTree.children(entity) where XMLTree.isElement(child, NS.metadataURI, role) {
            let protocols = XMLTree.attribute(child, "protocolSupportEnumeration") ?? ""
            if protocols.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).contains(where: { $0 == saml2Protocol }) {
                return child
            }
        }
        return nil
    }

    /// The most endpoints of one kind a role descriptor may list (real ones list a handful; SPs with many ACS URLs
    /// a few dozen). Each is a URL check, so a descriptor with a hundred thousand of them is refused before the checks.
    static let maxEndpoints = 1000

    static func endpointNodes(_ descriptor: xmlNodePtr, _ name: StaticString) throws -> [xmlNodePtr] {
        let nodes = XMLTree.childrenNamed(descriptor, NS.metadataURI, name)
        guard nodes.count <= maxEndpoints else { throw SAMLError.tooManyEndpoints(element: "\(name)", limit: maxEndpoints) }
        return nodes
    }

    static func endpoints(_ descriptor: xmlNodePtr, _ name: StaticString) throws -> [Endpoint] {
        try endpointNodes(descriptor, name).map { node in
            guard let binding = XMLTree.attribute(node, "Binding"), !binding.isEmpty else {
                throw SAMLError.missingAttribute(element: XMLTree.localName(node), attribute: "Binding")
            }
            guard let location = XMLTree.attribute(node, "Location") else {
                throw SAMLError.missingAttribute(element: XMLTree.localName(node), attribute: "Location")
            }
            let response = try XMLTree.attribute(node, "ResponseLocation").map(EndpointURL.validate)
            return Endpoint(binding: Binding(binding), location: try EndpointURL.validate(location), responseLocation: response)
        }
    }

    static func indexedEndpoints(_ descriptor: xmlNodePtr, _ name: StaticString) throws -> [IndexedEndpoint] {
        try endpointNodes(descriptor, name).map { node in
            guard let binding = XMLTree.attribute(node, "Binding"), !binding.isEmpty else {
                throw SAMLError.missingAttribute(element: XMLTree.localName(node), attribute: "Binding")
            }
            guard let location = XMLTree.attribute(node, "Location") else {
                throw SAMLError.missingAttribute(element: XMLTree.localName(node), attribute: "Location")
            }
            guard let indexText = XMLTree.attribute(node, "index"), let index = Int(XMLTree.trimmed(indexText)), index >= 0 else {
                throw SAMLError.missingAttribute(element: XMLTree.localName(node), attribute: "index")
            }
            let isDefault = XMLTree.attribute(node, "isDefault").map { $0 == "true" || $0 == "1" }
            return IndexedEndpoint(binding: Binding(binding), location: try EndpointURL.validate(location), index: index, isDefault: isDefault)
        }
    }

    /// Certificates of the descriptor's KeyDescriptors: `use="signing"` (or no use) and `use="encryption"` (or no use).
    /// The first X509Certificate of each X509Data is the one carrying the key.
    /// Further X509Certificates of an X509Data (chain material: intermediates) come back as `additional`, never as keys.
    static func certificates(_ descriptor: xmlNodePtr) throws -> (signing: [SAMLCertificate], encryption: [SAMLCertificate], additional: [SAMLCertificate]) {
        // Arrays keep the document's order; the sets, of the decoded bytes, make each duplicate check constant-time
        // and skip a repeated certificate before OpenSSL parses it again.
        var signing: [SAMLCertificate] = [], signingSeen: Set<[UInt8]> = []
        var encryption: [SAMLCertificate] = [], encryptionSeen: Set<[UInt8]> = []
        var additional: [SAMLCertificate] = [], additionalSeen: Set<[UInt8]> = []
        for keyDescriptor in XMLTree.childrenNamed(descriptor, NS.metadataURI, "KeyDescriptor") {
            let use = XMLTree.attribute(keyDescriptor, "use").map(XMLTree.trimmed)
            guard let keyInfo = XMLTree.firstChild(keyDescriptor, NS.dsigURI, "KeyInfo") else { continue }
            let forSigning = use == nil || Exact.equal(use, "signing")
            let forEncryption = use == nil || Exact.equal(use, "encryption")
            for x509Data in XMLTree.childrenNamed(keyInfo, NS.dsigURI, "X509Data") {
                let certNodes = XMLTree.childrenNamed(x509Data, NS.dsigURI, "X509Certificate")
                guard let certNode = certNodes.first else { continue }
                let bytes = try SAMLCertificate.decodeBase64(XMLTree.text(certNode))
                for extra in certNodes.dropFirst() {
                    let chainBytes = try SAMLCertificate.decodeBase64(XMLTree.text(extra))
                    if additionalSeen.insert(chainBytes).inserted { additional.append(try SAMLCertificate(decodedBase64: chainBytes)) }
                }
                let newForSigning = forSigning && signingSeen.insert(bytes).inserted
                let newForEncryption = forEncryption && encryptionSeen.insert(bytes).inserted
                guard newForSigning || newForEncryption else { continue }
                let certificate = try SAMLCertificate(decodedBase64: bytes)
                if newForSigning { signing.append(certificate) }
                if newForEncryption { encryption.append(certificate) }
            }
        }
        return (signing, encryption, additional)
    }

    static func nameIDFormats(_ descriptor: xmlNodePtr) -> [NameIDFormat] {
        XMLTree.childrenNamed(descriptor, NS.metadataURI, "NameIDFormat").map { NameIDFormat(XMLTree.trimmedText($0)) }
    }

    static func bool(_ node: xmlNodePtr, _ name: StaticString) -> Bool {
        guard let value = XMLTree.attribute(node, name).map(XMLTree.trimmed) else { return false }
        return value == "true" || value == "1"
    }

    private static func tighter(_ a: Date?, _ b: Date?) -> Date? {
        switch (a, b) {
        case let (a?, b?): return min(a, b)
        default: return a ?? b
        }
    }

    private static func tighterDuration(_ a: TimeInterval?, _ b: TimeInterval?) -> TimeInterval? {
        switch (a, b) {
        case let (a?, b?): return min(a, b)
        default: return a ?? b
        }
    }
}

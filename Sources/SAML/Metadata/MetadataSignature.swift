import Foundation
internal import CXMLSec

/// The enveloped signature at the root of a metadata document (Azure signs its FederationMetadata.xml with the
/// token-signing key), verified under the same profile and xmlsec policy as responses.
public enum MetadataSignature {
    /// Verifies the root signature of `xml` with one of `certificates` and returns the one that verified.
    /// - Throws: ``SAMLError/signatureMissing(_:)`` (`.metadata`), ``SAMLError/signatureMisplaced(parent:)``,
    ///   ``SAMLError/signatureMalformed(_:)``, ``SAMLError/referenceURIMismatch(expected:found:)``,
    ///   ``SAMLError/algorithmNotAllowed(_:)``, ``SAMLError/digestMismatch``, ``SAMLError/signatureInvalid``,
    ///   ``SAMLError/invalidID(_:)``, ``SAMLError/duplicateID(_:)``, ``SAMLError/xmlIDForbidden`` and the parser's errors.
    @discardableResult
    public static func verify(_ xml: some Collection<UInt8>, trusting certificates: [SAMLCertificate], allowSHA1: Bool = false,
                              limits: XMLParsingLimits = .metadata) throws -> SAMLCertificate {
        try cappingEchoes {
            let doc = try XMLDocument.parse(xml, limits: limits)
            return try withExtendedLifetime(doc) { try verify(doc, trusting: certificates, allowSHA1: allowSHA1) }
        }
    }

    /// The certificates carried in the KeyInfo of the root signature: untrusted material (a CA policy may chain
    /// one of them to its anchors, then verify with it through ``verify(_:trusting:allowSHA1:limits:)``).
    public static func keyInfoCertificates(_ xml: some Collection<UInt8>, limits: XMLParsingLimits = .metadata) throws -> [SAMLCertificate] {
        let doc = try XMLDocument.parse(xml, limits: limits)
        guard let root = doc.root, let signature = XMLTree.firstChild(root, NS.dsigURI, "Signature") else { throw SAMLError.signatureMissing(.metadata) }
        guard let keyInfo = XMLTree.firstChild(signature, NS.dsigURI, "KeyInfo") else { return [] }
        return try XMLTree.childrenNamed(keyInfo, NS.dsigURI, "X509Data").flatMap { data in
            try XMLTree.childrenNamed(data, NS.dsigURI, "X509Certificate").map { try SAMLCertificate(base64: XMLTree.text($0)) }
        }
    }

    static func verify(_ doc: XMLDocument, trusting certificates: [SAMLCertificate], allowSHA1: Bool) throws -> SAMLCertificate {
        guard let root = doc.root else { throw SAMLError.malformedXML(detail: "no root element") }
        guard XMLTree.isElement(root, NS.metadataURI, "EntityDescriptor") || XMLTree.isElement(root, NS.metadataURI, "EntitiesDescriptor") else {
            throw SAMLError.unexpectedRoot(namespace: XMLTree.namespaceURI(root), name: XMLTree.localName(root))
        }
        var signatures = SignatureAlgorithm.strongDefaults
        var digests = DigestAlgorithm.strongDefaults
        if allowSHA1 {
            signatures.formUnion([.rsaSHA1, .ecdsaSHA1])
            digests.insert(.sha1)
        }
        let policy = AlgorithmPolicy(signatureAlgorithms: signatures, digestAlgorithms: digests)
        let keys = try certificates.map { try VerificationKey(certificate: $0) }
        guard let key = try EnvelopedSignature.verify(doc, root: root, keys: keys, policy: policy, onlySignature: false) else {
            throw SAMLError.signatureMissing(.metadata)
        }
        return key.certificate
    }
}

/// The signature of a document signed as a whole: one `ds:Signature` child of the root, referencing the root's ID.
enum EnvelopedSignature {
    /// Verifies the root's signature; returns nil when the root carries none.
    /// - Parameter onlySignature: reject any other `ds:Signature` in the document (protocol messages); metadata
    ///   aggregates may carry per-entity signatures, which are simply not used.
    /// - Returns: the key that verified (nil when the root carries no signature).
    static func verify(_ doc: XMLDocument, root: xmlNodePtr, keys: [VerificationKey], policy: AlgorithmPolicy, onlySignature: Bool) throws -> VerificationKey? {
        let signatures = XMLTree.childrenNamed(root, NS.dsigURI, "Signature")
        guard !signatures.isEmpty else { return nil }
        guard signatures.count == 1 else { throw SAMLError.multipleSignatures }
        guard let id = XMLTree.attribute(root, "ID") else { throw SAMLError.invalidID(nil) }
        guard RequestID.isNCName(id) else { throw SAMLError.invalidID(id) }
        // No other element may carry the root's ID value (as ID, Id, id or xml:id), and no Signature may sit elsewhere.
        var stack = Array(XMLTree.children(root))
        while let node = stack.popLast() {
            if onlySignature, XMLTree.isElement(node, NS.dsigURI, "Signature"), node.pointee.parent != root, !isInsideSignature(node, root: root) {
                throw SAMLError.signatureMisplaced(parent: node.pointee.parent.map(XMLTree.qualifiedName) ?? "")
            }
            var attr = node.pointee.properties
            while let a = attr {
                if let name = a.pointee.name, xmlStrcasecmp(name, "id") == 0, Exact.equal(XMLTree.attributeValue(a), id) {
                    if a.pointee.ns != nil { throw SAMLError.xmlIDForbidden }
                    throw SAMLError.duplicateID(id)
                }
                attr = a.pointee.next
            }
            stack.append(contentsOf: XMLTree.children(node))
        }
        guard let attr = xmlHasNsProp(root, "ID", nil), xmlAddID(nil, doc.pointer, id, attr) != nil else { throw SAMLError.duplicateID(id) }
        try SignatureVerifier.checkProfile(signatures[0], parentID: id, policy: policy)
        let key = try SignatureVerifier.verify(signatures[0], keys: keys, policy: policy)
        guard let resolved = xmlGetID(doc.pointer, id), resolved.pointee.parent == root else {
            throw SAMLError.referenceURIMismatch(expected: "#" + id, found: "#" + id)
        }
        return key
    }

    private static func isInsideSignature(_ node: xmlNodePtr, root: xmlNodePtr) -> Bool {
        var cur = node.pointee.parent
        while let c = cur, c != root {
            if XMLTree.isElement(c, NS.dsigURI, "Signature") { return true }
            cur = c.pointee.parent
        }
        return false
    }
}

extension IdPMetadata {
    /// Parses IdP metadata after verifying its root signature with one of `trustedCertificates` (the same parsed
    /// document is verified and read: nothing is re-parsed in between).
    /// - Throws: the errors of ``MetadataSignature/verify(_:trusting:allowSHA1:limits:)`` and of ``init(xml:entityID:limits:)``.
    public init(xml: some Collection<UInt8>, entityID: String? = nil, verifyingSignatureWith trustedCertificates: [SAMLCertificate],
                allowSHA1: Bool = false, limits: XMLParsingLimits = .metadata) throws {
        self = try cappingEchoes {
            let doc = try XMLDocument.parse(xml, limits: limits)
            _ = try MetadataSignature.verify(doc, trusting: trustedCertificates, allowSHA1: allowSHA1)
            return try IdPMetadata(document: doc, entityID: entityID)
        }
    }
}

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
        let doc = try XMLDocument.parse(xml, limits: limits)
        return try withExtendedLifetime(doc) { try verify(doc, trusting: certificates, allowSHA1: allowSHA1) }
    }

    static func verify(_ doc: XMLDocument, trusting certificates: [SAMLCertificate], allowSHA1: Bool) throws -> SAMLCertificate {
        guard let root = doc.root else { throw SAMLError.malformedXML(detail: "no root element") }
        guard XMLTree.isElement(root, NS.metadataURI, "EntityDescriptor") || XMLTree.isElement(root, NS.metadataURI, "EntitiesDescriptor") else {
            throw SAMLError.unexpectedRoot(namespace: XMLTree.namespaceURI(root), name: XMLTree.localName(root))
        }
        let signatures = XMLTree.childrenNamed(root, NS.dsigURI, "Signature")
        guard !signatures.isEmpty else { throw SAMLError.signatureMissing(.metadata) }
        guard signatures.count == 1 else { throw SAMLError.multipleSignatures }
        guard let id = XMLTree.attribute(root, "ID") else { throw SAMLError.invalidID(nil) }
        guard RequestID.isNCName(id) else { throw SAMLError.invalidID(id) }
        // No other element may carry the root's ID value (as ID, Id, id or xml:id).
        var stack = Array(XMLTree.children(root))
        while let node = stack.popLast() {
            var attr = node.pointee.properties
            while let a = attr {
                if let name = a.pointee.name, xmlStrcasecmp(name, "id") == 0, XMLTree.attributeValue(a) == id {
                    if a.pointee.ns != nil { throw SAMLError.xmlIDForbidden }
                    throw SAMLError.duplicateID(id)
                }
                attr = a.pointee.next
            }
            stack.append(contentsOf: XMLTree.children(node))
        }
        guard let attr = xmlHasNsProp(root, "ID", nil), xmlAddID(nil, doc.pointer, id, attr) != nil else { throw SAMLError.duplicateID(id) }
        var policy = AlgorithmPolicy(signatureAlgorithms: SignatureAlgorithm.strongDefaults, digestAlgorithms: DigestAlgorithm.strongDefaults)
        if allowSHA1 {
            policy.signatureAlgorithms.formUnion([.rsaSHA1, .ecdsaSHA1])
            policy.digestAlgorithms.insert(.sha1)
        }
        try SignatureVerifier.checkProfile(signatures[0], parentID: id, policy: policy)
        let keys = try certificates.map { try VerificationKey(certificate: $0) }
        let certificate = try SignatureVerifier.verify(signatures[0], keys: keys, policy: policy)
        guard let resolved = xmlGetID(doc.pointer, id), resolved.pointee.parent == root else {
            throw SAMLError.referenceURIMismatch(expected: "#" + id, found: "#" + id)
        }
        return certificate
    }
}

extension IdPMetadata {
    /// Parses IdP metadata after verifying its root signature with one of `trustedCertificates` (the same parsed
    /// document is verified and read: nothing is re-parsed in between).
    /// - Throws: the errors of ``MetadataSignature/verify(_:trusting:allowSHA1:limits:)`` and of ``init(xml:entityID:limits:)``.
    public init(xml: some Collection<UInt8>, entityID: String? = nil, verifyingSignatureWith trustedCertificates: [SAMLCertificate],
                allowSHA1: Bool = false, limits: XMLParsingLimits = .metadata) throws {
        let doc = try XMLDocument.parse(xml, limits: limits)
        _ = try MetadataSignature.verify(doc, trusting: trustedCertificates, allowSHA1: allowSHA1)
        try self.init(document: doc, entityID: entityID)
    }
}

import Foundation
internal import CXMLSec

/// The enveloped signature at the root of a metadata document (Azure signs its FederationMetadata.xml with the
/// token-signing key), verified under the same profile and xmlsec policy as responses.
public enum MetadataSignature {
    /// Verifies the root signature of `xml` with one of `certificates` and returns the one that verified.
    /// - Parameters:
    ///   - xml: the metadata document's bytes.
    ///   - certificates: the keys the signature may verify with (obtained out of band, never from the document).
    ///   - allowSHA1: accept SHA-1 signature and digest algorithms (off by default).
    ///   - limits: size and depth caps.
    /// - Returns: the certificate that verified.
    /// - Throws: ``SAMLError/signatureMissing(_:)`` (`.metadata`), ``SAMLError/signatureMisplaced(parent:)``,
    ///   ``SAMLError/signatureMalformed(_:)``, ``SAMLError/referenceURIMismatch(expected:found:)``,
    ///   ``SAMLError/algorithmNotAllowed(_:)``, ``SAMLError/digestMismatch``, ``SAMLError/signatureInvalid``,
    ///   ``SAMLError/invalidID(_:)``, ``SAMLError/duplicateID(_:)``, ``SAMLError/xmlIDForbidden`` and the parser's errors.
    @discardableResult
    public static func verify(_ xml: some Collection<UInt8>, trusting certificates: [SAMLCertificate], allowSHA1: Bool = false,
                              limits: XMLParsingLimits = .metadata) throws -> SAMLCertificate {
        try cappingEchoes {
            let doc = try ParsedXML.parse(xml, limits: limits)
            return try verify(doc, trusting: certificates, allowSHA1: allowSHA1, maxDepth: limits.maxDepth)
        }
    }

    /// The certificates carried in the KeyInfo of the root signature: untrusted material (a CA policy may chain
    /// one of them to its anchors, then verify with it through ``verify(_:trusting:allowSHA1:limits:)``).
    /// - Parameters:
    ///   - xml: the metadata document's bytes.
    ///   - limits: size and depth caps.
    /// - Returns: the `X509Certificate`s of the root signature's KeyInfo, in document order; empty without KeyInfo.
    /// - Throws: ``SAMLError/signatureMissing(_:)`` (`.metadata`) when the root carries no signature,
    ///   ``SAMLError/invalidCertificate(_:)``, and the parser's errors.
    public static func keyInfoCertificates(_ xml: some Collection<UInt8>, limits: XMLParsingLimits = .metadata) throws -> [SAMLCertificate] {
        let doc = try ParsedXML.parse(xml, limits: limits)
        return try doc.withRoot { root in
            guard let signature = XMLTree.firstChild(root, NS.dsigURI, "Signature") else { throw SAMLError.signatureMissing(.metadata) }
            guard let keyInfo = XMLTree.firstChild(signature, NS.dsigURI, "KeyInfo") else { return [] }
            return try XMLTree.childrenNamed(keyInfo, NS.dsigURI, "X509Data").flatMap { data in
                try XMLTree.childrenNamed(data, NS.dsigURI, "X509Certificate").map { try SAMLCertificate(base64: XMLTree.text($0)) }
            }
        }
    }

    /// The root's signature: present, then the document's ``StructureWalk`` (``StructureWalk/Profile/metadata``: only
    /// the root carries a registered ID; nested per-entity signatures are not used), then ``SignatureCheck``.
    static func verify(_ doc: ParsedXML, trusting certificates: [SAMLCertificate], allowSHA1: Bool, maxDepth: Int) throws -> SAMLCertificate {
        try doc.withRoot { root in
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
            guard let signature = XMLTree.firstChild(root, NS.dsigURI, "Signature") else { throw SAMLError.signatureMissing(.metadata) }
            let walk = try StructureWalk(document: doc, root: root, profile: .metadata, maxDepth: maxDepth)
            return try SignatureCheck.verify(signature, of: root, walk: walk, keys: keys, policy: policy, minimumRSAKeyBits: nil).certificate
        }
    }
}

extension IdPMetadata {
    /// Parses IdP metadata after verifying its root signature with one of `trustedCertificates` (the same parsed
    /// document is verified and read: nothing is re-parsed in between).
    /// - Parameters:
    ///   - xml: the metadata document's bytes.
    ///   - entityID: which entity to take from an aggregate; needed when it holds several IdPs.
    ///   - trustedCertificates: the keys the root signature may verify with.
    ///   - allowSHA1: accept SHA-1 signature and digest algorithms (off by default).
    ///   - limits: size and depth caps.
    /// - Throws: the errors of ``MetadataSignature/verify(_:trusting:allowSHA1:limits:)`` and of ``init(xml:entityID:limits:)-(Collection<UInt8>,_,_)``.
    public init(xml: some Collection<UInt8>, entityID: String? = nil, verifyingSignatureWith trustedCertificates: [SAMLCertificate],
                allowSHA1: Bool = false, limits: XMLParsingLimits = .metadata) throws {
        self = try cappingEchoes {
            let doc = try ParsedXML.parse(xml, limits: limits)
            _ = try MetadataSignature.verify(doc, trusting: trustedCertificates, allowSHA1: allowSHA1, maxDepth: limits.maxDepth)
            return try IdPMetadata(document: doc, entityID: entityID)
        }
    }
}

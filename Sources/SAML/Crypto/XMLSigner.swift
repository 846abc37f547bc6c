import Foundation
internal import CXMLSec
internal import CXMLSecShims

/// Enveloped XML signatures (exclusive c14n, SHA-256 digest) for the documents the SP writes.
enum XMLSigner {
    /// The `ds:Signature` template to place (by the caller, where the schema wants it) inside the element
    /// whose ID is `referenceID`.
    static func template(referenceID: String, algorithm: SignatureAlgorithm) -> String {
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>"
            + "<ds:CanonicalizationMethod Algorithm=\"\(TransformURI.excC14N)\"/>"
            + "<ds:SignatureMethod Algorithm=\"\(XMLEscape.attribute(algorithm.rawValue))\"/>"
            + "<ds:Reference URI=\"#\(XMLEscape.attribute(referenceID))\"><ds:Transforms>"
            + "<ds:Transform Algorithm=\"\(TransformURI.enveloped)\"/>"
            + "<ds:Transform Algorithm=\"\(TransformURI.excC14N)\"/></ds:Transforms>"
            + "<ds:DigestMethod Algorithm=\"\(DigestAlgorithm.sha256.rawValue)\"/><ds:DigestValue></ds:DigestValue>"
            + "</ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue></ds:Signature>"
    }

    /// Parses `xml` (which must hold the template as a direct child of its root element, whose `ID` the
    /// template references), signs it with `key`, appends KeyInfo with the key's certificate, and serialises.
    static func signEnveloped(_ xml: String, key: SigningKey) throws -> [UInt8] {
        let doc = try ParsedXML.parse(Array(xml.utf8), limits: .metadata)
        try doc.withRoot { root in
            guard let id = XMLTree.attribute(root, "ID"), let signature = XMLTree.firstChild(root, NS.dsigURI, "Signature") else {
                throw SAMLError.signingFailed("no signature template under an element with an ID")
            }
            guard let attr = xmlHasNsProp(root, "ID", nil) else { throw SAMLError.signingFailed("no ID attribute") }
            guard xmlAddID(nil, doc.pointer, id, attr) != nil else { throw SAMLError.signingFailed("cannot register ID") }
            CErrors.clear()
            guard let ctx = xmlSecDSigCtxCreate(nil) else { throw SAMLError.signingFailed("xmlSecDSigCtxCreate") }
            defer { xmlSecDSigCtxDestroy(ctx) }
            cxmlsec_dsig_set_sign_defaults(ctx)
            cxmlsec_dsig_lend_key(ctx, key.storage.xmlKey)
            // The key is the caller's: taken back before the context is destroyed, on every path.
            defer { cxmlsec_dsig_reclaim_key(ctx) }
            let status = xmlSecDSigCtxSign(ctx, signature)
            guard status == 0, cxmlsec_dsig_status(ctx) == cxmlsec_dsig_succeeded() else {
                let detail = CErrors.last()
                CErrors.clear()
                throw SAMLError.signingFailed(detail)
            }
            if let certificate = key.certificate {
                let keyInfo = xmlNewChild(signature, signature.pointee.ns, "KeyInfo", nil)
                let x509Data = xmlNewChild(keyInfo, signature.pointee.ns, "X509Data", nil)
                _ = certificate.base64.withCString { text in
                    xmlNewTextChild(x509Data, signature.pointee.ns, "X509Certificate", text)
                }
            }
        }
        return try doc.serialized()
    }
}

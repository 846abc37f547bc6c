import Foundation
internal import CXMLSec
internal import CXMLSecShims

/// The algorithms a verification accepts, with what each verification needs derived once: the URIs as arrays (a
/// handful, compared without hashing) and xmlsec's transform classes to enable.
///
/// `@unchecked Sendable`: besides value types it holds xmlSecTransformId pointers, which point to xmlsec's
/// static, never-modified transform class tables.
struct AlgorithmPolicy: @unchecked Sendable {
    let signatureAlgorithms: Set<SignatureAlgorithm>
    let digestAlgorithms: Set<DigestAlgorithm>
    private let signatureURIs: [String]
    private let digestURIs: [String]
    /// Reference transforms: enveloped-signature, exclusive c14n (with and without comments), the allowed digests.
    let referenceTransformIDs: [xmlSecTransformId]
    /// Signature transforms: exclusive c14n (with and without comments), the allowed signature methods.
    let signatureTransformIDs: [xmlSecTransformId]

    init(signatureAlgorithms: Set<SignatureAlgorithm>, digestAlgorithms: Set<DigestAlgorithm>) {
        self.signatureAlgorithms = signatureAlgorithms
        self.digestAlgorithms = digestAlgorithms
        signatureURIs = signatureAlgorithms.map(\.rawValue).sorted()
        digestURIs = digestAlgorithms.map(\.rawValue).sorted()
        referenceTransformIDs = [cxmlsec_transform_enveloped(), cxmlsec_transform_exc_c14n(), cxmlsec_transform_exc_c14n_comments()]
            + digestAlgorithms.sorted { $0.rawValue < $1.rawValue }.compactMap(\.transformID)
        signatureTransformIDs = [cxmlsec_transform_exc_c14n(), cxmlsec_transform_exc_c14n_comments()]
            + signatureAlgorithms.sorted { $0.rawValue < $1.rawValue }.compactMap(\.transformID)
    }

    func allowsSignature(_ uri: String) -> Bool { signatureURIs.contains(uri) }
    func allowsDigest(_ uri: String) -> Bool { digestURIs.contains(uri) }
}

/// Verifies one enveloped `ds:Signature` under the SAML signature profile, with xmlsec and trusted keys only.
enum SignatureVerifier {

    /// The profile checks (saml-core §5.4), reading strictly the Signature's own children: one SignedInfo, one
    /// Reference whose URI is `#` + the parent's ID, only enveloped-signature and exclusive c14n transforms, no
    /// Object, algorithms on the allow-list.
    /// - Returns: true when the reference is `URI=""` (the whole document), allowed only with `allowEmptyURI`.
    @discardableResult
    static func checkProfile(_ signature: xmlNodePtr, parentID: String, policy: AlgorithmPolicy, allowEmptyURI: Bool = false) throws -> Bool {
        var signedInfos: [xmlNodePtr] = []
        var signatureValues: [xmlNodePtr] = []
        for child in XMLTree.children(signature) {
            if XMLTree.isElement(child, NS.dsigURI, "SignedInfo") { signedInfos.append(child) }
            else if XMLTree.isElement(child, NS.dsigURI, "SignatureValue") { signatureValues.append(child) }
            else if XMLTree.isElement(child, NS.dsigURI, "KeyInfo") { continue }
            else if XMLTree.isElement(child, NS.dsigURI, "Object") { throw SAMLError.signatureMalformed(.objectPresent) }
            else { throw SAMLError.signatureMalformed(.unexpectedElement(XMLTree.qualifiedName(child))) }
        }
        guard !signedInfos.isEmpty else { throw SAMLError.signatureMalformed(.missingSignedInfo) }
        guard signedInfos.count == 1 else { throw SAMLError.signatureMalformed(.multipleSignedInfo) }
        guard !signatureValues.isEmpty else { throw SAMLError.signatureMalformed(.missingSignatureValue) }
        guard signatureValues.count == 1 else { throw SAMLError.signatureMalformed(.multipleSignatureValues) }
        guard XMLTree.hasText(signatureValues[0]) else { throw SAMLError.signatureMalformed(.emptySignatureValue) }

        let signedInfo = signedInfos[0]
        var c14nMethod: xmlNodePtr?
        var signatureMethod: xmlNodePtr?
        var references: [xmlNodePtr] = []
        for child in XMLTree.children(signedInfo) {
            if XMLTree.isElement(child, NS.dsigURI, "CanonicalizationMethod"), c14nMethod == nil { c14nMethod = child }
            else if XMLTree.isElement(child, NS.dsigURI, "SignatureMethod"), signatureMethod == nil { signatureMethod = child }
            else if XMLTree.isElement(child, NS.dsigURI, "Reference") { references.append(child) }
            else { throw SAMLError.signatureMalformed(.unexpectedElement(XMLTree.qualifiedName(child))) }
        }
        guard let c14nMethod else { throw SAMLError.signatureMalformed(.missingCanonicalizationMethod) }
        guard let signatureMethod else { throw SAMLError.signatureMalformed(.missingSignatureMethod) }
        guard !references.isEmpty else { throw SAMLError.signatureMalformed(.missingReference) }
        guard references.count == 1 else { throw SAMLError.signatureMalformed(.multipleReferences) }

        let reference = references[0]
        let expectedURI = "#" + parentID
        let uri = XMLTree.attribute(reference, "URI")
        let wholeDocument = allowEmptyURI && uri == ""
        guard uri == expectedURI || wholeDocument else { throw SAMLError.referenceURIMismatch(expected: expectedURI, found: uri) }

        var transforms: xmlNodePtr?
        var digestMethods: [xmlNodePtr] = []
        var digestValues: [xmlNodePtr] = []
        for child in XMLTree.children(reference) {
            if XMLTree.isElement(child, NS.dsigURI, "Transforms"), transforms == nil { transforms = child }
            else if XMLTree.isElement(child, NS.dsigURI, "DigestMethod") { digestMethods.append(child) }
            else if XMLTree.isElement(child, NS.dsigURI, "DigestValue") { digestValues.append(child) }
            else { throw SAMLError.signatureMalformed(.unexpectedElement(XMLTree.qualifiedName(child))) }
        }
        guard digestMethods.count == 1 else { throw SAMLError.signatureMalformed(.missingDigestMethod) }
        guard digestValues.count == 1 else { throw SAMLError.signatureMalformed(.missingDigestValue) }

        var sawEnveloped = false
        var count = 0
        if let transforms {
            for transform in XMLTree.children(transforms) {
                guard XMLTree.isElement(transform, NS.dsigURI, "Transform") else {
                    throw SAMLError.signatureMalformed(.unexpectedElement(XMLTree.qualifiedName(transform)))
                }
                let algorithm = XMLTree.attribute(transform, "Algorithm") ?? ""
                guard algorithm == TransformURI.enveloped || algorithm == TransformURI.excC14N || algorithm == TransformURI.excC14NWithComments else {
                    throw SAMLError.transformNotAllowed(algorithm)
                }
                for parameter in XMLTree.children(transform) {
                    // Only exclusive c14n's InclusiveNamespaces PrefixList may parameterise a transform.
                    guard algorithm != TransformURI.enveloped, XMLTree.isElement(parameter, "http://www.w3.org/2001/10/xml-exc-c14n#", "InclusiveNamespaces") else {
                        throw SAMLError.transformNotAllowed("\(algorithm) with \(XMLTree.qualifiedName(parameter))")
                    }
                }
                if algorithm == TransformURI.enveloped { sawEnveloped = true }
                count += 1
            }
        }
        guard count <= 2 else { throw SAMLError.signatureMalformed(.tooManyTransforms) }
        guard sawEnveloped else { throw SAMLError.signatureMalformed(.missingEnvelopedTransform) }

        let c14n = XMLTree.attribute(c14nMethod, "Algorithm") ?? ""
        guard c14n == TransformURI.excC14N || c14n == TransformURI.excC14NWithComments else { throw SAMLError.algorithmNotAllowed(c14n) }
        let signatureAlgorithm = XMLTree.attribute(signatureMethod, "Algorithm") ?? ""
        guard policy.allowsSignature(signatureAlgorithm) else { throw SAMLError.algorithmNotAllowed(signatureAlgorithm) }
        if let extra = XMLTree.firstElementChild(signatureMethod) {
            // HMACOutputLength and the like: nothing belongs here for the allowed algorithms.
            throw SAMLError.signatureMalformed(.unexpectedElement(XMLTree.qualifiedName(extra)))
        }
        let digestAlgorithm = XMLTree.attribute(digestMethods[0], "Algorithm") ?? ""
        guard policy.allowsDigest(digestAlgorithm) else { throw SAMLError.algorithmNotAllowed(digestAlgorithm) }
        return wholeDocument
    }

    /// Verifies `signature` with each trusted key in turn (key rollover). Only keys from configuration are used:
    /// xmlsec ignores KeyInfo when the key is preset, and its keys manager is never consulted.
    /// Success means xmlsec returned 0 and its status is "succeeded".
    /// - Returns: the certificate whose key verified the signature.
    static func verify(_ signature: xmlNodePtr, keys: [VerificationKey], policy: AlgorithmPolicy, allowEmptyURI: Bool = false) throws -> SAMLCertificate {
        var sawInvalidValue = false
        var failure: String?
        for key in keys {
            CErrors.clear()
            guard let ctx = xmlSecDSigCtxCreate(nil) else { throw SAMLError.signatureVerificationFailed(detail: "xmlSecDSigCtxCreate failed") }
            defer { xmlSecDSigCtxDestroy(ctx) }
            cxmlsec_dsig_restrict(ctx)
            if allowEmptyURI { cxmlsec_dsig_allow_empty_uri(ctx) }
            guard enableTransforms(ctx, policy: policy) else { throw SAMLError.signatureVerificationFailed(detail: "cannot restrict transforms") }
            cxmlsec_dsig_lend_key(ctx, key.key)
            let ret = xmlSecDSigCtxVerify(ctx, signature)
            let status = cxmlsec_dsig_status(ctx)
            var referencesOK = true
            for i in 0..<cxmlsec_dsig_reference_count(ctx) where cxmlsec_dsig_reference_status(ctx, i) != cxmlsec_dsig_succeeded() {
                referencesOK = false
            }
            cxmlsec_dsig_reclaim_key(ctx)
            if ret == 0 && status == cxmlsec_dsig_succeeded() && referencesOK && cxmlsec_dsig_reference_count(ctx) == 1 {
                CErrors.clear()
                return key.certificate
            }
            if ret == 0 && status == cxmlsec_dsig_invalid() {
                // The digest does not depend on the key: a mismatch there is final.
                if !referencesOK { CErrors.clear(); throw SAMLError.digestMismatch }
                sawInvalidValue = true
                continue
            }
            let detail = CErrors.last()
            // A key of the wrong type for the SignatureMethod (an RSA key for an ECDSA signature) is not a failure
            // of the signature: the next key may fit.
            if cxmlsec_saw_key_not_found() == 0 {
                failure = detail
            }
        }
        CErrors.clear()
        if sawInvalidValue { throw SAMLError.signatureInvalid }
        if let failure { throw SAMLError.signatureVerificationFailed(detail: failure) }
        throw SAMLError.signatureInvalid
    }

    private static func enableTransforms(_ ctx: xmlSecDSigCtxPtr, policy: AlgorithmPolicy) -> Bool {
        var ok = true
        for id in policy.referenceTransformIDs { ok = ok && xmlSecDSigCtxEnableReferenceTransform(ctx, id) == 0 }
        for id in policy.signatureTransformIDs { ok = ok && xmlSecDSigCtxEnableSignatureTransform(ctx, id) == 0 }
        return ok
    }
}

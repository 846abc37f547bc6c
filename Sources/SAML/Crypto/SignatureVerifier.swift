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
    /// Reference transforms: enveloped-signature, exclusive and inclusive c14n 1.0 (with and without comments), the
    /// allowed digests.
    let referenceTransformIDs: [xmlSecTransformId]
    /// Signature transforms: exclusive c14n (with and without comments), the allowed signature methods.
    let signatureTransformIDs: [xmlSecTransformId]

    init(signatureAlgorithms: Set<SignatureAlgorithm>, digestAlgorithms: Set<DigestAlgorithm>) {
        self.signatureAlgorithms = signatureAlgorithms
        self.digestAlgorithms = digestAlgorithms
        signatureURIs = signatureAlgorithms.map(\.rawValue).sorted()
        digestURIs = digestAlgorithms.map(\.rawValue).sorted()
        referenceTransformIDs = [cxmlsec_transform_enveloped(), cxmlsec_transform_exc_c14n(), cxmlsec_transform_exc_c14n_comments(),
                                 cxmlsec_transform_c14n(), cxmlsec_transform_c14n_comments()]
            + digestAlgorithms.sorted { $0.rawValue < $1.rawValue }.compactMap(\.transformID)
        signatureTransformIDs = [cxmlsec_transform_exc_c14n(), cxmlsec_transform_exc_c14n_comments()]
            + signatureAlgorithms.sorted { $0.rawValue < $1.rawValue }.compactMap(\.transformID)
    }

    func allowsSignature(_ uri: String) -> Bool { signatureURIs.contains(uri) }
    func allowsDigest(_ uri: String) -> Bool { digestURIs.contains(uri) }
}

/// Verifies one enveloped `ds:Signature` under the SAML signature profile, with xmlsec and trusted keys only.
enum SignatureVerifier {

    /// The most prefixes one `InclusiveNamespaces PrefixList` may name. Real IdPs name a handful (`xs`, `#default
    /// saml ds xs xsi`); the cost of each inside libxml2/xmlsec's canonicalisation grows with the document, so an
    /// unauthenticated list of thousands is refused before xmlsec runs.
    static let maxInclusivePrefixes = 5
    /// The longest `PrefixList` value accepted, in bytes.
    static let maxPrefixListBytes = 1024

    /// The profile checks (saml-core §5.4), reading strictly the Signature's own children: one SignedInfo, one
    /// Reference whose URI is `#` + the parent's ID, transforms from the profile's set (enveloped-signature, then
    /// exclusive c14n, or c14n 1.0 — which an enveloped-signature transform alone implies, so it may also be
    /// written), no Object, algorithms on the allow-list, and every InclusiveNamespaces PrefixList (in a Reference
    /// transform or in SignedInfo's CanonicalizationMethod) bounded by ``maxInclusivePrefixes``. This check is shared
    /// by responses, logout messages and signed metadata.
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
                let exclusive = Exact.equal(algorithm, TransformURI.excC14N) || Exact.equal(algorithm, TransformURI.excC14NWithComments)
                let inclusive = Exact.equal(algorithm, TransformURI.c14n) || Exact.equal(algorithm, TransformURI.c14nWithComments)
                let enveloped = Exact.equal(algorithm, TransformURI.enveloped)
                guard enveloped || exclusive || inclusive else { throw SAMLError.transformNotAllowed(algorithm) }
                count += 1
                // Counted before the parameters are read: thousands of Transform elements end here.
                guard count <= 2 else { throw SAMLError.signatureMalformed(.tooManyTransforms) }
                if exclusive {
                    // Only exclusive c14n's InclusiveNamespaces PrefixList may parameterise a transform.
                    try checkInclusiveNamespaces(of: transform, rejecting: { SAMLError.transformNotAllowed("\(algorithm) with \($0)") })
                } else if let parameter = XMLTree.firstElementChild(transform) {
                    throw SAMLError.transformNotAllowed("\(algorithm) with \(XMLTree.qualifiedName(parameter))")
                }
                if enveloped { sawEnveloped = true }
            }
        }
        guard count <= 2 else { throw SAMLError.signatureMalformed(.tooManyTransforms) }
        guard sawEnveloped else { throw SAMLError.signatureMalformed(.missingEnvelopedTransform) }

        let c14n = XMLTree.attribute(c14nMethod, "Algorithm") ?? ""
        guard Exact.equal(c14n, TransformURI.excC14N) || Exact.equal(c14n, TransformURI.excC14NWithComments) else { throw SAMLError.algorithmNotAllowed(c14n) }
        try checkInclusiveNamespaces(of: c14nMethod, rejecting: { SAMLError.signatureMalformed(.unexpectedElement($0)) })
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

    /// The parameters of an exclusive c14n method: at most one InclusiveNamespaces, whose PrefixList is bounded.
    private static func checkInclusiveNamespaces(of method: xmlNodePtr, rejecting unexpected: (String) -> SAMLError) throws {
        var seen = false
        for parameter in XMLTree.children(method) {
            guard !seen, XMLTree.isElement(parameter, "http://www.w3.org/2001/10/xml-exc-c14n#", "InclusiveNamespaces") else {
                throw unexpected(XMLTree.qualifiedName(parameter))
            }
            seen = true
            guard let attr = xmlHasNsProp(parameter, "PrefixList", nil) else { continue }
            let list = XMLTree.attributeValue(attr)
            var prefixes = 0
            var inToken = false
            for byte in list.utf8 {
                if XMLTree.isXMLSpace(byte) { inToken = false } else if !inToken { inToken = true; prefixes += 1 }
            }
            guard prefixes <= maxInclusivePrefixes, list.utf8.count <= maxPrefixListBytes else {
                throw SAMLError.signatureMalformed(.inclusiveNamespacesTooLong(count: prefixes, limit: maxInclusivePrefixes))
            }
        }
    }

    /// Verifies `signature` with each trusted key in turn (key rollover). Only keys from configuration are used:
    /// xmlsec ignores KeyInfo when the key is preset, and its keys manager is never consulted.
    /// Success means xmlsec returned 0 and its status is "succeeded".
    /// - Returns: the key that verified the signature (its certificate, and its size for the strength rule).
    static func verify(_ signature: xmlNodePtr, keys: [VerificationKey], policy: AlgorithmPolicy, allowEmptyURI: Bool = false) throws -> VerificationKey {
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
            // The key is shared (one parsed key serves every verification): taken back before the context is
            // destroyed, on every path (defers run in reverse order).
            defer { cxmlsec_dsig_reclaim_key(ctx) }
            let ret = xmlSecDSigCtxVerify(ctx, signature)
            let status = cxmlsec_dsig_status(ctx)
            var referencesOK = true
            for i in 0..<cxmlsec_dsig_reference_count(ctx) where cxmlsec_dsig_reference_status(ctx, i) != cxmlsec_dsig_succeeded() {
                referencesOK = false
            }
            if ret == 0 && status == cxmlsec_dsig_succeeded() && referencesOK && cxmlsec_dsig_reference_count(ctx) == 1 {
                CErrors.clear()
                return key
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

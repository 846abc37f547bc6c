import Foundation
internal import CXMLSec

/// One enveloped signature, the same way wherever it is (Response, Assertion, logout message, metadata root): the
/// SAML profile (``SignatureVerifier/checkProfile(_:parentID:policy:allowEmptyURI:)``), then `#ID` resolving to the
/// Signature's parent (pointer identity), then xmlsec with the trusted keys only, then the identity again (what
/// xmlsec digested is that node), then the strength of the key that verified.
enum SignatureCheck {
    /// - Parameters:
    ///   - walk: the document's ``StructureWalk`` (its registered IDs are the only ones `#ID` can resolve to).
    ///   - minimumRSAKeyBits: the key-strength rule (RSA below it, EC below P-256: ``SAMLError/weakKey(bits:)``);
    ///     nil for signed metadata, which has none.
    /// - Returns: the key that verified.
    static func verify(_ signature: xmlNodePtr, of parent: xmlNodePtr, walk: StructureWalk, keys: [VerificationKey],
                       policy: AlgorithmPolicy, allowEmptyURI: Bool = false, minimumRSAKeyBits: Int?) throws -> VerificationKey {
        let parentID = walk.id(of: parent)
        let wholeDocument = try SignatureVerifier.checkProfile(signature, parentID: parentID, policy: policy, allowEmptyURI: allowEmptyURI)
        if !wholeDocument { try walk.checkReferenceResolves(parentID, to: parent) }
        let key = try SignatureVerifier.verify(signature, keys: keys, policy: policy, allowEmptyURI: wholeDocument)
        // What xmlsec digested is what `#ID` resolves to: the same node (pointer identity) as the parent.
        if !wholeDocument { try walk.checkReferenceResolves(parentID, to: parent) }
        if let minimumRSAKeyBits { try key.checkStrength(minimumRSABits: minimumRSAKeyBits) }
        return key
    }
}

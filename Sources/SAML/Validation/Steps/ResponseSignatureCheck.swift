import Foundation
internal import CXMLSec

/// Step 5, with ``IssuerSelection``: a signed Response is verified before anything is decrypted — a tampered ciphertext then fails
/// as a digest mismatch, and decryption never runs on unauthenticated input when it need not. A signed Response names
/// its signer (saml-profiles §4.1.4.2): its Issuer selects the IdP whose keys verify.
enum ResponseSignatureCheck {
    /// - Returns: the IdP selected and the key that verified; nil when the Response is unsigned.
    /// - Throws: ``SAMLError/signedResponseWithoutIssuer``, the errors of ``IssuerSelection`` and ``SignatureCheck``.
    static func check(_ response: xmlNodePtr, issuer: String?, walk: StructureWalk, selection: IssuerSelection,
                      policy: AlgorithmPolicy, options: ServiceProvider.Options) throws -> (idp: TrustedIdP, key: VerificationKey)? {
        guard let signature = XMLTree.firstChild(response, NS.dsigURI, "Signature") else { return nil }
        guard let issuer else { throw SAMLError.signedResponseWithoutIssuer }
        let idp = try selection.select(issuer)
        let key = try SignatureCheck.verify(signature, of: response, walk: walk, keys: idp.keys, policy: policy,
                                            allowEmptyURI: options.allowEmptyReferenceURI, minimumRSAKeyBits: options.minimumRSAKeyBits)
        return (idp, key)
    }
}

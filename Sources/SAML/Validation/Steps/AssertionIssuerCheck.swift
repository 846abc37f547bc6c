import Foundation
internal import CXMLSec

/// Step 7: the Assertion's Issuer (one, Format entity if any) is required; when the Response carries none, it selects
/// the IdP (``IssuerSelection``). The Response's and the Assertion's Issuers must both be exactly its entityID.
enum AssertionIssuerCheck {
    /// - Parameter selected: the IdP already selected by a signed Response's Issuer, if any.
    /// - Returns: the IdP and the Assertion's Issuer.
    /// - Throws: ``SAMLError/missingIssuer``, ``SAMLError/issuerMismatch(expected:found:)`` and the errors of
    ///   ``IssuerSelection``.
    static func check(_ assertion: xmlNodePtr, responseIssuer: String?, selected: TrustedIdP?,
                      selection: IssuerSelection) throws -> (idp: TrustedIdP, issuer: String) {
        guard let assertionIssuer = try IssuerSelection.issuer(of: assertion) else { throw SAMLError.missingIssuer }
        let idp = try selected ?? selection.select(responseIssuer ?? assertionIssuer)
        if let responseIssuer, !Exact.equal(responseIssuer, idp.metadata.entityID) {
            throw SAMLError.issuerMismatch(expected: idp.metadata.entityID, found: responseIssuer)
        }
        guard Exact.equal(assertionIssuer, idp.metadata.entityID) else {
            throw SAMLError.issuerMismatch(expected: idp.metadata.entityID, found: assertionIssuer)
        }
        return (idp, assertionIssuer)
    }
}

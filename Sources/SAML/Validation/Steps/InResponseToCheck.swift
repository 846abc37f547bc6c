import Foundation
internal import CXMLSec

/// Step 11: the Response answers the outstanding request (InResponseTo exactly its ID), or, with no request
/// outstanding, is IdP-initiated and allowed. (The other half of the binding to the request — the answering IdP is
/// the one asked — is checked at ``IssuerSelection``, before any key is used.)
enum InResponseToCheck {
    /// - Returns: the Response's InResponseTo.
    /// - Throws: ``SAMLError/inResponseToMismatch(expected:found:)``, ``SAMLError/unsolicitedResponse``.
    static func check(_ response: xmlNodePtr, expectedRequestID: String?, allowUnsolicited: Bool) throws -> String? {
        let found = XMLTree.attribute(response, "InResponseTo")
        if let expectedRequestID {
            guard Exact.equal(found, expectedRequestID) else { throw SAMLError.inResponseToMismatch(expected: expectedRequestID, found: found) }
        } else {
            // No request outstanding: only an IdP-initiated response, and only when allowed.
            if let found { throw SAMLError.inResponseToMismatch(expected: nil, found: found) }
            guard allowUnsolicited else { throw SAMLError.unsolicitedResponse }
        }
        return found
    }
}

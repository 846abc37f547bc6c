import Foundation
internal import CXMLSec

/// Steps 12 and 13: the Response's IssueInstant, then the Assertion's Version and IssueInstant — required, and valid
/// xs:dateTime values.
enum IssueInstantCheck {
    /// - Throws: ``SAMLError/missingAttribute(element:attribute:)``, ``SAMLError/invalidTime(_:)``.
    static func checkResponse(_ response: xmlNodePtr) throws {
        guard try XMLTree.dateAttribute(response, "IssueInstant") != nil else {
            throw SAMLError.missingAttribute(element: "Response", attribute: "IssueInstant")
        }
    }

    /// - Throws: ``SAMLError/unsupportedVersion(_:)``, ``SAMLError/missingAttribute(element:attribute:)``,
    ///   ``SAMLError/invalidTime(_:)``.
    static func checkAssertion(_ assertion: xmlNodePtr) throws {
        let version = XMLTree.attribute(assertion, "Version")
        guard version == "2.0" else { throw SAMLError.unsupportedVersion(version) }
        guard try XMLTree.dateAttribute(assertion, "IssueInstant") != nil else {
            throw SAMLError.missingAttribute(element: "Assertion", attribute: "IssueInstant")
        }
    }
}

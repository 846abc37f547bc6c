import Foundation
internal import CXMLSec

/// Step 18: an AuthnStatement with an AuthnInstant, whose SessionNotOnOrAfter (if any) has not passed.
enum AuthnStatementCheck {
    struct Result {
        var authnInstant: Date
        var sessionIndex: String?
        var sessionNotOnOrAfter: Date?
        var classRef: String?
    }

    /// - Throws: ``SAMLError/missingAuthnStatement``, ``SAMLError/missingAttribute(element:attribute:)``,
    ///   ``SAMLError/sessionExpired(sessionNotOnOrAfter:now:)``, ``SAMLError/invalidTime(_:)``.
    static func check(_ assertion: xmlNodePtr, now: Date, skew: TimeInterval) throws -> Result {
        guard let authn = XMLTree.firstChild(assertion, NS.assertionURI, "AuthnStatement") else { throw SAMLError.missingAuthnStatement }
        guard let authnInstant = try XMLTree.dateAttribute(authn, "AuthnInstant") else {
            throw SAMLError.missingAttribute(element: "AuthnStatement", attribute: "AuthnInstant")
        }
        let sessionNotOnOrAfter = try XMLTree.dateAttribute(authn, "SessionNotOnOrAfter")
        if let sessionNotOnOrAfter, sessionNotOnOrAfter <= now.addingTimeInterval(-skew) {
            throw SAMLError.sessionExpired(sessionNotOnOrAfter: sessionNotOnOrAfter, now: now)
        }
        let classRef = XMLTree.firstChild(authn, NS.assertionURI, "AuthnContext")
            .flatMap { XMLTree.firstChild($0, NS.assertionURI, "AuthnContextClassRef") }
            .map(XMLTree.trimmedText)
        return Result(authnInstant: authnInstant, sessionIndex: XMLTree.attribute(authn, "SessionIndex"),
                      sessionNotOnOrAfter: sessionNotOnOrAfter, classRef: classRef)
    }
}

import Foundation
internal import CXMLSec

/// Step 15: a bearer SubjectConfirmation that passes every check: SubjectConfirmationData with no NotBefore, a
/// NotOnOrAfter in the future (with the skew), Recipient one of the ACS URLs, InResponseTo the outstanding request
/// (with none outstanding, an InResponseTo here answers somebody else's request and is refused unless
/// ``ServiceProvider/Options/allowUnsolicitedSubjectConfirmationInResponseTo``). When none passes, the first one's
/// failure is reported.
struct SubjectConfirmationCheck {
    let acsURLs: [String]
    let expectedRequestID: String?
    let allowUnsolicitedInResponseTo: Bool
    let now: Date
    let skew: TimeInterval

    static let bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"

    /// - Returns: the NotOnOrAfter of the confirmation that passed (every bearer confirmation has one).
    /// - Throws: ``SAMLError/noBearerSubjectConfirmation``, ``SAMLError/subjectConfirmationMissingNotOnOrAfter``,
    ///   ``SAMLError/subjectConfirmationNotBefore``, ``SAMLError/subjectConfirmationExpired(notOnOrAfter:now:)``,
    ///   ``SAMLError/recipientMismatch(expected:found:)``, ``SAMLError/inResponseToMismatch(expected:found:)``.
    func check(_ subject: xmlNodePtr) throws -> Date {
        let bearers = XMLTree.childrenNamed(subject, NS.assertionURI, "SubjectConfirmation")
            .filter { Exact.equal(XMLTree.attribute($0, "Method"), Self.bearer) }
        guard !bearers.isEmpty else { throw SAMLError.noBearerSubjectConfirmation }
        var firstFailure: Error?
        for confirmation in bearers {
            do {
                return try checkBearer(confirmation)
            } catch {
                if firstFailure == nil { firstFailure = error }
            }
        }
        throw firstFailure!
    }

    private func checkBearer(_ confirmation: xmlNodePtr) throws -> Date {
        guard let data = XMLTree.firstChild(confirmation, NS.assertionURI, "SubjectConfirmationData") else {
            throw SAMLError.subjectConfirmationMissingNotOnOrAfter
        }
        if XMLTree.attribute(data, "NotBefore") != nil { throw SAMLError.subjectConfirmationNotBefore }
        guard let notOnOrAfter = try XMLTree.dateAttribute(data, "NotOnOrAfter") else { throw SAMLError.subjectConfirmationMissingNotOnOrAfter }
        guard notOnOrAfter > now.addingTimeInterval(-skew) else {
            throw SAMLError.subjectConfirmationExpired(notOnOrAfter: notOnOrAfter, now: now)
        }
        let recipient = XMLTree.attribute(data, "Recipient")
        guard let recipient, acsURLs.contains(where: { URLMatching.matches(recipient, $0) }) else {
            throw SAMLError.recipientMismatch(expected: acsURLs, found: recipient)
        }
        let inResponseTo = XMLTree.attribute(data, "InResponseTo")
        if let expectedRequestID {
            guard Exact.equal(inResponseTo, expectedRequestID) else { throw SAMLError.inResponseToMismatch(expected: expectedRequestID, found: inResponseTo) }
        } else if let inResponseTo, !allowUnsolicitedInResponseTo {
            // Unsolicited here, yet answering some request: another browser's login (login CSRF) unless the IdP is
            // known to do this (the named relaxation).
            throw SAMLError.inResponseToMismatch(expected: nil, found: inResponseTo)
        }
        return notOnOrAfter
    }
}

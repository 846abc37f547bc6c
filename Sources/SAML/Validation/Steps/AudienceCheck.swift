import Foundation
internal import CXMLSec

/// Step 17: at least one AudienceRestriction (saml-profiles §4.1.4.2), and every one names this SP exactly.
/// ``ServiceProvider/Options/allowMissingAudienceRestriction`` relaxes the first part only: an assertion without
/// any AudienceRestriction — also one without Conditions, which then has none — is accepted; one that has a
/// restriction must still name the SP.
enum AudienceCheck {
    /// - Returns: every Audience named, each once, in document order.
    /// - Throws: ``SAMLError/missingAudienceRestriction``, ``SAMLError/audienceMismatch(expected:found:)``.
    static func check(_ restrictions: [xmlNodePtr], entityID: String, allowMissing: Bool) throws -> [String] {
        guard !restrictions.isEmpty || allowMissing else { throw SAMLError.missingAudienceRestriction }
        // The array keeps document order; the set (exact, by UTF-8 bytes) keeps the de-duplication linear.
        var audiences: [String] = []
        var seen: Set<ExactKey> = []
        for restriction in restrictions {
            let names = XMLTree.childrenNamed(restriction, NS.assertionURI, "Audience").map(XMLTree.trimmedText)
            guard Exact.contains(names, entityID) else { throw SAMLError.audienceMismatch(expected: entityID, found: names) }
            for name in names where seen.insert(ExactKey(name)).inserted { audiences.append(name) }
        }
        return audiences
    }
}

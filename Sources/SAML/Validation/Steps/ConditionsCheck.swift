import Foundation
internal import CXMLSec
internal import CXMLSecShims

/// Step 16: at most one Conditions (saml-core §2.3.3: a second would go unread). Conditions itself is optional
/// (saml-core §2.3.3); what the profile requires of it, the AudienceRestriction, is ``AudienceCheck``'s. When present:
/// NotBefore before NotOnOrAfter whatever the skew, each bound with the skew, and only conditions the SP understands.
enum ConditionsCheck {
    struct Result {
        var notBefore: Date?
        var notOnOrAfter: Date?
        /// The AudienceRestriction elements, in document order.
        var audienceRestrictions: [xmlNodePtr]
    }

    /// - Throws: ``SAMLError/duplicateElement(_:)``, ``SAMLError/invalidTimeWindow(notBefore:notOnOrAfter:)``,
    ///   ``SAMLError/assertionNotYetValid(notBefore:now:)``, ``SAMLError/assertionExpired(notOnOrAfter:now:)``,
    ///   ``SAMLError/unknownCondition(_:)``, ``SAMLError/invalidTime(_:)``.
    static func check(_ assertion: xmlNodePtr, now: Date, skew: TimeInterval) throws -> Result {
        let count = XMLTree.countChildren(assertion, NS.assertionURI, "Conditions")
        guard count <= 1 else { throw SAMLError.duplicateElement("Conditions") }
        guard let node = XMLTree.firstChild(assertion, NS.assertionURI, "Conditions") else {
            return Result(notBefore: nil, notOnOrAfter: nil, audienceRestrictions: [])
        }
        let notBefore = try XMLTree.dateAttribute(node, "NotBefore")
        let notOnOrAfter = try XMLTree.dateAttribute(node, "NotOnOrAfter")
        // An empty window is invalid whatever the skew (the skew widens each bound; it must not join two that never meet).
        if let notBefore, let notOnOrAfter, notBefore >= notOnOrAfter {
            throw SAMLError.invalidTimeWindow(notBefore: notBefore, notOnOrAfter: notOnOrAfter)
        }
        if let notBefore, notBefore > now.addingTimeInterval(skew) { throw SAMLError.assertionNotYetValid(notBefore: notBefore, now: now) }
        if let notOnOrAfter, notOnOrAfter <= now.addingTimeInterval(-skew) { throw SAMLError.assertionExpired(notOnOrAfter: notOnOrAfter, now: now) }
        return Result(notBefore: notBefore, notOnOrAfter: notOnOrAfter, audienceRestrictions: try conditions(node))
    }

    /// Every child of Conditions is one the SP understands (saml-core §2.5.1.5: otherwise the assertion is invalid);
    /// returns the AudienceRestrictions.
    /// - AudienceRestriction: each must name this SP (``AudienceCheck``).
    /// - OneTimeUse (at most one): honoured by the replay cache, which refuses a second use of any assertion ID
    ///   until its validity ends, so every accepted assertion is used once.
    /// - ProxyRestriction (at most one): limits what a relying party that issues assertions of its own may do with
    ///   this one; the library never issues assertions, so it holds trivially. Its Count must be a non-negative
    ///   integer when present.
    /// - Anything else, a `saml:Condition` of any `xsi:type` included, is ``SAMLError/unknownCondition(_:)``.
    static func conditions(_ conditions: xmlNodePtr) throws -> [xmlNodePtr] {
        var restrictions: [xmlNodePtr] = []
        var oneTimeUse = false
        var proxyRestriction = false
        for child in XMLTree.children(conditions) {
            if XMLTree.isElement(child, NS.assertionURI, "AudienceRestriction") {
                restrictions.append(child)
            } else if XMLTree.isElement(child, NS.assertionURI, "OneTimeUse") {
                guard !oneTimeUse else { throw SAMLError.duplicateElement("OneTimeUse") }
                oneTimeUse = true
            } else if XMLTree.isElement(child, NS.assertionURI, "ProxyRestriction") {
                guard !proxyRestriction else { throw SAMLError.duplicateElement("ProxyRestriction") }
                proxyRestriction = true
                if let count = XMLTree.attribute(child, "Count") {
                    let digits = XMLTree.trimmed(count)
                    guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                        throw SAMLError.unknownCondition("ProxyRestriction Count=\(count)")
                    }
                }
            } else if XMLTree.isElement(child, NS.assertionURI, "Condition") {
                let type = xmlGetNsProp(child, "type", "http://www.w3.org/2001/XMLSchema-instance")
                defer { if let type { cxmlsec_free(type) } }
                throw SAMLError.unknownCondition(type.map { String(cString: $0) } ?? XMLTree.qualifiedName(child))
            } else {
                throw SAMLError.unknownCondition(XMLTree.qualifiedName(child))
            }
        }
        return restrictions
    }
}

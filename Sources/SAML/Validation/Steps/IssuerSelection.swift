import Foundation
internal import CXMLSec

/// Step 5: an Issuer selects the trusted IdP, and so the only keys that may verify. The IdP is named exactly (never a
/// look-alike), its metadata must be within `validUntil` (``ServiceProvider/trustedIdP(for:at:)``), and when the
/// request went to a known IdP (`expectedIssuer`) the selected IdP must be that one — checked here, before any of its
/// keys is used.
struct IssuerSelection {
    let sp: ServiceProvider
    let now: Date
    /// The entityID of the IdP the answered request was sent to; nil when no request names one.
    let expectedIssuer: String?

    /// - Throws: ``SAMLError/issuerMismatch(expected:found:)`` (one IdP configured), ``SAMLError/unknownIssuer(_:)``,
    ///   ``SAMLError/metadataExpired(validUntil:now:)``, ``SAMLError/responseFromUnexpectedIdP(expected:found:)``.
    func select(_ issuer: String) throws -> TrustedIdP {
        let idp = try sp.trustedIdP(for: issuer, at: now)
        if let expectedIssuer, !Exact.equal(idp.metadata.entityID, expectedIssuer) {
            throw SAMLError.responseFromUnexpectedIdP(expected: expectedIssuer, found: idp.metadata.entityID)
        }
        return idp
    }

    /// The element's Issuer (at most one), with XML white space trimmed; its Format, when present, must be
    /// `…nameid-format:entity` (saml-core §2.2.5, saml-profiles §4.1.4.2).
    /// - Throws: ``SAMLError/duplicateElement(_:)``, ``SAMLError/invalidIssuerFormat(_:)``.
    static func issuer(of element: xmlNodePtr) throws -> String? {
        var found: xmlNodePtr?
        var cur = element.pointee.children
        while let c = cur {
            if XMLTree.isElement(c, NS.assertionURI, "Issuer") {
                guard found == nil else { throw SAMLError.duplicateElement("Issuer") }
                found = c
            }
            cur = c.pointee.next
        }
        guard let found else { return nil }
        if let format = XMLTree.attribute(found, "Format"), !Exact.equal(format, entityFormat) {
            throw SAMLError.invalidIssuerFormat(format)
        }
        return XMLTree.trimmedText(found)
    }

    static let entityFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
}

import Foundation
internal import CXMLSec

/// Step 14: the Subject and its NameID (or EncryptedID, decrypted with the SP's keys): all its text, comments cannot
/// truncate it; empty is missing.
enum NameIDRead {
    /// - Returns: the Subject element and the NameID.
    /// - Throws: ``SAMLError/missingSubject``, ``SAMLError/missingNameID``, the decryption errors.
    static func read(_ assertion: xmlNodePtr, decryptor: () throws -> Decryptor) throws -> (subject: xmlNodePtr, nameID: VerifiedAssertion.NameID) {
        guard let subject = XMLTree.firstChild(assertion, NS.assertionURI, "Subject") else { throw SAMLError.missingSubject }
        if let plain = XMLTree.firstChild(subject, NS.assertionURI, "NameID") {
            return (subject, try nameID(plain))
        }
        if let encrypted = XMLTree.firstChild(subject, NS.assertionURI, "EncryptedID") {
            let decrypted = try decryptor().decrypt(encrypted, expecting: NS.assertionURI, "NameID")
            return (subject, try decrypted.withPointer(nameID))
        }
        throw SAMLError.missingNameID
    }

    private static func nameID(_ node: xmlNodePtr) throws -> VerifiedAssertion.NameID {
        let value = XMLTree.trimmedText(node)
        guard !value.isEmpty else { throw SAMLError.missingNameID }
        return VerifiedAssertion.NameID(
            value: value,
            format: XMLTree.attribute(node, "Format").map(NameIDFormat.init(rawValue:)),
            nameQualifier: XMLTree.attribute(node, "NameQualifier"),
            spNameQualifier: XMLTree.attribute(node, "SPNameQualifier"))
    }
}

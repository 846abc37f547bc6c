import Foundation
internal import CXMLSec

/// Step 6: an EncryptedAssertion is decrypted with the SP's keys into a document of its own, whose structure is
/// walked as the response's was; the rest of the validation then reads the assertion from there (and verifies its own
/// signature, if any, there). A plaintext assertion is refused when ``ServiceProvider/Options/requireEncryptedAssertions``.
enum AssertionDecryption {
    /// Calls `body` with the walk of the document holding the assertion and the assertion itself; a decrypted
    /// document lives until `body` returns.
    /// - Throws: ``SAMLError/encryptionRequired``, ``SAMLError/encryptedAssertionNotSupported``, the decryption
    ///   errors, the walk's errors, ``SAMLError/unexpectedElement(_:)``.
    static func withAssertion<R>(of structure: StructureWalk, decryptor: () throws -> Decryptor, requireEncrypted: Bool, maxDepth: Int,
                                 _ body: (StructureWalk, xmlNodePtr) throws -> R) throws -> R {
        guard let encrypted = structure.assertion, XMLTree.isElement(encrypted, NS.assertionURI, "EncryptedAssertion") else {
            if requireEncrypted { throw SAMLError.encryptionRequired }
            guard let assertion = structure.assertion else { throw SAMLError.missingAssertion }
            return try body(structure, assertion)
        }
        let plain = try decryptor().decrypt(encrypted, expecting: NS.assertionURI, "Assertion")
        return try plain.withPointer { node in
            let walk = try StructureWalk(document: plain.document, root: node.pointee.parent!, profile: .response, maxDepth: maxDepth)
            guard let assertion = walk.assertion, XMLTree.isElement(assertion, NS.assertionURI, "Assertion") else {
                throw SAMLError.unexpectedElement(walk.assertion.map(XMLTree.qualifiedName) ?? "")
            }
            return try body(walk, assertion)
        }
    }
}

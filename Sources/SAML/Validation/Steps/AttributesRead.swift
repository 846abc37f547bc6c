import Foundation
internal import CXMLSec

/// Step 19: the attributes of every AttributeStatement (EncryptedAttribute decrypted with the SP's keys), each with a
/// non-empty Name; values are all their text.
enum AttributesRead {
    /// - Throws: ``SAMLError/missingAttribute(element:attribute:)``, the decryption errors.
    static func read(_ assertion: xmlNodePtr, decryptor: () throws -> Decryptor) throws -> [VerifiedAssertion.Attribute] {
        var attributes: [VerifiedAssertion.Attribute] = []
        for statement in XMLTree.childrenNamed(assertion, NS.assertionURI, "AttributeStatement") {
            for child in XMLTree.children(statement) {
                if XMLTree.isElement(child, NS.assertionURI, "EncryptedAttribute") {
                    let decrypted = try decryptor().decrypt(child, expecting: NS.assertionURI, "Attribute")
                    try decrypted.withPointer { try append($0, to: &attributes) }
                } else {
                    try append(child, to: &attributes)
                }
            }
        }
        return attributes
    }

    private static func append(_ node: xmlNodePtr, to attributes: inout [VerifiedAssertion.Attribute]) throws {
        guard XMLTree.isElement(node, NS.assertionURI, "Attribute") else { return }
        guard let name = XMLTree.attribute(node, "Name"), !name.isEmpty else {
            throw SAMLError.missingAttribute(element: "Attribute", attribute: "Name")
        }
        var values: [String] = []
        var value = node.pointee.children
        while let v = value {
            if XMLTree.isElement(v, NS.assertionURI, "AttributeValue") { values.append(XMLTree.text(v)) }
            value = v.pointee.next
        }
        attributes.append(.init(name: name, nameFormat: XMLTree.attribute(node, "NameFormat"),
                                friendlyName: XMLTree.attribute(node, "FriendlyName"), values: values))
    }
}

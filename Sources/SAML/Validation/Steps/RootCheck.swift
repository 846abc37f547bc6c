import Foundation
internal import CXMLSec

/// Step 2: the root is `samlp:Response` (namespace-exact) with `Version="2.0"`.
enum RootCheck {
    /// - Throws: ``SAMLError/unexpectedRoot(namespace:name:)``, ``SAMLError/unsupportedVersion(_:)``.
    static func check(_ response: xmlNodePtr) throws {
        guard XMLTree.isElement(response, NS.protocolURI, "Response") else {
            throw SAMLError.unexpectedRoot(namespace: XMLTree.namespaceURI(response), name: XMLTree.localName(response))
        }
        let version = XMLTree.attribute(response, "Version")
        guard version == "2.0" else { throw SAMLError.unsupportedVersion(version) }
    }
}

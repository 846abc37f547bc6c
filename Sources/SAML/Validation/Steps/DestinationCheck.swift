import Foundation
internal import CXMLSec

/// Step 10: the Response's Destination is one of the SP's ACS URLs (exactly); required when the Response is signed.
enum DestinationCheck {
    /// - Throws: ``SAMLError/destinationMismatch(expected:found:)``.
    static func check(_ response: xmlNodePtr, acsURLs: [String], responseSigned: Bool) throws {
        if let destination = XMLTree.attribute(response, "Destination") {
            guard acsURLs.contains(where: { URLMatching.matches(destination, $0) }) else {
                throw SAMLError.destinationMismatch(expected: acsURLs, found: destination)
            }
        } else if responseSigned {
            throw SAMLError.destinationMismatch(expected: acsURLs, found: nil)
        }
    }
}

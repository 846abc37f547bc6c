import Foundation
internal import CXMLSec

/// Step 3: exactly one Status with exactly one top-level StatusCode, which is Success; an IdP-reported failure is
/// reported as such, with its nested codes and message.
enum StatusCheck {
    static let success = "urn:oasis:names:tc:SAML:2.0:status:Success"

    /// - Throws: ``SAMLError/missingElement(_:)``, ``SAMLError/duplicateElement(_:)``,
    ///   ``SAMLError/statusNotSuccess(code:subCodes:message:)``.
    static func check(_ response: xmlNodePtr) throws {
        let status = try topLevelStatusCode(response)
        let code = status.code
        let value = XMLTree.attribute(code, "Value") ?? ""
        guard !Exact.equal(value, success) else { return }
        var subCodes: [String] = []
        var cur = XMLTree.firstChild(code, NS.protocolURI, "StatusCode")
        while let sub = cur, subCodes.count < 8 {
            subCodes.append(XMLTree.attribute(sub, "Value") ?? "")
            cur = XMLTree.firstChild(sub, NS.protocolURI, "StatusCode")
        }
        let message = XMLTree.firstChild(status.status, NS.protocolURI, "StatusMessage").map(XMLTree.trimmedText)
        throw SAMLError.statusNotSuccess(code: value, subCodes: subCodes, message: message)
    }

    /// The one Status of a protocol response and its one top-level StatusCode (saml-core §3.2.2: exactly one each).
    static func topLevelStatusCode(_ message: xmlNodePtr) throws -> (status: xmlNodePtr, code: xmlNodePtr) {
        let statuses = XMLTree.countChildren(message, NS.protocolURI, "Status")
        guard statuses > 0, let status = XMLTree.firstChild(message, NS.protocolURI, "Status") else { throw SAMLError.missingElement("Status") }
        guard statuses == 1 else { throw SAMLError.duplicateElement("Status") }
        let codes = XMLTree.countChildren(status, NS.protocolURI, "StatusCode")
        guard codes > 0, let code = XMLTree.firstChild(status, NS.protocolURI, "StatusCode") else { throw SAMLError.missingElement("StatusCode") }
        guard codes == 1 else { throw SAMLError.duplicateElement("StatusCode") }
        return (status, code)
    }
}

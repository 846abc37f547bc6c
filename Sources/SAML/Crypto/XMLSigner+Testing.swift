import Foundation

/// Enveloped signing of arbitrary documents, for test IdPs (the `SAMLTesting` product's response builder). Not part
/// of the supported API: an SP never signs responses.
@_spi(Testing) public enum EnvelopedSigning {
    /// The `ds:Signature` template (exclusive c14n, SHA-256, `key`'s algorithm) to place inside the element whose
    /// `ID` is `referenceID`, right after its Issuer.
    public static func template(referenceID: String, key: SigningKey) -> String {
        XMLSigner.template(referenceID: referenceID, algorithm: key.algorithm)
    }

    /// Signs the template that is a direct child of `xml`'s root element and returns the document.
    /// - Throws: ``SAMLError/signingFailed(_:)`` and the parser's errors.
    public static func sign(_ xml: String, key: SigningKey) throws -> String {
        String(decoding: try XMLSigner.signEnveloped(xml, key: key), as: UTF8.self)
    }
}

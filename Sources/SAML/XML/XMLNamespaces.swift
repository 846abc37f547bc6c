/// Namespace URIs the library matches on (never prefixes).
enum NS {
    static let protocolURI: StaticString = "urn:oasis:names:tc:SAML:2.0:protocol"
    static let assertionURI: StaticString = "urn:oasis:names:tc:SAML:2.0:assertion"
    static let metadataURI: StaticString = "urn:oasis:names:tc:SAML:2.0:metadata"
    static let dsigURI: StaticString = "http://www.w3.org/2000/09/xmldsig#"
    static let xencURI: StaticString = "http://www.w3.org/2001/04/xmlenc#"
    static let xmlURI: StaticString = "http://www.w3.org/XML/1998/namespace"

    static let `protocol` = "urn:oasis:names:tc:SAML:2.0:protocol"
    static let assertion = "urn:oasis:names:tc:SAML:2.0:assertion"
    static let metadata = "urn:oasis:names:tc:SAML:2.0:metadata"
    static let dsig = "http://www.w3.org/2000/09/xmldsig#"
    static let xenc = "http://www.w3.org/2001/04/xmlenc#"
}

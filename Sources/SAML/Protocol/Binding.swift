/// A SAML binding URI (open set).
public struct Binding: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let httpRedirect = Binding("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect")
    public static let httpPOST = Binding("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
    public static let httpArtifact = Binding("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact")
    public static let soap = Binding("urn:oasis:names:tc:SAML:2.0:bindings:SOAP")
    public static let paos = Binding("urn:oasis:names:tc:SAML:2.0:bindings:PAOS")
    public static let httpPOSTSimpleSign = Binding("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign")

    public var description: String { rawValue }
}

/// A NameID format URI (open set).
public struct NameIDFormat: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let unspecified = NameIDFormat("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified")
    public static let emailAddress = NameIDFormat("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")
    public static let x509SubjectName = NameIDFormat("urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName")
    public static let windowsDomainQualifiedName = NameIDFormat("urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName")
    public static let kerberos = NameIDFormat("urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos")
    public static let entity = NameIDFormat("urn:oasis:names:tc:SAML:2.0:nameid-format:entity")
    public static let persistent = NameIDFormat("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
    public static let transient = NameIDFormat("urn:oasis:names:tc:SAML:2.0:nameid-format:transient")

    public var description: String { rawValue }
}

/// An authentication context class reference URI (open set).
public struct AuthnContextClass: RawRepresentable, Hashable, Sendable, Codable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let passwordProtectedTransport = AuthnContextClass("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
    public static let password = AuthnContextClass("urn:oasis:names:tc:SAML:2.0:ac:classes:Password")
    public static let x509 = AuthnContextClass("urn:oasis:names:tc:SAML:2.0:ac:classes:X509")
    public static let kerberos = AuthnContextClass("urn:oasis:names:tc:SAML:2.0:ac:classes:Kerberos")
    public static let unspecified = AuthnContextClass("urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified")
    public static let multiFactor = AuthnContextClass("http://schemas.microsoft.com/claims/multipleauthn")
}

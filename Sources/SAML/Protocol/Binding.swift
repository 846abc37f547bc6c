/// A SAML binding URI (open set).
public struct Binding: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a value from its URI.
    /// - Parameters:
    ///   - rawValue: the URI.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// HTTP-Redirect: the message deflated and base64-encoded in a URL query.
    public static let httpRedirect = Binding("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect")
    /// HTTP-POST: the message base64-encoded in an auto-submitted HTML form.
    public static let httpPOST = Binding("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
    /// HTTP-Artifact (not supported by the library: an artifact needs a back-channel resolve).
    public static let httpArtifact = Binding("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact")
    /// SOAP (back-channel; not supported by the library).
    public static let soap = Binding("urn:oasis:names:tc:SAML:2.0:bindings:SOAP")
    /// PAOS, the reverse SOAP binding of the ECP profile (not supported by the library).
    public static let paos = Binding("urn:oasis:names:tc:SAML:2.0:bindings:PAOS")
    /// HTTP-POST-SimpleSign (not supported by the library).
    public static let httpPOSTSimpleSign = Binding("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign")

    public var description: String { rawValue }
}

/// A NameID format URI (open set).
public struct NameIDFormat: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a value from its URI.
    /// - Parameters:
    ///   - rawValue: the URI.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Unspecified: the IdP chooses.
    public static let unspecified = NameIDFormat("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified")
    /// An email address.
    public static let emailAddress = NameIDFormat("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")
    /// An X.509 subject name.
    public static let x509SubjectName = NameIDFormat("urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName")
    /// A Windows domain-qualified name (`DOMAIN\\user`).
    public static let windowsDomainQualifiedName = NameIDFormat("urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName")
    /// A Kerberos principal name.
    public static let kerberos = NameIDFormat("urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos")
    /// An entityID (the format of Issuer elements).
    public static let entity = NameIDFormat("urn:oasis:names:tc:SAML:2.0:nameid-format:entity")
    /// A persistent, opaque, per-SP identifier: the same user gets the same value at every login.
    public static let persistent = NameIDFormat("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
    /// A transient, opaque identifier: a new value at every login.
    public static let transient = NameIDFormat("urn:oasis:names:tc:SAML:2.0:nameid-format:transient")

    public var description: String { rawValue }
}

/// An authentication context class reference URI (open set).
public struct AuthnContextClass: RawRepresentable, Hashable, Sendable, Codable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a value from its URI.
    /// - Parameters:
    ///   - rawValue: the URI.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// A password over a protected (TLS) transport.
    public static let passwordProtectedTransport = AuthnContextClass("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
    /// A password.
    public static let password = AuthnContextClass("urn:oasis:names:tc:SAML:2.0:ac:classes:Password")
    /// An X.509 client certificate.
    public static let x509 = AuthnContextClass("urn:oasis:names:tc:SAML:2.0:ac:classes:X509")
    /// Kerberos.
    public static let kerberos = AuthnContextClass("urn:oasis:names:tc:SAML:2.0:ac:classes:Kerberos")
    /// Unspecified.
    public static let unspecified = AuthnContextClass("urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified")
    /// Multi-factor authentication, as Microsoft Entra ID and ADFS spell it.
    public static let multiFactor = AuthnContextClass("http://schemas.microsoft.com/claims/multipleauthn")
}

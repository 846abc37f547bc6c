internal import CXMLSec
internal import CXMLSecShims

/// An XML-DSig signature algorithm URI (open set).
public struct SignatureAlgorithm: RawRepresentable, Hashable, Sendable, Codable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// RSA PKCS #1 v1.5 with SHA-1 (refused unless `allowSHA1`).
    public static let rsaSHA1 = SignatureAlgorithm(rawValue: "http://www.w3.org/2000/09/xmldsig#rsa-sha1")
    /// RSA PKCS #1 v1.5 with SHA-256.
    public static let rsaSHA256 = SignatureAlgorithm(rawValue: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    /// RSA PKCS #1 v1.5 with SHA-384.
    public static let rsaSHA384 = SignatureAlgorithm(rawValue: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384")
    /// RSA PKCS #1 v1.5 with SHA-512.
    public static let rsaSHA512 = SignatureAlgorithm(rawValue: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512")
    /// ECDSA with SHA-1 (refused unless `allowSHA1`).
    public static let ecdsaSHA1 = SignatureAlgorithm(rawValue: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1")
    /// ECDSA with SHA-256.
    public static let ecdsaSHA256 = SignatureAlgorithm(rawValue: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256")
    /// ECDSA with SHA-384.
    public static let ecdsaSHA384 = SignatureAlgorithm(rawValue: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384")
    /// ECDSA with SHA-512.
    public static let ecdsaSHA512 = SignatureAlgorithm(rawValue: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512")

    /// The default allow-list: RSA and ECDSA with SHA-256, -384, -512.
    public static let strongDefaults: Set<SignatureAlgorithm> = [.rsaSHA256, .rsaSHA384, .rsaSHA512, .ecdsaSHA256, .ecdsaSHA384, .ecdsaSHA512]

    var usesSHA1: Bool { self == .rsaSHA1 || self == .ecdsaSHA1 }

    var isECDSA: Bool { rawValue.contains("#ecdsa-") }

    var transformID: xmlSecTransformId? {
        switch self {
        case .rsaSHA1: return cxmlsec_transform_rsa_sha1()
        case .rsaSHA256: return cxmlsec_transform_rsa_sha256()
        case .rsaSHA384: return cxmlsec_transform_rsa_sha384()
        case .rsaSHA512: return cxmlsec_transform_rsa_sha512()
        case .ecdsaSHA1: return cxmlsec_transform_ecdsa_sha1()
        case .ecdsaSHA256: return cxmlsec_transform_ecdsa_sha256()
        case .ecdsaSHA384: return cxmlsec_transform_ecdsa_sha384()
        case .ecdsaSHA512: return cxmlsec_transform_ecdsa_sha512()
        default: return nil
        }
    }

    var messageDigest: OpaquePointer? {
        switch self {
        case .rsaSHA1, .ecdsaSHA1: return EVP_sha1()
        case .rsaSHA256, .ecdsaSHA256: return EVP_sha256()
        case .rsaSHA384, .ecdsaSHA384: return EVP_sha384()
        case .rsaSHA512, .ecdsaSHA512: return EVP_sha512()
        default: return nil
        }
    }
}

/// An XML-DSig digest algorithm URI (open set).
public struct DigestAlgorithm: RawRepresentable, Hashable, Sendable, Codable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// SHA-1 (refused unless `allowSHA1`).
    public static let sha1 = DigestAlgorithm(rawValue: "http://www.w3.org/2000/09/xmldsig#sha1")
    /// SHA-256.
    public static let sha256 = DigestAlgorithm(rawValue: "http://www.w3.org/2001/04/xmlenc#sha256")
    /// SHA-384.
    public static let sha384 = DigestAlgorithm(rawValue: "http://www.w3.org/2001/04/xmldsig-more#sha384")
    /// SHA-512.
    public static let sha512 = DigestAlgorithm(rawValue: "http://www.w3.org/2001/04/xmlenc#sha512")

    /// The default allow-list: SHA-256, -384, -512.
    public static let strongDefaults: Set<DigestAlgorithm> = [.sha256, .sha384, .sha512]

    var transformID: xmlSecTransformId? {
        switch self {
        case .sha1: return cxmlsec_transform_sha1()
        case .sha256: return cxmlsec_transform_sha256()
        case .sha384: return cxmlsec_transform_sha384()
        case .sha512: return cxmlsec_transform_sha512()
        default: return nil
        }
    }
}

/// Transform and canonicalization URIs the signature profile allows.
enum TransformURI {
    static let enveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    static let excC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    static let excC14NWithComments = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
    static let c14n = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    static let c14nWithComments = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
}

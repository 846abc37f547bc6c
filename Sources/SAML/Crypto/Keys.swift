import Foundation
internal import CXMLSec
internal import CXMLSecShims

/// A public key parsed once from a trusted certificate and lent to every verification.
///
/// `@unchecked Sendable`: the xmlsec key is never mutated after `init`. Verification contexts borrow the pointer
/// (`cxmlsec_dsig_lend_key`) and give it back before they are finalized; xmlsec's signature transform only takes
/// an `EVP_PKEY_up_ref` (atomic) of the key inside, so concurrent verifications share it safely.
final class VerificationKey: @unchecked Sendable {
    let key: xmlSecKeyPtr
    let certificate: SAMLCertificate
    let evp: OpaquePointer
    /// The key's size in bits (RSA modulus, EC group order), read once.
    let bits: Int
    /// An elliptic-curve key (otherwise RSA).
    let isEC: Bool

    init(certificate: SAMLCertificate) throws {
        ensureLibrariesInitialized()
        CErrors.clear()
        let key = certificate.der.withUnsafeBufferPointer { cxmlsec_key_from_certificate_der($0.baseAddress, Int32($0.count)) }
        let evp = certificate.der.withUnsafeBufferPointer { cxmlsec_evp_public_key_from_certificate_der($0.baseAddress, Int32($0.count)) }
        guard let key, let evp else {
            if let key { xmlSecKeyDestroy(key) }
            if let evp { EVP_PKEY_free(evp) }
            let detail = CErrors.last()
            CErrors.clear()
            throw SAMLError.invalidCertificate("unusable public key: \(detail)")
        }
        self.key = key
        self.evp = evp
        self.certificate = certificate
        self.bits = Int(cxmlsec_evp_key_bits(evp))
        self.isEC = cxmlsec_evp_key_kind(evp) == 2
    }

    /// The key strength rule, applied to the key that verified a message: RSA at least `minimumRSABits`, EC at least
    /// P-256 (whatever `minimumRSABits` says).
    /// - Throws: ``SAMLError/weakKey(bits:)``.
    func checkStrength(minimumRSABits: Int) throws {
        if isEC ? bits < 256 : bits < minimumRSABits { throw SAMLError.weakKey(bits: bits) }
    }

    deinit {
        xmlSecKeyDestroy(key)
        EVP_PKEY_free(evp)
    }
}

/// A private key for signing AuthnRequests, metadata and Redirect-binding query strings, with its certificate.
public struct SigningKey: Sendable {
    let storage: Storage
    /// The certificate published for this key (in metadata and in signatures' KeyInfo).
    public let certificate: SAMLCertificate?
    /// The signature algorithm used with this key (RSA-SHA256 or ECDSA-SHA256 by default).
    public let algorithm: SignatureAlgorithm

    /// Reads a private key (and optionally its certificate) from PEM.
    /// - Parameters:
    ///   - privateKeyPEM: a PEM private key (PKCS#8, PKCS#1 or SEC1), unencrypted.
    ///   - certificatePEM: its certificate, written into signatures' KeyInfo and metadata.
    ///   - algorithm: RSA-SHA256 for RSA keys and ECDSA-SHA256 for EC keys when nil. SHA-1 is refused unless
    ///     `allowSHA1` is true.
    ///   - allowSHA1: accept RSA-SHA1 or ECDSA-SHA1 as `algorithm` (default false).
    /// - Throws: ``SAMLError/invalidKey(_:)``, ``SAMLError/invalidCertificate(_:)``, ``SAMLError/algorithmNotAllowed(_:)``.
    public init(privateKeyPEM: String, certificatePEM: String? = nil, algorithm: SignatureAlgorithm? = nil, allowSHA1: Bool = false) throws {
        ensureLibrariesInitialized()
        let storage = try Storage(privateKeyPEM: privateKeyPEM, certificatePEM: certificatePEM)
        let kind = cxmlsec_evp_key_kind(storage.evp)
        let chosen = algorithm ?? (kind == 2 ? .ecdsaSHA256 : .rsaSHA256)
        guard chosen.transformID != nil else { throw SAMLError.algorithmNotAllowed(chosen.rawValue) }
        if chosen.usesSHA1 && !allowSHA1 { throw SAMLError.algorithmNotAllowed(chosen.rawValue) }
        guard (kind == 2) == chosen.isECDSA, kind != 0 else {
            throw SAMLError.invalidKey("the key type does not match \(chosen.rawValue)")
        }
        self.storage = storage
        self.certificate = try certificatePEM.map { try SAMLCertificate(pem: $0) }
        self.algorithm = chosen
    }

    /// Signs raw octets (the Redirect binding's query string).
    func sign(_ data: [UInt8]) throws -> [UInt8] {
        guard let md = algorithm.messageDigest else { throw SAMLError.algorithmNotAllowed(algorithm.rawValue) }
        var out = [UInt8](repeating: 0, count: 1024)
        let length = data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                cxmlsec_evp_sign(storage.evp, md, input.baseAddress, input.count, output.baseAddress, output.count)
            }
        }
        CErrors.clear()
        guard length > 0 else { throw SAMLError.signingFailed("EVP_DigestSign failed") }
        return Array(out[0..<Int(length)])
    }

    /// `@unchecked Sendable`: created once, never mutated; xmlsec borrows `xmlKey` read-only (see ``VerificationKey``)
    /// and OpenSSL's `EVP_DigestSignInit` takes its own reference to `evp`.
    final class Storage: @unchecked Sendable {
        let xmlKey: xmlSecKeyPtr
        let evp: OpaquePointer

        init(privateKeyPEM: String, certificatePEM: String?) throws {
            CErrors.clear()
            let pem = Array(privateKeyPEM.utf8)
            let cert = certificatePEM.map { Array($0.utf8) } ?? []
            let xmlKey = pem.withUnsafeBufferPointer { p in
                cert.withUnsafeBufferPointer { c in
                    cxmlsec_private_key_from_pem(p.baseAddress, Int32(p.count), c.isEmpty ? nil : c.baseAddress, Int32(c.count))
                }
            }
            let evp = pem.withUnsafeBufferPointer { cxmlsec_evp_private_key_from_pem($0.baseAddress, Int32($0.count)) }
            guard let xmlKey, let evp else {
                if let xmlKey { xmlSecKeyDestroy(xmlKey) }
                if let evp { EVP_PKEY_free(evp) }
                CErrors.clear()
                throw SAMLError.invalidKey("cannot read the private key (or its certificate) from PEM")
            }
            self.xmlKey = xmlKey
            self.evp = evp
        }

        deinit {
            xmlSecKeyDestroy(xmlKey)
            EVP_PKEY_free(evp)
        }
    }
}

import Foundation
import SAML
import SwiftASN1
import X509

extension Certificate {
    /// Parses a metadata or configured certificate.
    ///
    /// swift-certificates refuses RSA keys below 2048 bits (swift-crypto will not load them), so such a certificate
    /// is read again field by field to name the failed check: ``CertificatePolicyError/weakKey(subject:bits:)``
    /// rather than an opaque parse error.
    /// - Throws: ``CertificatePolicyError/weakKey(subject:bits:)``, ``CertificatePolicyError/invalidCertificate(detail:)``.
    init(_ certificate: SAMLCertificate) throws {
        do {
            try self.init(derEncoded: certificate.der)
        } catch {
            if let (subject, strength) = CertificateProbe.subjectAndKey(certificate.der),
               case .rsa(let bits) = strength, bits < KeyStrengthPolicy.minimumRSABits {
                throw CertificatePolicyError.weakKey(subject: subject, bits: bits)
            }
            throw CertificatePolicyError.invalidCertificate(detail: String(describing: error))
        }
    }

    /// The subject as an RFC 4514 string.
    var subjectText: String { String(describing: subject) }

    /// Subject equals issuer and the certificate's own key verifies its signature.
    var isSelfSigned: Bool {
        subject == issuer && publicKey.isValidSignature(signature, for: self)
    }

    /// Whether basicConstraints says CA:TRUE (an unreadable extension counts as not a CA).
    var isCertificateAuthority: Bool {
        guard case .isCertificateAuthority = (try? extensions.basicConstraints) ?? nil else { return false }
        return true
    }

    /// The DER encoding.
    var derBytes: [UInt8] {
        var serializer = DER.Serializer()
        // Serializing a parsed certificate re-emits the fields it was parsed from; it does not fail.
        try? serializer.serialize(self)
        return serializer.serializedBytes
    }

    /// The dotted OID of the outer signatureAlgorithm.
    var signatureAlgorithmOID: String {
        guard let root = try? DER.parse(derBytes),
              let oid = try? DER.sequence(root, identifier: .sequence, { nodes -> ASN1ObjectIdentifier in
                  _ = nodes.next()  // tbsCertificate
                  guard let algorithm = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no signatureAlgorithm") }
                  _ = nodes.next()  // signatureValue
                  return try CertificateProbe.algorithm(algorithm).oid
              })
        else { return "unknown" }
        return oid.description
    }

    /// The key's algorithm and size.
    var keyStrength: KeyStrength {
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(publicKey)) != nil, let spki = try? DER.parse(serializer.serializedBytes) else { return .other }
        return CertificateProbe.keyStrength(spki: spki)
    }
}

/// Reads a certificate's fields with SwiftASN1 alone, for what swift-certificates' `Certificate` does not expose
/// (key sizes, algorithm OIDs) or refuses to parse (RSA keys below 2048 bits).
enum CertificateProbe {
    /// An AlgorithmIdentifier's OID and, when its parameters are an OID (a named curve), that too.
    static func algorithm(_ node: ASN1Node) throws -> (oid: ASN1ObjectIdentifier, parameter: ASN1ObjectIdentifier?) {
        try DER.sequence(node, identifier: .sequence) { inner in
            let oid = try ASN1ObjectIdentifier(derEncoded: &inner)
            let parameter = inner.next().flatMap { try? ASN1ObjectIdentifier(derEncoded: $0) }
            return (oid, parameter)
        }
    }

    /// The strength of a SubjectPublicKeyInfo.
    static func keyStrength(spki: ASN1Node) -> KeyStrength {
        (try? DER.sequence(spki, identifier: .sequence) { nodes -> KeyStrength in
            guard let algorithmNode = nodes.next(), let keyNode = nodes.next() else { return .other }
            let (algorithm, parameter) = try algorithm(algorithmNode)
            switch algorithm {
            case .AlgorithmIdentifier.rsaEncryption:
                let key = try DER.parse(try ASN1BitString(derEncoded: keyNode).bytes)
                let modulus = try DER.sequence(key, identifier: .sequence) { fields -> ArraySlice<UInt8> in
                    let modulus = try ArraySlice<UInt8>(derEncoded: &fields)
                    _ = try ArraySlice<UInt8>(derEncoded: &fields)  // publicExponent
                    return modulus
                }
                return .rsa(bits: bitLength(modulus))
            case .AlgorithmIdentifier.idEcPublicKey:
                switch parameter {
                case ASN1ObjectIdentifier.NamedCurves.secp256r1: return .ec(curve: "P-256", bits: 256)
                case ASN1ObjectIdentifier.NamedCurves.secp384r1: return .ec(curve: "P-384", bits: 384)
                case ASN1ObjectIdentifier.NamedCurves.secp521r1: return .ec(curve: "P-521", bits: 521)
                default: return .other
                }
            case [1, 3, 101, 112]:  // id-Ed25519 (RFC 8410)
                return .ed25519
            default:
                return .other
            }
        }) ?? .other
    }

    /// The subject and key strength of a DER certificate, read from its TBSCertificate.
    static func subjectAndKey(_ der: [UInt8]) -> (subject: String, key: KeyStrength)? {
        guard let root = try? DER.parse(der) else { return nil }
        return try? DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbs = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no tbsCertificate") }
            while nodes.next() != nil {}
            return try DER.sequence(tbs, identifier: .sequence) { fields in
                var serial = fields.next()
                if serial?.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) { serial = fields.next() }  // [0] version
                _ = fields.next()  // signature
                _ = fields.next()  // issuer
                _ = fields.next()  // validity
                guard serial != nil, let subjectNode = fields.next(), let spki = fields.next() else {
                    throw ASN1Error.invalidASN1Object(reason: "short tbsCertificate")
                }
                while fields.next() != nil {}  // unique IDs, extensions
                return (String(describing: try DistinguishedName(derEncoded: subjectNode)), keyStrength(spki: spki))
            }
        }
    }

    private static func bitLength(_ integer: ArraySlice<UInt8>) -> Int {
        guard let first = integer.firstIndex(where: { $0 != 0 }) else { return 0 }
        return (integer.endIndex - first) * 8 - integer[first].leadingZeroBitCount
    }
}

/// A public key's algorithm and size, as the key-strength check sees it.
enum KeyStrength: Hashable, Sendable, CustomStringConvertible {
    case rsa(bits: Int)
    case ec(curve: String, bits: Int)
    case ed25519
    case other

    var description: String {
        switch self {
        case .rsa(let bits): "RSA-\(bits)"
        case .ec(let curve, _): "EC \(curve)"
        case .ed25519: "Ed25519"
        case .other: "unknown"
        }
    }
}

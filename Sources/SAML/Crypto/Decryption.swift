import Foundation
internal import CXMLSec
internal import CXMLSecShims

/// An SP private key that decrypts assertions (several may be configured at once for a key rollover).
public struct DecryptionKey: Sendable {
    let storage: Storage
    /// The certificate the SP publishes for encryption, when given.
    public let certificate: SAMLCertificate?

    /// Reads an RSA private key (and optionally its certificate) from PEM.
    /// - Parameters:
    ///   - privateKeyPEM: an unencrypted RSA private key in PEM.
    ///   - certificatePEM: its certificate (for SP metadata).
    /// - Throws: ``SAMLError/invalidKey(_:)``, ``SAMLError/invalidCertificate(_:)``.
    public init(privateKeyPEM: String, certificatePEM: String? = nil) throws {
        ensureLibrariesInitialized()
        let pem = Array(privateKeyPEM.utf8)
        guard let evp = pem.withUnsafeBufferPointer({ cxmlsec_evp_private_key_from_pem($0.baseAddress, Int32($0.count)) }) else {
            CErrors.clear()
            throw SAMLError.invalidKey("cannot read the private key from PEM")
        }
        guard cxmlsec_evp_key_kind(evp) == 1 else {
            EVP_PKEY_free(evp)
            throw SAMLError.invalidKey("assertion decryption needs an RSA key")
        }
        self.storage = Storage(evp: evp)
        self.certificate = try certificatePEM.map { try SAMLCertificate(pem: $0) }
    }

    /// `@unchecked Sendable`: never mutated after `init`; each decryption makes its own EVP_PKEY_CTX from it.
    final class Storage: @unchecked Sendable {
        let evp: OpaquePointer
        init(evp: OpaquePointer) { self.evp = evp }
        deinit { EVP_PKEY_free(evp) }
    }
}

/// XML Encryption as SAML uses it (EncryptedAssertion, EncryptedID, EncryptedAttribute), decrypted with OpenSSL
/// under an allow-list: data aes128/192/256-cbc and -gcm (tripledes-cbc when allowed); key transport rsa-oaep-mgf1p and xmlenc 1.1 rsa-oaep
/// (SHA-1/224/256/384/512 digests, MGF1 variants); rsa-1_5 only when allowed. EncryptedKey inside KeyInfo, or a
/// sibling in the same container (referenced by a same-document RetrievalMethod or not). No CipherReference, no
/// transforms, nothing fetched. Every failure of the cryptography itself is one error, ``SAMLError/decryptionFailed``.
struct Decryptor {
    let keys: [DecryptionKey]
    let allowRSA1_5: Bool
    let allowTripleDES: Bool
    let limits: XMLParsingLimits

    static let xenc11 = "http://www.w3.org/2009/xmlenc11#"
    private static let dataAlgorithms: [String: (mode: Int32, keyLength: Int)] = [
        "http://www.w3.org/2001/04/xmlenc#aes128-cbc": (0, 16),
        "http://www.w3.org/2001/04/xmlenc#aes192-cbc": (0, 24),
        "http://www.w3.org/2001/04/xmlenc#aes256-cbc": (0, 32),
        "http://www.w3.org/2009/xmlenc11#aes128-gcm": (1, 16),
        "http://www.w3.org/2009/xmlenc11#aes192-gcm": (1, 24),
        "http://www.w3.org/2009/xmlenc11#aes256-gcm": (1, 32),
    ]
    /// Triple DES CBC, accepted only with ``ServiceProvider/Options/allowTripleDES`` (on AES-CBC's rules).
    static let tripleDES = "http://www.w3.org/2001/04/xmlenc#tripledes-cbc"
    static let rsaOAEPMGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
    static let rsaOAEP11 = "http://www.w3.org/2009/xmlenc11#rsa-oaep"
    static let rsa1_5 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"

    private static func digest(_ uri: String?) -> OpaquePointer? {
        switch uri {
        case nil, "http://www.w3.org/2000/09/xmldsig#sha1": return EVP_sha1()
        case "http://www.w3.org/2001/04/xmldsig-more#sha224": return EVP_sha224()
        case "http://www.w3.org/2001/04/xmlenc#sha256": return EVP_sha256()
        case "http://www.w3.org/2001/04/xmldsig-more#sha384": return EVP_sha384()
        case "http://www.w3.org/2001/04/xmlenc#sha512": return EVP_sha512()
        default: return nil
        }
    }

    private static func mgf1(_ uri: String?) -> OpaquePointer? {
        switch uri {
        case nil, xenc11 + "mgf1sha1": return EVP_sha1()
        case xenc11 + "mgf1sha224": return EVP_sha224()
        case xenc11 + "mgf1sha256": return EVP_sha256()
        case xenc11 + "mgf1sha384": return EVP_sha384()
        case xenc11 + "mgf1sha512": return EVP_sha512()
        default: return nil
        }
    }

    /// Decrypts the EncryptedData inside `container` and returns the plaintext element, parsed securely into a
    /// document of its own (wrapped in an element carrying the namespace declarations in scope at `container`).
    /// - Returns: the element, as a node value that keeps its new document alive.
    func decrypt(_ container: xmlNodePtr, expecting namespace: StaticString, _ name: StaticString) throws -> XMLNode {
        var encryptedData: [xmlNodePtr] = []
        var siblingKeys: [xmlNodePtr] = []
        for child in XMLTree.children(container) {
            if XMLTree.isElement(child, NS.xencURI, "EncryptedData") { encryptedData.append(child) }
            else if XMLTree.isElement(child, NS.xencURI, "EncryptedKey") { siblingKeys.append(child) }
            else { throw SAMLError.encryptionMalformed("unexpected \(XMLTree.qualifiedName(child)) in \(XMLTree.localName(container))") }
        }
        guard encryptedData.count == 1 else { throw SAMLError.encryptionMalformed("\(encryptedData.count) EncryptedData elements") }
        let data = encryptedData[0]
        if let type = XMLTree.attribute(data, "Type"), type != "http://www.w3.org/2001/04/xmlenc#Element" {
            throw SAMLError.encryptionMalformed("EncryptedData Type \(type)")
        }
        guard let method = XMLTree.firstChild(data, NS.xencURI, "EncryptionMethod"), let algorithm = XMLTree.attribute(method, "Algorithm") else {
            throw SAMLError.encryptionMalformed("EncryptedData without EncryptionMethod")
        }
        let parameters: (mode: Int32, keyLength: Int)
        if let aes = Self.dataAlgorithms[algorithm] {
            parameters = aes
        } else if allowTripleDES, Exact.equal(algorithm, Self.tripleDES) {
            parameters = (2, 24)
        } else {
            throw SAMLError.encryptionAlgorithmNotAllowed(algorithm)
        }
        let cipherText = try Self.cipherValue(data)

        // The key: EncryptedKey inside KeyInfo, or a sibling (by a same-document RetrievalMethod, or any).
        var candidates: [xmlNodePtr] = []
        if let keyInfo = XMLTree.firstChild(data, NS.dsigURI, "KeyInfo") {
            // Every key reference counts, distinct or not: each RetrievalMethod searches the siblings, so repeated
            // references to one key would otherwise cost references × siblings before anything is authenticated.
            var references = 0
            for child in XMLTree.children(keyInfo) {
                let isKey = XMLTree.isElement(child, NS.xencURI, "EncryptedKey")
                if isKey || XMLTree.isElement(child, NS.dsigURI, "RetrievalMethod") {
                    references += 1
                    guard references <= Self.maxKeyCandidates else {
                        throw SAMLError.encryptionMalformed("more than \(Self.maxKeyCandidates) EncryptedKey candidates")
                    }
                }
                if isKey {
                    candidates.append(child)
                } else if XMLTree.isElement(child, NS.dsigURI, "RetrievalMethod") {
                    guard let uri = XMLTree.attribute(child, "URI"), uri.hasPrefix("#"), XMLTree.firstElementChild(child) == nil else {
                        throw SAMLError.encryptionMalformed("RetrievalMethod must be a same-document reference without transforms")
                    }
                    let id = String(uri.dropFirst())
                    guard let target = siblingKeys.first(where: { XMLTree.attribute($0, "Id") == id }) else {
                        throw SAMLError.encryptionMalformed("RetrievalMethod \(uri) names no EncryptedKey beside the EncryptedData")
                    }
                    if !candidates.contains(target) { candidates.append(target) }
                }
                if candidates.count > Self.maxKeyCandidates { break }
            }
        }
        for key in siblingKeys where !candidates.contains(key) {
            candidates.append(key)
            if candidates.count > Self.maxKeyCandidates { break }
        }
        guard !candidates.isEmpty else { throw SAMLError.encryptionMalformed("no EncryptedKey") }
        // Each candidate costs one RSA private-key operation per SP key, before anything is authenticated.
        guard candidates.count <= Self.maxKeyCandidates else {
            throw SAMLError.encryptionMalformed("more than \(Self.maxKeyCandidates) EncryptedKey candidates")
        }

        for encryptedKey in candidates {
            let transport = try keyTransport(encryptedKey)
            let wrapped = try Self.cipherValue(encryptedKey)
            for key in keys {
                guard let symmetric = unwrap(wrapped, with: key, transport: transport, expectedLength: parameters.keyLength),
                      symmetric.count == parameters.keyLength,
                      let clear = Self.decipher(parameters.mode, key: symmetric, cipherText) else { continue }
                // With rsa-1_5 a wrong key yields a random content key (the countermeasure), whose CBC padding passes
                // about once in 16: only a plaintext that parses ends the search, so a later key still gets its turn.
                if let result = try? parsePlaintext(clear, container: container, expecting: namespace, name) { return result }
            }
        }
        throw SAMLError.decryptionFailed
    }

    /// The most EncryptedKey elements one EncryptedData may offer: distinct keys after RetrievalMethods are resolved,
    /// and also EncryptedKey and RetrievalMethod children of its KeyInfo, each counted, repeated or not.
    static let maxKeyCandidates = 4

    private struct Transport {
        let oaep: Bool
        let digest: OpaquePointer?
        let mgf1: OpaquePointer?
        let label: [UInt8]
    }

    private func keyTransport(_ encryptedKey: xmlNodePtr) throws -> Transport {
        guard let method = XMLTree.firstChild(encryptedKey, NS.xencURI, "EncryptionMethod"), let algorithm = XMLTree.attribute(method, "Algorithm") else {
            throw SAMLError.encryptionMalformed("EncryptedKey without EncryptionMethod")
        }
        let digestURI = XMLTree.firstChild(method, NS.dsigURI, "DigestMethod").flatMap { XMLTree.attribute($0, "Algorithm") }
        var label: [UInt8] = []
        if let node = XMLTree.firstChild(method, NS.xencURI, "OAEPparams") {
            do { label = try Base64.decode(XMLTree.text(node)) } catch { throw SAMLError.encryptionMalformed("OAEPparams is not base64") }
        }
        switch algorithm {
        case Self.rsaOAEPMGF1P:
            guard let digest = Self.digest(digestURI) else { throw SAMLError.encryptionAlgorithmNotAllowed(digestURI ?? "") }
            return Transport(oaep: true, digest: digest, mgf1: EVP_sha1(), label: label)
        case Self.rsaOAEP11:
            guard let digest = Self.digest(digestURI) else { throw SAMLError.encryptionAlgorithmNotAllowed(digestURI ?? "") }
            var mgfURI: String?
            for child in XMLTree.children(method) where XMLTree.localName(child) == "MGF" && XMLTree.namespaceURI(child) == Self.xenc11 {
                mgfURI = XMLTree.attribute(child, "Algorithm")
            }
            guard let mgf = Self.mgf1(mgfURI) else { throw SAMLError.encryptionAlgorithmNotAllowed(mgfURI ?? "") }
            return Transport(oaep: true, digest: digest, mgf1: mgf, label: label)
        case Self.rsa1_5 where allowRSA1_5:
            return Transport(oaep: false, digest: nil, mgf1: nil, label: [])
        default:
            throw SAMLError.encryptionAlgorithmNotAllowed(algorithm)
        }
    }

    private func unwrap(_ wrapped: [UInt8], with key: DecryptionKey, transport: Transport, expectedLength: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: 1024)
        let length = wrapped.withUnsafeBufferPointer { input in
            transport.label.withUnsafeBufferPointer { label in
                out.withUnsafeMutableBufferPointer { output in
                    cxmlsec_rsa_decrypt(key.storage.evp, transport.oaep ? 1 : 0, transport.digest, transport.mgf1,
                                        label.baseAddress, Int32(label.count), input.baseAddress, input.count,
                                        output.baseAddress, output.count, Int32(expectedLength))
                }
            }
        }
        guard length > 0 else { return nil }
        return Array(out[0..<Int(length)])
    }

    private static func decipher(_ mode: Int32, key: [UInt8], _ cipherText: [UInt8]) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: cipherText.count + 32)
        let length = key.withUnsafeBufferPointer { k in
            cipherText.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { output in
                    cxmlsec_aes_decrypt(mode, k.baseAddress, Int32(k.count), input.baseAddress, Int32(input.count), output.baseAddress)
                }
            }
        }
        guard length >= 0 else { return nil }
        return Array(out[0..<Int(length)])
    }

    private static func cipherValue(_ node: xmlNodePtr) throws -> [UInt8] {
        guard let cipherData = XMLTree.firstChild(node, NS.xencURI, "CipherData") else { throw SAMLError.encryptionMalformed("no CipherData") }
        if XMLTree.firstChild(cipherData, NS.xencURI, "CipherReference") != nil { throw SAMLError.encryptionMalformed("CipherReference is not allowed") }
        guard let value = XMLTree.firstChild(cipherData, NS.xencURI, "CipherValue") else { throw SAMLError.encryptionMalformed("no CipherValue") }
        do { return try Base64.decode(XMLTree.text(value)) } catch { throw SAMLError.encryptionMalformed("CipherValue is not base64") }
    }

    private func parsePlaintext(_ plaintext: [UInt8], container: xmlNodePtr, expecting namespace: StaticString, _ name: StaticString) throws -> XMLNode {
        var body = plaintext[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if body.starts(with: Array("<?xml".utf8)), let end = body.firstRange(of: Array("?>".utf8)) { body = body[end.upperBound...] }
        // The namespace declarations in scope where the ciphertext was (nearest first wins).
        var declarations: [String: String] = [:]
        var order: [String] = []
        var cur: xmlNodePtr? = container
        while let node = cur, node.pointee.type == XML_ELEMENT_NODE {
            var ns = node.pointee.nsDef
            while let n = ns {
                let prefix = n.pointee.prefix.map { String(cString: $0) } ?? ""
                if declarations[prefix] == nil, let href = n.pointee.href {
                    declarations[prefix] = String(cString: href)
                    order.append(prefix)
                }
                ns = n.pointee.next
            }
            cur = node.pointee.parent
        }
        var open = "<swift-saml-decrypted"
        for prefix in order {
            let attribute = prefix.isEmpty ? "xmlns" : "xmlns:\(prefix)"
            open += " \(attribute)=\"\(XMLEscape.attribute(declarations[prefix]!))\""
        }
        open += ">"
        let wrapped = Array(open.utf8) + Array(body) + Array("</swift-saml-decrypted>".utf8)
        // Whatever goes wrong with the plaintext (not XML, not the element expected, too deep, a DOCTYPE) is reported
        // as the one decryption error: an answer that told "bad padding" from "bad XML" would be the oracle of
        // Jager and Somorovsky's attack on XML Encryption in CBC mode.
        // The wrapper carries every declaration in scope at the container (at most the in-scope bound, which the
        // enclosing document passed): on one element, so that element may hold up to that many.
        var plaintextLimits = limits
        plaintextLimits.maxNamespaceDeclarationsPerElement = max(limits.maxNamespaceDeclarationsPerElement, limits.maxNamespaceDeclarationsInScope)
        guard let doc = try? ParsedXML.parse(wrapped, limits: plaintextLimits) else { throw SAMLError.decryptionFailed }
        return try doc.withRoot { root in
            let elements = Array(XMLTree.children(root))
            guard elements.count == 1, XMLTree.isElement(elements[0], namespace, name) else { throw SAMLError.decryptionFailed }
            return XMLNode(document: doc, pointer: elements[0])
        }
    }
}

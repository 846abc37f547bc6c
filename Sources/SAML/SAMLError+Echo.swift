import Foundation

extension SAMLError {
    /// The most UTF-8 bytes of one echoed value (a Destination, an Issuer, a libxml2 message…) kept in an error.
    public static let maxEchoBytes = 256
    /// The most values of one echoed list (the Audiences found, say) kept in an error.
    public static let maxEchoItems = 8

    /// The error with every value it echoes from the input capped at ``maxEchoBytes`` (cut on a character
    /// boundary, the number of bytes left out appended) and every echoed list at ``maxEchoItems``: a 200,000-character
    /// Destination must not become 200 KB of log line. Dates, numbers and the library's own text are unchanged.
    public func cappingEchoes() -> SAMLError {
        func c(_ s: String) -> String { Self.cap(s) }
        func c(_ s: String?) -> String? { s.map(Self.cap) }
        func c(_ list: [String]) -> [String] {
            var out = list.prefix(Self.maxEchoItems).map(Self.cap)
            if list.count > Self.maxEchoItems { out.append("…(+\(list.count - Self.maxEchoItems) more)") }
            return out
        }
        switch self {
        case .malformedXML(let detail): return .malformedXML(detail: c(detail))
        case .unsupportedEncoding(let encoding): return .unsupportedEncoding(c(encoding))
        case .encodingMismatch(let bom, let declared): return .encodingMismatch(byteOrderMark: bom, declared: c(declared))
        case .malformedQuery(let detail): return .malformedQuery(c(detail))
        case .unexpectedRoot(let namespace, let name): return .unexpectedRoot(namespace: c(namespace), name: c(name))
        case .unsupportedVersion(let version): return .unsupportedVersion(c(version))
        case .invalidID(let id): return .invalidID(c(id))
        case .duplicateID(let id): return .duplicateID(c(id))
        case .signatureMisplaced(let parent): return .signatureMisplaced(parent: c(parent))
        case .assertionMisplaced(let parent): return .assertionMisplaced(parent: c(parent))
        case .unexpectedElement(let name): return .unexpectedElement(c(name))
        case .encryptionAlgorithmNotAllowed(let uri): return .encryptionAlgorithmNotAllowed(c(uri))
        case .encryptionMalformed(let detail): return .encryptionMalformed(c(detail))
        case .missingElement(let name): return .missingElement(c(name))
        case .missingAttribute(let element, let attribute): return .missingAttribute(element: c(element), attribute: c(attribute))
        case .duplicateElement(let name): return .duplicateElement(c(name))
        case .signatureMalformed(.unexpectedElement(let name)): return .signatureMalformed(.unexpectedElement(c(name)))
        case .referenceURIMismatch(let expected, let found): return .referenceURIMismatch(expected: c(expected), found: c(found))
        case .transformNotAllowed(let uri): return .transformNotAllowed(c(uri))
        case .algorithmNotAllowed(let uri): return .algorithmNotAllowed(c(uri))
        case .signatureVerificationFailed(let detail): return .signatureVerificationFailed(detail: c(detail))
        case .destinationMismatch(let expected, let found): return .destinationMismatch(expected: expected, found: c(found))
        case .inResponseToMismatch(let expected, let found): return .inResponseToMismatch(expected: expected, found: c(found))
        case .statusNotSuccess(let code, let subCodes, let message):
            return .statusNotSuccess(code: c(code), subCodes: c(subCodes), message: c(message))
        case .issuerMismatch(let expected, let found): return .issuerMismatch(expected: expected, found: c(found))
        case .unknownIssuer(let issuer): return .unknownIssuer(c(issuer))
        case .invalidIssuerFormat(let format): return .invalidIssuerFormat(c(format))
        case .messageParameterMismatch(let parameter, let root): return .messageParameterMismatch(parameter: c(parameter), root: c(root))
        case .responseFromUnexpectedIdP(let expected, let found): return .responseFromUnexpectedIdP(expected: expected, found: c(found))
        case .recipientMismatch(let expected, let found): return .recipientMismatch(expected: expected, found: c(found))
        case .audienceMismatch(let expected, let found): return .audienceMismatch(expected: expected, found: c(found))
        case .unknownCondition(let name): return .unknownCondition(c(name))
        case .invalidTime(let text): return .invalidTime(c(text))
        case .entityNotFound(let id): return .entityNotFound(c(id))
        case .ambiguousEntity(let ids): return .ambiguousEntity(c(ids))
        case .duplicateEntityID(let id): return .duplicateEntityID(c(id))
        case .invalidCertificate(let detail): return .invalidCertificate(c(detail))
        case .invalidEndpointURL(let url): return .invalidEndpointURL(c(url))
        case .invalidKey(let detail): return .invalidKey(c(detail))
        case .invalidConfiguration(let detail): return .invalidConfiguration(c(detail))
        case .unknownIdentityProvider(let id): return .unknownIdentityProvider(c(id))
        default: return self
        }
    }

    /// `value` cut to ``maxEchoBytes`` UTF-8 bytes on a character boundary, with the number of bytes left out.
    static func cap(_ value: String) -> String {
        let count = value.utf8.count
        guard count > maxEchoBytes else { return value }
        var kept = ""
        var used = 0
        for character in value {
            let size = character.utf8.count
            if used + size > maxEchoBytes { break }
            kept.append(character)
            used += size
        }
        return kept + "…(+\(count - used) bytes)"
    }
}

/// Runs `body` and caps the echoes of the `SAMLError` it throws (the library's public entry points use it).
@inline(__always)
func cappingEchoes<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as SAMLError { throw error.cappingEchoes() }
}

@inline(__always)
func cappingEchoes<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as SAMLError { throw error.cappingEchoes() }
}

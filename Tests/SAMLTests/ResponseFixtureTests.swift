import Foundation
import Testing
@testable import SAML

/// Every response in Fixtures/responses/manifest.json (made by Fixtures/scripts/make_responses.py with the xmlsec1
/// CLI and pysaml2), Fixtures/encrypted/manifest.json and Fixtures/verdicts/manifest.json (issue 11,
/// make_verdicts.py): the valid ones pass and yield the expected identity, compared code point by code point; each
/// hostile one fails with its own error.
@Suite("Response fixtures: valid shapes and the hostile corpus")
struct ResponseFixtureTests {
    struct Entry: Decodable, Sendable, CustomTestStringConvertible {
        var folder = "responses"
        let name: String
        let file: String
        let description: String
        let valid: Bool
        let expected: String?
        let attack: String?
        let idp_certs: [String]
        let idp_entity_id: String
        let expected_request_id: String?
        let expected_name_id: String?
        let expected_attributes: [String: [String]]?
        let options: [String: JSONValue]?
        let decryption_key: String?
        let decryption_keys: [String]?
        let submissions: Int?
        /// The SP's configuration when not the defaults (verdicts: the Kelvin/Kibana set).
        let sp_entity_id: String?
        let acs_url: String?
        /// An IdP metadata file (relative to Fixtures/) trusted instead of `idp_certs`.
        let idp_metadata: String?
        /// Substrings the `saml verify` tool must print as warnings (checked by the command's tests).
        let expected_warnings: [String]?
        /// The rejection's `detail` must be at most this many UTF-8 bytes.
        let max_detail_bytes: Int?
        var testDescription: String { folder == "responses" ? name : "\(folder)/\(name)" }

        enum CodingKeys: String, CodingKey {
            case name, file, description, valid, expected, attack, idp_certs, idp_entity_id, expected_request_id, expected_name_id
            case expected_attributes, options, decryption_key, decryption_keys, submissions
            case sp_entity_id, acs_url, idp_metadata, expected_warnings, max_detail_bytes
        }
    }

    enum JSONValue: Decodable, Sendable {
        case bool(Bool), int(Int), double(Double), string(String)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let i = try? c.decode(Int.self) { self = .int(i) }
            else if let d = try? c.decode(Double.self) { self = .double(d) }
            else { self = .string(try c.decode(String.self)) }
        }
    }

    static let folders = ["responses", "encrypted", "verdicts"]

    /// Fixtures/responses (signatures, structure, protocol), Fixtures/encrypted (XML Encryption) and
    /// Fixtures/verdicts (issue 11: trust decisions, exact comparisons, profile MUSTs, input hygiene, bounds).
    static let entries: [Entry] = folders.flatMap { folder -> [Entry] in
        guard let data = try? Data(contentsOf: Fixtures.url("\(folder)/manifest.json")) else { return [] }
        do {
            return try JSONDecoder().decode([Entry].self, from: data).map { var e = $0; e.folder = folder; return e }
        } catch {
            fatalError("\(folder)/manifest.json: \(error)")
        }
    }

    /// Every manifest must be there: the parameterised tests would otherwise run no cases.
    @Test func manifestsListEveryCase() throws {
        for folder in Self.folders {
            _ = try Data(contentsOf: Fixtures.url("\(folder)/manifest.json"))
        }
        #expect(Self.entries.filter { $0.folder == "responses" }.count >= 173)
        #expect(Self.entries.filter { $0.folder == "encrypted" }.count >= 47)
        #expect(Self.entries.filter { $0.folder == "verdicts" }.count >= 67)
    }

    /// The options an entry names (`allowUnsolicited` is `allowUnsolicitedResponses`; every other key is the
    /// property of the same name). An unknown key fails the test.
    static func options(_ given: [String: JSONValue]?, for name: String) -> ServiceProvider.Options {
        var options = ServiceProvider.Options()
        for (key, value) in given ?? [:] {
            switch (key, value) {
            case ("allowUnsolicited", .bool(let b)): options.allowUnsolicitedResponses = b
            case ("allowSHA1", .bool(let b)): options.allowSHA1 = b
            case ("maxResponseBytes", .int(let n)): options.maxResponseBytes = n
            case ("maxDepth", .int(let n)): options.maxDepth = n
            case ("signatureRequirement", .string(let s)): options.signatureRequirement = ServiceProvider.SignatureRequirement(rawValue: s)!
            case ("allowRSA1_5KeyTransport", .bool(let b)): options.allowRSA1_5KeyTransport = b
            case ("requireEncryptedAssertions", .bool(let b)): options.requireEncryptedAssertions = b
            case ("minimumRSAKeyBits", .int(let n)): options.minimumRSAKeyBits = n
            case ("allowTripleDES", .bool(let b)): options.allowTripleDES = b
            case ("allowExpiredMetadata", .bool(let b)): options.allowExpiredMetadata = b
            case ("allowUnsolicitedSubjectConfirmationInResponseTo", .bool(let b)): options.allowUnsolicitedSubjectConfirmationInResponseTo = b
            case ("allowMissingAudienceRestriction", .bool(let b)): options.allowMissingAudienceRestriction = b
            case ("allowEmptyReferenceURI", .bool(let b)): options.allowEmptyReferenceURI = b
            case ("clockSkew", .int(let n)): options.clockSkew = TimeInterval(n)
            case ("clockSkew", .double(let d)): options.clockSkew = d
            default: Issue.record("unknown option \(key) in \(name)")
            }
        }
        return options
    }

    static func serviceProvider(_ entry: Entry) throws -> ServiceProvider {
        let options = Self.options(entry.options, for: entry.name)
        let idp: IdPMetadata
        if let metadata = entry.idp_metadata {
            idp = try IdPMetadata(xml: try Fixtures.bytes(metadata))
            #expect(Array(idp.entityID.utf8) == Array(entry.idp_entity_id.utf8), "\(entry.name): the metadata's entityID")
        } else {
            idp = IdPMetadata(entityID: entry.idp_entity_id, signingCertificates: try entry.idp_certs.map { try SAMLCertificate(pem: try Fixtures.text($0)) })
        }
        let keys = try ((entry.decryption_keys ?? []) + [entry.decryption_key].compactMap { $0 }).map { try DecryptionKey(privateKeyPEM: try Fixtures.text($0)) }
        return try ServiceProvider(entityID: entry.sp_entity_id ?? Fixtures.spEntityID, assertionConsumerServiceURLs: [entry.acs_url ?? Fixtures.acsURL],
                                   identityProviders: [idp], options: options, clock: FixedClock(Fixtures.now), decryptionKeys: keys)
    }

    @Test(arguments: entries.filter(\.valid))
    func accepts(_ entry: Entry) async throws {
        let sp = try Self.serviceProvider(entry)
        let xml = try Fixtures.bytes("\(entry.folder)/\(entry.file)")
        let assertion = try await sp.validate(responseXML: xml, expectedRequestID: entry.expected_request_id)
        // Code point by code point: Swift's String == holds canonically equivalent strings equal (K and U+212A).
        if let name = entry.expected_name_id { #expect(Array(assertion.nameID.value.unicodeScalars) == Array(name.unicodeScalars), "NameID \(assertion.nameID.value.debugDescription)") }
        for (name, values) in entry.expected_attributes ?? [:] {
            #expect(assertion.values(of: name).map { Array($0.unicodeScalars) } == values.map { Array($0.unicodeScalars) }, "\(name): \(assertion.values(of: name))")
        }
        #expect(Array(assertion.issuer.unicodeScalars) == Array(entry.idp_entity_id.unicodeScalars))
        // The audit copy is the verified assertion itself: it re-parses to an Assertion with the same ID.
        let audit = try ParsedXML.parse(Array(assertion.canonicalXML.utf8), limits: .metadata)
        #expect(audit.withRoot { XMLTree.isElement($0, NS.assertionURI, "Assertion") && XMLTree.attribute($0, "ID") == assertion.assertionID })
        // Computed lazily from the response bytes, it is exactly the canonical form of the response's Assertion.
        let original = try ParsedXML.parse(xml, limits: .metadata)
        if let canonical = original.withRoot({ XMLTree.firstChild($0, NS.assertionURI, "Assertion").map { original.canonicalXML(of: $0) } }) {
            #expect(assertion.canonicalXML == canonical)
        }
        // The same bytes through the base64 entry point give the same answer (a fresh SP: no replay).
        let again = try await Self.serviceProvider(entry).validate(samlResponse: Base64.encode(xml), expectedRequestID: entry.expected_request_id)
        #expect(again == assertion)
    }

    @Test(arguments: entries.filter { !$0.valid })
    func rejects(_ entry: Entry) async throws {
        let sp = try Self.serviceProvider(entry)
        let xml = try Fixtures.bytes("\(entry.folder)/\(entry.file)")
        for _ in 1..<(entry.submissions ?? 1) {
            _ = try await sp.validate(responseXML: xml, expectedRequestID: entry.expected_request_id)
        }
        do {
            let assertion = try await sp.validate(responseXML: xml, expectedRequestID: entry.expected_request_id)
            Issue.record("\(entry.name) was accepted (nameID \(assertion.nameID.value)): \(entry.description)")
        } catch let error as SAMLError {
            #expect(error.code == entry.expected, "\(entry.name): \(entry.description) — got \(String(describing: error).prefix(600))")
            if let max = entry.max_detail_bytes {
                #expect(error.detail.utf8.count <= max, "\(entry.name): detail is \(error.detail.utf8.count) bytes")
            }
        }
    }
}

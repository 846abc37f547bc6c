import Foundation
import SAML
import SAMLAttributeMapping
import Testing

@Suite("JSON mappings")
struct JSONTests {
    static let adminFile = """
    {
      "rules": [
        { "field": "uid", "sources": [{ "attribute": "uid" },
                                      { "attribute": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name" }] },
        { "field": "email", "sources": [{ "friendlyName": "mail" }, "nameID"], "required": false },
        { "field": "groups", "sources": [{ "attribute": "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups" }],
          "required": false, "multiplicity": "multiple" },
        { "field": "role", "sources": [{ "attribute": "http://schemas.microsoft.com/ws/2008/06/identity/claims/role" }],
          "required": false, "multiplicity": "first" }
      ]
    }
    """

    @Test("An admin's JSON file decodes to the rules it spells, with strict defaults")
    func decodesAdminFile() throws {
        let mapping = try AttributeMapping(json: Array(Self.adminFile.utf8))
        #expect(mapping.rules == [
            .init(field: "uid", sources: [.attribute("uid"), .attribute(ClaimNames.AzureAD.name)], required: true, multiplicity: .single(onMany: .reject)),
            .init(field: "email", sources: [.friendlyName("mail"), .nameID], required: false, multiplicity: .single(onMany: .reject)),
            .init(field: "groups", sources: [.attribute(ClaimNames.AzureAD.groups)], required: false, multiplicity: .multiple),
            .init(field: "role", sources: [.attribute(ClaimNames.AzureAD.role)], required: false, multiplicity: .single(onMany: .first)),
        ])
    }

    @Test("The decoded mapping maps a verified assertion")
    func mapsWithDecodedFile() async throws {
        let mapping = try AttributeMapping(json: Array(Self.adminFile.utf8))
        let user = try mapping.map(try await MappingFixtures.assertion("webex-no-uid"))
        #expect(user.fields == ["uid": [Expected.upn], "email": [Expected.upn], "role": ["Contoso.Admin"]])
        #expect(user.matchedSources == ["uid": .attribute(ClaimNames.AzureAD.name), "email": .nameID, "role": .attribute(ClaimNames.AzureAD.role)])
    }

    @Test("Every preset survives a JSON round trip", arguments: AttributeMapping.presetNames)
    func roundTrip(_ name: String) throws {
        let preset = try AttributeMapping.preset(named: name)
        #expect(try AttributeMapping(json: try preset.json()) == preset)
    }

    @Test("The encoded form is the documented one")
    func encodedForm() throws {
        let mapping = try AttributeMapping(rules: [
            .required("uid", from: .nameID),
            .init(field: "groups", sources: [.friendlyName("memberOf")], required: false, multiplicity: .multiple),
        ])
        let text = String(decoding: try mapping.json(), as: UTF8.self)
        let compact = text.filter { !$0.isWhitespace }
        #expect(compact == #"{"rules":[{"field":"uid","multiplicity":"single","required":true,"sources":["nameID"]},{"field":"groups","multiplicity":"multiple","required":false,"sources":[{"friendlyName":"memberOf"}]}]}"#)
    }

    struct BadFile: CustomTestStringConvertible, Sendable {
        let name: String
        let json: String
        let expected: AttributeMappingError
        var testDescription: String { name }
    }

    static let badFiles: [BadFile] = [
        BadFile(name: "misspelt option", json: #"{"rules":[{"field":"uid","sources":["nameID"],"requried":false}]}"#,
                expected: .invalidJSON(detail: #"rules[0]: unknown key "requried" (expected one of field, sources, required, multiplicity)"#)),
        BadFile(name: "unknown top-level key", json: #"{"rules":[{"field":"uid","sources":["nameID"]}],"preset":"okta"}"#,
                expected: .invalidJSON(detail: #"unknown key "preset" (expected one of rules)"#)),
        BadFile(name: "unknown multiplicity", json: #"{"rules":[{"field":"uid","sources":["nameID"],"multiplicity":"many"}]}"#,
                expected: .invalidJSON(detail: #"rules[0].multiplicity: multiplicity is "single", "first" or "multiple", not "many""#)),
        BadFile(name: "source string other than nameID", json: #"{"rules":[{"field":"uid","sources":["nameid"]}]}"#,
                expected: .invalidJSON(detail: #"rules[0].sources[0]: a source is {"attribute": NAME}, {"friendlyName": NAME} or "nameID", not "nameid""#)),
        BadFile(name: "source with two keys", json: #"{"rules":[{"field":"uid","sources":[{"attribute":"a","friendlyName":"b"}]}]}"#,
                expected: .invalidJSON(detail: #"rules[0].sources[0]: a source has exactly one of "attribute" and "friendlyName""#)),
        BadFile(name: "source with an unknown kind", json: #"{"rules":[{"field":"uid","sources":[{"claim":"a"}]}]}"#,
                expected: .invalidJSON(detail: #"rules[0].sources[0]: unknown key "claim" (expected one of attribute, friendlyName)"#)),
        BadFile(name: "empty attribute name", json: #"{"rules":[{"field":"uid","sources":[{"attribute":""}]}]}"#,
                expected: .invalidJSON(detail: #"rules[0].sources[0].attribute: empty attribute name"#)),
        BadFile(name: "missing sources", json: #"{"rules":[{"field":"uid"}]}"#,
                expected: .invalidJSON(detail: #"rules[0]: missing key "sources""#)),
        BadFile(name: "wrong type", json: #"{"rules":[{"field":"uid","sources":["nameID"],"required":"no"}]}"#,
                expected: .invalidJSON(detail: "rules[0].required: Expected to decode Bool but found a string instead.")),
        BadFile(name: "not JSON", json: "rules: []", expected: .invalidJSON(detail: "The given data was not valid JSON.")),
        BadFile(name: "duplicate field", json: #"{"rules":[{"field":"email","sources":["nameID"]},{"field":"email","sources":[{"attribute":"mail"}]}]}"#,
                expected: .duplicateField("email")),
        BadFile(name: "no rules", json: #"{"rules":[]}"#, expected: .noRules),
        BadFile(name: "rule without sources", json: #"{"rules":[{"field":"uid","sources":[]}]}"#, expected: .noSources(field: "uid")),
    ]

    @Test(arguments: badFiles)
    func rejects(_ c: BadFile) {
        #expect(throws: c.expected) { try AttributeMapping(json: Array(c.json.utf8)) }
    }

    @Test("MappedUser encodes single-valued fields as strings and multi-valued ones as arrays")
    func mappedUserJSON() async throws {
        let user = try AttributeMapping.okta.map(try await MappingFixtures.assertion("okta"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(user.flattened), as: UTF8.self)
        #expect(text == #"{"email":"b.simon@contoso.example","givenName":"B.","groups":["Everyone","Engineering"],"surname":"Simon","uid":"b.simon@contoso.example"}"#)
    }

    @Test("MappedUser round-trips through Codable (kept in a session)")
    func mappedUserRoundTrip() async throws {
        let user = try AttributeMapping.okta.map(try await MappingFixtures.assertion("okta"))
        let decoded = try JSONDecoder().decode(MappedUser.self, from: try JSONEncoder().encode(user))
        #expect(decoded == user)
        #expect(decoded.groups == ["Everyone", "Engineering"] && decoded.matchedSources == user.matchedSources)
        // A session value that names fields it does not carry is refused, not half-read.
        let forged = #"{"fields":{},"matchedSources":{},"multiValuedFields":["groups"],"nameID":"x","issuer":"i"}"#
        let error = #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode(MappedUser.self, from: Data(forged.utf8)) }
        guard case .dataCorrupted(let context) = error else { Issue.record("expected dataCorrupted, got \(String(describing: error))"); return }
        #expect(context.debugDescription == "fields named that were not mapped" && context.codingPath.isEmpty)
    }
}

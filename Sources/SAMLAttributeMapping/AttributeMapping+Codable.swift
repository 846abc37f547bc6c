import Foundation

/// The JSON an admin writes:
///
/// ```json
/// {
///   "rules": [
///     { "field": "uid", "sources": [{ "attribute": "uid" },
///                                   { "attribute": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name" }] },
///     { "field": "email", "sources": [{ "friendlyName": "mail" }, "nameID"], "required": false },
///     { "field": "groups", "sources": [{ "attribute": "groups" }], "required": false, "multiplicity": "multiple" }
///   ]
/// }
/// ```
///
/// A source is `{"attribute": NAME}`, `{"friendlyName": NAME}` or the string `"nameID"`. `required` defaults to
/// `true`; `multiplicity` is `"single"` (the default: several values reject), `"first"` (several values: keep the
/// first) or `"multiple"`. Unknown keys are rejected, so a misspelt option is an error rather than a silent default.
extension AttributeMapping: Codable {
    private enum CodingKeys: String, CodingKey, CaseIterable { case rules }

    /// Decodes the JSON format above and checks the rules as ``init(rules:)`` does.
    /// - Throws: `DecodingError` for malformed JSON or unknown keys, and the errors of ``init(rules:)``.
    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(rules: try container.decode([Rule].self, forKey: .rules))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rules, forKey: .rules)
    }

    /// Reads a mapping from JSON (the format above).
    /// - Parameter json: the file's bytes.
    /// - Throws: ``AttributeMappingError/invalidJSON(detail:)`` (with the decoder's text and the key path), and the
    ///   errors of ``init(rules:)``.
    public init(json: some Collection<UInt8>) throws {
        do {
            self = try JSONDecoder().decode(AttributeMapping.self, from: Data(json))
        } catch let error as AttributeMappingError {
            throw error
        } catch let error as DecodingError {
            throw AttributeMappingError.invalidJSON(detail: Self.describe(error))
        } catch {
            throw AttributeMappingError.invalidJSON(detail: String(describing: error))
        }
    }

    /// The mapping as JSON, keys sorted (what ``init(json:)`` reads back).
    /// - Throws: `EncodingError` from `JSONEncoder` (not expected: every mapping encodes).
    public func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ message: String? = nil) -> String {
            let keys = context.codingPath.reduce(into: "") { text, key in
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            let message = message ?? context.debugDescription
            return keys.isEmpty ? message : "\(keys): \(message)"
        }
        switch error {
        case .dataCorrupted(let context): return path(context)
        case .keyNotFound(let key, let context): return path(context, "missing key \"\(key.stringValue)\"")
        case .typeMismatch(_, let context): return path(context)
        case .valueNotFound(_, let context): return path(context)
        @unknown default: return String(describing: error)
        }
    }
}

extension AttributeMapping.Rule: Codable {
    private enum CodingKeys: String, CodingKey, CaseIterable { case field, sources, required, multiplicity }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(field: try container.decode(String.self, forKey: .field),
                  sources: try container.decode([AttributeMapping.Source].self, forKey: .sources),
                  required: try container.decodeIfPresent(Bool.self, forKey: .required) ?? true,
                  multiplicity: try container.decodeIfPresent(AttributeMapping.Multiplicity.self, forKey: .multiplicity) ?? .single(onMany: .reject))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(field, forKey: .field)
        try container.encode(sources, forKey: .sources)
        try container.encode(required, forKey: .required)
        try container.encode(multiplicity, forKey: .multiplicity)
    }
}

extension AttributeMapping.Source: Codable {
    private enum CodingKeys: String, CodingKey, CaseIterable { case attribute, friendlyName }
    private static let nameIDToken = "nameID"

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let token = try? single.decode(String.self) {
            guard token == Self.nameIDToken else {
                throw DecodingError.dataCorruptedError(in: single, debugDescription: "a source is {\"attribute\": NAME}, {\"friendlyName\": NAME} or \"nameID\", not \"\(token)\"")
            }
            self = .nameID
            return
        }
        try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "a source has exactly one of \"attribute\" and \"friendlyName\""))
        }
        let name = try container.decode(String.self, forKey: key)
        guard !name.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "empty attribute name")
        }
        self = key == .attribute ? .attribute(name) : .friendlyName(name)
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .nameID:
            var container = encoder.singleValueContainer()
            try container.encode(Self.nameIDToken)
        case .attribute(let name):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .attribute)
        case .friendlyName(let name):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .friendlyName)
        }
    }
}

extension AttributeMapping.Multiplicity: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        switch try container.decode(String.self) {
        case "single": self = .single(onMany: .reject)
        case "first": self = .single(onMany: .first)
        case "multiple": self = .multiple
        case let other:
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "multiplicity is \"single\", \"first\" or \"multiple\", not \"\(other)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .single(onMany: .reject): try container.encode("single")
        case .single(onMany: .first): try container.encode("first")
        case .multiple: try container.encode("multiple")
        }
    }
}

/// Rejects keys a JSON object should not have (a typo must not fall back to a default silently).
enum StrictKeys {
    private struct AnyKey: CodingKey {
        let stringValue: String
        let intValue: Int? = nil
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func check(_ decoder: any Decoder, allowed: [String]) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = container.allKeys.map(\.stringValue).filter({ !allowed.contains($0) }).sorted().first {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown key \"\(unknown)\" (expected one of \(allowed.joined(separator: ", ")))"))
        }
    }
}

import Foundation

/// A JSON value, for SCIM resources: PATCH and filters address attributes by name (case-insensitively, RFC 7643
/// §2.1), which Codable structs cannot do.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses JSON bytes; nil when they are not JSON.
    public init?(json bytes: [UInt8]) {
        guard !bytes.isEmpty, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else { return nil }
        self = value
    }

    /// The JSON text, keys sorted.
    public var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The member named `name`, matched case-insensitively (ASCII).
    public subscript(member name: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        if let exact = object[name] { return exact }
        return object.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// The key of `name` in this object as it is spelled there (case-insensitive), or nil.
    func key(_ name: String) -> String? {
        guard case .object(let object) = self else { return nil }
        if object[name] != nil { return name }
        return object.keys.first { $0.lowercased() == name.lowercased() }
    }

    /// Sets (or with nil removes) the member `name`, keeping the existing spelling of its key.
    mutating func set(_ name: String, _ value: JSONValue?) {
        guard case .object(var object) = self else { return }
        let key = key(name) ?? name
        object[key] = value
        self = .object(object)
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var object: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

import Foundation

/// A SCIM error (RFC 7644 §3.12): the HTTP status, the `scimType` when the RFC defines one, and a detail.
public struct SCIMError: Error, Sendable, Hashable {
    public var status: Int
    public var scimType: String?
    public var detail: String

    public init(status: Int, scimType: String? = nil, _ detail: String) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
    }

    static func invalidFilter(_ detail: String) -> SCIMError { SCIMError(status: 400, scimType: "invalidFilter", detail) }
    static func invalidPath(_ detail: String) -> SCIMError { SCIMError(status: 400, scimType: "invalidPath", detail) }
    static func invalidValue(_ detail: String) -> SCIMError { SCIMError(status: 400, scimType: "invalidValue", detail) }
    static func noTarget(_ detail: String) -> SCIMError { SCIMError(status: 400, scimType: "noTarget", detail) }
    static func invalidSyntax(_ detail: String) -> SCIMError { SCIMError(status: 400, scimType: "invalidSyntax", detail) }

    /// The error's body in the SCIM error format.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "schemas": .array([.string("urn:ietf:params:scim:api:messages:2.0:Error")]),
            "status": .string(String(status)), "detail": .string(detail),
        ]
        if let scimType { object["scimType"] = .string(scimType) }
        return .object(object)
    }
}

/// An attribute path: `userName`, `name.givenName`, `emails.value`, or with the schema URN prefix of an extension
/// (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`).
public struct AttributePath: Sendable, Hashable {
    /// The extension schema URN, if the path named one.
    public var schema: String?
    /// The attribute's name.
    public var name: String
    /// The sub-attribute's name.
    public var subAttribute: String?

    /// Parses `text`.
    public init(_ text: String) throws {
        var rest = Substring(text)
        if text.lowercased().hasPrefix("urn:") {
            // The URN runs to the last ':' (attribute names never contain one).
            guard let colon = text.lastIndex(of: ":") else { throw SCIMError.invalidPath("bad attribute path \(text)") }
            schema = String(text[..<colon])
            rest = text[text.index(after: colon)...]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ Self.isName($0) }) else {
            throw SCIMError.invalidPath("bad attribute path \(text)")
        }
        name = String(parts[0])
        subAttribute = parts.count == 2 ? String(parts[1]) : nil
    }

    init(schema: String?, name: String, subAttribute: String?) {
        self.schema = schema
        self.name = name
        self.subAttribute = subAttribute
    }

    static func isName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "$") }
    }
}

/// A SCIM filter (RFC 7644 §3.4.2.2).
public indirect enum Filter: Sendable, Hashable {
    /// `attrPath op value` (`pr` has no value).
    case compare(AttributePath, Operator, JSONValue?)
    case and(Filter, Filter)
    case or(Filter, Filter)
    case not(Filter)
    /// `emails[type eq "work"]`: the filter applies to the elements of a multi-valued attribute.
    case valuePath(AttributePath, Filter)

    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case eq, ne, co, sw, ew, pr, gt, ge, lt, le
    }

    /// Parses a filter; ``SCIMError`` `invalidFilter` for anything the grammar does not allow. At most 4 KB and 64
    /// nested groups.
    public static func parse(_ text: String) throws -> Filter {
        guard text.utf8.count <= 4096 else { throw SCIMError.invalidFilter("filter over 4096 bytes") }
        var parser = FilterParser(tokens: try FilterParser.tokenize(text))
        let filter = try parser.parseOr(depth: 0)
        guard parser.atEnd else { throw SCIMError.invalidFilter("unexpected \(parser.peekDescription) in filter") }
        return filter
    }

    /// Whether `resource` matches. Attribute names compare case-insensitively; string values too, except
    /// `caseExactAttributes` (e.g. `id`, `externalId`).
    public func matches(_ resource: JSONValue, caseExact: Set<String> = ["id", "externalid"]) -> Bool {
        switch self {
        case .and(let a, let b): return a.matches(resource, caseExact: caseExact) && b.matches(resource, caseExact: caseExact)
        case .or(let a, let b): return a.matches(resource, caseExact: caseExact) || b.matches(resource, caseExact: caseExact)
        case .not(let a): return !a.matches(resource, caseExact: caseExact)
        case .valuePath(let path, let inner):
            guard let elements = Self.lookup(resource, path: AttributePath(schema: path.schema, name: path.name, subAttribute: nil))?.array else { return false }
            return elements.contains { inner.matches($0, caseExact: caseExact) }
        case .compare(let path, let op, let value):
            let exact = caseExact.contains(path.name.lowercased())
            let found = Self.values(resource, path: path)
            if op == .pr { return found.contains { $0 != .null && $0 != .string("") && $0 != .array([]) } }
            if op == .ne { return !found.contains { Self.compare($0, .eq, value, exact: exact) } }
            return found.contains { Self.compare($0, op, value, exact: exact) }
        }
    }

    /// The object holding `path.name` (the extension's object when the path names a schema).
    static func container(_ resource: JSONValue, schema: String?) -> JSONValue? {
        guard let schema else { return resource }
        return resource[member: schema]
    }

    static func lookup(_ resource: JSONValue, path: AttributePath) -> JSONValue? {
        guard let value = container(resource, schema: path.schema)?[member: path.name] else { return nil }
        guard let sub = path.subAttribute else { return value }
        if let elements = value.array { return .array(elements.compactMap { $0[member: sub] }) }
        return value[member: sub]
    }

    /// The values a comparison looks at: the attribute's value, or each element's (multi-valued).
    static func values(_ resource: JSONValue, path: AttributePath) -> [JSONValue] {
        guard let value = lookup(resource, path: path) else { return [] }
        if let elements = value.array {
            // A multi-valued attribute without a sub-attribute compares its elements' `value`.
            return path.subAttribute == nil ? elements.map { $0[member: "value"] ?? $0 } : elements
        }
        return [value]
    }

    static func compare(_ found: JSONValue, _ op: Operator, _ expected: JSONValue?, exact: Bool) -> Bool {
        guard let expected else { return false }
        switch (found, expected) {
        case (.string(let a), .string(let b)):
            let (x, y) = exact ? (a, b) : (a.lowercased(), b.lowercased())
            switch op {
            case .eq: return x == y
            case .ne: return x != y
            case .co: return x.contains(y)
            case .sw: return x.hasPrefix(y)
            case .ew: return x.hasSuffix(y)
            case .gt: return x > y
            case .ge: return x >= y
            case .lt: return x < y
            case .le: return x <= y
            case .pr: return true
            }
        case (.number(let a), .number(let b)):
            switch op {
            case .eq: return a == b
            case .ne: return a != b
            case .gt: return a > b
            case .ge: return a >= b
            case .lt: return a < b
            case .le: return a <= b
            default: return false
            }
        case (.bool(let a), .bool(let b)):
            return op == .eq ? a == b : (op == .ne ? a != b : false)
        case (.bool(let a), .string(let b)) where ["true", "false"].contains(b.lowercased()):
            // Azure AD sends booleans as strings ("False"); compare them as booleans.
            return op == .eq ? a == (b.lowercased() == "true") : (op == .ne ? a != (b.lowercased() == "true") : false)
        default:
            return false
        }
    }
}

struct FilterParser {
    enum Token: Hashable {
        case word(String)
        case string(String)
        case number(Double)
        case open, close, openBracket, closeBracket
    }

    var tokens: [Token]
    var index = 0
    var atEnd: Bool { index >= tokens.count }
    var peekDescription: String {
        guard !atEnd else { return "end" }
        switch tokens[index] {
        case .word(let w): return "'\(w.prefix(40))'"
        case .string: return "a string"
        case .number: return "a number"
        case .open: return "'('"
        case .close: return "')'"
        case .openBracket: return "'['"
        case .closeBracket: return "']'"
        }
    }

    static func tokenize(_ text: String) throws -> [Token] {
        var tokens: [Token] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case " ", "\t", "\n", "\r": i += 1
            case "(": tokens.append(.open); i += 1
            case ")": tokens.append(.close); i += 1
            case "[": tokens.append(.openBracket); i += 1
            case "]": tokens.append(.closeBracket); i += 1
            case "\"":
                // A JSON string literal.
                var j = i + 1
                var escaped = false
                while j < scalars.count {
                    if escaped { escaped = false } else if scalars[j] == "\\" { escaped = true } else if scalars[j] == "\"" { break }
                    j += 1
                }
                guard j < scalars.count else { throw SCIMError.invalidFilter("unterminated string in filter") }
                var literal = ""
                literal.unicodeScalars.append(contentsOf: scalars[i...j])
                guard case .string(let value)? = JSONValue(json: Array(literal.utf8)) else { throw SCIMError.invalidFilter("bad string \(literal.prefix(40)) in filter") }
                tokens.append(.string(value))
                i = j + 1
            default:
                var j = i
                while j < scalars.count, !" \t\n\r()[]\"".unicodeScalars.contains(scalars[j]) { j += 1 }
                var word = ""
                word.unicodeScalars.append(contentsOf: scalars[i..<j])
                if let number = Double(word), word.first.map({ $0.isNumber || $0 == "-" }) == true {
                    tokens.append(.number(number))
                } else {
                    tokens.append(.word(word))
                }
                i = j
            }
            guard tokens.count <= 1000 else { throw SCIMError.invalidFilter("filter too long") }
        }
        return tokens
    }

    mutating func next() -> Token? {
        guard !atEnd else { return nil }
        defer { index += 1 }
        return tokens[index]
    }

    func peekWord(_ word: String) -> Bool {
        guard !atEnd, case .word(let w) = tokens[index] else { return false }
        return w.lowercased() == word
    }

    mutating func parseOr(depth: Int) throws -> Filter {
        var left = try parseAnd(depth: depth)
        while peekWord("or") {
            index += 1
            left = .or(left, try parseAnd(depth: depth))
        }
        return left
    }

    mutating func parseAnd(depth: Int) throws -> Filter {
        var left = try parseUnary(depth: depth)
        while peekWord("and") {
            index += 1
            left = .and(left, try parseUnary(depth: depth))
        }
        return left
    }

    mutating func parseUnary(depth: Int) throws -> Filter {
        guard depth < 64 else { throw SCIMError.invalidFilter("filter nested too deeply") }
        if peekWord("not") {
            index += 1
            guard next() == .open else { throw SCIMError.invalidFilter("not must be followed by (") }
            let inner = try parseOr(depth: depth + 1)
            guard next() == .close else { throw SCIMError.invalidFilter("missing ) in filter") }
            return .not(inner)
        }
        if !atEnd, tokens[index] == .open {
            index += 1
            let inner = try parseOr(depth: depth + 1)
            guard next() == .close else { throw SCIMError.invalidFilter("missing ) in filter") }
            return inner
        }
        guard case .word(let word)? = next() else { throw SCIMError.invalidFilter("expected an attribute in filter") }
        let path: AttributePath
        do { path = try AttributePath(word) } catch { throw SCIMError.invalidFilter("bad attribute \(word.prefix(60)) in filter") }
        if !atEnd, tokens[index] == .openBracket {
            index += 1
            let inner = try parseOr(depth: depth + 1)
            guard next() == .closeBracket else { throw SCIMError.invalidFilter("missing ] in filter") }
            return .valuePath(path, inner)
        }
        guard case .word(let opText)? = next(), let op = Filter.Operator(rawValue: opText.lowercased()) else {
            throw SCIMError.invalidFilter("expected an operator after \(word.prefix(60))")
        }
        if op == .pr { return .compare(path, .pr, nil) }
        let value: JSONValue
        switch next() {
        case .string(let s)?: value = .string(s)
        case .number(let n)?: value = .number(n)
        case .word(let w)? where ["true", "false", "null"].contains(w.lowercased()):
            value = w.lowercased() == "null" ? .null : .bool(w.lowercased() == "true")
        default: throw SCIMError.invalidFilter("expected a value after \(opText)")
        }
        return .compare(path, op, value)
    }
}

import Foundation

/// SCIM PATCH (RFC 7644 §3.5.2) over a resource's JSON, as Azure AD's provisioning service actually sends it.
///
/// Accepted deviations from the RFC, each tested:
/// - `op` in any letter case (`Replace`, `Add`, `Remove`).
/// - Boolean attributes (`active`, `primary`) given as the strings `"True"`/`"False"` are stored as booleans.
/// - `add` or `replace` at a value-filtered path that matches no element (`emails[type eq "work"].value` on a user
///   without a work email) creates the element from the filter's `eq` comparisons instead of failing with `noTarget`.
/// - `remove` at a multi-valued path with a `value` array (`{"op":"Remove","path":"members","value":[{"value":"id"}]}`)
///   removes the elements whose `value` is listed, instead of the whole attribute.
public enum SCIMPatch {
    /// One operation.
    public struct Operation: Sendable, Hashable {
        public enum Kind: String, Sendable { case add, remove, replace }
        public var kind: Kind
        public var path: String?
        public var value: JSONValue?
    }

    /// The attributes that hold several values (the rest are single-valued).
    static let multiValued: Set<String> = ["emails", "phonenumbers", "addresses", "members", "roles", "entitlements", "ims",
                                           "photos", "x509certificates", "groups", "schemas"]
    /// Attributes that are booleans (strings "True"/"False" are coerced).
    static let booleans: Set<String> = ["active", "primary"]
    /// The extension schemas a path may name as a whole.
    static let extensionSchemas = ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]
    /// Attributes a PATCH may not change.
    static let readOnly: Set<String> = ["id", "meta", "groups"]

    /// The operations of a PatchOp request body.
    public static func operations(_ body: JSONValue) throws -> [Operation] {
        let schemas = body[member: "schemas"]?.array?.compactMap(\.string) ?? []
        guard schemas.contains("urn:ietf:params:scim:api:messages:2.0:PatchOp") else {
            throw SCIMError.invalidSyntax("a PATCH body names the schema urn:ietf:params:scim:api:messages:2.0:PatchOp")
        }
        guard let list = body[member: "Operations"]?.array, !list.isEmpty, list.count <= 1000 else {
            throw SCIMError.invalidSyntax("Operations must be a list of 1 to 1000 operations")
        }
        return try list.map { item in
            guard let opText = item[member: "op"]?.string, let kind = Operation.Kind(rawValue: opText.lowercased()) else {
                throw SCIMError.invalidSyntax("op must be add, remove or replace")
            }
            let path = item[member: "path"]?.string.flatMap { $0.isEmpty ? nil : $0 }
            return Operation(kind: kind, path: path, value: item[member: "value"])
        }
    }

    /// Applies `operations` to `resource` in order (all or nothing: the caller keeps the original on a throw).
    public static func apply(_ operations: [Operation], to resource: JSONValue) throws -> JSONValue {
        var result = resource
        for operation in operations { try apply(operation, to: &result) }
        return result
    }

    static func coerce(_ name: String, _ value: JSONValue) -> JSONValue {
        if booleans.contains(name.lowercased()), case .string(let text) = value, ["true", "false"].contains(text.lowercased()) {
            return .bool(text.lowercased() == "true")
        }
        if case .object(let object) = value {
            return .object(Dictionary(uniqueKeysWithValues: object.map { ($0.key, coerce($0.key, $0.value)) }))
        }
        if case .array(let array) = value, !booleans.contains(name.lowercased()) { return .array(array.map { coerce("", $0) }) }
        return value
    }

    static func apply(_ operation: Operation, to resource: inout JSONValue) throws {
        guard let pathText = operation.path else {
            // No path: the value is an object of attributes (add: merge, append to multi-valued; replace: set).
            guard operation.kind != .remove else { throw SCIMError.noTarget("remove needs a path") }
            guard case .object(let members)? = operation.value else { throw SCIMError.invalidValue("without a path the value must be an object") }
            for (key, value) in members {
                if key.lowercased().hasPrefix("urn:"), case .object(let extensionMembers) = value, key.lowercased() != "urn:ietf:params:scim:schemas:core:2.0:user" {
                    var container = resource[member: key] ?? .object([:])
                    for (name, inner) in extensionMembers {
                        try set(&container, name: name, value: coerce(name, inner), append: operation.kind == .add)
                    }
                    resource.set(key, container)
                } else {
                    // Azure also sends dotted names ("name.givenName") as keys of a path-less value.
                    let path = try AttributePath(key)
                    try setPath(&resource, path: path, filter: nil, value: coerce(path.subAttribute ?? path.name, value), kind: operation.kind)
                }
            }
            return
        }
        if pathText.lowercased().hasPrefix("urn:"), let schema = extensionSchemas.first(where: { $0.lowercased() == pathText.lowercased() }) {
            // The whole extension: merge its attributes (add/replace) or drop it (remove).
            if operation.kind == .remove { resource.set(schema, nil); return }
            guard case .object(let members)? = operation.value else { throw SCIMError.invalidValue("an extension's value is an object") }
            var container = operation.kind == .replace ? JSONValue.object([:]) : (resource[member: schema] ?? .object([:]))
            for (name, value) in members { try set(&container, name: name, value: coerce(name, value), append: operation.kind == .add) }
            resource.set(schema, container)
            return
        }
        let (path, filter) = try parsePath(pathText)
        guard !readOnly.contains(path.name.lowercased()) || path.schema != nil else {
            throw SCIMError(status: 400, scimType: "mutability", "\(path.name) cannot be changed")
        }
        switch operation.kind {
        case .remove:
            try remove(&resource, path: path, filter: filter, value: operation.value)
        case .add, .replace:
            guard let value = operation.value else { throw SCIMError.invalidValue("\(operation.kind.rawValue) needs a value") }
            try setPath(&resource, path: path, filter: filter, value: coerce(path.subAttribute ?? path.name, value), kind: operation.kind)
        }
    }

    /// `attr`, `attr.sub`, `urn…:attr`, `attr[filter]`, `attr[filter].sub`.
    static func parsePath(_ text: String) throws -> (AttributePath, Filter?) {
        guard text.utf8.count <= 1024 else { throw SCIMError.invalidPath("path over 1024 bytes") }
        guard let open = text.firstIndex(of: "[") else { return (try AttributePath(text), nil) }
        guard let close = text.lastIndex(of: "]"), close > open else { throw SCIMError.invalidPath("missing ] in path") }
        let attribute = try AttributePath(String(text[..<open]))
        guard attribute.subAttribute == nil else { throw SCIMError.invalidPath("a value filter follows the attribute") }
        let filter: Filter
        do { filter = try Filter.parse(String(text[text.index(after: open)..<close])) } catch let error as SCIMError {
            throw SCIMError.invalidPath("bad value filter: \(error.detail)")
        }
        var after = text[text.index(after: close)...]
        var sub: String?
        if !after.isEmpty {
            guard after.hasPrefix(".") else { throw SCIMError.invalidPath("unexpected text after ] in path") }
            after = after.dropFirst()
            guard AttributePath.isName(after) else { throw SCIMError.invalidPath("bad sub-attribute in path") }
            sub = String(after)
        }
        return (AttributePath(schema: attribute.schema, name: attribute.name, subAttribute: sub), filter)
    }

    /// The container of the path's attribute (the extension object when the path names a schema).
    static func withContainer(_ resource: inout JSONValue, schema: String?, _ body: (inout JSONValue) throws -> Void) rethrows {
        guard let schema else { try body(&resource); return }
        var container = resource[member: schema] ?? .object([:])
        try body(&container)
        resource.set(schema, container)
        if case .object(let o) = container, o.isEmpty { resource.set(schema, nil) }
    }

    static func set(_ container: inout JSONValue, name: String, value: JSONValue, append: Bool) throws {
        if multiValued.contains(name.lowercased()) {
            let incoming = value.array ?? [value]
            let existing = append ? (container[member: name]?.array ?? []) : []
            var merged = existing
            for element in incoming where !merged.contains(element) { merged.append(element) }
            container.set(name, .array(merged))
        } else if case .object(let object) = value, case .object = container[member: name] ?? .null, append {
            var inner = container[member: name] ?? .object([:])
            for (key, v) in object { inner.set(key, v) }
            container.set(name, inner)
        } else {
            container.set(name, value)
        }
    }

    static func setPath(_ resource: inout JSONValue, path: AttributePath, filter: Filter?, value: JSONValue, kind: Operation.Kind) throws {
        try withContainer(&resource, schema: path.schema) { container in
            guard let filter else {
                if let sub = path.subAttribute {
                    var inner = container[member: path.name] ?? .object([:])
                    inner.set(sub, value)
                    container.set(path.name, inner)
                } else {
                    try set(&container, name: path.name, value: value, append: kind == .add)
                }
                return
            }
            var elements = container[member: path.name]?.array ?? []
            var matched = false
            for i in elements.indices where filter.matches(elements[i]) {
                matched = true
                if let sub = path.subAttribute { elements[i].set(sub, value) } else if case .object(let object) = value {
                    for (key, v) in object { elements[i].set(key, v) }
                } else {
                    throw SCIMError.invalidValue("a filtered path without a sub-attribute takes an object")
                }
            }
            if !matched {
                // Azure: create the element the filter describes (its eq comparisons), with the value.
                guard var created = template(filter) else { throw SCIMError.noTarget("no element matches the path's filter") }
                if let sub = path.subAttribute { created.set(sub, value) } else if case .object(let object) = value {
                    for (key, v) in object { created.set(key, v) }
                }
                elements.append(created)
            }
            container.set(path.name, .array(elements))
        }
    }

    /// An element built from a filter of `eq` comparisons joined by `and` (nil for any other filter).
    static func template(_ filter: Filter) -> JSONValue? {
        switch filter {
        case .compare(let path, .eq, let value?) where path.subAttribute == nil && path.schema == nil:
            return .object([path.name: value])
        case .and(let a, let b):
            guard case .object(let x)? = template(a), case .object(let y)? = template(b) else { return nil }
            return .object(x.merging(y) { first, _ in first })
        default:
            return nil
        }
    }

    static func remove(_ resource: inout JSONValue, path: AttributePath, filter: Filter?, value: JSONValue?) throws {
        try withContainer(&resource, schema: path.schema) { container in
            if let filter {
                guard var elements = container[member: path.name]?.array else { return }
                if let sub = path.subAttribute {
                    for i in elements.indices where filter.matches(elements[i]) { elements[i].set(sub, nil) }
                } else {
                    elements.removeAll { filter.matches($0) }
                }
                container.set(path.name, elements.isEmpty ? nil : .array(elements))
                return
            }
            if multiValued.contains(path.name.lowercased()), path.subAttribute == nil, let listed = value?.array {
                // Azure: remove the listed elements (by their `value`).
                let values = Set(listed.compactMap { $0[member: "value"] })
                var elements = container[member: path.name]?.array ?? []
                elements.removeAll { element in element[member: "value"].map(values.contains) ?? false }
                container.set(path.name, elements.isEmpty ? nil : .array(elements))
                return
            }
            if let sub = path.subAttribute {
                guard var inner = container[member: path.name] else { return }
                if var elements = inner.array {
                    for i in elements.indices { elements[i].set(sub, nil) }
                    inner = .array(elements)
                } else {
                    inner.set(sub, nil)
                }
                container.set(path.name, inner)
            } else {
                container.set(path.name, nil)
            }
        }
    }
}

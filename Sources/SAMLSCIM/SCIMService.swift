import Foundation

/// One stored SCIM resource of a tenant.
public struct SCIMResource: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable { case user = "User", group = "Group" }
    public var tenant: String
    public var kind: Kind
    public var id: String
    /// The user's userName lower-cased (unique per tenant, case-insensitive); nil for groups.
    public var userNameKey: String?
    /// The externalId (case-exact), if any.
    public var externalId: String?
    /// Bumped by every change (the ETag's version).
    public var version: Int
    public var created: Date
    public var lastModified: Date
    /// The resource's attributes as the client set them (`id` and `meta` are added on the way out).
    public var attributes: JSONValue

    public init(tenant: String, kind: Kind, id: String, version: Int, created: Date, lastModified: Date, attributes: JSONValue) {
        self.tenant = tenant
        self.kind = kind
        self.id = id
        self.version = version
        self.created = created
        self.lastModified = lastModified
        self.attributes = attributes
        self.userNameKey = kind == .user ? attributes[member: "userName"]?.string.map { $0.lowercased() } : nil
        self.externalId = attributes[member: "externalId"]?.string
    }

    /// Whether a user is active (absent: active, RFC 7643 leaves it to the provider; Azure always sends it).
    public var isActive: Bool { attributes[member: "active"]?.bool ?? true }
}

/// Where SCIM resources are kept (in memory, SQLite, PostgreSQL): userName uniqueness per tenant is the store's.
public protocol SCIMStore: Sendable {
    /// Adds a resource; a user whose userName (case-insensitive) exists in the tenant: `SCIMError` 409 uniqueness.
    func createResource(_ resource: SCIMResource) async throws
    /// Replaces a resource whose stored version is `resource.version - 1` (409 otherwise), userName still unique.
    func replaceResource(_ resource: SCIMResource) async throws
    func resource(tenant: String, kind: SCIMResource.Kind, id: String) async throws -> SCIMResource?
    /// Deletes; false when there was none.
    func deleteResource(tenant: String, kind: SCIMResource.Kind, id: String) async throws -> Bool
    /// Every resource of a kind in a tenant, in creation order.
    func resources(tenant: String, kind: SCIMResource.Kind) async throws -> [SCIMResource]
    /// The user with this userName (case-insensitive).
    func user(tenant: String, userName: String) async throws -> SCIMResource?
    /// The user with this externalId.
    func user(tenant: String, externalId: String) async throws -> SCIMResource?
}

/// SCIM resources in memory.
public actor InMemorySCIMStore: SCIMStore {
    private var items: [String: SCIMResource] = [:]
    private var order: [String] = []
    public init() {}

    static func key(_ tenant: String, _ kind: SCIMResource.Kind, _ id: String) -> String { "\(tenant)|\(kind.rawValue)|\(id)" }

    public func createResource(_ resource: SCIMResource) async throws {
        if let name = resource.userNameKey, items.values.contains(where: { $0.tenant == resource.tenant && $0.userNameKey == name }) {
            throw SCIMError(status: 409, scimType: "uniqueness", "userName exists")
        }
        let key = Self.key(resource.tenant, resource.kind, resource.id)
        items[key] = resource
        order.append(key)
    }

    public func replaceResource(_ resource: SCIMResource) async throws {
        let key = Self.key(resource.tenant, resource.kind, resource.id)
        guard let current = items[key], current.version == resource.version - 1 else {
            throw SCIMError(status: 409, "the resource changed meanwhile")
        }
        if let name = resource.userNameKey, items.values.contains(where: { $0.tenant == resource.tenant && $0.userNameKey == name && $0.id != resource.id }) {
            throw SCIMError(status: 409, scimType: "uniqueness", "userName exists")
        }
        items[key] = resource
    }

    public func resource(tenant: String, kind: SCIMResource.Kind, id: String) async throws -> SCIMResource? { items[Self.key(tenant, kind, id)] }

    public func deleteResource(tenant: String, kind: SCIMResource.Kind, id: String) async throws -> Bool {
        let key = Self.key(tenant, kind, id)
        guard items.removeValue(forKey: key) != nil else { return false }
        order.removeAll { $0 == key }
        return true
    }

    public func resources(tenant: String, kind: SCIMResource.Kind) async throws -> [SCIMResource] {
        order.compactMap { items[$0] }.filter { $0.tenant == tenant && $0.kind == kind }
    }

    public func user(tenant: String, userName: String) async throws -> SCIMResource? {
        items.values.first { $0.tenant == tenant && $0.kind == .user && $0.userNameKey == userName.lowercased() }
    }

    public func user(tenant: String, externalId: String) async throws -> SCIMResource? {
        items.values.first { $0.tenant == tenant && $0.kind == .user && $0.externalId == externalId }
    }
}

/// The SCIM 2.0 service provider of one deployment (RFC 7643/7644): Users and Groups per tenant, discovery, filters,
/// paging, attribute selection, PATCH. Framework-free: ``handle(tenant:method:path:query:body:)`` answers a request
/// that the caller has already authorised for `tenant`.
public struct SCIMService: Sendable {
    public static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
    public static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
    public static let enterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    public static let listSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse"

    /// The resources.
    public let store: any SCIMStore
    /// The base of every location: `{base}/scim/v2/{tenant}`.
    public let baseURL: String
    /// Makes ids (random, URL-safe).
    let makeID: @Sendable () -> String
    /// The clock.
    let now: @Sendable () -> Date
    /// Told when a user becomes inactive or is deleted (the app ends their sessions).
    let onDeprovision: @Sendable (_ tenant: String, _ user: SCIMResource) async -> Void
    /// The largest page.
    public var maxResults = 200

    public init(store: any SCIMStore, baseURL: String, now: @escaping @Sendable () -> Date,
                makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
                onDeprovision: @escaping @Sendable (String, SCIMResource) async -> Void = { _, _ in }) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.store = store
        self.baseURL = base
        self.now = now
        self.makeID = makeID
        self.onDeprovision = onDeprovision
    }

    /// A reply: status and JSON (nil: no body, 204).
    public struct Reply: Sendable {
        public var status: Int
        public var body: JSONValue?
        public var etag: String?
        public var location: String?
    }

    /// Answers `method` at `path` (the components after `/scim/v2/{tenant}`).
    public func handle(tenant: String, method: String, path: [String], query: [String: String], body: [UInt8]) async -> Reply {
        do {
            return try await route(tenant: tenant, method: method.uppercased(), path: path, query: query, body: body)
        } catch let error as SCIMError {
            return Reply(status: error.status, body: error.json)
        } catch {
            return Reply(status: 503, body: SCIMError(status: 503, "the store is unavailable").json)
        }
    }

    func route(tenant: String, method: String, path: [String], query: [String: String], body: [UInt8]) async throws -> Reply {
        let base = "\(baseURL)/scim/v2/\(tenant)"
        if let first = path.first, ["ServiceProviderConfig", "ResourceTypes", "Schemas"].contains(first), method != "GET" {
            throw SCIMError(status: 405, "\(first) is read-only")
        }
        // POST …/.search (RFC 7644 §3.4.3): a query in the body.
        if method == "POST", path.last == ".search" {
            let body = try parse(body)
            var query: [String: String] = [:]
            for key in ["filter", "startIndex", "count"] {
                switch body[member: key] {
                case .string(let value)?: query[key] = value
                case .number(let value)?: query[key] = String(Int(value))
                default: break
                }
            }
            for key in ["attributes", "excludedAttributes"] {
                if let list = body[member: key]?.array?.compactMap(\.string) { query[key] = list.joined(separator: ",") }
                else if let text = body[member: key]?.string { query[key] = text }
            }
            let kinds: [SCIMResource.Kind] = path.count == 2 ? (path[0] == "Users" ? [.user] : (path[0] == "Groups" ? [.group] : [])) : [.user, .group]
            guard !kinds.isEmpty, path.count <= 2 else { throw SCIMError(status: 404, "no such endpoint") }
            return try await list(tenant: tenant, kinds: kinds, query: query, selection: try Selection(query), base: base)
        }
        switch (method, path) {
        case ("GET", ["ServiceProviderConfig"]): return Reply(status: 200, body: SCIMDiscovery.serviceProviderConfig(base))
        case ("GET", ["ResourceTypes"]): return Reply(status: 200, body: SCIMDiscovery.list(SCIMDiscovery.resourceTypes(base)))
        case ("GET", let p) where p.count == 2 && p[0] == "ResourceTypes":
            let name = p[1]
            guard let found = SCIMDiscovery.resourceTypes(base).first(where: { $0[member: "id"]?.string == name }) else { throw SCIMError(status: 404, "no resource type \(name)") }
            return Reply(status: 200, body: found)
        case ("GET", ["Schemas"]): return Reply(status: 200, body: SCIMDiscovery.list(SCIMDiscovery.schemas(base)))
        case ("GET", let p) where p.count == 2 && p[0] == "Schemas":
            let id = p[1]
            guard let found = SCIMDiscovery.schemas(base).first(where: { $0[member: "id"]?.string == id }) else { throw SCIMError(status: 404, "no schema \(id)") }
            return Reply(status: 200, body: found)
        default: break
        }
        guard let first = path.first, let kind = first == "Users" ? SCIMResource.Kind.user : (first == "Groups" ? .group : nil) else {
            throw SCIMError(status: 404, "no such endpoint")
        }
        let selection = try Selection(query)
        switch (method, path.count) {
        case ("GET", 1):
            return try await list(tenant: tenant, kinds: [kind], query: query, selection: selection, base: base)
        case ("POST", 1):
            return try await create(tenant: tenant, kind: kind, body: body, selection: selection, base: base)
        case ("GET", 2):
            let resource = try await find(tenant, kind, path[1])
            return Reply(status: 200, body: selection.apply(render(resource, base: base)), etag: etag(resource), location: location(resource, base))
        case ("PUT", 2):
            var resource = try await find(tenant, kind, path[1])
            let attributes = try validated(kind, try parse(body))
            return try await save(&resource, attributes: attributes, selection: selection, base: base)
        case ("PATCH", 2):
            var resource = try await find(tenant, kind, path[1])
            let operations = try SCIMPatch.operations(try parse(body))
            let patched = try SCIMPatch.apply(operations, to: resource.attributes)
            return try await save(&resource, attributes: try validated(kind, patched), selection: selection, base: base)
        case ("DELETE", 2):
            let resource = try await find(tenant, kind, path[1])
            guard try await store.deleteResource(tenant: tenant, kind: kind, id: resource.id) else { throw SCIMError(status: 404, "no such \(kind.rawValue)") }
            if kind == .user { await onDeprovision(tenant, resource) }
            return Reply(status: 204, body: nil)
        default:
            throw SCIMError(status: 405, "\(method) is not supported here")
        }
    }

    func parse(_ body: [UInt8]) throws -> JSONValue {
        guard body.count <= 1 << 20 else { throw SCIMError(status: 413, "request body over 1 MiB") }
        guard let value = JSONValue(json: body), case .object = value else { throw SCIMError.invalidSyntax("the body must be a JSON object") }
        return value
    }

    func find(_ tenant: String, _ kind: SCIMResource.Kind, _ id: String) async throws -> SCIMResource {
        guard let resource = try await store.resource(tenant: tenant, kind: kind, id: id) else { throw SCIMError(status: 404, "no \(kind.rawValue) \(id)") }
        return resource
    }

    /// The attributes a client may set, checked: userName (users) or displayName (groups) present; id and meta dropped.
    func validated(_ kind: SCIMResource.Kind, _ value: JSONValue) throws -> JSONValue {
        var attributes = value
        for name in ["id", "meta"] { attributes.set(name, nil) }
        switch kind {
        case .user:
            guard let userName = attributes[member: "userName"]?.string, !userName.trimmingCharacters(in: .whitespaces).isEmpty, userName.count <= 256 else {
                throw SCIMError.invalidValue("userName is required (a string of 1 to 256 characters)")
            }
            if let active = attributes[member: "active"] {
                switch active {
                case .bool: break
                case .string(let text) where ["true", "false"].contains(text.lowercased()): attributes.set("active", .bool(text.lowercased() == "true"))
                default: throw SCIMError.invalidValue("active must be a boolean")
                }
            }
            if let emails = attributes[member: "emails"], emails.array == nil { throw SCIMError.invalidValue("emails must be a list") }
            attributes.set("schemas", .array([.string(Self.userSchema)] + (attributes[member: Self.enterpriseSchema] != nil ? [.string(Self.enterpriseSchema)] : [])))
        case .group:
            guard let name = attributes[member: "displayName"]?.string, !name.isEmpty else { throw SCIMError.invalidValue("displayName is required") }
            if let members = attributes[member: "members"] {
                guard let list = members.array, list.allSatisfy({ $0[member: "value"]?.string != nil }) else {
                    throw SCIMError.invalidValue("members must be a list of {\"value\": id}")
                }
            }
            attributes.set("schemas", .array([.string(Self.groupSchema)]))
        }
        if let externalId = attributes[member: "externalId"], externalId.string == nil { throw SCIMError.invalidValue("externalId must be a string") }
        return attributes
    }

    func create(tenant: String, kind: SCIMResource.Kind, body: [UInt8], selection: Selection, base: String) async throws -> Reply {
        let attributes = try validated(kind, try parse(body))
        let time = now()
        let resource = SCIMResource(tenant: tenant, kind: kind, id: makeID(), version: 1, created: time, lastModified: time, attributes: attributes)
        try await store.createResource(resource)
        return Reply(status: 201, body: selection.apply(render(resource, base: base)), etag: etag(resource), location: location(resource, base))
    }

    func save(_ resource: inout SCIMResource, attributes: JSONValue, selection: Selection, base: String) async throws -> Reply {
        let wasActive = resource.isActive
        var next = SCIMResource(tenant: resource.tenant, kind: resource.kind, id: resource.id, version: resource.version + 1,
                                created: resource.created, lastModified: now(), attributes: attributes)
        if next.attributes == resource.attributes { next = resource }   // nothing changed: same version
        else { try await store.replaceResource(next) }
        resource = next
        if next.kind == .user, wasActive, !next.isActive { await onDeprovision(next.tenant, next) }
        return Reply(status: 200, body: selection.apply(render(next, base: base)), etag: etag(next), location: location(next, base))
    }

    func list(tenant: String, kinds: [SCIMResource.Kind], query: [String: String], selection: Selection, base: String) async throws -> Reply {
        let filter = try query["filter"].map(Filter.parse)
        let startIndex = max(1, Int(query["startIndex"] ?? "") ?? 1)
        let count = min(maxResults, max(0, Int(query["count"] ?? "") ?? maxResults))
        var candidates: [SCIMResource]
        // The lookups Azure AD makes before every create use an index; anything else scans the tenant.
        if case .compare(let path, .eq, .string(let value)?)? = filter, path.schema == nil, path.subAttribute == nil, kinds == [.user],
           ["username", "externalid"].contains(path.name.lowercased()) {
            let found = path.name.lowercased() == "username" ? try await store.user(tenant: tenant, userName: value)
                : try await store.user(tenant: tenant, externalId: value)
            candidates = found.map { [$0] } ?? []
        } else {
            candidates = []
            for kind in kinds { candidates += try await store.resources(tenant: tenant, kind: kind) }
            if let filter {
                candidates = candidates.filter { filter.matches(render($0, base: base)) }
            }
        }
        let page = Array(candidates.dropFirst(startIndex - 1).prefix(count))
        return Reply(status: 200, body: .object([
            "schemas": .array([.string(Self.listSchema)]), "totalResults": .number(Double(candidates.count)),
            "startIndex": .number(Double(startIndex)), "itemsPerPage": .number(Double(page.count)),
            "Resources": .array(page.map { selection.apply(render($0, base: base)) }),
        ]))
    }

    func location(_ resource: SCIMResource, _ base: String) -> String { "\(base)/\(resource.kind.rawValue)s/\(resource.id)" }
    func etag(_ resource: SCIMResource) -> String { "W/\"\(resource.version)\"" }

    /// The resource as returned: its attributes with `id` and `meta`.
    func render(_ resource: SCIMResource, base: String) -> JSONValue {
        var out = resource.attributes
        out.set("id", .string(resource.id))
        let format = ISO8601DateFormatter()
        out.set("meta", .object([
            "resourceType": .string(resource.kind.rawValue), "created": .string(format.string(from: resource.created)),
            "lastModified": .string(format.string(from: resource.lastModified)), "location": .string(location(resource, base)),
            "version": .string(etag(resource)),
        ]))
        return out
    }
}

/// `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5): id, schemas and meta are always returned.
struct Selection {
    var include: [AttributePath] = []
    var exclude: [AttributePath] = []

    init(_ query: [String: String]) throws {
        func paths(_ text: String?) throws -> [AttributePath] {
            guard let text, !text.isEmpty else { return [] }
            return try text.split(separator: ",").map { try AttributePath($0.trimmingCharacters(in: .whitespaces)) }
        }
        include = try paths(query["attributes"])
        exclude = try paths(query["excludedAttributes"])
    }

    func apply(_ resource: JSONValue) -> JSONValue {
        guard case .object(let object) = resource else { return resource }
        let always: Set<String> = ["id", "schemas", "meta"]
        var out: [String: JSONValue] = [:]
        for (key, value) in object {
            let lower = key.lowercased()
            if always.contains(lower) { out[key] = value; continue }
            if key.lowercased().hasPrefix("urn:"), case .object(let inner) = value {
                // An extension: select inside it by `urn…:attr`.
                let kept = inner.filter { name, _ in keep(schema: key, name: name) }
                if !kept.isEmpty { out[key] = .object(kept) }
                continue
            }
            if keep(schema: nil, name: key) {
                out[key] = value
            } else if !include.isEmpty, let subs = Optional(include.filter { $0.schema == nil && $0.name.lowercased() == lower && $0.subAttribute != nil }), !subs.isEmpty {
                // `name.givenName`: only those sub-attributes.
                if case .object(let inner) = value {
                    out[key] = .object(inner.filter { name, _ in subs.contains { $0.subAttribute?.lowercased() == name.lowercased() } })
                } else if case .array(let elements) = value {
                    out[key] = .array(elements.map { element in
                        guard case .object(let inner) = element else { return element }
                        return .object(inner.filter { name, _ in subs.contains { $0.subAttribute?.lowercased() == name.lowercased() } })
                    })
                }
            }
        }
        return .object(out)
    }

    func keep(schema: String?, name: String) -> Bool {
        let matches = { (path: AttributePath) in
            path.name.lowercased() == name.lowercased() && path.subAttribute == nil && (path.schema?.lowercased() ?? "") == (schema?.lowercased() ?? "")
        }
        if !include.isEmpty { return include.contains(where: matches) }
        return !exclude.contains(where: matches)
    }
}

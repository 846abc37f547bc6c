#if Postgres
import Foundation
import PostgresNIO
import SAMLSCIM

/// SCIM users and groups in the same database as the SAML state (issue 15), shared by every instance: one row per
/// resource, its JSON document, the userName key unique per tenant (a partial unique index).
extension PostgresStore: SCIMStore {
    public func createResource(_ resource: SCIMResource) async throws {
        let (tenant, kind, id, name, external, version, doc) = (resource.tenant, resource.kind.rawValue, resource.id, resource.userNameKey,
                                                               resource.externalId, resource.version, try Self.json(resource))
        let inserted = try await perform("scim create") { client, logger in
            try await Self.count(client.query("""
                INSERT INTO saml_scim (tenant, kind, id, user_name_key, external_id, version, doc)
                VALUES (\(tenant), \(kind), \(id), \(name), \(external), \(version), \(doc)) ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger))
        }
        guard inserted == 0 else { return }
        if let name, try await user(tenant: tenant, userName: name) != nil { throw SCIMError(status: 409, scimType: "uniqueness", "userName exists") }
        throw SCIMError(status: 409, scimType: "uniqueness", "the id exists")
    }

    public func replaceResource(_ resource: SCIMResource) async throws {
        if let name = resource.userNameKey, let other = try await user(tenant: resource.tenant, userName: name), other.id != resource.id {
            throw SCIMError(status: 409, scimType: "uniqueness", "userName exists")
        }
        let (tenant, kind, id, name, external, version, previous, doc) = (resource.tenant, resource.kind.rawValue, resource.id, resource.userNameKey,
                                                                         resource.externalId, resource.version, resource.version - 1, try Self.json(resource))
        let updated = try await perform("scim replace") { client, logger in
            try await Self.count(client.query("""
                UPDATE saml_scim SET user_name_key = \(name), external_id = \(external), version = \(version), doc = \(doc)
                WHERE tenant = \(tenant) AND kind = \(kind) AND id = \(id) AND version = \(previous) RETURNING 1
                """, logger: logger))
        }
        guard updated > 0 else { throw SCIMError(status: 409, "the resource changed meanwhile") }
    }

    public func resource(tenant: String, kind: SCIMResource.Kind, id: String) async throws -> SCIMResource? {
        let kind = kind.rawValue
        return try await perform("scim get") { client, logger in
            try await Self.documents(SCIMResource.self, client.query("""
                SELECT doc FROM saml_scim WHERE tenant = \(tenant) AND kind = \(kind) AND id = \(id)
                """, logger: logger)).first
        }
    }

    public func deleteResource(tenant: String, kind: SCIMResource.Kind, id: String) async throws -> Bool {
        let kind = kind.rawValue
        return try await perform("scim delete") { client, logger in
            try await Self.count(client.query("""
                DELETE FROM saml_scim WHERE tenant = \(tenant) AND kind = \(kind) AND id = \(id) RETURNING 1
                """, logger: logger))
        } > 0
    }

    public func resources(tenant: String, kind: SCIMResource.Kind) async throws -> [SCIMResource] {
        let kind = kind.rawValue
        return try await perform("scim list") { client, logger in
            try await Self.documents(SCIMResource.self, client.query("""
                SELECT doc FROM saml_scim WHERE tenant = \(tenant) AND kind = \(kind) ORDER BY seq
                """, logger: logger))
        }
    }

    public func user(tenant: String, userName: String) async throws -> SCIMResource? {
        let key = userName.lowercased()
        return try await perform("scim user by name") { client, logger in
            try await Self.documents(SCIMResource.self, client.query("""
                SELECT doc FROM saml_scim WHERE tenant = \(tenant) AND user_name_key = \(key)
                """, logger: logger)).first
        }
    }

    public func user(tenant: String, externalId: String) async throws -> SCIMResource? {
        try await perform("scim user by externalId") { client, logger in
            try await Self.documents(SCIMResource.self, client.query("""
                SELECT doc FROM saml_scim WHERE tenant = \(tenant) AND kind = 'User' AND external_id = \(externalId) LIMIT 1
                """, logger: logger)).first
        }
    }
}
#endif

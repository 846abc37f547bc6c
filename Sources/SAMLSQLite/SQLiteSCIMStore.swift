#if SQLite
import Foundation
import SAMLSCIM
import SQLiteNIO

/// SCIM users and groups in the same file as the SAML state (issue 15): one row per resource, its JSON document, the
/// userName key unique per tenant (a partial unique index), externalId indexed for the sign-in lookup.
extension SQLiteStore: SCIMStore {
    func scimRow(_ resource: SCIMResource) throws -> [SQLiteData] {
        [.text(resource.tenant), .text(resource.kind.rawValue), .text(resource.id), resource.userNameKey.map { .text($0) } ?? .null,
         resource.externalId.map { .text($0) } ?? .null, .integer(SQLiteInt64(resource.version)), .text(try json(resource))]
    }

    public func createResource(_ resource: SCIMResource) async throws {
        let rows = try await run("scim create", """
            INSERT INTO saml_scim (tenant, kind, id, user_name_key, external_id, version, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT DO NOTHING RETURNING 1
            """, try scimRow(resource))
        guard rows.isEmpty else { return }
        if let name = resource.userNameKey, try await user(tenant: resource.tenant, userName: name) != nil {
            throw SCIMError(status: 409, scimType: "uniqueness", "userName exists")
        }
        throw SCIMError(status: 409, scimType: "uniqueness", "the id exists")
    }

    public func replaceResource(_ resource: SCIMResource) async throws {
        if let name = resource.userNameKey, let other = try await user(tenant: resource.tenant, userName: name), other.id != resource.id {
            throw SCIMError(status: 409, scimType: "uniqueness", "userName exists")
        }
        let rows = try await run("scim replace", """
            UPDATE saml_scim SET user_name_key = ?4, external_id = ?5, version = ?6, doc = ?7
            WHERE tenant = ?1 AND kind = ?2 AND id = ?3 AND version = ?8 RETURNING 1
            """, try scimRow(resource) + [.integer(SQLiteInt64(resource.version - 1))])
        guard !rows.isEmpty else { throw SCIMError(status: 409, "the resource changed meanwhile") }
    }

    public func resource(tenant: String, kind: SCIMResource.Kind, id: String) async throws -> SCIMResource? {
        try decode(SCIMResource.self, try await run("scim get", "SELECT doc FROM saml_scim WHERE tenant = ?1 AND kind = ?2 AND id = ?3",
                                                    [.text(tenant), .text(kind.rawValue), .text(id)]).first, "scim get")
    }

    public func deleteResource(tenant: String, kind: SCIMResource.Kind, id: String) async throws -> Bool {
        !(try await run("scim delete", "DELETE FROM saml_scim WHERE tenant = ?1 AND kind = ?2 AND id = ?3 RETURNING 1",
                        [.text(tenant), .text(kind.rawValue), .text(id)])).isEmpty
    }

    public func resources(tenant: String, kind: SCIMResource.Kind) async throws -> [SCIMResource] {
        try await run("scim list", "SELECT doc FROM saml_scim WHERE tenant = ?1 AND kind = ?2 ORDER BY rowid", [.text(tenant), .text(kind.rawValue)])
            .compactMap { try decode(SCIMResource.self, $0, "scim list") }
    }

    public func user(tenant: String, userName: String) async throws -> SCIMResource? {
        try decode(SCIMResource.self, try await run("scim user by name", "SELECT doc FROM saml_scim WHERE tenant = ?1 AND user_name_key = ?2",
                                                    [.text(tenant), .text(userName.lowercased())]).first, "scim user by name")
    }

    public func user(tenant: String, externalId: String) async throws -> SCIMResource? {
        try decode(SCIMResource.self, try await run("scim user by externalId", """
            SELECT doc FROM saml_scim WHERE tenant = ?1 AND kind = 'User' AND external_id = ?2 LIMIT 1
            """, [.text(tenant), .text(externalId)]).first, "scim user by externalId")
    }
}
#endif

import Foundation

/// The discovery documents (RFC 7644 §4, RFC 7643 §5–7): what this provider supports, its resource types, and the
/// schemas of User, Group and the enterprise extension (the attributes the endpoint stores).
enum SCIMDiscovery {
    static func list(_ resources: [JSONValue]) -> JSONValue {
        .object([
            "schemas": .array([.string(SCIMService.listSchema)]), "totalResults": .number(Double(resources.count)),
            "startIndex": .number(1), "itemsPerPage": .number(Double(resources.count)), "Resources": .array(resources),
        ])
    }

    static func meta(_ type: String, _ location: String) -> JSONValue {
        .object(["resourceType": .string(type), "location": .string(location)])
    }

    static func serviceProviderConfig(_ base: String) -> JSONValue {
        func supported(_ value: Bool) -> JSONValue { .object(["supported": .bool(value)]) }
        return .object([
            "schemas": .array([.string("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig")]),
            "documentationUri": .string("https://github.com/swift-saml/swift-saml#scim"),
            "patch": supported(true),
            "bulk": .object(["supported": .bool(false), "maxOperations": .number(0), "maxPayloadSize": .number(0)]),
            "filter": .object(["supported": .bool(true), "maxResults": .number(200)]),
            "changePassword": supported(false), "sort": supported(false), "etag": supported(true),
            "authenticationSchemes": .array([.object([
                "type": .string("oauthbearertoken"), "name": .string("Bearer token"),
                "description": .string("The tenant's SCIM token, created in the admin API"), "primary": .bool(true),
            ])]),
            "meta": meta("ServiceProviderConfig", "\(base)/ServiceProviderConfig"),
        ])
    }

    static func resourceTypes(_ base: String) -> [JSONValue] {
        [
            .object([
                "schemas": .array([.string("urn:ietf:params:scim:schemas:core:2.0:ResourceType")]),
                "id": .string("User"), "name": .string("User"), "endpoint": .string("/Users"), "description": .string("User Account"),
                "schema": .string(SCIMService.userSchema),
                "schemaExtensions": .array([.object(["schema": .string(SCIMService.enterpriseSchema), "required": .bool(false)])]),
                "meta": meta("ResourceType", "\(base)/ResourceTypes/User"),
            ]),
            .object([
                "schemas": .array([.string("urn:ietf:params:scim:schemas:core:2.0:ResourceType")]),
                "id": .string("Group"), "name": .string("Group"), "endpoint": .string("/Groups"), "description": .string("Group"),
                "schema": .string(SCIMService.groupSchema), "schemaExtensions": .array([]),
                "meta": meta("ResourceType", "\(base)/ResourceTypes/Group"),
            ]),
        ]
    }

    /// An attribute definition.
    static func attribute(_ name: String, _ type: String = "string", multi: Bool = false, required: Bool = false, caseExact: Bool = false,
                          mutability: String = "readWrite", uniqueness: String = "none", sub: [JSONValue] = [],
                          canonical: [String] = [], referenceTypes: [String] = []) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "type": .string(type), "multiValued": .bool(multi), "description": .string(name),
            "required": .bool(required), "caseExact": .bool(caseExact), "mutability": .string(mutability),
            "returned": .string("default"), "uniqueness": .string(uniqueness),
        ]
        if !sub.isEmpty { object["subAttributes"] = .array(sub) }
        if !canonical.isEmpty { object["canonicalValues"] = .array(canonical.map { .string($0) }) }
        if !referenceTypes.isEmpty { object["referenceTypes"] = .array(referenceTypes.map { .string($0) }) }
        return .object(object)
    }

    static func schema(_ id: String, _ name: String, _ attributes: [JSONValue], _ base: String) -> JSONValue {
        .object([
            "schemas": .array([.string("urn:ietf:params:scim:schemas:core:2.0:Schema")]),
            "id": .string(id), "name": .string(name), "description": .string(name), "attributes": .array(attributes),
            "meta": meta("Schema", "\(base)/Schemas/\(id)"),
        ])
    }

    static func schemas(_ base: String) -> [JSONValue] {
        let multi = { (canonical: [String]) -> [JSONValue] in
            [attribute("value"), attribute("display"), attribute("type", canonical: canonical), attribute("primary", "boolean")]
        }
        let user = schema(SCIMService.userSchema, "User", [
            attribute("userName", required: true, uniqueness: "server"),
            attribute("name", "complex", sub: [attribute("formatted"), attribute("familyName"), attribute("givenName"),
                                               attribute("middleName"), attribute("honorificPrefix"), attribute("honorificSuffix")]),
            attribute("displayName"), attribute("nickName"), attribute("title"), attribute("userType"), attribute("preferredLanguage"),
            attribute("locale"), attribute("timezone"), attribute("active", "boolean"),
            attribute("emails", "complex", multi: true, sub: multi(["work", "home", "other"])),
            attribute("phoneNumbers", "complex", multi: true, sub: multi(["work", "home", "mobile", "fax", "pager", "other"])),
            attribute("addresses", "complex", multi: true, sub: [attribute("formatted"), attribute("streetAddress"), attribute("locality"),
                                                                  attribute("region"), attribute("postalCode"), attribute("country"),
                                                                  attribute("type", canonical: ["work", "home", "other"]), attribute("primary", "boolean")]),
            attribute("groups", "complex", multi: true, mutability: "readOnly",
                      sub: [attribute("value", mutability: "readOnly"), attribute("display", mutability: "readOnly")]),
            attribute("roles", "complex", multi: true, sub: multi([])),
            attribute("externalId", caseExact: true),
        ], base)
        let group = schema(SCIMService.groupSchema, "Group", [
            attribute("displayName", required: true),
            attribute("members", "complex", multi: true, sub: [attribute("value", mutability: "immutable"), attribute("display"),
                                                               attribute("$ref", "reference", referenceTypes: ["User", "Group"]),
                                                               attribute("type", canonical: ["User", "Group"])]),
            attribute("externalId", caseExact: true),
        ], base)
        let enterprise = schema(SCIMService.enterpriseSchema, "EnterpriseUser", [
            attribute("employeeNumber"), attribute("costCenter"), attribute("organization"), attribute("division"), attribute("department"),
            attribute("manager", "complex", sub: [attribute("value"), attribute("displayName", mutability: "readOnly")]),
        ], base)
        return [user, group, enterprise]
    }
}

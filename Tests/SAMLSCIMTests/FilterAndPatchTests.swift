import Foundation
@testable import SAMLSCIM
import Testing

/// SCIM filters (RFC 7644 §3.4.2.2) and PATCH (§3.5.2), including what Azure AD's provisioning service sends.
@Suite("SCIM filters and PATCH")
struct FilterAndPatchTests {
    static func json(_ text: String) -> JSONValue { JSONValue(json: Array(text.utf8))! }

    static let user = json("""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "id":"u1","userName":"B.Simon@Contoso.example","externalId":"ext-1","active":true,"displayName":"B. Simon",
         "name":{"givenName":"B.","familyName":"Simon"},
         "emails":[{"value":"b.simon@contoso.example","type":"work","primary":true},{"value":"b@home.example","type":"home"}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","employeeNumber":"42"}}
        """)

    @Test(arguments: [
        ("userName eq \"b.simon@contoso.example\"", true),          // case-insensitive value (userName is caseExact=false)
        ("USERNAME Eq \"B.SIMON@CONTOSO.EXAMPLE\"", true),          // attribute names and operators too
        ("externalId eq \"EXT-1\"", false),                         // externalId is case-exact
        ("externalId eq \"ext-1\"", true),
        ("emails.value eq \"b@home.example\"", true),
        ("emails[type eq \"work\" and value co \"contoso\"]", true),
        ("emails[type eq \"work\" and value co \"home\"]", false),
        ("userName sw \"b.simon\" and active eq true", true),
        ("userName sw \"x\" or name.familyName eq \"simon\"", true),
        ("not (active eq true)", false),
        ("title pr", false),
        ("displayName pr", true),
        ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"sales\"", true),
        ("active eq \"True\"", true),                               // Azure's string booleans
        ("emails ne \"b@home.example\"", false),
    ])
    func filtersMatch(_ filter: String, _ expected: Bool) throws {
        #expect(try Filter.parse(filter).matches(Self.user) == expected, "\(filter)")
    }

    @Test(arguments: ["", "userName", "userName eq", "userName xx \"a\"", "userName eq \"a", "(userName eq \"a\"", "emails[type eq \"w\"",
                      "userName eq \"a\" and", "not userName eq \"a\"", "9x eq 1", "userName eq bare", String(repeating: "(", count: 70) + "a pr" + String(repeating: ")", count: 70)])
    func badFiltersAreInvalidFilter(_ filter: String) {
        #expect { try Filter.parse(filter) } throws: { ($0 as? SCIMError)?.scimType == "invalidFilter" }
    }

    static func patch(_ resource: JSONValue, _ operations: String) throws -> JSONValue {
        let body = json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":"# + operations + "}")
        return try SCIMPatch.apply(try SCIMPatch.operations(body), to: resource)
    }

    @Test func azureReplaceWithoutPathAndStringBoolean() throws {
        // Azure deactivates a user so: op "Replace", no path... or path "active" with "False".
        let a = try Self.patch(Self.user, #"[{"op":"Replace","path":"active","value":"False"}]"#)
        #expect(a[member: "active"] == .bool(false))
        let b = try Self.patch(Self.user, #"[{"op":"Replace","value":{"active":"False","displayName":"Bea Simon"}}]"#)
        #expect(b[member: "active"] == .bool(false) && b[member: "displayName"] == .string("Bea Simon"))
    }

    @Test func azureValueFilteredPaths() throws {
        let replaced = try Self.patch(Self.user, #"[{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@contoso.example"}]"#)
        let emails = try #require(replaced[member: "emails"]?.array)
        #expect(emails.first { $0[member: "type"] == .string("work") }?[member: "value"] == .string("new@contoso.example"))
        #expect(emails.count == 2)
        // No work email yet: the element is created from the filter (an accepted deviation from noTarget).
        let noWork = try Self.patch(Self.json(#"{"id":"u2","userName":"x"}"#), #"[{"op":"Add","path":"emails[type eq \"work\"].value","value":"x@contoso.example"}]"#)
        #expect(noWork[member: "emails"] == Self.json(#"[{"type":"work","value":"x@contoso.example"}]"#))
        // A filter that cannot describe an element: noTarget.
        #expect { try Self.patch(Self.user, #"[{"op":"replace","path":"emails[value co \"zz\"].type","value":"other"}]"#) }
            throws: { ($0 as? SCIMError)?.scimType == "noTarget" }
    }

    @Test func enterpriseExtensionAndDottedNames() throws {
        let manager = try Self.patch(Self.user, #"""
            [{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"u9"}},
             {"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Marketing"},
             {"op":"Add","value":{"name.givenName":"Bea","title":"Lead"}}]
            """#)
        let enterprise = try #require(manager[member: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"])
        #expect(enterprise[member: "manager"] == Self.json(#"{"value":"u9"}"#))
        #expect(enterprise[member: "department"] == .string("Marketing"))
        #expect(manager[member: "name"]?[member: "givenName"] == .string("Bea"))
        #expect(manager[member: "name"]?[member: "familyName"] == .string("Simon"))
        #expect(manager[member: "title"] == .string("Lead"))
    }

    static let group = json(#"{"id":"g1","displayName":"Staff","members":[{"value":"u1"},{"value":"u2"},{"value":"u3"}]}"#)

    @Test func groupMembersWithoutTheWholeList() throws {
        let added = try Self.patch(Self.group, #"[{"op":"Add","path":"members","value":[{"value":"u4"},{"value":"u1"}]}]"#)
        #expect(added[member: "members"]?.array?.compactMap { $0[member: "value"]?.string } == ["u1", "u2", "u3", "u4"])
        // Azure removes members with a value list; the RFC way is a value filter. Both work.
        let azure = try Self.patch(Self.group, #"[{"op":"Remove","path":"members","value":[{"value":"u2"}]}]"#)
        #expect(azure[member: "members"]?.array?.compactMap { $0[member: "value"]?.string } == ["u1", "u3"])
        let rfc = try Self.patch(Self.group, #"[{"op":"remove","path":"members[value eq \"u3\"]"}]"#)
        #expect(rfc[member: "members"]?.array?.compactMap { $0[member: "value"]?.string } == ["u1", "u2"])
        let replaced = try Self.patch(Self.group, #"[{"op":"replace","path":"members","value":[{"value":"u9"}]}]"#)
        #expect(replaced[member: "members"] == Self.json(#"[{"value":"u9"}]"#))
        let all = try Self.patch(Self.group, #"[{"op":"remove","path":"members"}]"#)
        #expect(all[member: "members"] == nil)
    }

    @Test func refusals() throws {
        func code(_ operations: String, _ resource: JSONValue = Self.user) -> String? {
            do { _ = try Self.patch(resource, operations); return nil } catch { return (error as? SCIMError)?.scimType }
        }
        #expect(code(#"[{"op":"remove"}]"#) == "noTarget")
        #expect(code(#"[{"op":"move","path":"x","value":1}]"#) == "invalidSyntax")
        #expect(code(#"[]"#) == "invalidSyntax")
        #expect(code(#"[{"op":"replace","path":"id","value":"u2"}]"#) == "mutability")
        #expect(code(#"[{"op":"replace","path":"emails[type eq","value":"x"}]"#) == "invalidPath")
        #expect(code(#"[{"op":"replace","path":"a.b.c","value":"x"}]"#) == "invalidPath")
        #expect(code(#"[{"op":"add","value":"not an object"}]"#) == "invalidValue")
        let noSchema = Self.json(#"{"Operations":[{"op":"add","path":"title","value":"x"}]}"#)
        #expect { try SCIMPatch.operations(noSchema) } throws: { ($0 as? SCIMError)?.scimType == "invalidSyntax" }
    }
}

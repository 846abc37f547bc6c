#if Hummingbird && SQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import SAML
import SAMLTenants
import SAMLTesting
import SAMLWebTestSupport
import Testing

/// Issue 15: the SCIM endpoint of a tenant, driven with the request sequence Azure AD's provisioning service sends
/// (Microsoft's "Develop a SCIM endpoint" guidance: find by userName, create, update, group membership, deactivate,
/// delete), tied to sign-in: provisioning on means only a provisioned, active user signs in.
@Suite("SCIM: tokens, Azure AD's request sequence, sign-in tie-in")
struct SCIMTests {
    typealias A = AdminAPITests

    static func scim(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil,
                     token: String?, tenant: String = "acme") async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/scim+json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: "/scim/v2/\(tenant)" + path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    static func token(_ client: any TestClientProtocol, _ tenant: String) async throws -> String {
        let response = try await A.api(client, .post, "/tenants/\(tenant)/scim/token")
        #expect(response.status == .created)
        return try #require(try A.json(response)["token"] as? String)
    }

    /// acme configured, tested and enabled (mapping okta: uid = NameID).
    static func enabled(_ client: any TestClientProtocol) async throws {
        try await A.configured(client, "acme", domains: ["acme.example"])
        _ = try await A.runTest(client, "acme")
        #expect(try await A.api(client, .post, "/tenants/acme/sso/enable").status == .ok)
    }

    static func signIn(_ client: any TestClientProtocol, nameID: String) async throws -> TestResponse {
        let (id, relayState) = try await A.login(client, "/sso/acme/login")
        return try await A.acs(client, tenant: "acme", try A.response(tenant: "acme", answering: id, nameID: nameID), relayState: relayState)
    }

    static func cookie(_ response: TestResponse) throws -> String {
        try #require(response.headers[values: .setCookie].first { $0.hasPrefix("SAML_SESSION=") }.map { String($0.prefix { $0 != ";" }) })
    }

    @Test func tokensAreOncePerTenantAndNeverCrossTenants() async throws {
        try await A.Harness().test { client in
            try await A.create(client, "acme", domains: ["acme.example"])
            try await A.create(client, "globex", domains: ["globex.example"])
            #expect(try await Self.scim(client, .get, "/Users", token: nil).status == .unauthorized)
            let acme = try await Self.token(client, "acme")
            let globex = try await Self.token(client, "globex")
            #expect(try await Self.scim(client, .get, "/Users", token: acme).status == .ok)
            #expect(try await Self.scim(client, .get, "/Users", token: globex).status == .unauthorized)   // globex's token, acme's data
            #expect(try await Self.scim(client, .get, "/Users", token: "scim_guess").status == .unauthorized)
            let renewed = try await Self.token(client, "acme")
            #expect(try await Self.scim(client, .get, "/Users", token: acme).status == .unauthorized)     // the old one is revoked
            let ok = try await Self.scim(client, .get, "/ServiceProviderConfig", token: renewed)
            #expect(ok.status == .ok && ok.headers[.contentType] == "application/scim+json")
            let unauthorized = try A.json(try await Self.scim(client, .get, "/Users", token: nil))
            #expect(unauthorized["schemas"] as? [String] == ["urn:ietf:params:scim:api:messages:2.0:Error"])
            #expect(unauthorized["status"] as? String == "401")
        }
    }

    @Test func azureSequenceProvisionsSignsInDeactivatesAndDeletes() async throws {
        let harness = try await A.Harness()
        try await harness.test { client in
            try await Self.enabled(client)
            let token = try await Self.token(client, "acme")
            // Provisioning on: an identity nobody provisioned is refused.
            #expect(try await Self.signIn(client, nameID: "b.simon@acme.example").status == .forbidden)
            #expect(harness.log.all.contains("saml.code=userNotProvisioned"))
            // 1. Azure looks the user up, then creates it.
            let lookup = try A.json(try await Self.scim(client, .get, "/Users?filter=userName+eq+%22B.Simon%40acme.example%22", token: token))
            #expect(lookup["totalResults"] as? Int == 0)
            let created = try await Self.scim(client, .post, "/Users", """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                 "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"B.Simon@acme.example","active":true,
                 "emails":[{"primary":true,"type":"work","value":"b.simon@acme.example"}],"meta":{"resourceType":"User"},
                 "name":{"formatted":"B Simon","familyName":"Simon","givenName":"B"},"roles":[],
                 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"1","department":"Sales"}}
                """, token: token)
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let user = try A.json(created)
            let userID = try #require(user["id"] as? String)
            #expect((user["meta"] as? [String: Any])?["location"] as? String == "\(A.base)/scim/v2/acme/Users/\(userID)")
            #expect(created.headers[.location] == "\(A.base)/scim/v2/acme/Users/\(userID)")
            // userName is unique per tenant, case-insensitively.
            let duplicate = try await Self.scim(client, .post, "/Users", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b.simon@ACME.example"}"#, token: token)
            #expect(duplicate.status == .conflict)
            #expect(try A.json(duplicate)["scimType"] as? String == "uniqueness")
            let found = try A.json(try await Self.scim(client, .get, "/Users?filter=userName+eq+%22b.simon%40acme.example%22", token: token))
            #expect(found["totalResults"] as? Int == 1)
            // Now the user signs in (uid = NameID = userName, case-insensitive).
            let signedIn = try await Self.signIn(client, nameID: "b.simon@acme.example")
            #expect(signedIn.status == .seeOther)
            let cookie = try Self.cookie(signedIn)
            #expect(try await client.execute(uri: "/me", method: .get, headers: [.cookie: cookie]).status == .ok)
            // 2. An attribute change, as Azure sends it.
            let patched = try await Self.scim(client, .patch, "/Users/\(userID)", """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                 {"op":"Replace","path":"emails[type eq \\"work\\"].value","value":"bea.simon@acme.example"},
                 {"op":"Replace","path":"name.familyName","value":"Simon-Ray"},
                 {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"m-1"}}]}
                """, token: token)
            #expect(patched.status == .ok, "\(String(buffer: patched.body))")
            let after = try A.json(try await Self.scim(client, .get, "/Users/\(userID)", token: token))
            #expect(((after["name"] as? [String: Any])?["familyName"] as? String) == "Simon-Ray")
            #expect(((after["emails"] as? [[String: Any]])?.first?["value"] as? String) == "bea.simon@acme.example")
            // 3. A group, and its membership without sending the whole list.
            let group = try await Self.scim(client, .post, "/Groups", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"externalId":"g-ext","displayName":"Sales","members":[]}"#, token: token)
            #expect(group.status == .created)
            let groupID = try #require(try A.json(group)["id"] as? String)
            let add = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"value":"\#(userID)"}]}]}"#
            #expect(try await Self.scim(client, .patch, "/Groups/\(groupID)", add, token: token).status == .ok)
            let members = try A.json(try await Self.scim(client, .get, "/Groups/\(groupID)", token: token))["members"] as? [[String: Any]]
            #expect(members?.compactMap { $0["value"] as? String } == [userID])
            let remove = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members","value":[{"value":"\#(userID)"}]}]}"#
            #expect(try await Self.scim(client, .patch, "/Groups/\(groupID)", remove, token: token).status == .ok)
            #expect(try A.json(try await Self.scim(client, .get, "/Groups/\(groupID)", token: token))["members"] == nil)
            // 4. Deactivation: the open session ends, and sign-in is refused.
            let deactivate = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}"#
            #expect(try await Self.scim(client, .patch, "/Users/\(userID)", deactivate, token: token).status == .ok)
            #expect(try await client.execute(uri: "/me", method: .get, headers: [.cookie: cookie]).status == .unauthorized)
            #expect(try await Self.signIn(client, nameID: "b.simon@acme.example").status == .forbidden)
            #expect(harness.log.all.contains("saml.code=userDeactivated"))
            // 5. Deletion.
            #expect(try await Self.scim(client, .delete, "/Users/\(userID)", token: token).status == .noContent)
            #expect(try await Self.scim(client, .get, "/Users/\(userID)", token: token).status == .notFound)
            #expect(try await Self.signIn(client, nameID: "b.simon@acme.example").status == .forbidden)
            let audit = try #require(try JSONSerialization.jsonObject(with: Data(buffer: try await A.api(client, .get, "/tenants/acme/audit").body)) as? [[String: Any]])
            #expect(audit.filter { $0["action"] as? String == "scim.deprovision" }.count == 2)   // deactivated, then deleted
            #expect(audit.contains { $0["action"] as? String == "signin" && $0["result"] as? String == "userDeactivated" })
        }
    }

    @Test func justInTimeProvisioningWithoutAToken() async throws {
        try await A.Harness().test { client in
            try await Self.enabled(client)
            #expect(try await A.api(client, .put, "/tenants/acme/sso/settings", #"{"justInTimeProvisioning": true}"#).status == .ok)
            _ = try await A.runTest(client, "acme")
            #expect(try await A.api(client, .post, "/tenants/acme/sso/enable").status == .ok)
            #expect(try await Self.signIn(client, nameID: "new.user@acme.example").status == .seeOther)
            let token = try await Self.token(client, "acme")   // provisioning on from here; the JIT user is provisioned
            let found = try A.json(try await Self.scim(client, .get, "/Users?filter=userName+eq+%22new.user%40acme.example%22", token: token))
            #expect(found["totalResults"] as? Int == 1)
            #expect(try await Self.signIn(client, nameID: "new.user@acme.example").status == .seeOther)
        }
    }

    @Test func badRequestsAreSCIMErrors() async throws {
        try await A.Harness().test { client in
            try await A.create(client, "acme", domains: ["acme.example"])
            let token = try await Self.token(client, "acme")
            func expect(_ response: TestResponse, _ status: HTTPResponse.Status, _ scimType: String?, sourceLocation: SourceLocation = #_sourceLocation) throws {
                #expect(response.status == status, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
                let body = try A.json(response)
                #expect(body["scimType"] as? String == scimType, sourceLocation: sourceLocation)
                #expect(body["status"] as? String == String(status.code), sourceLocation: sourceLocation)
            }
            try expect(try await Self.scim(client, .get, "/Users?filter=userName+zz+%22x%22", token: token), .badRequest, "invalidFilter")
            try expect(try await Self.scim(client, .post, "/Users", "{", token: token), .badRequest, "invalidSyntax")
            try expect(try await Self.scim(client, .post, "/Users", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}"#, token: token), .badRequest, "invalidValue")
            try expect(try await Self.scim(client, .post, "/Users", #"{"userName":"x","active":"maybe"}"#, token: token), .badRequest, "invalidValue")
            try expect(try await Self.scim(client, .get, "/Users/nope", token: token), .notFound, nil)
            try expect(try await Self.scim(client, .patch, "/Users/nope", "{}", token: token), .notFound, nil)
            try expect(try await Self.scim(client, .get, "/Nope", token: token), .notFound, nil)
        }
    }
}
#endif

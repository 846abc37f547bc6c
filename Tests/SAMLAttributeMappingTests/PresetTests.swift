import SAML
import SAMLAttributeMapping
import Testing

/// One preset applied to the response built with that vendor's attribute names: every field it must produce, and
/// the source each came from (so a fallback is visible).
struct PresetCase: CustomTestStringConvertible, Sendable {
    let preset: String
    let fixture: String
    let fields: [String: [String]]
    let sources: [String: AttributeMapping.Source]
    var testDescription: String { "\(preset) ← \(fixture).xml" }

    static let all: [PresetCase] = {
        typealias A = ClaimNames.AzureAD
        let azure: [String: [String]] = [
            "uid": [Expected.objectID], "userPrincipalName": [Expected.upn], "email": [Expected.upn], "givenName": ["B."],
            "surname": ["Simon"], "displayName": ["B. Simon"], "tenantID": [Expected.tenantID],
            "identityProvider": ["https://sts.windows.net/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/"],
            "authnMethods": Expected.azureAuthnMethods, "groups": Expected.azureGroups, "roles": Expected.azureRoles,
        ]
        let azureSources: [String: AttributeMapping.Source] = [
            "uid": .attribute(A.objectIdentifier), "userPrincipalName": .attribute(A.name), "email": .attribute(A.emailAddress),
            "givenName": .attribute(A.givenName), "surname": .attribute(A.surname), "displayName": .attribute(A.displayName),
            "tenantID": .attribute(A.tenantID), "identityProvider": .attribute(A.identityProvider),
            "authnMethods": .attribute(A.authnMethodsReferences), "groups": .attribute(A.groups), "roles": .attribute(A.role),
        ]
        var overage = azure
        overage["groups"] = nil
        overage["groupsOverageLink"] = [Expected.overageLink]
        var overageSources = azureSources
        overageSources["groups"] = nil
        overageSources["groupsOverageLink"] = .attribute(A.groupsLink)
        var noEmail = azure
        noEmail["email"] = nil
        var noEmailSources = azureSources
        noEmailSources["email"] = nil

        let webex: [String: [String]] = ["uid": [Expected.upn], "email": [Expected.upn], "givenName": ["B."], "surname": ["Simon"]]
        let webexSources: [String: AttributeMapping.Source] = [
            "uid": .attribute("uid"), "email": .attribute(A.emailAddress), "givenName": .attribute(A.givenName), "surname": .attribute(A.surname),
        ]
        var webexFallback = webexSources
        webexFallback["uid"] = .attribute(A.name)

        typealias D = ClaimNames.ADFS
        typealias E = ClaimNames.EduPerson
        let eduFields: [String: [String]] = [
            "principalName": ["bsimon@contoso.example"], "uid": ["bsimon"], "email": [Expected.upn], "givenName": ["B."],
            "surname": ["Simon"], "displayName": ["B. Simon"],
        ]
        var shibboleth = eduFields
        shibboleth["affiliation"] = ["member", "staff"]
        shibboleth["scopedAffiliation"] = ["member@contoso.example", "staff@contoso.example"]
        shibboleth["entitlement"] = ["urn:mace:dir:entitlement:common-lib-terms", "urn:mace:contoso.example:wiki:editor"]
        var simpleSAML = eduFields
        simpleSAML["affiliation"] = ["member", "student"]

        return [
            PresetCase(preset: "azure-ad", fixture: "azure-ad", fields: azure, sources: azureSources),
            PresetCase(preset: "azure-ad", fixture: "azure-ad-overage", fields: overage, sources: overageSources),
            PresetCase(preset: "azure-ad", fixture: "azure-ad-no-email", fields: noEmail, sources: noEmailSources),
            PresetCase(preset: "webex", fixture: "webex", fields: webex, sources: webexSources),
            PresetCase(preset: "webex", fixture: "webex-no-uid", fields: webex, sources: webexFallback),
            PresetCase(preset: "adfs", fixture: "adfs", fields: [
                "uid": ["bsimon@corp.contoso.example"], "email": [Expected.upn], "name": ["CONTOSO\\bsimon"], "givenName": ["B."],
                "surname": ["Simon"], "roles": ["Finance Approvers"], "groups": ["Domain Users", "Finance", "VPN Users"],
            ], sources: [
                "uid": .attribute(D.upn), "email": .attribute(D.emailAddress), "name": .attribute(D.name), "givenName": .attribute(D.givenName),
                "surname": .attribute(D.surname), "roles": .attribute(D.role), "groups": .attribute(D.group),
            ]),
            PresetCase(preset: "okta", fixture: "okta", fields: [
                "uid": [Expected.upn], "email": [Expected.upn], "givenName": ["B."], "surname": ["Simon"], "groups": ["Everyone", "Engineering"],
            ], sources: [
                "uid": .nameID, "email": .attribute("email"), "givenName": .attribute("firstName"), "surname": .attribute("lastName"),
                "groups": .attribute("groups"),
            ]),
            PresetCase(preset: "okta", fixture: "okta-capitalized", fields: [
                "uid": [Expected.upn], "email": [Expected.upn], "givenName": ["B."], "surname": ["Simon"],
            ], sources: [
                "uid": .nameID, "email": .attribute("Email"), "givenName": .attribute("FirstName"), "surname": .attribute("LastName"),
            ]),
            PresetCase(preset: "shibboleth", fixture: "shibboleth", fields: shibboleth, sources: [
                "principalName": .attribute(E.eduPersonPrincipalName), "uid": .attribute(E.uid), "email": .attribute(E.mail),
                "givenName": .attribute(E.givenName), "surname": .attribute(E.sn), "displayName": .attribute(E.displayName),
                "affiliation": .attribute(E.eduPersonAffiliation), "scopedAffiliation": .attribute(E.eduPersonScopedAffiliation),
                "entitlement": .attribute(E.eduPersonEntitlement),
            ]),
            PresetCase(preset: "shibboleth", fixture: "simplesamlphp", fields: simpleSAML, sources: [
                "principalName": .attribute("eduPersonPrincipalName"), "uid": .attribute("uid"), "email": .attribute("mail"),
                "givenName": .attribute("givenName"), "surname": .attribute("sn"), "displayName": .attribute("displayName"),
                "affiliation": .attribute("eduPersonAffiliation"),
            ]),
            PresetCase(preset: "keycloak", fixture: "keycloak", fields: [
                "uid": ["bsimon"], "email": [Expected.upn], "givenName": ["B."], "surname": ["Simon"],
                "roles": ["offline_access", "uma_authorization", "app-admin"], "groups": ["/engineering", "/engineering/platform"],
            ], sources: [
                "uid": .nameID, "email": .attribute(ClaimNames.Keycloak.email), "givenName": .attribute(ClaimNames.Keycloak.givenName),
                "surname": .attribute(ClaimNames.Keycloak.surname), "roles": .attribute("Role"), "groups": .attribute("member"),
            ]),
            PresetCase(preset: "okta", fixture: "no-attributes", fields: ["uid": [Expected.upn]], sources: ["uid": .nameID]),
        ]
    }()
}

/// A preset applied to a response it cannot map: the exact error.
struct PresetRejection: CustomTestStringConvertible, Sendable {
    let preset: String
    let fixture: String
    let expected: AttributeMappingError
    var testDescription: String { "\(preset) ← \(fixture).xml rejects with \(expected.code)" }

    static let all: [PresetRejection] = [
        PresetRejection(preset: "azure-ad", fixture: "azure-ad-missing-objectid",
                        expected: .missingRequired(field: "uid", tried: [.attribute(ClaimNames.AzureAD.objectIdentifier)])),
        PresetRejection(preset: "azure-ad", fixture: "azure-ad-two-emails", expected: .tooManyValues(field: "email", count: 2)),
        PresetRejection(preset: "azure-ad", fixture: "no-attributes",
                        expected: .missingRequired(field: "uid", tried: [.attribute(ClaimNames.AzureAD.objectIdentifier)])),
        PresetRejection(preset: "webex", fixture: "shibboleth",
                        expected: .missingRequired(field: "uid", tried: [.attribute("uid"), .attribute(ClaimNames.AzureAD.name)])),
        PresetRejection(preset: "webex", fixture: "azure-ad-two-emails", expected: .tooManyValues(field: "email", count: 2)),
        PresetRejection(preset: "adfs", fixture: "azure-ad",
                        expected: .missingRequired(field: "uid", tried: [.attribute(ClaimNames.ADFS.upn)])),
        PresetRejection(preset: "shibboleth", fixture: "shibboleth-no-eppn",
                        expected: .missingRequired(field: "principalName",
                                                   tried: [.attribute(ClaimNames.EduPerson.eduPersonPrincipalName), .attribute("eduPersonPrincipalName")])),
        PresetRejection(preset: "shibboleth", fixture: "azure-ad",
                        expected: .missingRequired(field: "principalName",
                                                   tried: [.attribute(ClaimNames.EduPerson.eduPersonPrincipalName), .attribute("eduPersonPrincipalName")])),
    ]
}

@Suite("Presets")
struct PresetTests {
    @Test(arguments: PresetCase.all)
    func maps(_ c: PresetCase) async throws {
        let user = try AttributeMapping.preset(named: c.preset).map(try await MappingFixtures.assertion(c.fixture))
        #expect(user.fields == c.fields)
        #expect(user.matchedSources == c.sources)
        #expect(user.issuer == MappingFixtures.idpEntityID)
    }

    @Test(arguments: PresetRejection.all)
    func rejects(_ c: PresetRejection) async throws {
        let assertion = try await MappingFixtures.assertion(c.fixture)
        let mapping = try AttributeMapping.preset(named: c.preset)
        #expect(throws: c.expected) { try mapping.map(assertion) }
    }

    @Test("Azure group overage is surfaced, not dropped")
    func groupOverage() async throws {
        let user = try AttributeMapping.azureAD.map(try await MappingFixtures.assertion("azure-ad-overage"))
        #expect(user.hasGroupsOverage)
        #expect(user.groupsOverageLink == Expected.overageLink)
        #expect(user.groups == [])
        #expect(user[MappedUser.Field.groups] == nil)

        let listed = try AttributeMapping.azureAD.map(try await MappingFixtures.assertion("azure-ad"))
        #expect(!listed.hasGroupsOverage)
        #expect(listed.groupsOverageLink == nil)
        #expect(listed.groups == Expected.azureGroups)
    }

    @Test("Convenience accessors read the standard fields")
    func accessors() async throws {
        let user = try AttributeMapping.azureAD.map(try await MappingFixtures.assertion("azure-ad"))
        #expect(user.uid == Expected.objectID)
        #expect(user.email == Expected.upn)
        #expect(user.givenName == "B.")
        #expect(user.surname == "Simon")
        #expect(user.displayName == "B. Simon")
        #expect(user.roles == Expected.azureRoles)
        #expect(user.nameID == Expected.upn)
        #expect(user.value("tenantID") == Expected.tenantID)
        #expect(user.values("authnMethods") == Expected.azureAuthnMethods)
        #expect(user.values("absent") == [])
        #expect(user.value("absent") == nil)
    }

    @Test("The preset table names the six presets")
    func presetNames() throws {
        #expect(AttributeMapping.presetNames == ["adfs", "azure-ad", "keycloak", "okta", "shibboleth", "webex"])
        #expect(try AttributeMapping.preset(named: "azure-ad") == .azureAD)
        #expect(throws: AttributeMappingError.unknownPreset("azure")) { try AttributeMapping.preset(named: "azure") }
    }
}

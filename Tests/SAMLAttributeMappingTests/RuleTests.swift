import SAML
import SAMLAttributeMapping
import Testing

@Suite("Rules")
struct RuleTests {
    typealias Rule = AttributeMapping.Rule
    typealias A = ClaimNames.AzureAD

    @Test("The first present source wins, even when later ones are present too")
    func firstPresentWins() async throws {
        let mapping = try AttributeMapping(rules: [
            .required("email", from: .attribute("absent"), .attribute(A.emailAddress), .nameID),
        ])
        let user = try mapping.map(try await MappingFixtures.assertion("azure-ad"))
        #expect(user.fields == ["email": [Expected.upn]])
        #expect(user.matchedSources == ["email": .attribute(A.emailAddress)])
    }

    @Test("Fallback to the NameID when no attribute is present")
    func fallbackToNameID() async throws {
        let mapping = try AttributeMapping(rules: [.required("email", from: .attribute(A.emailAddress), .nameID)])
        let user = try mapping.map(try await MappingFixtures.assertion("azure-ad-no-email"))
        #expect(user.fields == ["email": [Expected.upn]])
        #expect(user.matchedSources == ["email": .nameID])
    }

    @Test("FriendlyName sources read the FriendlyName, not the Name")
    func friendlyName() async throws {
        let assertion = try await MappingFixtures.assertion("shibboleth")
        let user = try AttributeMapping(rules: [
            .required("mail", from: .friendlyName("mail")),
            .optional("byName", from: .attribute("mail")),
        ]).map(assertion)
        #expect(user.fields == ["mail": [Expected.upn]])
        // Keycloak's FriendlyName `surname` sits on urn:oid:2.5.4.4.
        let keycloak = try AttributeMapping(rules: [.required("sn", from: .friendlyName("surname"))]).map(try await MappingFixtures.assertion("keycloak"))
        #expect(keycloak.fields == ["sn": ["Simon"]])
    }

    @Test("Several values: .multiple keeps them all in document order, .first keeps the first, .reject throws")
    func multiplicity() async throws {
        let assertion = try await MappingFixtures.assertion("azure-ad")
        let all = try AttributeMapping(rules: [Rule(field: "groups", sources: [.attribute(A.groups)], multiplicity: .multiple)]).map(assertion)
        #expect(all.fields == ["groups": Expected.azureGroups])
        let first = try AttributeMapping(rules: [Rule(field: "groups", sources: [.attribute(A.groups)], multiplicity: .single(onMany: .first))]).map(assertion)
        #expect(first.fields == ["groups": [Expected.azureGroups[0]]])
        let strict = try AttributeMapping(rules: [Rule(field: "groups", sources: [.attribute(A.groups)])])
        #expect(throws: AttributeMappingError.tooManyValues(field: "groups", count: 3)) { try strict.map(assertion) }
    }

    @Test("Attribute elements sharing a Name contribute all their values (Keycloak's one Role element per role)")
    func repeatedAttributeElements() async throws {
        let assertion = try await MappingFixtures.assertion("keycloak")
        let single = try AttributeMapping(rules: [.required("role", from: .attribute("Role"))])
        #expect(throws: AttributeMappingError.tooManyValues(field: "role", count: 3)) { try single.map(assertion) }
        let first = try AttributeMapping(rules: [Rule(field: "role", sources: [.attribute("Role")], multiplicity: .single(onMany: .first))]).map(assertion)
        #expect(first.fields == ["role": ["offline_access"]])
    }

    @Test("A single value passes a rejecting single-valued rule")
    func singleValue() async throws {
        let user = try AttributeMapping(rules: [.required("tenant", from: .attribute(A.tenantID))]).map(try await MappingFixtures.assertion("azure-ad"))
        #expect(user.fields == ["tenant": [Expected.tenantID]])
    }

    @Test("A missing optional field is absent; a missing required one names every source tried, in order")
    func missing() async throws {
        let assertion = try await MappingFixtures.assertion("okta")
        let optional = try AttributeMapping(rules: [.required("uid", from: .nameID), .optional("phone", from: .attribute("mobilePhone"))]).map(assertion)
        #expect(optional.fields == ["uid": [Expected.upn]])
        let required = try AttributeMapping(rules: [.required("phone", from: .attribute("mobilePhone"), .friendlyName("mobile"), .attribute("phone"))])
        #expect(throws: AttributeMappingError.missingRequired(field: "phone", tried: [.attribute("mobilePhone"), .friendlyName("mobile"), .attribute("phone")])) {
            try required.map(assertion)
        }
    }

    @Test("Rules apply in order: the first failing required rule is the error")
    func firstFailureReported() async throws {
        let assertion = try await MappingFixtures.assertion("okta")
        let mapping = try AttributeMapping(rules: [
            .required("uid", from: .nameID),
            .required("department", from: .attribute("department")),
            .required("groups", from: .attribute("groups")),  // would be tooManyValues(2) if reached
        ])
        #expect(throws: AttributeMappingError.missingRequired(field: "department", tried: [.attribute("department")])) { try mapping.map(assertion) }
    }

    @Test("An empty or blank value is not present: the next source is tried")
    func blankValues() async throws {
        let assertion = try await MappingFixtures.assertion("okta-capitalized")  // `email` has one empty AttributeValue
        let onlyEmpty = try AttributeMapping(rules: [.required("email", from: .attribute("email"))])
        #expect(throws: AttributeMappingError.missingRequired(field: "email", tried: [.attribute("email")])) { try onlyEmpty.map(assertion) }
        let withFallback = try AttributeMapping(rules: [.required("email", from: .attribute("email"), .attribute("Email"))]).map(assertion)
        #expect(withFallback.matchedSources == ["email": .attribute("Email")])
    }

    @Test("Attribute names match exactly (case-sensitive)")
    func caseSensitiveNames() async throws {
        let mapping = try AttributeMapping(rules: [.required("email", from: .attribute("EMAIL"))])
        let assertion = try await MappingFixtures.assertion("okta")
        #expect(throws: AttributeMappingError.missingRequired(field: "email", tried: [.attribute("EMAIL")])) { try mapping.map(assertion) }
    }

    @Test("Invalid rule sets are refused when the mapping is built")
    func invalidRuleSets() {
        #expect(throws: AttributeMappingError.noRules) { try AttributeMapping(rules: []) }
        #expect(throws: AttributeMappingError.emptyFieldName) { try AttributeMapping(rules: [.required("", from: .nameID)]) }
        #expect(throws: AttributeMappingError.duplicateField("uid")) {
            try AttributeMapping(rules: [.required("uid", from: .nameID), .optional("uid", from: .attribute("uid"))])
        }
        #expect(throws: AttributeMappingError.noSources(field: "uid")) { try AttributeMapping(rules: [Rule(field: "uid", sources: [])]) }
    }

    @Test("Error codes name the case")
    func codes() {
        #expect(AttributeMappingError.missingRequired(field: "uid", tried: [.nameID]).code == "missingRequired")
        #expect(AttributeMappingError.tooManyValues(field: "email", count: 2).code == "tooManyValues")
        #expect(AttributeMappingError.noRules.code == "noRules")
    }
}

import Foundation
import SAML
import SAMLTesting

/// Loads `Fixtures/mapping/` by walking up from this file, and validates each response with a ServiceProvider on the
/// fixed clock, so every mapped assertion is one the library verified.
enum MappingFixtures {
    static let fixtures: FixtureDirectory = {
        guard let fixtures = FixtureDirectory(from: #filePath) else { fatalError("Fixtures/ not found above \(#filePath)") }
        return fixtures
    }()

    // The fixed parameters of Fixtures/mapping/README.md.
    static let now = ISO8601DateFormatter().date(from: "2026-12-01T12:00:00Z")!
    static let idpEntityID = "https://sts.windows.net/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/"
    static let spEntityID = "https://app.example.test/saml/metadata"
    static let acsURL = "https://app.example.test/saml/acs"
    static let requestID = "_a8f3c2e1d0b9a8f7e6d5c4b3a2f1e0d9c"

    static func bytes(_ relative: String) throws -> [UInt8] { try fixtures.bytes(relative) }

    /// The verified assertion of `Fixtures/mapping/<name>.xml`.
    static func assertion(_ name: String) async throws -> VerifiedAssertion {
        let sp = try ServiceProvider(entityID: spEntityID, assertionConsumerServiceURLs: [acsURL],
                                     identityProviders: [fixtures.identityProvider(entityID: idpEntityID, certificates: ["idp-rsa2048"])],
                                     clock: FixedClock(now))
        return try await sp.validate(responseXML: try bytes("mapping/\(name).xml"), expectedRequestID: requestID)
    }
}

// Values the generator (Fixtures/scripts/make_mapping_responses.py) put in the responses.
enum Expected {
    static let upn = "b.simon@contoso.example"
    static let tenantID = "4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    static let objectID = "7d9e2a41-3b5c-4f68-9a0d-1e2f3a4b5c6d"
    static let azureGroups = ["9ba3b04a-2508-442f-a73d-123e204dc369", "a50b5a2c-aad2-4174-bcf9-4cbb81e2acf3",
                              "d813520b-10cd-497b-8c76-d08c58aadd95"]
    static let azureAuthnMethods = ["http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password",
                                    "http://schemas.microsoft.com/claims/multipleauthn"]
    static let azureRoles = ["Contoso.Admin", "Contoso.Reader"]
    static let overageLink = "https://graph.windows.net/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/users/7d9e2a41-3b5c-4f68-9a0d-1e2f3a4b5c6d/getMemberObjects"
}

import Foundation
import Testing
@testable import SAML

/// Issue 11, "right verdicts everywhere": the logout messages (Fixtures/verdicts/logout.json) and metadata documents
/// (Fixtures/verdicts/metadata.json) made by Fixtures/scripts/make_verdicts.py. The responses of that folder's
/// manifest.json run in ``ResponseFixtureTests``. Each hostile entry expects its exact `SAMLError.code`.
@Suite("Verdict fixtures: logout messages and metadata")
struct VerdictFixtureTests {
    /// The SP's SingleLogoutService URL: the Destination of every logout fixture.
    static let sloURL = "https://app.example.test/saml/slo"

    struct LogoutEntry: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let file: String
        let binding: String
        let kind: String
        let valid: Bool
        let expected: String?
        let description: String
        let idp_entity_id: String
        let idp_certs: [String]
        let expected_request_id: String?
        let expected_issuer: String?
        let expected_in_response_to: String?
        let expected_name_id: String?
        let relay_state: String?
        let options: [String: ResponseFixtureTests.JSONValue]?
        var testDescription: String { name }
    }

    struct MetadataEntry: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let file: String
        let entity_id: String?
        let verify_with: String?
        let expected: String?
        let expected_signing_cert: String?
        let description: String
        var testDescription: String { name }
    }

    static func load<T: Decodable>(_ relative: String) -> [T] {
        guard let data = try? Data(contentsOf: Fixtures.url(relative)) else { return [] }
        do {
            return try JSONDecoder().decode([T].self, from: data)
        } catch {
            fatalError("\(relative): \(error)")
        }
    }

    static let logout: [LogoutEntry] = load("verdicts/logout.json")
    static let metadata: [MetadataEntry] = load("verdicts/metadata.json")

    /// Both lists must be there: the parameterised tests would otherwise run no cases.
    @Test func manifestsListEveryCase() throws {
        for file in ["verdicts/logout.json", "verdicts/metadata.json", "verdicts/manifest.json"] {
            _ = try Data(contentsOf: Fixtures.url(file))
        }
        #expect(Self.logout.count >= 12)
        #expect(Self.logout.contains { $0.valid } && Self.logout.contains { !$0.valid })
        #expect(Self.metadata.count >= 6)
        #expect(Self.metadata.contains { $0.expected == nil } && Self.metadata.contains { $0.expected != nil })
    }

    static func serviceProvider(idpEntityID: String = Fixtures.idpEntityID, certificates: [String] = ["keys/idp-rsa2048.crt"],
                                options: [String: ResponseFixtureTests.JSONValue]? = nil, name: String = "") throws -> ServiceProvider {
        let idp = IdPMetadata(entityID: idpEntityID, signingCertificates: try certificates.map { try SAMLCertificate(pem: try Fixtures.text($0)) })
        return try ServiceProvider(entityID: Fixtures.spEntityID, assertionConsumerServiceURLs: [Fixtures.acsURL], singleLogoutServiceURLs: [sloURL],
                                   identityProviders: [idp], options: ResponseFixtureTests.options(options, for: name), clock: FixedClock(Fixtures.now))
    }

    static func message(_ e: LogoutEntry) throws -> LogoutMessage {
        let text = try Fixtures.text("verdicts/\(e.file)")
        switch e.binding {
        case "redirect": return .redirect(query: text)
        case "post": return .post(value: text, relayState: e.relay_state)
        default: fatalError("\(e.name): unknown binding \(e.binding)")
        }
    }

    static func validate(_ e: LogoutEntry) async throws -> (issuer: String, relayState: String?) {
        let sp = try serviceProvider(idpEntityID: e.idp_entity_id, certificates: e.idp_certs, options: e.options, name: e.name)
        switch e.kind {
        case "request":
            let request = try await sp.validateLogoutRequest(try message(e))
            if let nameID = e.expected_name_id { #expect(Array(request.nameID.value.unicodeScalars) == Array(nameID.unicodeScalars), "\(e.name)") }
            return (request.issuer, request.relayState)
        case "response":
            let response = try await sp.validateLogoutResponse(try message(e), expectedRequestID: e.expected_request_id ?? "")
            if let irt = e.expected_in_response_to { #expect(response.inResponseTo == irt, "\(e.name)") }
            return (response.issuer, response.relayState)
        default:
            fatalError("\(e.name): unknown kind \(e.kind)")
        }
    }

    @Test(arguments: logout.filter(\.valid))
    func acceptsLogout(_ e: LogoutEntry) async throws {
        let (issuer, relayState) = try await Self.validate(e)
        #expect(Array(issuer.unicodeScalars) == Array((e.expected_issuer ?? e.idp_entity_id).unicodeScalars))
        #expect(relayState == e.relay_state, "\(e.name): RelayState")
    }

    @Test(arguments: logout.filter { !$0.valid })
    func rejectsLogout(_ e: LogoutEntry) async throws {
        do {
            _ = try await Self.validate(e)
            Issue.record("\(e.name) was accepted: \(e.description)")
        } catch let error as SAMLError {
            #expect(error.code == e.expected, "\(e.name): \(e.description) — got \(String(describing: error).prefix(600))")
        }
    }

    /// A 20 MB Redirect query (not stored: made here) is refused for its size before anything is decoded.
    @Test func twentyMegabyteRedirectQueryIsTooLarge() async throws {
        let sp = try Self.serviceProvider()
        let query = "SAMLRequest=" + String(repeating: "A", count: 20 * 1024 * 1024) + "&RelayState=x"
        await #expect(throws: SAMLError.inputTooLarge(limit: RedirectBinding.maxQueryBytes(maxInflatedBytes: 256 * 1024), size: query.utf8.count)) {
            try await sp.validateLogoutRequest(.redirect(query: query))
        }
    }

    @Test(arguments: metadata)
    func metadataVerdict(_ e: MetadataEntry) throws {
        let xml = try Fixtures.bytes("verdicts/\(e.file)")
        do {
            let idp: IdPMetadata
            if let path = e.verify_with {
                idp = try IdPMetadata(xml: xml, entityID: e.entity_id, verifyingSignatureWith: [try SAMLCertificate(pem: try Fixtures.text(path))])
            } else {
                idp = try IdPMetadata(xml: xml, entityID: e.entity_id)
            }
            if let expected = e.expected {
                Issue.record("\(e.name) was accepted (entityID \(idp.entityID.debugDescription)), expected \(expected): \(e.description)")
                return
            }
            if let wanted = e.entity_id {
                #expect(Array(idp.entityID.unicodeScalars) == Array(wanted.unicodeScalars), "\(e.name): selected \(idp.entityID.debugDescription)")
            }
            if let cert = e.expected_signing_cert {
                let expectedDER = try SAMLCertificate(pem: try Fixtures.text(cert)).der
                #expect(idp.signingCertificates.first?.der == expectedDER, "\(e.name): first signing certificate is not \(cert)")
            }
        } catch let error as SAMLError {
            #expect(error.code == e.expected, "\(e.name): \(e.description) — got \(String(describing: error).prefix(600))")
        }
    }
}

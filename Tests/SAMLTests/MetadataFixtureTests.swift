import Foundation
import Testing
@testable import SAML

/// Every document in Fixtures/metadata (Fixtures/scripts/make_metadata.py) parses to exactly the values of
/// expected.json; each hostile one fails with its own error.
@Suite("Metadata fixtures: vendor shapes and hostile documents")
struct MetadataFixtureTests {
    nonisolated(unsafe) static let expected: [String: Any] = {  // read-only after its lazy initialisation
        guard let data = try? Data(contentsOf: Fixtures.url("metadata/expected.json")),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return json
    }()
    static var files: [String: [String: Any]] { expected["files"] as? [String: [String: Any]] ?? [:] }
    static var names: [String] { files.keys.sorted() }

    static func bytes(_ name: String) throws -> [UInt8] { try Fixtures.bytes("metadata/\(name)") }

    static func certificates(_ names: Any?) throws -> [SAMLCertificate] {
        try (names as? [String] ?? []).map { try SAMLCertificate(pem: try Fixtures.text("keys/\($0)")) }
    }

    static func endpoints(_ list: Any?) -> [Endpoint] {
        (list as? [[String: Any]] ?? []).map {
            Endpoint(binding: Binding($0["binding"] as! String), location: $0["location"] as! String, responseLocation: $0["responseLocation"] as? String)
        }
    }

    static func check(_ idp: IdPMetadata, against e: [String: Any], _ name: String) throws {
        #expect(idp.entityID == e["entityID"] as? String, "\(name)")
        #expect(idp.singleSignOnServices == endpoints(e["singleSignOnServices"]), "\(name)")
        #expect(idp.singleLogoutServices == endpoints(e["singleLogoutServices"]), "\(name)")
        #expect(idp.signingCertificates == (try certificates(e["signingCertificates"])), "\(name): signing certificates (count and bytes)")
        #expect(idp.encryptionCertificates == (try certificates(e["encryptionCertificates"])), "\(name): encryption certificates")
        #expect(idp.nameIDFormats.map(\.rawValue) == (e["nameIDFormats"] as? [String] ?? []), "\(name)")
        #expect(idp.wantAuthnRequestsSigned == (e["wantAuthnRequestsSigned"] as? Bool ?? false), "\(name)")
        #expect(idp.validUntil == (e["validUntil"] as? String).flatMap(XSDateTime.parseOrNil), "\(name)")
        #expect(idp.cacheDuration == (e["cacheDurationSeconds"] as? Double), "\(name)")
    }

    @Test(arguments: names.filter { files[$0]?["role"] as? String == "IdP" })
    func idpShapes(_ name: String) throws {
        let e = Self.files[name]!
        let idp = try IdPMetadata(xml: try Self.bytes(name))
        try Self.check(idp, against: e, name)
        if let signature = e["signature"] as? [String: Any], let signer = signature["signedBy"] as? String {
            // Signed metadata (Azure AD, ADFS): verifies with the signer's certificate, not with an attacker's.
            let good = try Self.certificates([signer])
            #expect(try MetadataSignature.verify(try Self.bytes(name), trusting: good) == good[0])
            #expect(throws: SAMLError.signatureInvalid) { try MetadataSignature.verify(try Self.bytes(name), trusting: try Self.certificates(["attacker-rsa2048.crt"])) }
            _ = try IdPMetadata(xml: try Self.bytes(name), verifyingSignatureWith: good)
        }
        // A metadata document is not SP metadata unless it has an SPSSODescriptor (ADFS has both).
        if name != "adfs.xml" { #expect(throws: SAMLError.missingSPSSODescriptor) { _ = try SPMetadata(xml: try Self.bytes(name)) } }
    }

    @Test func unsignedAzureMetadataFailsWhenASignatureIsRequired() throws {
        #expect(throws: SAMLError.signatureMissing(.metadata)) {
            _ = try IdPMetadata(xml: try Self.bytes("azure-ad-unsigned.xml"), verifyingSignatureWith: try Self.certificates(["idp-rsa2048.crt"]))
        }
    }

    @Test(arguments: names.filter { files[$0]?["role"] as? String == "SP" })
    func spShapes(_ name: String) throws {
        let e = Self.files[name]!
        let sp = try SPMetadata(xml: try Self.bytes(name))
        #expect(sp.entityID == e["entityID"] as? String)
        let acs = (e["assertionConsumerServices"] as? [[String: Any]] ?? []).map {
            IndexedEndpoint(binding: Binding($0["binding"] as! String), location: $0["location"] as! String, index: $0["index"] as! Int, isDefault: $0["isDefault"] as? Bool)
        }
        #expect(sp.assertionConsumerServices == acs)
        #expect(sp.singleLogoutServices == Self.endpoints(e["singleLogoutServices"]))
        #expect(sp.authnRequestsSigned == (e["authnRequestsSigned"] as? Bool ?? false))
        #expect(sp.wantAssertionsSigned == (e["wantAssertionsSigned"] as? Bool ?? false))
        #expect(sp.signingCertificates == (try Self.certificates(e["signingCertificates"])))
        #expect(sp.encryptionCertificates == (try Self.certificates(e["encryptionCertificates"])))
        #expect(sp.nameIDFormats.map(\.rawValue) == (e["nameIDFormats"] as? [String] ?? []))
        #expect(throws: SAMLError.missingIDPSSODescriptor) { _ = try IdPMetadata(xml: try Self.bytes(name)) }
        // Our own generator writes the same metadata back, and it parses to the same values.
        #expect(try SPMetadata(xml: try sp.xml()) == sp)
    }

    /// The parameterised tests below take their cases from expected.json: it must be there and list them all.
    @Test func expectedJSONListsEveryCase() throws {
        let data = try Data(contentsOf: Fixtures.url("metadata/expected.json"))
        #expect(try JSONSerialization.jsonObject(with: data) is [String: Any])
        #expect(Self.names.count >= 20, "expected.json lists \(Self.names.count) files")
        #expect(Self.names.filter { Self.files[$0]?["expected"] != nil }.count >= 11)
    }

    @Test func aggregateSelection() throws {
        let e = try #require(Self.files["aggregate.xml"])
        let xml = try Self.bytes("aggregate.xml")
        let entities = try #require(e["entities"] as? [String: [String: Any]])
        let selections = try #require(e["selections"] as? [[String: Any]])
        #expect(entities.values.contains { $0["role"] as? String == "IdP" } && !selections.isEmpty)
        for (entityID, values) in entities where values["role"] as? String == "IdP" {
            try Self.check(try IdPMetadata(xml: xml, entityID: entityID), against: values, entityID)
        }
        for selection in selections {
            let entityID = selection["entityID"] as? String
            if selection["as"] as? String == "SP" {
                #expect(try SPMetadata(xml: xml, entityID: entityID).entityID == selection["selects"] as? String)
                continue
            }
            do {
                _ = try IdPMetadata(xml: xml, entityID: entityID)
                Issue.record("aggregate selection \(entityID ?? "nil") was accepted")
            } catch let error as SAMLError {
                #expect(error.code == selection["expected"] as? String)
                if case .ambiguousEntity(let ids) = error { #expect(ids == selection["candidates"] as? [String]) }
            }
        }
    }

    @Test(arguments: names.filter { files[$0]?["expected"] != nil })
    func hostile(_ name: String) throws {
        do {
            _ = try IdPMetadata(xml: try Self.bytes(name))
            Issue.record("\(name) was accepted")
        } catch let error as SAMLError {
            #expect(error.code == Self.files[name]?["expected"] as? String, "\(name): \(error)")
        }
    }
}

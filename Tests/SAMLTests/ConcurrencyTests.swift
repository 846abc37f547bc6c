import Foundation
import Testing
@testable import SAML
import SAMLTesting

/// Many tasks validating at once through one shared ``ServiceProvider``: every answer is the one a lone validation
/// gives, a parsed key lent to many concurrent verifications stays correct, and the replay cache admits exactly one
/// of many simultaneous submissions. (Run under ThreadSanitizer by scripts/ci-sanitizers.sh.)
@Suite("Concurrency: one shared ServiceProvider, many tasks")
struct ConcurrencyTests {
    /// What one validation came to: the subject and signing certificate, or the error's case name.
    enum Verdict: Equatable, Sendable, CustomStringConvertible {
        case accepted(nameID: String, signer: SAMLCertificate)
        case rejected(String)
        var description: String {
            switch self {
            case .accepted(let nameID, _): return "accepted \(nameID)"
            case .rejected(let code): return "rejected \(code)"
            }
        }
    }

    struct Input: Sendable {
        let name: String
        let xml: [UInt8]
        let expected: Verdict
    }

    static func verdict(_ sp: ServiceProvider, _ xml: [UInt8]) async -> Verdict {
        do {
            let assertion = try await sp.validate(responseXML: xml, expectedRequestID: Fixtures.requestID)
            return .accepted(nameID: assertion.nameID.value, signer: assertion.signingCertificate)
        } catch let error as SAMLError {
            return .rejected(error.code)
        } catch {
            return .rejected("non-SAMLError \(error)")
        }
    }

    /// Validates every input `rounds` times, all at once, and returns the inputs whose verdict differed.
    static func storm(_ sp: ServiceProvider, _ inputs: [Input], rounds: Int) async -> [String] {
        await withTaskGroup(of: String?.self) { group in
            for round in 0..<rounds {
                // A different interleaving each round: rotate the order.
                for k in inputs.indices {
                    let input = inputs[(k + round * 7) % inputs.count]
                    group.addTask {
                        let got = await verdict(sp, input.xml)
                        return got == input.expected ? nil : "\(input.name): expected \(input.expected), got \(got)"
                    }
                }
            }
            var failures: [String] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
    }

    /// The response fixtures that share the default configuration (trusted idp-rsa2048, the fixtures' request ID,
    /// default options), valid and hostile. Their expected verdict is the one a lone validation through the same
    /// ServiceProvider gives (ResponseFixtureTests checks those verdicts against the manifest; this suite checks
    /// that concurrency changes none of them).
    static func defaultConfigurationInputs(loneVerdictsFrom sp: ServiceProvider) async throws -> [Input] {
        var inputs: [Input] = []
        for entry in ResponseFixtureTests.entries where entry.idp_certs == ["keys/idp-rsa2048.crt"] && entry.options == nil
            && entry.decryption_key == nil && entry.decryption_keys == nil && entry.folder == "responses" && entry.submissions == nil && entry.expected_request_id == Fixtures.requestID
            && entry.idp_entity_id == Fixtures.idpEntityID {
            let xml = try Fixtures.bytes("responses/\(entry.file)")
            inputs.append(Input(name: entry.name, xml: xml, expected: await verdict(sp, xml)))
        }
        return inputs
    }

    @Test("valid and hostile responses validated concurrently get exactly their lone verdicts")
    func validAndHostileAtOnce() async throws {
        let cache = AdmitAllReplayCache()
        let sp = try ServiceProvider(entityID: Fixtures.spEntityID, assertionConsumerServiceURLs: [Fixtures.acsURL],
                                     identityProviders: [Fixtures.identityProvider()], clock: FixedClock(Fixtures.now),
                                     replayCache: cache)
        let inputs = try await Self.defaultConfigurationInputs(loneVerdictsFrom: sp)
        let accepted = inputs.filter { if case .accepted = $0.expected { true } else { false } }.count
        #expect(inputs.count > 100, "the fixture manifest should give well over 100 shared-configuration cases")
        #expect(accepted >= 10 && accepted < inputs.count - 50, "valid and hostile inputs both, \(accepted) of \(inputs.count) accepted")
        let failures = await Self.storm(sp, inputs, rounds: 4)
        #expect(failures.isEmpty, "\(failures.prefix(10))")
        #expect(await cache.inserts == accepted * 5)
    }

    @Test("the audit XML, computed on first read, is the same text for many concurrent first readers")
    func auditXMLReadConcurrently() async throws {
        let xml = try Fixtures.bytes("responses/assertion-signed.xml")
        let sp = try ServiceProvider(entityID: Fixtures.spEntityID, assertionConsumerServiceURLs: [Fixtures.acsURL],
                                     identityProviders: [Fixtures.identityProvider()], clock: FixedClock(Fixtures.now),
                                     replayCache: AdmitAllReplayCache())
        let shared = try await sp.validate(responseXML: xml, expectedRequestID: Fixtures.requestID)
        let expected = try await sp.validate(responseXML: xml, expectedRequestID: Fixtures.requestID).canonicalXML
        #expect(expected.hasPrefix("<saml:Assertion") || expected.hasPrefix("<Assertion"))
        let texts = await withTaskGroup(of: String.self) { group in
            for _ in 0..<64 { group.addTask { shared.canonicalXML } }
            var all: Set<String> = []
            for await text in group { all.insert(text) }
            return all
        }
        #expect(texts == [expected])
    }

    @Test("keys lent to many concurrent verifications stay correct: each signature is verified by its own key")
    func sharedKeysStayCorrect() async throws {
        // One IdP publishing four keys: every verification tries them in order, so each key is lent to verifications
        // that succeed and to ones that fail (wrong key, wrong key type) at the same time.
        let names = ["idp-rsa2048", "idp-rsa2048-next", "idp-ec256", "idp-rsa4096"]
        let certificates = try names.map(Fixtures.certificate)
        let sp = try ServiceProvider(entityID: Fixtures.spEntityID, assertionConsumerServiceURLs: [Fixtures.acsURL],
                                     identityProviders: [Fixtures.identityProvider(certificates: names)],
                                     clock: FixedClock(Fixtures.now), replayCache: AdmitAllReplayCache())
        let subject = "b.simon@contoso.example"
        let inputs = [
            Input(name: "assertion-signed", xml: try Fixtures.bytes("responses/assertion-signed.xml"), expected: .accepted(nameID: subject, signer: certificates[0])),
            Input(name: "response-signed", xml: try Fixtures.bytes("responses/response-signed.xml"), expected: .accepted(nameID: subject, signer: certificates[0])),
            Input(name: "both-signed", xml: try Fixtures.bytes("responses/both-signed.xml"), expected: .accepted(nameID: subject, signer: certificates[0])),
            Input(name: "signed-by-next-key", xml: try Fixtures.bytes("responses/signed-by-next-key.xml"), expected: .accepted(nameID: subject, signer: certificates[1])),
            Input(name: "ecdsa-sha256", xml: try Fixtures.bytes("responses/ecdsa-sha256.xml"), expected: .accepted(nameID: subject, signer: certificates[2])),
            Input(name: "rsa4096", xml: try Fixtures.bytes("responses/rsa4096.xml"), expected: .accepted(nameID: subject, signer: certificates[3])),
            Input(name: "signaturevalue-flipped", xml: try Fixtures.bytes("responses/signaturevalue-flipped.xml"), expected: .rejected("signatureInvalid")),
            Input(name: "keyinfo-attacker-cert", xml: try Fixtures.bytes("responses/keyinfo-attacker-cert.xml"), expected: .rejected("signatureInvalid")),
            Input(name: "digestvalue-flipped", xml: try Fixtures.bytes("responses/digestvalue-flipped.xml"), expected: .rejected("digestMismatch")),
        ]
        let keys = sp.identityProviders[ExactKey(Fixtures.idpEntityID)]!.keys
        let before = keys.map { ($0.key, $0.evp) }
        let failures = await Self.storm(sp, inputs, rounds: 40)
        #expect(failures.isEmpty, "\(failures.prefix(10))")
        // The same parsed keys (nothing copied or replaced), and still verifying after the storm.
        let after = sp.identityProviders[ExactKey(Fixtures.idpEntityID)]!.keys
        #expect(!before.isEmpty && before.count == after.count && zip(before, after).allSatisfy { $0.0 == $1.key && $0.1 == $1.evp })
        for input in inputs {
            #expect(await Self.verdict(sp, input.xml) == input.expected, "\(input.name) after the storm")
        }
    }

    @Test("of many simultaneous submissions of one response, exactly one is accepted")
    func replayCacheAdmitsOne() async throws {
        let sp = try Fixtures.serviceProvider()  // the default InMemoryReplayCache
        let xml = try Fixtures.bytes("responses/assertion-signed.xml")
        let verdicts = await withTaskGroup(of: Verdict.self) { group in
            for _ in 0..<64 { group.addTask { await Self.verdict(sp, xml) } }
            var all: [Verdict] = []
            for await v in group { all.append(v) }
            return all
        }
        #expect(verdicts.filter { if case .accepted = $0 { true } else { false } }.count == 1)
        #expect(verdicts.filter { $0 == .rejected("replayDetected") }.count == 63)
    }
}

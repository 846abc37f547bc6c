// libFuzzer entry point over swift-saml's untrusted-input paths. The first byte of an input picks the path, the rest
// is the input itself (Fuzz/scripts/make_seeds.py writes seeds in this form):
//   0  ServiceProvider.validate(responseXML:) — strict defaults, trusted idp-rsa2048, the fixtures' fixed clock
//   1  ServiceProvider.validate(samlResponse:) — the same SP through the base64 entry point
//   2  RedirectBinding.decode(query:), then verifySignature(certificates:) when the query is signed
//   3  ServiceProvider.validate(responseXML:) — a relaxed SP: SP decryption key, SHA-1, empty reference URI,
//      unsolicited responses, no audience restriction, rsa-1_5 (reaches the decryption and relaxation code)
//   4  IdPMetadata(xml:verifyingSignatureWith:) and IdPMetadata(xml:)
// A crash, a Swift runtime trap, a sanitizer report or a hang (libFuzzer's -timeout) is a finding; thrown
// SAMLErrors are the expected outcome for almost every input.
import Dispatch
import Foundation
import SAML
import CFuzzMain

/// Admits every assertion: the fuzzer must see the same verdict for the same input every time.
struct AdmitAllReplayCache: ReplayCache {
    func insertIfAbsent(_ key: ReplayKey, expiresAt: Date) async throws -> Bool { true }
}

enum Setup {
    static let keys: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let keys = url.appendingPathComponent("Fixtures/keys")
            if FileManager.default.fileExists(atPath: keys.path) { return keys }
        }
        fatalError("Fixtures/keys not found above \(#filePath)")
    }()

    static func text(_ name: String) -> String {
        (try? String(contentsOf: keys.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    static let now = Date(timeIntervalSince1970: 1_796_126_400)  // 2026-12-01T12:00:00Z, the fixtures' clock
    static let idpEntityID = "https://sts.windows.net/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/"
    static let requestID = "_a8f3c2e1d0b9a8f7e6d5c4b3a2f1e0d9c"
    static let certificates = ["idp-rsa2048.crt", "idp-rsa2048-next.crt", "idp-ec256.crt"].map { try! SAMLCertificate(pem: text($0)) }

    static func serviceProvider(relaxed: Bool) -> ServiceProvider {
        var options = ServiceProvider.Options()
        var decryptionKeys: [DecryptionKey] = []
        if relaxed {
            options.allowSHA1 = true
            options.allowEmptyReferenceURI = true
            options.allowUnsolicitedResponses = true
            options.allowMissingAudienceRestriction = true
            options.allowRSA1_5KeyTransport = true
            decryptionKeys = [try! DecryptionKey(privateKeyPEM: text("sp-enc-rsa2048.key"))]
        }
        return try! ServiceProvider(
            entityID: "https://app.example.test/saml/metadata", assertionConsumerServiceURLs: ["https://app.example.test/saml/acs"],
            identityProviders: [IdPMetadata(entityID: idpEntityID, signingCertificates: relaxed ? certificates : [certificates[0]])],
            options: options, clock: FixedClock(now), replayCache: AdmitAllReplayCache(), decryptionKeys: decryptionKeys)
    }

    static let strict = serviceProvider(relaxed: false)
    static let relaxed = serviceProvider(relaxed: true)
}

/// Runs an async body to completion from libFuzzer's (synchronous, non-Swift-concurrency) thread.
func runBlocking(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await body()
        done.signal()
    }
    done.wait()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let mode = bytes[0] % 5
    let input = Array(bytes.dropFirst())
    switch mode {
    case 0:
        runBlocking { _ = try? await Setup.strict.validate(responseXML: input, expectedRequestID: Setup.requestID) }
    case 1:
        let text = String(decoding: input, as: UTF8.self)
        runBlocking { _ = try? await Setup.strict.validate(samlResponse: text, relayState: "state", expectedRequestID: Setup.requestID) }
    case 2:
        let query = String(decoding: input, as: UTF8.self)
        if let decoded = try? RedirectBinding.decode(query: query), decoded.signature != nil {
            _ = try? decoded.verifySignature(certificates: Setup.certificates)
        }
    case 3:
        runBlocking { _ = try? await Setup.relaxed.validate(responseXML: input, expectedRequestID: nil) }
    default:
        _ = try? IdPMetadata(xml: input, verifyingSignatureWith: Setup.certificates)
        _ = try? IdPMetadata(xml: input)
    }
    return 0
}

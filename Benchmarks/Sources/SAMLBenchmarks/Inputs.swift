import CFloor
import Foundation
import SAML

/// Benchmarks/Inputs/manifest.json, written by Benchmarks/scripts/make_inputs.py.
struct Manifest: Decodable {
    struct Input: Decodable {
        let name: String
        let file: String
        let cert: String
        let signatures: Int
        let bytes: Int
        let maxResponseBytes: Int?
        let decryptionKey: String?
    }
    let now: String
    let idpEntityID: String
    let spEntityID: String
    let acsURL: String
    let requestID: String
    let nameID: String
    let metadata: String
    let spSigningKey: String
    let spSigningCert: String
    let inputs: [Input]
}

/// A C pointer owned for the whole run, shared (read-only) by the floor's workers.
final class FloorKey: @unchecked Sendable {
    let key: OpaquePointer
    let decryptor: OpaquePointer?
    init(key: OpaquePointer, decryptor: OpaquePointer?) { self.key = key; self.decryptor = decryptor }
    deinit {
        cfloor_key_free(key)
        if let decryptor { cfloor_decryptor_free(decryptor) }
    }
}

/// One input, ready to run through swift-saml and through the floor.
struct Prepared: Sendable {
    let input: Manifest.Input
    let xml: [UInt8]
    let base64: String
    let serviceProvider: ServiceProvider
    let floor: FloorKey
    let requestID: String
    let nameID: String

    func validateXML() async throws {
        let assertion = try await serviceProvider.validate(responseXML: xml, expectedRequestID: requestID)
        guard assertion.nameID.value == nameID else { throw BenchmarkError.wrongResult(input.name) }
    }

    func validateBase64() async throws {
        let assertion = try await serviceProvider.validate(samlResponse: base64, expectedRequestID: requestID)
        guard assertion.nameID.value == nameID else { throw BenchmarkError.wrongResult(input.name) }
    }

    func floorVerify(_ mode: Int32) throws {
        let result = xml.withUnsafeBufferPointer {
            cfloor_verify_response($0.baseAddress, Int32($0.count), floor.key, mode, floor.decryptor)
        }
        guard result == input.signatures else { throw BenchmarkError.floorFailed(input.name, result) }
    }

    func floorParse() throws {
        let result = xml.withUnsafeBufferPointer { cfloor_parse_only($0.baseAddress, Int32($0.count)) }
        guard result == 0 else { throw BenchmarkError.floorFailed(input.name, result) }
    }
}

enum BenchmarkError: Error, CustomStringConvertible {
    case wrongResult(String)
    case floorFailed(String, Int32)
    case missing(String)
    var description: String {
        switch self {
        case .wrongResult(let name): return "\(name): swift-saml returned another subject"
        case .floorFailed(let name, let code): return "\(name): the C floor failed with \(code)"
        case .missing(let what): return "missing \(what): run Benchmarks/run.sh (it generates the inputs)"
        }
    }
}

struct Inputs {
    let directory: URL
    let manifest: Manifest
    let now: Date

    init(directory: URL) throws {
        self.directory = directory
        let url = directory.appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: url) else { throw BenchmarkError.missing(url.path) }
        manifest = try JSONDecoder().decode(Manifest.self, from: data)
        let formatter = ISO8601DateFormatter()
        guard let now = formatter.date(from: manifest.now) else { throw BenchmarkError.missing("a valid `now`") }
        self.now = now
    }

    func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(relative)))
    }

    func text(_ relative: String) throws -> String { String(decoding: try bytes(relative), as: UTF8.self) }

    func serviceProvider(certificate: String, maxResponseBytes: Int? = nil, decryptionKey: String? = nil,
                         replayCache: (any ReplayCache)? = nil) throws -> ServiceProvider {
        let clock = FixedClock(now)
        var options = ServiceProvider.Options()
        if let maxResponseBytes { options.maxResponseBytes = maxResponseBytes }
        let idp = IdPMetadata(entityID: manifest.idpEntityID, signingCertificates: [try SAMLCertificate(pem: try text(certificate))])
        let keys = try decryptionKey.map { [try DecryptionKey(privateKeyPEM: try text($0))] } ?? []
        return try ServiceProvider(entityID: manifest.spEntityID, assertionConsumerServiceURLs: [manifest.acsURL],
                                   identityProviders: [idp], options: options, clock: clock,
                                   replayCache: replayCache ?? BenchmarkReplayCache(clock: clock), decryptionKeys: keys)
    }

    func prepare(_ input: Manifest.Input) throws -> Prepared {
        // The ServiceProvider first: its initialisation is the process's one libxml2/xmlsec initialisation, which
        // the floor relies on.
        let sp = try serviceProvider(certificate: input.cert, maxResponseBytes: input.maxResponseBytes, decryptionKey: input.decryptionKey)
        let der = try SAMLCertificate(pem: try text(input.cert)).der
        guard let key = der.withUnsafeBufferPointer({ cfloor_key_from_certificate_der($0.baseAddress, Int32($0.count)) }) else {
            throw BenchmarkError.floorFailed(input.name, -100)
        }
        var decryptor: OpaquePointer?
        if let path = input.decryptionKey {
            let pem = try bytes(path)
            decryptor = pem.withUnsafeBufferPointer { cfloor_decryptor_from_private_key_pem($0.baseAddress, Int32($0.count)) }
            guard decryptor != nil else { throw BenchmarkError.floorFailed(input.name, -101) }
        }
        let xml = try bytes(input.file)
        return Prepared(input: input, xml: xml, base64: Data(xml).base64EncodedString(), serviceProvider: sp,
                        floor: FloorKey(key: key, decryptor: decryptor), requestID: manifest.requestID, nameID: manifest.nameID)
    }
}

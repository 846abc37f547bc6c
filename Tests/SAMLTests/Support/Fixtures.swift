import Foundation
import Testing
@testable import SAML

/// Locates `Fixtures/` (and `../shared/corpus/`) by walking up from this file, like swift-crypto's Wycheproof loader.
enum Fixtures {
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: url.appendingPathComponent("Fixtures").path) {
                return url
            }
        }
        fatalError("Fixtures/ not found above \(#filePath)")
    }()

    static let directory = repositoryRoot.appendingPathComponent("Fixtures")

    static func url(_ relative: String) -> URL { directory.appendingPathComponent(relative) }

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(relative)))
    }

    static func text(_ relative: String) throws -> String {
        String(decoding: try bytes(relative), as: UTF8.self)
    }

    static func certificate(_ name: String) throws -> SAMLCertificate {
        try SAMLCertificate(pem: try text("keys/\(name).crt"))
    }

    static func signingKey(_ name: String, algorithm: SignatureAlgorithm? = nil) throws -> SigningKey {
        try SigningKey(privateKeyPEM: try text("keys/\(name).key"), certificatePEM: try text("keys/\(name).crt"), algorithm: algorithm)
    }

    // The fixed parameters the response fixtures were generated with (Fixtures/responses/README.md).
    static let now = XSDateTime.parseOrNil("2026-12-01T12:00:00Z")!
    static let idpEntityID = "https://sts.windows.net/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/"
    static let spEntityID = "https://app.example.test/saml/metadata"
    static let acsURL = "https://app.example.test/saml/acs"
    static let requestID = "_a8f3c2e1d0b9a8f7e6d5c4b3a2f1e0d9c"

    static func identityProvider(certificates: [String] = ["idp-rsa2048"], entityID: String = idpEntityID) throws -> IdPMetadata {
        IdPMetadata(entityID: entityID, signingCertificates: try certificates.map(certificate))
    }

    static func serviceProvider(certificates: [String] = ["idp-rsa2048"], options: ServiceProvider.Options = .init(),
                                clock: some SAMLClock = FixedClock(now), idps: [IdPMetadata]? = nil) throws -> ServiceProvider {
        try ServiceProvider(entityID: spEntityID, assertionConsumerServiceURLs: [acsURL],
                            identityProviders: idps ?? [identityProvider(certificates: certificates)], options: options, clock: clock)
    }
}

/// `../shared/corpus/`: real-world documents from other projects' public tests. Present in CI; optional elsewhere.
enum Corpus {
    static let directory = Fixtures.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    static var isPresent: Bool { FileManager.default.fileExists(atPath: directory.appendingPathComponent("manifest.json").path) }
}

/// External tools the independent checks run (installed by .ci/run).
enum Tools {
    static func path(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// In CI every tool must be present: a missing one fails rather than skips.
    static func available(_ name: String) -> Bool {
        if path(name) != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" { return true }  // let the test run and fail loudly
        print("skipping: \(name) is not installed (apt-get install it; .ci/run does)")
        return false
    }

    static var debianPythonHasPysaml2: Bool {
        guard FileManager.default.fileExists(atPath: "/usr/bin/python3") else { return false }
        let result = try? run("/usr/bin/python3", ["-c", "import saml2"])
        return result?.status == 0
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], stdin: [UInt8]? = nil, environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : (path(executable) ?? "/usr/bin/\(executable)"))
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    static func temporaryFile(_ contents: [UInt8], suffix: String = ".xml") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swift-saml-\(UUID().uuidString)\(suffix)")
        try Data(contents).write(to: url)
        return url
    }
}

import Foundation
import Testing
@testable import SAML
import SAMLTesting

/// The repository's `Fixtures/`, through SAMLTesting's one locator, with the parameters the fixtures were made with.
enum Fixtures {
    static let location: FixtureDirectory = {
        guard let location = FixtureDirectory(from: #filePath) else { fatalError("Fixtures/ not found above \(#filePath)") }
        return location
    }()

    static var repositoryRoot: URL { location.repositoryRoot }
    static var directory: URL { location.directory }

    static func url(_ relative: String) -> URL { location.url(relative) }
    static func bytes(_ relative: String) throws -> [UInt8] { try location.bytes(relative) }
    static func text(_ relative: String) throws -> String { try location.text(relative) }
    static func certificate(_ name: String) throws -> SAMLCertificate { try location.certificate(name) }
    static func signingKey(_ name: String, algorithm: SignatureAlgorithm? = nil) throws -> SigningKey {
        try location.signingKey(name, algorithm: algorithm)
    }

    // The fixed parameters the response fixtures were generated with (Fixtures/responses/README.md).
    static let now = XSDateTime.parseOrNil("2026-12-01T12:00:00Z")!
    static let idpEntityID = "https://sts.windows.net/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/"
    static let spEntityID = "https://app.example.test/saml/metadata"
    static let acsURL = "https://app.example.test/saml/acs"
    static let requestID = "_a8f3c2e1d0b9a8f7e6d5c4b3a2f1e0d9c"

    static func identityProvider(certificates: [String] = ["idp-rsa2048"], entityID: String = idpEntityID) throws -> IdPMetadata {
        try location.identityProvider(entityID: entityID, certificates: certificates)
    }

    static func serviceProvider(certificates: [String] = ["idp-rsa2048"], options: ServiceProvider.Options = .init(),
                                clock: some SAMLClock = FixedClock(now), idps: [IdPMetadata]? = nil) throws -> ServiceProvider {
        try ServiceProvider(entityID: spEntityID, assertionConsumerServiceURLs: [acsURL],
                            identityProviders: idps ?? [identityProvider(certificates: certificates)], options: options, clock: clock)
    }
}

/// `../shared/corpus/`: real-world documents from other projects' public tests. Present in CI, where its absence fails
/// the corpus suite; optional elsewhere (skipped, saying so).
enum Corpus {
    static var directory: URL { Fixtures.location.corpus }
    static var isPresent: Bool { Fixtures.location.corpusIsPresent }
    /// Whether the corpus suite runs: the corpus is there, or this is CI (where a missing corpus then fails).
    static let runs = TestEnvironment.runs(needing: "../shared/corpus", present: isPresent)
}

/// External tools the independent checks run (installed by .ci/run). Outside CI a missing tool skips its tests with a
/// printed reason; in CI they run and fail (``TestEnvironment``), and ``ToolPresenceTests`` names what is missing.
enum Tools {
    static func path(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether tests needing the tool `name` run: it is installed, or this is CI.
    static func available(_ name: String) -> Bool {
        TestEnvironment.runs(needing: "\(name) (apt-get install it; .ci/run does)", present: path(name) != nil)
    }

    /// Whether tests needing Debian's python3 with pysaml2 run: it is installed, or this is CI.
    static var pysaml2Available: Bool {
        TestEnvironment.runs(needing: "python3 with pysaml2 (apt-get install python3-pysaml2; .ci/run does)", present: debianPythonHasPysaml2)
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

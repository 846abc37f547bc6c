import Foundation
import SAML
@testable import SAMLCommand
import Testing

/// The tool is the library: every response fixture gives the same verdict, and the same error case, through
/// `ServiceProvider.validate(responseXML:expectedRequestID:)` in-process and through the built `saml verify`.
@Suite("saml verify agrees with ServiceProvider.validate")
struct AgreementTests {
    /// The manifests: responses and encrypted (present since the start), verdicts (required: a missing one fails).
    static let manifests = ["responses", "encrypted", "verdicts"]
    /// The least number of fixtures compared; fewer means a manifest went missing or lost entries.
    static let minimumCompared = 250
    static let now = Date(timeIntervalSince1970: 1_796_126_400)  // 2026-12-01T12:00:00Z
    static let nowText = "2026-12-01T12:00:00Z"
    static let defaultSPEntityID = "https://app.example.test/saml/metadata"
    static let defaultACSURL = "https://app.example.test/saml/acs"
    /// Tool processes run at once.
    static let parallelRuns = 4

    enum JSONValue: Decodable, Sendable, CustomStringConvertible {
        case bool(Bool), int(Int), double(Double), string(String)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let i = try? c.decode(Int.self) { self = .int(i) }
            else if let d = try? c.decode(Double.self) { self = .double(d) }
            else { self = .string(try c.decode(String.self)) }
        }
        var description: String {
            switch self {
            case .bool(let b): "\(b)"
            case .int(let i): "\(i)"
            case .double(let d): "\(d)"
            case .string(let s): s
            }
        }
    }

    struct Entry: Decodable, Sendable {
        var folder = ""
        let name: String
        let file: String
        let idp_certs: [String]?
        let idp_metadata: String?
        let idp_entity_id: String?
        let expected_request_id: String?
        let options: [String: JSONValue]?
        let decryption_key: String?
        let decryption_keys: [String]?
        let submissions: Int?
        let sp_entity_id: String?
        let acs_url: String?
        let expected_warnings: [String]?
        let max_detail_bytes: Int?

        enum CodingKeys: String, CodingKey {
            case name, file, idp_certs, idp_metadata, idp_entity_id, expected_request_id, options, decryption_key, decryption_keys
            case submissions, sp_entity_id, acs_url, expected_warnings, max_detail_bytes
        }

        var label: String { "\(folder)/\(name)" }
        var keys: [String] { (decryption_keys ?? []) + [decryption_key].compactMap { $0 } }
    }

    enum Verdict: Equatable, CustomStringConvertible {
        case accepted
        case rejected(String)
        var description: String {
            switch self {
            case .accepted: "accepted"
            case .rejected(let code): "rejected \(code)"
            }
        }
    }

    static func fixture(_ relative: String) -> URL { CommandTests.fixtures.url(relative) }

    static func load(_ folder: String) throws -> [Entry] {
        let data = try Data(contentsOf: fixture("\(folder)/manifest.json"))
        return try JSONDecoder().decode([Entry].self, from: data).map { var e = $0; e.folder = folder; return e }
    }

    /// The manifest options as `ServiceProvider.Options` and as the tool's flags, or the first unknown key.
    static func options(_ entry: Entry) -> Result<(ServiceProvider.Options, [String]), OptionError> {
        var options = ServiceProvider.Options()
        var flags: [String] = []
        for (key, value) in (entry.options ?? [:]).sorted(by: { $0.key < $1.key }) {
            switch (key, value) {
            case ("allowUnsolicited", .bool(let b)): options.allowUnsolicitedResponses = b; if b { flags.append("--allow-idp-initiated") }
            case ("allowSHA1", .bool(let b)): options.allowSHA1 = b; if b { flags.append("--allow-sha1") }
            case ("maxResponseBytes", .int(let n)): options.maxResponseBytes = n; flags += ["--max-bytes", "\(n)"]
            case ("maxDepth", .int(let n)): options.maxDepth = n; flags += ["--max-depth", "\(n)"]
            case ("signatureRequirement", .string(let s)):
                guard let requirement = ServiceProvider.SignatureRequirement(rawValue: s) else { return .failure(OptionError(key: key, value: value)) }
                options.signatureRequirement = requirement; flags += ["--require", s]
            case ("allowRSA1_5KeyTransport", .bool(let b)): options.allowRSA1_5KeyTransport = b; if b { flags.append("--allow-rsa1_5") }
            case ("requireEncryptedAssertions", .bool(let b)): options.requireEncryptedAssertions = b; if b { flags.append("--require-encryption") }
            case ("minimumRSAKeyBits", .int(let n)): options.minimumRSAKeyBits = n; flags += ["--min-rsa-bits", "\(n)"]
            case ("allowTripleDES", .bool(let b)): options.allowTripleDES = b; if b { flags.append("--allow-tripledes") }
            case ("allowExpiredMetadata", .bool(let b)): options.allowExpiredMetadata = b; if b { flags.append("--allow-expired-metadata") }
            case ("allowUnsolicitedSubjectConfirmationInResponseTo", .bool(let b)):
                options.allowUnsolicitedSubjectConfirmationInResponseTo = b; if b { flags.append("--allow-unsolicited-subject-in-response-to") }
            case ("allowMissingAudienceRestriction", .bool(let b)): options.allowMissingAudienceRestriction = b; if b { flags.append("--allow-missing-audience") }
            case ("allowEmptyReferenceURI", .bool(let b)): options.allowEmptyReferenceURI = b; if b { flags.append("--allow-empty-reference-uri") }
            case ("clockSkew", .int(let n)): options.clockSkew = TimeInterval(n); flags += ["--clock-skew", "\(n)"]
            case ("clockSkew", .double(let d)): options.clockSkew = d; flags += ["--clock-skew", "\(d)"]
            default: return .failure(OptionError(key: key, value: value))
            }
        }
        return .success((options, flags))
    }

    struct OptionError: Error, CustomStringConvertible {
        let key: String
        let value: JSONValue
        var description: String { "unknown option \(key): \(value)" }
    }

    /// The verdict of `ServiceProvider.validate(responseXML:expectedRequestID:)` on a fresh SP (its own replay cache).
    static func library(_ entry: Entry, options: ServiceProvider.Options) async -> Verdict {
        do {
            let idp: IdPMetadata
            if let metadata = entry.idp_metadata {
                idp = try IdPMetadata(xml: Array(try Data(contentsOf: fixture(metadata))), entityID: entry.idp_entity_id)
            } else {
                idp = IdPMetadata(entityID: entry.idp_entity_id ?? "",
                                  signingCertificates: try (entry.idp_certs ?? []).map { try SAMLCertificate(pem: try text(fixture($0))) })
            }
            let keys = try entry.keys.map { try DecryptionKey(privateKeyPEM: try text(fixture($0))) }
            let sp = try ServiceProvider(entityID: entry.sp_entity_id ?? defaultSPEntityID, assertionConsumerServiceURLs: [entry.acs_url ?? defaultACSURL],
                                         identityProviders: [idp], options: options, clock: FixedClock(now), decryptionKeys: keys)
            let xml = Array(try Data(contentsOf: fixture("\(entry.folder)/\(entry.file)")))
            _ = try await sp.validate(responseXML: xml, expectedRequestID: entry.expected_request_id)
            return .accepted
        } catch let error as SAMLError {
            return .rejected(error.code)
        } catch {
            return .rejected("(non-SAMLError) \(error)")
        }
    }

    static func text(_ url: URL) throws -> String { String(decoding: try Data(contentsOf: url), as: UTF8.self) }

    /// Whether the tool recognises the fixture as raw XML by its first bytes (else it is told `--input xml`:
    /// `validate(responseXML:)` is what it is compared with).
    static func recognisedAsXML(_ entry: Entry) -> Bool {
        guard let data = try? Data(contentsOf: fixture("\(entry.folder)/\(entry.file)")) else { return true }
        return ResponseInput.isRawXML(Array(data))
    }

    /// The same entry as `saml verify` arguments.
    static func arguments(_ entry: Entry, flags: [String]) -> [String] {
        var arguments = ["verify", fixture("\(entry.folder)/\(entry.file)").path,
                         "--sp-entity-id", entry.sp_entity_id ?? defaultSPEntityID, "--acs-url", entry.acs_url ?? defaultACSURL, "--now", nowText]
        if let metadata = entry.idp_metadata {
            arguments += ["--idp-metadata", fixture(metadata).path]
        } else {
            for certificate in entry.idp_certs ?? [] { arguments += ["--idp-cert", fixture(certificate).path] }
        }
        if let entityID = entry.idp_entity_id { arguments += ["--idp-entity-id", entityID] }
        if let id = entry.expected_request_id { arguments += ["--in-response-to", id] }
        for key in entry.keys { arguments += ["--sp-key", fixture(key).path] }
        if !recognisedAsXML(entry) { arguments += ["--input", "xml"] }
        return arguments + flags
    }

    struct Comparison: Sendable {
        let entry: Entry
        let library: String
        let tool: String
        let problems: [String]
    }

    static func compare(_ entry: Entry) async -> Comparison {
        switch options(entry) {
        case .failure(let error):
            return Comparison(entry: entry, library: "-", tool: "-", problems: ["\(error) (map it to its tool flag)"])
        case .success(let (options, flags)):
            let library = await library(entry, options: options)
            var problems: [String] = []
            let run: ProcessRun
            do {
                run = try await ProcessRun.saml(arguments(entry, flags: flags))
            } catch {
                return Comparison(entry: entry, library: "\(library)", tool: "-", problems: ["could not run saml: \(error)"])
            }
            let json = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
            let tool: Verdict
            switch run.status {
            case 0: tool = .accepted
            case 1: tool = .rejected(json["rejected"] as? String ?? "(no JSON: \(run.stdout))")
            default: return Comparison(entry: entry, library: "\(library)", tool: "exit \(run.status)", problems: ["usage error: \(run.stderr)"])
            }
            if tool != library { problems.append("library \(library), tool \(tool) (\(run.stderr.prefix(300)))") }
            let stderrLines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            if case .rejected = tool {
                let detail = json["detail"] as? String ?? ""
                if detail.contains("\n") || detail.contains("\r") { problems.append("the detail has a line break") }
                if stderrLines.count != 1 || !stderrLines[0].hasPrefix("error: ") { problems.append("stderr is not one error line: \(run.stderr.prefix(300))") }
                if let limit = entry.max_detail_bytes, detail.utf8.count > limit { problems.append("detail of \(detail.utf8.count) bytes > \(limit)") }
            } else {
                let warnings = stderrLines.filter { $0.hasPrefix("warning: ") }
                if warnings.count != stderrLines.count { problems.append("stderr has lines other than warnings: \(run.stderr.prefix(300))") }
                if (json["warnings"] as? [String])?.count != warnings.count { problems.append("JSON warnings differ from stderr's") }
                for expected in entry.expected_warnings ?? [] where !warnings.contains(where: { $0.contains(expected) }) {
                    problems.append("no warning contains \"\(expected)\" (\(warnings))")
                }
            }
            if entry.expected_warnings?.isEmpty == false, case .rejected = tool { problems.append("expected warnings, but rejected") }
            return Comparison(entry: entry, library: "\(library)", tool: "\(tool)", problems: problems)
        }
    }

    @Test func everyFixtureGetsTheSameVerdict() async throws {
        let start = ContinuousClock.now
        var entries: [Entry] = []
        for folder in Self.manifests {
            do {
                entries += try Self.load(folder)
            } catch {
                Issue.record("Fixtures/\(folder)/manifest.json could not be read: \(error)")
            }
        }
        // A replay needs two submissions to one SP's cache: one tool run cannot reproduce it.
        let replays = entries.filter { ($0.submissions ?? 1) > 1 }
        for entry in replays { print("agreement: excluded \(entry.label): submitted \(entry.submissions ?? 1) times (a replay); one tool run cannot reproduce it") }
        let compared = entries.filter { ($0.submissions ?? 1) <= 1 }
        // Raw XML is recognised by its first bytes; what is not XML at all cannot be told from base64 that way.
        let notXML = compared.filter { !Self.recognisedAsXML($0) }
        for entry in notXML { print("agreement: \(entry.label) does not start like XML: run with --input xml") }

        var results: [Comparison] = []
        await withTaskGroup(of: Comparison.self) { group in
            var pending = compared[...]
            for _ in 0..<Self.parallelRuns {
                guard let entry = pending.popFirst() else { break }
                group.addTask { await Self.compare(entry) }
            }
            while let result = await group.next() {
                results.append(result)
                if let entry = pending.popFirst() { group.addTask { await Self.compare(entry) } }
            }
        }
        for result in results.sorted(by: { $0.entry.label < $1.entry.label }) {
            for problem in result.problems { Issue.record("\(result.entry.label): \(problem)") }
        }
        let accepted = results.filter { $0.library == "accepted" }.count
        let elapsed = ContinuousClock.now - start
        print("agreement: \(results.count) fixtures compared (\(accepted) accepted, \(results.count - accepted) rejected; "
              + "\(notXML.count) given --input xml), \(replays.count) excluded, in \(elapsed)")
        #expect(results.count >= Self.minimumCompared, "only \(results.count) fixtures compared")
    }
}

/// One run of the `saml` binary, waited for without blocking a thread (the output goes to files).
struct ProcessRun: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String

    static func saml(_ arguments: [String]) async throws -> ProcessRun {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("saml-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("out"), errURL = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandTests.binary)
        process.arguments = arguments
        process.currentDirectoryURL = CommandTests.root
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try out.close()
        try err.close()
        return ProcessRun(status: status, stdout: try AgreementTests.text(outURL), stderr: try AgreementTests.text(errURL))
    }
}

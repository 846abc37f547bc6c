import ArgumentParser
import Foundation
import SAML

/// `saml`: the library's public API from the command line, for admins and black-box tests.
///
/// Exit codes: 0 success, 1 the input was rejected (stderr: one line `error: <code>: <detail>`, the detail escaped
/// and capped), 2 usage.
@main
struct SAMLTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saml",
        abstract: "SAML 2.0 service-provider tools: metadata, AuthnRequests, response verification.",
        subcommands: [IdPMetadataCommand.self, SPMetadataCommand.self, AuthnRequestCommand.self, VerifyCommand.self,
                      LogoutRequestCommand.self, VerifyLogoutCommand.self]
    )

    /// No subcommand is a usage error (exit 2), not a request for help.
    mutating func run() async throws {
        throw ValidationError("a subcommand is required: \(Self.configuration.subcommands.map { $0._commandName }.joined(separator: ", "))")
    }

    static func main() async {
        var command: ParsableCommand?
        do {
            command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command?.run()
            }
        } catch {
            // Every typed rejection exits 1, whenever it is thrown (reading an option file included); the
            // validating subcommands also print it as JSON on stdout.
            if let rejection = Rejection(error) {
                rejection.exit(json: command is VerifyCommand || command is VerifyLogoutCommand)
            }
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }

    /// Prints `warning: …` on stderr, one line per warning.
    static func warn(_ text: String) {
        FileHandle.standardError.write(Data("warning: \(Rejection.oneLine(text))\n".utf8))
    }
}

enum IO {
    /// The bytes of FILE, or of standard input for `-`.
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Rejection(code: "unreadableFile", detail: path)
        }
        return Array(data)
    }

    static func readText(_ path: String) throws -> String {
        String(decoding: try read(path), as: UTF8.self)
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

import Foundation

/// Finds the repository's `Fixtures/` (and `../shared/corpus/`) by walking up from a source file, like swift-crypto's
/// Wycheproof loader: one locator for every test target.
public struct FixtureDirectory: Sendable {
    /// The repository root (the folder holding `Package.swift` and `Fixtures/`).
    public let repositoryRoot: URL

    /// Finds the repository that holds `file` by walking up its folders.
    /// - Parameter file: pass `#filePath` of a file inside the repository.
    /// - Returns: nil when no ancestor holds both `Package.swift` and `Fixtures/`.
    public init?(from file: String = #filePath) {
        var url = URL(fileURLWithPath: file)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let manager = FileManager.default
            if manager.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
               manager.fileExists(atPath: url.appendingPathComponent("Fixtures").path) {
                repositoryRoot = url
                return
            }
        }
        return nil
    }

    /// `Fixtures/`.
    public var directory: URL { repositoryRoot.appendingPathComponent("Fixtures") }

    /// `../shared/corpus/` beside the repository (real-world documents; present in CI).
    public var corpus: URL { repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus") }

    /// A file under `Fixtures/`.
    /// - Parameters:
    ///   - relative: the path below `Fixtures/` (`metadata/azure-ad.xml`).
    public func url(_ relative: String) -> URL { directory.appendingPathComponent(relative) }

    /// The bytes of a file under `Fixtures/`.
    /// - Parameters:
    ///   - relative: the path below `Fixtures/`.
    /// - Throws: Foundation's error when the file cannot be read.
    public func bytes(_ relative: String) throws -> [UInt8] { Array(try Data(contentsOf: url(relative))) }

    /// The text of a file under `Fixtures/` (UTF-8; invalid bytes become U+FFFD).
    /// - Parameters:
    ///   - relative: the path below `Fixtures/`.
    /// - Throws: Foundation's error when the file cannot be read.
    public func text(_ relative: String) throws -> String { String(decoding: try bytes(relative), as: UTF8.self) }
}

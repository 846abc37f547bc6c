import Foundation

/// Where a test runs, and what becomes of a test whose optional input (a tool, the shared corpus) is missing: outside
/// CI it is skipped with a printed reason; in CI (`CI=true`) it runs, and fails, so a broken CI image can never turn
/// an independent check into a silent skip.
///
/// ```swift
/// static let hasXMLSec1 = FileManager.default.isExecutableFile(atPath: "/usr/bin/xmlsec1")
/// @Test(.enabled(if: TestEnvironment.runs(needing: "xmlsec1", present: hasXMLSec1), "needs xmlsec1 (in CI it must be there)"))
/// ```
public enum TestEnvironment {
    /// True when the `CI` environment variable is `true` (GitHub Actions, GitLab CI and the project's `.ci/run` set it).
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether a test needing `what` runs: when `present`, or in CI (where the missing input then fails the test).
    /// Outside CI a missing input prints why the test is skipped.
    /// - Parameters:
    ///   - what: what the test needs, for the printed reason (`"xmlsec1"`, `"../shared/corpus"`).
    ///   - present: whether it is there.
    /// - Returns: whether to run the test.
    public static func runs(needing what: String, present: Bool) -> Bool {
        if present { return true }
        if isCI { return true }
        print("skipping tests that need \(what): it is missing (in CI, CI=true, they run and fail instead)")
        return false
    }
}

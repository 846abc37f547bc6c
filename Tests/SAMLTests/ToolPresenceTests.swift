import Foundation
import Testing
import SAMLTesting

/// In CI every independent check must run: the tools the cross-checks call and the shared corpus are part of the CI
/// image, so each one missing fails here by name (the tests needing it run too, and fail on their own). Outside CI
/// those tests skip with a printed reason instead, and this suite does not run.
@Suite("CI has every independent tool and the corpus",
       .enabled(if: TestEnvironment.isCI, "outside CI (CI=true unset) a missing tool or corpus skips the tests needing it; this suite is CI's guard"))
struct ToolPresenceTests {
    @Test(arguments: ["xmlsec1", "openssl", "python3"])
    func toolIsInstalled(_ name: String) {
        #expect(Tools.path(name) != nil, "\(name) is not installed in CI: the independent checks needing it fail (.ci/run installs it)")
    }

    @Test func pysaml2IsInstalled() {
        #expect(Tools.debianPythonHasPysaml2, "/usr/bin/python3 cannot import saml2 in CI (apt-get install python3-pysaml2)")
    }

    @Test func corpusIsPresent() {
        #expect(Corpus.isPresent, "no \(Corpus.directory.path)/manifest.json in CI: the real-world corpus must be checked out beside the repository")
    }
}

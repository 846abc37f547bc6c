// swift-tools-version:6.0
// swift-saml's fuzz target: a separate package, built only by scripts/ci-fuzz.sh with
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
// (libFuzzer from the Swift toolchain: the program's `main` is libFuzzer's; the target defines LLVMFuzzerTestOneInput).
import Foundation
import PackageDescription

// A path dependency takes its identity from its folder's name, which is the clone's name: read it.
let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "swift-saml-fuzz",
    dependencies: [.package(path: "../")],
    targets: [
        // The program's entry point, handing over to libFuzzer's driver (Sources/CFuzzMain/fuzzmain.c).
        .target(name: "CFuzzMain"),
        .executableTarget(
            name: "SAMLFuzz",
            dependencies: [.product(name: "SAML", package: library), "CFuzzMain"]
        ),
    ]
)

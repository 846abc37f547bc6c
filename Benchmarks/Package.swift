// swift-tools-version:6.0
// swift-saml's benchmarks: a separate package, so that the library's own build and tests never build them.
// Run with Benchmarks/run.sh (README.md beside this file gives the method).
import Foundation
import PackageDescription

// A path dependency takes its identity from its folder's name, which is the clone's name (`main` here, something
// else in CI's clone); read it rather than hard-code it.
let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "swift-saml-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "../")],
    targets: [
        // The benchmark's own binding to xmlsec1-openssl, for the C floor (Swift never imports it).
        .systemLibrary(
            name: "CXMLSecFloor",
            pkgConfig: "xmlsec1-openssl",
            providers: [.apt(["libxmlsec1-dev", "libxml2-dev", "libssl-dev", "pkg-config"])]
        ),
        // The floor: what a correct verifier must do with libxml2 + xmlsec, in C (Sources/CFloor/include/cfloor.h).
        .target(
            name: "CFloor",
            dependencies: ["CXMLSecFloor"]
        ),
        .executableTarget(
            name: "SAMLBenchmarks",
            dependencies: [.product(name: "SAML", package: library), "CFloor"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The ACS load test's helper (issue 13, load.sh): IdP metadata, pending logins fetched from the SP and the
        // responses answering them signed ahead of time, bare `validate` throughput, the report.
        .executableTarget(
            name: "SAMLLoad",
            dependencies: [.product(name: "SAML", package: library), .product(name: "SAMLTesting", package: library)],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)

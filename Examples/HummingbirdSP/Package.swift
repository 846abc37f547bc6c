// swift-tools-version:6.0
// The Hummingbird 2 example SP for swift-saml: its own package, so the library itself takes no web-framework dependency.
import PackageDescription

let package = Package(
    name: "HummingbirdSP",
    platforms: [.macOS(.v14)],
    dependencies: [
        // The library from this checkout. `name:` pins the package's identity to "swift-saml" whatever the clone's
        // folder is called (a path dependency otherwise takes its identity from the folder name).
        .package(name: "swift-saml", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),          // HMAC for the session cookie
    ],
    targets: [
        .executableTarget(
            name: "HummingbirdSP",
            dependencies: [
                .product(name: "SAML", package: "swift-saml"),
                .product(name: "SAMLAttributeMapping", package: "swift-saml"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)

// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swift-saml",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "SAML", targets: ["SAML"]),
        .library(name: "SAMLAttributeMapping", targets: ["SAMLAttributeMapping"]),
        .library(name: "SAMLCertificatePolicy", targets: ["SAMLCertificatePolicy"]),
        .library(name: "SAMLTesting", targets: ["SAMLTesting"]),
        .executable(name: "saml", targets: ["SAMLCommand"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CXMLSec",
            pkgConfig: "xmlsec1-openssl",
            providers: [.apt(["libxmlsec1-dev", "libxml2-dev", "libssl-dev", "pkg-config"]), .brew(["libxmlsec1"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "CXMLSecShims",
            dependencies: ["CXMLSec"]
        ),
        .target(
            name: "SAML",
            dependencies: ["CXMLSec", "CXMLSecShims", "CZlib"]
        ),
        .target(
            name: "SAMLAttributeMapping",
            dependencies: ["SAML"]
        ),
        .target(
            name: "SAMLCertificatePolicy",
            dependencies: [
                "SAML",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "SAMLTesting",
            dependencies: ["SAML"]
        ),
        .executableTarget(
            name: "SAMLCommand",
            dependencies: [
                "SAML", "SAMLAttributeMapping", "SAMLCertificatePolicy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "SAMLTests",
            dependencies: ["SAML", "SAMLTesting"]
        ),
        .testTarget(
            name: "SAMLCommandTests",
            dependencies: ["SAMLCommand", "SAML"]
        ),
        .testTarget(
            name: "SAMLAttributeMappingTests",
            dependencies: ["SAMLAttributeMapping", "SAML"]
        ),
        .testTarget(
            name: "SAMLCertificatePolicyTests",
            dependencies: ["SAMLCertificatePolicy", "SAML"]
        ),
    ]
)

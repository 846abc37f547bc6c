// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "swift-saml",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "SAML", targets: ["SAML"]),
        .library(name: "SAMLAttributeMapping", targets: ["SAMLAttributeMapping"]),
        .library(name: "SAMLCertificatePolicy", targets: ["SAMLCertificatePolicy"]),
        .library(name: "SAMLTesting", targets: ["SAMLTesting"]),
        .library(name: "SAMLTenants", targets: ["SAMLTenants"]),
        .library(name: "SAMLSCIM", targets: ["SAMLSCIM"]),
        .executable(name: "saml", targets: ["SAMLCommand"]),
        // Stores (issue 13): each module compiles to nothing unless its trait is on.
        .library(name: "SAMLSQLite", targets: ["SAMLSQLite"]),
        .library(name: "SAMLPostgres", targets: ["SAMLPostgres"]),
        // Integrations (issue 13): compiles to nothing unless its trait is on.
        .library(name: "SAMLHummingbird", targets: ["SAMLHummingbird"]),
        .library(name: "SAMLVapor", targets: ["SAMLVapor"]),
    ],
    // Optional integrations (SE-0450), none on by default: an app that uses only SAML resolves and builds none of
    // their packages (Tests/DependentPackage proves it). `.package(url: …, traits: ["Postgres"])` turns one on.
    traits: [
        .trait(name: "Hummingbird", description: "SAMLHummingbird: routes, authenticator and lifecycle service for Hummingbird 2."),
        .trait(name: "Vapor", description: "SAMLVapor: routes, middleware and lifecycle handler for Vapor 4."),
        .trait(name: "Postgres", description: "SAMLPostgres: the stores on PostgreSQL (postgres-nio), for several instances."),
        .trait(name: "SQLite", description: "SAMLSQLite: the stores in one SQLite file (sqlite-nio), for one instance."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // Used only by trait-guarded targets (below): resolved only when one of those traits is on.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/vapor", from: "4.122.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
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
        // Issue 15: SCIM 2.0 resources, filters and PATCH (framework-free, no dependency).
        .target(
            name: "SAMLSCIM",
            dependencies: []
        ),
        // Issue 14: tenants (organisations) with their own SP identity and IdP, the admin API and console, framework-free.
        .target(
            name: "SAMLTenants",
            dependencies: [
                "SAML", "SAMLAttributeMapping", "SAMLCertificatePolicy", "SAMLSCIM",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "SAMLSQLite",
            dependencies: [
                "SAML", "SAMLTenants", "SAMLSCIM",
                .product(name: "SQLiteNIO", package: "sqlite-nio", condition: .when(traits: ["SQLite"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["SQLite"])),
            ]
        ),
        .target(
            name: "SAMLPostgres",
            dependencies: [
                "SAML", "SAMLTenants", "SAMLSCIM",
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Postgres"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Postgres"])),
            ]
        ),
        .target(
            name: "SAMLHummingbird",
            dependencies: [
                "SAML", "SAMLTenants",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth", condition: .when(traits: ["Hummingbird"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["Hummingbird"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Hummingbird"])),
            ]
        ),
        .target(
            name: "SAMLVapor",
            dependencies: [
                "SAML",
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
            ]
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
            name: "SAMLStoreTests",
            dependencies: [
                "SAML", "SAMLTesting", "SAMLSQLite", "SAMLPostgres", "SAMLTenants", "SAMLSCIM",
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Postgres"])),
                .product(name: "SQLiteNIO", package: "sqlite-nio", condition: .when(traits: ["SQLite"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Postgres"])),
            ]
        ),
        // What the two framework suites share (fixture IdP, signed messages, log capture, stores that are down).
        .target(
            name: "SAMLWebTestSupport",
            dependencies: [
                "SAML", "SAMLTesting",
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Hummingbird", "Vapor"])),
            ],
            path: "Tests/SAMLWebTestSupport"
        ),
        .testTarget(
            name: "SAMLHummingbirdTests",
            dependencies: [
                "SAML", "SAMLTesting", "SAMLHummingbird", "SAMLWebTestSupport",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth", condition: .when(traits: ["Hummingbird"])),
                .product(name: "HummingbirdTesting", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["Hummingbird"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Hummingbird"])),
            ]
        ),
        .testTarget(
            name: "SAMLVaporTests",
            dependencies: [
                "SAML", "SAMLTesting", "SAMLVapor", "SAMLWebTestSupport",
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
                .product(name: "XCTVapor", package: "vapor", condition: .when(traits: ["Vapor"])),
            ]
        ),
        .testTarget(
            name: "SAMLTenantsTests",
            dependencies: [
                "SAML", "SAMLTesting", "SAMLTenants", "SAMLHummingbird", "SAMLSQLite", "SAMLWebTestSupport",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "HummingbirdTesting", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
            ]
        ),
        .testTarget(
            name: "SAMLSCIMTests",
            dependencies: ["SAMLSCIM"]
        ),
        .testTarget(
            name: "SAMLCommandTests",
            dependencies: ["SAMLCommand", "SAML", "SAMLTesting"]
        ),
        .testTarget(
            name: "SAMLAttributeMappingTests",
            dependencies: ["SAMLAttributeMapping", "SAML", "SAMLTesting"]
        ),
        .testTarget(
            name: "SAMLCertificatePolicyTests",
            dependencies: ["SAMLCertificatePolicy", "SAML", "SAMLTesting"]
        ),
    ]
)

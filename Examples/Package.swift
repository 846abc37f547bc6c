// swift-tools-version:6.1
// The example SPs of swift-saml, one per web framework, over the same shared parts (configuration, pages, user
// mapping, state): `HummingbirdSP` on SAMLHummingbird, `VaporSP` on SAMLVapor. One package, so that both build in one
// pass; an app of your own depends on the library by URL with the traits it needs, as below by path.
import PackageDescription

let package = Package(
    name: "SAMLExamples",
    platforms: [.macOS(.v14)],
    dependencies: [
        // The library from this checkout, with the integrations and both stores. `name:` pins the identity to
        // "swift-saml" whatever the clone's folder is called.
        .package(name: "swift-saml", path: "..", traits: ["Hummingbird", "Vapor", "SQLite", "Postgres"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/vapor", from: "4.122.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        .target(
            name: "ExampleSupport",
            dependencies: [
                .product(name: "SAML", package: "swift-saml"),
                .product(name: "SAMLAttributeMapping", package: "swift-saml"),
                .product(name: "SAMLSQLite", package: "swift-saml"),
                .product(name: "SAMLPostgres", package: "swift-saml"),
                .product(name: "SAMLTenants", package: "swift-saml"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared"
        ),
        .executableTarget(
            name: "HummingbirdSP",
            dependencies: [
                "ExampleSupport",
                .product(name: "SAML", package: "swift-saml"),
                .product(name: "SAMLHummingbird", package: "swift-saml"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "HummingbirdSP"
        ),
        .executableTarget(
            name: "TenantsApp",
            dependencies: [
                "ExampleSupport",
                .product(name: "SAML", package: "swift-saml"),
                .product(name: "SAMLTenants", package: "swift-saml"),
                .product(name: "SAMLHummingbird", package: "swift-saml"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "TenantsApp"
        ),
        .executableTarget(
            name: "VaporSP",
            dependencies: [
                "ExampleSupport",
                .product(name: "SAML", package: "swift-saml"),
                .product(name: "SAMLVapor", package: "swift-saml"),
                .product(name: "Vapor", package: "vapor"),
            ],
            path: "VaporSP"
        ),
    ]
)

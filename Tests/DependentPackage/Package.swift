// swift-tools-version:6.0
// Proves swift-saml builds as a dependency of another package (no unsafeFlags, system libraries found by pkg-config),
// and that without traits it brings in none of the optional integrations' packages: `make test` fails when this
// package's Package.resolved names postgres-nio, sqlite-nio, hummingbird(-auth) or vapor
// (scripts/check-dependent-package.sh).
import PackageDescription

let package = Package(
    name: "DependentPackage",
    dependencies: [.package(path: "../../.build-link/swift-saml")],  // a link named swift-saml to the repository root (make link): a path dependency takes its identity from the folder name
    targets: [
        .executableTarget(name: "DependentCheck", dependencies: [
            .product(name: "SAML", package: "swift-saml"),
            .product(name: "SAMLAttributeMapping", package: "swift-saml"),
            .product(name: "SAMLCertificatePolicy", package: "swift-saml"),
        ]),
    ]
)

import ArgumentParser
import Foundation
import SAML

/// The `ServiceProvider.Options` every validating subcommand (`verify`, `verify-logout`) maps, flag for option.
///
/// The flag names are also the keys of the fixture manifests' `options` (see the agreement test).
struct ValidationOptions: ParsableArguments {
    @Option(name: .long, help: "Validate as of this instant (ISO 8601), instead of now.")
    var now: String?

    @Option(name: .customLong("clock-skew"), help: "Allowed clock skew in seconds (default 180). (clockSkew)")
    var clockSkew: Double?

    @Flag(name: .customLong("allow-sha1"), help: "Accept SHA-1 signatures and digests. (allowSHA1)")
    var allowSHA1 = false

    @Option(name: .customLong("min-rsa-bits"), help: "Smallest RSA signing key accepted, in bits (default 2048). (minimumRSAKeyBits)")
    var minimumRSAKeyBits: Int?

    @Option(name: .customLong("max-bytes"), help: "Largest decoded message accepted, in bytes (default 262144). (maxResponseBytes)")
    var maxResponseBytes: Int?

    @Option(name: .customLong("max-depth"), help: "Deepest element nesting accepted (default 32). (maxDepth)")
    var maxDepth: Int?

    @Flag(name: .customLong("allow-expired-metadata"), help: "Keep trusting IdP metadata past its validUntil. (allowExpiredMetadata)")
    var allowExpiredMetadata = false

    func validate() throws {
        if let now, Self.parseInstant(now) == nil { throw ValidationError("--now is not an ISO 8601 instant") }
    }

    /// The clock: fixed at `--now`, else the system's.
    var clock: any SAMLClock {
        now.flatMap(Self.parseInstant).map { FixedClock($0) as any SAMLClock } ?? SystemClock()
    }

    /// Applies these flags to `options`.
    func apply(to options: inout ServiceProvider.Options) {
        if let clockSkew { options.clockSkew = clockSkew }
        options.allowSHA1 = allowSHA1
        if let minimumRSAKeyBits { options.minimumRSAKeyBits = minimumRSAKeyBits }
        if let maxResponseBytes { options.maxResponseBytes = maxResponseBytes }
        if let maxDepth { options.maxDepth = maxDepth }
        options.allowExpiredMetadata = allowExpiredMetadata
    }

    static func parseInstant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

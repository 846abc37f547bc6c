import Foundation

/// An AuthnRequest on its way to the IdP: what the response that answers it must match, and where the user goes
/// afterwards. Kept on the server (an ``AuthnRequestStore``) under its RelayState, because the IdP's cross-site POST to
/// the ACS carries no `SameSite=Lax` cookie.
public struct PendingRequest: Sendable, Hashable, Codable {
    /// The opaque RelayState sent with the request (128 random bits, base64url): the store's key. Never a URL.
    public let relayState: String
    /// The AuthnRequest's ID: the response's InResponseTo must be exactly this.
    public let requestID: String
    /// The entityID of the IdP the request was sent to: the response's Issuer must be exactly this
    /// (``SAMLError/responseFromUnexpectedIdP(expected:found:)``).
    public let identityProvider: String
    /// The local path to send the user to after sign-in (checked by ``ReturnPath/local(_:fallback:)``).
    public let returnTo: String
    /// After this instant the request is no longer answered (a response to it is refused as unsolicited).
    public let expiresAt: Date

    /// Creates a pending request (``LoginCoordinator`` makes them; a store implementation reads them back).
    /// - Parameters:
    ///   - relayState: the opaque key (``RelayState/generate()``).
    ///   - requestID: the AuthnRequest's ID.
    ///   - identityProvider: the IdP's entityID.
    ///   - returnTo: where to go after sign-in; anything but a local path becomes `/`.
    ///   - expiresAt: the end of the request's life.
    public init(relayState: String, requestID: String, identityProvider: String, returnTo: String, expiresAt: Date) {
        self.relayState = relayState
        self.requestID = requestID
        self.identityProvider = identityProvider
        self.returnTo = ReturnPath.local(returnTo)
        self.expiresAt = expiresAt
    }
}

/// Opaque RelayState values for SP-initiated logins.
public enum RelayState {
    /// 128 bits from the system's cryptographically secure generator, base64url without padding (22 characters):
    /// unguessable, URL-safe, never a URL, well under the binding's 80-byte limit.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for _ in 0..<2 {
            var word = generator.next() as UInt64
            for _ in 0..<8 {
                bytes.append(UInt8(word & 0xFF))
                word >>= 8
            }
        }
        return Base64.encode(bytes).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// The open-redirect guard for return paths (a `returnTo` parameter, an IdP-initiated RelayState).
public enum ReturnPath {
    /// The longest return path kept.
    public static let maxBytes = 2048

    /// `candidate` when it is a path on this site, else `fallback`: it must start with exactly one `/` (`//host` and
    /// `/\host` are read by browsers as another host), contain no backslash, and only printable ASCII (no control
    /// character to split a header, no Unicode that a browser might normalise into a `/`); at most ``maxBytes``.
    /// - Parameters:
    ///   - candidate: the requested path.
    ///   - fallback: what to use instead (default `/`).
    public static func local(_ candidate: String?, fallback: String = "/") -> String {
        guard let candidate, candidate.utf8.count <= maxBytes else { return fallback }
        let bytes = Array(candidate.utf8)
        guard bytes.first == UInt8(ascii: "/") else { return fallback }
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") || bytes[1] == UInt8(ascii: "\\") { return fallback }
        if bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 <= 0x20 || $0 >= 0x7F }) { return fallback }
        return candidate
    }
}

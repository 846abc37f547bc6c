import Crypto
import Foundation

/// What the session cookie carries: the mapped user, where they came from, and until when.
struct Session: Codable, Sendable {
    var user: SignedInUser
    var issuer: String
    var nameID: String
    var signedParts: [String]
    var expires: Date
}

/// Session cookies signed with HMAC-SHA256: `v1.<base64url JSON>.<base64url MAC>`. The server keeps no session state;
/// a cookie that fails the MAC, does not parse, or has expired is ignored.
struct SessionCodec: Sendable {
    let key: SymmetricKey

    /// From a configured secret (any length; hashed to the key), or a random key: sessions then end with the process.
    init(secret: String?) {
        if let secret {
            key = SymmetricKey(data: SHA256.hash(data: Data(secret.utf8)))
        } else {
            key = SymmetricKey(size: .bits256)
        }
    }

    func encode(_ session: Session) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let payload = "v1." + Base64URL.encode(try encoder.encode(session))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)
        return payload + "." + Base64URL.encode(Data(mac))
    }

    func decode(_ value: String, now: Date) -> Session? {
        guard let dot = value.lastIndex(of: "."), value.hasPrefix("v1.") else { return nil }
        let payload = value[..<dot]
        guard let mac = Base64URL.decode(value[value.index(after: dot)...]),
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(payload.utf8), using: key),
              let json = Base64URL.decode(payload.dropFirst(3)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let session = try? decoder.decode(Session.self, from: json), session.expires > now else { return nil }
        return session
    }
}

enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> Data? {
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        return Data(base64Encoded: b64)
    }

    /// `bytes` random bytes as base64url: RelayState keys and error references.
    static func random(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return encode(Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }))
    }
}

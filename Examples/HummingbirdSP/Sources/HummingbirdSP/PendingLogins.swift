import Foundation

/// AuthnRequests on their way to the IdP, keyed by the RelayState sent with them (128 random bits), each taken
/// once. Kept on the server because the IdP's cross-site POST to the ACS carries no SameSite=Lax cookie.
actor PendingLogins {
    struct Login: Sendable {
        let requestID: String
        let identityProvider: String
        let returnTo: String
        let expires: Date
    }

    private var logins: [String: Login] = [:]
    private let lifetime: TimeInterval
    private let capacity: Int

    init(lifetime: TimeInterval = 600, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Remembers a request; returns its RelayState key, or nil when too many are outstanding.
    func add(requestID: String, identityProvider: String, returnTo: String, now: Date = Date()) -> String? {
        if logins.count >= capacity { logins = logins.filter { $0.value.expires > now } }
        guard logins.count < capacity else { return nil }
        let key = Base64URL.random(bytes: 16)
        logins[key] = Login(requestID: requestID, identityProvider: identityProvider, returnTo: returnTo,
                            expires: now.addingTimeInterval(lifetime))
        return key
    }

    /// The request sent with this RelayState, removed so that it answers one response only.
    func take(_ relayState: String, now: Date = Date()) -> Login? {
        guard let login = logins.removeValue(forKey: relayState), login.expires > now else { return nil }
        return login
    }
}

/// A RelayState or `returnTo` is followed only when it is a path on this site: one leading `/`, not `//` nor `/\`
/// (browsers read both as another host), no backslash, only printable ASCII (no control character to split a
/// header). Anything else becomes `/`.
func localRedirectTarget(_ candidate: String?) -> String {
    guard let candidate, candidate.hasPrefix("/"), candidate.utf8.count <= 2048 else { return "/" }
    let scalars = candidate.unicodeScalars
    let second = scalars.dropFirst().first
    if second == "/" || second == "\\" { return "/" }
    if scalars.contains(where: { $0 == "\\" || $0.value <= 0x20 || $0.value >= 0x7F }) { return "/" }
    return candidate
}

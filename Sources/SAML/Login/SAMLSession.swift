import Foundation

/// What an app keeps of a SAML sign-in in its own session: small, `Codable`, enough to identify the user, to send a
/// LogoutRequest later (NameID and SessionIndex), and to know when the IdP's session ends.
public struct SAMLSession: Sendable, Hashable, Codable {
    /// The app's key for the user (from the attribute mapping, e.g. `uid` ← `user.userprincipalname`).
    public let uid: String
    /// The assertion's NameID (for logout).
    public let nameID: VerifiedAssertion.NameID
    /// The AuthnStatement's SessionIndex (for logout), if the IdP gave one.
    public let sessionIndex: String?
    /// The IdP's entityID.
    public let issuer: String
    /// When the user authenticated at the IdP.
    public let authnInstant: Date
    /// When the app's session ends: the app's lifetime, capped by the assertion's SessionNotOnOrAfter.
    public let expiresAt: Date

    /// The session for a verified sign-in, its expiry capped by the assertion's SessionNotOnOrAfter.
    /// - Parameters:
    ///   - assertion: the verified assertion.
    ///   - uid: the user's key in the app.
    ///   - lifetime: the app's session length.
    ///   - now: the clock's instant.
    public init(assertion: VerifiedAssertion, uid: String, lifetime: TimeInterval, now: Date) {
        self.uid = uid
        self.nameID = assertion.nameID
        self.sessionIndex = assertion.sessionIndex
        self.issuer = assertion.issuer
        self.authnInstant = assertion.authnInstant
        var expires = now.addingTimeInterval(lifetime)
        if let limit = assertion.sessionNotOnOrAfter, limit < expires { expires = limit }
        self.expiresAt = expires
    }

    /// Whether the session still holds at `now`.
    /// - Parameters:
    ///   - now: the instant to check (the SP clock's).
    public func isValid(at now: Date) -> Bool { now < expiresAt }
}

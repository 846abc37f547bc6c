import Foundation
import SAML
import SAMLAttributeMapping

/// The identity the example keeps in its session and shows on `/`.
public struct SignedInUser: Codable, Sendable, Hashable {
    public var uid: String
    public var email: String?
    public var name: String?
    public var groups: [String]
}

/// What the example's session holds (the library's routes store it, whatever the framework): the mapped user and
/// where the login came from.
public struct ExampleUser: Codable, Sendable, Hashable {
    public var user: SignedInUser
    public var issuer: String
    public var nameID: String
    public var signedParts: [String]
    public var expires: Date

    /// The app's user for a verified login (the routes' sign-in hook): mapped with `preset`, which may refuse it.
    public static func signIn(_ login: LoginCoordinator.Completion, configuration: Configuration) throws -> ExampleUser {
        let assertion = login.assertion
        let user = try mapUser(assertion, preset: configuration.mappingPreset)
        let saml = SAMLSession(assertion: assertion, uid: user.uid, lifetime: configuration.sessionLifetime, now: Date())
        let signedParts = [assertion.signed.response ? "response" : nil, assertion.signed.assertion ? "assertion" : nil].compactMap { $0 }
        return ExampleUser(user: user, issuer: assertion.issuer, nameID: assertion.nameID.value, signedParts: signedParts, expires: saml.expiresAt)
    }

    /// `GET /me`: the signed-in user as JSON.
    public var json: String {
        struct Me: Encodable { let uid: String; let email: String?; let name: String?; let groups: [String]; let issuer: String }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(Me(uid: user.uid, email: user.email, name: user.name, groups: user.groups, issuer: issuer))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Which attribute names to read (`SAML_MAPPING_PRESET`): the example's own lenient `generic` reading, or one of the
/// library's presets (`azure-ad`, `webex`, `adfs`, `okta`, `shibboleth`, `keycloak`), which rejects a login whose
/// required field is missing.
public enum MappingPreset: Sendable, Hashable {
    case builtIn(BuiltIn)
    case library(String, AttributeMapping)

    public init?(rawValue: String) {
        if let builtIn = BuiltIn(rawValue: rawValue) { self = .builtIn(builtIn); return }
        guard let mapping = AttributeMapping.presets[rawValue] else { return nil }
        self = .library(rawValue, mapping)
    }

    public static var names: [String] { BuiltIn.allCases.map(\.rawValue) + AttributeMapping.presetNames }
}

public enum BuiltIn: String, CaseIterable, Sendable {
    /// LDAP-style names as SimpleSAMLphp, Shibboleth, Keycloak and pysaml2 send them (basic, `urn:oid:` or `urn:mace:`).
    case generic
    /// Azure AD / Entra ID claim URIs, plus a `uid` claim added in the Enterprise application
    /// (`uid` ← user.userprincipalname).
    case azure
}

private enum Claims {
    static let xmlsoap = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
    static let microsoft = "http://schemas.microsoft.com/identity/claims/"
    static let groups = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
}

/// Maps the verified assertion onto the example's user.
///
/// This is the one place to swap in a `SAMLAttributeMapping` preset when that module's presets land: add the
/// `SAMLAttributeMapping` product to Package.swift, let `MappingPreset` pick an `AttributeMapping` (e.g. `.azureAD`),
/// and fill `SignedInUser` from `try mapping.map(assertion)` here; nothing else in the example reads attributes.
public func mapUser(_ assertion: VerifiedAssertion, preset: MappingPreset) throws -> SignedInUser {
    guard case .builtIn(let preset) = preset else {
        guard case .library(_, let mapping) = preset else { fatalError("unreachable") }
        let user = try mapping.map(assertion)
        let joined = [user.value("givenName"), user.value("surname")].compactMap { $0 }.joined(separator: " ")
        return SignedInUser(uid: user.value("uid") ?? user.value("principalName") ?? assertion.nameID.value,
                            email: user.value("email"),
                            name: user.value("displayName") ?? user.value("name") ?? (joined.isEmpty ? nil : joined),
                            groups: user.values("groups"))
    }
    let uidNames, emailNames, nameNames, groupNames: [String]
    switch preset {
    case .generic:
        uidNames = ["uid", "urn:oid:0.9.2342.19200300.100.1.1", "urn:mace:dir:attribute-def:uid"]
        emailNames = ["mail", "email", "urn:oid:0.9.2342.19200300.100.1.3", "urn:mace:dir:attribute-def:mail", Claims.xmlsoap + "emailaddress"]
        nameNames = ["displayName", "urn:oid:2.16.840.1.113730.3.1.241", "urn:mace:dir:attribute-def:displayName"]
        groupNames = ["groups", "isMemberOf", "memberOf", "urn:oid:1.3.6.1.4.1.5923.1.5.1.1", "urn:mace:dir:attribute-def:isMemberOf"]
    case .azure:
        uidNames = ["uid", Claims.xmlsoap + "name", Claims.xmlsoap + "upn"]
        emailNames = [Claims.xmlsoap + "emailaddress", "mail"]
        nameNames = [Claims.microsoft + "displayname", "displayName"]
        groupNames = [Claims.groups, "groups"]
    }
    // An attribute is found by its Name, or by its FriendlyName when the IdP sends OIDs with friendly names.
    func values(_ names: [String]) -> [String] {
        for name in names {
            let found = assertion.values(of: name)
            if !found.isEmpty { return found }
            let friendly = assertion.attributes.filter { $0.friendlyName == name }.flatMap(\.values)
            if !friendly.isEmpty { return friendly }
        }
        return []
    }
    func first(_ names: [String]) -> String? { values(names).first { !$0.isEmpty } }

    let given = first(["givenName", "urn:oid:2.5.4.42", Claims.xmlsoap + "givenname"])
    let surname = first(["sn", "surname", "urn:oid:2.5.4.4", Claims.xmlsoap + "surname"])
    let joined = [given, surname].compactMap { $0 }.joined(separator: " ")
    let emailNameID = assertion.nameID.format == .emailAddress ? assertion.nameID.value : nil
    return SignedInUser(
        uid: first(uidNames) ?? assertion.nameID.value,
        email: first(emailNames) ?? emailNameID,
        name: first(nameNames) ?? (joined.isEmpty ? nil : joined),
        groups: values(groupNames)
    )
}

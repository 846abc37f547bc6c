/// The app's view of a signed-in user: the fields an ``AttributeMapping`` produced, with convenience accessors for
/// the field names the presets use (``Field``).
public struct MappedUser: Sendable, Hashable {
    /// Every mapped field with its values (one for single-valued fields). Optional fields that were absent are not
    /// keys.
    public let fields: [String: [String]]
    /// For each mapped field, the source its values came from (the first present one of its rule).
    public let matchedSources: [String: AttributeMapping.Source]
    /// The fields whose rule is multi-valued (they encode as JSON arrays).
    public let multiValuedFields: Set<String>
    /// The assertion's NameID value (always present).
    public let nameID: String
    /// The IdP's entityID.
    public let issuer: String

    init(fields: [String: [String]], matchedSources: [String: AttributeMapping.Source], multiValuedFields: Set<String>,
         nameID: String, issuer: String) {
        self.fields = fields
        self.matchedSources = matchedSources
        self.multiValuedFields = multiValuedFields
        self.nameID = nameID
        self.issuer = issuer
    }

    /// The values of a field, or nil when it was not mapped.
    /// - Parameters:
    ///   - field: the field's name (``Field`` has the presets').
    public subscript(field: String) -> [String]? { fields[field] }

    /// The first value of a field, or nil when it was not mapped.
    /// - Parameters:
    ///   - field: the field's name (``Field`` has the presets').
    public func value(_ field: String) -> String? { fields[field]?.first }

    /// The values of a field; empty when it was not mapped.
    /// - Parameters:
    ///   - field: the field's name (``Field`` has the presets').
    public func values(_ field: String) -> [String] { fields[field] ?? [] }

    /// The field names the presets use, so that app code reads the same fields whichever IdP signed the user in.
    public enum Field {
        /// The account identifier the app should key users on (preset by preset: Entra ID objectidentifier, Webex
        /// `uid`, AD FS UPN, Okta and Keycloak NameID, eduPerson `uid`).
        public static let uid = "uid"
        /// The user's email address.
        public static let email = "email"
        /// The given name.
        public static let givenName = "givenName"
        /// The surname.
        public static let surname = "surname"
        /// The display name.
        public static let displayName = "displayName"
        /// Group identifiers (multi-valued).
        public static let groups = "groups"
        /// Role names (multi-valued).
        public static let roles = "roles"
        /// Entra ID's group-overage link: present instead of `groups` when the user is in more groups than fit a token.
        public static let groupsOverageLink = "groupsOverageLink"
        /// The user principal name (Entra ID, AD FS).
        public static let userPrincipalName = "userPrincipalName"
        /// Entra ID's tenant ID.
        public static let tenantID = "tenantID"
        /// Entra ID's identity provider claim (the tenant, or a guest's home IdP).
        public static let identityProvider = "identityProvider"
        /// How the user authenticated (Entra ID's authnmethodsreferences, multi-valued).
        public static let authnMethods = "authnMethods"
        /// AD FS's Name claim (often `DOMAIN\user`).
        public static let name = "name"
        /// eduPersonPrincipalName.
        public static let principalName = "principalName"
        /// eduPersonAffiliation (multi-valued).
        public static let affiliation = "affiliation"
        /// eduPersonScopedAffiliation (multi-valued).
        public static let scopedAffiliation = "scopedAffiliation"
        /// eduPersonEntitlement (multi-valued).
        public static let entitlement = "entitlement"
    }

    /// The ``Field/uid`` field.
    public var uid: String? { value(Field.uid) }
    /// The ``Field/email`` field.
    public var email: String? { value(Field.email) }
    /// The ``Field/givenName`` field.
    public var givenName: String? { value(Field.givenName) }
    /// The ``Field/surname`` field.
    public var surname: String? { value(Field.surname) }
    /// The ``Field/displayName`` field.
    public var displayName: String? { value(Field.displayName) }
    /// The ``Field/groups`` values (empty when not mapped: check ``groupsOverageLink`` before concluding the user is
    /// in no group).
    public var groups: [String] { values(Field.groups) }
    /// The ``Field/roles`` values.
    public var roles: [String] { values(Field.roles) }
    /// Entra ID's group-overage link (the Microsoft Graph URL to read the user's groups from), when the token carried
    /// one instead of the groups.
    public var groupsOverageLink: String? { value(Field.groupsOverageLink) }
    /// Whether the group list is incomplete and must be fetched (``groupsOverageLink`` is set).
    public var hasGroupsOverage: Bool { groupsOverageLink != nil }
}

extension MappedUser: Codable {
    private enum CodingKeys: String, CodingKey {
        case fields, matchedSources, multiValuedFields, nameID, issuer
    }

    /// Decodes what ``encode(to:)`` wrote (an app keeps the mapped user in its session this way).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let fields = try container.decode([String: [String]].self, forKey: .fields)
        let multiValued = try container.decode(Set<String>.self, forKey: .multiValuedFields)
        let sources = try container.decode([String: AttributeMapping.Source].self, forKey: .matchedSources)
        guard multiValued.isSubset(of: Set(fields.keys)), Set(sources.keys).isSubset(of: Set(fields.keys)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath, debugDescription: "fields named that were not mapped"))
        }
        self.init(fields: fields, matchedSources: sources, multiValuedFields: multiValued,
                  nameID: try container.decode(String.self, forKey: .nameID), issuer: try container.decode(String.self, forKey: .issuer))
    }

    /// Encodes every part (fields, their sources, which are multi-valued, NameID, issuer), so that decoding gives the
    /// same value back. For the flat JSON object an API returns, use ``flattened``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fields, forKey: .fields)
        try container.encode(matchedSources, forKey: .matchedSources)
        try container.encode(multiValuedFields.sorted(), forKey: .multiValuedFields)
        try container.encode(nameID, forKey: .nameID)
        try container.encode(issuer, forKey: .issuer)
    }

    /// The fields as one flat JSON object (a string for a single-valued field, an array for a multi-valued one), as
    /// `saml verify --map` prints them.
    public var flattened: Flattened { Flattened(user: self) }

    /// See ``MappedUser/flattened``.
    public struct Flattened: Encodable, Sendable {
        let user: MappedUser

        private struct Key: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        /// Encodes the fields as one JSON object: a string for a single-valued field, an array for a multi-valued one.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for (field, values) in user.fields.sorted(by: { $0.key < $1.key }) {
                if user.multiValuedFields.contains(field) {
                    try container.encode(values, forKey: Key(stringValue: field))
                } else if let value = values.first {
                    try container.encode(value, forKey: Key(stringValue: field))
                }
            }
        }
    }
}

extension AttributeMapping {
    private typealias F = MappedUser.Field

    /// Microsoft Entra ID (Azure AD) default claims.
    ///
    /// `uid` ← objectidentifier (required: the immutable ID Microsoft recommends keying users on);
    /// `userPrincipalName` ← name; `email` ← emailaddress; `givenName`, `surname`, `displayName`, `tenantID`,
    /// `identityProvider`; `authnMethods`, `groups`, `roles` (multi-valued); `groupsOverageLink` ← groups.link, which
    /// Entra ID sends *instead of* the groups claim past 150 groups (see ``MappedUser/hasGroupsOverage``).
    public static let azureAD = AttributeMapping(validRules: [
        .required(F.uid, from: .attribute(ClaimNames.AzureAD.objectIdentifier)),
        .optional(F.userPrincipalName, from: .attribute(ClaimNames.AzureAD.name)),
        .optional(F.email, from: .attribute(ClaimNames.AzureAD.emailAddress)),
        .optional(F.givenName, from: .attribute(ClaimNames.AzureAD.givenName)),
        .optional(F.surname, from: .attribute(ClaimNames.AzureAD.surname)),
        .optional(F.displayName, from: .attribute(ClaimNames.AzureAD.displayName)),
        .optional(F.tenantID, from: .attribute(ClaimNames.AzureAD.tenantID)),
        .optional(F.identityProvider, from: .attribute(ClaimNames.AzureAD.identityProvider)),
        .list(F.authnMethods, from: .attribute(ClaimNames.AzureAD.authnMethodsReferences)),
        .list(F.groups, from: .attribute(ClaimNames.AzureAD.groups)),
        .optional(F.groupsOverageLink, from: .attribute(ClaimNames.AzureAD.groupsLink)),
        .list(F.roles, from: .attribute(ClaimNames.AzureAD.role)),
    ])

    /// The Webex-style mapping: `uid` ← the attribute named `uid`, falling back to Entra ID's name claim (required);
    /// `email` ← emailaddress, then `email`; `givenName` ← givenname; `surname` ← surname.
    public static let webex = AttributeMapping(validRules: [
        .required(F.uid, from: .attribute(ClaimNames.Webex.uid), .attribute(ClaimNames.AzureAD.name)),
        .optional(F.email, from: .attribute(ClaimNames.AzureAD.emailAddress), .attribute("email")),
        .optional(F.givenName, from: .attribute(ClaimNames.AzureAD.givenName)),
        .optional(F.surname, from: .attribute(ClaimNames.AzureAD.surname)),
    ])

    /// AD FS claim rules: `uid` ← upn (required); `email` ← emailaddress; `name` ← name; `givenName`, `surname`;
    /// `roles` ← role; `groups` ← Group, then the Microsoft groups claim.
    public static let adfs = AttributeMapping(validRules: [
        .required(F.uid, from: .attribute(ClaimNames.ADFS.upn)),
        .optional(F.email, from: .attribute(ClaimNames.ADFS.emailAddress)),
        .optional(F.name, from: .attribute(ClaimNames.ADFS.name)),
        .optional(F.givenName, from: .attribute(ClaimNames.ADFS.givenName)),
        .optional(F.surname, from: .attribute(ClaimNames.ADFS.surname)),
        .list(F.roles, from: .attribute(ClaimNames.ADFS.role)),
        .list(F.groups, from: .attribute(ClaimNames.ADFS.group), .attribute(ClaimNames.ADFS.groups)),
    ])

    /// Okta's common attribute statements: `uid` ← NameID (the Okta username; required); `email` ← email, Email;
    /// `givenName` ← firstName, FirstName; `surname` ← lastName, LastName; `groups` ← groups.
    public static let okta = AttributeMapping(validRules: [
        .required(F.uid, from: .nameID),
        .optional(F.email, from: .attribute(ClaimNames.Okta.email), .attribute(ClaimNames.Okta.emailCapitalized)),
        .optional(F.givenName, from: .attribute(ClaimNames.Okta.firstName), .attribute(ClaimNames.Okta.firstNameCapitalized)),
        .optional(F.surname, from: .attribute(ClaimNames.Okta.lastName), .attribute(ClaimNames.Okta.lastNameCapitalized)),
        .list(F.groups, from: .attribute(ClaimNames.Okta.groups)),
    ])

    /// Shibboleth / eduPerson / SimpleSAMLphp: each field from its `urn:oid` Name, then its basic name.
    ///
    /// `principalName` ← eduPersonPrincipalName (required); `uid` ← uid; `email` ← mail; `givenName` ← givenName;
    /// `surname` ← sn; `displayName`; `affiliation`, `scopedAffiliation`, `entitlement` (multi-valued).
    public static let shibboleth = AttributeMapping(validRules: [
        .required(F.principalName, from: .attribute(ClaimNames.EduPerson.eduPersonPrincipalName), .attribute("eduPersonPrincipalName")),
        .optional(F.uid, from: .attribute(ClaimNames.EduPerson.uid), .attribute("uid")),
        .optional(F.email, from: .attribute(ClaimNames.EduPerson.mail), .attribute("mail")),
        .optional(F.givenName, from: .attribute(ClaimNames.EduPerson.givenName), .attribute("givenName")),
        .optional(F.surname, from: .attribute(ClaimNames.EduPerson.sn), .attribute("sn")),
        .optional(F.displayName, from: .attribute(ClaimNames.EduPerson.displayName), .attribute("displayName")),
        .list(F.affiliation, from: .attribute(ClaimNames.EduPerson.eduPersonAffiliation), .attribute("eduPersonAffiliation")),
        .list(F.scopedAffiliation, from: .attribute(ClaimNames.EduPerson.eduPersonScopedAffiliation), .attribute("eduPersonScopedAffiliation")),
        .list(F.entitlement, from: .attribute(ClaimNames.EduPerson.eduPersonEntitlement), .attribute("eduPersonEntitlement")),
    ])

    /// Keycloak's defaults: `uid` ← NameID (the username; required); `email`, `givenName`, `surname` from the
    /// predefined X500 mappers (`urn:oid` Name, then FriendlyName); `roles` ← Role (role list mapper);
    /// `groups` ← member (group list mapper).
    public static let keycloak = AttributeMapping(validRules: [
        .required(F.uid, from: .nameID),
        .optional(F.email, from: .attribute(ClaimNames.Keycloak.email), .friendlyName("email")),
        .optional(F.givenName, from: .attribute(ClaimNames.Keycloak.givenName), .friendlyName("givenName")),
        .optional(F.surname, from: .attribute(ClaimNames.Keycloak.surname), .friendlyName("surname")),
        .list(F.roles, from: .attribute(ClaimNames.Keycloak.role)),
        .list(F.groups, from: .attribute(ClaimNames.Keycloak.member)),
    ])

    /// The preset names the `saml` tool's `--map` accepts, with their mappings.
    public static let presets: [String: AttributeMapping] = [
        "azure-ad": .azureAD, "webex": .webex, "adfs": .adfs, "okta": .okta, "shibboleth": .shibboleth, "keycloak": .keycloak,
    ]

    /// The preset names, sorted.
    public static var presetNames: [String] { presets.keys.sorted() }

    /// The preset with this name (`azure-ad`, `webex`, `adfs`, `okta`, `shibboleth`, `keycloak`).
    /// - Parameters:
    ///   - name: one of ``presetNames``.
    /// - Throws: ``AttributeMappingError/unknownPreset(_:)``.
    public static func preset(named name: String) throws -> AttributeMapping {
        guard let mapping = presets[name] else { throw AttributeMappingError.unknownPreset(name) }
        return mapping
    }
}

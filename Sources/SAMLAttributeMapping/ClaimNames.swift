/// Attribute Names the vendors document, as the presets use them.
public enum ClaimNames {
    /// Microsoft Entra ID (Azure AD) SAML claims.
    public enum AzureAD {
        private static let xmlsoap = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
        private static let identity = "http://schemas.microsoft.com/identity/claims/"
        private static let ws2008 = "http://schemas.microsoft.com/ws/2008/06/identity/claims/"
        /// `name`: the user principal name by default (user.userprincipalname).
        public static let name = xmlsoap + "name"
        /// `emailaddress`: user.mail by default.
        public static let emailAddress = xmlsoap + "emailaddress"
        /// `givenname`: user.givenname.
        public static let givenName = xmlsoap + "givenname"
        /// `surname`: user.surname.
        public static let surname = xmlsoap + "surname"
        /// `displayname`: user.displayname.
        public static let displayName = identity + "displayname"
        /// The user's immutable object ID in the tenant.
        public static let objectIdentifier = identity + "objectidentifier"
        /// `tenantid`: the directory (tenant) ID.
        public static let tenantID = identity + "tenantid"
        /// `identityprovider`: the issuer of the user's identity (the tenant, or a guest's home IdP).
        public static let identityProvider = identity + "identityprovider"
        /// `authnmethodsreferences`: how the user authenticated (password, MFA, ...), one value each.
        public static let authnMethodsReferences = identity + "authnmethodsreferences"
        /// `groups`: group object IDs (or names, as configured), when a group claim is configured.
        public static let groups = ws2008 + "groups"
        /// `role`: the app roles assigned to the user.
        public static let role = ws2008 + "role"
        /// Sent instead of ``groups`` when the user is in more than 150 groups: a Microsoft Graph URL.
        public static let groupsLink = "http://schemas.microsoft.com/claims/groups.link"
    }

    /// AD FS claim types (the outgoing claim types of its claim rules).
    public enum ADFS {
        /// The user principal name.
        public static let upn = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"
        /// The email address.
        public static let emailAddress = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
        /// The Name claim (often `DOMAIN\\user`).
        public static let name = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"
        /// The given name.
        public static let givenName = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"
        /// The surname.
        public static let surname = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"
        /// The Role claim.
        public static let role = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"
        /// The Group claim (Token-Groups, unqualified names).
        public static let group = "http://schemas.xmlsoap.org/claims/Group"
        /// Token-Groups as group claims of the Microsoft namespace.
        public static let groups = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
    }

    /// The attribute statement names Okta's setup guides use (Okta has no fixed names: the admin writes them).
    public enum Okta {
        /// The user's first name.
        public static let firstName = "firstName"
        /// The user's last name.
        public static let lastName = "lastName"
        /// The user's email address.
        public static let email = "email"
        /// The group attribute statement's usual name.
        public static let groups = "groups"
        /// The capitalised spellings of Okta's own attribute-statement example.
        public static let firstNameCapitalized = "FirstName"
        /// `LastName`.
        public static let lastNameCapitalized = "LastName"
        /// `Email`.
        public static let emailCapitalized = "Email"
    }

    /// eduPerson / inetOrgPerson attributes under their `urn:oid` Names (SAML2 attribute profile, as Shibboleth and
    /// SimpleSAMLphp with oid2name send them), and the basic names SimpleSAMLphp sends without that filter.
    public enum EduPerson {
        /// `uid` (userid).
        public static let uid = "urn:oid:0.9.2342.19200300.100.1.1"
        /// `mail`.
        public static let mail = "urn:oid:0.9.2342.19200300.100.1.3"
        /// `givenName`.
        public static let givenName = "urn:oid:2.5.4.42"
        /// `sn` (surname).
        public static let sn = "urn:oid:2.5.4.4"
        /// `displayName`.
        public static let displayName = "urn:oid:2.16.840.1.113730.3.1.241"
        /// `eduPersonPrincipalName`: a scoped, persistent identifier (`user@example.edu`).
        public static let eduPersonPrincipalName = "urn:oid:1.3.6.1.4.1.5923.1.1.1.6"
        /// `eduPersonAffiliation`: `student`, `staff`, `member`, ...
        public static let eduPersonAffiliation = "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"
        /// `eduPersonScopedAffiliation`: an affiliation with its scope (`staff@example.edu`).
        public static let eduPersonScopedAffiliation = "urn:oid:1.3.6.1.4.1.5923.1.1.1.9"
        /// `eduPersonEntitlement`: entitlement URIs.
        public static let eduPersonEntitlement = "urn:oid:1.3.6.1.4.1.5923.1.1.1.7"
    }

    /// Keycloak's predefined SAML mappers.
    public enum Keycloak {
        /// "X500 email" (PKCS #9 emailAddress; FriendlyName `email`).
        public static let email = "urn:oid:1.2.840.113549.1.9.1"
        /// "X500 givenName" (FriendlyName `givenName`).
        public static let givenName = "urn:oid:2.5.4.42"
        /// "X500 surname" (FriendlyName `surname`).
        public static let surname = "urn:oid:2.5.4.4"
        /// The "role list" mapper's attribute.
        public static let role = "Role"
        /// The "group list" mapper's default attribute.
        public static let member = "member"
    }

    /// The Webex-style attribute: `uid`, which the admin sources from user.userprincipalname, user.mail or
    /// user.onpremisesuserprincipalname.
    public enum Webex {
        /// `uid`.
        public static let uid = "uid"
    }
}

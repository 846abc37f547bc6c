#!/usr/bin/python3
"""Generate the signed SAML Responses the SAMLAttributeMapping tests map (Fixtures/mapping/), and the responses
signed by certificate-chain leaves for the SAMLCertificatePolicy end-to-end tests (Fixtures/chains/).

usage (from the repository root):
  /usr/bin/python3 Fixtures/scripts/make_mapping_responses.py                    # rebuilds Fixtures/mapping/
  /usr/bin/python3 Fixtures/scripts/make_mapping_responses.py --chain-responses  # (re)signs Fixtures/chains/response-*.xml
                                                                                 # (make_chains.sh runs this itself)

Needs Debian's xmlsec1 (openssl) and Python 3 (standard library only). Each response is the fixed
Azure-AD-shaped envelope of Fixtures/responses/README.md (same IdP entityID, SP, ACS, request ID, times around
NOW = 2026-12-01T12:00:00Z) carrying one vendor's attribute names; only the AttributeStatement and the NameID differ.
The Assertion is signed with the xmlsec1 CLI (enveloped, exc-c14n, rsa-sha256, sha256, Reference "#<Assertion ID>",
Signature right after the Assertion's Issuer), then verified again with xmlsec1 against the signer's certificate only;
the run fails if one does not verify. RSA PKCS#1 v1.5 signatures are deterministic, so a rerun with the same keys
rewrites identical files.
"""
import argparse
import datetime
import hashlib
import pathlib
import shutil
import subprocess
import sys
import tempfile
import uuid
from xml.sax.saxutils import escape, quoteattr

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent
KEYS = FIXTURES / "keys"
MAPPING = FIXTURES / "mapping"
CHAINS = FIXTURES / "chains"

NOW = datetime.datetime(2026, 12, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
TENANT = "4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
IDP = f"https://sts.windows.net/{TENANT}/"
SP = "https://app.example.test/saml/metadata"
ACS = "https://app.example.test/saml/acs"
REQ = "_a8f3c2e1d0b9a8f7e6d5c4b3a2f1e0d9c"
OBJECT_ID = "7d9e2a41-3b5c-4f68-9a0d-1e2f3a4b5c6d"
UPN = "b.simon@contoso.example"

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
PASSWORD_PROTECTED = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"

EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
UNSPECIFIED_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
TRANSIENT_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
PERSISTENT_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
URI_NAME_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
BASIC_NAME_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
UNSPECIFIED_NAME_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"

# Vendor claim names (the Swift presets name the same strings; README.md lists them).
XMLSOAP = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
MSID = "http://schemas.microsoft.com/identity/claims/"
MS2008 = "http://schemas.microsoft.com/ws/2008/06/identity/claims/"
AZURE_GROUPS_LINK = "http://schemas.microsoft.com/claims/groups.link"
ADFS_GROUP = "http://schemas.xmlsoap.org/claims/Group"
OID = {
    "uid": "urn:oid:0.9.2342.19200300.100.1.1",
    "mail": "urn:oid:0.9.2342.19200300.100.1.3",
    "givenName": "urn:oid:2.5.4.42",
    "sn": "urn:oid:2.5.4.4",
    "displayName": "urn:oid:2.16.840.1.113730.3.1.241",
    "eduPersonPrincipalName": "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
    "eduPersonAffiliation": "urn:oid:1.3.6.1.4.1.5923.1.1.1.1",
    "eduPersonScopedAffiliation": "urn:oid:1.3.6.1.4.1.5923.1.1.1.9",
    "eduPersonEntitlement": "urn:oid:1.3.6.1.4.1.5923.1.1.1.7",
    "email": "urn:oid:1.2.840.113549.1.9.1",  # PKCS#9 emailAddress: Keycloak's "X500 email" mapper
}


def ts(seconds=0):
    return (NOW + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def guid(seed):
    return str(uuid.UUID(bytes=hashlib.sha256(seed.encode()).digest()[:16], version=4))


class Attr:
    """One saml:Attribute: Name, optional NameFormat and FriendlyName, values (xsi_type adds xsi:type="xs:string")."""

    def __init__(self, name, values, name_format=None, friendly=None, xsi_type=False):
        self.name, self.values, self.name_format, self.friendly, self.xsi_type = name, values, name_format, friendly, xsi_type

    def xml(self, indent="      "):
        attrs = f"Name={quoteattr(self.name)}"
        if self.name_format:
            attrs += f" NameFormat={quoteattr(self.name_format)}"
        if self.friendly:
            attrs += f" FriendlyName={quoteattr(self.friendly)}"
        type_attr = ' xsi:type="xs:string"' if self.xsi_type else ""
        vals = "".join(f"\n{indent}  <saml:AttributeValue{type_attr}>{escape(v)}</saml:AttributeValue>" for v in self.values)
        return f"{indent}<saml:Attribute {attrs}>{vals}\n{indent}</saml:Attribute>"


def response_xml(name, attributes, *, name_id=UPN, name_id_format=EMAIL_FORMAT):
    """The fixed envelope with this NameID and AttributeStatement; IDs derived from the fixture name."""
    response_id = "_r" + guid("response-" + name)
    assertion_id = "_a" + guid("assertion-" + name)
    session_index = "_s" + guid("session-" + name)
    needs_xsi = any(a.xsi_type for a in attributes)
    xsi = ' xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' if needs_xsi else ""
    statement = ""
    if attributes:
        statement = "\n    <saml:AttributeStatement>\n" + "\n".join(a.xml() for a in attributes) + "\n    </saml:AttributeStatement>"
    return f"""<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}"{xsi} ID="{response_id}" Version="2.0" IssueInstant="{ts(-10)}" Destination="{ACS}" InResponseTo="{REQ}">
  <saml:Issuer>{IDP}</saml:Issuer>
  <samlp:Status>
    <samlp:StatusCode Value="{SUCCESS}"/>
  </samlp:Status>
  <saml:Assertion ID="{assertion_id}" IssueInstant="{ts(-10)}" Version="2.0">
    <saml:Issuer>{IDP}</saml:Issuer>
    <ds:Signature xmlns:ds="{DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{EXC_C14N}"/><ds:SignatureMethod Algorithm="{RSA_SHA256}"/><ds:Reference URI="#{assertion_id}"><ds:Transforms><ds:Transform Algorithm="{DS}enveloped-signature"/><ds:Transform Algorithm="{EXC_C14N}"/></ds:Transforms><ds:DigestMethod Algorithm="{SHA256}"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>
    <saml:Subject>
      <saml:NameID Format="{name_id_format}">{escape(name_id)}</saml:NameID>
      <saml:SubjectConfirmation Method="{BEARER}">
        <saml:SubjectConfirmationData InResponseTo="{REQ}" NotOnOrAfter="{ts(300)}" Recipient="{ACS}"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="{ts(-300)}" NotOnOrAfter="{ts(3600)}">
      <saml:AudienceRestriction>
        <saml:Audience>{SP}</saml:Audience>
      </saml:AudienceRestriction>
    </saml:Conditions>{statement}
    <saml:AuthnStatement AuthnInstant="{ts(-20)}" SessionIndex="{session_index}" SessionNotOnOrAfter="{ts(8 * 3600)}">
      <saml:AuthnContext>
        <saml:AuthnContextClassRef>{PASSWORD_PROTECTED}</saml:AuthnContextClassRef>
      </saml:AuthnContext>
    </saml:AuthnStatement>
  </saml:Assertion>
</samlp:Response>
"""


def run(cmd):
    return subprocess.run([str(c) for c in cmd], capture_output=True)


def sign_and_check(xml, key, cert, out, work):
    """Sign the Assertion's signature template with xmlsec1, then verify it with the certificate alone."""
    src = work / (out.name + ".unsigned")
    src.write_text(xml)
    id_attr = ["--id-attr:ID", f"{SAML}:Assertion"]
    result = run(["xmlsec1", "--sign", "--privkey-pem", f"{key},{cert}", *id_attr, "--output", out, src])
    if result.returncode != 0:
        sys.exit(f"xmlsec1 --sign failed for {out.name}: {result.stderr.decode(errors='replace')[-1500:]}")
    check = run(["xmlsec1", "--verify", "--enabled-key-data", "raw-x509-cert", "--pubkey-cert-pem", cert, *id_attr, out])
    if check.returncode != 0:
        sys.exit(f"FAILED: {out} does not verify with xmlsec1 against {cert}")


# ---------------------------------------------------------------------------------------------------------------
# The vendor shapes
# ---------------------------------------------------------------------------------------------------------------
AZURE_GROUPS = [guid(f"azure-group-{i}") for i in range(3)]


def azure_claims(*, groups=True, overage=False, email=(UPN,), object_id=True, extra=()):
    claims = [Attr(MSID + "tenantid", [TENANT])]
    if object_id:
        claims.append(Attr(MSID + "objectidentifier", [OBJECT_ID]))
    claims += [
        Attr(MSID + "identityprovider", [IDP]),
        Attr(MSID + "displayname", ["B. Simon"]),
        Attr(MSID + "authnmethodsreferences", ["http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password",
                                                 "http://schemas.microsoft.com/claims/multipleauthn"]),
        Attr(XMLSOAP + "givenname", ["B."]),
        Attr(XMLSOAP + "surname", ["Simon"]),
    ]
    if email:
        claims.append(Attr(XMLSOAP + "emailaddress", list(email)))
    claims.append(Attr(XMLSOAP + "name", [UPN]))
    if groups:
        claims.append(Attr(MS2008 + "groups", AZURE_GROUPS))
    if overage:
        # What Entra ID sends instead of the groups claim when the user is in more than 150 groups.
        claims.append(Attr(AZURE_GROUPS_LINK, [f"https://graph.windows.net/{TENANT}/users/{OBJECT_ID}/getMemberObjects"]))
    claims.append(Attr(MS2008 + "role", ["Contoso.Admin", "Contoso.Reader"]))
    return claims + list(extra)


def shib(name, values, friendly=None):
    return Attr(OID[name], values, URI_NAME_FORMAT, friendly or name)


CASES = [
    # name, description, attributes, NameID kwargs
    ("azure-ad", "Entra ID (Azure AD) default claims plus groups (object IDs) and app roles; NameID = UPN",
     azure_claims(), {}),
    ("azure-ad-overage", "Entra ID group overage: no groups claim, a groups.link claim with the Graph URL in its place",
     azure_claims(groups=False, overage=True), {}),
    ("azure-ad-no-email", "Entra ID user without a mail attribute: the emailaddress claim is absent (Entra ID omits "
     "empty claims)", azure_claims(email=()), {}),
    ("azure-ad-missing-objectid", "Entra ID claims without objectidentifier (removed from the claim set): the preset's "
     "required objectID is missing", azure_claims(object_id=False), {}),
    ("azure-ad-two-emails", "Entra ID claims with two emailaddress values: a single-valued field receiving several",
     azure_claims(email=(UPN, "bsimon@contoso-mail.example")), {}),
    ("webex", "Entra ID's Cisco Webex gallery app: `uid` (sourced by the admin from user.userprincipalname) beside the "
     "default claims", azure_claims(groups=False, extra=[Attr("uid", [UPN])]), {}),
    ("webex-no-uid", "Entra ID without the `uid` claim (the admin removed it): the Webex preset falls back to the name "
     "claim", azure_claims(groups=False), {}),
    ("adfs", "AD FS claim rules: UPN, E-Mail-Addresses, Name, Given-Name, Surname, Role and Token-Groups (unqualified "
     "names) as the Group claim", [
         Attr(XMLSOAP + "upn", ["bsimon@corp.contoso.example"]),
         Attr(XMLSOAP + "emailaddress", [UPN]),
         Attr(XMLSOAP + "name", ["CONTOSO\\bsimon"]),
         Attr(XMLSOAP + "givenname", ["B."]),
         Attr(XMLSOAP + "surname", ["Simon"]),
         Attr(MS2008 + "role", ["Finance Approvers"]),
         Attr(ADFS_GROUP, ["Domain Users", "Finance", "VPN Users"]),
     ], {"name_id": "bsimon@corp.contoso.example", "name_id_format": UNSPECIFIED_FORMAT}),
    ("okta", "Okta attribute statements (firstName, lastName, email, a groups filter) with xsi:type=\"xs:string\" "
     "values; NameID = the Okta username", [
         Attr("firstName", ["B."], UNSPECIFIED_NAME_FORMAT, xsi_type=True),
         Attr("lastName", ["Simon"], UNSPECIFIED_NAME_FORMAT, xsi_type=True),
         Attr("email", [UPN], UNSPECIFIED_NAME_FORMAT, xsi_type=True),
         Attr("groups", ["Everyone", "Engineering"], UNSPECIFIED_NAME_FORMAT, xsi_type=True),
     ], {"name_id_format": UNSPECIFIED_FORMAT}),
    ("okta-capitalized", "Okta attribute statements named as in Okta's own setup guide (FirstName, LastName, Email), "
     "and an empty `email` statement: the preset falls back past the empty value", [
         Attr("FirstName", ["B."], UNSPECIFIED_NAME_FORMAT, xsi_type=True),
         Attr("LastName", ["Simon"], UNSPECIFIED_NAME_FORMAT, xsi_type=True),
         Attr("email", [""], UNSPECIFIED_NAME_FORMAT, xsi_type=True),
         Attr("Email", [UPN], UNSPECIFIED_NAME_FORMAT, xsi_type=True),
     ], {"name_id_format": UNSPECIFIED_FORMAT}),
    ("shibboleth", "Shibboleth IdP (SAML2 attribute encoders): urn:oid Names with NameFormat uri and FriendlyNames, "
     "eduPerson attributes; transient NameID", [
         shib("uid", ["bsimon"]),
         shib("mail", [UPN]),
         shib("givenName", ["B."]),
         shib("sn", ["Simon"]),
         shib("displayName", ["B. Simon"]),
         shib("eduPersonPrincipalName", ["bsimon@contoso.example"]),
         shib("eduPersonAffiliation", ["member", "staff"]),
         shib("eduPersonScopedAffiliation", ["member@contoso.example", "staff@contoso.example"]),
         shib("eduPersonEntitlement", ["urn:mace:dir:entitlement:common-lib-terms", "urn:mace:contoso.example:wiki:editor"]),
     ], {"name_id": "_" + guid("transient-shibboleth").replace("-", ""), "name_id_format": TRANSIENT_FORMAT}),
    ("simplesamlphp", "SimpleSAMLphp without the oid2name filter: the same attributes under their basic names "
     "(NameFormat basic, no FriendlyName); persistent NameID", [
         Attr("uid", ["bsimon"], BASIC_NAME_FORMAT),
         Attr("mail", [UPN], BASIC_NAME_FORMAT),
         Attr("givenName", ["B."], BASIC_NAME_FORMAT),
         Attr("sn", ["Simon"], BASIC_NAME_FORMAT),
         Attr("displayName", ["B. Simon"], BASIC_NAME_FORMAT),
         Attr("eduPersonPrincipalName", ["bsimon@contoso.example"], BASIC_NAME_FORMAT),
         Attr("eduPersonAffiliation", ["member", "student"], BASIC_NAME_FORMAT),
     ], {"name_id": guid("persistent-simplesamlphp"), "name_id_format": PERSISTENT_FORMAT}),
    ("shibboleth-no-eppn", "Shibboleth attributes without eduPersonPrincipalName (not released to this SP): the "
     "preset's required principalName is missing", [
         shib("uid", ["bsimon"]),
         shib("mail", [UPN]),
     ], {"name_id": "_" + guid("transient-shibboleth-2").replace("-", ""), "name_id_format": TRANSIENT_FORMAT}),
    ("keycloak", "Keycloak: the predefined X500 email/givenName/surname mappers (urn:oid Names, FriendlyNames) and "
     "the role list mapper with `Single Role Attribute` off (one Role Attribute element per role), the group list "
     "mapper (`member`, full paths); NameID = username",
     [
         Attr(OID["email"], [UPN], URI_NAME_FORMAT, "email"),
         Attr(OID["givenName"], ["B."], URI_NAME_FORMAT, "givenName"),
         Attr(OID["sn"], ["Simon"], URI_NAME_FORMAT, "surname"),
         Attr("Role", ["offline_access"], BASIC_NAME_FORMAT),
         Attr("Role", ["uma_authorization"], BASIC_NAME_FORMAT),
         Attr("Role", ["app-admin"], BASIC_NAME_FORMAT),
         Attr("member", ["/engineering", "/engineering/platform"], BASIC_NAME_FORMAT),
     ], {"name_id": "bsimon", "name_id_format": UNSPECIFIED_FORMAT}),
    ("no-attributes", "No AttributeStatement at all (the NameID alone)", [], {}),
]

CHAIN_RESPONSES = [
    ("response-leaf-depth2", "leaf-depth2", "signed by the depth-2 chain's leaf (Intermediate A1 under Root CA A)"),
    ("response-leaf-other-ca", "leaf-other-ca", "signed by a leaf of Root CA B (not a configured trust anchor)"),
    ("response-leaf-expired", "leaf-expired", "signed by the expired leaf (Intermediate A1 under Root CA A)"),
]


def readme():
    rows = "\n".join(f"| `{name}.xml` | {description} |" for name, description, _, _ in CASES)
    return f"""# Attribute-mapping fixtures

Signed SAML Responses carrying each vendor's attribute names, for `Tests/SAMLAttributeMappingTests`. **Generated**
— do not edit; change `Fixtures/scripts/make_mapping_responses.py` and rerun it from the repository root:

```sh
/usr/bin/python3 Fixtures/scripts/make_mapping_responses.py
```

It needs Debian's `xmlsec1` (openssl) and Python 3, rebuilds this folder from scratch, signs each Assertion
with `Fixtures/keys/idp-rsa2048` (enveloped, exc-c14n, rsa-sha256, sha256, Reference `#<Assertion ID>`, Signature
right after the Assertion's Issuer) and verifies every file again with `xmlsec1 --verify` against that certificate
alone. RSA signatures are deterministic: a rerun rewrites identical bytes.

Every response uses the fixed envelope of `../responses/README.md`: NOW `2026-12-01T12:00:00Z`, IdP entityID
`{IDP}` (the tests' ServiceProvider trusts `keys/idp-rsa2048` under that entityID whatever vendor's attribute
names the assertion carries), SP `{SP}`, ACS `{ACS}`, InResponseTo `{REQ}`, Conditions NOW−5 min … NOW+1 h, bearer
SubjectConfirmationData NotOnOrAfter NOW+5 min, AudienceRestriction, AuthnStatement. Response, Assertion and
SessionIndex IDs are derived from the file name, so no two fixtures share an assertion ID.

| file | what it carries |
|---|---|
{rows}
"""


def make_mapping():
    if shutil.which("xmlsec1") is None:
        sys.exit("make_mapping_responses.py: xmlsec1 is not installed (apt-get install xmlsec1)")
    if MAPPING.exists():
        shutil.rmtree(MAPPING)
    MAPPING.mkdir()
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        for name, _, attributes, kw in CASES:
            sign_and_check(response_xml(name, attributes, **kw), KEYS / "idp-rsa2048.key", KEYS / "idp-rsa2048.crt",
                           MAPPING / f"{name}.xml", work)
    (MAPPING / "README.md").write_text(readme())
    print(f"wrote {len(CASES)} responses to {MAPPING}")


def make_chain_responses():
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        for name, leaf, _ in CHAIN_RESPONSES:
            key, cert = CHAINS / f"{leaf}.key", CHAINS / f"{leaf}.crt"
            if not key.exists():
                sys.exit(f"{key} is missing: run Fixtures/scripts/make_chains.sh")
            sign_and_check(response_xml(name, azure_claims(groups=False)), key, cert, CHAINS / f"{name}.xml", work)
    print(f"wrote {len(CHAIN_RESPONSES)} responses to {CHAINS}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chain-responses", action="store_true",
                        help="sign Fixtures/chains/response-*.xml with the chain leaves instead of rebuilding mapping/")
    args = parser.parse_args()
    if args.chain_responses:
        make_chain_responses()
    else:
        make_mapping()

#!/usr/bin/python3
"""Generate the SAML metadata fixtures (Fixtures/metadata/): IdP metadata in the shapes six vendors publish, an
aggregate, SP metadata in the shape Cisco Webex hands out, the hostile documents, and expected.json (the values a
parser must extract, or the SAMLError case it must throw).

usage (from the repository root):
  /usr/bin/python3 Fixtures/scripts/make_metadata.py

Needs Debian's Python 3 with python3-lxml (the checks), xmlsec1 (1.2.37, openssl) and openssl. Every document is
written from a template in this file; the certificates are the base64 of the DER in Fixtures/keys/*.crt (never
regenerated here). azure-ad.xml and adfs.xml are signed with the xmlsec1 CLI at the root (enveloped, exc-c14n,
rsa-sha256, sha256, Reference "#<EntityDescriptor ID>", KeyInfo/X509Data with the signer's certificate) and then
verified with `xmlsec1 --verify --enabled-key-data raw-x509-cert --pubkey-cert-pem <cert> --id-attr:ID
urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor`; the run fails if either does not verify, or if one verifies
against the attacker's certificate. RSA PKCS#1 v1.5 signatures are deterministic and nothing else depends on time
or randomness, so a rerun with the same keys rewrites identical files.

Before writing expected.json the script reads every valid fixture again with lxml, independently of the templates
(only the IDPSSODescriptor / SPSSODescriptor supporting SAML 2.0 is read; KeyDescriptors without `use` count for
both signing and encryption; certificates are deduplicated and named by their DER's SHA-256; validUntil and
cacheDuration are the tightest of the entity's and its enclosing EntitiesDescriptors'), compares the result with
expected.json, and fails on any difference. The hostile files are checked for the one property each must have.
"""
import base64
import datetime
import hashlib
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

try:
    from lxml import etree
except ImportError:  # pragma: no cover - environment check
    sys.exit("make_metadata.py needs lxml: run it with Debian's /usr/bin/python3 (apt-get install python3-lxml)")

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent
KEYS = FIXTURES / "keys"
OUT = FIXTURES / "metadata"

# Namespaces and URIs
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
MD_SAML1 = "urn:oasis:names:tc:SAML:1.0:metadata"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
FED = "http://docs.oasis-open.org/wsfed/federation/200706"
AUTH = "http://docs.oasis-open.org/wsfed/authorization/200706"
WSA = "http://www.w3.org/2005/08/addressing"
WSX = "http://schemas.xmlsoap.org/ws/2004/09/mex"
SHIBMD = "urn:mace:shibboleth:metadata:1.0"
MDUI = "urn:oasis:names:tc:SAML:metadata:ui"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"

SAML2P = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML11P = "urn:oasis:names:tc:SAML:1.1:protocol"
SAML10P = "urn:oasis:names:tc:SAML:1.0:protocol"
SHIB1 = "urn:mace:shibboleth:1.0"

B = "urn:oasis:names:tc:SAML:2.0:bindings:"
REDIRECT = B + "HTTP-Redirect"
POST = B + "HTTP-POST"
SIMPLESIGN = B + "HTTP-POST-SimpleSign"
ARTIFACT = B + "HTTP-Artifact"
SOAP = B + "SOAP"
SAML1_SOAP = "urn:oasis:names:tc:SAML:1.0:bindings:SOAP-binding"
SAML1_BROWSER_POST = "urn:oasis:names:tc:SAML:1.0:profiles:browser-post"
SHIB_AUTHN_REQUEST = "urn:mace:shibboleth:1.0:profiles:AuthnRequest"

UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
X509_SUBJECT = "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName"

# Entities
TENANT = "4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
AZURE_ENTITY = f"https://sts.windows.net/{TENANT}/"
AZURE_ID = "_0f3e8a2c-5b1d-4c7e-9a6f-2d4b8c1e3f5a"
AZURE_SAML2 = f"https://login.microsoftonline.com/{TENANT}/saml2"
AZURE_WSFED = f"https://login.microsoftonline.com/{TENANT}/wsfed"

ADFS_HOST = "https://adfs.contoso.example"
ADFS_ENTITY = "http://adfs.contoso.example/adfs/services/trust"
ADFS_ID = "_6d2b9e41-8c3f-4a5d-b7e0-1f2a3c4d5e6f"
ADFS_LS = f"{ADFS_HOST}/adfs/ls/"

OKTA_APP = "exk1a2b3c4d5e6f7g8h9"
OKTA_ENTITY = f"http://www.okta.com/{OKTA_APP}"
OKTA_SSO = f"https://contoso.okta.example/app/contoso_app_1/{OKTA_APP}/sso/saml"

SHIB_HOST = "idp.university.example"
SHIB_ENTITY = f"https://{SHIB_HOST}/idp/shibboleth"
SHIB_SCOPE = "university.example"

SSP_BASE = "http://127.0.0.1:9010"
SSP_ENTITY = f"{SSP_BASE}/saml2/idp/metadata.php"

KC_REALM = "https://keycloak.example/realms/contoso"
KC_ENTITY = KC_REALM
KC_PROTOCOL = f"{KC_REALM}/protocol/saml"

WEBEX_ORG = "3f2e1d0c-b9a8-4c7d-8e6f-5a4b3c2d1e0f"
WEBEX_ENTITY = f"https://idbroker.webex.com/{WEBEX_ORG}"
WEBEX_ACS = f"https://idbroker.webex.com/idb/Consumer/metaAlias/{WEBEX_ORG}/sp"
WEBEX_SLO_REDIRECT = f"https://idbroker.webex.com/idb/SPSloRedirect/metaAlias/{WEBEX_ORG}/sp"
WEBEX_SLO_SOAP = f"https://idbroker.webex.com/idb/SPSloSoap/metaAlias/{WEBEX_ORG}/sp"

UNI_SP_ENTITY = "https://sp.university.example/shibboleth"
UNI_SP = "https://sp.university.example/Shibboleth.sso"

AGGREGATE_NAME = "https://federation.example/metadata/aggregate.xml"
AGGREGATE_ID = "_federation-20261201T000000Z"
AGGREGATE_VALID_UNTIL = "2027-03-01T00:00:00Z"
AGGREGATE_CACHE = "PT12H"
UNIVERSITY_GROUP = "https://federation.example/groups/university"
UNIVERSITY_VALID_UNTIL = "2027-01-15T00:00:00Z"
UNIVERSITY_CACHE = "PT4H"
OKTA_IN_AGGREGATE_CACHE = "PT1H"
UNKNOWN_ENTITY = "https://idp.unknown.example/idp/shibboleth"

VALIDITY_VALID_UNTIL = "2027-06-30T00:00:00Z"
VALIDITY_CACHE = "PT6H"

# The decoy: a certificate that appears only in roles other than the IdP's (Azure's STS RoleDescriptor, ADFS's
# SPSSODescriptor). A parser that takes it as an IdP signing certificate trusts the attacker.
DECOY = "attacker-rsa2048.crt"


# ---------------------------------------------------------------------------------------------------------------
# Certificates
# ---------------------------------------------------------------------------------------------------------------
def der(cert):
    text = (KEYS / cert).read_text()
    m = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S)
    if not m:
        sys.exit(f"{KEYS / cert}: no PEM certificate")
    return base64.b64decode("".join(m.group(1).split()))


def b64(cert, width=None, lead="", tail=""):
    """The certificate's DER as base64, optionally in lines of `width` characters (lead/tail around the block)."""
    s = base64.b64encode(der(cert)).decode()
    if width:
        s = "\n".join(s[i:i + width] for i in range(0, len(s), width))
    return lead + s + tail


CERT_NAMES = ["idp-rsa2048.crt", "idp-rsa2048-next.crt", "adfs.crt", "okta.crt", "shibboleth.crt",
              "simplesamlphp.crt", "keycloak.crt", "sp-rsa2048.crt", "sp-enc-rsa2048.crt", "attacker-rsa2048.crt"]


def fingerprints():
    return {name: hashlib.sha256(der(name)).hexdigest() for name in CERT_NAMES}


def keycloak_kid(cert):
    """Keycloak's key ID: base64url (no padding) of SHA-256 over the SubjectPublicKeyInfo DER."""
    pub = subprocess.run(["openssl", "x509", "-in", str(KEYS / cert), "-noout", "-pubkey"],
                         check=True, capture_output=True).stdout
    spki = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pub,
                          check=True, capture_output=True).stdout
    return base64.urlsafe_b64encode(hashlib.sha256(spki).digest()).decode().rstrip("=")


# ---------------------------------------------------------------------------------------------------------------
# Signing
# ---------------------------------------------------------------------------------------------------------------
def signature_template(ref_id, prefix):
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{DS}"' if prefix else f'xmlns="{DS}"'
    return (f'<{p}Signature {xmlns}><{p}SignedInfo><{p}CanonicalizationMethod Algorithm="{EXC_C14N}"/>'
            f'<{p}SignatureMethod Algorithm="{RSA_SHA256}"/><{p}Reference URI="#{ref_id}"><{p}Transforms>'
            f'<{p}Transform Algorithm="{DS}enveloped-signature"/><{p}Transform Algorithm="{EXC_C14N}"/>'
            f'</{p}Transforms><{p}DigestMethod Algorithm="{SHA256}"/><{p}DigestValue/></{p}Reference>'
            f'</{p}SignedInfo><{p}SignatureValue/><{p}KeyInfo><{p}X509Data><{p}X509Certificate/></{p}X509Data>'
            f'</{p}KeyInfo></{p}Signature>')


ID_ATTR = ["--id-attr:ID", f"{MD}:EntityDescriptor"]


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, **kw)


def xmlsec_verify(path, cert):
    return run(["xmlsec1", "--verify", "--enabled-key-data", "raw-x509-cert", "--pubkey-cert-pem", KEYS / cert,
                *ID_ATTR, path]).returncode == 0


def unwrap_base64(xml, prefix):
    """xmlsec1 writes SignatureValue and X509Certificate in 64-column lines; Entra ID and ADFS write one line.
    Both are outside SignedInfo (and the enveloped transform drops the whole Signature), so this keeps the
    signature valid; the file is verified again afterwards."""
    p = f"{prefix}:" if prefix else ""
    for tag in ("SignatureValue", "X509Certificate"):
        xml = re.sub(rf"(<{p}{tag}>)(.*?)(</{p}{tag}>)",
                     lambda m: m.group(1) + "".join(m.group(2).split()) + m.group(3), xml, flags=re.S)
    return xml


def sign(unsigned, key, cert, out, work, prefix):
    src = work / (out.name + ".template")
    src.write_text(unsigned)
    signed = work / out.name
    result = run(["xmlsec1", "--sign", "--privkey-pem", f"{KEYS / key},{KEYS / cert}", *ID_ATTR,
                  "--output", signed, src])
    if result.returncode != 0:
        sys.exit(f"xmlsec1 --sign failed for {out.name}: {result.stderr.decode(errors='replace')[-1500:]}")
    text = unwrap_base64(signed.read_text(), prefix)
    out.write_text(text)
    if not xmlsec_verify(out, cert):
        sys.exit(f"FAILED: {out} does not verify with xmlsec1 against {cert}")
    if xmlsec_verify(out, "attacker-rsa2048.crt"):
        sys.exit(f"FAILED: {out} verifies against attacker-rsa2048.crt")
    return text


# ---------------------------------------------------------------------------------------------------------------
# Vendor shapes
# ---------------------------------------------------------------------------------------------------------------
def wsa_ref(address):
    return f'<wsa:EndpointReference xmlns:wsa="{WSA}"><wsa:Address>{address}</wsa:Address></wsa:EndpointReference>'


def claim_types(claims):
    return "".join(f'<auth:ClaimType Uri="{uri}" xmlns:auth="{AUTH}"><auth:DisplayName>{name}</auth:DisplayName>'
                   f'<auth:Description>{desc}</auth:Description></auth:ClaimType>' for uri, name, desc in claims)


XMLSOAP = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
MSID = "http://schemas.microsoft.com/identity/claims/"
MS2008 = "http://schemas.microsoft.com/ws/2008/06/identity/claims/"

AZURE_CLAIMS = [
    (XMLSOAP + "name", "Name", "The mutable display name of the user."),
    (XMLSOAP + "nameidentifier", "Subject", "An immutable, globally unique, non-reusable identifier of the user "
     "that is unique to the application for which a token is issued."),
    (XMLSOAP + "givenname", "Given Name", "First name of the user."),
    (XMLSOAP + "surname", "Surname", "Last name of the user."),
    (MSID + "displayname", "Display Name", "Display name of the user."),
    (MSID + "objectidentifier", "ObjectIdentifier", "Primary identifier for the user in the directory. Immutable, "
     "globally unique, non-reusable."),
    (MSID + "tenantid", "TenantId", "Identifier for the user's tenant."),
    (MSID + "identityprovider", "IdentityProvider", "Identity provider for the user."),
    (XMLSOAP + "emailaddress", "Email", "Email address of the user."),
    (MS2008 + "groups", "Groups", "Groups of the user."),
    (MS2008 + "role", "Role", "Roles that the user or Service Principal is attached to."),
    (MSID + "authnmethodsreferences", "Authentication Methods References", "Used to indicate how the user "
     "authenticated to the application."),
]


def azure_ad():
    """Entra ID (Azure AD) federation metadata: https://login.microsoftonline.com/<tenant>/federationmetadata/
    2007-06/federationmetadata.xml. One line, default namespaces, the root signed (unprefixed Signature in the
    dsig namespace), two WS-Federation RoleDescriptors, then the IDPSSODescriptor listing the current and the next
    token-signing certificate during a rollover. Deliberate deviation: the STS RoleDescriptor carries the decoy
    certificate (real metadata repeats the IdP's certificates there)."""
    def kd(cert):
        return (f'<KeyDescriptor use="signing"><KeyInfo xmlns="{DS}"><X509Data><X509Certificate>{b64(cert)}'
                f'</X509Certificate></X509Data></KeyInfo></KeyDescriptor>')
    return ('<?xml version="1.0" encoding="utf-8"?>'
            f'<EntityDescriptor ID="{AZURE_ID}" entityID="{AZURE_ENTITY}" xmlns="{MD}">'
            + signature_template(AZURE_ID, None) +
            f'<RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="{FED}" '
            f'xmlns:xsi="{XSI}" xmlns:fed="{FED}">' + kd(DECOY) +
            f'<fed:ClaimTypesOffered>{claim_types(AZURE_CLAIMS)}</fed:ClaimTypesOffered>'
            f'<fed:SecurityTokenServiceEndpoint>{wsa_ref(AZURE_WSFED)}</fed:SecurityTokenServiceEndpoint>'
            f'<fed:PassiveRequestorEndpoint>{wsa_ref(AZURE_WSFED)}</fed:PassiveRequestorEndpoint></RoleDescriptor>'
            f'<RoleDescriptor xsi:type="fed:ApplicationServiceType" protocolSupportEnumeration="{FED}" '
            f'xmlns:xsi="{XSI}" xmlns:fed="{FED}">' + kd("idp-rsa2048.crt") + kd("idp-rsa2048-next.crt") +
            f'<fed:TargetScopes>{wsa_ref(AZURE_ENTITY)}</fed:TargetScopes>'
            f'<fed:ApplicationServiceEndpoint>{wsa_ref(AZURE_WSFED)}</fed:ApplicationServiceEndpoint>'
            f'<fed:PassiveRequestorEndpoint>{wsa_ref(AZURE_WSFED)}</fed:PassiveRequestorEndpoint></RoleDescriptor>'
            f'<IDPSSODescriptor protocolSupportEnumeration="{SAML2P}">'
            + kd("idp-rsa2048.crt") + kd("idp-rsa2048-next.crt") +
            f'<SingleLogoutService Binding="{REDIRECT}" Location="{AZURE_SAML2}"/>'
            f'<SingleSignOnService Binding="{REDIRECT}" Location="{AZURE_SAML2}"/>'
            f'<SingleSignOnService Binding="{POST}" Location="{AZURE_SAML2}"/>'
            '</IDPSSODescriptor></EntityDescriptor>')


ADFS_CLAIMS = [
    (XMLSOAP + "emailaddress", "E-Mail Address", "The e-mail address of the user"),
    (XMLSOAP + "givenname", "Given Name", "The given name of the user"),
    (XMLSOAP + "name", "Name", "The unique name of the user"),
    (XMLSOAP + "upn", "UPN", "The user principal name (UPN) of the user"),
    ("http://schemas.xmlsoap.org/claims/CommonName", "Common Name", "The common name of the user"),
    ("http://schemas.xmlsoap.org/claims/Group", "Group", "A group that the user is a member of"),
    (MS2008 + "role", "Role", "A role that the user has"),
    (XMLSOAP + "surname", "Surname", "The surname of the user"),
    (XMLSOAP + "nameidentifier", "Name ID", "The SAML name identifier of the user"),
    (MS2008 + "windowsaccountname", "Windows account name", "The domain account name of the user in the form "
     "of domain\\user"),
]


def adfs():
    """ADFS 2016 /FederationMetadata/2007-06/FederationMetadata.xml: one line, signed at the root (ds: prefix),
    RoleDescriptors for WS-Trust/WS-Federation (ApplicationServiceType with the token-decrypting key,
    SecurityTokenServiceType with the token-signing key), an SPSSODescriptor (ADFS is also a relying party) BEFORE
    the IDPSSODescriptor, KeyDescriptor use="encryption" listed before use="signing", the claims as saml:Attribute,
    then Organization and ContactPerson (present when Set-AdfsProperties -OrganizationInfo/-ContactPerson is set).
    Deliberate deviation: the SPSSODescriptor carries the decoy certificate (real metadata repeats the ADFS
    certificates there)."""
    def kd(use, cert):
        return (f'<KeyDescriptor use="{use}"><KeyInfo xmlns="{DS}"><X509Data><X509Certificate>{b64(cert)}'
                f'</X509Certificate></X509Data></KeyInfo></KeyDescriptor>')
    trust = f"{ADFS_HOST}/adfs/services/trust"
    ws_protocols = f"http://docs.oasis-open.org/ws-sx/ws-trust/200512 http://schemas.xmlsoap.org/ws/2005/02/trust {FED}"
    requested = "".join(f'<auth:ClaimType Uri="{uri}" Optional="true" xmlns:auth="{AUTH}"><auth:DisplayName>{name}'
                        f'</auth:DisplayName><auth:Description>{desc}</auth:Description></auth:ClaimType>'
                        for uri, name, desc in ADFS_CLAIMS)
    mex = (f'<wsa:EndpointReference xmlns:wsa="{WSA}"><wsa:Address>{trust}/2005/certificatemixed</wsa:Address>'
           f'<wsa:Metadata><Metadata xmlns="{WSX}" xmlns:xsi="{XSI}"><wsx:MetadataSection xmlns="" '
           f'xmlns:wsx="{WSX}" Dialect="{WSX}"><wsx:MetadataReference><wsa:Address>{trust}/mex</wsa:Address>'
           '</wsx:MetadataReference></wsx:MetadataSection></Metadata></wsa:Metadata></wsa:EndpointReference>')
    nameid = "".join(f"<NameIDFormat>{f}</NameIDFormat>" for f in (EMAIL, PERSISTENT, TRANSIENT))
    slo = (f'<SingleLogoutService Binding="{REDIRECT}" Location="{ADFS_LS}"/>'
           f'<SingleLogoutService Binding="{POST}" Location="{ADFS_LS}"/>')
    attributes = "".join(f'<Attribute Name="{uri}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" '
                         f'FriendlyName="{name}" xmlns="{SAML}"/>' for uri, name, _ in ADFS_CLAIMS)
    return ('<?xml version="1.0" encoding="utf-8"?>'
            f'<EntityDescriptor ID="{ADFS_ID}" entityID="{ADFS_ENTITY}" xmlns="{MD}">'
            + signature_template(ADFS_ID, "ds") +
            f'<RoleDescriptor xsi:type="fed:ApplicationServiceType" protocolSupportEnumeration="{ws_protocols}" '
            f'ServiceDisplayName="Contoso" xmlns:xsi="{XSI}" xmlns:fed="{FED}">' + kd("encryption", "adfs.crt") +
            f'<fed:ClaimTypesRequested>{requested}</fed:ClaimTypesRequested>'
            f'<fed:TargetScopes>{wsa_ref(f"{trust}/2005/issuedtokenmixedasymmetricbasic256")}'
            f'{wsa_ref(f"{trust}/13/issuedtokenmixedasymmetricbasic256")}{wsa_ref(ADFS_LS)}{wsa_ref(ADFS_ENTITY)}'
            '</fed:TargetScopes>'
            f'<fed:ApplicationServiceEndpoint>{wsa_ref(f"{trust}/2005/issuedtokenmixedasymmetricbasic256")}'
            '</fed:ApplicationServiceEndpoint>'
            f'<fed:PassiveRequestorEndpoint>{wsa_ref(ADFS_LS)}</fed:PassiveRequestorEndpoint></RoleDescriptor>'
            f'<RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="{ws_protocols}" '
            f'ServiceDisplayName="Contoso" xmlns:xsi="{XSI}" xmlns:fed="{FED}">' + kd("signing", "adfs.crt") +
            '<fed:TokenTypesOffered><fed:TokenType Uri="urn:oasis:names:tc:SAML:2.0:assertion"/>'
            '<fed:TokenType Uri="urn:oasis:names:tc:SAML:1.0:assertion"/></fed:TokenTypesOffered>'
            f'<fed:ClaimTypesOffered>{claim_types(ADFS_CLAIMS)}</fed:ClaimTypesOffered>'
            f'<fed:SecurityTokenServiceEndpoint>{mex}</fed:SecurityTokenServiceEndpoint>'
            f'<fed:PassiveRequestorEndpoint>{wsa_ref(ADFS_LS)}</fed:PassiveRequestorEndpoint></RoleDescriptor>'
            f'<SPSSODescriptor WantAssertionsSigned="true" protocolSupportEnumeration="{SAML2P}">'
            + kd("encryption", DECOY) + kd("signing", DECOY) + slo + nameid +
            f'<AssertionConsumerService Binding="{POST}" Location="{ADFS_LS}" index="0" isDefault="true"/>'
            f'<AssertionConsumerService Binding="{ARTIFACT}" Location="{ADFS_LS}" index="1"/>'
            f'<AssertionConsumerService Binding="{REDIRECT}" Location="{ADFS_LS}" index="2"/></SPSSODescriptor>'
            f'<IDPSSODescriptor protocolSupportEnumeration="{SAML2P}">'
            + kd("encryption", "adfs.crt") + kd("signing", "adfs.crt") + slo + nameid +
            f'<SingleSignOnService Binding="{REDIRECT}" Location="{ADFS_LS}"/>'
            f'<SingleSignOnService Binding="{POST}" Location="{ADFS_LS}"/>' + attributes + '</IDPSSODescriptor>'
            '<Organization><OrganizationName xml:lang="en-US">Contoso</OrganizationName>'
            '<OrganizationDisplayName xml:lang="en-US">Contoso Ltd.</OrganizationDisplayName>'
            '<OrganizationURL xml:lang="en-US">https://www.contoso.example/</OrganizationURL></Organization>'
            '<ContactPerson contactType="support"><Company>Contoso Ltd.</Company><GivenName>Identity</GivenName>'
            '<SurName>Team</SurName><EmailAddress>identity@contoso.example</EmailAddress>'
            '<TelephoneNumber>+1 555 0100</TelephoneNumber></ContactPerson></EntityDescriptor>')


def okta_entity(extra_attrs="", sso=None, cert_text=None, ns=MD):
    """Okta app metadata (Applications > Sign On > "Identity Provider metadata"): md: prefix, one line, the
    certificate in 76-column lines (Java's MIME base64)."""
    sso = sso or [(POST, OKTA_SSO), (REDIRECT, OKTA_SSO)]
    cert_text = cert_text if cert_text is not None else b64("okta.crt", 76)
    services = "".join(f'<md:SingleSignOnService Binding="{b}" Location="{loc}"/>' for b, loc in sso)
    return (f'<md:EntityDescriptor entityID="{OKTA_ENTITY}"{extra_attrs} xmlns:md="{ns}">'
            f'<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="{SAML2P}">'
            f'<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="{DS}"><ds:X509Data><ds:X509Certificate>'
            f'{cert_text}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>'
            f'<md:NameIDFormat>{UNSPECIFIED}</md:NameIDFormat><md:NameIDFormat>{EMAIL}</md:NameIDFormat>'
            f'{services}</md:IDPSSODescriptor></md:EntityDescriptor>')


XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>'


def okta(**kw):
    return XML_DECL + okta_entity(**kw)


SHIB_HEADER = """<!--
     This is example metadata only. Do *NOT* supply it as is without review,
     and do *NOT* provide it in real time to your partners.

     This metadata is not dynamic - it will not change as your configuration changes.
-->
"""


def shibboleth_entity(indent=""):
    """Shibboleth IdP v4 metadata as `bin/install.sh` writes it to metadata/idp-metadata.xml (default namespace,
    header comment, shibmd:Scope, UIInfo commented out, SAML 1.1 + 2.0 + Shibboleth 1.0 in
    protocolSupportEnumeration, back-channel endpoints on :8443, the SLO endpoints v4 enables by default,
    AttributeAuthorityDescriptor for SAML 1.1 attribute queries). The KeyDescriptor has no `use` (how v2/v3 and
    most federation registrars publish it), so the one certificate is for signing and encryption."""
    h = f"https://{SHIB_HOST}"
    bc = f"https://{SHIB_HOST}:8443"
    cert = b64("shibboleth.crt", 64, "\n", "\n                        ")
    text = f"""<EntityDescriptor  xmlns="{MD}" xmlns:ds="{DS}" xmlns:shibmd="{SHIBMD}" xmlns:xml="http://www.w3.org/XML/1998/namespace" xmlns:mdui="{MDUI}" entityID="{SHIB_ENTITY}">

    <IDPSSODescriptor protocolSupportEnumeration="{SAML2P} {SAML11P} {SHIB1}">

        <Extensions>
            <shibmd:Scope regexp="false">{SHIB_SCOPE}</shibmd:Scope>
<!--
    Fill in the details for your IdP here

            <mdui:UIInfo>
                <mdui:DisplayName xml:lang="en">A Name for the IdP at {SHIB_HOST}</mdui:DisplayName>
                <mdui:Description xml:lang="en">Enter a description of your IdP at {SHIB_HOST}</mdui:Description>
                <mdui:Logo height="80" width="80">https://{SHIB_HOST}/Path/To/Logo.png</mdui:Logo>
            </mdui:UIInfo>
-->
        </Extensions>

        <KeyDescriptor>
            <ds:KeyInfo>
                    <ds:X509Data>
                        <ds:X509Certificate>{cert}</ds:X509Certificate>
                    </ds:X509Data>
            </ds:KeyInfo>

        </KeyDescriptor>

        <ArtifactResolutionService Binding="{SAML1_SOAP}" Location="{bc}/idp/profile/SAML1/SOAP/ArtifactResolution" index="1"/>
        <ArtifactResolutionService Binding="{SOAP}" Location="{bc}/idp/profile/SAML2/SOAP/ArtifactResolution" index="2"/>

        <SingleLogoutService Binding="{REDIRECT}" Location="{h}/idp/profile/SAML2/Redirect/SLO"/>
        <SingleLogoutService Binding="{POST}" Location="{h}/idp/profile/SAML2/POST/SLO"/>
        <SingleLogoutService Binding="{SIMPLESIGN}" Location="{h}/idp/profile/SAML2/POST-SimpleSign/SLO"/>
        <SingleLogoutService Binding="{SOAP}" Location="{bc}/idp/profile/SAML2/SOAP/SLO"/>

        <SingleSignOnService Binding="{SHIB_AUTHN_REQUEST}" Location="{h}/idp/profile/Shibboleth/SSO"/>
        <SingleSignOnService Binding="{POST}" Location="{h}/idp/profile/SAML2/POST/SSO"/>
        <SingleSignOnService Binding="{SIMPLESIGN}" Location="{h}/idp/profile/SAML2/POST-SimpleSign/SSO"/>
        <SingleSignOnService Binding="{REDIRECT}" Location="{h}/idp/profile/SAML2/Redirect/SSO"/>
        <SingleSignOnService Binding="{SOAP}" Location="{h}/idp/profile/SAML2/SOAP/ECP"/>

    </IDPSSODescriptor>


    <AttributeAuthorityDescriptor protocolSupportEnumeration="{SAML11P}">

        <Extensions>
            <shibmd:Scope regexp="false">{SHIB_SCOPE}</shibmd:Scope>
        </Extensions>

        <KeyDescriptor>
            <ds:KeyInfo>
                    <ds:X509Data>
                        <ds:X509Certificate>{cert}</ds:X509Certificate>
                    </ds:X509Data>
            </ds:KeyInfo>

        </KeyDescriptor>

        <AttributeService Binding="{SAML1_SOAP}" Location="{bc}/idp/profile/SAML1/SOAP/AttributeQuery"/>
        <!-- <AttributeService Binding="{SOAP}" Location="{bc}/idp/profile/SAML2/SOAP/AttributeQuery"/> -->
        <!-- If you uncomment the above you should add {SAML2P} to the protocolSupportEnumeration above -->

    </AttributeAuthorityDescriptor>

</EntityDescriptor>"""
    return "\n".join((indent + line) if line.strip() and indent else line for line in text.split("\n")) \
        if indent else text


def shibboleth():
    return XML_DECL + "\n" + SHIB_HEADER + shibboleth_entity() + "\n"


def simplesamlphp(root_attrs=""):
    """SimpleSAMLphp 1.19 saml2/idp/metadata.php for a hosted IdP (saml20-idp-hosted.php with defaults): md: and
    ds: on the root, two spaces of indent, the same certificate as signing and encryption KeyDescriptor, SLO and
    SSO HTTP-Redirect only, NameIDFormat transient, the technical contact from config.php. With metadata.valid /
    metadata.cacheDuration configured it adds validUntil / cacheDuration to the EntityDescriptor."""
    def kd(use):
        return f"""    <md:KeyDescriptor use="{use}">
      <ds:KeyInfo xmlns:ds="{DS}">
        <ds:X509Data>
          <ds:X509Certificate>{b64("simplesamlphp.crt")}</ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
"""
    return (f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID="{SSP_ENTITY}"{root_attrs}>
  <md:IDPSSODescriptor protocolSupportEnumeration="{SAML2P}">
""" + kd("signing") + kd("encryption") + f"""    <md:SingleLogoutService Binding="{REDIRECT}" Location="{SSP_BASE}/saml2/idp/SingleLogoutService.php"/>
    <md:NameIDFormat>{TRANSIENT}</md:NameIDFormat>
    <md:SingleSignOnService Binding="{REDIRECT}" Location="{SSP_BASE}/saml2/idp/SSOService.php"/>
  </md:IDPSSODescriptor>
  <md:ContactPerson contactType="technical">
    <md:GivenName>Administrator</md:GivenName>
    <md:EmailAddress>mailto:na@example.org</md:EmailAddress>
  </md:ContactPerson>
</md:EntityDescriptor>
""")


def keycloak():
    """Keycloak realm descriptor, /realms/<realm>/protocol/saml/descriptor (the JBoss SAML writer of Keycloak
    14-20): md:EntitiesDescriptor Name="urn:keycloak" wrapping one md:EntityDescriptor, both re-declaring the same
    four namespaces; KeyName = the key ID; order ArtifactResolutionService, SLO (POST, Redirect, Artifact, SOAP),
    NameIDFormats (persistent, transient, unspecified, email), SSO (POST, Redirect, SOAP, Artifact) as
    IDPMetadataDescriptor.java adds them."""
    ns = f'xmlns="{MD}" xmlns:md="{MD}" xmlns:saml="{SAML}" xmlns:ds="{DS}"'
    slo = "".join(f'\n      <md:SingleLogoutService Binding="{b}" Location="{KC_PROTOCOL}"/>'
                  for b in (POST, REDIRECT, ARTIFACT, SOAP))
    nameids = "".join(f"\n      <md:NameIDFormat>{f}</md:NameIDFormat>" for f in (PERSISTENT, TRANSIENT, UNSPECIFIED, EMAIL))
    sso = "".join(f'\n      <md:SingleSignOnService Binding="{b}" Location="{KC_PROTOCOL}"/>'
                  for b in (POST, REDIRECT, SOAP, ARTIFACT))
    return f"""<md:EntitiesDescriptor {ns} Name="urn:keycloak">
  <md:EntityDescriptor {ns} entityID="{KC_ENTITY}">
    <md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="{SAML2P}">
      <md:KeyDescriptor use="signing">
        <ds:KeyInfo>
          <ds:KeyName>{keycloak_kid("keycloak.crt")}</ds:KeyName>
          <ds:X509Data>
            <ds:X509Certificate>{b64("keycloak.crt")}</ds:X509Certificate>
          </ds:X509Data>
        </ds:KeyInfo>
      </md:KeyDescriptor>
      <md:ArtifactResolutionService Binding="{SOAP}" Location="{KC_PROTOCOL}/resolve" index="0"></md:ArtifactResolutionService>{slo}{nameids}{sso}
    </md:IDPSSODescriptor>
  </md:EntityDescriptor>
</md:EntitiesDescriptor>"""


def university_sp_entity(indent=""):
    """A Shibboleth SP 3 (Shibboleth.sso/Metadata) entity: SPSSODescriptor only, KeyDescriptor without `use`."""
    cert = b64("sp-rsa2048.crt", 64, "\n", "\n          ")
    acs = [(POST, "SAML2/POST", 1), (SIMPLESIGN, "SAML2/POST-SimpleSign", 2), (ARTIFACT, "SAML2/Artifact", 3),
           (SAML1_BROWSER_POST, "SAML/POST", 4)]
    acs_xml = "".join(f'\n    <md:AssertionConsumerService Binding="{b}" Location="{UNI_SP}/{p}" index="{i}"/>'
                      for b, p, i in acs)
    text = f"""<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID="{UNI_SP_ENTITY}">
  <md:SPSSODescriptor protocolSupportEnumeration="{SAML2P} {SAML11P} {SAML10P}">
    <md:KeyDescriptor>
      <ds:KeyInfo>
        <ds:KeyName>sp.university.example</ds:KeyName>
        <ds:X509Data>
          <ds:X509Certificate>{cert}</ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleLogoutService Binding="{REDIRECT}" Location="{UNI_SP}/SLO/Redirect"/>
    <md:SingleLogoutService Binding="{POST}" Location="{UNI_SP}/SLO/POST"/>{acs_xml}
  </md:SPSSODescriptor>
</md:EntityDescriptor>"""
    if not indent:
        return text
    # The certificate's own lines stay at column 0 (whitespace in base64 is insignificant either way).
    lines = text.split("\n")
    return "\n".join(line if (not line.strip() or re.fullmatch(r"[A-Za-z0-9+/=]+", line)) else indent + line
                     for line in lines)


def aggregate():
    """A federation aggregate (InCommon / eduGAIN style): an EntitiesDescriptor with Name, ID, validUntil and
    cacheDuration holding Okta's EntityDescriptor (with its own, shorter cacheDuration) and a nested
    EntitiesDescriptor (tighter validUntil and cacheDuration) with the Shibboleth IdP and a Shibboleth SP."""
    return (f"""{XML_DECL}
<md:EntitiesDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" Name="{AGGREGATE_NAME}" ID="{AGGREGATE_ID}" validUntil="{AGGREGATE_VALID_UNTIL}" cacheDuration="{AGGREGATE_CACHE}">
  <!-- {OKTA_ENTITY} -->
  """ + okta_entity(extra_attrs=f' cacheDuration="{OKTA_IN_AGGREGATE_CACHE}"') + f"""
  <md:EntitiesDescriptor Name="{UNIVERSITY_GROUP}" validUntil="{UNIVERSITY_VALID_UNTIL}" cacheDuration="{UNIVERSITY_CACHE}">
    <!-- {SHIB_ENTITY} -->
""" + shibboleth_entity(indent="    ") + f"""
    <!-- {UNI_SP_ENTITY} -->
""" + university_sp_entity(indent="    ") + """
  </md:EntitiesDescriptor>
</md:EntitiesDescriptor>
""")


def webex_sp():
    """SP metadata as Webex Control Hub hands it out (Management > Security > SSO > "Download Metadata File"): the
    idbroker is OpenAM-based, so it is OpenAM's SP export — default namespace, four-space indent, certificates in
    76-column lines after a line break, EncryptionMethod in the encryption KeyDescriptor, SLO Redirect with
    ResponseLocation and SOAP, ACS HTTP-POST index 0 isDefault="true" and HTTP-Artifact index 1."""
    def kd(use, cert, extra=""):
        return f"""        <KeyDescriptor use="{use}">
            <ds:KeyInfo xmlns:ds="{DS}">
                <ds:X509Data>
                    <ds:X509Certificate>{b64(cert, 76, chr(10), chr(10))}</ds:X509Certificate>
                </ds:X509Data>
            </ds:KeyInfo>{extra}
        </KeyDescriptor>
"""
    enc = f"""
            <EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc">
                <xenc:KeySize xmlns:xenc="{XENC}">128</xenc:KeySize>
            </EncryptionMethod>"""
    nameids = "".join(f"        <NameIDFormat>{f}</NameIDFormat>\n"
                      for f in (PERSISTENT, TRANSIENT, EMAIL, UNSPECIFIED, X509_SUBJECT))
    return (f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<EntityDescriptor entityID="{WEBEX_ENTITY}" xmlns="{MD}">
    <SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="{SAML2P}">
""" + kd("signing", "sp-rsa2048.crt") + kd("encryption", "sp-enc-rsa2048.crt", enc) +
            f"""        <SingleLogoutService Binding="{REDIRECT}" Location="{WEBEX_SLO_REDIRECT}" ResponseLocation="{WEBEX_SLO_REDIRECT}"/>
        <SingleLogoutService Binding="{SOAP}" Location="{WEBEX_SLO_SOAP}"/>
""" + nameids + f"""        <AssertionConsumerService index="0" isDefault="true" Binding="{POST}" Location="{WEBEX_ACS}"/>
        <AssertionConsumerService index="1" Binding="{ARTIFACT}" Location="{WEBEX_ACS}"/>
    </SPSSODescriptor>
</EntityDescriptor>
""")


# ---------------------------------------------------------------------------------------------------------------
# Hostile documents
# ---------------------------------------------------------------------------------------------------------------
def doctype_xxe():
    body = okta_entity().replace(f'entityID="{OKTA_ENTITY}"', 'entityID="&xxe;"', 1)
    return (XML_DECL + '\n<!DOCTYPE md:EntityDescriptor [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
            + body + "\n")


def entity_bomb():
    decls = ['  <!ENTITY lol "lol">']
    decls += [f'  <!ENTITY lol{i} "' + f"&lol{i - 1 if i > 1 else ''};" * 10 + '">' for i in range(1, 10)]
    body = okta_entity().replace(f'entityID="{OKTA_ENTITY}"', 'entityID="&lol9;"', 1)
    return XML_DECL + "\n<!DOCTYPE md:EntityDescriptor [\n" + "\n".join(decls) + "\n]>\n" + body + "\n"


def doctype_plain():
    return XML_DECL + "<!DOCTYPE md:EntityDescriptor [\n  <!ELEMENT md:EntityDescriptor ANY>\n]>" + okta_entity()


TRUNCATE_AT = f'<md:SingleSignOnService Binding="{REDIRECT}"'


def truncated():
    text = okta()
    cut = text.index(TRUNCATE_AT) + len('<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bind')
    return text[:cut]


def not_xml():
    """The mistake an admin makes: the tenant's OpenID Connect discovery document instead of SAML metadata."""
    v2 = f"https://login.microsoftonline.com/{TENANT}/v2.0"
    doc = {
        "token_endpoint": f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": f"https://login.microsoftonline.com/{TENANT}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": v2,
        "authorization_endpoint": f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/authorize",
        "end_session_endpoint": f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/logout",
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username",
                             "name", "tid", "ver", "at_hash", "c_hash", "email"],
        "tenant_region_scope": "EU",
    }
    return json.dumps(doc, indent=2) + "\n"


def wrong_namespace():
    return XML_DECL + okta_entity(ns=MD_SAML1)


DEEP = 10_000


def deep_nesting():
    entity = okta_entity()
    head, idpsso = entity.split("<md:IDPSSODescriptor", 1)
    return (XML_DECL + "\n" + head + "<md:Extensions>" * DEEP + "</md:Extensions>" * DEEP
            + "<md:IDPSSODescriptor" + idpsso + "\n")


NOT_A_CERTIFICATE = base64.b64encode(
    b"This is not a DER-encoded X.509 certificate. It is plain ASCII text that happens to be valid base64 "
    b"once encoded, so only parsing it as a certificate can tell that it is not one.").decode()


def bad_certificate():
    wrapped = "\n".join(NOT_A_CERTIFICATE[i:i + 76] for i in range(0, len(NOT_A_CERTIFICATE), 76))
    return okta(cert_text=wrapped)


JAVASCRIPT = "javascript:alert(1)"


def javascript_location():
    return okta(sso=[(POST, OKTA_SSO), (REDIRECT, JAVASCRIPT)])


def no_idpsso():
    return XML_DECL + "\n" + university_sp_entity() + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Expected values
# ---------------------------------------------------------------------------------------------------------------
def ep(binding, location, response=None):
    e = {"binding": binding, "location": location}
    if response is not None:
        e["responseLocation"] = response
    return e


def idp(entity_id, sso, slo, signing, encryption, nameids, want=False, valid_until=None, cache=None, **extra):
    d = {"role": "IdP", "entityID": entity_id,
         "singleSignOnServices": [ep(*e) for e in sso], "singleLogoutServices": [ep(*e) for e in slo],
         "signingCertificates": signing, "encryptionCertificates": encryption, "nameIDFormats": nameids,
         "wantAuthnRequestsSigned": want, "validUntil": valid_until, "cacheDuration": cache,
         "cacheDurationSeconds": duration_seconds(cache) if cache else None}
    d.update(extra)
    return d


def sp(entity_id, acs, slo, signing, encryption, nameids, authn_signed, want_signed, valid_until=None, cache=None,
       **extra):
    d = {"role": "SP", "entityID": entity_id,
         "assertionConsumerServices": [{"binding": b, "location": loc, "index": i, "isDefault": dflt}
                                       for b, loc, i, dflt in acs],
         "singleLogoutServices": [ep(*e) for e in slo],
         "authnRequestsSigned": authn_signed, "wantAssertionsSigned": want_signed,
         "signingCertificates": signing, "encryptionCertificates": encryption, "nameIDFormats": nameids,
         "validUntil": valid_until, "cacheDuration": cache,
         "cacheDurationSeconds": duration_seconds(cache) if cache else None}
    d.update(extra)
    return d


def azure_expected(signed):
    return idp(AZURE_ENTITY, [(REDIRECT, AZURE_SAML2), (POST, AZURE_SAML2)], [(REDIRECT, AZURE_SAML2)],
               ["idp-rsa2048.crt", "idp-rsa2048-next.crt"], [], [],
               signature={"signedBy": "idp-rsa2048.crt", "referenceURI": f"#{AZURE_ID}",
                          "verifyWith": "xmlsec1 --verify --enabled-key-data raw-x509-cert --pubkey-cert-pem "
                                        "Fixtures/keys/idp-rsa2048.crt --id-attr:ID "
                                        f"{MD}:EntityDescriptor Fixtures/metadata/azure-ad.xml"} if signed else None,
               notes="Only the IDPSSODescriptor's KeyDescriptors count. The two RoleDescriptors "
                     "(fed:SecurityTokenServiceType, fed:ApplicationServiceType) are WS-Federation roles whose "
                     "KeyDescriptors must NOT be taken as the IdP's SAML signing certificates: the STS "
                     f"RoleDescriptor's is {DECOY} (a decoy; a parser that returns it trusts the attacker). "
                     "Two signing certificates: the current and the next one (rollover), in document order. "
                     "No NameIDFormat, no WantAuthnRequestsSigned (default false)."
                     + ("" if signed else " Byte-identical to azure-ad.xml with the Signature element cut out."))


SHIB_H = f"https://{SHIB_HOST}"
SHIB_BC = f"https://{SHIB_HOST}:8443"
SHIB_SSO = [(SHIB_AUTHN_REQUEST, f"{SHIB_H}/idp/profile/Shibboleth/SSO"),
            (POST, f"{SHIB_H}/idp/profile/SAML2/POST/SSO"),
            (SIMPLESIGN, f"{SHIB_H}/idp/profile/SAML2/POST-SimpleSign/SSO"),
            (REDIRECT, f"{SHIB_H}/idp/profile/SAML2/Redirect/SSO"),
            (SOAP, f"{SHIB_H}/idp/profile/SAML2/SOAP/ECP")]
SHIB_SLO = [(REDIRECT, f"{SHIB_H}/idp/profile/SAML2/Redirect/SLO"),
            (POST, f"{SHIB_H}/idp/profile/SAML2/POST/SLO"),
            (SIMPLESIGN, f"{SHIB_H}/idp/profile/SAML2/POST-SimpleSign/SLO"),
            (SOAP, f"{SHIB_BC}/idp/profile/SAML2/SOAP/SLO")]
SHIB_NOTES = ("protocolSupportEnumeration lists SAML 2.0, SAML 1.1 and Shibboleth 1.0: the descriptor supports "
              "SAML 2.0. Every SingleSignOnService of the IDPSSODescriptor is listed in document order, including "
              "the SAML 1 Shibboleth AuthnRequest binding (an SP picks by binding). The KeyDescriptor has no `use`: "
              "its certificate counts as signing and encryption. ArtifactResolutionService and the "
              "AttributeAuthorityDescriptor (and its KeyDescriptor) are not part of the values. The certificate "
              "text has line breaks and indentation. No NameIDFormat.")
OKTA_SSO_EP = [(POST, OKTA_SSO), (REDIRECT, OKTA_SSO)]


def okta_expected(**kw):
    return idp(OKTA_ENTITY, OKTA_SSO_EP, [], ["okta.crt"], [], [UNSPECIFIED, EMAIL], False, **kw)


def shib_expected(**kw):
    return idp(SHIB_ENTITY, SHIB_SSO, SHIB_SLO, ["shibboleth.crt"], ["shibboleth.crt"], [], False, **kw)


UNI_SP_ACS = [(POST, f"{UNI_SP}/SAML2/POST", 1, None), (SIMPLESIGN, f"{UNI_SP}/SAML2/POST-SimpleSign", 2, None),
              (ARTIFACT, f"{UNI_SP}/SAML2/Artifact", 3, None), (SAML1_BROWSER_POST, f"{UNI_SP}/SAML/POST", 4, None)]
UNI_SP_SLO = [(REDIRECT, f"{UNI_SP}/SLO/Redirect"), (POST, f"{UNI_SP}/SLO/POST")]


def uni_sp_expected(**kw):
    return sp(UNI_SP_ENTITY, UNI_SP_ACS, UNI_SP_SLO, ["sp-rsa2048.crt"], ["sp-rsa2048.crt"], [], False, False, **kw)


SSP_SSO = [(REDIRECT, f"{SSP_BASE}/saml2/idp/SSOService.php")]
SSP_SLO = [(REDIRECT, f"{SSP_BASE}/saml2/idp/SingleLogoutService.php")]


def expected_files():
    files = {}
    files["azure-ad.xml"] = azure_expected(True)
    files["azure-ad-unsigned.xml"] = azure_expected(False)
    files["adfs.xml"] = idp(
        ADFS_ENTITY, [(REDIRECT, ADFS_LS), (POST, ADFS_LS)], [(REDIRECT, ADFS_LS), (POST, ADFS_LS)],
        ["adfs.crt"], ["adfs.crt"], [EMAIL, PERSISTENT, TRANSIENT], False,
        signature={"signedBy": "adfs.crt", "referenceURI": f"#{ADFS_ID}"},
        notes="Only the IDPSSODescriptor's KeyDescriptors count. The RoleDescriptors (WS-Trust/WS-Federation) "
              f"and the SPSSODescriptor (ADFS as a relying party, listed BEFORE the IDPSSODescriptor) carry their "
              f"own KeyDescriptors that must NOT be taken as the IdP's: the SPSSODescriptor's are {DECOY} (a "
              "decoy). In the IDPSSODescriptor the encryption KeyDescriptor comes first; a parser that takes the "
              "first KeyDescriptor as the signing one is wrong by luck only here (same certificate), which "
              "signing/encryption lists make visible. The saml:Attribute children of the IDPSSODescriptor are "
              "ignored. Signed at the root with adfs.key (rsa-sha256); verify with Fixtures/keys/adfs.crt.",
        asSP=sp(ADFS_ENTITY, [(POST, ADFS_LS, 0, True), (ARTIFACT, ADFS_LS, 1, None), (REDIRECT, ADFS_LS, 2, None)],
                [(REDIRECT, ADFS_LS), (POST, ADFS_LS)], [DECOY], [DECOY], [EMAIL, PERSISTENT, TRANSIENT],
                False, True))
    files["okta.xml"] = okta_expected(
        notes="WantAuthnRequestsSigned=\"false\" explicitly. No SingleLogoutService (Okta lists one only when "
              "SLO is enabled for the app). The certificate is in 76-column lines.")
    files["shibboleth.xml"] = shib_expected(notes=SHIB_NOTES)
    files["simplesamlphp.xml"] = idp(
        SSP_ENTITY, SSP_SSO, SSP_SLO, ["simplesamlphp.crt"], ["simplesamlphp.crt"], [TRANSIENT], False,
        notes="Same certificate in a use=\"signing\" and a use=\"encryption\" KeyDescriptor. http:// endpoints on "
              "127.0.0.1 are valid endpoint URLs.")
    files["keycloak.xml"] = idp(
        KC_ENTITY, [(POST, KC_PROTOCOL), (REDIRECT, KC_PROTOCOL), (SOAP, KC_PROTOCOL), (ARTIFACT, KC_PROTOCOL)],
        [(POST, KC_PROTOCOL), (REDIRECT, KC_PROTOCOL), (ARTIFACT, KC_PROTOCOL), (SOAP, KC_PROTOCOL)],
        ["keycloak.crt"], [], [PERSISTENT, TRANSIENT, UNSPECIFIED, EMAIL], True,
        notes="The root is an md:EntitiesDescriptor (Name=\"urn:keycloak\") with exactly one EntityDescriptor: "
              "selection without an entityID must pick it. ds:KeyName precedes ds:X509Data in the KeyInfo. "
              "ArtifactResolutionService is not an SSO/SLO endpoint.")
    files["aggregate.xml"] = {
        "role": "aggregate",
        "entitiesDescriptors": [
            {"name": AGGREGATE_NAME, "validUntil": AGGREGATE_VALID_UNTIL, "cacheDuration": AGGREGATE_CACHE},
            {"name": UNIVERSITY_GROUP, "validUntil": UNIVERSITY_VALID_UNTIL, "cacheDuration": UNIVERSITY_CACHE}],
        "entityIDs": [OKTA_ENTITY, SHIB_ENTITY, UNI_SP_ENTITY],
        "entities": {
            OKTA_ENTITY: okta_expected(valid_until=AGGREGATE_VALID_UNTIL, cache=OKTA_IN_AGGREGATE_CACHE),
            SHIB_ENTITY: shib_expected(valid_until=UNIVERSITY_VALID_UNTIL, cache=UNIVERSITY_CACHE),
            UNI_SP_ENTITY: {"expected": "missingIDPSSODescriptor",
                            "asSP": uni_sp_expected(valid_until=UNIVERSITY_VALID_UNTIL, cache=UNIVERSITY_CACHE)},
        },
        "selections": [
            {"entityID": None, "as": "IdP", "expected": "ambiguousEntity", "candidates": [OKTA_ENTITY, SHIB_ENTITY]},
            {"entityID": UNKNOWN_ENTITY, "as": "IdP", "expected": "entityNotFound"},
            {"entityID": UNI_SP_ENTITY, "as": "IdP", "expected": "missingIDPSSODescriptor"},
            {"entityID": None, "as": "SP", "selects": UNI_SP_ENTITY},
        ],
        "notes": "validUntil / cacheDuration of each entity are the effective ones: the tightest (earliest "
                 "validUntil, shortest cacheDuration) of the EntityDescriptor's own and every enclosing "
                 f"EntitiesDescriptor's. Okta: validUntil from the outer group, cacheDuration {OKTA_IN_AGGREGATE_CACHE} "
                 f"its own. Shibboleth IdP and SP: both from the nested group. Without an entityID the document is "
                 "ambiguous for an IdP (two EntityDescriptors with an IDPSSODescriptor); the SP-only entity is "
                 "the only SP, so SP parsing without an entityID selects it.",
    }
    files["validity.xml"] = idp(
        SSP_ENTITY, SSP_SSO, SSP_SLO, ["simplesamlphp.crt"], ["simplesamlphp.crt"], [TRANSIENT], False,
        valid_until=VALIDITY_VALID_UNTIL, cache=VALIDITY_CACHE,
        notes="simplesamlphp.xml with metadata.valid and metadata.cacheDuration configured: validUntil and "
              "cacheDuration on the EntityDescriptor. Not expired at the tests' fixed NOW (2026-12-01T12:00:00Z); "
              "expired from 2027-06-30T00:00:00Z on (metadataExpired).")
    files["webex-sp.xml"] = sp(
        WEBEX_ENTITY, [(POST, WEBEX_ACS, 0, True), (ARTIFACT, WEBEX_ACS, 1, None)],
        [(REDIRECT, WEBEX_SLO_REDIRECT, WEBEX_SLO_REDIRECT), (SOAP, WEBEX_SLO_SOAP)],
        ["sp-rsa2048.crt"], ["sp-enc-rsa2048.crt"], [PERSISTENT, TRANSIENT, EMAIL, UNSPECIFIED, X509_SUBJECT],
        True, True,
        notes="SP metadata: parse it as an SP (IdP parsing throws missingIDPSSODescriptor). isDefault is null "
              "where the attribute is absent; the default ACS is index 0 (HTTP-POST). The encryption "
              "KeyDescriptor also carries an md:EncryptionMethod (aes128-cbc), which is not a certificate. "
              "The Redirect SingleLogoutService has a ResponseLocation.",
        asIdP={"expected": "missingIDPSSODescriptor"})
    # Hostile
    files["doctype-xxe.xml"] = {"expected": "doctypeForbidden",
                                "notes": "DOCTYPE declaring an external entity (file:///etc/passwd) used as the "
                                         "entityID. Must be rejected before any entity is resolved."}
    files["entity-bomb.xml"] = {"expected": "doctypeForbidden",
                                "notes": "Billion laughs: lol9 expands to 10^9 \"lol\" (3 GB) in the entityID. "
                                         "Must be rejected at the DOCTYPE, before any expansion."}
    files["doctype-plain.xml"] = {"expected": "doctypeForbidden",
                                  "notes": "A harmless internal subset (one ELEMENT declaration) before a valid "
                                           "Okta document: any DOCTYPE is rejected, not only dangerous ones."}
    files["no-idpsso.xml"] = {"expected": "missingIDPSSODescriptor",
                              "notes": "Well-formed metadata with only an SPSSODescriptor (a Shibboleth SP).",
                              "asSP": uni_sp_expected()}
    files["truncated.xml"] = {"expected": "malformedXML",
                              "notes": "okta.xml cut inside the Binding attribute of the second "
                                       "SingleSignOnService."}
    files["not-xml.txt"] = {"expected": "malformedXML",
                            "notes": "JSON (an OpenID Connect discovery document), not XML."}
    files["wrong-namespace.xml"] = {"expected": "unexpectedRoot", "namespace": MD_SAML1, "name": "EntityDescriptor",
                                    "notes": "okta.xml with every md: element in urn:oasis:names:tc:SAML:1.0:metadata."}
    files["deep-nesting.xml"] = {"expected": "documentTooDeep", "depth": DEEP + 1,
                                 "notes": f"md:Extensions nested {DEEP} levels inside the EntityDescriptor, then a "
                                          "valid IDPSSODescriptor: only a depth limit rejects it."}
    files["empty.xml"] = {"expected": "emptyInput", "notes": "Zero bytes."}
    files["bad-certificate.xml"] = {"expected": "invalidCertificate",
                                    "notes": "okta.xml whose X509Certificate is valid base64 of ASCII text, not "
                                             "a DER certificate."}
    files["javascript-location.xml"] = {"expected": "invalidEndpointURL", "location": JAVASCRIPT,
                                        "notes": "okta.xml whose second SingleSignOnService (HTTP-Redirect) has "
                                                 "Location=\"javascript:alert(1)\"; the first (HTTP-POST) is "
                                                 "valid. Every endpoint is checked, not only the one used."}
    return files


def expected_document():
    return {
        "description": "Values a SAML metadata parser must extract from each file in this folder (role \"IdP\": "
                       "IdPMetadata; \"SP\": SPMetadata), or the SAMLError case it must throw (\"expected\"). "
                       "Generated by Fixtures/scripts/make_metadata.py; see README.md.",
        "conventions": [
            "Certificates are named by their file in Fixtures/keys/; `certificates` maps each name to the SHA-256 "
            "of its DER. Lists are in document order, without duplicates.",
            "Only the role descriptor being read counts (IDPSSODescriptor for an IdP, SPSSODescriptor for an SP), "
            "the first one whose protocolSupportEnumeration contains urn:oasis:names:tc:SAML:2.0:protocol. "
            "KeyDescriptors of RoleDescriptor, SPSSODescriptor (when reading an IdP), AttributeAuthorityDescriptor "
            "etc. are never the IdP's certificates.",
            "A KeyDescriptor without `use` counts as both signing and encryption.",
            "Endpoints are {binding, location}, plus responseLocation only when the element has a "
            "ResponseLocation. ACS entries carry index and isDefault (null when the attribute is absent).",
            "wantAuthnRequestsSigned / authnRequestsSigned / wantAssertionsSigned default to false when absent.",
            "validUntil / cacheDuration are the strings in the document (null when absent), the tightest of the "
            "entity's and its enclosing EntitiesDescriptors'; cacheDurationSeconds is cacheDuration in seconds.",
            "Hostile files: `expected` is the SAMLError case for IdP parsing without an entityID.",
        ],
        "certificates": fingerprints(),
        "files": expected_files(),
    }


# ---------------------------------------------------------------------------------------------------------------
# Independent check of expected.json (lxml)
# ---------------------------------------------------------------------------------------------------------------
def duration_seconds(text):
    m = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?", text)
    if not m or text in ("P", "PT"):
        raise ValueError(text)
    d, h, mi, s = m.groups()
    total = int(d or 0) * 86400 + int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0)
    return int(total) if total == int(total) else total


def parse_instant(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def q(local, ns=MD):
    return f"{{{ns}}}{local}"


def lxml_parse(path):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_blank_text=False)
    return etree.parse(str(path), parser).getroot()


def collect_entities(root):
    found = []

    def visit(node, valid, cache):
        v = node.get("validUntil")
        c = node.get("cacheDuration")
        if v is not None and (valid is None or parse_instant(v) < parse_instant(valid)):
            valid = v
        if c is not None and (cache is None or duration_seconds(c) < duration_seconds(cache)):
            cache = c
        if node.tag == q("EntityDescriptor"):
            found.append((node, valid, cache))
        elif node.tag == q("EntitiesDescriptor"):
            for child in node:
                if child.tag in (q("EntityDescriptor"), q("EntitiesDescriptor")):
                    visit(child, valid, cache)
    if root.tag not in (q("EntityDescriptor"), q("EntitiesDescriptor")):
        raise ValueError(f"unexpected root {root.tag}")
    visit(root, None, None)
    return found


def role(entity, name):
    for child in entity:
        if child.tag == q(name) and SAML2P in (child.get("protocolSupportEnumeration") or "").split():
            return child
    return None


def certs_of(descriptor, names_by_fp):
    signing, encryption = [], []
    for kd in descriptor.findall(q("KeyDescriptor")):
        use = kd.get("use")
        for x in kd.findall(f"{q('KeyInfo', DS)}/{q('X509Data', DS)}/{q('X509Certificate', DS)}"):
            fp = hashlib.sha256(base64.b64decode("".join(x.text.split()), validate=True)).hexdigest()
            name = names_by_fp[fp]
            if use in (None, "signing") and name not in signing:
                signing.append(name)
            if use in (None, "encryption") and name not in encryption:
                encryption.append(name)
    return signing, encryption


def endpoints(descriptor, name):
    out = []
    for e in descriptor.findall(q(name)):
        loc = e.get("Location")
        if not re.match(r"(?i)https?://[^/\s]+", loc):
            raise ValueError(f"invalid endpoint {loc}")
        out.append(ep(e.get("Binding"), loc, e.get("ResponseLocation")))
    return out


def flag(node, attr):
    return (node.get(attr) or "").strip() in ("true", "1")


def common(entity, descriptor, valid, cache, names_by_fp):
    signing, encryption = certs_of(descriptor, names_by_fp)
    return {"signingCertificates": signing, "encryptionCertificates": encryption,
            "nameIDFormats": [(n.text or "").strip() for n in descriptor.findall(q("NameIDFormat"))],
            "validUntil": valid, "cacheDuration": cache,
            "cacheDurationSeconds": duration_seconds(cache) if cache else None}


def read_idp(entity, valid, cache, names_by_fp):
    d = role(entity, "IDPSSODescriptor")
    if d is None:
        return {"expected": "missingIDPSSODescriptor"}
    out = {"role": "IdP", "entityID": entity.get("entityID"),
           "singleSignOnServices": endpoints(d, "SingleSignOnService"),
           "singleLogoutServices": endpoints(d, "SingleLogoutService"),
           "wantAuthnRequestsSigned": flag(d, "WantAuthnRequestsSigned")}
    out.update(common(entity, d, valid, cache, names_by_fp))
    return out


def read_sp(entity, valid, cache, names_by_fp):
    d = role(entity, "SPSSODescriptor")
    if d is None:
        return {"expected": "missingSPSSODescriptor"}
    acs = []
    for e in d.findall(q("AssertionConsumerService")):
        dflt = e.get("isDefault")
        acs.append({"binding": e.get("Binding"), "location": e.get("Location"), "index": int(e.get("index")),
                    "isDefault": None if dflt is None else dflt in ("true", "1")})
    out = {"role": "SP", "entityID": entity.get("entityID"), "assertionConsumerServices": acs,
           "singleLogoutServices": endpoints(d, "SingleLogoutService"),
           "authnRequestsSigned": flag(d, "AuthnRequestsSigned"),
           "wantAssertionsSigned": flag(d, "WantAssertionsSigned")}
    out.update(common(entity, d, valid, cache, names_by_fp))
    return out


VALUE_KEYS_IDP = ["role", "entityID", "singleSignOnServices", "singleLogoutServices", "signingCertificates",
                  "encryptionCertificates", "nameIDFormats", "wantAuthnRequestsSigned", "validUntil",
                  "cacheDuration", "cacheDurationSeconds"]
VALUE_KEYS_SP = ["role", "entityID", "assertionConsumerServices", "singleLogoutServices", "authnRequestsSigned",
                 "wantAssertionsSigned", "signingCertificates", "encryptionCertificates", "nameIDFormats",
                 "validUntil", "cacheDuration", "cacheDurationSeconds"]


def same(label, expected, actual):
    if "expected" in expected:
        ok = actual.get("expected") == expected["expected"]
    else:
        keys = VALUE_KEYS_IDP if expected["role"] == "IdP" else VALUE_KEYS_SP
        ok = all(expected[k] == actual.get(k) for k in keys)
        for k in keys:
            if expected[k] != actual.get(k):
                print(f"  {label}: {k}: expected {expected[k]!r}, read {actual.get(k)!r}", file=sys.stderr)
    if not ok:
        sys.exit(f"FAILED: expected.json disagrees with {label} as read by lxml")


def check_expected(doc):
    names_by_fp = {fp: name for name, fp in doc["certificates"].items()}
    if len(names_by_fp) != len(doc["certificates"]):
        sys.exit("FAILED: two key files hold the same certificate")
    files = doc["files"]

    def select(entities, entity_id, reader):
        if entity_id is not None:
            for e, v, c in entities:
                if e.get("entityID") == entity_id:
                    return reader(e, v, c, names_by_fp)
            return {"expected": "entityNotFound"}
        results = [reader(e, v, c, names_by_fp) for e, v, c in entities]
        ok = [r for r in results if "expected" not in r]
        if len(ok) == 1:
            return ok[0]
        return {"expected": "ambiguousEntity" if ok else results[0]["expected"],
                "candidates": [r["entityID"] for r in ok]}

    for name, exp in files.items():
        path = OUT / name
        if "expected" in exp and name != "no-idpsso.xml":
            continue
        entities = collect_entities(lxml_parse(path))
        if name == "aggregate.xml":
            if [e.get("entityID") for e, _, _ in entities] != exp["entityIDs"]:
                sys.exit("FAILED: aggregate.xml entityIDs")
            for entity_id, values in exp["entities"].items():
                same(f"{name} [{entity_id}]", values, select(entities, entity_id, read_idp))
                if "asSP" in values:
                    same(f"{name} [{entity_id}] as SP", values["asSP"], select(entities, entity_id, read_sp))
            for s in exp["selections"]:
                reader = read_idp if s["as"] == "IdP" else read_sp
                got = select(entities, s["entityID"], reader)
                if "selects" in s:
                    if got.get("entityID") != s["selects"]:
                        sys.exit(f"FAILED: aggregate.xml selection {s}")
                elif got.get("expected") != s["expected"] or ("candidates" in s and got.get("candidates") != s["candidates"]):
                    sys.exit(f"FAILED: aggregate.xml selection {s}: read {got}")
            continue
        reader = read_sp if exp.get("role") == "SP" else read_idp
        same(name, exp, select(entities, None, reader))
        if "asSP" in exp:
            same(f"{name} as SP", exp["asSP"], select(entities, None, read_sp))
        if "asIdP" in exp:
            same(f"{name} as IdP", exp["asIdP"], select(entities, None, read_idp))

    # Hostile files: the one property each must have.
    def raw(n):
        return (OUT / n).read_bytes()
    for n in ("doctype-xxe.xml", "entity-bomb.xml", "doctype-plain.xml"):
        if b"<!DOCTYPE" not in raw(n):
            sys.exit(f"FAILED: {n} has no DOCTYPE")
    if b'SYSTEM "file:///etc/passwd"' not in raw("doctype-xxe.xml") or b'entityID="&xxe;"' not in raw("doctype-xxe.xml"):
        sys.exit("FAILED: doctype-xxe.xml")
    if raw("entity-bomb.xml").count(b"&lol8;") != 10:
        sys.exit("FAILED: entity-bomb.xml")
    # Without its DOCTYPE, doctype-plain.xml is okta.xml.
    plain = re.sub(rb"<!DOCTYPE.*?\]>", b"", raw("doctype-plain.xml"), flags=re.S)
    if plain != raw("okta.xml"):
        sys.exit("FAILED: doctype-plain.xml is not okta.xml plus a DOCTYPE")
    for n in ("truncated.xml", "not-xml.txt"):
        try:
            lxml_parse(OUT / n)
            sys.exit(f"FAILED: {n} parses as XML")
        except etree.XMLSyntaxError:
            pass
    if not raw("okta.xml").startswith(raw("truncated.xml")):
        sys.exit("FAILED: truncated.xml is not a prefix of okta.xml")
    json.loads(raw("not-xml.txt"))
    root = lxml_parse(OUT / "wrong-namespace.xml")
    if root.tag != q("EntityDescriptor", MD_SAML1):
        sys.exit("FAILED: wrong-namespace.xml root")
    deep = raw("deep-nesting.xml")
    if deep.count(b"<md:Extensions>") != DEEP or deep.count(b"</md:Extensions>") != DEEP:
        sys.exit("FAILED: deep-nesting.xml depth")
    if lxml_huge(OUT / "deep-nesting.xml") is None:
        sys.exit("FAILED: deep-nesting.xml is not well-formed")
    if raw("empty.xml") != b"":
        sys.exit("FAILED: empty.xml is not empty")
    bad = lxml_parse(OUT / "bad-certificate.xml").find(f".//{q('X509Certificate', DS)}").text
    blob = base64.b64decode("".join(bad.split()), validate=True)
    if run(["openssl", "x509", "-inform", "DER", "-noout"], input=blob).returncode == 0:
        sys.exit("FAILED: bad-certificate.xml holds a certificate")
    locations = [e.get("Location") for e in lxml_parse(OUT / "javascript-location.xml").iter(q("SingleSignOnService"))]
    if locations != [OKTA_SSO, JAVASCRIPT]:
        sys.exit("FAILED: javascript-location.xml")
    no_idp = collect_entities(lxml_parse(OUT / "no-idpsso.xml"))
    if len(no_idp) != 1 or role(no_idp[0][0], "IDPSSODescriptor") is not None:
        sys.exit("FAILED: no-idpsso.xml")
    # The signed files: Signature the first child of the root, one Reference to the root's ID.
    for n, ref in (("azure-ad.xml", AZURE_ID), ("adfs.xml", ADFS_ID)):
        r = lxml_parse(OUT / n)
        if r[0].tag != q("Signature", DS) or r.get("ID") != ref or \
                [x.get("URI") for x in r[0].iter(q("Reference", DS))] != [f"#{ref}"]:
            sys.exit(f"FAILED: {n} signature placement")
    if re.sub(r'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">.*?</Signature>', "",
              (OUT / "azure-ad.xml").read_text(), flags=re.S) != (OUT / "azure-ad-unsigned.xml").read_text():
        sys.exit("FAILED: azure-ad-unsigned.xml is not azure-ad.xml without its Signature")


def lxml_huge(path):
    try:
        return etree.parse(str(path), etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None


# ---------------------------------------------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------------------------------------------
README = """# Metadata fixtures

SAML 2.0 metadata for swift-saml's metadata tests: IdP metadata in the shapes six vendors publish, a federation
aggregate, SP metadata in the shape Cisco Webex hands out, and hostile documents. `expected.json` holds, for each
file, the exact values a parser must extract or the `SAMLError` case it must throw. **Generated** — do not edit the
files here; change `Fixtures/scripts/make_metadata.py` and rerun it from the repository root:

```sh
/usr/bin/python3 Fixtures/scripts/make_metadata.py
```

It needs Debian's Python 3 with `python3-lxml` (the `python3` of pyenv on PATH has no lxml), `xmlsec1` (1.2.37,
openssl) and `openssl`, and reads the certificates in `Fixtures/keys/` (never regenerated here; after
`make-keys.sh` rerun this). Every document is written from a template in the script with the certificates' base64
taken from the key files; nothing is copied from another project (the real-world documents in
`../shared/corpus/` (beside the repository) were only read to learn the shapes). A rerun rewrites identical bytes (RSA PKCS#1 v1.5
signatures are deterministic; nothing depends on time).

The script checks its own output before it finishes, and fails otherwise:

* `azure-ad.xml` verifies with
  `xmlsec1 --verify --enabled-key-data raw-x509-cert --pubkey-cert-pem Fixtures/keys/idp-rsa2048.crt --id-attr:ID urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor Fixtures/metadata/azure-ad.xml`
  (the KeyInfo in the document is ignored), `adfs.xml` likewise with `adfs.crt`; neither verifies with
  `attacker-rsa2048.crt`.
* Every valid file is read again with lxml by an independent implementation of the rules below, and the result
  must equal `expected.json`; each hostile file is checked for the one property it exists for.

## Valid documents

| file | shape it follows | what it exercises |
|---|---|---|
| `azure-ad.xml` | Entra ID (Azure AD) federation metadata, `https://login.microsoftonline.com/<tenant>/federationmetadata/2007-06/federationmetadata.xml`: one line, default namespaces, `EntityDescriptor ID=… entityID="https://sts.windows.net/<tenant>/"`, an enveloped `Signature` (unprefixed, dsig namespace) as first child, a `RoleDescriptor xsi:type="fed:SecurityTokenServiceType"` (KeyDescriptor, `fed:ClaimTypesOffered`, `fed:SecurityTokenServiceEndpoint`, `fed:PassiveRequestorEndpoint`) and a `fed:ApplicationServiceType` one (KeyDescriptors, `fed:TargetScopes`, `fed:ApplicationServiceEndpoint`, `fed:PassiveRequestorEndpoint`), then the `IDPSSODescriptor` with two signing KeyDescriptors (current and next certificate, as during a rollover), SLO Redirect and SSO Redirect + POST at `https://login.microsoftonline.com/<tenant>/saml2` | signed by the xmlsec1 CLI with `idp-rsa2048` (exc-c14n, rsa-sha256, sha256, KeyInfo/X509Certificate; SignatureValue and certificate on one line as Entra writes them); rollover: two signing certificates in order; the WS-Federation RoleDescriptors' KeyDescriptors are not the IdP's — **deliberate deviation**: the STS RoleDescriptor carries `attacker-rsa2048` (real metadata repeats the IdP's certificates there), so a parser that collects every KeyDescriptor trusts the attacker |
| `azure-ad-unsigned.xml` | `azure-ad.xml` with the `Signature` element cut out (byte-identical otherwise) | unsigned metadata for the tests that do not verify; "signature required" rejections |
| `adfs.xml` | ADFS 2016 `/FederationMetadata/2007-06/FederationMetadata.xml`: one line, root signed (`ds:` prefix), `RoleDescriptor`s `fed:ApplicationServiceType` (token-decrypting key, `fed:ClaimTypesRequested`, `fed:TargetScopes`, endpoints) and `fed:SecurityTokenServiceType` (token-signing key, `fed:TokenTypesOffered`, `fed:ClaimTypesOffered`, the mex endpoint), an `SPSSODescriptor` (ADFS is a relying party too) **before** the `IDPSSODescriptor`, KeyDescriptor `use="encryption"` listed before `use="signing"`, NameIDFormats emailAddress/persistent/transient, SLO and SSO Redirect + POST at `https://adfs.contoso.example/adfs/ls/`, the claims as `saml:Attribute` children, `Organization` and `ContactPerson` | signed with `adfs.key`; separate signing and encryption lists; the SPSSODescriptor's KeyDescriptors are not the IdP's — **deliberate deviation**: they carry `attacker-rsa2048` (real metadata repeats the ADFS certificates); `expected.json` also gives the values for reading it as an SP |
| `okta.xml` | Okta app "Identity Provider metadata" (`https://<org>.okta.com/app/<app>/sso/saml/metadata`): `md:` prefix, one line, `WantAuthnRequestsSigned="false"`, one `use="signing"` KeyDescriptor with the certificate in 76-column lines, NameIDFormat unspecified + emailAddress, SSO POST + Redirect | the simplest real IdP; no SLO |
| `shibboleth.xml` | Shibboleth IdP v4 `metadata/idp-metadata.xml` as the installer writes it: header comment, default namespace, `Extensions/shibmd:Scope`, mdui:UIInfo commented out, `protocolSupportEnumeration` SAML 2.0 + SAML 1.1 + `urn:mace:shibboleth:1.0`, back-channel endpoints on :8443, ArtifactResolutionService (SAML1 and SAML2), SLO Redirect/POST/POST-SimpleSign/SOAP, SSO Shibboleth 1.0 AuthnRequest/POST/POST-SimpleSign/Redirect/SOAP (ECP), an `AttributeAuthorityDescriptor` (SAML 1.1) | KeyDescriptor **without `use`** (as v2/v3 and federation registrars publish it): the certificate counts for signing and encryption; certificate text on 64-column lines with surrounding whitespace; comments between elements; a second role with its own KeyDescriptor |
| `simplesamlphp.xml` | SimpleSAMLphp 1.19 `saml2/idp/metadata.php` for a hosted IdP with defaults: `md:`/`ds:`, `entityID="http://127.0.0.1:9010/saml2/idp/metadata.php"`, the same certificate in a signing and an encryption KeyDescriptor, SLO and SSO Redirect, NameIDFormat transient, technical ContactPerson | http:// endpoints are valid; the same certificate in both lists |
| `keycloak.xml` | Keycloak realm descriptor `/realms/<realm>/protocol/saml/descriptor` (the JBoss SAML writer of Keycloak 14–20): `md:EntitiesDescriptor Name="urn:keycloak"` around one `md:EntityDescriptor`, both re-declaring the namespaces; `WantAuthnRequestsSigned="true"`; signing KeyDescriptor with `ds:KeyName` (the key ID: base64url SHA-256 of the public key) before `ds:X509Data`; ArtifactResolutionService; SLO POST/Redirect/Artifact/SOAP; NameIDFormats persistent/transient/unspecified/emailAddress; SSO POST/Redirect/SOAP/Artifact (the order `IDPMetadataDescriptor.java` adds them) | an EntitiesDescriptor root with a single entity is selected without an entityID; `wantAuthnRequestsSigned` true |
| `aggregate.xml` | a federation aggregate (InCommon/eduGAIN style): `md:EntitiesDescriptor` with Name, ID, `validUntil="2027-03-01T00:00:00Z"`, `cacheDuration="PT12H"`, holding Okta's EntityDescriptor (own `cacheDuration="PT1H"`) and a nested EntitiesDescriptor (`validUntil="2027-01-15T00:00:00Z"`, `cacheDuration="PT4H"`) with the Shibboleth IdP and a Shibboleth SP (SP-only entity) | selection by entityID works for both IdPs; without one it is `ambiguousEntity`; an unknown entityID is `entityNotFound`; the SP's entityID read as an IdP is `missingIDPSSODescriptor`; effective validUntil/cacheDuration are the tightest over the nesting |
| `validity.xml` | `simplesamlphp.xml` with `metadata.valid`/`metadata.cacheDuration` configured: `validUntil="2027-06-30T00:00:00Z" cacheDuration="PT6H"` on the EntityDescriptor | validity and caching (valid at the tests' NOW, 2026-12-01T12:00:00Z; `metadataExpired` after 2027-06-30) |
| `webex-sp.xml` | SP metadata as Webex Control Hub's "Download Metadata File" gives it (OpenAM-based idbroker): default namespace, `entityID="https://idbroker.webex.com/<org-id>"`, `SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true"`, KeyDescriptor signing (`sp-rsa2048`) and encryption (`sp-enc-rsa2048`, with an `EncryptionMethod`), SLO Redirect (with ResponseLocation) + SOAP, five NameIDFormats, ACS HTTP-POST index 0 `isDefault="true"` and HTTP-Artifact index 1 at `https://idbroker.webex.com/idb/Consumer/metaAlias/<org-id>/sp` | SP parsing: ACS index/isDefault (null when absent), the two flags, separate signing/encryption certificates, ResponseLocation |

## Hostile documents

`expected` in `expected.json` is the `SAMLError` case of IdP parsing without an entityID.

| file | expected | what it proves |
|---|---|---|
| `doctype-xxe.xml` | `doctypeForbidden` | a DOCTYPE declaring an external entity (`file:///etc/passwd`) used as the entityID is rejected before anything is resolved: no file read, no network |
| `entity-bomb.xml` | `doctypeForbidden` | billion laughs (10^9 expansions of "lol" in the entityID) is rejected at the DOCTYPE, before any expansion: no memory blow-up |
| `doctype-plain.xml` | `doctypeForbidden` | a harmless internal subset (one `ELEMENT` declaration) in front of a byte-identical `okta.xml`: every DOCTYPE is rejected, not only dangerous ones (DTD attribute defaults and ID declarations are an attack surface of their own) |
| `no-idpsso.xml` | `missingIDPSSODescriptor` | well-formed metadata with only an SPSSODescriptor is not IdP metadata (reading it as an SP works; `expected.json` has the values) |
| `truncated.xml` | `malformedXML` | `okta.xml` cut inside an attribute of the second SingleSignOnService: an interrupted download fails cleanly |
| `not-xml.txt` | `malformedXML` | JSON (an OpenID Connect discovery document — the wrong URL pasted by an admin) is rejected as not XML |
| `wrong-namespace.xml` | `unexpectedRoot` | `okta.xml` with every `md:` element in `urn:oasis:names:tc:SAML:1.0:metadata`: elements are matched by namespace, not by local name |
| `deep-nesting.xml` | `documentTooDeep` | `md:Extensions` nested 10,000 levels, followed by a valid IDPSSODescriptor: only the parser's depth limit stops it (no stack exhaustion) |
| `empty.xml` | `emptyInput` | zero bytes |
| `bad-certificate.xml` | `invalidCertificate` | `okta.xml` whose X509Certificate is valid base64 of ASCII text: certificates are parsed when the metadata is read, not trusted as opaque blobs |
| `javascript-location.xml` | `invalidEndpointURL` | `okta.xml` whose second SingleSignOnService (Redirect) is `javascript:alert(1)`: every endpoint must be an absolute http(s) URL, checked when the metadata is read (the first, valid POST endpoint does not hide it) |

## expected.json

`{"description", "conventions", "certificates", "files"}`. `certificates` maps each key file name to the SHA-256
(hex) of its certificate's DER. `files` maps each file name to either the values (`role` `"IdP"` or `"SP"`) or
`{"expected": "<SAMLError case>"}` with the case's payload where it has one (`namespace`/`name` for
`unexpectedRoot`, `location` for `invalidEndpointURL`, `candidates` for `ambiguousEntity`) and `notes`.

IdP values: `entityID`, `singleSignOnServices` and `singleLogoutServices` (`[{binding, location}]` in document
order, `responseLocation` only where present), `signingCertificates` and `encryptionCertificates` (key file names,
document order, no duplicates), `nameIDFormats`, `wantAuthnRequestsSigned` (false when absent), `validUntil` and
`cacheDuration` (the document's strings or null), `cacheDurationSeconds`. SP values: `entityID`,
`assertionConsumerServices` (`[{binding, location, index, isDefault}]`, isDefault null when absent),
`singleLogoutServices`, `authnRequestsSigned`, `wantAssertionsSigned`, the certificate lists, `nameIDFormats`,
`validUntil`, `cacheDuration`. `signature` (azure-ad, adfs) names the signer's certificate and the Reference URI;
`asSP` / `asIdP` give the result of reading a file in the other role. `aggregate.xml` has `entities` (values per
selectable entityID) and `selections` (entityID or null → expected error or selected entity).

Rules the values follow: only the role descriptor being read counts — the first `IDPSSODescriptor` (or
`SPSSODescriptor`) whose `protocolSupportEnumeration` contains `urn:oasis:names:tc:SAML:2.0:protocol`; the
KeyDescriptors of `RoleDescriptor`, of the `SPSSODescriptor` when reading an IdP and of
`AttributeAuthorityDescriptor` are never the IdP's certificates (azure-ad and adfs put the attacker's certificate
there to prove it). A KeyDescriptor without `use` counts for signing and encryption. validUntil/cacheDuration are
the tightest (earliest / shortest) of the entity's own and every enclosing EntitiesDescriptor's.
"""


# ---------------------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------------------
OWNED = ["azure-ad.xml", "azure-ad-unsigned.xml", "adfs.xml", "okta.xml", "shibboleth.xml", "simplesamlphp.xml",
         "keycloak.xml", "aggregate.xml", "validity.xml", "webex-sp.xml", "doctype-xxe.xml", "entity-bomb.xml",
         "doctype-plain.xml", "no-idpsso.xml", "truncated.xml", "not-xml.txt", "wrong-namespace.xml",
         "deep-nesting.xml", "empty.xml", "bad-certificate.xml", "javascript-location.xml", "expected.json",
         "README.md"]


def write(name, text):
    (OUT / name).write_bytes(text.encode("utf-8"))


def main():
    for tool in ("xmlsec1", "openssl"):
        if shutil.which(tool) is None:
            sys.exit(f"make_metadata.py: {tool} is not installed")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="make_metadata.") as tmp:
        work = pathlib.Path(tmp)
        signed = sign(azure_ad(), "idp-rsa2048.key", "idp-rsa2048.crt", OUT / "azure-ad.xml", work, None)
        unsigned = re.sub(rf'<Signature xmlns="{re.escape(DS)}">.*?</Signature>', "", signed, count=1, flags=re.S)
        write("azure-ad-unsigned.xml", unsigned)
        # The exact command of the brief, once more, on the final file.
        if not xmlsec_verify(OUT / "azure-ad.xml", "idp-rsa2048.crt"):
            sys.exit("FAILED: azure-ad.xml does not verify")
        if xmlsec_verify(OUT / "azure-ad.xml", "idp-rsa2048-next.crt"):
            sys.exit("FAILED: azure-ad.xml verifies with the next certificate")
        sign(adfs(), "adfs.key", "adfs.crt", OUT / "adfs.xml", work, "ds")
    write("okta.xml", okta())
    write("shibboleth.xml", shibboleth())
    write("simplesamlphp.xml", simplesamlphp())
    write("keycloak.xml", keycloak())
    write("aggregate.xml", aggregate())
    write("validity.xml", simplesamlphp(f' validUntil="{VALIDITY_VALID_UNTIL}" cacheDuration="{VALIDITY_CACHE}"'))
    write("webex-sp.xml", webex_sp())
    write("doctype-xxe.xml", doctype_xxe())
    write("entity-bomb.xml", entity_bomb())
    write("doctype-plain.xml", doctype_plain())
    write("no-idpsso.xml", no_idpsso())
    write("truncated.xml", truncated())
    write("not-xml.txt", not_xml())
    write("wrong-namespace.xml", wrong_namespace())
    write("deep-nesting.xml", deep_nesting())
    write("empty.xml", "")
    write("bad-certificate.xml", bad_certificate())
    write("javascript-location.xml", javascript_location())
    doc = expected_document()
    write("expected.json", json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    write("README.md", README)
    check_expected(doc)
    missing = [n for n in OWNED if not (OUT / n).exists()]
    if missing:
        sys.exit(f"FAILED: not written: {missing}")
    print(f"make_metadata.py: wrote {len(OWNED)} files to {OUT.relative_to(FIXTURES.parent)}; "
          "signatures verified, expected.json checked")


if __name__ == "__main__":
    main()

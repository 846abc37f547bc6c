#!/usr/bin/python3
"""Generate the benchmark inputs in Benchmarks/Inputs/ (git-ignored; Benchmarks/run.sh calls this when missing).

usage (from anywhere):  /usr/bin/python3 Benchmarks/scripts/make_inputs.py [--force]

Needs Debian's xmlsec1 (1.2.37, openssl), python3-lxml and openssl. Run it with /usr/bin/python3 (the pyenv
python3 on PATH has no lxml).

What it makes, all with the fixed parameters below (the benchmark validates with a fixed clock at NOW):
  keys/                    its own keys, made with openssl (idp-rsa2048, idp-rsa4096, idp-ec256, sp-rsa2048 for
                           AuthnRequest signing, sp-enc-rsa2048 for the encrypted assertion)
  azure-ad.xml             Azure-AD-shaped Response, Assertion signed (RSA-2048, rsa-sha256, exc-c14n, sha256),
                           10 group claims, 7.1 KB with the certificate in KeyInfo (the
                           fixtures' assertion-signed.xml shape)
  response-signed.xml      the same Response signed on the Response instead
  both-signed.xml          the Assertion signed, then the Response (two signatures)
  rsa4096.xml              as azure-ad, signed with RSA-4096
  ecdsa-p256.xml           as azure-ad, signed with ECDSA P-256 (ecdsa-sha256)
  large-14k.xml, large-74k.xml, large-1m.xml   as azure-ad with more group values
  encrypted.xml            the signed Assertion encrypted to sp-enc-rsa2048 (aes256-gcm + rsa-oaep-mgf1p)
  idp-metadata.xml         Azure-shaped IdP metadata (WS-Fed RoleDescriptors, IDPSSODescriptor, two certs),
                           signed by the IdP
  manifest.json            what the harness reads: file, trusted certificate, options, signatures count
Every signature is checked afterwards with `xmlsec1 --verify` against the trusted certificate only.
"""
import base64
import datetime
import hashlib
import json
import pathlib
import subprocess
import sys
import tempfile
import uuid
from xml.sax.saxutils import escape, quoteattr

try:
    from lxml import etree
except ImportError:
    sys.exit("make_inputs.py: run it with /usr/bin/python3 (needs python3-lxml)")

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "Inputs"
KEYS = OUT / "keys"

NOW = datetime.datetime(2026, 12, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
TENANT = "4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
IDP = f"https://sts.windows.net/{TENANT}/"
SP = "https://app.example.test/saml/metadata"
ACS = "https://app.example.test/saml/acs"
REQ = "_a8f3c2e1d0b9a8f7e6d5c4b3a2f1e0d9c"
RESPONSE_ID = "_r6b1f0d6e-2c1a-4f7e-9a55-0c3e8d1f2a01"
ASSERTION_ID = "_a0d4c7e2-91b3-4f26-8e0a-5b7c9d1e3f42"
SESSION_INDEX = "_s3c9f1a2b-7d4e-4c1f-a0b8-6e2d5f9c1a73"
NAME_ID = "b.simon@contoso.example"

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = DS + "enveloped-signature"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA1 = DS + "sha1"
XMLSOAP = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
MSID = "http://schemas.microsoft.com/identity/claims/"
GROUPS_CLAIM = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"


def ts(seconds=0):
    return (NOW + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def guid(seed):
    return str(uuid.UUID(bytes=hashlib.sha256(seed.encode()).digest()[:16], version=4))


def run(cmd):
    result = subprocess.run([str(c) for c in cmd], capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {result.stderr.decode(errors='replace')[-1500:]}")
    return result


# ------------------------------------------------------------------------------------------------------ keys
def make_keys():
    KEYS.mkdir(parents=True, exist_ok=True)
    specs = {
        "idp-rsa2048": (["-newkey", "rsa:2048"], "/CN=Microsoft Azure Federated SSO Certificate"),
        "idp-rsa2048-next": (["-newkey", "rsa:2048"], "/CN=Microsoft Azure Federated SSO Certificate"),
        "idp-rsa4096": (["-newkey", "rsa:4096"], "/CN=bench idp RSA-4096"),
        "idp-ec256": (["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"], "/CN=bench idp ECDSA P-256"),
        "sp-rsa2048": (["-newkey", "rsa:2048"], "/CN=app.example.test"),
        "sp-enc-rsa2048": (["-newkey", "rsa:2048"], "/CN=app.example.test encryption"),
    }
    for name, (newkey, subject) in specs.items():
        if (KEYS / f"{name}.key").exists() and (KEYS / f"{name}.crt").exists():
            continue
        run(["openssl", "req", "-x509", *newkey, "-nodes", "-sha256", "-days", "3650",
             "-keyout", KEYS / f"{name}.key", "-out", KEYS / f"{name}.crt", "-subj", subject])


def cert_b64(name):
    text = (KEYS / f"{name}.crt").read_text()
    return "".join(line for line in text.splitlines() if "-----" not in line)


# ------------------------------------------------------------------------------------------------- documents
def claims(group_values):
    return [
        (MSID + "tenantid", [TENANT]),
        (MSID + "objectidentifier", [guid("object")]),
        (MSID + "displayname", ["B. Simon"]),
        (MSID + "identityprovider", [IDP]),
        (MSID + "authnmethodsreferences", ["http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"]),
        (XMLSOAP + "givenname", ["B."]),
        (XMLSOAP + "surname", ["Simon"]),
        (XMLSOAP + "emailaddress", [NAME_ID]),
        (XMLSOAP + "name", [NAME_ID]),
        (GROUPS_CLAIM, group_values),
        ("uid", ["b.simon"]),
    ]


def attribute_xml(name, values, indent="      "):
    vals = "".join(f"\n{indent}  <saml:AttributeValue>{escape(v)}</saml:AttributeValue>" for v in values)
    return f"{indent}<saml:Attribute Name={quoteattr(name)}>{vals}\n{indent}</saml:Attribute>"


def assertion_xml(group_count):
    attrs = "\n".join(attribute_xml(n, vs) for n, vs in claims([guid(f"group-{i}") for i in range(group_count)]))
    return f"""<saml:Assertion xmlns:saml="{SAML}" ID="{ASSERTION_ID}" IssueInstant="{ts(-10)}" Version="2.0">
    <saml:Issuer>{IDP}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{NAME_ID}</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData InResponseTo="{REQ}" NotOnOrAfter="{ts(300)}" Recipient="{ACS}"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="{ts(-300)}" NotOnOrAfter="{ts(3600)}">
      <saml:AudienceRestriction>
        <saml:Audience>{SP}</saml:Audience>
      </saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AttributeStatement>
{attrs}
    </saml:AttributeStatement>
    <saml:AuthnStatement AuthnInstant="{ts(-20)}" SessionIndex="{SESSION_INDEX}" SessionNotOnOrAfter="{ts(8 * 3600)}">
      <saml:AuthnContext>
        <saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>
      </saml:AuthnContext>
    </saml:AuthnStatement>
  </saml:Assertion>"""


def response_xml(assertion):
    return f"""<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="{RESPONSE_ID}" Version="2.0" IssueInstant="{ts(-10)}" Destination="{ACS}" InResponseTo="{REQ}">
  <saml:Issuer>{IDP}</saml:Issuer>
  <samlp:Status>
    <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>
  </samlp:Status>
  {assertion}
</samlp:Response>
"""


def signature_template(element_id, sig_alg):
    return (f'<ds:Signature xmlns:ds="{DS}"><ds:SignedInfo>'
            f'<ds:CanonicalizationMethod Algorithm="{EXC_C14N}"/><ds:SignatureMethod Algorithm="{sig_alg}"/>'
            f'<ds:Reference URI="#{element_id}"><ds:Transforms><ds:Transform Algorithm="{ENVELOPED}"/>'
            f'<ds:Transform Algorithm="{EXC_C14N}"/></ds:Transforms><ds:DigestMethod Algorithm="{SHA256}"/>'
            f'<ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/>'
            f'<ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>')


ID_ATTRS = ["--id-attr:ID", f"{SAML}:Assertion", "--id-attr:ID", f"{SAMLP}:Response",
            "--id-attr:ID", f"{MD}:EntityDescriptor"]


def xmlsec_sign(text, key, node_id, node):
    """Sign the element `node` (a local-name) whose ID is `node_id`; its template must already sit in `text`."""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = pathlib.Path(tmp) / "in.xml", pathlib.Path(tmp) / "out.xml"
        src.write_text(text)
        xpath = f"//*[local-name()='{node}' and @ID='{node_id}']/*[local-name()='Signature']"
        run(["xmlsec1", "--sign", "--output", dst, "--privkey-pem", f"{KEYS / key}.key,{KEYS / key}.crt",
             *ID_ATTRS, "--node-xpath", xpath, src])
        return dst.read_text()


def insert_after_issuer(text, marker, template):
    """Put a Signature template right after the Issuer that follows `marker` (the element's start tag)."""
    start = text.index(marker)
    end = text.index("</saml:Issuer>", start) + len("</saml:Issuer>")
    return text[:end] + template + text[end:]


def signed_response(*, groups=10, key="idp-rsa2048", sig_alg=RSA_SHA256, where="assertion"):
    text = response_xml(assertion_xml(groups))
    if where in ("assertion", "both"):
        text = insert_after_issuer(text, "<saml:Assertion ", signature_template(ASSERTION_ID, sig_alg))
        text = xmlsec_sign(text, key, ASSERTION_ID, "Assertion")
    if where in ("response", "both"):
        text = insert_after_issuer(text, "<samlp:Response ", signature_template(RESPONSE_ID, sig_alg))
        text = xmlsec_sign(text, key, RESPONSE_ID, "Response")
    return text


def encrypted_response():
    signed = xmlsec_sign(insert_after_issuer(assertion_xml(10), "<saml:Assertion ", signature_template(ASSERTION_ID, RSA_SHA256)),
                         "idp-rsa2048", ASSERTION_ID, "Assertion")
    with tempfile.TemporaryDirectory() as tmp:
        data, tmpl, out = (pathlib.Path(tmp) / n for n in ("plain.xml", "tmpl.xml", "enc.xml"))
        data.write_text(signed)
        tmpl.write_text(f'<xenc:EncryptedData xmlns:xenc="{XENC}" xmlns:ds="{DS}" Type="{XENC}Element">'
                        f'<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>'
                        f'<ds:KeyInfo><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{XENC}rsa-oaep-mgf1p">'
                        f'<ds:DigestMethod Algorithm="{SHA1}"/></xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue/>'
                        f'</xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue/>'
                        f'</xenc:CipherData></xenc:EncryptedData>')
        run(["xmlsec1", "--encrypt", "--pubkey-cert-pem", KEYS / "sp-enc-rsa2048.crt", "--session-key", "aes-256",
             "--xml-data", data, "--output", out, tmpl])
        encrypted = out.read_text()
    encrypted = encrypted[encrypted.index("<xenc:EncryptedData"):].strip()
    return response_xml(f"<saml:EncryptedAssertion>{encrypted}</saml:EncryptedAssertion>")


def metadata():
    """Azure AD's federation metadata shape: signed EntityDescriptor, two WS-Fed RoleDescriptors, the
    IDPSSODescriptor with the signing certificate and its rollover successor."""
    cert, nxt = cert_b64("idp-rsa2048"), cert_b64("idp-rsa2048-next")
    keydesc = "".join(f'<KeyDescriptor use="signing"><KeyInfo xmlns="{DS}"><X509Data><X509Certificate>{c}'
                      f'</X509Certificate></X509Data></KeyInfo></KeyDescriptor>' for c in (cert, nxt))
    claims_offered = "".join(f'<auth:ClaimType xmlns:auth="http://docs.oasis-open.org/wsfed/authorization/200706" '
                             f'Uri="{XMLSOAP}claim{i}"><auth:DisplayName>Claim {i}</auth:DisplayName>'
                             f'<auth:Description>Claim number {i} offered by the tenant.</auth:Description>'
                             f'</auth:ClaimType>' for i in range(20))
    md_id = "_" + guid("metadata")
    sso = f"https://login.microsoftonline.com/{TENANT}/saml2"
    text = f"""<EntityDescriptor xmlns="{MD}" ID="{md_id}" entityID="{IDP}">
<RoleDescriptor xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706" xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706">{keydesc}<fed:ClaimTypesOffered>{claims_offered}</fed:ClaimTypesOffered><fed:PassiveRequestorEndpoint><EndpointReference xmlns="http://www.w3.org/2005/08/addressing"><Address>https://login.microsoftonline.com/{TENANT}/wsfed</Address></EndpointReference></fed:PassiveRequestorEndpoint></RoleDescriptor>
<RoleDescriptor xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706" xsi:type="fed:ApplicationServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706">{keydesc}<fed:TargetScopes><EndpointReference xmlns="http://www.w3.org/2005/08/addressing"><Address>https://sts.windows.net/{TENANT}/</Address></EndpointReference></fed:TargetScopes></RoleDescriptor>
<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{keydesc}<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{sso}"/><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{sso}"/><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{sso}"/></IDPSSODescriptor>
</EntityDescriptor>
"""
    # The signature goes first in EntityDescriptor (md schema order).
    head = text.index(">") + 1
    tmpl = signature_template(md_id, RSA_SHA256).replace("<ds:Signature ", "<ds:Signature ", 1)
    text = text[:head] + tmpl + text[head:]
    return xmlsec_sign(text, "idp-rsa2048", md_id, "EntityDescriptor")


def verify(path, cert, count):
    for i in range(1, count + 1):
        run(["xmlsec1", "--verify", "--enabled-key-data", "raw-x509-cert", "--pubkey-cert-pem", KEYS / f"{cert}.crt",
             *ID_ATTRS, "--node-xpath", f"(//*[local-name()='Signature' and namespace-uri()='{DS}'])[{i}]", path])


def groups_for(target):
    per_value = len(attribute_xml("x", [guid("x")])) - len(attribute_xml("x", []))
    base = len(signed_response().encode())
    return 10 + max(0, (target - base) // per_value)


def main():
    force = "--force" in sys.argv
    if (OUT / "manifest.json").exists() and not force:
        print(f"{OUT}: already generated (pass --force to remake)")
        return
    make_keys()
    inputs = [
        # name, builder, cert, signatures, options
        ("azure-ad", lambda: signed_response(), "idp-rsa2048", 1, {}),
        ("response-signed", lambda: signed_response(where="response"), "idp-rsa2048", 1, {}),
        ("both-signed", lambda: signed_response(where="both"), "idp-rsa2048", 2, {}),
        ("rsa4096", lambda: signed_response(key="idp-rsa4096"), "idp-rsa4096", 1, {}),
        ("ecdsa-p256", lambda: signed_response(key="idp-ec256", sig_alg=ECDSA_SHA256), "idp-ec256", 1, {}),
        ("large-14k", lambda: signed_response(groups=groups_for(14_000)), "idp-rsa2048", 1, {}),
        ("large-74k", lambda: signed_response(groups=groups_for(74_000)), "idp-rsa2048", 1, {}),
        ("large-1m", lambda: signed_response(groups=groups_for(1_000_000)), "idp-rsa2048", 1, {"maxResponseBytes": 1 << 21}),
        ("encrypted", encrypted_response, "idp-rsa2048", 1, {"decryptionKey": "keys/sp-enc-rsa2048.key"}),
    ]
    manifest = []
    for name, build, cert, signatures, options in inputs:
        path = OUT / f"{name}.xml"
        path.write_text(build())
        if name != "encrypted":
            verify(path, cert, signatures)
        entry = {"name": name, "file": path.name, "cert": f"keys/{cert}.crt", "signatures": signatures,
                 "bytes": path.stat().st_size}
        entry.update(options)
        manifest.append(entry)
        print(f"{name:16} {path.stat().st_size:>9,} bytes")
    md = OUT / "idp-metadata.xml"
    md.write_text(metadata())
    verify(md, "idp-rsa2048", 1)
    print(f"{'idp-metadata':16} {md.stat().st_size:>9,} bytes")
    (OUT / "manifest.json").write_text(json.dumps({
        "now": ts(0), "idpEntityID": IDP, "spEntityID": SP, "acsURL": ACS, "requestID": REQ, "nameID": NAME_ID,
        "metadata": md.name, "spSigningKey": "keys/sp-rsa2048.key", "spSigningCert": "keys/sp-rsa2048.crt",
        "inputs": manifest}, indent=2) + "\n")


if __name__ == "__main__":
    main()

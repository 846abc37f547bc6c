#!/usr/bin/python3
"""Write the fuzzer's seed corpus to Fuzz/seeds/ (git-ignored; scripts/ci-fuzz.sh runs this first).

usage:  /usr/bin/python3 Fuzz/scripts/make_seeds.py [SEEDS_DIR]

Each seed is one byte naming the path the fuzz target takes (Sources/SAMLFuzz/FuzzTarget.swift) followed by the input:
  0 / 3  every response under Fixtures/responses/ and Fixtures/encrypted/ up to 64 KiB, valid and hostile (strict SP /
         relaxed SP, which holds the SP decryption key keys/sp-enc-rsa2048.key)
  1      the valid ones base64-encoded, with line breaks as IdPs send them
  2      HTTP-Redirect queries: AuthnRequest, LogoutRequest and LogoutResponse, unsigned and signed (RSA-SHA256 with
         Fixtures/keys/idp-rsa2048.key, which the target trusts), with RelayState
  4      IdP metadata: Fixtures/metadata/, a minimal EntityDescriptor with the fixtures' certificates, an aggregate
and, when ../shared/corpus/ is present, its responses (0, 3), base64 files (1) and metadata (4).
Only the standard library and openssl are needed.
"""
import base64
import json
import pathlib
import subprocess
import sys
import urllib.parse
import zlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"
OUT = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "Fuzz" / "seeds"
LIMIT = 64 * 1024
IDP = "https://sts.windows.net/4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"

count = 0


def seed(mode, data, name):
    global count
    if len(data) > LIMIT:
        return
    (OUT / f"{mode}-{name}").write_bytes(bytes([mode]) + data)
    count += 1


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def redirect_query(parameter, xml, relay_state=None, sign=False):
    query = f"{parameter}={urllib.parse.quote(base64.b64encode(deflate(xml.encode())).decode(), safe='')}"
    if relay_state is not None:
        query += f"&RelayState={urllib.parse.quote(relay_state, safe='')}"
    if sign:
        query += f"&SigAlg={urllib.parse.quote(RSA_SHA256, safe='')}"
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(FIXTURES / "keys" / "idp-rsa2048.key")],
                                   input=query.encode(), capture_output=True, check=True).stdout
        query += f"&Signature={urllib.parse.quote(base64.b64encode(signature).decode(), safe='')}"
    return query.encode()


def cert_b64(name):
    text = (FIXTURES / "keys" / f"{name}.crt").read_text()
    return "".join(line for line in text.splitlines() if "-----" not in line)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    for folder in ("responses", "encrypted"):
        manifest_path = FIXTURES / folder / "manifest.json"
        valid = {e["file"] for e in json.loads(manifest_path.read_text()) if e["valid"]} if manifest_path.exists() else set()
        for path in sorted((FIXTURES / folder).glob("*.xml")):
            data = path.read_bytes()
            seed(0, data, f"{folder}-{path.stem}")
            seed(3, data, f"{folder}-{path.stem}")
            if path.name in valid:
                seed(1, base64.encodebytes(data), f"{folder}-{path.stem}")
    for path in sorted((FIXTURES / "metadata").glob("*.xml")):
        seed(4, path.read_bytes(), f"metadata-{path.stem}")

    samlp = 'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"'
    messages = {
        "SAMLRequest-authn": ("SAMLRequest", f'<samlp:AuthnRequest {samlp} ID="_1" Version="2.0" IssueInstant="2026-12-01T12:00:00Z" '
                              'Destination="https://idp.example/sso" AssertionConsumerServiceURL="https://app.example.test/saml/acs">'
                              '<saml:Issuer>https://app.example.test/saml/metadata</saml:Issuer><samlp:NameIDPolicy AllowCreate="true"/>'
                              '</samlp:AuthnRequest>'),
        "SAMLRequest-logout": ("SAMLRequest", f'<samlp:LogoutRequest {samlp} ID="_2" Version="2.0" IssueInstant="2026-12-01T12:00:00Z" '
                               f'Destination="https://app.example.test/saml/slo"><saml:Issuer>{IDP}</saml:Issuer>'
                               '<saml:NameID>b.simon@contoso.example</saml:NameID><samlp:SessionIndex>_s</samlp:SessionIndex>'
                               '</samlp:LogoutRequest>'),
        "SAMLResponse-logout": ("SAMLResponse", f'<samlp:LogoutResponse {samlp} ID="_3" Version="2.0" IssueInstant="2026-12-01T12:00:00Z" '
                                f'InResponseTo="_2"><saml:Issuer>{IDP}</saml:Issuer><samlp:Status><samlp:StatusCode '
                                'Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>'),
    }
    for name, (parameter, xml) in messages.items():
        seed(2, redirect_query(parameter, xml), name)
        seed(2, redirect_query(parameter, xml, relay_state="/dashboard?x=1"), name + "-relaystate")
        seed(2, redirect_query(parameter, xml, relay_state="s", sign=True), name + "-signed")

    md = "urn:oasis:names:tc:SAML:2.0:metadata"
    ds = "http://www.w3.org/2000/09/xmldsig#"

    def entity(entity_id, certs):
        keys = "".join(f'<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_b64(c)}'
                       f'</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>' for c in certs)
        return (f'<md:EntityDescriptor xmlns:md="{md}" xmlns:ds="{ds}" entityID="{entity_id}" validUntil="2027-01-01T00:00:00Z" '
                f'cacheDuration="PT6H"><md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration='
                f'"urn:oasis:names:tc:SAML:2.0:protocol">{keys}<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:'
                f'emailAddress</md:NameIDFormat><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:'
                f'HTTP-Redirect" Location="https://idp.example/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>')
    seed(4, entity(IDP, ["idp-rsa2048", "idp-rsa2048-next"]).encode(), "entity")
    seed(4, (f'<md:EntitiesDescriptor xmlns:md="{md}">' + entity(IDP, ["idp-rsa2048"]).replace(f' xmlns:md="{md}"', "")
             + entity("https://other.example/", ["idp-ec256"]).replace(f' xmlns:md="{md}"', "") + "</md:EntitiesDescriptor>").encode(),
         "aggregate")

    if (CORPUS / "manifest.json").exists():
        for entry in json.loads((CORPUS / "manifest.json").read_text()):
            path = CORPUS / entry["file"]
            if not path.exists():
                continue
            data = path.read_bytes()
            name = "corpus-" + entry["id"]
            if path.suffix == ".base64":
                seed(1, data, name)
            elif entry["kind"] in ("idp-metadata", "sp-metadata"):
                seed(4, data, name)
            else:
                seed(0, data, name)
                seed(3, data, name)
    print(f"{count} seeds in {OUT}")


if __name__ == "__main__":
    main()

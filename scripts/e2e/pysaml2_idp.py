#!/usr/bin/python3
"""pysaml2 as a browser-facing SAML 2.0 IdP on 127.0.0.1, for the example SP's end-to-end tests.

usage: scripts/e2e/pysaml2_idp.py --port PORT --state-dir DIR

It answers real AuthnRequests (HTTP-Redirect or HTTP-POST) at /sso with a login form, and after the login posts a
Response built by pysaml2's Server to the SP's ACS (auto-submitting form). Users: b.simon and z.unal, password
"password". Runs on Debian's /usr/bin/python3 (python3-pysaml2, xmlsec1).

DIR holds (created when missing):
  idp.key, idp.crt        the IdP's published key pair (RSA-2048, self-signed, by openssl)
  idp-metadata.xml        the IdP's metadata, also served at /metadata (entityID http://127.0.0.1:PORT/metadata)
  sp-metadata.xml         the registered SP: write the SP's metadata here to register it (read on every request)
  profile.json            how the IdP treats that SP, read on every request (every key optional):
                            {"sign": "both" | "assertion" | "response",
                             "signing_key": "other"     sign with DIR/other.key, a key NOT in the IdP metadata,
                             "audience": "https://..."  the SP as registered under another entityID (Audience),
                             "encrypt": true}           encrypt the assertion to the SP's encryption certificate
Signed AuthnRequests are verified (Redirect: over the query octets as received; POST: by pysaml2 and xmlsec1)
whenever the SP's metadata says AuthnRequestsSigned="true".
"""
import argparse
import base64
import hashlib
import html
import http.server
import json
import pathlib
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, saml, xmldsig
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI
from saml2.server import Server

NAMEID = {
    "transient": "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
    "persistent": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "email": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "unspecified": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
}
USERS = {
    "b.simon": {"uid": ["b.simon"], "mail": ["b.simon@example.test"], "displayName": ["B. Simon"],
                "givenName": ["B."], "sn": ["Simon"], "eduPersonPrincipalName": ["b.simon@example.test"],
                "isMemberOf": ["staff", "saml-admins"]},
    "z.unal": {"uid": ["z.unal"], "mail": ["zoë.ünal@example.test"], "displayName": ['Zoë Ünal <b>&amp;</b> "Ω"'],
               "givenName": ["Zoë"], "sn": ["Ünal"], "isMemberOf": ["R&D <img src=x onerror=alert(1)>"]},
}
SIG_ALGS = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": hashes.SHA256(),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": hashes.SHA384(),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512(),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": hashes.SHA256(),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": hashes.SHA384(),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512": hashes.SHA512(),
}
MD_NS = {"md": "urn:oasis:names:tc:SAML:2.0:metadata", "ds": "http://www.w3.org/2000/09/xmldsig#"}


def log(*parts):
    print(time.strftime("%H:%M:%S"), "pysaml2-idp:", *parts, file=sys.stderr, flush=True)


def ensure_key(prefix, cn):
    if not pathlib.Path(f"{prefix}.key").exists():
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3650",
                        "-subj", f"/CN={cn}", "-keyout", f"{prefix}.key", "-out", f"{prefix}.crt"],
                       check=True, capture_output=True)


class IdP:
    def __init__(self, port, state):
        self.base = f"http://127.0.0.1:{port}"
        self.entity_id = f"{self.base}/metadata"
        self.sso = f"{self.base}/sso"
        self.state = state
        state.mkdir(parents=True, exist_ok=True)
        ensure_key(state / "idp", "pysaml2 example IdP")
        self.pending = {}   # login form key -> parsed request facts, one-shot
        self.lock = threading.Lock()
        config = self.config(None, want_signed=False)
        (state / "idp-metadata.xml").write_text(str(entity_descriptor(config)))

    def profile(self):
        p = self.state / "profile.json"
        return json.loads(p.read_text()) if p.exists() else {}

    def config(self, sp_files, want_signed):
        return IdPConfig().load({
            "entityid": self.entity_id,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "key_file": str(self.state / "idp.key"), "cert_file": str(self.state / "idp.crt"),
            "metadata": {"local": [str(f) for f in sp_files]} if sp_files else {},
            "accepted_time_diff": 180,
            "service": {"idp": {
                "endpoints": {"single_sign_on_service": [(self.sso, BINDING_HTTP_REDIRECT), (self.sso, BINDING_HTTP_POST)]},
                "name_id_format": list(NAMEID.values()),
                "want_authn_requests_signed": want_signed,
                "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
            }},
        })

    def server(self, want_signed):
        """A pysaml2 Server over the SP metadata as registered now (and, for a wrong audience, the same SP
        registered again under the other entityID)."""
        sp_md = self.state / "sp-metadata.xml"
        if not sp_md.exists():
            raise LookupError("no SP is registered (write its metadata to sp-metadata.xml)")
        files = [sp_md]
        audience = self.profile().get("audience")
        if audience:
            alias = self.state / "sp-metadata-as-registered.xml"
            alias.write_text(re.sub(r'entityID="[^"]*"', f'entityID="{audience}"', sp_md.read_text(), count=1))
            files.append(alias)
        return Server(config=self.config(files, want_signed))

    def sp_facts(self):
        from lxml import etree
        root = etree.fromstring((self.state / "sp-metadata.xml").read_bytes())
        spsso = root.find(".//md:SPSSODescriptor", MD_NS)
        certs = spsso.xpath("md:KeyDescriptor[@use='signing' or not(@use)]//ds:X509Certificate/text()", namespaces=MD_NS)
        signed = spsso.get("AuthnRequestsSigned") in ("true", "1")
        return signed, [x509.load_der_x509_certificate(base64.b64decode("".join(c.split()))) for c in certs]

    def verify_redirect_signature(self, raw_query):
        """The SAML Redirect binding signature, over the octets as received: SAMLRequest=...&RelayState=...&SigAlg=..."""
        parts = dict(p.split("=", 1) if "=" in p else (p, "") for p in raw_query.split("&"))
        if "Signature" not in parts or "SigAlg" not in parts:
            raise PermissionError("the SP signs its AuthnRequests (metadata) but this one is unsigned")
        signed = "&".join(f"{k}={parts[k]}" for k in ("SAMLRequest", "RelayState", "SigAlg") if k in parts).encode()
        alg = urllib.parse.unquote_plus(parts["SigAlg"])
        if alg not in SIG_ALGS:
            raise PermissionError(f"signature algorithm not accepted: {alg}")
        signature = base64.b64decode(urllib.parse.unquote_plus(parts["Signature"]))
        _, certs = self.sp_facts()
        for cert in certs:
            key = cert.public_key()
            try:
                if isinstance(key, ec.EllipticCurvePublicKey):
                    key.verify(signature, signed, ec.ECDSA(SIG_ALGS[alg]))
                else:
                    key.verify(signature, signed, padding.PKCS1v15(), SIG_ALGS[alg])
                return
            except InvalidSignature:
                continue
        raise PermissionError("AuthnRequest signature does not verify with the SP's metadata certificates")

    def receive(self, binding, message, relay_state, raw_query=None):
        """Parse and check an AuthnRequest; returns the login-form key."""
        signed, _ = self.sp_facts()
        if binding == BINDING_HTTP_REDIRECT and signed:
            self.verify_redirect_signature(raw_query)
        server = self.server(want_signed=(binding == BINDING_HTTP_POST and signed))
        request = server.parse_authn_request(message, binding).message
        policy = request.name_id_policy
        facts = {"id": request.id, "issuer": request.issuer.text, "acs": request.assertion_consumer_service_url,
                 "nameid_format": policy.format if policy is not None else None, "relay_state": relay_state,
                 "binding": binding, "signed": signed}
        key = secrets.token_urlsafe(16)
        with self.lock:
            self.pending[key] = facts
        log(f"AuthnRequest {facts['id']} from {facts['issuer']} ({binding.rsplit(':', 1)[1]}"
            f"{', signature verified' if signed else ''})")
        return key

    def respond(self, key, username, password):
        """Build the Response for a pending request after a login; returns (acs, SAMLResponse, RelayState)."""
        with self.lock:
            facts = self.pending.pop(key, None)
        if facts is None:
            raise LookupError("unknown or used login")
        if username not in USERS or password != "password":
            with self.lock:
                self.pending[key] = facts
            raise PermissionError("wrong user name or password")
        profile = self.profile()
        server = self.server(want_signed=False)
        if profile.get("signing_key"):
            prefix = self.state / profile["signing_key"]
            ensure_key(prefix, "pysaml2 key not in metadata")
            from saml2.sigver import read_cert_from_file
            server.sec.key_file, server.sec.my_cert = f"{prefix}.key", read_cert_from_file(f"{prefix}.crt", "pem")
        sp_entity_id = profile.get("audience") or facts["issuer"]
        acs = facts["acs"] or server.metadata.assertion_consumer_service(facts["issuer"], BINDING_HTTP_POST)[0]["location"]
        identity = USERS[username]
        fmt = facts["nameid_format"] if facts["nameid_format"] in NAMEID.values() else NAMEID["transient"]
        value = {NAMEID["email"]: identity["mail"][0], NAMEID["unspecified"]: identity["uid"][0],
                 NAMEID["persistent"]: hashlib.sha256(f"{identity['uid'][0]}|{sp_entity_id}".encode()).hexdigest(),
                 }.get(fmt, "_" + uuid.uuid4().hex)
        sign = profile.get("sign", "both")
        response = server.create_authn_response(
            identity, facts["id"], acs, sp_entity_id,
            name_id=saml.NameID(format=fmt, text=value),
            authn={"class_ref": saml.AUTHN_PASSWORD_PROTECTED, "authn_auth": self.entity_id},
            sign_response=sign in ("response", "both"), sign_assertion=sign in ("assertion", "both"),
            encrypt_assertion=bool(profile.get("encrypt")), encrypt_assertion_self_contained=True,
            sign_alg=xmldsig.SIG_RSA_SHA256, digest_alg=xmldsig.DIGEST_SHA256,
        )
        log(f"Response to {facts['id']} for {username}: audience={sp_entity_id} sign={sign}"
            f" key={'published' if not profile.get('signing_key') else profile['signing_key']}")
        return acs, base64.b64encode(str(response).encode()).decode(), facts["relay_state"]


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body{onload}><h1>{title}</h1>{body}</body></html>"""


def login_form(key, error=""):
    body = (f'<p style="color:#a00">{html.escape(error)}</p>' if error else "") + (
        '<form method="post" action="/login">'
        f'<input type="hidden" name="key" value="{html.escape(key)}">'
        '<p><label>Username <input id="username" name="username" autofocus></label></p>'
        '<p><label>Password <input id="password" name="password" type="password"></label></p>'
        '<p><button id="login" type="submit">Sign in</button></p></form>')
    return PAGE.format(title="pysaml2 example IdP: sign in", onload="", body=body)


def post_form(acs, saml_response, relay_state):
    fields = f'<input type="hidden" name="SAMLResponse" value="{html.escape(saml_response)}">'
    if relay_state is not None:
        fields += f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
    body = (f'<form method="post" action="{html.escape(acs)}">{fields}'
            '<noscript><button type="submit">Continue</button></noscript></form>')
    return PAGE.format(title="Signing in", onload=' onload="document.forms[0].submit()"', body=body)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--state-dir", required=True, type=pathlib.Path)
    a = ap.parse_args()
    idp = IdP(a.port, a.state_dir.resolve())

    class Handler(http.server.BaseHTTPRequestHandler):
        def reply(self, code, body, ctype="text/html; charset=utf-8"):
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def fail(self, code, error):
            log(f"{self.command} {self.path.split('?')[0]}: {code} {error}")
            self.reply(code, PAGE.format(title="IdP error", onload="", body=f"<p>{html.escape(str(error))}</p>"))

        def form(self):
            length = int(self.headers.get("Content-Length") or 0)
            return {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True).items()}

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/metadata":
                return self.reply(200, (idp.state / "idp-metadata.xml").read_text(), "application/samlmetadata+xml")
            if url.path == "/sso":
                q = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
                if "SAMLRequest" not in q:
                    return self.fail(400, "no SAMLRequest")
                try:
                    key = idp.receive(BINDING_HTTP_REDIRECT, q["SAMLRequest"], q.get("RelayState"), raw_query=url.query)
                except Exception as e:  # noqa: BLE001 - any refusal is a 403 page and a log line
                    return self.fail(403, f"AuthnRequest refused: {e}")
                return self.reply(200, login_form(key))
            self.fail(404, "not found")

        def do_POST(self):
            path = urllib.parse.urlsplit(self.path).path
            f = self.form()
            if path == "/sso":
                if "SAMLRequest" not in f:
                    return self.fail(400, "no SAMLRequest")
                try:
                    key = idp.receive(BINDING_HTTP_POST, f["SAMLRequest"], f.get("RelayState"))
                except Exception as e:  # noqa: BLE001
                    return self.fail(403, f"AuthnRequest refused: {e}")
                return self.reply(200, login_form(key))
            if path == "/login":
                try:
                    acs, response, relay_state = idp.respond(f.get("key", ""), f.get("username", ""), f.get("password", ""))
                except PermissionError as e:
                    return self.reply(200, login_form(f.get("key", ""), str(e)))
                except Exception as e:  # noqa: BLE001
                    return self.fail(400, e)
                return self.reply(200, post_form(acs, response, relay_state))
            self.fail(404, "not found")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    log(f"listening on {idp.base} (entityID {idp.entity_id})")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

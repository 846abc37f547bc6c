#!/usr/bin/python3
"""pysaml2 (a real IdP implementation) parses an AuthnRequest made by swift-saml, for the SP whose metadata it loaded.

usage: pysaml2_check_request.py SP_METADATA (redirect QUERY | post BASE64)
Prints JSON: id, issuer, acs, destination, and signature_verified (POST: pysaml2 verifies the enveloped signature
against the SP metadata's certificate; Redirect: saml2.sigver.verify_redirect_signature over the query).
Exits non-zero when pysaml2 rejects the request.
"""
import json
import pathlib
import subprocess
import sys
import tempfile
import urllib.parse

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.server import Server
from saml2.sigver import pem_format, verify_redirect_signature

sp_metadata, binding, message = sys.argv[1], sys.argv[2], sys.argv[3]
work = pathlib.Path(tempfile.mkdtemp(prefix="pysaml2-check-"))
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=pysaml2 check IdP",
                "-keyout", str(work / "idp.key"), "-out", str(work / "idp.crt")], check=True, capture_output=True)
sso = "https://idp.pysaml2.test/sso"
config = IdPConfig().load({
    "entityid": "https://idp.pysaml2.test/metadata",
    "xmlsec_binary": "/usr/bin/xmlsec1",
    "key_file": str(work / "idp.key"), "cert_file": str(work / "idp.crt"),
    "metadata": {"local": [sp_metadata]},
    "service": {"idp": {
        "endpoints": {"single_sign_on_service": [(sso, BINDING_HTTP_REDIRECT), (sso, BINDING_HTTP_POST)]},
        "want_authn_requests_signed": binding == "post-signed",
    }},
})
server = Server(config=config)
verified = None
if binding == "redirect":
    params = {k: v[0] for k, v in urllib.parse.parse_qs(message, keep_blank_values=True).items()}
    req = server.parse_authn_request(params["SAMLRequest"], BINDING_HTTP_REDIRECT).message
    if "Signature" in params:
        issuer = req.issuer.text
        certs = server.metadata.certs(issuer, "any", "signing")
        verified = any(verify_redirect_signature(params, server.sec.sec_backend, cert=c) for c in certs)
else:
    req = server.parse_authn_request(message, BINDING_HTTP_POST).message
    verified = req.signature is not None if binding == "post-signed" else None
print(json.dumps({
    "id": req.id, "issuer": req.issuer.text, "acs": req.assertion_consumer_service_url,
    "destination": req.destination, "force_authn": req.force_authn,
    "name_id_format": req.name_id_policy.format if req.name_id_policy is not None else None,
    "signature_verified": verified,
}))

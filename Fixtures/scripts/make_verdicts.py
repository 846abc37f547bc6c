#!/usr/bin/python3
"""Generate the "right verdicts everywhere" fixtures of issue 11 in Fixtures/verdicts/ (README.md there lists them).

usage (from the repository root):  /usr/bin/python3 Fixtures/scripts/make_verdicts.py

Needs Debian's xmlsec1 (1.2.37, openssl), openssl, python3-lxml, python3-pysaml2 and faketime, and a python3 on
PATH with the PyPI `cryptography` package (or $CRYPTOGRAPHY_PYTHON) for the hand-padded Triple DES case. The base
Response, the fixed parameters, the xmlsec1 signing and the independent xmlsec1 verification come from
make_responses.py; the xmlsec1 encryption, the pysaml2 encrypting IdP and the independent decryption from
make_encrypted.py (both imported, not modified).

Output, rebuilt from scratch on every run:
  manifest.json  responses (the schema of ../responses/manifest.json plus sp_entity_id, acs_url, idp_metadata,
                 expected_warnings, max_detail_bytes, group);
  logout.json    LogoutRequest/LogoutResponse through the Redirect binding (the query string, signed over its exact
                 octets by `openssl dgst -sha256 -sign`) and the POST binding (the base64 form value, signed by xmlsec1);
  metadata.json  IdP metadata aggregates and signed documents;
  keys/          the extra keys (RSA-1024, EC P-192, certificates not yet valid / expired at NOW). Made by openssl (under
                 faketime for the dates) only when absent: a rerun keeps them, so the RSA fixtures are reproducible.
Every valid fixture and every semantic hostile one (whose signature must not be why it fails) is verified with
`xmlsec1 --verify` against the trusted certificate only (keys in the document ignored); the run fails otherwise.
ECDSA signatures and XML Encryption are randomized: as make_responses.py/make_encrypted.py do, the previous file is
kept when its content is the same, so a rerun changes nothing.
"""
import sys


# ---------------------------------------------------------------------------------------------------------------
# The `cryptography` worker (pyenv interpreter, no lxml): Triple DES CBC with a chosen last padding byte.
# stdin: JSON {"plaintext": b64, "cert": path, "pad_byte": int}; stdout: JSON {"data": b64(IV||C), "key": b64, ...}
# ---------------------------------------------------------------------------------------------------------------
def cryptography_worker():
    import base64
    import json
    import os
    import cryptography
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, modes
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES

    r = json.load(sys.stdin)
    plaintext = base64.b64decode(r["plaintext"])
    with open(r["cert"], "rb") as f:
        public_key = x509.load_pem_x509_certificate(f.read()).public_key()
    key, iv = os.urandom(24), os.urandom(8)
    n = 8 - len(plaintext) % 8  # XML Encryption 5.2: 1..8 bytes of padding, the last one says how many
    padded = plaintext + os.urandom(n - 1) + bytes([r["pad_byte"]])
    encryptor = Cipher(TripleDES(key), modes.CBC(iv)).encryptor()
    data = iv + encryptor.update(padded) + encryptor.finalize()
    wrapped = public_key.encrypt(key, padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None))
    json.dump({"data": base64.b64encode(data).decode(), "key": base64.b64encode(wrapped).decode(),
               "pad_length": n, "cryptography": cryptography.__version__}, sys.stdout)


if __name__ == "__main__" and sys.argv[1:2] == ["--cryptography-worker"]:
    cryptography_worker()
    sys.exit(0)

import base64  # noqa: E402  (the rest runs under Debian's /usr/bin/python3)
import hashlib  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pathlib  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import zlib  # noqa: E402
from urllib.parse import quote, unquote  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_responses as mr  # noqa: E402  (exits with a message when lxml is missing)
import make_encrypted as me  # noqa: E402
from make_responses import (ACS, C14N, DS, EMAIL_FORMAT, ENVELOPED, EXC_C14N, FAKETIME_NOW, IDP, MD,  # noqa: E402
                            NAME_ID, NOW, OTHER_SP, REQ, RSA_SHA256, SAML, SAMLP, SESSION_INDEX, SP, SUCCESS,
                            XENC, append_child, assertion_of, clone, detach, edited_assertion, element, etree,
                            insert_after, one, sign_assertion, sign_both, sign_response, ts)

FIXTURES = HERE.parent
OUT = FIXTURES / "verdicts"
WORK = STAGE = None
ECDSA_SHA256 = mr.ECDSA_SHA256
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ENTITY_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
EMAIL_ISSUER_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:emailAddress"
DELEGATION = "urn:oasis:names:tc:SAML:2.0:conditions:delegation"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SLO = "https://app.example.test/saml/slo"
KELVIN, FULLWIDTH_K, NBSP, LINE_SEPARATOR = "\u212a", "\uff2b", "\u00a0", "\u2028"

# Group B: every compared value carries a K (or an é), so a look-alike can stand in for it.
K_IDP = "https://idp.example.test/Kelvin"
K_SP = "https://app.example.test/saml/Kibana"
K_ACS = "https://app.example.test/saml/Kibana/acs"
K_REQ = "_K5d3e9a1c7b2f4e608d1a3c5e7f9b2d4a6"
CAFE_SP = "https://app.example.test/saml/caf\u00e9"  # NFC
CAFE_SP_NFD = "https://app.example.test/saml/cafe\u0301"

# Logout
LOGOUT_REQUEST_ID = "_l7c2e9a4b1d8f3e6a0c5b9d2f7e4a1c8b3"
SP_LOGOUT_REQUEST_ID = "_s4e8b2d6f0a3c7e1b5d9f2a6c0e4b8d1f5"  # the SP's own LogoutRequest, answered by the IdP
LOGOUT_RESPONSE_ID = "_p9d3f7b1e5a2c6e0d4b8f1a5c9e3d7b2a6"

ERROR_CODES = mr.ERROR_CODES | mr.EXTRA_ERROR_CODES | me.ERROR_CODES | {
    "nulCharacter", "encodingMismatch", "duplicateElement", "weakKey", "signedResponseWithoutIssuer",
    "invalidIssuerFormat", "messageParameterMismatch", "invalidTimeWindow", "unknownCondition", "duplicateEntityID",
    "metadataExpired", "unknownIssuer", "inputTooLarge", "entityNotFound"}
_counter = itertools.count()


def run(cmd, **kw):
    return mr.run(cmd, **kw)


def tmp(suffix, data=None):
    path = WORK / f"v{next(_counter)}-{suffix}"
    if data is not None:
        path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------------------------------------------
# Keys: Fixtures/keys/<name> ("keys/idp-rsa2048") or Fixtures/verdicts/keys/<name> ("verdicts/keys/idp-rsa1024").
# ---------------------------------------------------------------------------------------------------------------
def key_path(ref):
    """Absolute path (no extension) of a key reference relative to Fixtures/ (our own keys: the staging copy)."""
    return str(STAGE / ref[len("verdicts/"):]) if ref.startswith("verdicts/") else str(FIXTURES / ref)


EXTRA_KEYS = {
    # name: (openssl req -newkey argument and options, faketime start or None, days, subject, what)
    "idp-rsa1024": (["rsa:1024"], None, 3650, "/CN=idp.example.test RSA-1024 (legacy ADFS farm)", "RSA-1024"),
    "idp-ec-p192": (["ec", "-pkeyopt", "ec_paramgen_curve:prime192v1"], None, 3650, "/CN=idp.example.test EC P-192",
                    "ECDSA on prime192v1 (P-192)"),
    "idp-not-yet-valid": (["rsa:2048"], "2027-03-01 00:00:00", 3650, "/CN=idp.example.test not yet valid",
                          "RSA-2048, notBefore 2027-03-01 (after NOW)"),
    "idp-expired": (["rsa:2048"], "2024-01-01 00:00:00", 365, "/CN=idp.example.test expired",
                    "RSA-2048, notAfter 2024-12-31 (before NOW)"),
}


def make_keys():
    """Copy the previous run's keys into the stage; make the missing ones (only those)."""
    keys = STAGE / "keys"
    keys.mkdir()
    made = []
    for name, (newkey, fake, days, subject, _) in EXTRA_KEYS.items():
        old_key, old_crt = OUT / "keys" / f"{name}.key", OUT / "keys" / f"{name}.crt"
        if old_key.exists() and old_crt.exists():
            shutil.copy(old_key, keys / f"{name}.key")
            shutil.copy(old_crt, keys / f"{name}.crt")
            continue
        cmd = ["openssl", "req", "-x509", "-newkey", *newkey, "-nodes", "-sha256", "-days", str(days), "-keyout",
               keys / f"{name}.key", "-out", keys / f"{name}.crt", "-subj", subject]
        if fake:
            cmd = ["faketime", fake] + cmd
        result = run(cmd)
        if result.returncode != 0 or not (keys / f"{name}.crt").exists():
            raise SystemExit(f"openssl could not make {name}: {result.stderr.decode(errors='replace')[-800:]}")
        made.append(name)
    return made


def cert_dates(ref):
    out = run(["openssl", "x509", "-noout", "-startdate", "-enddate", "-in", key_path(ref) + ".crt"]).stdout.decode()
    return dict(line.split("=", 1) for line in out.split("\n") if "=" in line)


def cert_b64(ref):
    text = pathlib.Path(key_path(ref) + ".crt").read_text()
    return "".join(line for line in text.splitlines() if "-----" not in line)


# ---------------------------------------------------------------------------------------------------------------
# Independent checks
# ---------------------------------------------------------------------------------------------------------------
def verify_each(path, certs, indices, id_attrs=mr.ID_ATTRS):
    """xmlsec1 --verify of the ds:Signature number i (document order) with the trusted certificates only."""
    return [any(mr.xmlsec_verify(path, key_path(c), i, id_attrs=id_attrs) for c in certs) for i in indices]


def signature_count(data):
    return len(mr.X(mr.parse(data), "//ds:Signature"))


def keep_previous_if_same(file, data):
    """ECDSA signatures and XML Encryption are randomized: keep the previous file when it carries the same content
    (same bytes outside SignatureValue/DigestValue/CipherValue, and for encryption the same plaintext)."""
    old_path = OUT / file
    if not old_path.exists():
        return data
    old = old_path.read_bytes()
    if me.strip_random(old) != me.strip_random(data):
        return data
    if b"EncryptedData" in data:
        new_plain = me.open_all(data, (me.SP_KEY,), verify=False)[0]
        old_plain = me.open_all(old, (me.SP_KEY,), verify=False)[0]
        if new_plain is None or old_plain is None or me.strip_random(new_plain) != me.strip_random(old_plain):
            return data
        return old
    return old if ECDSA_SHA256.encode() in data else data


# ---------------------------------------------------------------------------------------------------------------
# Responses: manifest.json
# ---------------------------------------------------------------------------------------------------------------
ENTRIES = []
GROUPS = {"A": "Trust decisions", "B": "Exact comparisons", "C": "Profile MUSTs", "D": "Input hygiene",
          "E": "Bounded work", "F": "Metadata validUntil"}


def emit(name, doc, *, group, valid, expected=None, description, signer="xmlsec1", certs=("keys/idp-rsa2048",),
         entity_id=IDP, request_id=REQ, options=None, name_id=NAME_ID, verify=None, file=None, sp_entity_id=None,
         acs_url=None, idp_metadata=None, expected_warnings=None, expected_attributes=None, decryption_key=None,
         check=None, **extra):
    """Write verdicts/<name>.xml (unless `file` names an earlier one) and its manifest entry.
    verify=True (default for valid ones): every signature verifies with xmlsec1 against `certs` only.
    check: a callable(path, data) -> str or raises, for what `verify` cannot say (encryption, Advice)."""
    assert (expected is None) == valid, name
    assert valid or expected in ERROR_CODES, f"{name}: {expected}"
    assert not any(e["name"] == name for e in ENTRIES), f"duplicate fixture {name}"
    if file is None:
        file = f"{name}.xml"
        data = doc if isinstance(doc, bytes) else mr.to_bytes(doc)
        (STAGE / file).write_bytes(keep_previous_if_same(file, data))
    path = STAGE / file
    data = path.read_bytes()
    assert len(data) <= 300_000, f"{file}: {len(data)} bytes"
    verify = (valid and check is None) if verify is None else verify
    report = None
    if verify:
        count = signature_count(data)
        verdicts = verify_each(path, certs, range(1, count + 1))
        if not count or not all(verdicts):
            raise SystemExit(f"FAILED: {file} does not verify with xmlsec1 against {', '.join(certs)}: {verdicts}")
        report = f"{count}/{count} signature(s) verified by xmlsec1 --verify against {', '.join(certs)} only"
    if check is not None:
        report = check(path, data)
    entry = {
        "name": name,
        "file": file,
        "description": description,
        "valid": valid,
        "expected": expected,
        "attack": None,
        "group": group,
        "signer": signer,
        "idp_cert": f"{certs[0]}.crt",
        "idp_certs": [f"{c}.crt" for c in certs],
        "idp_entity_id": entity_id,
        "expected_request_id": request_id,
    }
    for key, value in (("sp_entity_id", sp_entity_id), ("acs_url", acs_url), ("idp_metadata", idp_metadata),
                       ("options", options), ("expected_warnings", expected_warnings),
                       ("decryption_key", decryption_key), ("expected_attributes", expected_attributes)):
        if value is not None:
            entry[key] = value
    if valid:
        entry["expected_name_id"] = name_id
    if verify:
        entry["signatures_verify"] = True
    if report:
        entry["independent_check"] = report
    entry.update(extra)
    ENTRIES.append(entry)


def semantic(name, doc, expected, description, **kw):
    """Hostile, every signature valid: the defect is the only one (checked)."""
    emit(name, doc, valid=False, expected=expected, description=description, verify=True, **kw)


def hostile(name, doc, expected, description, **kw):
    emit(name, doc, valid=False, expected=expected, description=description, **kw)


# ---------------------------------------------------------------------------------------------------------------
# pysaml2 as the IdP (worker under faketime), parameterised: entity IDs, key, which elements it signs
# ---------------------------------------------------------------------------------------------------------------
def pysaml2_worker(spec_json):
    """Runs under faketime and /usr/bin/python3 (like make_responses.pysaml2_worker, with its parameters open)."""
    from saml2 import s_utils, saml, xmldsig
    from saml2.config import IdPConfig
    from saml2.saml import NAME_FORMAT_URI
    import saml2.server

    spec = json.loads(spec_json)
    counter = itertools.count(1)
    original_sid = s_utils.sid

    def deterministic_sid(*_a, **_k):
        return "id-" + hashlib.sha256(f"verdicts-{spec['seed']}-{next(counter)}".encode()).hexdigest()[:24]

    for module in list(sys.modules.values()):
        if module is not None and getattr(module, "sid", None) is original_sid:
            module.sid = deterministic_sid
    work = pathlib.Path(tempfile.mkdtemp(prefix="pysaml2-verdicts-"))
    (work / "sp.xml").write_text(f"""<md:EntityDescriptor xmlns:md="{MD}" entityID="{spec['sp']}">
  <md:SPSSODescriptor protocolSupportEnumeration="{SAMLP}" AuthnRequestsSigned="false" WantAssertionsSigned="true">
    <md:NameIDFormat>{EMAIL_FORMAT}</md:NameIDFormat>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{spec['acs']}" index="0" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
""", encoding="utf-8")
    config = IdPConfig().load({
        "entityid": spec["idp"],
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "key_file": spec["key"] + ".key", "cert_file": spec["key"] + ".crt",
        "metadata": {"local": [str(work / "sp.xml")]},
        "service": {"idp": {
            "endpoints": {"single_sign_on_service": [(f"{spec['idp']}/sso", REDIRECT)]},
            "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
        }},
    })
    server = saml2.server.Server(config=config)
    identity = {name: values for name, values in mr.claims(mr.groups(10))}
    response = server.create_authn_response(
        identity, spec["req"], spec["acs"], spec["sp"],
        name_id=saml.NameID(format=EMAIL_FORMAT, text=NAME_ID),
        authn={"class_ref": mr.PASSWORD_PROTECTED, "authn_auth": spec["idp"]},
        sign_response=spec["sign_response"], sign_assertion=True,
        sign_alg=xmldsig.SIG_RSA_SHA256, digest_alg=xmldsig.DIGEST_SHA256)
    shutil.rmtree(work, ignore_errors=True)
    text = str(response)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def pysaml2(seed, *, idp=IDP, sp=SP, acs=ACS, req=REQ, key="keys/idp-rsa2048", sign_response=False):
    spec = json.dumps({"seed": seed, "idp": idp, "sp": sp, "acs": acs, "req": req, "key": key_path(key),
                       "sign_response": sign_response})
    result = run(["faketime", "-f", FAKETIME_NOW, "/usr/bin/python3", __file__, "--pysaml2-worker", spec],
                 env=dict(os.environ, TZ="UTC"))
    if result.returncode != 0:
        raise RuntimeError(f"pysaml2 worker failed: {result.stderr.decode(errors='replace')[-2000:]}")
    return result.stdout


# ---------------------------------------------------------------------------------------------------------------
# A. Trust decisions
# ---------------------------------------------------------------------------------------------------------------
def trust():
    rsa1024 = "verdicts/keys/idp-rsa1024"
    emit("rsa1024", sign_assertion(mr.base(), key=key_path(rsa1024)), group="A", valid=False, expected="weakKey",
         verify=True, certs=(rsa1024,),
         description="Assertion signed (validly) by an RSA-1024 key the SP trusts (verdicts/keys/idp-rsa1024.crt): "
         "below the default minimumRSAKeyBits (2048).")
    emit("rsa1024-allowed", None, file="rsa1024.xml", group="A", valid=True, certs=(rsa1024,),
         options={"minimumRSAKeyBits": 1024},
         description="rsa1024.xml with minimumRSAKeyBits = 1024 (old ADFS farms): accepted.")
    emit("pysaml2-rsa1024-both-signed", pysaml2("rsa1024", key=rsa1024, sign_response=True), group="A", valid=True,
         signer="pysaml2", certs=(rsa1024,), options={"minimumRSAKeyBits": 1024},
         description="pysaml2 7.0.1 as the IdP (under faketime at NOW), Assertion and Response signed with the RSA-1024 "
         "key: accepted with minimumRSAKeyBits = 1024.")
    emit("pysaml2-rsa1024-both-signed-default", None, file="pysaml2-rsa1024-both-signed.xml", group="A", valid=False,
         expected="weakKey", signer="pysaml2", certs=(rsa1024,), verify=True,
         description="pysaml2-rsa1024-both-signed.xml with the default minimumRSAKeyBits (2048).")

    p192 = "verdicts/keys/idp-ec-p192"
    emit("ec-p192", sign_assertion(mr.base(), key=key_path(p192), sig_alg=ECDSA_SHA256), group="A", valid=False,
         expected="weakKey", verify=True, certs=(p192,),
         description="Assertion signed (validly, ecdsa-sha256) by an EC key on prime192v1 (P-192) that the SP trusts: "
         "EC keys below P-256 are refused. ECDSA uses a random nonce: reruns keep the file while its content is the same.")
    emit("ec-p192-rsa1024-allowed", None, file="ec-p192.xml", group="A", valid=False, expected="weakKey",
         certs=(p192,), verify=True, options={"minimumRSAKeyBits": 1024},
         description="ec-p192.xml with minimumRSAKeyBits = 1024: that option is about RSA; P-192 stays refused.")

    for ref, name, warning, what in (("verdicts/keys/idp-not-yet-valid", "cert-not-yet-valid", "not yet valid",
                                      "is not yet valid (notBefore after NOW)"),
                                     ("verdicts/keys/idp-expired", "cert-expired", "expired", "that expired before NOW")):
        dates = cert_dates(ref)
        emit(name, sign_assertion(mr.base(), key=key_path(ref)), group="A", valid=True, certs=(ref,),
             expected_warnings=[warning],
             description=f"Assertion signed with a key whose trusted certificate {what} (made by openssl under "
             f"faketime: notBefore {dates.get('notBefore')}, notAfter {dates.get('notAfter')}). The key is pinned by "
             f"metadata, so the dates do not decide (saml-metadata: keys, not certificates, are trusted); `saml "
             f"verify` must warn '{warning}'.")

    triple_des()


def triple_des():
    signed_assertion = me.element_bytes(assertion_of(sign_assertion(mr.base())))
    option = {"allowTripleDES": True}
    key = "keys/sp-enc-rsa2048.key"

    def opens(path, data):
        plain, steps, signatures = me.open_all(data, (me.SP_KEY,), ("idp-rsa2048",))
        if plain is None or not signatures or not all(signatures.values()):
            raise SystemExit(f"FAILED: {path.name}: {steps} {signatures}")
        found = [n.text for n in mr.X(mr.parse(plain), "//saml:Assertion/saml:Subject/saml:NameID")]
        if found != [NAME_ID]:
            raise SystemExit(f"FAILED: {path.name}: NameID {found}")
        return "; ".join(steps) + f"; {len(signatures)}/{len(signatures)} signature(s) verified by xmlsec1 --verify"

    def undecryptable(path, data):
        plain, steps, _ = me.open_all(data, (me.SP_KEY,), verify=False)
        if plain is not None:
            raise SystemExit(f"FAILED: {path.name} decrypts, but should not")
        return f"does not decrypt with keys/sp-enc-rsa2048.key ({steps[-1]})"

    doc = me.response_with(me.xmlsec_encrypt(signed_assertion, "tripledes-cbc"))
    emit("tripledes", doc, group="A", valid=True, options=option, decryption_key=key, check=opens,
         description="The IdP-signed base Assertion encrypted by the xmlsec1 CLI with tripledes-cbc data and "
         "rsa-oaep-mgf1p key transport to keys/sp-enc-rsa2048: accepted with allowTripleDES.")
    emit("tripledes-not-allowed", None, file="tripledes.xml", group="A", valid=False,
         expected="encryptionAlgorithmNotAllowed", decryption_key=key, check=opens,
         description="tripledes.xml with the default options: Triple DES is not on the allow-list.")
    emit("pysaml2-tripledes", me.pysaml2_response("default"), group="A", valid=True, signer="pysaml2",
         options=option, decryption_key=key, check=opens,
         description="pysaml2 7.0.1 as the IdP with its own encryption defaults (tripledes-cbc, rsa-oaep-mgf1p, "
         "EncryptedKey with KeyName + the SP certificate), Assertion signed inside, Response signed over the "
         "ciphertext (made by make_encrypted.py's pysaml2 worker): accepted with allowTripleDES.")

    # Tampered copies of the kept tripledes.xml: one ciphertext byte flipped in the first block after the IV.
    root = mr.parse((STAGE / "tripledes.xml").read_bytes())
    data_value = me.X(root, "//xenc:EncryptedData/xenc:CipherData/xenc:CipherValue")[0]
    me.edit_cipher(data_value, lambda raw: raw.__setitem__(11, raw[11] ^ 0x01))
    def flipped_check(path, data):
        plain = open_3des_by_openssl(data)
        if not plain or not 1 <= plain[-1] <= 8:
            raise SystemExit(f"FAILED: {path.name}: the padding should stay valid ({plain[-8:] if plain else None!r})")
        return undecryptable(path, data) + f"; openssl enc -nopad: last byte {plain[-1]} (valid padding), first block noise"
    emit("tripledes-ciphertext-flipped", root, group="A", valid=False, expected="decryptionFailed", options=option,
         decryption_key=key, check=flipped_check,
         description="tripledes.xml with byte 11 of IV||ciphertext XORed with 0x01 (the first ciphertext block): the "
         "first plaintext block becomes noise, the padding stays valid. With allowTripleDES: decryptionFailed, never "
         "a parse error (no oracle).")

    # The padding written by hand (Python `cryptography`): last byte 0x10, a length no 8-byte block can hold.
    request = {"plaintext": base64.b64encode(signed_assertion).decode(),
               "cert": str(FIXTURES / "keys" / "sp-enc-rsa2048.crt"), "pad_byte": 0x10}
    python = me.find_crypto_python()
    result = run([python, __file__, "--cryptography-worker"], input=json.dumps(request).encode())
    if result.returncode != 0:
        raise RuntimeError(f"cryptography worker failed: {result.stderr.decode(errors='replace')[-1500:]}")
    answer = json.loads(result.stdout)
    encrypted = (f'<xenc:EncryptedData xmlns:xenc="{XENC}" xmlns:ds="{DS}" Type="{XENC}Element">'
                 f'<xenc:EncryptionMethod Algorithm="{me.DATA_ALGS["tripledes-cbc"]}"/><ds:KeyInfo><xenc:EncryptedKey>'
                 f'<xenc:EncryptionMethod Algorithm="{me.TRANSPORTS["rsa-oaep-mgf1p"]}"/>'
                 f'<xenc:CipherData><xenc:CipherValue>{answer["key"]}</xenc:CipherValue></xenc:CipherData>'
                 '</xenc:EncryptedKey></ds:KeyInfo>'
                 f'<xenc:CipherData><xenc:CipherValue>{answer["data"]}</xenc:CipherValue></xenc:CipherData>'
                 '</xenc:EncryptedData>')
    doc = me.response_with([mr.parse(encrypted.encode())])
    file = "tripledes-padding-invalid.xml"
    (STAGE / file).write_bytes(keep_previous_if_same_padding(file, mr.to_bytes(doc), signed_assertion))

    def padding_check(path, data):
        plain = open_3des_by_openssl(data)
        if not plain or plain[-1] != 0x10 or not plain.startswith(signed_assertion):
            raise SystemExit(f"FAILED: {path.name}: decrypted tail {plain[-8:] if plain else None!r}")
        return undecryptable(path, data) + ("; openssl pkeyutl + openssl enc -des-ede3-cbc -nopad: the signed "
                                            "Assertion followed by padding whose last byte is 0x10")

    emit("tripledes-padding-invalid", None, file=file, group="A", valid=False, expected="decryptionFailed",
         options=option, decryption_key=key, check=padding_check, encryptor="cryptography",
         description="The signed base Assertion encrypted with tripledes-cbc by the Python `cryptography` package "
         "with hand-written padding whose last byte is 0x10 (16: a valid AES pad length, impossible for an 8-byte "
         "block); rsa-oaep-mgf1p to keys/sp-enc-rsa2048. With allowTripleDES: decryptionFailed.")


def open_3des_by_openssl(data):
    """IV||C of the first EncryptedData decrypted without a padding check: the session key unwrapped by
    `openssl pkeyutl` (OAEP, SHA-1), the data by `openssl enc -d -des-ede3-cbc -nopad`. None when it cannot."""
    root = mr.parse(data)
    ed = me.X(root, "//xenc:EncryptedData")[0]
    ek = me.X(ed, "ds:KeyInfo/xenc:EncryptedKey")[0]
    session = me.openssl_unwrap(me.SP_KEY, base64.b64decode(me.cipher_value(ek).text), "rsa-oaep-mgf1p", None, None,
                                None)
    if session is None or len(session) != 24:
        return None
    raw = base64.b64decode(me.cipher_value(ed).text)
    result = run(["openssl", "enc", "-d", "-des-ede3-cbc", "-nopad", "-K", session.hex(), "-iv", raw[:8].hex(),
                  "-in", tmp("3des.bin", raw[8:])])
    return result.stdout if result.returncode == 0 else None


def keep_previous_if_same_padding(file, data, plaintext):
    """The hand-padded file cannot be opened by xmlsec1 (that is its point): keep the previous one when it has the
    same shape and, opened by openssl, the same plaintext and the same last byte."""
    old_path = OUT / file
    if not old_path.exists():
        return data
    old = old_path.read_bytes()
    plain = open_3des_by_openssl(old) if me.strip_random(old) == me.strip_random(data) else None
    if plain and plain.startswith(plaintext) and plain[-1] == 0x10 and len(plain) - len(plaintext) < 8:
        return old
    return data


# ---------------------------------------------------------------------------------------------------------------
# B. Exact comparisons
# ---------------------------------------------------------------------------------------------------------------
def k_base(**kw):
    text = (mr.base_xml(**kw).replace(IDP, K_IDP).replace(SP, K_SP).replace(ACS, K_ACS).replace(REQ, K_REQ))
    return mr.parse(text.encode())


def k_edit(edit, sign=sign_assertion):
    root = k_base()
    edit(root)
    return sign(root)


def K(value, look):
    assert value.count("K") == 1, value
    return value.replace("K", look)


def exact():
    common = dict(group="B", entity_id=K_IDP, request_id=K_REQ, sp_entity_id=K_SP, acs_url=K_ACS)
    emit("kelvin-base", k_edit(lambda r: None), valid=True, **common,
         description=f"The base with every compared value carrying a K: IdP {K_IDP}, SP {K_SP}, ACS {K_ACS}, "
         f"InResponseTo {K_REQ}; Assertion signed. Valid: the baseline of group B.")
    emit("pysaml2-kelvin-assertion-signed", pysaml2("kelvin-a", idp=K_IDP, sp=K_SP, acs=K_ACS, req=K_REQ),
         valid=True, signer="pysaml2", **common,
         description="pysaml2 7.0.1 as the IdP (faketime at NOW) for the group-B configuration, Assertion signed. Its "
         "Issuers carry Format=...nameid-format:entity.")
    emit("pysaml2-kelvin-both-signed", pysaml2("kelvin-b", idp=K_IDP, sp=K_SP, acs=K_ACS, req=K_REQ,
                                               sign_response=True),
         valid=True, signer="pysaml2", **common,
         description="As pysaml2-kelvin-assertion-signed, with the Response signed too.")

    looks = {"kelvin": (KELVIN, "U+212A KELVIN SIGN (canonically equivalent to K: NFC/NFD turn it into K)"),
             "fullwidth": (FULLWIDTH_K, "U+FF2B FULLWIDTH LATIN CAPITAL LETTER K (compatibility equivalent: NFKC turns "
                                        "it into K)")}

    def audience(r, v):
        one(r, "saml:Assertion/saml:Conditions/saml:AudienceRestriction/saml:Audience").text = v

    def response_issuer(r, v):
        one(r, "saml:Issuer").text = v

    def assertion_issuer(r, v):
        one(r, "saml:Assertion/saml:Issuer").text = v

    def destination(r, v):
        r.set("Destination", v)

    def recipient(r, v):
        one(r, "saml:Assertion/saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData").set("Recipient", v)

    def response_irt(r, v):
        r.set("InResponseTo", v)

    def scd_irt(r, v):
        one(r, "saml:Assertion/saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData").set("InResponseTo", v)

    cases = (("audience", audience, K_SP, sign_assertion, "audienceMismatch", "the Audience"),
             ("response-issuer", response_issuer, K_IDP, sign_both, "issuerMismatch",
              "the Response Issuer (Assertion and Response signed)"),
             ("assertion-issuer", assertion_issuer, K_IDP, sign_assertion, "issuerMismatch", "the Assertion Issuer"),
             ("destination", destination, K_ACS, sign_both, "destinationMismatch",
              "the Response Destination (both signed)"),
             ("recipient", recipient, K_ACS, sign_assertion, "recipientMismatch", "the SubjectConfirmationData Recipient"),
             ("response-inresponseto", response_irt, K_REQ, sign_both, "inResponseToMismatch",
              "the Response InResponseTo (both signed)"),
             ("scd-inresponseto", scd_irt, K_REQ, sign_assertion, "inResponseToMismatch",
              "the SubjectConfirmationData InResponseTo"))
    for what, edit, value, sign, expected, where in cases:
        for look_name, (look, look_what) in looks.items():
            semantic(f"{what}-{look_name}", k_edit(lambda r: edit(r, K(value, look)), sign), expected, **common,
                     description=f"{where} is '{K(value, look)}': {look_what} in place of the K of the configured "
                     f"'{value}'; signed validly. Values compare by code point (Swift String == would say equal for "
                     "U+212A).")

    semantic("audience-nfd", k_edit(lambda r: audience(r, CAFE_SP_NFD)), "audienceMismatch", group="B",
             entity_id=K_IDP, request_id=K_REQ, sp_entity_id=CAFE_SP, acs_url=K_ACS,
             description="The SP's entityID is ...saml/caf\\u00e9 (NFC); the signed Audience is ...saml/cafe\\u0301 (NFD, "
             "canonically equivalent): a different string.")
    semantic("audience-nbsp", k_edit(lambda r: audience(r, K_SP + NBSP)), "audienceMismatch", **common,
             description="The signed Audience is the SP's entityID followed by U+00A0 NO-BREAK SPACE, which is not XML "
             "whitespace: no trimming may remove it.")
    semantic("issuer-nbsp", k_edit(lambda r: assertion_issuer(r, K_IDP + NBSP)), "issuerMismatch", **common,
             description="The signed Assertion Issuer is the IdP entityID followed by U+00A0 (not XML whitespace).")

    def xml_whitespace(r):
        response_issuer(r, f"\n    {K_IDP}  \n  ")
        assertion_issuer(r, f"  {K_IDP}\n    ")
    emit("issuer-xml-whitespace", k_edit(xml_whitespace, sign_both), valid=True, **common,
         description="Both Issuers padded with XML whitespace (spaces and newlines), both signed: Issuer is a token "
         "for this comparison, the padding is not part of the entityID. Valid.")
    emit("nameid-line-separator", k_edit(lambda r: setattr(one(r, "saml:Assertion/saml:Subject/saml:NameID"), "text",
                                                             NAME_ID + LINE_SEPARATOR)),
         valid=True, name_id=NAME_ID + LINE_SEPARATOR, **common,
         description="The signed NameID ends with U+2028 LINE SEPARATOR (not XML whitespace): valid, and the SP returns "
         "it exactly, U+2028 included (Foundation's whitespacesAndNewlines would strip it).")

    def two_kelvins(r):
        statement = one(r, "saml:Assertion/saml:AttributeStatement")
        first = statement[0]
        mr.insert_before(first, element(mr.attribute_xml(KELVIN + "elvin", ["kelvin-sign-value"]).strip()))
        mr.insert_before(first, element(mr.attribute_xml("Kelvin", ["kelvin-value-1", "kelvin-value-2"]).strip()))
    emit("attributes-kelvin-and-kelvin-sign", k_edit(two_kelvins), valid=True, **common,
         expected_attributes={"Kelvin": ["kelvin-value-1", "kelvin-value-2"]},
         description="Two Attributes, Name='\\u212Aelvin' (KELVIN SIGN, first) with kelvin-sign-value and Name='Kelvin' "
         "with kelvin-value-1, kelvin-value-2; signed. Valid; the values of 'Kelvin' are its own two only.")


# ---------------------------------------------------------------------------------------------------------------
# C. Profile MUSTs
# ---------------------------------------------------------------------------------------------------------------
def conditions(root):
    return one(root, "saml:Assertion/saml:Conditions")


def scd(root):
    return one(root, "saml:Assertion/saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData")


def profile():
    g = dict(group="C")
    root = mr.base()
    detach(one(root, "saml:Issuer"))
    semantic("signed-response-without-issuer", sign_response(root), "signedResponseWithoutIssuer", **g,
             description="The Response is signed but has no Issuer (saml-profiles 4.1.4.2: MUST when signed); the "
             "unsigned Assertion names the IdP.")

    def fmt(path, value):
        return lambda r: one(r, path).set("Format", value)
    root = mr.base()
    fmt("saml:Issuer", EMAIL_ISSUER_FORMAT)(root)
    semantic("response-issuer-format-email", sign_both(root), "invalidIssuerFormat", **g,
             description=f"Response Issuer with Format={EMAIL_ISSUER_FORMAT}; both signed (saml-profiles 4.1.4.2: "
             "omitted or ...:entity).")
    semantic("assertion-issuer-format-email", edited_assertion(fmt("saml:Assertion/saml:Issuer", EMAIL_ISSUER_FORMAT)),
             "invalidIssuerFormat", **g,
             description=f"Assertion Issuer with Format={EMAIL_ISSUER_FORMAT}; Assertion signed.")
    root = mr.base()
    fmt("saml:Issuer", ENTITY_FORMAT)(root)
    fmt("saml:Assertion/saml:Issuer", ENTITY_FORMAT)(root)
    emit("issuer-format-entity", sign_both(root), valid=True, **g,
         description="Both Issuers with Format=urn:oasis:names:tc:SAML:2.0:nameid-format:entity; both signed. Valid.")

    root = mr.base()
    status = one(root, "samlp:Status")
    append_child(status, clone(one(status, "samlp:StatusCode")))
    semantic("two-status-codes", sign_both(root), "duplicateElement", **g,
             description="samlp:Status with two top-level StatusCode elements (both Success); both signed.")

    def two_conditions(r):
        second = clone(conditions(r))
        one(second, "saml:AudienceRestriction/saml:Audience").text = OTHER_SP
        insert_after(conditions(r), second)
    semantic("two-conditions", edited_assertion(two_conditions), "duplicateElement", **g,
             description=f"Two saml:Conditions, the second restricting the Assertion to another SP ({OTHER_SP}); "
             "Assertion signed. An SP reading only the first would accept it.")

    def add(snippet):
        return lambda r: append_child(conditions(r), element(snippet))
    semantic("condition-xsi-type", edited_assertion(add(
        f'<saml:Condition xmlns:xsi="{XSI}" xmlns:ext="{DELEGATION}" xsi:type="ext:DelegationRestrictionType">'
        f'<ext:Delegate><saml:NameID>https://proxy.example.test</saml:NameID></ext:Delegate></saml:Condition>')),
        "unknownCondition", **g,
        description="Conditions carry <saml:Condition xsi:type=\"ext:DelegationRestrictionType\"> (the delegation "
        "extension): a condition the SP does not understand makes the assertion invalid (saml-core 2.5.1.5).")
    semantic("condition-foreign-element", edited_assertion(add(
        '<dev:DeviceBinding xmlns:dev="urn:example:conditions:device" Device="laptop-42"/>')),
        "unknownCondition", **g,
        description="Conditions carry a foreign-namespace element {urn:example:conditions:device}DeviceBinding.")
    emit("onetimeuse", edited_assertion(add("<saml:OneTimeUse/>")), valid=True, **g,
         description="Conditions with one OneTimeUse: valid.")

    def twice(snippet):
        return lambda r: (add(snippet)(r), add(snippet)(r))
    semantic("two-onetimeuse", edited_assertion(twice("<saml:OneTimeUse/>")), "duplicateElement", **g,
             description="Conditions with two OneTimeUse elements (saml-core 2.5.1.5: at most one).")
    proxy = f'<saml:ProxyRestriction Count="0"><saml:Audience>{OTHER_SP}</saml:Audience></saml:ProxyRestriction>'
    emit("proxyrestriction", edited_assertion(add(proxy)), valid=True, **g,
         description="Conditions with ProxyRestriction Count=\"0\" and an Audience: the SP issues no assertions of its "
         "own, so it is valid.")
    semantic("two-proxyrestriction", edited_assertion(twice(proxy)), "duplicateElement", **g,
             description="Conditions with two ProxyRestriction elements (saml-core 2.5.1.6: at most one).")

    def window(not_before, not_on_or_after):
        def edit(r):
            conditions(r).set("NotBefore", ts(not_before))
            conditions(r).set("NotOnOrAfter", ts(not_on_or_after))
        return edit
    semantic("conditions-empty-window", edited_assertion(window(60, 60)), "invalidTimeWindow", **g,
             description=f"Conditions NotBefore == NotOnOrAfter == {ts(60)} (NOW+60 s, inside the 180 s skew on both "
             "sides): no instant satisfies NotBefore <= t < NotOnOrAfter.")
    semantic("conditions-inverted-window", edited_assertion(window(30, -30)), "invalidTimeWindow", **g,
             description=f"Conditions NotBefore {ts(30)} is 60 s after NotOnOrAfter {ts(-30)}; NOW lies between them "
             "and each bound alone passes with the skew: only the inversion is wrong.")

    root = mr.base(in_response_to=None)
    scd(root).set("InResponseTo", REQ)
    semantic("unsolicited-scd-inresponseto", sign_assertion(root), "inResponseToMismatch", **g, request_id=None,
             options={"allowUnsolicited": True},
             description="No InResponseTo on the Response (IdP-initiated), but the SubjectConfirmationData answers "
             f"{REQ}; no request outstanding, allowUnsolicited: the assertion was issued for somebody else's request "
             "(login CSRF).")
    emit("unsolicited-scd-inresponseto-allowed", None, file="unsolicited-scd-inresponseto.xml", valid=True, **g,
         request_id=None, options={"allowUnsolicited": True, "allowUnsolicitedSubjectConfirmationInResponseTo": True},
         description="unsolicited-scd-inresponseto.xml with allowUnsolicitedSubjectConfirmationInResponseTo too: valid.")

    advice()

    emit("reference-enveloped-only", sign_assertion(mr.base(), transforms=(ENVELOPED,)), valid=True, **g,
         description="Assertion signature whose Reference has only the enveloped-signature transform (the implicit "
         "final canonicalization is inclusive c14n 1.0, xmldsig 4.3.3.2).")
    emit("reference-enveloped-inclusive-c14n", sign_assertion(mr.base(), transforms=(ENVELOPED, C14N)), valid=True,
         **g, description=f"Assertion signature whose Reference has enveloped-signature + explicit inclusive c14n "
         f"({C14N}): the same canonicalization the enveloped transform alone implies. Valid.")


ADVICE_ID = "_advice-3c9e7a1f-5b2d-4e8c-9a6f-0d1b3e5c7a92"


def advice():
    inner_root = mr.base(assertion_id=ADVICE_ID)
    inner = assertion_of(inner_root)
    mr.evilize(inner)
    statement = one(inner, "saml:AttributeStatement")
    for attr in list(statement):
        statement.remove(attr)
    statement.text = "\n      "
    statement.append(element(mr.attribute_xml("advice-only", ["granted"]).strip()))
    statement[-1].tail = "\n    "
    inner_root = sign_assertion(inner_root)
    inner = clone(assertion_of(inner_root))
    one(inner, "saml:AttributeStatement/saml:Attribute/saml:AttributeValue").text = "tampered"
    root = mr.base()
    adv = element("<saml:Advice/>")
    adv.append(inner)
    insert_after(conditions(root), adv)
    root = sign_assertion(root)

    def check(path, data):
        verdicts = verify_each(path, ("keys/idp-rsa2048",), (1, 2))
        if verdicts != [True, False]:
            raise SystemExit(f"FAILED: {path.name}: outer/inner signatures {verdicts}, expected valid/invalid")
        return "xmlsec1 --verify against keys/idp-rsa2048 only: the outer Assertion signature verifies, the inner " \
               "(Advice) one does not"
    emit("advice-tampered-inner-assertion", root, group="C", valid=True, check=check,
         expected_attributes={"advice-only": []},
         description="The validly signed Assertion carries saml:Advice with an inner Assertion (about "
         "admin@contoso.example, attribute advice-only=tampered) whose own signature is invalid (value changed after "
         "signing). Valid: Advice is not read, so the inner attribute must not appear.")


# ---------------------------------------------------------------------------------------------------------------
# D. Input hygiene
# ---------------------------------------------------------------------------------------------------------------
def hygiene():
    g = dict(group="D")
    data = ASSERTION_SIGNED
    text = data.decode()
    assert data.endswith(b"</samlp:Response>\n")

    def underlying(original):
        """The file is `original` plus the defect, which xmlsec1's parser refuses or reads differently: check that
        `original` verifies, and that the file is exactly it plus the bytes the description names."""
        def check(path, _data):
            p = tmp("underlying.xml", original)
            count = signature_count(original)
            if not all(verify_each(p, ("keys/idp-rsa2048",), range(1, count + 1))):
                raise SystemExit(f"FAILED: {path.name}: the underlying document does not verify")
            return (f"without the defect the document is assertion-signed.xml, whose {count} signature(s) verify with "
                    "xmlsec1 --verify against keys/idp-rsa2048 only")
        return check

    hostile("nul-after-root", data[:-1] + b"\x00\n", "nulCharacter", check=underlying(data), **g,
            description="assertion-signed.xml with a NUL byte right after the root element's end tag (libxml2 stops "
            "reading at a NUL in some entry points; other readers do not).")
    marker = b"</samlp:Status>"
    assert data.count(marker) == 1
    hostile("nul-in-comment", data.replace(marker, marker + b"\n  <!-- \x00 -->"), "nulCharacter",
            check=underlying(data), **g,
            description="assertion-signed.xml with a comment holding a NUL byte after samlp:Status (outside the signed "
            "Assertion).")
    hostile("bom-utf8-declares-utf16", b"\xef\xbb\xbf" + b'<?xml version="1.0" encoding="UTF-16"?>\n' + data,
            "encodingMismatch", check=underlying(data), **g,
            description="A UTF-8 byte-order mark, an XML declaration saying encoding=\"UTF-16\", then "
            "assertion-signed.xml in UTF-8.")
    hostile("bom-utf16le-declares-utf8",
            b"\xff\xfe" + ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-16-le"),
            "encodingMismatch", check=underlying(data), **g,
            description="assertion-signed.xml encoded as UTF-16LE with its byte-order mark, but declaring "
            "encoding=\"UTF-8\".")
    emit("utf16-bom", b"\xff\xfe" + ('<?xml version="1.0" encoding="UTF-16"?>\n' + text).encode("utf-16-le"),
         valid=True, **g,
         description="assertion-signed.xml re-encoded as UTF-16LE with a byte-order mark and encoding=\"UTF-16\" "
         "(the signature covers the canonical UTF-8 form, so it still verifies). Valid.")
    emit("utf8-bom", b"\xef\xbb\xbf" + b'<?xml version="1.0" encoding="UTF-8"?>\n' + data, valid=True, **g,
         description="assertion-signed.xml with a UTF-8 byte-order mark and encoding=\"UTF-8\". Valid.")


# ---------------------------------------------------------------------------------------------------------------
# E. Bounded work
# ---------------------------------------------------------------------------------------------------------------
PREFIXES = 8000
SCAN_FIRST = (" Since the markup scan (32 namespace declarations per element), the declarations are refused before "
              "parsing (tooManyNamespaceDeclarations); the PrefixList bound stands behind it.")


def prefix_names(count=PREFIXES):
    return [f"p{i}" for i in range(count)]


def with_prefix_list(data, element_start, where, uri_template="urn:{}", pad_to=None):
    """Declare PREFIXES namespaces on the first `element_start` (e.g. b'<saml:Assertion ') and name them all in an
    InclusiveNamespaces PrefixList under the first exc-c14n Transform (where="reference") or under SignedInfo's
    CanonicalizationMethod (where="signedinfo"). Applied after signing: the signature is bogus."""
    names = prefix_names()
    decls = "".join(f' xmlns:{p}="{uri_template.format(p)}"' for p in names)
    assert data.count(element_start) >= 1
    data = data.replace(element_start, element_start.rstrip() + decls.encode() + b" ", 1)
    inclusive = (f'<ec:InclusiveNamespaces xmlns:ec="{EXC_C14N}" PrefixList="{" ".join(names)}"/>').encode()
    old = {"reference": f'<ds:Transform Algorithm="{EXC_C14N}"/>',
           "signedinfo": f'<ds:CanonicalizationMethod Algorithm="{EXC_C14N}"/>'}[where].encode()
    new = old[:-2] + b">" + inclusive + (b"</ds:Transform>" if where == "reference" else b"</ds:CanonicalizationMethod>")
    assert old in data, where
    data = data.replace(old, new, 1)
    if pad_to is not None and len(data) < pad_to:  # a comment outside the signed element, to reach the size named
        data = data.replace(b"</samlp:Status>", b"</samlp:Status>\n  <!--" + b"x" * (pad_to - len(data) - 10) + b"-->", 1)
    return data


def bounded():
    g = dict(group="E")
    limit = 256 * 1024
    for where, what in (("reference", "the Reference's exc-c14n Transform"),
                        ("signedinfo", "SignedInfo's CanonicalizationMethod")):
        data = with_prefix_list(ASSERTION_SIGNED, b"<saml:Assertion ", where, "urn:{}", pad_to=250_000)
        assert len(data) < limit, len(data)
        hostile(f"prefixlist-8000-{where}", data, "tooManyNamespaceDeclarations", **g,
                description=f"{len(data):,} bytes (under the default 256 KiB limit): the Assertion declares {PREFIXES:,} "
                f"namespace prefixes and {what} carries an InclusiveNamespaces PrefixList naming all of them (exclusive "
                "c14n then costs prefixes x namespaces). Edited after signing, the signature is bogus: the bound on "
                "the PrefixList (signatureMalformed, inclusiveNamespacesTooLong) must refuse it before any "
                "canonicalization." + SCAN_FIRST)
    root = mr.base()
    destination = ACS + "/" + "x" * (200_000 - len(ACS) - 1)
    root.set("Destination", destination)
    semantic("destination-200k", sign_both(root), "destinationMismatch", **g,
             options={"maxResponseBytes": 1 << 20}, max_detail_bytes=2048,
             description="A 200,000-character Destination (the ACS URL followed by /xxx...), Assertion and Response "
             "signed validly; maxResponseBytes 1 MiB. The error's printed detail must stay under 2 KiB "
             "(max_detail_bytes): the value is truncated, not echoed whole into logs.")


# ---------------------------------------------------------------------------------------------------------------
# F. Metadata validUntil
# ---------------------------------------------------------------------------------------------------------------
def idp_metadata_xml(entity_id, cert_ref, *, valid_until=None, id_attr=None, indent="  "):
    attrs = f' ID="{id_attr}"' if id_attr else ""
    attrs += f' validUntil="{valid_until}"' if valid_until else ""
    return f"""<md:EntityDescriptor xmlns:md="{MD}"{attrs} entityID="{entity_id}">
{indent}<md:IDPSSODescriptor protocolSupportEnumeration="{SAMLP}">
{indent}  <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="{DS}"><ds:X509Data><ds:X509Certificate>{cert_b64(cert_ref)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
{indent}  <md:SingleSignOnService Binding="{REDIRECT}" Location="{entity_id.rstrip('/')}/sso"/>
{indent}</md:IDPSSODescriptor>
{indent[:-2]}</md:EntityDescriptor>"""


def metadata_valid_until():
    g = dict(group="F")
    emit("assertion-signed", ASSERTION_SIGNED, valid=True, **g,
         description="The base of ../responses (assertion-signed.xml), trusted through idp_certs: the control case.")
    valid_until = ts(-86400)
    (STAGE / "idp-metadata-expired.xml").write_text(idp_metadata_xml(IDP, "keys/idp-rsa2048", valid_until=valid_until)
                                                    + "\n", encoding="utf-8")
    emit("metadata-expired", None, file="assertion-signed.xml", valid=False, expected="metadataExpired", verify=True,
         idp_metadata="verdicts/idp-metadata-expired.xml", **g,
         description=f"assertion-signed.xml, the IdP trusted through verdicts/idp-metadata-expired.xml (validUntil "
         f"{valid_until}, NOW-1 day; signing certificate keys/idp-rsa2048): keys must not outlive their metadata.")
    emit("metadata-expired-allowed", None, file="assertion-signed.xml", valid=True,
         idp_metadata="verdicts/idp-metadata-expired.xml", options={"allowExpiredMetadata": True}, **g,
         description="The same with allowExpiredMetadata: valid.")


# ---------------------------------------------------------------------------------------------------------------
# logout.json
# ---------------------------------------------------------------------------------------------------------------
LOGOUT = []


def logout_request_xml(*, id_=LOGOUT_REQUEST_ID, name_ids=1, issuer_format=None):
    id_attr = f' ID="{id_}"' if id_ else ""
    fmt = f' Format="{issuer_format}"' if issuer_format else ""
    name_id = f'\n  <saml:NameID Format="{EMAIL_FORMAT}">{NAME_ID}</saml:NameID>' * name_ids
    return (f'<samlp:LogoutRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}"{id_attr} Version="2.0" '
            f'IssueInstant="{ts(-10)}" Destination="{SLO}" NotOnOrAfter="{ts(300)}">\n'
            f'  <saml:Issuer{fmt}>{IDP}</saml:Issuer>{name_id}\n'
            f'  <samlp:SessionIndex>{SESSION_INDEX}</samlp:SessionIndex>\n'
            f'</samlp:LogoutRequest>\n')


def logout_response_xml(*, status_codes=1):
    codes = f'\n    <samlp:StatusCode Value="{SUCCESS}"/>' * status_codes
    return (f'<samlp:LogoutResponse xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="{LOGOUT_RESPONSE_ID}" Version="2.0" '
            f'IssueInstant="{ts(-10)}" Destination="{SLO}" InResponseTo="{SP_LOGOUT_REQUEST_ID}">\n'
            f'  <saml:Issuer>{IDP}</saml:Issuer>\n'
            f'  <samlp:Status>{codes}\n  </samlp:Status>\n'
            f'</samlp:LogoutResponse>\n')


def redirect_query(xml, parameter, relay_state=None, key="keys/idp-rsa2048"):
    """The Redirect binding by hand: raw DEFLATE, base64, percent-encoding (RFC 3986 unreserved kept), signed over
    the exact octets SAMLxxx=...&RelayState=...&SigAlg=... by `openssl dgst -sha256 -sign`, checked by
    `openssl dgst -verify` with the certificate's public key and by inflating the parameter back."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = compressor.compress(xml.encode()) + compressor.flush()
    query = f"{parameter}={quote(base64.b64encode(deflated).decode(), safe='')}"
    if relay_state is not None:
        query += f"&RelayState={quote(relay_state, safe='')}"
    query += f"&SigAlg={quote(RSA_SHA256, safe='')}"
    octets = tmp("octets.txt", query.encode())
    signature = run(["openssl", "dgst", "-sha256", "-sign", key_path(key) + ".key", octets]).stdout
    public = run(["openssl", "x509", "-pubkey", "-noout", "-in", key_path(key) + ".crt"]).stdout
    check = run(["openssl", "dgst", "-sha256", "-verify", tmp("pub.pem", public), "-signature",
                 tmp("sig.bin", signature), octets])
    assert check.returncode == 0 and b"Verified OK" in check.stdout, check
    sent = query.split("&")[0].split("=", 1)[1]
    assert zlib.decompress(base64.b64decode(unquote(sent)), -15) == xml.encode()
    return query + f"&Signature={quote(base64.b64encode(signature).decode(), safe='')}"


LOGOUT_ID_ATTRS = mr.ID_ATTRS + (("ID", f"{SAMLP}:LogoutRequest"), ("ID", f"{SAMLP}:LogoutResponse"))


def post_signed(xml, root_name):
    root = mr.parse(xml.encode())
    signed = mr.to_bytes(mr.sign(root, root, id_attrs=LOGOUT_ID_ATTRS))
    path = tmp("post.xml", signed)
    assert verify_each(path, ("keys/idp-rsa2048",), (1,), id_attrs=LOGOUT_ID_ATTRS) == [True], root_name
    return signed


def logout(name, content, *, binding, kind, valid, expected=None, description, relay_state=None, options=None,
           independent):
    assert (expected is None) == valid and (valid or expected in ERROR_CODES), name
    assert binding in ("redirect", "post") and kind in ("request", "response")
    file = f"{name}.{'query' if binding == 'redirect' else 'b64'}"
    (STAGE / file).write_text(content, encoding="ascii")
    assert len(content) <= 300_000, (file, len(content))
    entry = {"name": name, "file": file, "binding": binding, "kind": kind, "valid": valid, "expected": expected,
             "description": description, "idp_entity_id": IDP, "idp_certs": ["keys/idp-rsa2048.crt"],
             "expected_request_id": SP_LOGOUT_REQUEST_ID if kind == "response" else None,
             "expected_issuer": IDP if valid else None,
             "expected_in_response_to": SP_LOGOUT_REQUEST_ID if valid and kind == "response" else None,
             "relay_state": relay_state, "options": options or {}, "independent_check": independent}
    if valid and kind == "request":
        entry["expected_name_id"] = NAME_ID
    LOGOUT.append(entry)


REDIRECT_CHECK = ("signed over the exact query octets by openssl dgst -sha256 -sign keys/idp-rsa2048.key; "
                  "openssl dgst -verify with the certificate's public key: Verified OK; inflates back to the document")
POST_CHECK = "enveloped signature by xmlsec1; xmlsec1 --verify against keys/idp-rsa2048.crt only"


def logout_cases():
    relay = "/dashboard?tab=security"
    logout("redirect-logout-request", redirect_query(logout_request_xml(), "SAMLRequest", relay), binding="redirect",
           kind="request", valid=True, relay_state=relay, independent=REDIRECT_CHECK,
           description=f"The IdP's LogoutRequest ({NAME_ID}, SessionIndex) through HTTP-Redirect, signed rsa-sha256 "
           "over SAMLRequest&RelayState&SigAlg. Valid; RelayState returned decoded.")
    logout("post-logout-request", base64.b64encode(post_signed(logout_request_xml(), "LogoutRequest")).decode(),
           binding="post", kind="request", valid=True, relay_state=relay, independent=POST_CHECK,
           description="The same LogoutRequest through HTTP-POST with an enveloped xmlsec1 signature. Valid.")
    logout("redirect-logout-response", redirect_query(logout_response_xml(), "SAMLResponse"), binding="redirect",
           kind="response", valid=True, independent=REDIRECT_CHECK,
           description=f"The IdP's Success LogoutResponse to the SP's LogoutRequest {SP_LOGOUT_REQUEST_ID}, "
           "HTTP-Redirect, signed, no RelayState. Valid.")
    logout("post-logout-response", base64.b64encode(post_signed(logout_response_xml(), "LogoutResponse")).decode(),
           binding="post", kind="response", valid=True, independent=POST_CHECK,
           description="The same LogoutResponse through HTTP-POST, xmlsec1-signed. Valid.")
    tricky = "https://app.example.test/?SAMLResponse=x&SigAlg=y"
    logout("redirect-relaystate-with-parameter-text", redirect_query(logout_request_xml(), "SAMLRequest", tricky),
           binding="redirect", kind="request", valid=True, relay_state=tricky, independent=REDIRECT_CHECK,
           description=f"IdP-initiated LogoutRequest whose RelayState is '{tricky}' (percent-encoded in the query: the "
           "text SAMLResponse=x appears only once decoded). Valid: parameters are split before decoding.")
    logout("redirect-request-without-id", redirect_query(logout_request_xml(id_=None), "SAMLRequest"),
           binding="redirect", kind="request", valid=False, expected="invalidID", independent=REDIRECT_CHECK,
           description="A LogoutRequest without ID, validly signed (Redirect): ID is required (saml-core 3.2.1).")
    logout("redirect-request-two-nameids", redirect_query(logout_request_xml(name_ids=2), "SAMLRequest"),
           binding="redirect", kind="request", valid=False, expected="duplicateElement", independent=REDIRECT_CHECK,
           description="A LogoutRequest with two NameID elements, validly signed: whose session ends is ambiguous.")
    logout("redirect-response-two-status-codes", redirect_query(logout_response_xml(status_codes=2), "SAMLResponse"),
           binding="redirect", kind="response", valid=False, expected="duplicateElement", independent=REDIRECT_CHECK,
           description="A LogoutResponse whose Status has two top-level StatusCode elements (both Success), signed.")
    logout("redirect-response-as-samlrequest", redirect_query(logout_response_xml(), "SAMLRequest"),
           binding="redirect", kind="response", valid=False, expected="messageParameterMismatch",
           independent=REDIRECT_CHECK,
           description="A valid LogoutResponse sent (and signed) as the SAMLRequest parameter; the test passes it to "
           "validateLogoutResponse.")
    logout("redirect-request-as-samlresponse", redirect_query(logout_request_xml(), "SAMLResponse"),
           binding="redirect", kind="request", valid=False, expected="messageParameterMismatch",
           independent=REDIRECT_CHECK,
           description="A valid LogoutRequest sent (and signed) as the SAMLResponse parameter; the test passes it to "
           "validateLogoutRequest.")
    logout("redirect-request-issuer-format-email",
           redirect_query(logout_request_xml(issuer_format=EMAIL_ISSUER_FORMAT), "SAMLRequest"), binding="redirect",
           kind="request", valid=False, expected="invalidIssuerFormat", independent=REDIRECT_CHECK,
           description=f"A LogoutRequest whose Issuer has Format={EMAIL_ISSUER_FORMAT}, signed.")

    signed = post_signed(logout_request_xml(), "LogoutRequest")
    big = with_prefix_list(signed, b"<samlp:LogoutRequest ", "reference", "urn:x", pad_to=None)
    pad = 224_000 - len(big)  # base64 of ~224 KB stays under the 300 KB file bound
    if pad > 20:
        big = big.replace(b"</saml:Issuer>", b"</saml:Issuer>\n  <!--" + b"x" * (pad - 10) + b"-->", 1)
    logout("post-request-prefixlist-8000", base64.b64encode(big).decode(), binding="post", kind="request",
           valid=False, expected="tooManyNamespaceDeclarations",
           independent="edited after an xmlsec1 signature: the signature is bogus by construction",
           description=f"A {len(big):,}-byte POST LogoutRequest declaring {PREFIXES:,} namespace prefixes, its "
           "Reference's exc-c14n Transform naming all of them in an InclusiveNamespaces PrefixList (signature bogus). "
           "Must be refused by the PrefixList bound before canonicalization." + SCAN_FIRST)


# ---------------------------------------------------------------------------------------------------------------
# metadata.json
# ---------------------------------------------------------------------------------------------------------------
METADATA = []


def metadata(name, content, *, entity_id, verify_with=None, expected=None, expected_signing_cert=None, description,
             independent=None):
    assert expected is None or expected in ERROR_CODES, name
    file = f"{name}.xml"
    (STAGE / file).write_bytes(content if isinstance(content, bytes) else content.encode())
    assert (STAGE / file).stat().st_size <= 300_000, file
    entry = {"name": name, "file": file, "entity_id": entity_id, "verify_with": verify_with, "expected": expected,
             "expected_signing_cert": expected_signing_cert, "description": description}
    if independent:
        entry["independent_check"] = independent
    METADATA.append(entry)


def aggregate(entities):
    body = "\n".join(f"  {idp_metadata_xml(e, c, indent='    ')}" for e, c in entities)
    return f'<md:EntitiesDescriptor xmlns:md="{MD}" Name="urn:example:federation:verdicts">\n{body}\n</md:EntitiesDescriptor>\n'


def metadata_cases():
    victim_cert = "keys/idp-rsa2048"
    attacker = "keys/attacker-rsa2048"
    cafe = "https://idp.example.test/caf\u00e9"
    for name, victim, look, what in (
            ("aggregate-kelvin-sign", K_IDP, K(K_IDP, KELVIN), "U+212A KELVIN SIGN in place of its K"),
            ("aggregate-nfd", cafe, "https://idp.example.test/cafe\u0301", "the NFD form of its é (e + U+0301)"),
            ("aggregate-trailing-nbsp", K_IDP, K_IDP + NBSP, "a trailing U+00A0 NO-BREAK SPACE")):
        metadata(name, aggregate([(look, attacker), (victim, victim_cert)]), entity_id=victim,
                 expected_signing_cert=f"{victim_cert}.crt",
                 description=f"An EntitiesDescriptor whose first EntityDescriptor is a look-alike of the victim "
                 f"'{victim}' ({what}) with the attacker's key (keys/attacker-rsa2048), the victim second with "
                 "keys/idp-rsa2048. Selecting the victim's exact entityID must yield the victim's certificate.")
    metadata("aggregate-duplicate-entityid", aggregate([(K_IDP, attacker), (K_IDP, victim_cert)]), entity_id=K_IDP,
             expected="duplicateEntityID",
             description=f"An EntitiesDescriptor with two EntityDescriptors whose entityID is exactly '{K_IDP}' (the "
             "attacker's key first, the IdP's second): which key speaks for it cannot be decided.")

    ed_id = "_m2b6d0f4a8c1e5b9d3f7a2c6e0b4d8f1a5"
    signed = mr.to_bytes(mr.sign_standalone(idp_metadata_xml(IDP, victim_cert, id_attr=ed_id),
                                            f"{MD}:EntityDescriptor", index=0))
    md_attrs = mr.ID_ATTRS + (("ID", f"{MD}:EntityDescriptor"),)
    path = tmp("md.xml", signed)
    assert verify_each(path, (victim_cert,), (1,), id_attrs=md_attrs) == [True]
    metadata("signed-entity", signed, entity_id=None, verify_with=f"{victim_cert}.crt",
             expected_signing_cert=f"{victim_cert}.crt",
             independent="xmlsec1 --verify against keys/idp-rsa2048.crt only",
             description=f"The IdP's EntityDescriptor ({IDP}) signed by xmlsec1 with keys/idp-rsa2048 (enveloped, first "
             "child): verifies with the IdP certificate. Valid: the control for signed-entity-prefixlist-8000.")
    big = with_prefix_list(signed, b"<md:EntityDescriptor ", "reference", "urn:x", pad_to=None)
    pad = 211_000 - len(big)
    if pad > 20:
        big = big.replace(b"</md:IDPSSODescriptor>", b"</md:IDPSSODescriptor>\n  <!--" + b"x" * (pad - 10) + b"-->", 1)
    metadata("signed-entity-prefixlist-8000", big, entity_id=None, verify_with=f"{victim_cert}.crt",
             expected="tooManyNamespaceDeclarations",
             independent="edited after an xmlsec1 signature: the signature is bogus by construction",
             description=f"signed-entity.xml grown to {len(big):,} bytes: the EntityDescriptor declares {PREFIXES:,} "
             "namespace prefixes and its Reference's exc-c14n Transform names them all in an InclusiveNamespaces "
             "PrefixList (signature bogus). Verified with the IdP certificate: refused by the PrefixList bound." + SCAN_FIRST)


# ---------------------------------------------------------------------------------------------------------------
# README and main
# ---------------------------------------------------------------------------------------------------------------
def cell(text):
    return str(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def verdict(e):
    v = "**valid**" if e.get("expected") is None else f"`{e['expected']}`"
    if e.get("options"):
        v += " (" + ", ".join(f"{k}={json.dumps(val)}" for k, val in e["options"].items()) + ")"
    return v


README_HEAD = """# Verdict fixtures (issue 11: right verdicts everywhere)

Inputs whose verdict an SP gets wrong easily: trust decisions on weak or dated keys and Triple DES, exact (code
point) comparisons of entityIDs, URLs and IDs against Unicode look-alikes, profile MUSTs (Issuer, duplicate
elements, unknown conditions, empty time windows, Advice), input hygiene (NUL, byte-order marks), bounded work
(PrefixList, huge values) and metadata validUntil — for responses, logout messages and metadata. **Generated** — do
not edit the files here; change `Fixtures/scripts/make_verdicts.py` and rerun it:

```sh
/usr/bin/python3 Fixtures/scripts/make_verdicts.py      # from the repository root
```

It imports `make_responses.py` (base Response, fixed parameters — see `../responses/README.md`: NOW
`2026-12-01T12:00:00Z`, IdP `https://sts.windows.net/4a1c2b3d-…/` with `keys/idp-rsa2048`, SP
`https://app.example.test/saml/metadata`, ACS `https://app.example.test/saml/acs` — the xmlsec1 signing and
verification) and `make_encrypted.py` (xmlsec1 encryption, its pysaml2 worker, the independent decryption). Needs
Debian's `xmlsec1`, `openssl`, `python3-lxml`, `python3-pysaml2`, `faketime`, and a `python3` with the PyPI
`cryptography` package on `PATH`.

Signers: the xmlsec1 CLI (most), pysaml2 7.0.1 as a real IdP under faketime (`signer: pysaml2`), `openssl dgst
-sha256 -sign` for the Redirect-binding query signatures (over the exact octets, independent of the library), Python
`cryptography` for the hand-padded Triple DES ciphertext. Every valid fixture and every semantic hostile one is
verified with `xmlsec1 --verify --enabled-key-data raw-x509-cert --pubkey-cert-pem <trusted cert>` (keys in the
document ignored); encrypted ones are decrypted by `xmlsec1 --decrypt` (or unwrapped by `openssl pkeyutl`) first;
`independent_check` says what was run. The run fails otherwise.

`keys/` holds the extra keys, made by openssl only when absent (a rerun keeps them): {keys}

## manifest.json (responses)

The schema of `../responses/manifest.json` (read by `Tests/SAMLTests/ResponseFixtureTests.swift`), plus:

| field | meaning |
|---|---|
| `group` | A–F below |
| `sp_entity_id`, `acs_url` | the SP's configuration when not the defaults (group B: `{k_sp}`, `{k_acs}`) |
| `idp_metadata` | path (relative to `Fixtures/`) of an IdP metadata file to trust instead of `idp_certs` |
| `expected_warnings` | substrings the `saml verify` tool must print as warnings |
| `max_detail_bytes` | the rejection's `SAMLError.detail` must be at most this many UTF-8 bytes |
| `options` | besides the responses' ones: `minimumRSAKeyBits`, `allowTripleDES`, `allowExpiredMetadata`, `allowUnsolicitedSubjectConfirmationInResponseTo` |
| `decryption_key` | the SP key for encrypted cases |
| `independent_check` | what the generator ran to check the file, when not the plain signature verification |

Groups: **A** trust decisions (RSA-1024, EC P-192, certificate dates, Triple DES); **B** exact comparisons (IdP
`{k_idp}`, request ID `{k_req}`; U+212A KELVIN SIGN and U+FF2B FULLWIDTH K in each compared value, NFD, U+00A0,
U+2028, look-alike attribute names); **C** profile MUSTs; **D** input hygiene; **E** bounded work; **F** metadata
validUntil.

## logout.json

`{{name, file, binding, kind, valid, expected, description, idp_entity_id, idp_certs, expected_request_id,
expected_issuer, expected_in_response_to, expected_name_id, relay_state, options}}`. `binding: redirect` — the file
is the query string exactly (everything after `?`, no newline); `post` — the base64 form value. `kind` is the
message the test validates: `request` → `validateLogoutRequest`, `response` → `validateLogoutResponse(expectedRequestID:
expected_request_id)`. The SP's SingleLogoutService URL (the Destination) is `{slo}`; the IdP is the default one.
Not stored: a 20 MB Redirect query, made by the test in memory (`inputTooLarge`).

## metadata.json

`{{name, file, entity_id, verify_with, expected, expected_signing_cert, description}}`: parse with
`IdPMetadata(xml:entityID:)` (or `verifyingSignatureWith:` the `verify_with` certificate); `expected` is the error
code or null; for null, the selected entity's first signing certificate is `expected_signing_cert`.
"""


def write_readme():
    keys = "; ".join(f"`{n}` ({v[4]})" for n, v in EXTRA_KEYS.items()) + "."
    lines = [README_HEAD.format(keys=keys, k_sp=K_SP, k_acs=K_ACS, k_idp=K_IDP, k_req=K_REQ, slo=SLO),
             "## Responses", "", "| name | verdict | group | signer | description |", "|---|---|---|---|---|"]
    for e in ENTRIES:
        lines.append(f"| {e['name']} | {verdict(e)} | {e['group']} | {e['signer']} | {cell(e['description'])} |")
    lines += ["", "## Logout messages", "", "| name | verdict | binding | kind | description |", "|---|---|---|---|---|"]
    for e in LOGOUT:
        lines.append(f"| {e['name']} | {verdict(e)} | {e['binding']} | {e['kind']} | {cell(e['description'])} |")
    lines += ["", "## Metadata", "", "| name | verdict | entity_id | description |", "|---|---|---|---|"]
    for e in METADATA:
        lines.append(f"| {e['name']} | {verdict(e)} | {cell(e['entity_id'])} | {cell(e['description'])} |")
    lines += ["", summary()]
    return "\n".join(lines) + "\n"


def summary():
    parts = []
    for g in GROUPS:
        es = [e for e in ENTRIES if e["group"] == g]
        valid = sum(e["valid"] for e in es)
        parts.append(f"{g} {len(es)} ({valid} valid, {len(es) - valid} hostile)")
    lv = sum(e["valid"] for e in LOGOUT)
    mv = sum(e["expected"] is None for e in METADATA)
    rv = sum(e["valid"] for e in ENTRIES)
    return (f"Responses: {len(ENTRIES)} cases ({rv} valid, {len(ENTRIES) - rv} hostile) — " + ", ".join(parts)
            + f". Logout: {len(LOGOUT)} ({lv} valid, {len(LOGOUT) - lv} hostile). Metadata: {len(METADATA)} "
            f"({mv} valid, {len(METADATA) - mv} hostile).")


ASSERTION_SIGNED = b""


def main():
    global WORK, STAGE, ASSERTION_SIGNED
    started = time.monotonic()
    for tool in ("xmlsec1", "faketime", "openssl"):
        if shutil.which(tool) is None:
            sys.exit(f"make_verdicts.py: {tool} is not installed (apt-get install xmlsec1 faketime openssl)")
    WORK = pathlib.Path(tempfile.mkdtemp(prefix="make-verdicts-"))
    STAGE = WORK / "out"
    STAGE.mkdir()
    mr.WORK = me.WORK = WORK  # their helpers write temporary files there
    made = make_keys()
    ASSERTION_SIGNED = mr.to_bytes(sign_assertion(mr.base()))
    for family in (trust, exact, profile, hygiene, bounded, metadata_valid_until):
        family()
    logout_cases()
    metadata_cases()
    for e in ENTRIES:
        assert (STAGE / e["file"]).exists(), e
    (STAGE / "manifest.json").write_text(json.dumps(ENTRIES, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (STAGE / "logout.json").write_text(json.dumps(LOGOUT, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (STAGE / "metadata.json").write_text(json.dumps(METADATA, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (STAGE / "README.md").write_text(write_readme(), encoding="utf-8")
    for path in STAGE.rglob("*"):
        assert path.stat().st_size <= 300_000, f"{path.name}: {path.stat().st_size} bytes"
    if OUT.exists():
        shutil.rmtree(OUT)
    shutil.copytree(STAGE, OUT)
    print(summary())
    print(f"{len(list(OUT.iterdir()))} entries in {OUT.relative_to(FIXTURES.parent)}"
          + (f"; new keys: {', '.join(made)}" if made else "; keys kept") + f"; {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--pysaml2-worker":
        pysaml2_worker(sys.argv[2])
    else:
        try:
            main()
        finally:
            if WORK is not None:
                shutil.rmtree(WORK, ignore_errors=True)

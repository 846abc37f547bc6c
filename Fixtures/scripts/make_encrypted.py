#!/usr/bin/python3
"""Generate the XML Encryption fixtures in Fixtures/encrypted/ (README.md there says what each case proves).

usage (from the repository root):  /usr/bin/python3 Fixtures/scripts/make_encrypted.py

Three independent encryptors:
  * the xmlsec1 CLI (1.2.37, openssl) — every data algorithm it has, rsa-oaep-mgf1p (SHA-1) and rsa-1_5;
  * the PyPI `cryptography` package, run in a worker under the first `python3` on PATH that is not Debian's
    (pyenv: cryptography 48 with its own bundled OpenSSL) — or under $CRYPTOGRAPHY_PYTHON — for what xmlsec1
    1.2.37 cannot write: xmlenc 1.1 rsa-oaep with MGF1/digest choices and OAEPparams, rsa-oaep-mgf1p with a
    SHA-256 DigestMethod, EncryptedKey as a sibling of EncryptedData (with and without RetrievalMethod);
  * pysaml2 7.0.1 (Debian's python3-pysaml2) acting as the IdP, in a worker under /usr/bin/python3 and faketime.
The base Response, the fixed parameters, the IdP key and the xmlsec1 signing come from make_responses.py (imported,
not modified). Everything else runs under /usr/bin/python3 (lxml).

Every valid fixture is opened independently of its encryptor and checked: each EncryptedData is decrypted with the
configured SP key(s) by `xmlsec1 --decrypt --privkey-pem` where xmlsec1 1.2.37 can unwrap the key (rsa-oaep-mgf1p
with SHA-1, rsa-1_5; EncryptedKey in KeyInfo or behind a same-document RetrievalMethod), otherwise the session key
is unwrapped by `openssl pkeyutl -decrypt` (OAEP digest, MGF1 digest and label as the document says) and the data
decrypted by `xmlsec1 --decrypt --aeskey`; at every stage each new ds:Signature must verify with
`xmlsec1 --verify` against the trusted IdP certificate only; the decrypted NameID must be the expected one. The run
fails otherwise. Hostile fixtures are checked the same way for what they claim (decrypts and verifies except for
the one defect, or cannot be decrypted).

XML Encryption is randomized (session key, IV, OAEP seed): a rerun keeps the previous file when it has the same
shape (same bytes outside CipherValue/SignatureValue/DigestValue) and decrypts to the same document, so nothing
changes unless the content did. Tampered fixtures are derived byte-for-byte from the kept valid files.
"""
import sys


# ---------------------------------------------------------------------------------------------------------------
# The `cryptography` worker: runs under the pyenv interpreter (no lxml there), so it comes before any other import.
# stdin: JSON list of requests; stdout: JSON {"results": [...], "cryptography": version, "openssl": version}.
# ---------------------------------------------------------------------------------------------------------------
def cryptography_worker():
    import base64
    import json
    import os
    import cryptography
    from cryptography import x509
    from cryptography.hazmat.backends.openssl import backend
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    hash_of = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256, "sha384": hashes.SHA384,
               "sha512": hashes.SHA512}
    results = []
    for r in json.load(sys.stdin):
        plaintext = base64.b64decode(r["plaintext"])
        with open(r["cert"], "rb") as f:
            public_key = x509.load_pem_x509_certificate(f.read()).public_key()
        name = r["data_alg"]  # aes128-cbc ... aes256-gcm
        key = os.urandom(int(name[3:6]) // 8)
        if name.endswith("-gcm"):
            iv = os.urandom(12)
            data = iv + AESGCM(key).encrypt(iv, plaintext, None)  # ciphertext || 128-bit tag
        else:
            # XML Encryption 1.0 padding (5.2): arbitrary bytes, the last one the pad length (1..16) — random bytes
            # here, not PKCS#7, so a decryptor that insists on PKCS#7 fails.
            iv = os.urandom(16)
            n = 16 - len(plaintext) % 16
            encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
            data = iv + encryptor.update(plaintext + os.urandom(n - 1) + bytes([n])) + encryptor.finalize()
        if r["transport"] == "rsa-1_5":
            wrapped = public_key.encrypt(key, padding.PKCS1v15())
        else:
            label = base64.b64decode(r["label"]) if r.get("label") else None
            wrapped = public_key.encrypt(key, padding.OAEP(mgf=padding.MGF1(hash_of[r["mgf"]]()),
                                                           algorithm=hash_of[r["digest"]](), label=label))
        results.append({"data": base64.b64encode(data).decode(), "key": base64.b64encode(wrapped).decode()})
    json.dump({"results": results, "cryptography": cryptography.__version__,
               "openssl": backend.openssl_version_text(), "python": sys.executable}, sys.stdout)


if __name__ == "__main__" and sys.argv[1:2] == ["--cryptography-worker"]:
    cryptography_worker()
    sys.exit(0)

import base64  # noqa: E402  (the rest runs under Debian's /usr/bin/python3)
import functools  # noqa: E402
import hashlib  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pathlib  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_responses as mr  # noqa: E402  (exits with a message when lxml is missing)
from make_responses import (ACS, DS, EMAIL_FORMAT, FAKETIME_NOW, IDP, MD, NAME_ID,  # noqa: E402
                            PASSWORD_PROTECTED, REQ, SAML, SAMLP, SECOND_ASSERTION_ID, SP, TENANT, XENC, etree, one)

FIXTURES = HERE.parent
KEYS = FIXTURES / "keys"
OUT = FIXTURES / "encrypted"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
NS = dict(mr.NSMAP, xenc11=XENC11)
WORK = STAGE = None

DATA_ALGS = {
    "aes128-cbc": XENC + "aes128-cbc", "aes192-cbc": XENC + "aes192-cbc", "aes256-cbc": XENC + "aes256-cbc",
    "aes128-gcm": XENC11 + "aes128-gcm", "aes192-gcm": XENC11 + "aes192-gcm", "aes256-gcm": XENC11 + "aes256-gcm",
    "tripledes-cbc": XENC + "tripledes-cbc",
}
SESSION_KEY = {"aes128-cbc": "aes-128", "aes192-cbc": "aes-192", "aes256-cbc": "aes-256", "aes128-gcm": "aes-128",
               "aes192-gcm": "aes-192", "aes256-gcm": "aes-256", "tripledes-cbc": "des-192"}
KEY_LENGTH = {"aes128": 16, "aes192": 24, "aes256": 32, "tripledes": 24}
TRANSPORTS = {"rsa-oaep-mgf1p": XENC + "rsa-oaep-mgf1p", "rsa-oaep": XENC11 + "rsa-oaep", "rsa-1_5": XENC + "rsa-1_5"}
DIGESTS = {"sha1": DS + "sha1", "sha224": "http://www.w3.org/2001/04/xmldsig-more#sha224",
           "sha256": XENC + "sha256", "sha384": "http://www.w3.org/2001/04/xmldsig-more#sha384",
           "sha512": XENC + "sha512", "md5": "http://www.w3.org/2001/04/xmldsig-more#md5"}
MGFS = {h: XENC11 + "mgf1" + h for h in ("sha1", "sha224", "sha256", "sha384", "sha512")}
SHORT = {v: k for k, v in itertools.chain(DATA_ALGS.items(), TRANSPORTS.items(), DIGESTS.items(), MGFS.items())}

ERROR_CODES = mr.ERROR_CODES | mr.EXTRA_ERROR_CODES | {
    "decryptionFailed", "encryptionAlgorithmNotAllowed", "encryptionMalformed", "encryptedAssertionNotSupported",
    "encryptionRequired"}
SP_KEY = "sp-enc-rsa2048"
ROLLOVER_KEY = "sp-rsa2048"
ATTACKER = "attacker-rsa2048"
UID_ATTRIBUTE = "uid"
OAEP_LABEL = b"swift-saml OAEP label"
_counter = itertools.count()
TOOLS = {}  # what ran, for the README


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, **kw)


def X(el, path):
    return el.xpath(path, namespaces=NS)


def first(el, path):
    found = X(el, path)
    return found[0] if found else None


def tmp(suffix, data=None):
    path = WORK / f"{next(_counter)}-{suffix}"
    if data is not None:
        path.write_bytes(data)
    return path


def replace(old, new):
    """Put `new` where `old` is (keeping old's tail: the indentation stays) and drop `old`."""
    new.tail = old.tail
    old.addprevious(new)
    old.getparent().remove(old)


def wrap(tag, parts):
    """<saml:EncryptedAssertion|EncryptedID|EncryptedAttribute> around EncryptedData (+ sibling EncryptedKeys)."""
    wrapper = mr.element(f"<saml:{tag}/>")
    for part in parts:
        wrapper.append(part)
    return wrapper


def element_bytes(el):
    """A standalone serialization of one element (lxml adds the namespace declarations it inherits)."""
    return etree.tostring(el, encoding="UTF-8", xml_declaration=False, with_tail=False)


# ---------------------------------------------------------------------------------------------------------------
# Encryptor 1: the xmlsec1 CLI over an EncryptedData template
# ---------------------------------------------------------------------------------------------------------------
def xmlsec_encrypt(plaintext, data_alg="aes256-gcm", transport="rsa-oaep-mgf1p", digest="sha1", cert=SP_KEY):
    """EncryptedData (EncryptedKey inside ds:KeyInfo) for `plaintext`, an element's bytes; returns [EncryptedData]."""
    method = f'<ds:DigestMethod Algorithm="{DIGESTS[digest]}"/>' if digest else ""
    template = (f'<xenc:EncryptedData xmlns:xenc="{XENC}" xmlns:ds="{DS}" Type="{XENC}Element">'
                f'<xenc:EncryptionMethod Algorithm="{DATA_ALGS[data_alg]}"/><ds:KeyInfo><xenc:EncryptedKey>'
                f'<xenc:EncryptionMethod Algorithm="{TRANSPORTS[transport]}">{method}</xenc:EncryptionMethod>'
                '<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>'
                '<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>')
    data, tmpl, out = tmp("plain.xml", plaintext), tmp("enc-tmpl.xml", template.encode()), tmp("enc.xml")
    result = run(["xmlsec1", "--encrypt", "--pubkey-cert-pem", KEYS / f"{cert}.crt", "--session-key",
                  SESSION_KEY[data_alg], "--xml-data", data, "--output", out, tmpl])
    if result.returncode != 0:
        raise RuntimeError(f"xmlsec1 --encrypt failed: {result.stderr.decode(errors='replace')[-1500:]}")
    return [mr.parse(out.read_bytes())]


# ---------------------------------------------------------------------------------------------------------------
# Encryptor 2: the PyPI `cryptography` package (worker under another interpreter), XML written here
# ---------------------------------------------------------------------------------------------------------------
CRYPTO_PYTHON = None


def find_crypto_python():
    candidates = [os.environ.get("CRYPTOGRAPHY_PYTHON")] if os.environ.get("CRYPTOGRAPHY_PYTHON") else []
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        path = pathlib.Path(directory) / "python3"
        if path.exists() and os.path.realpath(path) != os.path.realpath("/usr/bin/python3"):
            candidates.append(str(path))
    for candidate in candidates:
        if run([candidate, "-c", "import cryptography"]).returncode == 0:
            return candidate
    print("make_encrypted.py: no python3 with the PyPI cryptography package on PATH; using Debian's "
          "python3-cryptography (shares xmlsec1's OpenSSL)", file=sys.stderr)
    return "/usr/bin/python3"


def crypto_encrypt(plaintext, *, data_alg, transport="rsa-oaep-mgf1p", digest=None, mgf=None, label=None,
                   cert=SP_KEY, layout="keyinfo", ids=("_ed-1", "_ek-1")):
    """EncryptedData (+ a sibling EncryptedKey for the sibling layouts) made by `cryptography`.
    layout: keyinfo (EncryptedKey in ds:KeyInfo), retrieval (sibling EncryptedKey Id=ids[1], referenced by a
    ds:RetrievalMethod, Recipient and a DataReference back, as Shibboleth writes it), sibling (no KeyInfo at all)."""
    request = {"plaintext": base64.b64encode(plaintext).decode(), "data_alg": data_alg, "transport": transport,
               "digest": digest or "sha1", "mgf": mgf or "sha1", "cert": str(KEYS / f"{cert}.crt"),
               "label": base64.b64encode(label).decode() if label else None}
    result = run([CRYPTO_PYTHON, __file__, "--cryptography-worker"], input=json.dumps([request]).encode())
    if result.returncode != 0:
        raise RuntimeError(f"cryptography worker failed: {result.stderr.decode(errors='replace')[-1500:]}")
    answer = json.loads(result.stdout)
    TOOLS["cryptography"] = (f"cryptography {answer['cryptography']} ({answer['openssl']}) under "
                             f"Python {answer['python'].rsplit('/', 1)[-1]} from PATH")
    out = answer["results"][0]
    method = ""
    if label:
        method += f"<xenc:OAEPparams>{base64.b64encode(label).decode()}</xenc:OAEPparams>"
    if digest:
        method += f'<ds:DigestMethod Algorithm="{DIGESTS[digest]}"/>'
    if mgf:
        method += f'<xenc11:MGF xmlns:xenc11="{XENC11}" Algorithm="{MGFS[mgf]}"/>'
    ed_id, ek_id = ids
    ek_attrs = {"keyinfo": "", "retrieval": f' Id="{ek_id}" Recipient="{SP}"', "sibling": f' Recipient="{SP}"'}[layout]
    reference = (f'<xenc:ReferenceList><xenc:DataReference URI="#{ed_id}"/></xenc:ReferenceList>'
                 if layout == "retrieval" else "")
    encrypted_key = (f'<xenc:EncryptedKey xmlns:xenc="{XENC}" xmlns:ds="{DS}"{ek_attrs}>'
                     f'<xenc:EncryptionMethod Algorithm="{TRANSPORTS[transport]}">{method}</xenc:EncryptionMethod>'
                     f'<xenc:CipherData><xenc:CipherValue>{out["key"]}</xenc:CipherValue></xenc:CipherData>'
                     f'{reference}</xenc:EncryptedKey>')
    keyinfo = {"keyinfo": f"<ds:KeyInfo>{encrypted_key}</ds:KeyInfo>",
               "retrieval": f'<ds:KeyInfo><ds:RetrievalMethod Type="{XENC}EncryptedKey" URI="#{ek_id}"/></ds:KeyInfo>',
               "sibling": ""}[layout]
    ed_attr = f' Id="{ed_id}"' if layout == "retrieval" else ""
    encrypted_data = (f'<xenc:EncryptedData xmlns:xenc="{XENC}" xmlns:ds="{DS}"{ed_attr} Type="{XENC}Element">'
                      f'<xenc:EncryptionMethod Algorithm="{DATA_ALGS[data_alg]}"/>{keyinfo}'
                      f'<xenc:CipherData><xenc:CipherValue>{out["data"]}</xenc:CipherValue></xenc:CipherData>'
                      '</xenc:EncryptedData>')
    parts = [mr.parse(encrypted_data.encode())]
    if layout != "keyinfo":
        parts.append(mr.parse(encrypted_key.encode()))
    return parts


# ---------------------------------------------------------------------------------------------------------------
# Encryptor 3: pysaml2 7.0.1 as the IdP (worker under faketime)
# ---------------------------------------------------------------------------------------------------------------
PYSAML2_MODES = {
    # mode: (data algorithm forced into pysaml2's template or None for its own default, xmlsec1 session key, sign response)
    "default": (None, None, True),
    "aes256-cbc-both-signed": ("aes256-cbc", "aes-256", True),
    "aes128-cbc-assertion-signed": ("aes128-cbc", "aes-128", False),
}


def pysaml2_worker(mode):
    """Runs under faketime and /usr/bin/python3: pysaml2 answers our SP's AuthnRequest ID with an encrypted
    assertion (encrypt_assertion=True, to the SP's encryption certificate in its metadata). Prints the XML."""
    import saml2.entity
    import saml2.server
    import saml2.sigver
    from saml2 import s_utils, saml, xmldsig
    from saml2.config import IdPConfig
    from saml2.saml import NAME_FORMAT_URI

    data_alg, session_key, sign_response = PYSAML2_MODES[mode]
    counter = itertools.count(1)
    original_sid = s_utils.sid

    def deterministic_sid(*_a, **_k):
        return "id-" + hashlib.sha256(f"pysaml2-enc-{mode}-{next(counter)}".encode()).hexdigest()[:24]

    for module in list(sys.modules.values()):
        if module is not None and getattr(module, "sid", None) is original_sid:
            module.sid = deterministic_sid
    # The EK_/ED_ Ids of its encryption template come from uuid4: made deterministic (content unchanged).
    keys = itertools.count(1)
    saml2.sigver.gen_random_key = lambda: hashlib.sha256(f"pysaml2-enc-{mode}-key-{next(keys)}".encode()).hexdigest()[:32]
    if data_alg:
        # pysaml2 has no setting for the data algorithm (its template says tripledes-cbc, its xmlsec1 call
        # --session-key des-192): both defaults replaced, the rest of its machinery unchanged.
        original_part = saml2.sigver.pre_encryption_part
        saml2.entity.pre_encryption_part = functools.partial(original_part, msg_enc=DATA_ALGS[data_alg])
        original_encrypt = saml2.sigver.SecurityContext.encrypt_assertion

        def encrypt_assertion(self, statement, enc_key, template, key_type="des-192", node_xpath=None):
            return original_encrypt(self, statement, enc_key, template, session_key, node_xpath)
        saml2.sigver.SecurityContext.encrypt_assertion = encrypt_assertion

    work = pathlib.Path(tempfile.mkdtemp(prefix="pysaml2-enc-"))
    (work / "sp.xml").write_text(f"""<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID="{SP}">
  <md:SPSSODescriptor protocolSupportEnumeration="{SAMLP}" AuthnRequestsSigned="false" WantAssertionsSigned="true">
    <md:KeyDescriptor use="encryption">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{mr.cert_b64(SP_KEY)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>{EMAIL_FORMAT}</md:NameIDFormat>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{ACS}" index="0" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
""")
    config = IdPConfig().load({
        "entityid": IDP,
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "key_file": str(KEYS / "idp-rsa2048.key"), "cert_file": str(KEYS / "idp-rsa2048.crt"),
        "metadata": {"local": [str(work / "sp.xml")]},
        "service": {"idp": {
            "endpoints": {"single_sign_on_service": [(f"https://login.microsoftonline.com/{TENANT}/saml2",
                                                      "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect")]},
            "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
        }},
    })
    server = saml2.server.Server(config=config)
    identity = {name: values for name, values in mr.claims(mr.groups(10))}
    response = server.create_authn_response(
        identity, REQ, ACS, SP,
        name_id=saml.NameID(format=EMAIL_FORMAT, text=NAME_ID),
        authn={"class_ref": PASSWORD_PROTECTED, "authn_auth": IDP},
        sign_response=sign_response, sign_assertion=True,
        encrypt_assertion=True, encrypt_assertion_self_contained=True,
        sign_alg=xmldsig.SIG_RSA_SHA256, digest_alg=xmldsig.DIGEST_SHA256)
    shutil.rmtree(work, ignore_errors=True)
    text = str(response)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def pysaml2_response(mode):
    result = run(["faketime", "-f", FAKETIME_NOW, "/usr/bin/python3", __file__, "--pysaml2-worker", mode],
                 env=dict(os.environ, TZ="UTC"))
    if result.returncode != 0:
        raise RuntimeError(f"pysaml2 worker failed: {result.stderr.decode(errors='replace')[-2000:]}")
    return result.stdout


# ---------------------------------------------------------------------------------------------------------------
# Independent opening: decrypt every EncryptedData, verify every signature at the stage where it appears
# ---------------------------------------------------------------------------------------------------------------
OPENSSL_MD = {"sha1": "sha1", "sha224": "sha224", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}


def encrypted_key_of(ed):
    """(placement, EncryptedKey) the way a strict SP finds it; (reason, None) when there is none it may use."""
    for child in X(ed, "ds:KeyInfo/*"):
        if child.tag == f"{{{XENC}}}EncryptedKey":
            return "keyinfo", child
        if child.tag == f"{{{DS}}}RetrievalMethod":
            uri = child.get("URI") or ""
            if not uri.startswith("#"):
                return "non-local RetrievalMethod", None
            if len(child):
                return "RetrievalMethod with Transforms", None
            target = [k for k in X(ed, "../xenc:EncryptedKey") if k.get("Id") == uri[1:]]
            return ("retrieval", target[0]) if target else ("dangling RetrievalMethod", None)
    siblings = X(ed, "../xenc:EncryptedKey")
    return ("sibling", siblings[0]) if siblings else ("no EncryptedKey", None)


def key_transport(ek):
    method = first(ek, "xenc:EncryptionMethod")
    digest = first(method, "ds:DigestMethod/@Algorithm")
    mgf = first(method, "xenc11:MGF/@Algorithm")
    label = first(method, "xenc:OAEPparams")
    return (SHORT.get(method.get("Algorithm"), method.get("Algorithm")), SHORT.get(digest, digest) if digest else None,
            SHORT.get(mgf, mgf) if mgf else None, base64.b64decode(label.text) if label is not None else None)


def openssl_unwrap(key, wrapped, transport, digest, mgf, label):
    """The session key, unwrapped by the openssl CLI (not the library that wrapped it), or None."""
    if transport not in ("rsa-oaep-mgf1p", "rsa-oaep") or (digest or "sha1") not in OPENSSL_MD:
        return None
    mgf = "sha1" if transport == "rsa-oaep-mgf1p" else (mgf or "sha1")
    cmd = ["openssl", "pkeyutl", "-decrypt", "-inkey", KEYS / f"{key}.key", "-in", tmp("wrapped.bin", wrapped),
           "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", f"rsa_oaep_md:{OPENSSL_MD[digest or 'sha1']}",
           "-pkeyopt", f"rsa_mgf1_md:{OPENSSL_MD[mgf]}"]
    if label:
        cmd += ["-pkeyopt", f"rsa_oaep_label:{label.hex()}"]
    result = run(cmd)
    return result.stdout if result.returncode == 0 else None


def decrypt_first(data, keys):
    """Decrypt the first EncryptedData of `data` with one of `keys`: (new bytes, how) or (None, why not)."""
    root = mr.parse(data)
    ed = X(root, "//xenc:EncryptedData")[0]
    data_alg = SHORT.get(first(ed, "xenc:EncryptionMethod/@Algorithm"), "?")
    if first(ed, "xenc:CipherData/xenc:CipherReference") is not None:
        return None, "CipherReference"
    placement, ek = encrypted_key_of(ed)
    if ek is None:
        return None, placement
    transport, digest, mgf, label = key_transport(ek)
    by_xmlsec = placement in ("keyinfo", "retrieval") and (
        transport == "rsa-1_5" or (transport == "rsa-oaep-mgf1p" and digest in (None, "sha1") and not label))
    path = tmp("stage.xml", data)
    for key in keys:
        out = tmp("decrypted.xml")
        if by_xmlsec:
            result = run(["xmlsec1", "--decrypt", "--privkey-pem", KEYS / f"{key}.key", "--id-attr:Id",
                          f"{XENC}:EncryptedKey", "--output", out, path])
            if result.returncode == 0:
                return out.read_bytes(), f"xmlsec1 --decrypt --privkey-pem keys/{key}.key"
            continue
        wrapped = base64.b64decode(first(ek, "xenc:CipherData/xenc:CipherValue").text)
        session = openssl_unwrap(key, wrapped, transport, digest, mgf, label)
        if session is None or len(session) != KEY_LENGTH.get(data_alg.split("-")[0], -1):
            continue
        # A copy without the key material xmlsec1 1.2.37 cannot read; it decrypts with the unwrapped key.
        copy = mr.parse(data)
        target = X(copy, "//xenc:EncryptedData")[0]
        for node in X(target, "ds:KeyInfo"):
            target.remove(node)
        option = "--deskey" if data_alg.startswith("tripledes") else "--aeskey"
        result = run(["xmlsec1", "--decrypt", option, tmp("session.bin", session), "--output", out,
                      tmp("stripped.xml", mr.to_bytes(copy))])
        if result.returncode == 0:
            return out.read_bytes(), (f"openssl pkeyutl -decrypt (keys/{key}.key, OAEP {digest or 'sha1'}, MGF1 "
                                      f"{'sha1' if transport == 'rsa-oaep-mgf1p' else mgf or 'sha1'}"
                                      f"{', label' if label else ''}) + xmlsec1 --decrypt {option}")
    return None, "no configured key decrypts it"


def open_all(data, keys, certs=("idp-rsa2048",), verify=True):
    """Decrypt every EncryptedData in document order; before each step, verify the signatures that appeared.
    Returns (final bytes or None, [how each step was done or why it failed], {SignatureValue: verified})."""
    steps, signatures = [], {}
    for _ in range(8):
        if verify:
            path = tmp("verify.xml", data)
            root = mr.parse(data)
            for index, sig in enumerate(X(root, "//ds:Signature"), 1):
                value = "".join(first(sig, "ds:SignatureValue").text.split())
                if value not in signatures:
                    signatures[value] = any(mr.xmlsec_verify(path, c, index) for c in certs)
        if b"EncryptedData" not in data or not X(mr.parse(data), "//xenc:EncryptedData"):
            return data, steps, signatures
        data, how = decrypt_first(data, keys)
        steps.append(how)
        if data is None:
            return None, steps, signatures
    return None, steps + ["too many EncryptedData"], signatures


def strip_random(data):
    """The bytes that do not change between two encryptions/signings of the same content."""
    return re.sub(rb"<((?:[\w.-]+:)?(?:CipherValue|SignatureValue|DigestValue))\b([^>]*)>[^<]*</\1>", rb"<\1\2/>", data)


def keep_previous_if_same(file, data, content_keys):
    """Keep the previous file when it has the same shape and decrypts (with content_keys) to the same document."""
    old_path = OUT / file
    if not old_path.exists():
        return data
    old = old_path.read_bytes()
    if strip_random(old) != strip_random(data):
        return data
    new_plain = open_all(data, content_keys, verify=False)[0]
    old_plain = open_all(old, content_keys, verify=False)[0]
    if new_plain is None or old_plain is None or strip_random(new_plain) != strip_random(old_plain):
        return data
    return old


# ---------------------------------------------------------------------------------------------------------------
# Output: files and manifest
# ---------------------------------------------------------------------------------------------------------------
ENTRIES = []


def describe_encryption(data):
    """data_algorithm, key_transport (+digest, MGF, label, placement) of the first EncryptedData, as URIs."""
    root = mr.parse(data)
    ed = first(root, "//xenc:EncryptedData")
    if ed is None:
        return {}
    info = {"data_algorithm": first(ed, "xenc:EncryptionMethod/@Algorithm")}
    placement, ek = encrypted_key_of(ed)
    if ek is None and X(ed, "../xenc:EncryptedKey"):
        ek = X(ed, "../xenc:EncryptedKey")[0]
    if ek is not None:
        method = first(ek, "xenc:EncryptionMethod")
        info["key_transport"] = method.get("Algorithm")
        digest = first(method, "ds:DigestMethod/@Algorithm")
        if digest:
            info["key_transport_digest"] = digest
        mgf = first(method, "xenc11:MGF/@Algorithm")
        if mgf:
            info["key_transport_mgf"] = mgf
        if first(method, "xenc:OAEPparams") is not None:
            info["oaep_params"] = first(method, "xenc:OAEPparams").text
    info["key_placement"] = placement
    return info


def emit(name, doc=None, *, valid, expected=None, description, encryptor, file=None, keys=(SP_KEY,),
         certs=("idp-rsa2048",), options=None, signer="xmlsec1", check=None, content_keys=None, name_id=NAME_ID,
         expected_attributes=None, verify=True, signatures_expected=None, **extra):
    """Write Fixtures/encrypted/<name>.xml (unless `file` names an earlier one) and its manifest entry.
    check: "valid" (default for valid: decrypts with `keys`, every signature verifies, one Assertion, the NameID),
    "decrypts" (hostile whose defect comes after decryption), "undecryptable" (no configured key opens it),
    None (structure defects: nothing to open). signatures_expected: the xmlsec1 verdict of each signature in the
    order it appears (outer first), when not all true."""
    assert (expected is None) == valid, name
    assert valid or expected in ERROR_CODES, f"{name}: {expected}"
    assert not any(e["name"] == name for e in ENTRIES), f"duplicate fixture {name}"
    if file is None:
        file = f"{name}.xml"
        data = doc if isinstance(doc, bytes) else mr.to_bytes(doc)
        (STAGE / file).write_bytes(keep_previous_if_same(file, data, content_keys or keys))
    data = (STAGE / file).read_bytes()
    check = "valid" if valid and check is None else check
    report = None
    if check is not None:
        plain, steps, signatures = open_all(data, keys or (SP_KEY,), certs, verify=verify)
        problems = []
        if check == "undecryptable":
            if plain is not None:
                problems.append("decrypts, but should not")
            report = f"no configured key opens it ({steps[-1] if steps else 'nothing to decrypt'})"
        else:
            if plain is None:
                problems.append(f"does not decrypt: {steps}")
            elif signatures_expected is not None:
                if list(signatures.values()) != list(signatures_expected):
                    problems.append(f"signatures: {list(signatures.values())}, expected {signatures_expected}")
            elif check == "valid" or verify:
                if (check == "valid" and not signatures) or not all(signatures.values()):
                    problems.append(f"signatures: {list(signatures.values())}")
            if plain is not None and check == "valid":
                root = mr.parse(plain)
                assertions = X(root, "//saml:Assertion[not(ancestor::saml:Advice)]")
                if len(assertions) != 1:
                    problems.append(f"{len(assertions)} Assertions after decryption")
                else:
                    found = [n.text for n in X(assertions[0], "saml:Subject/saml:NameID | saml:Subject/saml:EncryptedID/saml:NameID")]
                    if found != [name_id]:
                        problems.append(f"NameID {found}")
                    for attr, values in (expected_attributes or {}).items():
                        got = [v.text for v in X(assertions[0], f"(saml:AttributeStatement/saml:Attribute | saml:AttributeStatement/"
                                                   f"saml:EncryptedAttribute/saml:Attribute)[@Name='{attr}']/saml:AttributeValue")]
                        if got != values:
                            problems.append(f"attribute {attr}: {got}")
            report = "; ".join(steps) if steps else "nothing encrypted"
            if verify and signatures:
                verdicts = list(signatures.values())
                report += (f"; {sum(verdicts)}/{len(verdicts)} signature(s) verified by xmlsec1 --verify"
                           + (f" (in order of appearance: {', '.join('valid' if v else 'INVALID' for v in verdicts)})"
                              if not all(verdicts) else ""))
        if problems:
            raise SystemExit(f"FAILED: {file}: {'; '.join(problems)}")
    entry = {
        "name": name,
        "file": file,
        "description": description,
        "valid": valid,
        "expected": expected,
        "attack": None if valid else "2.17",
        "decryption_keys": [f"keys/{k}.key" for k in keys],
        "idp_cert": f"keys/{certs[0]}.crt",
        "idp_certs": [f"keys/{c}.crt" for c in certs],
        "idp_entity_id": IDP,
        "expected_request_id": REQ,
        "encryptor": encryptor,
        "signer": signer,
    }
    entry.update(describe_encryption(data))
    if options:
        entry["options"] = options
    if valid:
        entry["expected_name_id"] = name_id
    if expected_attributes:
        entry["expected_attributes"] = expected_attributes
    if report:
        entry["independent_check"] = report
    entry.update(extra)
    ENTRIES.append(entry)


def hostile(name, doc, expected, description, **kw):
    emit(name, doc, valid=False, expected=expected, description=description, **kw)


# ---------------------------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------------------------
SIGNED_ASSERTION = b""  # the base Assertion signed by the IdP, standalone bytes (made in main)


def response_with(parts, *, sign_outer=False):
    """The base Response with its Assertion replaced by an EncryptedAssertion holding `parts`."""
    root = mr.base()
    replace(mr.assertion_of(root), wrap("EncryptedAssertion", parts))
    return mr.sign_response(root) if sign_outer else root


def cipher_value(el):
    return first(el, "xenc:CipherData/xenc:CipherValue")


def edit_cipher(value_node, edit):
    raw = bytearray(base64.b64decode(value_node.text))
    edit(raw)
    value_node.text = base64.b64encode(bytes(raw)).decode()


def evil_assertion(key="idp-rsa2048"):
    """An Assertion about admin@contoso.example with its own ID, signed by `key`, as standalone bytes."""
    root = mr.base(assertion_id=SECOND_ASSERTION_ID)
    mr.evilize(mr.assertion_of(root))
    return element_bytes(mr.assertion_of(mr.sign_assertion(root, key=key)))


def stage(file):
    return mr.parse((STAGE / file).read_bytes())


# ---------------------------------------------------------------------------------------------------------------
# Valid: the xmlsec1 CLI
# ---------------------------------------------------------------------------------------------------------------
def valid_xmlsec1():
    for alg in ("aes128-cbc", "aes192-cbc", "aes256-cbc", "aes128-gcm", "aes192-gcm", "aes256-gcm"):
        emit(f"xmlsec1-{alg}", response_with(xmlsec_encrypt(SIGNED_ASSERTION, alg)), valid=True, encryptor="xmlsec1",
             description=f"The IdP-signed base Assertion encrypted by the xmlsec1 CLI: {alg} data, rsa-oaep-mgf1p key "
             "transport (DigestMethod sha1, MGF1-SHA1), EncryptedKey inside EncryptedData/ds:KeyInfo; the Response "
             "is unsigned.")
    emit("xmlsec1-no-digestmethod", response_with(xmlsec_encrypt(SIGNED_ASSERTION, "aes256-cbc", digest=None)),
         valid=True, encryptor="xmlsec1",
         description="rsa-oaep-mgf1p without a ds:DigestMethod (the default, SHA-1), aes256-cbc; Assertion signed.")
    unsigned = element_bytes(mr.assertion_of(mr.base()))
    emit("xmlsec1-response-signed", response_with(xmlsec_encrypt(unsigned, "aes256-gcm"), sign_outer=True),
         valid=True, encryptor="xmlsec1",
         description="The Assertion unsigned, encrypted (aes256-gcm, rsa-oaep-mgf1p); the Response signed after "
         "encryption, its signature covering the EncryptedAssertion: valid because the outer signature covers "
         "the ciphertext.")
    emit("xmlsec1-both-signed", response_with(xmlsec_encrypt(SIGNED_ASSERTION, "aes128-gcm"), sign_outer=True),
         valid=True, encryptor="xmlsec1",
         description="The signed Assertion encrypted (aes128-gcm, rsa-oaep-mgf1p), then the Response signed over "
         "the EncryptedAssertion: both signatures verify, at their own stage.")

    # EncryptedID and EncryptedAttribute inside a signed plaintext Assertion.
    root = mr.base()
    nameid = one(root, "saml:Assertion/saml:Subject/saml:NameID")
    replace(nameid, wrap("EncryptedID", xmlsec_encrypt(element_bytes(nameid), "aes128-gcm")))
    emit("xmlsec1-encrypted-id", mr.sign_assertion(root), valid=True, encryptor="xmlsec1",
         description="A plaintext Assertion whose Subject carries saml:EncryptedID (the NameID encrypted: "
         "aes128-gcm, rsa-oaep-mgf1p) instead of NameID; the Assertion signed over the EncryptedID. The SP "
         "must return the decrypted NameID.")
    root = mr.base()
    attribute = one(root, f"saml:Assertion/saml:AttributeStatement/saml:Attribute[@Name='{UID_ATTRIBUTE}']")
    replace(attribute, wrap("EncryptedAttribute", xmlsec_encrypt(element_bytes(attribute), "aes256-cbc")))
    emit("xmlsec1-encrypted-attribute", mr.sign_assertion(root), valid=True, encryptor="xmlsec1",
         expected_attributes={UID_ATTRIBUTE: ["b.simon"]},
         description="A signed plaintext Assertion in which the uid Attribute is a saml:EncryptedAttribute "
         "(aes256-cbc, rsa-oaep-mgf1p); the SP must return uid = b.simon among the other attributes.")
    root = mr.base()
    nameid = one(root, "saml:Assertion/saml:Subject/saml:NameID")
    replace(nameid, wrap("EncryptedID", xmlsec_encrypt(element_bytes(nameid), "aes256-gcm")))
    attribute = one(root, f"saml:Assertion/saml:AttributeStatement/saml:Attribute[@Name='{UID_ATTRIBUTE}']")
    replace(attribute, wrap("EncryptedAttribute", xmlsec_encrypt(element_bytes(attribute), "aes128-cbc")))
    inner = element_bytes(mr.assertion_of(mr.sign_assertion(root)))
    emit("xmlsec1-nested", response_with(xmlsec_encrypt(inner, "aes256-gcm")), valid=True, encryptor="xmlsec1",
         expected_attributes={UID_ATTRIBUTE: ["b.simon"]},
         description="Three layers: an Assertion with an EncryptedID (aes256-gcm) and an EncryptedAttribute uid "
         "(aes128-cbc), signed, then encrypted whole into the EncryptedAssertion (aes256-gcm); all rsa-oaep-mgf1p.")


# ---------------------------------------------------------------------------------------------------------------
# Valid: the `cryptography` package
# ---------------------------------------------------------------------------------------------------------------
def valid_cryptography():
    emit("cryptography-rsa-oaep-sha256", response_with(crypto_encrypt(
        SIGNED_ASSERTION, data_alg="aes256-gcm", transport="rsa-oaep", digest="sha256", mgf="sha256")),
        valid=True, encryptor="cryptography",
        description="xmlenc 1.1 rsa-oaep with DigestMethod sha256 and xenc11:MGF mgf1sha256, aes256-gcm data, "
        "written by the cryptography package (xmlsec1 1.2.37 has neither): the signed base Assertion.")
    emit("cryptography-rsa-oaep-label", response_with(crypto_encrypt(
        SIGNED_ASSERTION, data_alg="aes128-gcm", transport="rsa-oaep", digest="sha256", mgf="sha256",
        label=OAEP_LABEL)), valid=True, encryptor="cryptography",
        description=f"xmlenc 1.1 rsa-oaep, sha256/mgf1sha256 with xenc:OAEPparams (the OAEP label "
        f"'{OAEP_LABEL.decode()}', base64), aes128-gcm: the label must be passed to the RSA decryption.")
    emit("cryptography-rsa-oaep-sha512-default-mgf", response_with(crypto_encrypt(
        SIGNED_ASSERTION, data_alg="aes192-gcm", transport="rsa-oaep", digest="sha512")),
        valid=True, encryptor="cryptography",
        description="xmlenc 1.1 rsa-oaep with DigestMethod sha512 and no MGF element (the default, MGF1 with SHA-1), "
        "aes192-gcm.")
    emit("cryptography-mgf1p-sha256", response_with(crypto_encrypt(
        SIGNED_ASSERTION, data_alg="aes256-cbc", transport="rsa-oaep-mgf1p", digest="sha256")),
        valid=True, encryptor="cryptography",
        description="rsa-oaep-mgf1p with DigestMethod sha256 (MGF1 stays SHA-1 for this URI), aes256-cbc with "
        "XML Encryption padding of random bytes (not PKCS#7; only the last byte is the length). xmlsec1 1.2.37 "
        "refuses to write or read a non-SHA-1 digest here, so the cryptography package made it.")
    emit("cryptography-sibling-retrievalmethod", response_with(crypto_encrypt(
        SIGNED_ASSERTION, data_alg="aes256-gcm", digest="sha1", layout="retrieval",
        ids=("_ed-3f9c1a7e", "_ek-3f9c1a7e"))), valid=True, encryptor="cryptography",
        description="The Shibboleth IdP layout: the EncryptedKey (Id, Recipient = the SP, DataReference back to "
        "the EncryptedData) is a sibling of EncryptedData inside EncryptedAssertion, referenced by "
        "ds:RetrievalMethod URI='#_ek-3f9c1a7e' Type=…#EncryptedKey; rsa-oaep-mgf1p, aes256-gcm.")
    emit("cryptography-sibling-no-retrievalmethod", response_with(crypto_encrypt(
        SIGNED_ASSERTION, data_alg="aes128-cbc", digest="sha1", layout="sibling")), valid=True,
        encryptor="cryptography",
        description="EncryptedKey as a sibling of EncryptedData with no reference to it (EncryptedData has no "
        "KeyInfo at all), as some IdPs send; rsa-oaep-mgf1p, aes128-cbc.")
    emit("cryptography-rollover-key", response_with(crypto_encrypt(
        SIGNED_ASSERTION, data_alg="aes256-gcm", digest="sha1", cert=ROLLOVER_KEY)), valid=True,
        encryptor="cryptography", keys=(SP_KEY, ROLLOVER_KEY),
        description="Encrypted to the SP's other key (keys/sp-rsa2048.crt) during an encryption-key rollover: "
        "passes when both SP keys are configured (decryption_keys; the first one fails, the second opens it).")


# ---------------------------------------------------------------------------------------------------------------
# pysaml2 as the IdP
# ---------------------------------------------------------------------------------------------------------------
def pysaml2_used(data):
    info = describe_encryption(data)
    ek = first(mr.parse(data), "//xenc:EncryptedKey")
    keyinfo = [etree.QName(n).localname for n in X(ek, "ds:KeyInfo/*")]
    key_name = first(ek, "ds:KeyInfo/ds:KeyName")
    cert = first(ek, "ds:KeyInfo/ds:X509Data/ds:X509Certificate")
    assert cert is None or "".join(cert.text.split()) == mr.cert_b64(SP_KEY)
    return (f"{SHORT.get(info.get('data_algorithm'))} data, {SHORT.get(info.get('key_transport'))} key transport"
            f"{' (no DigestMethod: SHA-1)' if 'key_transport_digest' not in info else ''}, EncryptedKey inside "
            f"EncryptedData/ds:KeyInfo carrying its own KeyInfo ({' + '.join(keyinfo)}"
            f"{f': KeyName {key_name.text!r}' if key_name is not None else ''}"
            f"{', the SP encryption certificate' if cert is not None else ''}){rebound_prefixes(data)}")


def rebound_prefixes(data):
    """Describe prefixes the EncryptedData redeclares to other namespaces than the Response gives them."""
    root = mr.parse(data)
    ed = first(root, "//xenc:EncryptedData")
    clashes = [f"{p}: {root.nsmap[p]} → {uri}" for p, uri in ed.nsmap.items()
               if p in root.nsmap and root.nsmap[p] != uri]
    return f"; the EncryptedData rebinds prefixes the Response uses ({'; '.join(clashes)})" if clashes else ""


def pysaml2_cases():
    data = pysaml2_response("aes256-cbc-both-signed")
    emit("pysaml2-aes256-cbc-both-signed", data, valid=True, encryptor="pysaml2", signer="pysaml2",
         description="Made by pysaml2 7.0.1 as the IdP (Server.create_authn_response, encrypt_assertion=True to "
         "the encryption certificate in the SP metadata, self-contained namespaces, the Assertion signed then "
         "encrypted, the Response signed after; rsa-sha256) under faketime at NOW. pysaml2 has no setting for "
         "the data algorithm, so its template default (tripledes-cbc) and xmlsec1 session key were replaced by "
         f"aes256-cbc; it used: {pysaml2_used(data)}.")
    data = pysaml2_response("aes128-cbc-assertion-signed")
    emit("pysaml2-aes128-cbc-assertion-signed", data, valid=True, encryptor="pysaml2", signer="pysaml2",
         description="pysaml2 7.0.1 as the IdP, as above but only the Assertion signed (inside the ciphertext; the "
         f"Response unsigned) and aes128-cbc; it used: {pysaml2_used(data)}.")
    data = pysaml2_response("default")
    hostile("pysaml2-default-tripledes", data, "encryptionAlgorithmNotAllowed", encryptor="pysaml2",
            signer="pysaml2", check="decrypts",
            description="pysaml2 7.0.1 as the IdP with its own, unchanged encryption choices (Assertion and "
            f"Response signed): {pysaml2_used(data)}. tripledes-cbc is not on the SP's allow-list, so a real "
            "pysaml2 IdP must be configured for AES; the file otherwise decrypts and verifies (checked).")


# ---------------------------------------------------------------------------------------------------------------
# rsa-1_5
# ---------------------------------------------------------------------------------------------------------------
def rsa_1_5():
    emit("xmlsec1-rsa-1_5", response_with(xmlsec_encrypt(SIGNED_ASSERTION, "aes128-cbc", "rsa-1_5", digest=None)),
         valid=True, encryptor="xmlsec1", options={"allowRSA1_5KeyTransport": True},
         description="rsa-1_5 (PKCS#1 v1.5) key transport, aes128-cbc, by xmlsec1: valid only with "
         "allowRSA1_5KeyTransport.")
    hostile("rsa-1_5-not-allowed", None, "encryptionAlgorithmNotAllowed", file="xmlsec1-rsa-1_5.xml",
            encryptor="xmlsec1", check="decrypts",
            description="xmlsec1-rsa-1_5.xml with default options: the Bleichenbacher-prone rsa-1_5 is refused "
            "before any RSA operation.")


# ---------------------------------------------------------------------------------------------------------------
# Hostile: cryptography fails
# ---------------------------------------------------------------------------------------------------------------
def aes_cbc_raw(key, blob):
    """IV || ciphertext → the plaintext with its padding, by the openssl CLI (no padding check)."""
    bits = len(key) * 8
    result = run(["openssl", "enc", "-d", f"-aes-{bits}-cbc", "-K", key.hex(), "-iv", blob[:16].hex(), "-nopad",
                  "-in", tmp("ct.bin", blob[16:])])
    assert result.returncode == 0, result.stderr
    return result.stdout


def padding_cases():
    """CBC tampering from the kept xmlsec1-aes128-cbc.xml: the session key is unwrapped with openssl to learn what
    each tampered ciphertext decrypts to (recorded in the manifest)."""
    source = "xmlsec1-aes128-cbc.xml"
    root = stage(source)
    ek = first(root, "//xenc:EncryptedKey")
    session = openssl_unwrap(SP_KEY, base64.b64decode(cipher_value(ek).text), "rsa-oaep-mgf1p", "sha1", None, None)
    assert session is not None and len(session) == 16
    original = base64.b64decode(cipher_value(first(root, "//xenc:EncryptedData")).text)
    plain = aes_cbc_raw(session, original)
    pad = plain[-1]
    assert 1 <= pad <= 16, "xmlsec1 wrote invalid padding?"

    def tampered(edit):
        doc = stage(source)
        edit_cipher(cipher_value(first(doc, "//xenc:EncryptedData")), edit)
        blob = base64.b64decode(cipher_value(first(doc, "//xenc:EncryptedData")).text)
        raw = aes_cbc_raw(session, blob)
        last = raw[-1]
        valid_pad = 1 <= last <= 16
        truth = (f"pad byte 0x{last:02x}: {'a valid pad length' if valid_pad else 'not a valid pad length (1..16)'}"
                 f"; {'the unpadded plaintext then is not well-formed XML' if valid_pad else 'unpadding fails'}")
        return doc, valid_pad, truth

    def flip_last(raw):
        raw[-1] ^= 0x01
    doc, valid_pad, truth = tampered(flip_last)
    hostile("cbc-last-block-flipped", doc, "decryptionFailed", encryptor="xmlsec1", check="undecryptable",
            padding_valid_after_tamper=valid_pad, decrypted_bytes=truth,
            description="xmlsec1-aes128-cbc.xml with the last byte of the ciphertext's last block flipped (XOR 0x01): "
            f"the whole last plaintext block, padding included, becomes noise ({truth}). Whatever the noise, the "
            "answer must be decryptionFailed.")

    # Byte 15 of the next-to-last ciphertext block XORs straight into the pad byte (and garbles that block).
    target_valid = pad + 1 if pad < 16 else pad - 1
    target_invalid = pad ^ 0x20  # 0x21..0x30: never a pad length

    def set_pad(new):
        def edit(raw):
            raw[-17] ^= pad ^ new
        return edit
    doc, valid_pad, truth = tampered(set_pad(target_valid))
    assert valid_pad
    hostile("cbc-padding-valid-garbled", doc, "decryptionFailed", encryptor="xmlsec1", check="undecryptable",
            padding_valid_after_tamper=True, decrypted_bytes=truth,
            description=f"Padding-oracle probe, the 'valid padding' half: byte 15 of the next-to-last ciphertext "
            f"block of xmlsec1-aes128-cbc.xml XORed so the pad byte becomes 0x{target_valid:02x} (was 0x{pad:02x}): "
            "the padding checks out but the plaintext is garbled. The SP must answer exactly as for "
            "cbc-padding-invalid (decryptionFailed), never with a parse error, or it is a padding oracle "
            "(Jager–Somorovsky 2011).")
    doc, valid_pad, truth = tampered(set_pad(target_invalid))
    assert not valid_pad
    hostile("cbc-padding-invalid", doc, "decryptionFailed", encryptor="xmlsec1", check="undecryptable",
            padding_valid_after_tamper=False, decrypted_bytes=truth,
            description=f"Padding-oracle probe, the 'invalid padding' half: the same byte XORed so the pad byte "
            f"becomes 0x{target_invalid:02x} (not 1..16).")


def gcm_cases():
    source = "xmlsec1-aes256-gcm.xml"

    def flip_tag(raw):
        raw[-1] ^= 0x01

    def truncate_tag(raw):
        del raw[-8:]
    for name, edit, what in (("gcm-tag-flipped", flip_tag, "the last byte of the 16-byte GCM tag flipped"),
                             ("gcm-tag-truncated", truncate_tag, "the GCM tag cut to 8 bytes (the last 8 removed)")):
        doc = stage(source)
        edit_cipher(cipher_value(first(doc, "//xenc:EncryptedData")), edit)
        hostile(name, doc, "decryptionFailed", encryptor="xmlsec1", check="undecryptable",
                description=f"xmlsec1-aes256-gcm.xml with {what}: authentication fails; a decryptor must release "
                "no plaintext (and accept no short tag).")


def hostile_crypto():
    emit_wrong_key = response_with(xmlsec_encrypt(SIGNED_ASSERTION, "aes256-gcm", cert=ATTACKER))
    hostile("wrong-key", emit_wrong_key, "decryptionFailed", encryptor="xmlsec1", check="undecryptable",
            content_keys=(ATTACKER,),
            description="The signed base Assertion encrypted to another key (attacker-rsa2048's certificate): the "
            "OAEP unwrap fails with the SP key.")
    hostile("rollover-key-not-configured", None, "decryptionFailed", file="cryptography-rollover-key.xml",
            encryptor="cryptography", check="undecryptable",
            description="cryptography-rollover-key.xml when the SP has only keys/sp-enc-rsa2048.key.")
    root = stage("cryptography-rsa-oaep-label.xml")
    first(root, "//xenc:OAEPparams").text = base64.b64encode(b"another label").decode()
    hostile("oaep-label-mismatch", root, "decryptionFailed", encryptor="cryptography", check="undecryptable",
            description="cryptography-rsa-oaep-label.xml with OAEPparams changed to another label: the OAEP check "
            "fails.")
    padding_cases()
    gcm_cases()


# ---------------------------------------------------------------------------------------------------------------
# Hostile: algorithms and structure
# ---------------------------------------------------------------------------------------------------------------
def hostile_structure():
    hostile("tripledes-cbc", response_with(xmlsec_encrypt(SIGNED_ASSERTION, "tripledes-cbc")),
            "encryptionAlgorithmNotAllowed", encryptor="xmlsec1", check="decrypts",
            description="tripledes-cbc data (xmlsec1, rsa-oaep-mgf1p): not on the allow-list; the file otherwise "
            "decrypts and verifies.")
    root = stage("xmlsec1-aes128-cbc.xml")
    first(root, "//xenc:EncryptedKey/xenc:EncryptionMethod/ds:DigestMethod").set("Algorithm", DIGESTS["md5"])
    hostile("key-transport-digest-md5", root, "encryptionAlgorithmNotAllowed", encryptor="xmlsec1",
            description="xmlsec1-aes128-cbc.xml with the rsa-oaep-mgf1p DigestMethod changed to md5 (hand-edited).")

    root = stage("xmlsec1-aes256-gcm.xml")
    cipher_data = first(root, "//xenc:EncryptedData/xenc:CipherData")
    replace(cipher_value(first(root, "//xenc:EncryptedData")),
            mr.parse(f'<xenc:CipherReference xmlns:xenc="{XENC}" URI="http://127.0.0.1:9/c"/>'.encode()))
    assert first(cipher_data, "xenc:CipherReference") is not None
    hostile("cipher-reference", root, "encryptionMalformed", encryptor="xmlsec1",
            description="xmlsec1-aes256-gcm.xml with the EncryptedData's CipherValue replaced by "
            "xenc:CipherReference URI='http://127.0.0.1:9/c': the SP must not fetch ciphertext from anywhere.")

    root = stage("cryptography-sibling-no-retrievalmethod.xml")
    ed = first(root, "//xenc:EncryptedData")
    first(ed, "xenc:EncryptionMethod").addnext(mr.parse(
        f'<ds:KeyInfo xmlns:ds="{DS}"><ds:RetrievalMethod Type="{XENC}EncryptedKey" URI="http://127.0.0.1:9/k"/>'
        '</ds:KeyInfo>'.encode()))
    hostile("retrieval-method-external", root, "encryptionMalformed", encryptor="cryptography",
            description="cryptography-sibling-no-retrievalmethod.xml plus ds:KeyInfo/ds:RetrievalMethod "
            "URI='http://127.0.0.1:9/k' Type=…#EncryptedKey (the usable EncryptedKey is still a sibling, so a lax "
            "decryptor would succeed): a non-local RetrievalMethod is refused, nothing fetched.")
    root = stage("cryptography-sibling-retrievalmethod.xml")
    method = first(root, "//ds:RetrievalMethod")
    method.append(mr.parse(
        f'<ds:Transforms xmlns:ds="{DS}"><ds:Transform Algorithm="{mr.XSLT}"><xsl:stylesheet '
        'xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"><xsl:template match="/"><xsl:copy-of '
        'select="."/></xsl:template></xsl:stylesheet></ds:Transform></ds:Transforms>'.encode()))
    hostile("retrieval-method-transforms", root, "encryptionMalformed", encryptor="cryptography",
            description="cryptography-sibling-retrievalmethod.xml with an XSLT ds:Transforms inside the (same-"
            "document) RetrievalMethod (the OpenSAML 2022 advisory shape): no transforms are allowed.")
    root = stage("cryptography-sibling-retrievalmethod.xml")
    first(root, "//ds:RetrievalMethod").set("URI", "#_ek-missing")
    hostile("retrieval-method-dangling", root, "encryptionMalformed", encryptor="cryptography",
            description="cryptography-sibling-retrievalmethod.xml with RetrievalMethod URI='#_ek-missing' (no such "
            "EncryptedKey beside the EncryptedData).")

    parts = xmlsec_encrypt(SIGNED_ASSERTION, "aes256-gcm") + xmlsec_encrypt(evil_assertion(), "aes256-gcm")
    hostile("two-encrypted-data", response_with(parts), "encryptionMalformed", encryptor="xmlsec1", check="decrypts",
            description="One EncryptedAssertion holding two EncryptedData (the signed b.simon Assertion, then an "
            "IdP-signed admin Assertion), each decryptable with the SP key: which one is 'the' assertion is "
            "ambiguous, so the container is refused.")


# ---------------------------------------------------------------------------------------------------------------
# Hostile: what the plaintext is
# ---------------------------------------------------------------------------------------------------------------
def hostile_plaintext():
    assertion_signed = mr.to_bytes(mr.sign_assertion(mr.base()))
    hostile("decrypted-response", response_with(xmlsec_encrypt(assertion_signed, "aes256-gcm")), "decryptionFailed",
            encryptor="xmlsec1", check="decrypts", verify=False,
            description="The EncryptedAssertion decrypts (aes256-gcm, rsa-oaep-mgf1p) to a whole samlp:Response "
            "(the assertion-signed one), not a saml:Assertion. Any plaintext that is not exactly one Assertion is "
            "reported as decryptionFailed, like a padding failure (no oracle).")
    two = SIGNED_ASSERTION + evil_assertion()
    # xmlsec1 encrypts an element; two sibling roots need the cryptography encryptor (content is just bytes).
    hostile("decrypted-two-assertions", response_with(crypto_encrypt(two, data_alg="aes256-gcm", digest="sha1")),
            "decryptionFailed", encryptor="cryptography", check="decrypts",
            description="The plaintext is two IdP-signed Assertions in a row (b.simon, then admin), a fragment "
            "that is not one element.")
    unsigned = element_bytes(mr.assertion_of(mr.base()))
    hostile("decrypted-unsigned", response_with(xmlsec_encrypt(unsigned, "aes128-gcm")), "signatureMissing",
            encryptor="xmlsec1", signer="none", check="decrypts",
            description="The base Assertion, unsigned, encrypted (aes128-gcm) in an unsigned Response: encryption "
            "is not authentication — anyone can encrypt to the SP's public certificate.")
    attacker = evil_assertion(key=ATTACKER)
    hostile("decrypted-attacker-signed", response_with(xmlsec_encrypt(attacker, "aes256-cbc")), "signatureInvalid",
            encryptor="xmlsec1", check="decrypts", signatures_expected=[False],
            description="An evil Assertion (admin) signed by the attacker's key (KeyInfo: the attacker's "
            "certificate), encrypted to the SP (aes256-cbc) in an unsigned Response.")
    hostile("response-signed-inner-attacker-signed",
            response_with(xmlsec_encrypt(attacker, "aes256-gcm"), sign_outer=True), "signatureInvalid",
            encryptor="xmlsec1", check="decrypts", signatures_expected=[True, False],
            description="The Response properly signed by the IdP over an EncryptedAssertion whose decrypted "
            "Assertion carries the attacker's signature: an invalid signature is fatal wherever it is, even with "
            "a valid outer one (peers §2.17).")


# ---------------------------------------------------------------------------------------------------------------
# Configuration cases (other options over files made above)
# ---------------------------------------------------------------------------------------------------------------
def configuration_cases():
    hostile("no-decryption-key", None, "encryptedAssertionNotSupported", file="xmlsec1-aes256-gcm.xml", keys=(),
            encryptor="xmlsec1",
            description="xmlsec1-aes256-gcm.xml when the SP has no decryption key configured.")
    hostile("encrypted-id-no-decryption-key", None, "encryptedAssertionNotSupported", file="xmlsec1-encrypted-id.xml",
            keys=(), encryptor="xmlsec1",
            description="xmlsec1-encrypted-id.xml (signed plaintext Assertion, EncryptedID) when the SP has no "
            "decryption key.")
    hostile("encryption-required-plaintext-assertion", None, "encryptionRequired", file="xmlsec1-encrypted-id.xml",
            encryptor="xmlsec1", options={"requireEncryptedAssertions": True},
            description="xmlsec1-encrypted-id.xml with requireEncryptedAssertions: an EncryptedID inside a "
            "plaintext Assertion does not make it an encrypted assertion.")


# ---------------------------------------------------------------------------------------------------------------
# README and main
# ---------------------------------------------------------------------------------------------------------------
def short(uri):
    return SHORT.get(uri, uri or "")


def write_readme():
    lines = [README_HEAD.format(cryptography=TOOLS.get("cryptography", "?")),
             "| name | file | verdict | encryptor | data | key transport | description |", "|---|---|---|---|---|---|---|"]
    for e in ENTRIES:
        verdict = "**valid**" if e["valid"] else f"`{e['expected']}`"
        notes = []
        if e.get("options"):
            notes += [f"{k}={json.dumps(v)}" for k, v in e["options"].items()]
        if e["decryption_keys"] != [f"keys/{SP_KEY}.key"]:
            notes.append("keys: " + (", ".join(k.split("/")[-1] for k in e["decryption_keys"]) or "none"))
        if notes:
            verdict += " (" + "; ".join(notes) + ")"
        transport = short(e.get("key_transport"))
        extras = [short(e[k]) for k in ("key_transport_digest", "key_transport_mgf") if e.get(k)]
        if e.get("oaep_params"):
            extras.append("label")
        if extras:
            transport += " (" + ", ".join(extras) + ")"
        if e.get("key_placement") not in (None, "keyinfo"):
            transport += f", {e['key_placement']}"
        desc = e["description"].replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
        lines.append(f"| {e['name']} | {e['file']} | {verdict} | {e['encryptor']} | {short(e.get('data_algorithm'))} "
                     f"| {transport} | {desc} |")
    valid = sum(e["valid"] for e in ENTRIES)
    lines += ["", f"{len(ENTRIES)} cases ({valid} valid, {len(ENTRIES) - valid} hostile) in "
              f"{len({e['file'] for e in ENTRIES})} files."]
    return "\n".join(lines) + "\n"


README_HEAD = """# Encrypted-assertion fixtures

SAML 2.0 Responses with XML Encryption (EncryptedAssertion, EncryptedID, EncryptedAttribute) for swift-saml's
decryption path: valid ones in every algorithm the SP accepts, made by three independent encryptors, and hostile
ones, each with the single most precise `SAMLError` case. **Generated** — do not edit the files here; change
`Fixtures/scripts/make_encrypted.py` and rerun it:

```sh
/usr/bin/python3 Fixtures/scripts/make_encrypted.py      # from the repository root
```

It needs Debian's `xmlsec1` (1.2.37, openssl), `openssl`, `python3-lxml`, `python3-pysaml2`, `faketime`, and a
`python3` on `PATH` with the PyPI `cryptography` package (or `CRYPTOGRAPHY_PYTHON=/path/to/python3`). It imports
`make_responses.py` for the base Response and the fixed parameters (`../responses/README.md`: NOW
2026-12-01T12:00:00Z, the Azure-shaped IdP `https://sts.windows.net/4a1c2b3d-…/` with key `keys/idp-rsa2048`, SP
`https://app.example.test/saml/metadata`, ACS `https://app.example.test/saml/acs`, InResponseTo
`_a8f3c2e1d0b9a8f7e6d5c4b3a2f1e0d9c`, NameID `b.simon@contoso.example`). The SP decrypts with
`keys/sp-enc-rsa2048.key` (certificate `.crt`); `keys/sp-rsa2048.key` is its rollover key.

## The encryptors (each step and its interpreter)

| encryptor | runs as | writes |
|---|---|---|
| `xmlsec1` | the xmlsec1 1.2.37 CLI (`--encrypt` over an EncryptedData template), called from `/usr/bin/python3` | aes128/192/256-cbc, aes128/192/256-gcm, tripledes-cbc; rsa-oaep-mgf1p (SHA-1 only: 1.2.37 refuses any other DigestMethod) and rsa-1_5; EncryptedKey inside ds:KeyInfo |
| `cryptography` | {cryptography}, a worker process (`make_encrypted.py --cryptography-worker`) fed JSON; the XML around its output is written by the script | xmlenc 1.1 `rsa-oaep` with DigestMethod/MGF/OAEPparams, rsa-oaep-mgf1p with a SHA-256 DigestMethod, EncryptedKey as a sibling (with and without RetrievalMethod), the rollover key; CBC padding of random bytes (XML Encryption 1.0 §5.2), not PKCS#7 |
| `pysaml2` | pysaml2 7.0.1 (Debian) as the IdP, `/usr/bin/python3 make_encrypted.py --pysaml2-worker MODE` under `faketime -f '2026-12-01 12:00:00'`; pysaml2 itself calls the xmlsec1 CLI | its own choices: tripledes-cbc + rsa-oaep-mgf1p (no DigestMethod), EncryptedKey with KeyName `my-rsa-key` + the SP certificate; the two valid ones replace only the data algorithm (aes256-cbc, aes128-cbc) |

Signatures (inside the plaintext and on the outer Response) are made by the xmlsec1 CLI via
`make_responses.sign` (rsa-sha256, exc-c14n, enveloped) or by pysaml2.

## How every file is checked (in the script; the run fails otherwise)

Independently of the encryptor: each `EncryptedData`, in document order, is decrypted with the case's
`decryption_keys` — by `xmlsec1 --decrypt --privkey-pem KEY` where xmlsec1 1.2.37 can unwrap the key itself
(rsa-oaep-mgf1p with SHA-1, rsa-1_5; EncryptedKey in KeyInfo or behind a same-document RetrievalMethod), otherwise
the session key is unwrapped by `openssl pkeyutl -decrypt` (OAEP digest, MGF1 digest and label from the document)
and the data decrypted by `xmlsec1 --decrypt --aeskey` on a copy without the KeyInfo. Before each decryption step
every ds:Signature that has appeared is verified by `xmlsec1 --verify --enabled-key-data raw-x509-cert
--pubkey-cert-pem keys/idp-rsa2048.crt` (keys in the document ignored) — so an outer Response signature is verified
over the ciphertext and an inner Assertion signature over its plaintext. Valid cases: everything decrypts, every
signature verifies, exactly one Assertion, the expected NameID (and attributes). Hostile cases whose defect comes
after decryption (wrong algorithm, plaintext shape, signatures) are opened the same way — they decrypt, and every
signature verifies except the attacker's — so the expected code is not a decryption accident; the cryptographic
failures (wrong key, tampered ciphertext, label) are checked not to open with the configured keys. The manifest's
`independent_check` says how each file was opened.

Randomness: session keys, IVs and OAEP seeds differ on every run. The script keeps the previous file when it has
the same shape (same bytes outside CipherValue/SignatureValue/DigestValue) and decrypts to the same document, so a
rerun changes nothing unless the content did; tampered files are derived byte-for-byte from the kept ones.

## manifest.json

A JSON array, one entry per test case:

| field | meaning |
|---|---|
| `name`, `file`, `description` | the case, its XML file (some cases reuse another case's file with other options or keys), what it is |
| `valid` / `expected` | `true` with `expected: null`, or `false` with the `SAMLError` case name the SP must throw |
| `attack` | `2.17` (peers survey §2.17, encryption) for hostile cases |
| `decryption_keys` | the SP private keys to configure (paths relative to `Fixtures/`), in order; `[]` = none |
| `idp_cert`, `idp_certs`, `idp_entity_id`, `expected_request_id` | the trusted IdP and the outstanding request, as in `../responses/` |
| `options` | only when not default: `allowRSA1_5KeyTransport`, `requireEncryptedAssertions` |
| `expected_name_id`, `expected_attributes` | (valid) what the SP must return |
| `encryptor` | `xmlsec1`, `cryptography` or `pysaml2` |
| `signer` | who signed: `xmlsec1`, `pysaml2`, `none` |
| `data_algorithm`, `key_transport`, `key_transport_digest`, `key_transport_mgf`, `oaep_params` | the first EncryptedData's algorithms as written in the document (URIs) |
| `key_placement` | `keyinfo` (EncryptedKey in EncryptedData/ds:KeyInfo), `retrieval` (sibling via same-document RetrievalMethod), `sibling` (sibling, no reference), or why none is usable |
| `independent_check` | how the generator opened the file (tools, keys) and how many signatures verified |
| `padding_valid_after_tamper`, `decrypted_bytes` | (CBC tampering) what the tampered ciphertext decrypts to, computed with the unwrapped session key |

## What each group proves

- **Every allowed algorithm, three encryptors** — aes128/192/256 in CBC and GCM by xmlsec1; xmlenc 1.1 rsa-oaep
  with SHA-256/512 digests, MGF1-SHA256, the default MGF and an OAEP label, and rsa-oaep-mgf1p with a SHA-256
  DigestMethod, by `cryptography` (another OpenSSL build); pysaml2 as a real IdP. An SP that only round-trips its
  own encryptor's output would miss the others' layout details (random CBC padding bytes, KeyName/X509Data inside
  EncryptedKey, sibling EncryptedKeys).
- **Where the key is** — EncryptedKey in KeyInfo, as a sibling behind a RetrievalMethod (Shibboleth), as an
  unreferenced sibling; a second SP key for rollover.
- **What is encrypted** — EncryptedAssertion, EncryptedID, EncryptedAttribute, and all three nested.
- **Signatures after decryption** — the assertion signed inside, the Response signed over the ciphertext, both; an
  unsigned plaintext (`signatureMissing`: encryption is not authentication), an attacker-signed plaintext, with and
  without a valid outer signature (`signatureInvalid`).
- **No oracle, no fetching** — wrong key, rollover key not configured, OAEP label mismatch, a flipped last CBC block,
  the two halves of a padding-oracle probe (valid vs invalid padding, both must be `decryptionFailed`), a flipped
  or truncated GCM tag; CipherReference, external/dangling/transformed RetrievalMethod (`encryptionMalformed`).
- **Allow-lists** — tripledes-cbc (also pysaml2's default), an md5 OAEP digest, rsa-1_5 unless
  `allowRSA1_5KeyTransport` (`encryptionAlgorithmNotAllowed`).
- **Plaintext shape** — a Response or two Assertions where one Assertion must be (`decryptionFailed`: whatever is
  wrong with the plaintext is the one decryption error, so that well-formedness is no oracle); two
  EncryptedData in one container (`encryptionMalformed`).
- **Configuration** — no decryption key (`encryptedAssertionNotSupported`, for EncryptedAssertion and EncryptedID),
  `requireEncryptedAssertions` with a plaintext Assertion (`encryptionRequired`).

## Fixtures
"""


def main():
    global WORK, STAGE, SIGNED_ASSERTION, CRYPTO_PYTHON
    started = time.monotonic()
    for tool in ("xmlsec1", "faketime", "openssl"):
        if shutil.which(tool) is None:
            sys.exit(f"make_encrypted.py: {tool} is not installed (apt-get install xmlsec1 faketime openssl)")
    WORK = pathlib.Path(tempfile.mkdtemp(prefix="make-encrypted-"))
    mr.WORK = WORK  # make_responses.sign writes its temporary files there
    STAGE = WORK / "out"
    STAGE.mkdir()
    CRYPTO_PYTHON = find_crypto_python()
    SIGNED_ASSERTION = element_bytes(mr.assertion_of(mr.sign_assertion(mr.base())))
    for family in (valid_xmlsec1, valid_cryptography, pysaml2_cases, rsa_1_5, hostile_crypto, hostile_structure,
                   hostile_plaintext, configuration_cases):
        family()
    for e in ENTRIES:
        assert (STAGE / e["file"]).exists(), e
    (STAGE / "manifest.json").write_text(json.dumps(ENTRIES, indent=2, ensure_ascii=False) + "\n")
    (STAGE / "README.md").write_text(write_readme())
    if OUT.exists():
        shutil.rmtree(OUT)
    shutil.copytree(STAGE, OUT)
    valid = sum(e["valid"] for e in ENTRIES)
    print(f"{len(ENTRIES)} cases ({valid} valid, {len(ENTRIES) - valid} hostile), "
          f"{len({e['file'] for e in ENTRIES})} files in {OUT.relative_to(FIXTURES.parent)}; "
          f"{time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--pysaml2-worker":
        pysaml2_worker(sys.argv[2])
    else:
        try:
            main()
        finally:
            if WORK is not None:
                shutil.rmtree(WORK, ignore_errors=True)

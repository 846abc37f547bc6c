#!/usr/bin/python3
"""Generate the SAML Response fixtures in Fixtures/responses/ (README.md there says what each group proves).

usage (from the repository root):  /usr/bin/python3 Fixtures/scripts/make_responses.py

Needs Debian's xmlsec1 (1.2.37, openssl), python3-lxml, python3-pysaml2 and faketime; run it with
/usr/bin/python3 (where the Debian modules live). Keys come from Fixtures/keys/ (make-keys.sh) and are never
regenerated here. The output folder is rebuilt from scratch on every run: nothing in it is edited by hand.

How a fixture is made: the Azure-AD-shaped base Response is built from a template, edited (semantic defects are
edited *before* signing, so the signature is valid and the defect is the only one), signed with the xmlsec1 CLI
over a ds:Signature template, and then, for the wrapping/tampering families, edited after signing the way an
attacker would. Every fixture that should pass (and every semantic-defect fixture, whose signature must not be
the reason it fails) is verified afterwards with xmlsec1 against the trusted certificate only; the run fails if
one does not verify.

Deterministic: RSA (PKCS#1 v1.5) signatures, the pysaml2 output (frozen clock, patched ID generator) and all
edits are byte-for-byte reproducible. ECDSA signatures (random k) and XML Encryption (random session key and IV)
are not; for those files the previous output is kept when its content is the same (keep_previous_if_same).
"""
import base64
import copy
import datetime
import hashlib
import itertools
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from xml.sax.saxutils import escape, quoteattr

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent
KEYS = FIXTURES / "keys"
OUT = FIXTURES / "responses"

# ---------------------------------------------------------------------------------------------------------------
# Fixed parameters (the Swift tests hard-code these; README.md repeats them)
# ---------------------------------------------------------------------------------------------------------------
NOW = datetime.datetime(2026, 12, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
FAKETIME_NOW = "2026-12-01 12:00:00"
TENANT = "4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
IDP = f"https://sts.windows.net/{TENANT}/"
OTHER_TENANT_IDP = "https://sts.windows.net/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a/"
SP = "https://app.example.test/saml/metadata"
OTHER_SP = "https://other-app.example.test/saml/metadata"
ACS = "https://app.example.test/saml/acs"
REQ = "_a8f3c2e1d0b9a8f7e6d5c4b3a2f1e0d9c"
OTHER_REQ = "_0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6"
RESPONSE_ID = "_r6b1f0d6e-2c1a-4f7e-9a55-0c3e8d1f2a01"
ASSERTION_ID = "_a0d4c7e2-91b3-4f26-8e0a-5b7c9d1e3f42"
SECOND_ASSERTION_ID = "_a7e9b2c4-d1f3-4a68-9b0c-2e4f6a8c0d13"
SESSION_INDEX = "_s3c9f1a2b-7d4e-4c1f-a0b8-6e2d5f9c1a73"
OBJECT_ID = "7d9e2a41-3b5c-4f68-9a0d-1e2f3a4b5c6d"
NAME_ID = "b.simon@contoso.example"
EVIL_NAME_ID = "admin@contoso.example"

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
NSMAP = {"samlp": SAMLP, "saml": SAML, "ds": DS, "md": MD, "xenc": XENC}

EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
HOLDER_OF_KEY = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"
SENDER_VOUCHES = "urn:oasis:names:tc:SAML:2.0:cm:sender-vouches"
PASSWORD_PROTECTED = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED = DS + "enveloped-signature"
XSLT = "http://www.w3.org/TR/1999/REC-xslt-19991116"
XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
RSA_SHA1 = DS + "rsa-sha1"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
HMAC_SHA1 = DS + "hmac-sha1"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"
SHA1 = DS + "sha1"
MD5 = "http://www.w3.org/2001/04/xmldsig-more#md5"
DEFAULT_TRANSFORMS = (ENVELOPED, EXC_C14N)

ERROR_CODES = set("""
emptyInput inputTooLarge invalidBase64 malformedXML doctypeForbidden documentTooDeep unexpectedRoot
unsupportedVersion statusNotSuccess xmlIDForbidden invalidID duplicateID signatureMisplaced multipleSignatures
missingAssertion multipleAssertions assertionMisplaced issuerMismatch signatureMalformed referenceURIMismatch
transformNotAllowed algorithmNotAllowed digestMismatch signatureInvalid signatureVerificationFailed
signatureMissing destinationMismatch inResponseToMismatch unsolicitedResponse missingIssuer missingSubject
missingNameID noBearerSubjectConfirmation recipientMismatch subjectConfirmationExpired
subjectConfirmationNotBefore subjectConfirmationMissingNotOnOrAfter assertionNotYetValid assertionExpired
audienceMismatch missingAudienceRestriction missingAuthnStatement sessionExpired replayDetected invalidTime
""".split())
# Cases of SAMLError that are not in the list above but are the most precise answer for a few fixtures.
EXTRA_ERROR_CODES = {"unexpectedElement", "unsupportedEncoding", "missingAttribute"}

ID_ATTRS = (("ID", f"{SAML}:Assertion"), ("ID", f"{SAMLP}:Response"))

try:
    from lxml import etree
except ImportError:  # the pyenv python3 on PATH has no lxml
    sys.exit("make_responses.py: run it with /usr/bin/python3 (needs python3-lxml and python3-pysaml2)")

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False, huge_tree=True)
WORK = STAGE = None  # temporary folders, made by main()
_counter = itertools.count()


# ---------------------------------------------------------------------------------------------------------------
# Small helpers: time, XML in and out, tree edits that keep whitespace where a DOM would
# ---------------------------------------------------------------------------------------------------------------
def ts(seconds=0, frac=None):
    """NOW + seconds as xs:dateTime in UTC (`2026-12-01T11:59:50Z`, or `.123Z` with frac=123)."""
    t = NOW + datetime.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (f".{frac:03d}" if frac is not None else "") + "Z"


def parse(data):
    return etree.fromstring(data, PARSER)


def to_bytes(root):
    return etree.tostring(root, encoding="UTF-8", xml_declaration=False, with_tail=False) + b"\n"


def fresh(data):
    """A new, independent tree from serialized bytes (bases are kept as bytes, variants edit copies)."""
    return parse(data)


def X(el, path):
    return el.xpath(path, namespaces=NSMAP)


def one(el, path):
    found = X(el, path)
    assert len(found) == 1, f"{path}: {len(found)} matches"
    return found[0]


def assertion_of(root):
    return one(root, "saml:Assertion")


def local(el):
    return etree.QName(el).localname


def first_local(el, name, include_self=False):
    """DOM getElementsByTagNameNS("*", name).item(0): first element in document order with that local name."""
    for node in el.iter(etree.Element):
        if node is el and not include_self:
            continue
        if local(node) == name:
            return node
    return None


def child_local(el, name):
    for node in el:
        if isinstance(node.tag, str) and local(node) == name:
            return node
    return None


def detach(el):
    """Remove el the way DOM removeChild does: the whitespace before and after it stays in the parent."""
    parent = el.getparent()
    tail = el.tail or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    el.tail = None
    parent.remove(el)
    return el


def clone(el):
    c = copy.deepcopy(el)
    c.tail = None
    return c


def insert_after(ref, new):
    """New sibling right after ref, indented like ref (lxml's addnext hands ref's tail to the new element)."""
    tail = ref.tail
    ref.addnext(new)
    ref.tail = new.tail = tail


def insert_before(ref, new):
    """New sibling before ref, indented like ref."""
    prev = ref.getprevious()
    indent = (prev.tail if prev is not None else ref.getparent().text) or ""
    ref.addprevious(new)
    new.tail = indent


def append_child(parent, new):
    """Append, indented like the other children."""
    children = [c for c in parent]
    if children:
        last = children[-1]
        new.tail = last.tail
        last.tail = parent.text
    parent.append(new)


def element(xml):
    """An element from a snippet; the snippet may use the samlp:, saml:, ds: and md: prefixes undeclared."""
    used = sorted(set(re.findall(r"</?(\w+):", xml)) & set(NSMAP))
    decls = "".join(f' xmlns:{p}="{NSMAP[p]}"' for p in used)
    head = re.match(r"<[\w:]+", xml).end()
    return parse((xml[:head] + decls + xml[head:]).encode())


def evilize(el):
    """SAMLRaider's match-and-replace applied to the copy the attacker controls: b.simon becomes admin."""
    for node in el.iter(etree.Element):
        if node.text and "b.simon" in node.text:
            node.text = node.text.replace("b.simon", "admin")


def guid(seed):
    return str(uuid.UUID(bytes=hashlib.sha256(seed.encode()).digest()[:16], version=4))


def cert_b64(name):
    text = (KEYS / f"{name}.crt").read_text()
    return "".join(line for line in text.splitlines() if "-----" not in line)


def flip_char(text, index):
    """Change one base64 character (a different character of the same alphabet: the value stays base64)."""
    chars = list(text)
    positions = [i for i, c in enumerate(chars) if c.isalnum()]
    i = positions[index]
    chars[i] = "A" if chars[i] != "A" else "B"
    return "".join(chars)


def placeholder():
    """The content xmlsec1 --url-map serves in place of an external URI while signing."""
    path = WORK / "external-placeholder.xml"
    path.write_text("<placeholder>swift-saml fixture: the content the signer saw at the external URI</placeholder>\n")
    return path


def run(cmd, **kw):
    result = subprocess.run([str(c) for c in cmd], capture_output=True, **kw)
    return result


# ---------------------------------------------------------------------------------------------------------------
# The base Response (Azure AD shape)
# ---------------------------------------------------------------------------------------------------------------
XMLSOAP = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
MSID = "http://schemas.microsoft.com/identity/claims/"
GROUPS_CLAIM = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
EMAIL_CLAIM = XMLSOAP + "emailaddress"


def groups(count, seed="group"):
    return [guid(f"{seed}-{i}") for i in range(count)]


def claims(group_values):
    return [
        (MSID + "tenantid", [TENANT]),
        (MSID + "objectidentifier", [OBJECT_ID]),
        (MSID + "displayname", ["B. Simon"]),
        (MSID + "identityprovider", [IDP]),
        (MSID + "authnmethodsreferences", ["http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"]),
        (XMLSOAP + "givenname", ["B."]),
        (XMLSOAP + "surname", ["Simon"]),
        (EMAIL_CLAIM, [NAME_ID]),
        (XMLSOAP + "name", [NAME_ID]),
        (GROUPS_CLAIM, group_values),
        ("uid", ["b.simon"]),
    ]


def attribute_xml(name, values, indent="      "):
    vals = "".join(f"\n{indent}  <saml:AttributeValue>{escape(v)}</saml:AttributeValue>" for v in values)
    return f"{indent}<saml:Attribute Name={quoteattr(name)}>{vals}\n{indent}</saml:Attribute>"


def base_xml(*, group_values=None, frac=False, in_response_to=REQ, assertion_id=ASSERTION_ID):
    """The unsigned base Response as text: one Assertion, times relative to NOW."""
    group_values = groups(10) if group_values is None else group_values
    fractions = {-10: 123, 300: 456, -300: 789, 3600: 12, -20: 345, 8 * 3600: 678}

    def T(seconds):
        return ts(seconds, fractions[seconds] if frac else None)

    irt = f' InResponseTo="{in_response_to}"' if in_response_to else ""
    attrs = "\n".join(attribute_xml(n, vs) for n, vs in claims(group_values))
    return f"""<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="{RESPONSE_ID}" Version="2.0" IssueInstant="{T(-10)}" Destination="{ACS}"{irt}>
  <saml:Issuer>{IDP}</saml:Issuer>
  <samlp:Status>
    <samlp:StatusCode Value="{SUCCESS}"/>
  </samlp:Status>
  <saml:Assertion ID="{assertion_id}" IssueInstant="{T(-10)}" Version="2.0">
    <saml:Issuer>{IDP}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="{EMAIL_FORMAT}">{NAME_ID}</saml:NameID>
      <saml:SubjectConfirmation Method="{BEARER}">
        <saml:SubjectConfirmationData{irt} NotOnOrAfter="{T(300)}" Recipient="{ACS}"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="{T(-300)}" NotOnOrAfter="{T(3600)}">
      <saml:AudienceRestriction>
        <saml:Audience>{SP}</saml:Audience>
      </saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AttributeStatement>
{attrs}
    </saml:AttributeStatement>
    <saml:AuthnStatement AuthnInstant="{T(-20)}" SessionIndex="{SESSION_INDEX}" SessionNotOnOrAfter="{T(8 * 3600)}">
      <saml:AuthnContext>
        <saml:AuthnContextClassRef>{PASSWORD_PROTECTED}</saml:AuthnContextClassRef>
      </saml:AuthnContext>
    </saml:AuthnStatement>
  </saml:Assertion>
</samlp:Response>
"""


def base(**kw):
    return parse(base_xml(**kw).encode())


# ---------------------------------------------------------------------------------------------------------------
# Signing with the xmlsec1 CLI over a ds:Signature template
# ---------------------------------------------------------------------------------------------------------------
TEMPLATE_ID = "tmpl-sig"


def transform_xml(t):
    if isinstance(t, tuple):
        alg, inner = t
        return f'<ds:Transform Algorithm="{alg}">{inner}</ds:Transform>'
    return f'<ds:Transform Algorithm="{t}"/>'


def reference_xml(uri, transforms, digest_alg):
    ts_xml = f"<ds:Transforms>{''.join(transform_xml(t) for t in transforms)}</ds:Transforms>" if transforms else ""
    uri_attr = f" URI={quoteattr(uri)}" if uri is not None else ""
    return (f"<ds:Reference{uri_attr}>{ts_xml}<ds:DigestMethod Algorithm=\"{digest_alg}\"/>"
            f"<ds:DigestValue/></ds:Reference>")


def signature_template(uri, *, sig_alg, digest_alg, transforms, c14n, keyinfo, extra_references=(), object_xml=""):
    refs = reference_xml(uri, transforms, digest_alg)
    refs += "".join(reference_xml(u, transforms, digest_alg) for u in extra_references)
    keyinfo_xml = {
        "x509": "<ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo>",
        "keyvalue": "<ds:KeyInfo><ds:KeyValue/></ds:KeyInfo>",
        None: "",
    }[keyinfo]
    return (f'<ds:Signature xmlns:ds="{DS}" Id="{TEMPLATE_ID}"><ds:SignedInfo>'
            f'<ds:CanonicalizationMethod Algorithm="{c14n}"/><ds:SignatureMethod Algorithm="{sig_alg}"/>'
            f"{refs}</ds:SignedInfo><ds:SignatureValue/>{keyinfo_xml}{object_xml}</ds:Signature>")


def sign(root, target=None, *, key="idp-rsa2048", sig_alg=RSA_SHA256, digest_alg=SHA256, uri=None,
         transforms=DEFAULT_TRANSFORMS, c14n=EXC_C14N, keyinfo="x509", parent=None, index=None,
         extra_references=(), object_xml="", id_attrs=ID_ATTRS, url_maps=(), hmac_key=None):
    """Sign `target` (default: the root) with an enveloped signature placed in `parent` (default: the target)
    right after its Issuer (or at `index`). Returns the new root (a fresh tree: re-find elements after)."""
    target = root if target is None else target
    parent = target if parent is None else parent
    if uri is None:
        uri = "#" + (target.get("ID") or "")
    tmpl = etree.fromstring(signature_template(uri, sig_alg=sig_alg, digest_alg=digest_alg, transforms=transforms,
                                               c14n=c14n, keyinfo=keyinfo, extra_references=extra_references,
                                               object_xml=object_xml))
    issuer = child_local(parent, "Issuer")
    if index is not None:
        parent.insert(index, tmpl)
        tmpl.tail = parent.text if index == 0 else parent[index - 1].tail
    elif issuer is not None:
        insert_after(issuer, tmpl)
    else:
        parent.insert(0, tmpl)
        tmpl.tail = parent.text
    n = next(_counter)
    src, dst = WORK / f"sign-{n}.xml", WORK / f"signed-{n}.xml"
    src.write_bytes(to_bytes(root))
    cmd = ["xmlsec1", "--sign", "--output", dst]
    if hmac_key is not None:
        keyfile = WORK / f"hmac-{n}.bin"
        keyfile.write_bytes(hmac_key)
        cmd += ["--hmackey", keyfile]
    else:
        cmd += ["--privkey-pem", f"{KEYS / key}.key,{KEYS / key}.crt"]
    for attr, node in id_attrs:
        cmd += [f"--id-attr:{attr}", node]
    cmd += ["--id-attr:Id", f"{DS}:Signature", "--node-id", TEMPLATE_ID]
    for url, path in url_maps:
        cmd += [f"--url-map:{url}", path]
    cmd.append(src)
    result = run(cmd)
    if result.returncode != 0:
        raise RuntimeError(f"xmlsec1 --sign failed: {result.stderr.decode(errors='replace')[-1500:]}")
    signed = parse(dst.read_bytes())
    sig = one(signed, f"//ds:Signature[@Id='{TEMPLATE_ID}']")
    del sig.attrib["Id"]
    return signed


def sign_assertion(root, **kw):
    return sign(root, assertion_of(root), **kw)


def sign_response(root, **kw):
    return sign(root, root, **kw)


def sign_both(root, **kw):
    return sign_response(sign_assertion(root, **kw), **kw)


def signature_of(el):
    return child_local(el, "Signature")


def sign_standalone(xml, node_name, **kw):
    """Sign the root of a standalone document (metadata, AuthnRequest, LogoutResponse)."""
    root = parse(xml.encode())
    return sign(root, root, id_attrs=ID_ATTRS + (("ID", node_name),), **kw)


# ---------------------------------------------------------------------------------------------------------------
# Independent verification with xmlsec1 (keys in the document ignored)
# ---------------------------------------------------------------------------------------------------------------
def xmlsec_verify(path, cert, index, id_attrs=ID_ATTRS):
    cmd = ["xmlsec1", "--verify", "--enabled-key-data", "raw-x509-cert", "--pubkey-cert-pem", KEYS / f"{cert}.crt"]
    for attr, node in id_attrs:
        cmd += [f"--id-attr:{attr}", node]
    cmd += ["--node-xpath", f"(//*[local-name()='Signature' and namespace-uri()='{DS}'])[{index}]", path]
    return run(cmd).returncode == 0


NAIVE_ID_ATTRS = ID_ATTRS + (("ID", f"{MD}:EntityDescriptor"), ("ID", f"{SAMLP}:AuthnRequest"),
                             ("ID", f"{SAMLP}:LogoutResponse"))


def xmlsec_alone_accepts(path, certs):
    """What a verifier that only runs xmlsec1 would say: `xmlsec1 --verify` of the first ds:Signature in document
    order, with the trusted certificate only, IDs registered on every SAML element that has one (no remote URIs)."""
    for cert in certs:
        cmd = ["xmlsec1", "--verify", "--enabled-key-data", "raw-x509-cert", "--pubkey-cert-pem", KEYS / f"{cert}.crt",
               "--enabled-reference-uris", "empty,same-doc"]
        for attr, node in NAIVE_ID_ATTRS:
            cmd += [f"--id-attr:{attr}", node]
        if run(cmd + [path]).returncode == 0:
            return True
    return False


def decrypt(path):
    out = WORK / f"decrypted-{next(_counter)}.xml"
    result = run(["xmlsec1", "--decrypt", "--privkey-pem", KEYS / "sp-enc-rsa2048.key", "--output", out, path])
    if result.returncode != 0:
        raise RuntimeError(f"xmlsec1 --decrypt failed for {path}: {result.stderr.decode(errors='replace')[-800:]}")
    return out


def verify_signatures(path, certs, decrypt_first=False):
    """Every ds:Signature in the document verifies with one of the trusted certificates."""
    if decrypt_first:
        path = decrypt(path)
    count = len(X(etree.parse(str(path), PARSER).getroot(), "//ds:Signature"))
    if count == 0:
        return False
    return all(any(xmlsec_verify(path, c, i) for c in certs) for i in range(1, count + 1))


def decrypt_all(data):
    """The document with every EncryptedData decrypted by the SP key (xmlsec1 decrypts the first one per run)."""
    for _ in range(4):
        if b"EncryptedData" not in data:
            return data
        path = WORK / f"to-decrypt-{next(_counter)}.xml"
        path.write_bytes(data)
        try:
            data = decrypt(path).read_bytes()
        except RuntimeError:
            return None
    return None


def keep_previous_if_same(file, data):
    """ECDSA signatures and XML Encryption are randomized. To keep reruns from rewriting those files, keep the
    previous file when it carries the same content: the same bytes outside SignatureValue/DigestValue (ECDSA), or
    the same document once decrypted (encryption). The usual checks still run on whichever file is kept."""
    old_path = OUT / file
    if not old_path.exists():
        return data
    old = old_path.read_bytes()

    def strip(b):  # a signature over ciphertext changes with it
        return None if b is None else re.sub(rb"<ds:(SignatureValue|DigestValue)>[^<]*</ds:\1>", b"", b)
    if b"EncryptedData" in data:
        same = decrypt_all(data) is not None and strip(decrypt_all(old)) == strip(decrypt_all(data))
    elif ECDSA_SHA256.encode() in data:
        same = strip(old) == strip(data)
    else:
        return data
    return old if same else data


# ---------------------------------------------------------------------------------------------------------------
# Output: files and manifest
# ---------------------------------------------------------------------------------------------------------------
ENTRIES = []


def emit(name, doc, *, valid, expected=None, attack, description, signer="xmlsec1", certs=("idp-rsa2048",),
         entity_id=IDP, request_id=REQ, options=None, name_id=None, verify=None, file=None, decrypt_first=False,
         **extra):
    """Write Fixtures/responses/<name>.xml (unless `file` names an existing one) and its manifest entry.
    verify=True: every signature must verify with xmlsec1 against the trusted certificate (default for valid)."""
    assert (expected is None) == valid, name
    assert valid or expected in ERROR_CODES | EXTRA_ERROR_CODES, f"{name}: {expected}"
    assert not any(e["name"] == name for e in ENTRIES), f"duplicate fixture {name}"
    if file is None:
        file = f"{name}.xml"
        data = doc if isinstance(doc, bytes) else to_bytes(doc)
        (STAGE / file).write_bytes(keep_previous_if_same(file, data))
    verify = valid if verify is None else verify
    if verify and not verify_signatures(STAGE / file, certs, decrypt_first):
        raise SystemExit(f"FAILED: {file} does not verify with xmlsec1 against {', '.join(certs)}")
    entry = {
        "name": name,
        "file": file,
        "description": description,
        "valid": valid,
        "expected": expected,
        "attack": attack,
        "signer": signer,
        "idp_cert": f"keys/{certs[0]}.crt",
        "idp_certs": [f"keys/{c}.crt" for c in certs],
        "idp_entity_id": entity_id,
        "expected_request_id": request_id,
    }
    if options:
        entry["options"] = options
    if valid:
        entry["expected_name_id"] = name_id or NAME_ID
    if verify:
        entry["signatures_verify"] = True
    raw = (STAGE / file).read_bytes()
    if not valid and b"<!DOCTYPE" not in raw and b"Signature" in raw:
        entry["xmlsec1_alone_accepts"] = xmlsec_alone_accepts(STAGE / file, certs)
    entry.update(extra)
    ENTRIES.append(entry)


def hostile(name, doc, expected, attack, description, **kw):
    emit(name, doc, valid=False, expected=expected, attack=attack, description=description, **kw)


def semantic(name, doc, expected, attack, description, **kw):
    """A hostile fixture whose signatures are valid: the semantic defect is the only one (checked)."""
    emit(name, doc, valid=False, expected=expected, attack=attack, description=description, verify=True, **kw)


# ---------------------------------------------------------------------------------------------------------------
# Valid responses
# ---------------------------------------------------------------------------------------------------------------
def valid_baseline():
    emit("assertion-signed", ASSERTION_SIGNED, valid=True, attack=None,
         description="The base: Azure-AD-shaped Response, only the Assertion signed (rsa-sha256, exc-c14n, sha256).")
    emit("response-signed", RESPONSE_SIGNED, valid=True, attack=None,
         description="Only the Response signed; the Assertion is covered by the Response signature.")
    emit("both-signed", BOTH_SIGNED, valid=True, attack=None,
         description="Assertion signed, then the Response signed over it.")
    emit("rsa-sha512", sign_assertion(base(), sig_alg=RSA_SHA512, digest_alg=SHA512), valid=True, attack=None,
         description="Assertion signed with rsa-sha512 and a sha512 digest.")
    emit("ecdsa-sha256", sign_assertion(base(), key="idp-ec256", sig_alg=ECDSA_SHA256), valid=True, attack=None,
         certs=("idp-ec256",), description="Assertion signed with ECDSA P-256 (ecdsa-sha256) by idp-ec256; the SP "
         "trusts keys/idp-ec256.crt. ECDSA uses a random nonce: reruns keep this file while its content is unchanged.")
    emit("rsa4096", sign_assertion(base(), key="idp-rsa4096"), valid=True, attack=None, certs=("idp-rsa4096",),
         description="Assertion signed with an RSA-4096 key; the SP trusts keys/idp-rsa4096.crt.")
    nxt = sign_assertion(base(), key="idp-rsa2048-next")
    emit("signed-by-next-key", nxt, valid=True, attack=None, certs=("idp-rsa2048-next", "idp-rsa2048"),
         description="Signed with the IdP's next key during a rollover: passes when the metadata lists both "
         "certificates (idp_certs).")
    emit("signed-by-next-key-not-trusted", None, file="signed-by-next-key.xml", valid=False,
         expected="signatureInvalid", attack="2.8",
         description="signed-by-next-key.xml when the SP trusts only the current certificate idp-rsa2048.")
    emit("fractional-seconds", sign_assertion(base(frac=True)), valid=True, attack=None,
         description="Every time carries milliseconds (2026-12-01T11:59:50.123Z), as Azure AD sometimes sends.")
    emit("unsolicited", sign_assertion(base(in_response_to=None)), valid=True, attack=None, request_id=None,
         options={"allowUnsolicited": True},
         description="IdP-initiated: no InResponseTo on the Response or the SubjectConfirmationData; valid only "
         "with allowUnsolicited and no expected request ID.")
    emit("unsolicited-not-allowed", None, file="unsolicited.xml", valid=False, expected="unsolicitedResponse",
         attack="2.13", request_id=None,
         description="unsolicited.xml with default options (IdP-initiated not allowed), no request outstanding.")
    emit("sha1", sign_assertion(base(), sig_alg=RSA_SHA1, digest_alg=SHA1), valid=True, attack=None,
         options={"allowSHA1": True}, description="rsa-sha1 signature with a sha1 digest; valid only with allowSHA1.")
    emit("sha1-not-allowed", None, file="sha1.xml", valid=False, expected="algorithmNotAllowed", attack="2.11",
         description="sha1.xml with default options: SHA-1 is refused.")
    root = fresh(ASSERTION_SIGNED)
    detach(one(root, "saml:Assertion/ds:Signature/ds:KeyInfo"))
    emit("no-keyinfo", root, valid=True, attack="2.8",
         description="Assertion signature without KeyInfo (KeyInfo is outside SignedInfo): the SP uses its "
         "metadata certificate, never the document's, so this is valid.")
    root = base()
    detach(one(root, "saml:Issuer"))
    emit("no-response-issuer", sign_assertion(root), valid=True, attack="2.14",
         description="Response without its (optional) Issuer; the signed Assertion's Issuer is the IdP.")
    root = base()
    del root.attrib["Destination"]
    emit("assertion-signed-no-destination", sign_assertion(root), valid=True, attack="2.14",
         description="Unsigned Response without Destination (required only on signed messages, saml-bindings "
         "3.5.5.2); the Assertion is signed and its Recipient matches.")
    root = base()
    ar = one(root, "saml:Assertion/saml:Conditions/saml:AudienceRestriction")
    append_child(ar, element(f"<saml:Audience>{OTHER_SP}</saml:Audience>"))
    emit("audience-list", sign_assertion(root), valid=True, attack="2.14",
         description="One AudienceRestriction naming another SP and this one: valid (any Audience in it matches).")
    root = base()
    root.set("Destination", "https://APP.example.test:443/saml/acs")
    emit("destination-normalized", sign_both(root), valid=True, attack="2.14",
         description="Destination https://APP.example.test:443/saml/acs: scheme and host compare "
         "case-insensitively and the default port equals none, so it names the ACS.")
    root = base()
    cond = one(root, "saml:Assertion/saml:Conditions")
    cond.set("NotBefore", ts(60))
    emit("clock-skew-tolerated", sign_assertion(root), valid=True, attack="2.13",
         description="Conditions NotBefore is NOW+60s: accepted within the default clock skew (180 s); "
         "rejected (assertionNotYetValid) with a skew under 60 s.")
    root = base()
    cond = one(root, "saml:Assertion/saml:Conditions")
    append_child(cond, element("<saml:OneTimeUse/>"))
    emit("onetimeuse", sign_assertion(root), valid=True, attack="2.13",
         description="Conditions with OneTimeUse: valid the first time; a second submission must fail with "
         "replayDetected (the replay cache already enforces one use for every assertion).")
    root = base()
    subject = one(root, "saml:Assertion/saml:Subject")
    good = one(subject, "saml:SubjectConfirmation")
    bad = clone(good)
    one(bad, "saml:SubjectConfirmationData").set("Recipient", "https://other-app.example.test/saml/acs")
    insert_before(good, bad)
    emit("two-bearer-confirmations-one-good", sign_assertion(root), valid=True, attack="2.14",
         description="Two bearer SubjectConfirmations, the first for another SP's ACS: valid because one "
         "confirmation satisfies every check (saml-profiles 4.1.4.2).")
    root = base()
    cond = one(root, "saml:Assertion/saml:Conditions")
    advice = element(f"""<saml:Advice><saml:Assertion ID="_advice-7f3e" IssueInstant="{ts(-10)}" Version="2.0"><saml:Issuer>{IDP}</saml:Issuer><saml:Subject><saml:NameID Format="{EMAIL_FORMAT}">{EVIL_NAME_ID}</saml:NameID></saml:Subject></saml:Assertion></saml:Advice>""")
    insert_after(cond, advice)
    emit("advice-assertion", sign_assertion(root), valid=True, attack="2.6",
         description="The signed Assertion carries saml:Advice with another (unsigned) Assertion about "
         "admin@contoso.example; Advice is the one place a nested Assertion is allowed. The SP must read the "
         "outer Assertion's subject.")


def valid_large():
    per_value = len(attribute_xml("x", ["00000000-0000-4000-8000-000000000000"])) - len(attribute_xml("x", []))
    for name, target, options in (("large-14k", 14_000, None), ("large-74k", 74_000, None),
                                  ("large-1m", 1_000_000, {"maxResponseBytes": 1 << 20})):
        extra = (target - len(ASSERTION_SIGNED)) // per_value
        root = sign_assertion(base(group_values=groups(10 + extra)))
        data = to_bytes(root)
        emit(name, data, valid=True, attack="2.19", options=options,
             description=f"The base with {10 + extra} group values ({len(data):,} bytes)."
             + (" Above the default maxResponseBytes (256 KiB): valid with maxResponseBytes = 1 MiB." if options else ""))
    emit("large-1m-default-limit", None, file="large-1m.xml", valid=False, expected="inputTooLarge", attack="2.19",
         description="large-1m.xml with the default maxResponseBytes (256 KiB).")


def valid_pysaml2():
    for mode in ("assertion", "both"):
        result = run(["faketime", "-f", FAKETIME_NOW, "/usr/bin/python3", __file__, "--pysaml2-worker", mode],
                     env=dict(os.environ, TZ="UTC"))
        if result.returncode != 0:
            raise RuntimeError(f"pysaml2 worker failed: {result.stderr.decode(errors='replace')[-2000:]}")
        signed = {"assertion": "the Assertion signed", "both": "the Assertion and the Response signed"}[mode]
        emit(f"pysaml2-{mode}-signed", result.stdout, valid=True, attack=None, signer="pysaml2",
             description=f"Made by pysaml2 7.0.1 acting as the IdP (Server.create_authn_response) under "
             f"faketime at NOW, {signed} (rsa-sha256/sha256), with the IdP entityID and key idp-rsa2048. "
             "Its shape differs from Azure: ns0/ns1 prefixes, xsi:type on values, uid as urn:oid:0.9.2342."
             "19200300.100.1.1, Conditions and SubjectConfirmationData NotOnOrAfter = NOW+5min.")


def pysaml2_worker(mode):
    """Runs under faketime: pysaml2 as a real IdP answering our SP's AuthnRequest ID. Prints the XML."""
    from saml2 import s_utils, saml, xmldsig
    from saml2.config import IdPConfig
    from saml2.saml import NAME_FORMAT_URI
    import saml2.server

    counter = itertools.count(1)
    original_sid = s_utils.sid

    def deterministic_sid(*_a, **_k):
        return "id-" + hashlib.sha256(f"pysaml2-{mode}-{next(counter)}".encode()).hexdigest()[:24]

    for module in list(sys.modules.values()):
        if module is not None and getattr(module, "sid", None) is original_sid:
            module.sid = deterministic_sid
    work = pathlib.Path(tempfile.mkdtemp(prefix="pysaml2-"))
    (work / "sp.xml").write_text(f"""<md:EntityDescriptor xmlns:md="{MD}" entityID="{SP}">
  <md:SPSSODescriptor protocolSupportEnumeration="{SAMLP}" AuthnRequestsSigned="false" WantAssertionsSigned="true">
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
    identity = {name: values for name, values in claims(groups(10))}
    response = server.create_authn_response(
        identity, REQ, ACS, SP,
        name_id=saml.NameID(format=EMAIL_FORMAT, text=NAME_ID),
        authn={"class_ref": PASSWORD_PROTECTED, "authn_auth": IDP},
        sign_response=mode == "both", sign_assertion=True,
        sign_alg=xmldsig.SIG_RSA_SHA256, digest_alg=xmldsig.DIGEST_SHA256)
    shutil.rmtree(work, ignore_errors=True)
    sys.stdout.write(str(response) + "\n")


# ---------------------------------------------------------------------------------------------------------------
# 2.1 XML Signature Wrapping, as SAMLRaider's XSWHelpers builds them
# ---------------------------------------------------------------------------------------------------------------
def xsw1(root):
    response = first_local(root, "Response", include_self=True)
    cloned = clone(response)
    evilize(response)  # the original Response becomes the evil one
    detach(first_local(cloned, "Signature"))
    first_local(response, "Signature").append(cloned)
    response.set("ID", "_evil_response_ID")


def xsw2(root):
    response = first_local(root, "Response", include_self=True)
    cloned = clone(response)
    evilize(response)
    detach(first_local(cloned, "Signature"))
    first_local(response, "Signature").addprevious(cloned)
    response.set("ID", "_evil_response_ID")


def _evil_copy_without_signature(assertion):
    evil = clone(assertion)
    evilize(evil)
    sig = first_local(evil, "Signature")
    if sig is not None:  # a Response-signed original has no Assertion signature to strip (adapted variant)
        detach(sig)
    return evil


def xsw3(root):
    assertion = first_local(root, "Assertion")
    evil = _evil_copy_without_signature(assertion)
    evil.set("ID", "_evil_assertion_ID")
    assertion.addprevious(evil)


def xsw4(root):
    assertion = first_local(root, "Assertion")
    evil = _evil_copy_without_signature(assertion)
    evil.set("ID", "_evil_assertion_ID")
    root.append(evil)
    detach(assertion)
    evil.append(assertion)


def xsw5(root):
    evil = first_local(root, "Assertion")
    assertion = clone(evil)
    evilize(evil)
    sig = first_local(assertion, "Signature")
    if sig is not None:
        detach(sig)
    root.append(assertion)
    evil.set("ID", "_evil_assertion_ID")


def xsw6(root):
    evil = first_local(root, "Assertion")
    original_signature = first_local(evil, "Signature")
    assertion = clone(evil)
    evilize(evil)
    detach(first_local(assertion, "Signature"))
    original_signature.append(assertion)
    evil.set("ID", "_evil_assertion_ID")


def xsw7(root):
    assertion = first_local(root, "Assertion")
    extensions = etree.Element("Extensions")  # SAMLRaider: document.createElement, no namespace
    assertion.addprevious(extensions)
    extensions.append(_evil_copy_without_signature(assertion))


def xsw8(root):
    evil = first_local(root, "Assertion")
    original_signature = first_local(evil, "Signature")
    assertion = clone(evil)
    evilize(evil)
    detach(first_local(assertion, "Signature"))
    obj = etree.Element("Object")  # no namespace, as SAMLRaider creates it
    original_signature.append(obj)
    obj.append(assertion)


XSW = {
    # variant: (function, expected from the assertion-signed original, from the response-signed original or None)
    "xsw1": (xsw1, "duplicateID", "duplicateID"),
    "xsw2": (xsw2, "duplicateID", "duplicateID"),
    "xsw3": (xsw3, "multipleAssertions", "multipleAssertions"),
    "xsw4": (xsw4, "assertionMisplaced", "assertionMisplaced"),
    "xsw5": (xsw5, "multipleAssertions", "multipleAssertions"),
    "xsw6": (xsw6, "assertionMisplaced", None),
    "xsw7": (xsw7, "duplicateID", "duplicateID"),
    "xsw8": (xsw8, "duplicateID", None),
}
XSW_SHAPES = {
    "xsw1": "clone of the original Response (ID kept, its first Signature removed) inside the first ds:Signature; "
            "outer Response made evil with ID _evil_response_ID",
    "xsw2": "clone of the original Response inserted as sibling before the first ds:Signature; outer Response "
            "made evil with ID _evil_response_ID",
    "xsw3": "evil unsigned Assertion (ID _evil_assertion_ID) inserted before the signed Assertion",
    "xsw4": "evil Assertion (ID _evil_assertion_ID) appended to the Response, the signed Assertion moved inside it",
    "xsw5": "signed Assertion made evil in place (ID _evil_assertion_ID, Signature kept); unsigned copy of the "
            "original appended",
    "xsw6": "evil Assertion (ID _evil_assertion_ID) keeps the Signature; copy of the original inside that ds:Signature",
    "xsw7": "unsigned evil copy (same ID) inside a no-namespace Extensions element before the signed Assertion",
    "xsw8": "Assertion made evil in place (ID kept); copy of the original in a no-namespace Object inside its ds:Signature",
}


def wrapping():
    for variant, (apply, from_assertion, from_response) in XSW.items():
        root = fresh(ASSERTION_SIGNED)
        apply(root)
        hostile(f"{variant}-assertion-signed", root, from_assertion, "2.1",
                f"{variant.upper()} (SAMLRaider) from assertion-signed: {XSW_SHAPES[variant]}.")
        if from_response:
            root = fresh(RESPONSE_SIGNED)
            apply(root)
            adapted = "" if variant in ("xsw1", "xsw2") else (
                " Adapted: SAMLRaider strips an Assertion signature that a Response-signed original does not have.")
            hostile(f"{variant}-response-signed", root, from_response, "2.1",
                    f"{variant.upper()} (SAMLRaider) from response-signed: {XSW_SHAPES[variant]}.{adapted}")

    # CVE-2024-6800 shape: the IdP's own signed federation metadata wrapped inside an evil, unsigned Response.
    metadata = sign_standalone(f"""<md:EntityDescriptor xmlns:md="{MD}" ID="_e4b7c1d9-3a2f-4e8b-9c6d-5f1a0b2c3d4e" entityID="{IDP}">
  <md:IDPSSODescriptor protocolSupportEnumeration="{SAMLP}">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="{DS}"><ds:X509Data><ds:X509Certificate>{cert_b64("idp-rsa2048")}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/{TENANT}/saml2"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>""", f"{MD}:EntityDescriptor", index=0)
    root = base()
    evilize(assertion_of(root))
    extensions = element("<samlp:Extensions/>")
    insert_after(one(root, "saml:Issuer"), extensions)
    extensions.append(metadata)
    hostile("wrapped-signed-metadata", root, "signatureMisplaced", "2.1",
            "CVE-2024-6800 shape: the IdP's signed md:EntityDescriptor (valid signature by idp-rsa2048) inside "
            "samlp:Extensions of an unsigned Response whose unsigned Assertion names admin@contoso.example.")

    authn_request = sign_standalone(f"""<samlp:AuthnRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_q1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6" Version="2.0" IssueInstant="{ts(-30)}" Destination="https://login.microsoftonline.com/{TENANT}/saml2" AssertionConsumerServiceURL="{ACS}"><saml:Issuer>{IDP}</saml:Issuer></samlp:AuthnRequest>""",
                                    f"{SAMLP}:AuthnRequest")
    root = base()
    evilize(assertion_of(root))
    extensions = element("<samlp:Extensions/>")
    insert_after(one(root, "saml:Issuer"), extensions)
    extensions.append(authn_request)
    hostile("wrapped-signed-authnrequest", root, "signatureMisplaced", "2.1",
            "Message-type confusion: an AuthnRequest-shaped element signed by the IdP key inside samlp:Extensions "
            "of an unsigned Response with an unsigned evil Assertion.")


# ---------------------------------------------------------------------------------------------------------------
# 2.2 Comment injection and mixed content in signed text (valid: the SP must read the full value)
# ---------------------------------------------------------------------------------------------------------------
def text_splitting():
    full = NAME_ID + ".evil.example"
    variants = {
        "nameid-comment": (f"{NAME_ID}<!---->.evil.example", "a comment (<!---->)"),
        "nameid-cdata": (f"b.simon@contoso.<![CDATA[example.evil]]>.example", "a CDATA section"),
        "nameid-pi": (f"{NAME_ID}<?evil x?>.evil.example", "a processing instruction"),
    }
    for name, (inner, what) in variants.items():
        value = full if name != "nameid-cdata" else "b.simon@contoso.example.evil.example"
        text = base_xml().replace(f">{NAME_ID}</saml:NameID>", f">{inner}</saml:NameID>")
        emit(name, sign_assertion(parse(text.encode())), valid=True, attack="2.2", name_id=value,
             description=f"NameID split by {what}, signed as such by the IdP (exc-c14n drops comments, so the "
             f"signature covers '{value}'). Valid; the SP must read the full value, never the first text node.")
    email = f"<saml:AttributeValue>{NAME_ID}</saml:AttributeValue>\n      </saml:Attribute>\n      <saml:Attribute Name=\"{XMLSOAP}name\">"
    text = base_xml().replace(email, email.replace(NAME_ID, f"{NAME_ID}<!---->.evil.example", 1), 1)
    assert text != base_xml()
    emit("attribute-comment", sign_assertion(parse(text.encode())), valid=True, attack="2.2",
         expected_attributes={EMAIL_CLAIM: [full]},
         description="The emailaddress attribute value split by a comment, signed as such: valid, and the value "
         f"is '{full}'.")
    text = base_xml().replace(f"<saml:Issuer>{IDP}</saml:Issuer>\n    <saml:Subject>",
                              f"<saml:Issuer>{IDP[:-1]}<!---->/</saml:Issuer>\n    <saml:Subject>")
    emit("issuer-comment", sign_assertion(parse(text.encode())), valid=True, attack="2.2",
         description="The Assertion Issuer split by a comment before its last character: the full value is the "
         "IdP entityID, so it is valid.")
    text = base_xml().replace(f"<saml:Audience>{SP}</saml:Audience>",
                              f"<saml:Audience>{SP}<!---->.evil.example</saml:Audience>")
    semantic("audience-comment-suffix", sign_assertion(parse(text.encode())), "audienceMismatch", "2.2",
             f"Audience '{SP}<!---->.evil.example', signed: the full value is another audience; an SP reading "
             "the first text node would accept it.")


# ---------------------------------------------------------------------------------------------------------------
# 2.7 Signature exclusion and misplaced signatures
# ---------------------------------------------------------------------------------------------------------------
def exclusion():
    root = fresh(BOTH_SIGNED)
    for sig in X(root, "//ds:Signature"):
        detach(sig)
    hostile("signature-removed", root, "signatureMissing", "2.7",
            "both-signed with every ds:Signature removed (SAMLRaider 'Remove signatures').", signer="none")
    root = fresh(ASSERTION_SIGNED)
    detach(one(root, "saml:Assertion/ds:Signature/ds:SignatureValue"))
    hostile("signaturevalue-removed", root, "signatureMalformed", "2.7",
            "Assertion Signature without its SignatureValue element.")
    root = fresh(ASSERTION_SIGNED)
    one(root, "saml:Assertion/ds:Signature/ds:SignatureValue").text = ""
    hostile("signaturevalue-empty", root, "signatureMalformed", "2.7", "Assertion Signature with an empty SignatureValue.")
    for where, path in (("subject", "saml:Assertion/saml:Subject"), ("conditions", "saml:Assertion/saml:Conditions"),
                        ("attribute", "saml:Assertion/saml:AttributeStatement/saml:Attribute[1]")):
        root = fresh(ASSERTION_SIGNED)
        sig = detach(one(root, "saml:Assertion/ds:Signature"))
        one(root, path).append(sig)
        emit(f"signature-in-{where}", root, valid=False, expected="signatureMisplaced", attack="2.7", verify=True,
             description=f"The Assertion's valid signature moved into {path.split('/')[-1]}: it still verifies "
             "with xmlsec1 (enveloped transform, same digest), only its position is wrong.")

    # Signature on the Response, consumed Assertion outside the signed subtree.
    signed_response = base()
    detach(assertion_of(signed_response))
    signed_response = sign_response(signed_response)
    root = base()
    root.set("ID", "_evil_response_ID")
    evilize(assertion_of(root))
    extensions = element("<samlp:Extensions/>")
    insert_after(one(root, "saml:Issuer"), extensions)
    extensions.append(signed_response)
    hostile("response-signed-assertion-outside", root, "unexpectedElement", "2.7",
            "An IdP-signed Response (valid signature, no Assertion) nested in samlp:Extensions of an unsigned "
            "evil Response whose unsigned Assertion lies outside the signed subtree. First failing check: the "
            "nested samlp:Response (SAMLError.unexpectedElement); without that check: signatureMissing.")

    root = fresh(BOTH_SIGNED)
    root.set("IssueInstant", ts(-9))
    hostile("response-sig-invalid-assertion-sig-valid", root, "digestMismatch", "2.7",
            "both-signed with the Response IssueInstant changed after signing: the Response signature fails "
            "while the Assertion signature is valid; an invalid Response signature is fatal.")
    emit("response-signed-assertion-required", None, file="response-signed.xml", valid=False,
         expected="signatureMissing", attack="2.7", options={"signatureRequirement": "assertion"},
         description="response-signed.xml under a policy that requires a signed Assertion.")

    root = base()
    subject = one(root, "saml:Assertion/saml:Subject")
    root = sign(root, assertion_of(root), parent=subject, index=0)
    root = sign_both(root)
    hostile("three-signatures-one-on-subject", root, "signatureMisplaced", "2.7",
            "Three IdP signatures: Response, Assertion, and one inside Subject (referencing the Assertion).")
    root = sign_assertion(sign_assertion(base()))
    hostile("assertion-two-signatures", root, "multipleSignatures", "2.7",
            "The Assertion carries two ds:Signature children (both made by the IdP key).")


# ---------------------------------------------------------------------------------------------------------------
# 2.8 Certificate faking via KeyInfo
# ---------------------------------------------------------------------------------------------------------------
def evil_base():
    root = base()
    evilize(assertion_of(root))
    return root


def keyinfo():
    hostile("keyinfo-attacker-cert", sign_assertion(evil_base(), key="attacker-rsa2048"), "signatureInvalid", "2.8",
            "Evil Assertion (admin) re-signed by the attacker's key, KeyInfo carrying the attacker's certificate.")
    hostile("keyinfo-attacker-clone", sign_assertion(evil_base(), key="attacker-clone"), "signatureInvalid", "2.8",
            "Evil Assertion re-signed with attacker-clone: a certificate with the IdP's subject and a different key.")
    hostile("keyinfo-rsakeyvalue", sign_assertion(evil_base(), key="attacker-rsa2048", keyinfo="keyvalue"),
            "signatureInvalid", "2.8", "Evil Assertion re-signed by the attacker, KeyInfo/KeyValue/RSAKeyValue of "
            "the attacker's key.")
    root = sign_assertion(evil_base(), key="attacker-rsa2048")
    one(root, "saml:Assertion/ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate").text = cert_b64("idp-rsa2048")
    hostile("keyinfo-wrong-key", root, "signatureInvalid", "2.8",
            "Evil Assertion signed by the attacker's key, KeyInfo naming the real IdP certificate.")
    root = sign_assertion(evil_base(), key="attacker-rsa2048", keyinfo=None)
    sig = one(root, "saml:Assertion/ds:Signature")
    sig.append(element(f"<ds:KeyInfo><ds:KeyName>{IDP}</ds:KeyName></ds:KeyInfo>"))
    hostile("keyinfo-keyname", root, "signatureInvalid", "2.8",
            "Evil Assertion signed by the attacker's key, KeyInfo/KeyName = the IdP entityID.")


# ---------------------------------------------------------------------------------------------------------------
# 2.3 DigestValue / SignedInfo confusion, tampering
# ---------------------------------------------------------------------------------------------------------------
def tampering():
    root = fresh(ASSERTION_SIGNED)
    dv = one(root, "saml:Assertion/ds:Signature/ds:SignedInfo/ds:Reference/ds:DigestValue")
    dv.text = flip_char(dv.text, 10)
    hostile("digestvalue-flipped", root, "digestMismatch", "2.3", "One character of the DigestValue changed.")
    root = fresh(ASSERTION_SIGNED)
    sv = one(root, "saml:Assertion/ds:Signature/ds:SignatureValue")
    sv.text = flip_char(sv.text, 100)
    hostile("signaturevalue-flipped", root, "signatureInvalid", "2.3", "One character of the SignatureValue changed.")
    root = fresh(ASSERTION_SIGNED)
    value = one(root, f"saml:Assertion/saml:AttributeStatement/saml:Attribute[@Name='{MSID}displayname']/saml:AttributeValue")
    value.text = "B. Simom"
    hostile("attribute-value-flipped", root, "digestMismatch", "2.3",
            "One byte of a signed attribute value changed after signing (displayname 'B. Simon' -> 'B. Simom').")

    # CVE-2025-29775: the attacker's digest in a comment before the original DigestValue text.
    evil_signed = sign_assertion(evil_base())
    evil_digest = one(evil_signed, "saml:Assertion/ds:Signature/ds:SignedInfo/ds:Reference/ds:DigestValue").text
    root = fresh(ASSERTION_SIGNED)
    evilize(assertion_of(root))
    dv = one(root, "saml:Assertion/ds:Signature/ds:SignedInfo/ds:Reference/ds:DigestValue")
    original = dv.text
    dv.text = None
    dv.append(etree.Comment(evil_digest))
    dv[0].tail = original
    hostile("digestvalue-comment", root, "digestMismatch", "2.3",
            "CVE-2025-29775 shape: evil Assertion; DigestValue = <!--digest of the evil Assertion-->original "
            "digest. c14n drops the comment, so SignedInfo still verifies; a reader of firstChild takes the comment.")

    # Two SignedInfo: the evil one (digest of the evil Assertion) first, the original after it.
    evil_signed_info = one(evil_signed, "saml:Assertion/ds:Signature/ds:SignedInfo")
    root = fresh(ASSERTION_SIGNED)
    evilize(assertion_of(root))
    one(root, "saml:Assertion/ds:Signature/ds:SignedInfo").addprevious(clone(evil_signed_info))
    hostile("two-signedinfo", root, "signatureMalformed", "2.3",
            "CVE-2025-29774 shape: evil Assertion; its Signature holds a SignedInfo with the evil digest followed "
            "by the original SignedInfo and SignatureValue.")
    root = fresh(ASSERTION_SIGNED)
    evilize(assertion_of(root))
    sig = one(root, "saml:Assertion/ds:Signature")
    original_signed_info = one(sig, "ds:SignedInfo")
    original_signed_info.addprevious(clone(evil_signed_info))
    detach(original_signed_info)
    obj = element("<ds:Object/>")
    obj.append(original_signed_info)
    sig.append(obj)
    hostile("signedinfo-in-object", root, "signatureMalformed", "2.3",
            "Evil Assertion; the SignedInfo carries the evil digest and the original SignedInfo is hidden in a "
            "ds:Object.")
    root = sign_assertion(base(), extra_references=("#" + RESPONSE_ID,))
    hostile("two-references", root, "signatureMalformed", "2.3",
            "SignedInfo with two References (#Assertion and #Response), properly signed by the IdP.")
    empty_digest = base64.b64encode(hashlib.sha256(b"").digest()).decode()
    manifest = (f'<ds:Object><ds:Manifest><ds:Reference URI="http://127.0.0.1:9/manifest"><ds:DigestMethod '
                f'Algorithm="{SHA256}"/><ds:DigestValue>{empty_digest}</ds:DigestValue></ds:Reference></ds:Manifest></ds:Object>')
    root = sign_assertion(base(), object_xml=manifest, url_maps=(("http://127.0.0.1:9/manifest", placeholder()),))
    hostile("object-manifest", root, "signatureMalformed", "2.3",
            "Assertion signature (valid) with a ds:Object holding a ds:Manifest whose Reference points at "
            "http://127.0.0.1:9/manifest (xmlsec dereferences Manifest references unless told to ignore "
            "manifests; signed with --url-map standing in a placeholder).")
    root = fresh(ASSERTION_SIGNED)
    sig = one(root, "saml:Assertion/ds:Signature")
    dv = clone(one(sig, "ds:SignedInfo/ds:Reference/ds:DigestValue"))
    sig.append(dv)
    hostile("digestvalue-outside-signedinfo", root, "signatureMalformed", "2.3",
            "A second ds:DigestValue directly inside ds:Signature (outside SignedInfo).")


# ---------------------------------------------------------------------------------------------------------------
# 2.6 / 2.17 Several assertions, encrypted assertions
# ---------------------------------------------------------------------------------------------------------------
def encrypt(element_bytes):
    """XML-encrypt a standalone element to the SP's encryption certificate (aes256-gcm, rsa-oaep-mgf1p)."""
    n = next(_counter)
    data, tmpl, out = WORK / f"plain-{n}.xml", WORK / f"enc-tmpl-{n}.xml", WORK / f"enc-{n}.xml"
    data.write_bytes(element_bytes)
    tmpl.write_text(f"""<xenc:EncryptedData xmlns:xenc="{XENC}" xmlns:ds="{DS}" Type="{XENC}Element"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/><ds:KeyInfo><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{XENC}rsa-oaep-mgf1p"><ds:DigestMethod Algorithm="{SHA1}"/></xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>""")
    result = run(["xmlsec1", "--encrypt", "--pubkey-cert-pem", KEYS / "sp-enc-rsa2048.crt", "--session-key", "aes-256",
                  "--xml-data", data, "--output", out, tmpl])
    if result.returncode != 0:
        raise RuntimeError(f"xmlsec1 --encrypt failed: {result.stderr.decode(errors='replace')[-1500:]}")
    wrapper = element("<saml:EncryptedAssertion/>")
    wrapper.append(parse(out.read_bytes()))
    return wrapper


def multiple_assertions():
    root = fresh(ASSERTION_SIGNED)
    evil = _evil_copy_without_signature(assertion_of(root))
    evil.set("ID", "_evil_assertion_ID")
    append_child(root, evil)
    hostile("two-assertions-signed-unsigned", root, "multipleAssertions", "2.6",
            "CVE-2022-41912 shape: the signed Assertion, then an unsigned evil copy with a new ID appended.")
    root = fresh(ASSERTION_SIGNED)
    evil = _evil_copy_without_signature(assertion_of(root))
    evil.set("ID", "_evil_assertion_ID")
    insert_before(assertion_of(root), evil)
    hostile("two-assertions-unsigned-signed", root, "multipleAssertions", "2.6",
            "An unsigned evil Assertion prepended before the signed one.")

    root = base()
    second = clone(assertion_of(root))
    second.set("ID", SECOND_ASSERTION_ID)
    evilize(second)
    append_child(root, second)
    root = sign(root, one(root, f"saml:Assertion[@ID='{SECOND_ASSERTION_ID}']"))
    root = sign(root, one(root, f"saml:Assertion[@ID='{ASSERTION_ID}']"))
    hostile("two-assertions-both-signed", root, "multipleAssertions", "2.6",
            "Two Assertions, both signed by the IdP, with different subjects (b.simon, admin).")

    other = base(assertion_id=SECOND_ASSERTION_ID)
    evilize(assertion_of(other))
    other = sign_assertion(other)
    encrypted_other = to_bytes(assertion_of(other))
    root = fresh(ASSERTION_SIGNED)
    append_child(root, encrypt(encrypted_other))
    hostile("encrypted-beside-signed", root, "multipleAssertions", "2.6",
            "A signed Assertion and, beside it, an EncryptedAssertion (to sp-enc-rsa2048) holding another "
            "IdP-signed Assertion about admin.")

    plain = to_bytes(assertion_of(fresh(ASSERTION_SIGNED)))
    root = base()
    assertion = assertion_of(root)
    encrypted = encrypt(plain)
    encrypted.tail = assertion.tail
    assertion.addprevious(encrypted)
    root.remove(assertion)
    emit("encrypted-assertion", root, valid=True, attack="2.17", decrypt_first=True,
         decryption_key="keys/sp-enc-rsa2048.key", requires="decryption",
         description="The signed base Assertion encrypted to sp-enc-rsa2048 (aes256-gcm, rsa-oaep-mgf1p) in an "
         "unsigned Response. Valid when the SP decrypts with keys/sp-enc-rsa2048.key (without a decryption key: "
         "encryptedAssertionNotSupported). Encryption is randomized: reruns keep this file while its plaintext is unchanged.")
    root = base()
    assertion = assertion_of(root)
    first, second = encrypt(plain), encrypt(encrypted_other)
    first.tail = assertion.tail
    assertion.addprevious(first)
    root.remove(assertion)
    append_child(root, second)
    root = sign_response(root)
    hostile("two-encrypted-assertions", root, "multipleAssertions", "2.6",
            "Signed Response with two EncryptedAssertions (b.simon and admin).")

    for name, plaintext, expected, signer, what in (
            ("encrypted-unsigned-assertion", to_bytes(assertion_of(evil_base())), "signatureMissing", "none",
             "an unsigned evil Assertion (admin) in an unsigned Response"),
            ("encrypted-attacker-signed-assertion", to_bytes(assertion_of(sign_assertion(evil_base(), key="attacker-rsa2048"))),
             "signatureInvalid", "xmlsec1", "an evil Assertion signed by the attacker's key (KeyInfo: attacker cert) "
             "in an unsigned Response")):
        root = base()
        assertion = assertion_of(root)
        encrypted = encrypt(plaintext)
        encrypted.tail = assertion.tail
        assertion.addprevious(encrypted)
        root.remove(assertion)
        hostile(name, root, expected, "2.17", f"EncryptedAssertion (to sp-enc-rsa2048) holding {what}: the expected "
                "code applies after decryption with keys/sp-enc-rsa2048.key (without a decryption key: "
                "encryptedAssertionNotSupported).", signer=signer, decryption_key="keys/sp-enc-rsa2048.key",
                requires="decryption")


# ---------------------------------------------------------------------------------------------------------------
# 2.15 IDs
# ---------------------------------------------------------------------------------------------------------------
def ids():
    root = fresh(ASSERTION_SIGNED)
    root.set("ID", ASSERTION_ID)
    hostile("duplicate-id", root, "duplicateID", "2.15",
            "The (unsigned) Response carries the same ID as the signed Assertion.")
    root = fresh(ASSERTION_SIGNED)
    evil = etree.Element("{urn:evil}Assertion", nsmap={"ext": "urn:evil"})
    evil.set("{http://www.w3.org/XML/1998/namespace}id", ASSERTION_ID)
    evil.append(clone(one(root, "saml:Assertion/saml:Subject")))
    evilize(evil)
    extensions = element("<samlp:Extensions/>")
    insert_after(one(root, "saml:Issuer"), extensions)
    extensions.append(evil)
    hostile("xmlid-collision", root, "xmlIDForbidden", "2.15",
            "An evil element with xml:id equal to the signed Assertion's ID, placed earlier in samlp:Extensions "
            "(libxml2 registers xml:id as an ID by itself).")
    root = fresh(ASSERTION_SIGNED)
    evil = etree.Element("{urn:evil}Data", nsmap={"ext": "urn:evil"})
    evil.set("Id", ASSERTION_ID)
    extensions = element("<samlp:Extensions/>")
    insert_after(one(root, "saml:Issuer"), extensions)
    extensions.append(evil)
    hostile("id-lowercase-collision", root, "duplicateID", "2.15",
            "An element elsewhere with Id= (not ID=) equal to the signed Assertion's ID.")

    text = base_xml().replace(f'<saml:Assertion ID="{ASSERTION_ID}"', f'<saml:Assertion Id="{ASSERTION_ID}"')
    root = parse(text.encode())
    root = sign(root, assertion_of(root), uri="#" + ASSERTION_ID, id_attrs=(("Id", f"{SAML}:Assertion"),))
    hostile("id-attribute-Id", root, "invalidID", "2.15",
            "The Assertion carries Id= instead of ID= (signed with Id registered as the ID attribute).")
    bad_id = "1" + ASSERTION_ID[1:]
    root = sign_assertion(base(assertion_id=bad_id))
    hostile("id-not-ncname", root, "invalidID", "2.15", f"Assertion ID '{bad_id}' starts with a digit (not an NCName); "
            "properly signed.")
    spaced = ASSERTION_ID.replace("-", " ", 1)
    root = fresh(ASSERTION_SIGNED)  # xmlsec1 cannot sign it: a URI fragment with a space does not resolve
    assertion_of(root).set("ID", spaced)
    one(root, "saml:Assertion/ds:Signature/ds:SignedInfo/ds:Reference").set("URI", "#" + spaced)
    hostile("id-with-space", root, "invalidID", "2.15", f"Assertion ID '{spaced}' contains a space (ID and Reference "
            "URI hand-edited after signing: xmlsec1 cannot sign a reference to it).")


# ---------------------------------------------------------------------------------------------------------------
# 2.10 Reference URIs
# ---------------------------------------------------------------------------------------------------------------
def references():
    root = base()
    hostile("reference-uri-empty", sign(root, assertion_of(root), uri=""), "referenceURIMismatch", "2.10",
            "Assertion signature with Reference URI=\"\" (the whole document), properly signed.")
    root = base()
    hostile("reference-uri-response-id", sign(root, assertion_of(root), uri="#" + RESPONSE_ID), "referenceURIMismatch",
            "2.10", "Signature inside the Assertion whose Reference points at the Response ID, properly signed.")
    for name, url in (("reference-uri-http", "http://127.0.0.1:9/x"), ("reference-uri-file", "file:///etc/passwd")):
        root = fresh(ASSERTION_SIGNED)
        one(root, "saml:Assertion/ds:Signature/ds:SignedInfo/ds:Reference").set("URI", url)
        hostile(name, root, "referenceURIMismatch", "2.10",
                f"The Assertion signature's Reference URI changed to {url} (hand-edited: xmlsec1 cannot sign an "
                "external reference together with the enveloped-signature transform). A verifier that "
                "dereferences it reads the URL before failing.")
    root = base()
    hostile("reference-uri-xpointer-root", sign(root, assertion_of(root), uri="#xpointer(/)"), "referenceURIMismatch",
            "2.10", "Reference URI=\"#xpointer(/)\" (the whole document), properly signed.")
    root = base()
    hostile("reference-uri-xpointer-id", sign(root, assertion_of(root), uri=f"#xpointer(id('{ASSERTION_ID}'))"),
            "referenceURIMismatch", "2.10", "Reference URI=\"#xpointer(id('<Assertion ID>'))\", properly signed.")


# ---------------------------------------------------------------------------------------------------------------
# 2.10 / 2.11 Transforms and algorithms
# ---------------------------------------------------------------------------------------------------------------
IDENTITY_XSLT = ('<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0">'
                 '<xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>'
                 '</xsl:template></xsl:stylesheet>')


def transforms_and_algorithms():
    root = base()
    hostile("transform-xslt", sign(root, assertion_of(root), transforms=(ENVELOPED, (XSLT, IDENTITY_XSLT))),
            "transformNotAllowed", "2.10",
            "Reference transforms enveloped-signature + XSLT (an identity stylesheet, so it can be signed; a "
            "hostile one would recurse), properly signed.")
    root = base()
    xpath = (XPATH, f'<ds:XPath xmlns:ds="{DS}">not(ancestor-or-self::ds:Signature)</ds:XPath>')
    hostile("transform-xpath", sign(root, assertion_of(root), transforms=(ENVELOPED, xpath)), "transformNotAllowed",
            "2.10", "Reference transforms enveloped-signature + XPath filter, properly signed.")
    root = base()
    emit("transform-inclusive-c14n", sign(root, assertion_of(root), transforms=(ENVELOPED, C14N)), valid=True,
         attack="2.10", description="Reference transforms enveloped-signature + inclusive c14n (REC-xml-c14n-20010315), "
         "properly signed: accepted, since an enveloped-signature transform alone implies exactly this c14n (issue 11).")
    root = base()
    hostile("transform-three", sign(root, assertion_of(root), transforms=(ENVELOPED, EXC_C14N, EXC_C14N)),
            "signatureMalformed", "2.1", "Three Reference transforms (enveloped, exc-c14n, exc-c14n), properly signed.")
    root = fresh(ASSERTION_SIGNED)
    detach(one(root, f"saml:Assertion/ds:Signature/ds:SignedInfo/ds:Reference/ds:Transforms/ds:Transform[@Algorithm='{ENVELOPED}']"))
    hostile("transform-no-enveloped", root, "signatureMalformed", "2.1",
            "The enveloped-signature transform removed from a valid signature (only exc-c14n left).")

    idp_pem = (KEYS / "idp-rsa2048.crt").read_bytes()
    root = base()
    root = sign(root, assertion_of(root), sig_alg=HMAC_SHA1, keyinfo=None, hmac_key=idp_pem)
    one(root, "saml:Assertion/ds:Signature").append(element(
        f"<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_b64('idp-rsa2048')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"))
    hostile("sig-hmac-sha1", root, "algorithmNotAllowed", "2.11",
            "SignatureMethod hmac-sha1 keyed with the PEM text of the IdP's public certificate (key confusion), "
            "KeyInfo naming the IdP certificate.")
    hmac = fresh(to_bytes(root))
    one(hmac, "saml:Assertion/ds:Signature/ds:SignedInfo/ds:SignatureMethod").append(
        element("<ds:HMACOutputLength>8</ds:HMACOutputLength>"))
    hostile("sig-hmac-outputlength", hmac, "algorithmNotAllowed", "2.11",
            "CVE-2009-0217 shape: the hmac-sha1 signature with HMACOutputLength 8 (truncated MAC), hand-edited.")
    root = base()
    hostile("digest-md5", sign(root, assertion_of(root), digest_alg=MD5), "algorithmNotAllowed", "2.11",
            "DigestMethod md5, properly signed (rsa-sha256).")
    root = fresh(ASSERTION_SIGNED)
    one(root, "saml:Assertion/ds:Signature/ds:SignedInfo/ds:SignatureMethod").set(
        "Algorithm", "urn:swift-saml:test:unknown-signature-method")
    hostile("sig-unknown-algorithm", root, "algorithmNotAllowed", "2.11",
            "SignatureMethod with an unknown algorithm URI (hand-edited after signing: xmlsec1 cannot sign with it).")
    root = fresh(ASSERTION_SIGNED)
    one(root, "saml:Assertion/ds:Signature/ds:SignedInfo/ds:Reference/ds:DigestMethod").set(
        "Algorithm", "urn:swift-saml:test:unknown-digest-method")
    hostile("digest-unknown-algorithm", root, "algorithmNotAllowed", "2.11",
            "DigestMethod with an unknown algorithm URI (hand-edited after signing).")


# ---------------------------------------------------------------------------------------------------------------
# 2.5 Canonicalization failure
# ---------------------------------------------------------------------------------------------------------------
def canonicalization():
    empty_digest = base64.b64encode(hashlib.sha256(b"").digest()).decode()
    data = ASSERTION_SIGNED.replace(f'<saml:Assertion ID="{ASSERTION_ID}"'.encode(),
                                    f'<saml:Assertion xmlns:rel="relative/namespace" ID="{ASSERTION_ID}"'.encode())
    root = fresh(data)
    one(root, "saml:Assertion/ds:Signature/ds:SignedInfo/ds:Reference/ds:DigestValue").text = empty_digest
    hostile("relative-namespace", root, "signatureVerificationFailed", "2.5",
            "CVE-2025-66568 shape: xmlns:rel=\"relative/namespace\" on the signed Assertion (C14N refuses relative "
            "namespace URIs) and DigestValue = sha256(\"\"), the digest of a failed canonicalization. Hand-built: "
            "xmlsec1 cannot sign it.")
    data = ASSERTION_SIGNED.replace(f'<saml:Assertion ID="{ASSERTION_ID}"'.encode(),
                                    f'<saml:Assertion xmlns:example="http://example.com\u0080" ID="{ASSERTION_ID}"'.encode())
    data = data.replace(one(fresh(ASSERTION_SIGNED), "//ds:DigestValue").text.encode(), empty_digest.encode())
    hostile("invalid-namespace-uri", data, "signatureVerificationFailed", "2.5",
            "CVE-2025-25292 ingredient: xmlns:example=\"http://example.com\\u0080\" (not a URI) on the signed "
            "Assertion and DigestValue = sha256(\"\"). Hand-built.")


# ---------------------------------------------------------------------------------------------------------------
# 2.9 / 2.4 DOCTYPE, entities, parser differentials
# ---------------------------------------------------------------------------------------------------------------
def doctype():
    text = ASSERTION_SIGNED.decode()

    def with_doctype(subset, body=text):
        return (f"<!DOCTYPE samlp:Response [\n{subset}\n]>\n" + body).encode()

    hostile("doctype-xxe-file", with_doctype('<!ENTITY xxe SYSTEM "file:///etc/passwd">',
                                             text.replace(f">{NAME_ID}</saml:NameID>", ">&xxe;</saml:NameID>")),
            "doctypeForbidden", "2.9", "External entity file:///etc/passwd referenced from the NameID.")
    hostile("doctype-xxe-parameter", with_doctype('<!ENTITY % ext SYSTEM "http://127.0.0.1:9/evil.dtd">\n%ext;'),
            "doctypeForbidden", "2.9", "External parameter entity (http://127.0.0.1:9/evil.dtd) in the internal subset.")
    blowup = "x" * 20000
    hostile("doctype-quadratic-blowup", with_doctype(f'<!ENTITY a "{blowup}">', text.replace(">B. Simon<", ">" + "&a;" * 2000 + "<")),
            "doctypeForbidden", "2.9", "Quadratic blowup: one 20 000-character entity referenced 2 000 times (40 MB "
            "when expanded) in the displayname value.")
    lol = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10)]
    hostile("doctype-billion-laughs", with_doctype("\n".join(lol), text.replace(">B. Simon<", ">&lol9;<")),
            "doctypeForbidden", "2.9", "Billion laughs: nine levels of tenfold entity expansion in the displayname value.")
    evil = (f'<samlp:Extensions><ext:Evil xmlns:ext="urn:evil" ID="{ASSERTION_ID}"><saml:NameID>{EVIL_NAME_ID}'
            f'</saml:NameID></ext:Evil></samlp:Extensions>\n  <samlp:Status>')
    body = text.replace("<samlp:Status>", evil, 1)
    hostile("doctype-attlist-id", with_doctype("<!ATTLIST ext:Evil ID ID #IMPLIED>", body), "doctypeForbidden", "2.9",
            "Internal-subset ATTLIST declaring ext:Evil/@ID an ID, and an ext:Evil element carrying the signed "
            "Assertion's ID earlier in the document.")

    # CVE-2025-23369 shape (SAMLRaider helpers/CVE_2025_23369.java), from the assertion-signed original.
    root = fresh(ASSERTION_SIGNED)
    assertion = assertion_of(root)
    cloned_sig = clone(signature_of(assertion))
    insert_after(one(root, "saml:Issuer"), cloned_sig)
    obj = etree.SubElement(cloned_sig, f"{{{DS}}}Object")
    obj.append(clone(assertion))
    assertion.set("ID", ASSERTION_ID + "ffff")
    detach(signature_of(assertion))
    root.set("ID", "@@idViaEntity@@")
    first_local(obj, "Assertion").set("ID", "@@BypassIDUniqueness@@" + ASSERTION_ID)
    body = to_bytes(root).decode().replace("@@idViaEntity@@", "&idViaEntity;").replace(
        "@@BypassIDUniqueness@@", "&BypassIDUniqueness;")
    hostile("doctype-entity-in-id", (f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE response [\n'
                                     f'<!ENTITY idViaEntity "{ASSERTION_ID}">\n<!ENTITY BypassIDUniqueness "&#x50;">\n]>'
                                     + body).encode(), "doctypeForbidden", "2.9",
            "CVE-2025-23369 shape (SAMLRaider): entity references inside ID values (&idViaEntity; on the Response, "
            "&BypassIDUniqueness; on a copy of the signed Assertion in ds:Object) desynchronize libxml2's ID table.")

    # CVE-2025-25291 shape (SAMLRaider helpers/CVE_2025_25291.java): DOCTYPE with quotes, original hidden in CDATA.
    evil = fresh(ASSERTION_SIGNED)
    evilize(assertion_of(evil))
    end_tag = "</samlp:Response>"
    evil_text = to_bytes(evil).decode().strip()
    original_text = text.strip()
    payload = ("<!DOCTYPE response SYSTEM 'x\"><!--'>\n" + evil_text.split(end_tag)[0] + "<![CDATA[-->\n"
               + original_text.split(end_tag)[0] + "<!--]]>-->\n" + end_tag + "\n")
    hostile("doctype-cve-2025-25291", payload.encode(), "doctypeForbidden", "2.4",
            "CVE-2025-25291 shape (SAMLRaider): DOCTYPE SYSTEM 'x\"><!--' so that REXML and libxml2 see different "
            "trees; the evil Response is visible to one parser, the original hidden in a CDATA/comment.")

    # CVE-2025-25292 shape (SAMLRaider helpers/CVE_2025_25292.java), simplified to its ingredients.
    root = fresh(ASSERTION_SIGNED)
    assertion = assertion_of(root)
    original_sig = detach(signature_of(assertion))
    new_sig = clone(original_sig)
    empty_digest = base64.b64encode(hashlib.sha256(b"").digest()).decode()
    one(new_sig, "ds:SignedInfo/ds:Reference/ds:DigestValue").text = empty_digest
    insert_after(one(assertion, "saml:Issuer"), new_sig)
    status = one(root, "samlp:Status")
    detail = etree.SubElement(status, f"{{{SAMLP}}}StatusDetail")
    unprefixed = etree.SubElement(detail, "Signature")
    for child in original_sig:
        unprefixed.append(clone(child))
    body = to_bytes(root).decode().replace(f'<saml:Assertion ID="{ASSERTION_ID}"',
                                           f'<saml:Assertion xmlns:example="http://example.com\u0080" ID="{ASSERTION_ID}"')
    subset = '<!ATTLIST Signature xmlns CDATA #FIXED "http://www.w3.org/2000/09/xmldsig#" xmlns CDATA "block">'
    hostile("doctype-cve-2025-25292", ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE Response [' + subset + "]>\n"
                                       + body).encode(), "doctypeForbidden", "2.4",
            "CVE-2025-25292 shape (SAMLRaider): ATTLIST giving an unprefixed Signature the xmldsig namespace by "
            "default, the original Signature unprefixed in StatusDetail, an invalid namespace URI and the "
            "empty-string digest on the Assertion.")


# ---------------------------------------------------------------------------------------------------------------
# 2.13 Times
# ---------------------------------------------------------------------------------------------------------------
def edited_assertion(edit, sign_with=sign_assertion, **base_kw):
    root = base(**base_kw)
    edit(root)
    return sign_with(root)


def times():
    def conditions(root):
        return one(root, "saml:Assertion/saml:Conditions")

    def scd(root):
        return one(root, "saml:Assertion/saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData")

    def expired(root):
        conditions(root).set("NotBefore", ts(-70 * 60))
        conditions(root).set("NotOnOrAfter", ts(-10 * 60))
    semantic("expired", edited_assertion(expired), "assertionExpired", "2.13",
             "Conditions NotBefore NOW-70min, NotOnOrAfter NOW-10min (past the 180 s skew); everything else valid.")
    semantic("not-yet-valid", edited_assertion(lambda r: conditions(r).set("NotBefore", ts(10 * 60))),
             "assertionNotYetValid", "2.13", "Conditions NotBefore NOW+10min.")
    semantic("subject-confirmation-expired", edited_assertion(lambda r: scd(r).set("NotOnOrAfter", ts(-10 * 60))),
             "subjectConfirmationExpired", "2.13", "SubjectConfirmationData NotOnOrAfter NOW-10min.")
    semantic("subject-confirmation-notbefore", edited_assertion(lambda r: scd(r).set("NotBefore", ts(-5 * 60))),
             "subjectConfirmationNotBefore", "2.14",
             "Bearer SubjectConfirmationData with NotBefore (forbidden by saml-profiles 4.1.4.2).")
    semantic("subject-confirmation-missing-notonorafter",
             edited_assertion(lambda r: scd(r).attrib.pop("NotOnOrAfter")), "subjectConfirmationMissingNotOnOrAfter",
             "2.14", "Bearer SubjectConfirmationData without NotOnOrAfter.")
    semantic("session-expired", edited_assertion(
        lambda r: one(r, "saml:Assertion/saml:AuthnStatement").set("SessionNotOnOrAfter", ts(-10 * 60))),
        "sessionExpired", "2.13", "AuthnStatement SessionNotOnOrAfter NOW-10min.")
    semantic("invalid-datetime", edited_assertion(lambda r: conditions(r).set("NotOnOrAfter", "2026-02-30T13:00:00Z")),
             "invalidTime", "2.19", "Conditions NotOnOrAfter=\"2026-02-30T13:00:00Z\" (no such day).")
    semantic("assertion-issueinstant-invalid", edited_assertion(
        lambda r: assertion_of(r).set("IssueInstant", "2026-13-01T12:00:00Z")),
        "invalidTime", "2.19", "Assertion IssueInstant=\"2026-13-01T12:00:00Z\" (no such month).")
    semantic("assertion-issueinstant-missing", edited_assertion(lambda r: assertion_of(r).attrib.pop("IssueInstant")),
             "missingAttribute", "2.19", "Assertion without IssueInstant (required by saml-core 2.3.3).")
    semantic("response-issueinstant-invalid", edited_assertion(lambda r: r.set("IssueInstant", "yesterday")),
             "invalidTime", "2.19", "Response IssueInstant=\"yesterday\" (outside the assertion's signature).")
    semantic("response-issueinstant-missing", edited_assertion(lambda r: r.attrib.pop("IssueInstant")),
             "missingAttribute", "2.19", "Response without IssueInstant (required by saml-core 3.2.2).")
    emit("replay", None, file="assertion-signed.xml", valid=False, expected="replayDetected", attack="2.13",
         submissions=2, description="assertion-signed.xml submitted twice to the same SP (one replay cache): the "
         "first is accepted, the second must fail.")


# ---------------------------------------------------------------------------------------------------------------
# 2.14 Audience, Recipient, Destination, Issuer, InResponseTo
# ---------------------------------------------------------------------------------------------------------------
def audience_and_recipient():
    def audience_restriction(root):
        return one(root, "saml:Assertion/saml:Conditions/saml:AudienceRestriction")

    def scd(root):
        return one(root, "saml:Assertion/saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData")

    semantic("wrong-audience", edited_assertion(lambda r: setattr(one(r, "//saml:Audience"), "text", OTHER_SP)),
             "audienceMismatch", "2.14", f"Audience {OTHER_SP}.")
    semantic("no-audience-restriction", edited_assertion(lambda r: detach(audience_restriction(r))),
             "missingAudienceRestriction", "2.14", "Conditions without AudienceRestriction.")
    semantic("no-conditions", edited_assertion(lambda r: detach(one(r, "saml:Assertion/saml:Conditions"))),
             "missingAudienceRestriction", "2.14", "Assertion without Conditions (so without AudienceRestriction).")

    def two_restrictions(root):
        ar = audience_restriction(root)
        other = clone(ar)
        one(other, "saml:Audience").text = OTHER_SP
        insert_after(ar, other)
    semantic("two-audience-restrictions", edited_assertion(two_restrictions), "audienceMismatch", "2.14",
             "Two AudienceRestrictions: one names this SP, the other only another SP (each must be satisfied).")
    semantic("empty-audience", edited_assertion(lambda r: setattr(one(r, "//saml:Audience"), "text", None)),
             "audienceMismatch", "2.14", "An empty Audience element.")
    semantic("wrong-recipient", edited_assertion(
        lambda r: scd(r).set("Recipient", "https://other-app.example.test/saml/acs")), "recipientMismatch", "2.14",
        "SubjectConfirmationData Recipient of another SP.")
    semantic("recipient-missing", edited_assertion(lambda r: scd(r).attrib.pop("Recipient")), "recipientMismatch",
             "2.14", "Bearer SubjectConfirmationData without Recipient.")


def destination():
    variants = {
        "acs-other": "https://app.example.test/saml/acs-other",
        "dotdot": "https://app.example.test/saml/acs/../x",
        "query": "https://app.example.test/saml/acs?tenant=b",
        "other-host": "https://evil.example.test/saml/acs",
        "http": "http://app.example.test/saml/acs",
        "port-8443": "https://app.example.test:8443/saml/acs",
        "empty": "",
    }
    for name, value in variants.items():
        semantic(f"destination-{name}", edited_assertion(lambda r, v=value: r.set("Destination", v), sign_both),
                 "destinationMismatch", "2.14", f"Response Destination=\"{value}\" (both signed).")
    semantic("response-signed-no-destination", edited_assertion(lambda r: r.attrib.pop("Destination"), sign_response),
             "destinationMismatch", "2.14", "Signed Response without Destination (required on signed messages).")


def issuer_and_correlation():
    semantic("wrong-response-issuer", edited_assertion(
        lambda r: setattr(one(r, "saml:Issuer"), "text", OTHER_TENANT_IDP), sign_both), "issuerMismatch", "2.14",
        "Response Issuer is another tenant's entityID, signed by this IdP's key (both signed).")
    semantic("wrong-assertion-issuer", edited_assertion(
        lambda r: setattr(one(r, "saml:Assertion/saml:Issuer"), "text", OTHER_TENANT_IDP)), "issuerMismatch", "2.14",
        "Assertion Issuer is another tenant's entityID (Response Issuer correct), signed by this IdP's key.")
    semantic("missing-assertion-issuer", edited_assertion(lambda r: detach(one(r, "saml:Assertion/saml:Issuer"))),
             "missingIssuer", "2.14", "Assertion without Issuer (signed; the Signature is its first child).")
    semantic("wrong-inresponseto-response", edited_assertion(lambda r: r.set("InResponseTo", OTHER_REQ), sign_both),
             "inResponseToMismatch", "2.13", f"Response InResponseTo={OTHER_REQ}, a request never sent.")
    semantic("wrong-inresponseto-subject-confirmation", edited_assertion(lambda r: one(
        r, "saml:Assertion/saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData").set(
        "InResponseTo", OTHER_REQ)), "inResponseToMismatch", "2.13",
        "SubjectConfirmationData InResponseTo of another request (the Response's is right).")
    emit("solicited-without-request", None, file="assertion-signed.xml", valid=False, expected="inResponseToMismatch",
         attack="2.13", request_id=None, options={"allowUnsolicited": True},
         description="assertion-signed.xml (InResponseTo present) when no request is outstanding, even with "
         "allowUnsolicited: an 'unsolicited' response must not carry an InResponseTo.")


# ---------------------------------------------------------------------------------------------------------------
# Status, Version, Subject, AuthnStatement
# ---------------------------------------------------------------------------------------------------------------
def status_and_version():
    root = base()
    detach(assertion_of(root))
    status = one(root, "samlp:Status")
    status.getparent().replace(status, element(
        '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">'
        '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode>'
        "<samlp:StatusMessage>AADSTS50105: The signed in user is not assigned to a role for the application."
        "</samlp:StatusMessage></samlp:Status>"))
    one(root, "samlp:Status").tail = "\n"
    semantic("status-responder", sign_response(root), "statusNotSuccess", "2.14",
             "Signed error Response: StatusCode Responder with nested RequestDenied and a StatusMessage, no Assertion.")
    semantic("version-1-1", edited_assertion(lambda r: r.set("Version", "1.1"), sign_both), "unsupportedVersion",
             "2.19", "Response Version=\"1.1\" (both signed).")
    semantic("assertion-version-1-1", edited_assertion(lambda r: assertion_of(r).set("Version", "1.1")),
             "unsupportedVersion", "2.19", "Assertion Version=\"1.1\".")


def subject_and_statements():
    def confirmation(root):
        return one(root, "saml:Assertion/saml:Subject/saml:SubjectConfirmation")

    def holder_of_key(root):
        sc = confirmation(root)
        sc.set("Method", HOLDER_OF_KEY)
        data = one(sc, "saml:SubjectConfirmationData")
        data.set("{http://www.w3.org/2001/XMLSchema-instance}type", "saml:KeyInfoConfirmationDataType")
        data.append(element(f"<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_b64('attacker-rsa2048')}"
                            "</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"))
    semantic("holder-of-key-only", edited_assertion(holder_of_key), "noBearerSubjectConfirmation", "2.14",
             "The only SubjectConfirmation is holder-of-key (with KeyInfo); no bearer confirmation.")
    semantic("sender-vouches-only", edited_assertion(lambda r: confirmation(r).set("Method", SENDER_VOUCHES)),
             "noBearerSubjectConfirmation", "2.14", "The only SubjectConfirmation is sender-vouches.")
    semantic("no-subject", edited_assertion(lambda r: detach(one(r, "saml:Assertion/saml:Subject"))),
             "missingSubject", "2.14", "Assertion without Subject.")
    semantic("no-nameid", edited_assertion(lambda r: detach(one(r, "saml:Assertion/saml:Subject/saml:NameID"))),
             "missingNameID", "2.14", "Subject with a bearer SubjectConfirmation but no NameID.")
    semantic("empty-nameid", edited_assertion(lambda r: setattr(one(r, "//saml:NameID"), "text", None)),
             "missingNameID", "2.14", "An empty NameID.")
    semantic("no-authnstatement", edited_assertion(lambda r: detach(one(r, "saml:Assertion/saml:AuthnStatement"))),
             "missingAuthnStatement", "2.14", "Assertion without AuthnStatement.")


# ---------------------------------------------------------------------------------------------------------------
# 2.16 Namespaces and prefixes
# ---------------------------------------------------------------------------------------------------------------
def namespaces():
    saml1 = "urn:oasis:names:tc:SAML:1.0:assertion"
    text = base_xml().replace(f'<saml:Assertion ID="{ASSERTION_ID}"', f'<saml:Assertion xmlns:saml="{saml1}" ID="{ASSERTION_ID}"')
    root = parse(text.encode())
    semantic("assertion-foreign-namespace", sign_response(root), "missingAssertion", "2.16",
             "The Assertion (and everything in it) in the SAML 1.0 assertion namespace via a rebound saml: prefix; "
             "the Response is signed. No SAML 2.0 Assertion in the Response.")
    text = base_xml().replace("<saml:Subject>", '<saml:Subject xmlns:saml="urn:evil">')
    semantic("subject-prefix-rebound", sign_assertion(parse(text.encode())), "missingSubject", "2.16",
             "xmlns:saml=\"urn:evil\" on Subject: Subject, NameID and SubjectConfirmation are not SAML elements; signed.")
    text = base_xml()
    start = text.index("  <saml:Assertion ")
    end = text.index("</saml:Assertion>") + len("</saml:Assertion>")
    assertion_text = text[start:end].replace("<saml:", "<").replace("</saml:", "</").replace(
        f'<Assertion ID="{ASSERTION_ID}"', f'<Assertion xmlns="{SAML}" ID="{ASSERTION_ID}"', 1)
    root = parse((text[:start] + assertion_text + text[end:]).encode())
    emit("default-namespace-assertion", sign_assertion(root), valid=True, attack="2.16",
         description="The Assertion in the default namespace (xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\", "
         "Azure AD's real shape) inside a prefixed Response: valid when signed correctly.")
    root = fresh(ASSERTION_SIGNED)
    signed_info = one(root, "saml:Assertion/ds:Signature/ds:SignedInfo")
    data = to_bytes(root).replace(b"<ds:SignedInfo>", b'<ds:SignedInfo xmlns:ds="urn:evil">', 1)
    assert signed_info is not None and data != to_bytes(root)
    hostile("signature-prefix-rebound", data, "signatureMalformed", "2.16",
            "xmlns:ds=\"urn:evil\" on SignedInfo: the Signature has no xmldsig SignedInfo (hand-edited after signing).")


# ---------------------------------------------------------------------------------------------------------------
# Root element
# ---------------------------------------------------------------------------------------------------------------
def roots():
    authn = sign_standalone(f"""<samlp:AuthnRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_q1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6" Version="2.0" IssueInstant="{ts(-10)}" Destination="{ACS}" AssertionConsumerServiceURL="{ACS}">
  <saml:Issuer>{IDP}</saml:Issuer>
  <saml:Subject><saml:NameID Format="{EMAIL_FORMAT}">{EVIL_NAME_ID}</saml:NameID></saml:Subject>
</samlp:AuthnRequest>
""", f"{SAMLP}:AuthnRequest")
    hostile("root-authnrequest", authn, "unexpectedRoot", "2.1",
            "The root is a samlp:AuthnRequest signed by the IdP key (message-type confusion).")
    logout = sign_standalone(f"""<samlp:LogoutResponse xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_l5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b" Version="2.0" IssueInstant="{ts(-10)}" Destination="{ACS}" InResponseTo="{REQ}">
  <saml:Issuer>{IDP}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="{SUCCESS}"/></samlp:Status>
</samlp:LogoutResponse>
""", f"{SAMLP}:LogoutResponse")
    hostile("root-logoutresponse", logout, "unexpectedRoot", "2.1",
            "The root is a samlp:LogoutResponse signed by the IdP key, InResponseTo the AuthnRequest ID.")
    root = fresh(ASSERTION_SIGNED)
    hostile("root-assertion", assertion_of(root), "unexpectedRoot", "2.1",
            "A bare signed saml:Assertion as the root (valid signature), no Response around it.", verify=True)
    saml11 = "urn:oasis:names:tc:SAML:1.0:protocol"
    text = base_xml().replace(f'xmlns:samlp="{SAMLP}"', f'xmlns:samlp="{saml11}"', 1)
    root = parse(text.encode())
    hostile("root-foreign-namespace", sign_assertion(root), "unexpectedRoot", "2.16",
            "The root Response in the SAML 1.0 protocol namespace (samlp: rebound); Assertion signed.")


# ---------------------------------------------------------------------------------------------------------------
# 2.19 / 2.4 Malformed input
# ---------------------------------------------------------------------------------------------------------------
def malformed():
    data = ASSERTION_SIGNED
    evil = fresh(ASSERTION_SIGNED)
    evilize(assertion_of(evil))
    hostile("multiple-roots", data + to_bytes(evil), "malformedXML", "2.4",
            "Two root elements: the signed original followed by an evil copy (CVE-2022-39299).")
    hostile("trailing-content", data + b"trailing garbage\n", "malformedXML", "2.4", "Text after the root element.")
    hostile("truncated", data[: len(data) // 2], "malformedXML", "2.19", "The base cut in half.")
    hostile("not-xml", b'{"SAMLResponse": "this is not XML"}\n', "malformedXML", "2.19", "JSON, not XML.", signer="none")
    hostile("empty", b"", "emptyInput", "2.19", "An empty file.", signer="none")
    hostile("invalid-utf8", data.replace(NAME_ID.encode(), b"b.simon\xff\xfe@contoso.example", 1), "malformedXML",
            "2.19", "Invalid UTF-8 bytes (FF FE) inside the NameID.")
    hostile("encoding-latin1", b'<?xml version="1.0" encoding="ISO-8859-1"?>\n' + data, "unsupportedEncoding", "2.4",
            "The base declared as ISO-8859-1 (only UTF-8/UTF-16 accepted; SAMLError.unsupportedEncoding).")

    def deep(root):
        value = one(root, f"saml:Assertion/saml:AttributeStatement/saml:Attribute[@Name='{MSID}displayname']/saml:AttributeValue")
        node = value
        for _ in range(100):
            node = etree.SubElement(node, "{urn:deep}n", nsmap={"d": "urn:deep"})
    semantic("too-deep", edited_assertion(deep), "documentTooDeep", "2.19",
             "100 nested elements inside an attribute value (depth > 64, below libxml2's own 256 limit); signed.")


# ---------------------------------------------------------------------------------------------------------------
# README and main
# ---------------------------------------------------------------------------------------------------------------
README_HEAD = f"""# Response fixtures

SAML 2.0 Responses for swift-saml's validation tests: valid ones that a strict SP must accept and hostile ones
that it must reject, each with the single most precise `SAMLError` case. **Generated** — do not edit the files
here; change `Fixtures/scripts/make_responses.py` and rerun it:

```sh
/usr/bin/python3 Fixtures/scripts/make_responses.py      # from the repository root
```

It needs Debian's `xmlsec1` (1.2.37, openssl), `python3-lxml`, `python3-pysaml2` and `faketime`, and reads the
keys in `Fixtures/keys/` (made once by `Fixtures/scripts/make-keys.sh`; regenerating keys means rerunning this).
The run rebuilds the folder from scratch, then checks with
`xmlsec1 --verify --enabled-key-data raw-x509-cert --pubkey-cert-pem <trusted cert> --id-attr:ID …` (keys in the
document ignored) that every signature of every valid fixture — and of every fixture whose defect is semantic —
verifies; it fails otherwise. Byte-for-byte reproducible, except that ECDSA signatures (random nonce) and XML
Encryption (random session key and IV) differ on every signing: for `ecdsa-sha256.xml` and the files with an
EncryptedAssertion the script keeps the previous file when it carries the same content (same bytes outside
SignatureValue; same document once decrypted), so a rerun changes nothing unless the content changed.

## Fixed parameters

| what | value |
|---|---|
| NOW (the tests' fixed clock) | `2026-12-01T12:00:00Z` |
| IdP entityID | `{IDP}` (Azure AD shape), signing key `keys/idp-rsa2048` |
| SP entityID | `{SP}` |
| ACS URL (Destination, Recipient) | `{ACS}` |
| AuthnRequest ID the SP sent (InResponseTo) | `{REQ}` |
| Response ID / Assertion ID | `{RESPONSE_ID}` / `{ASSERTION_ID}` |
| NameID (emailAddress format) | `{NAME_ID}` |
| Response and Assertion IssueInstant | NOW−10 s (`2026-12-01T11:59:50Z`) |
| SubjectConfirmationData NotOnOrAfter | NOW+5 min |
| Conditions NotBefore / NotOnOrAfter | NOW−5 min / NOW+1 h |
| AuthnInstant / SessionNotOnOrAfter | NOW−20 s / NOW+8 h; SessionIndex `{SESSION_INDEX}` |
| Signatures | enveloped, after the signed element's Issuer; exc-c14n; rsa-sha256; one Reference `#ID`; transforms enveloped-signature + exc-c14n; sha256; KeyInfo/X509Data with the signer's certificate |

The base (`assertion-signed.xml`) is Azure-AD-shaped: `samlp:Response` with `saml:Issuer`, Success status and one
`saml:Assertion` (Subject with bearer confirmation, Conditions with AudienceRestriction, AttributeStatement with the
Azure claim URIs — tenantid, objectidentifier, displayname, identityprovider, authnmethodsreferences, givenname,
surname, emailaddress, name, 10 group GUIDs — and `uid`, AuthnStatement with PasswordProtectedTransport). The
`saml:` prefix is declared on the Response only, so every Assertion signature also proves that exclusive c14n
carries a namespace declared outside the signed subtree.

## manifest.json

A JSON array, one entry per test case:

| field | meaning |
|---|---|
| `name` | unique test-case name |
| `file` | the XML file (a few cases reuse another case's file under other options, e.g. `sha1-not-allowed` → `sha1.xml`) |
| `description` | what the file is and how it was built |
| `valid` | `true`: must be accepted; `false`: must be rejected |
| `expected` | the `SAMLError` case name for a rejection (`null` when valid) — the first check in the SP's order that fails |
| `attack` | section of the peer survey's attack catalog (`shared/research/peers.md` §2) the case exercises, or `null` |
| `signer` | `xmlsec1`, `pysaml2` or `none` (no signature in the file) |
| `idp_cert` / `idp_certs` | the certificate(s) the SP trusts (paths relative to `Fixtures/`); `idp_certs` has both for the key rollover case |
| `idp_entity_id` | the trusted IdP entityID |
| `expected_request_id` | the request ID the SP expects (`null` = no request outstanding) |
| `options` | only when not default: `allowSHA1`, `allowUnsolicited`, `maxResponseBytes`, `signatureRequirement` |
| `expected_name_id` | (valid only) the NameID the SP must return — the full value for the comment/CDATA/PI cases |
| `expected_attributes` | (some valid ones) attribute values the SP must return |
| `xmlsec1_alone_accepts` | (hostile, with a signature, no DOCTYPE) whether `xmlsec1 --verify` of the first ds:Signature in document order, with the trusted certificate only, succeeds — `true` marks the attacks that only the SP's own checks stop |
| `signatures_verify` | `true` when the generator checked that every signature in the file verifies with xmlsec1 against `idp_certs` (valid cases and semantic-defect cases: the signature is not why they fail) |
| `submissions` | `2` for the replay case: submit the same file twice to one SP, the second must fail |
| `requires`, `decryption_key` | `encrypted-assertion` needs the SP's decryption key |

Expected codes follow the SP's check order: input size/emptiness → parse (DOCTYPE, well-formedness, encoding) →
root is `samlp:Response`, Version 2.0 → Status Success → one structure walk (xml:id; NCName and unique IDs;
every ds:Signature a direct child of Response/Assertion, at most one each; no nested Response; exactly one
Assertion/EncryptedAssertion child of the root; no Assertion elsewhere except in saml:Advice) → Issuer →
signature profile (structure → URI `#`+parent ID → transforms → algorithms) → xmlsec verification with the
trusted certificate only → at least one signature → Destination, InResponseTo → Assertion Version, Subject,
bearer confirmation, Conditions, AuthnStatement → replay.

## What each group proves

- **Valid baseline** — the Azure shape signed on the Assertion, the Response, or both; rsa-sha512, ECDSA P-256,
  RSA-4096, a rollover key, millisecond timestamps, IdP-initiated (with `allowUnsolicited`), SHA-1 (with
  `allowSHA1`), no KeyInfo, no Response Issuer, Destination normalization, clock skew, OneTimeUse, Advice, two
  bearer confirmations, 14 KB/74 KB/1 MB responses, and two responses made by pysaml2 as a real IdP: the SP accepts
  what real IdPs send and reads the right subject.
- **2.1 Signature wrapping** — XSW1–XSW8 exactly as SAMLRaider's `XSWHelpers` builds them (evil identity
  `admin@contoso.example`), from the assertion-signed and (where the variant applies) the response-signed original,
  plus the IdP's signed metadata (CVE-2024-6800) and a signed AuthnRequest wrapped in `samlp:Extensions`, and
  non-Response roots: the structure walk and the profile catch each before any identity is read.
- **2.2 Comment injection** — comments, CDATA and PIs inside signed text: valid, and the SP must return the full
  concatenated value (never the prefix); a suffixed Audience must fail on the full value.
- **2.3 DigestValue/SignedInfo confusion** — flipped bytes, a comment in DigestValue (CVE-2025-29775), two
  SignedInfo (CVE-2025-29774), SignedInfo in Object, two References, a Manifest, a stray DigestValue.
- **2.4 / 2.9 Parser differentials and DTDs** — XXE, parameter entities, billion laughs, quadratic blowup, ATTLIST IDs, entity
  references in IDs (CVE-2025-23369), CVE-2025-25291/25292 shapes, several roots, trailing content, Latin-1: any
  DOCTYPE is refused before anything else.
- **2.5 C14N failure** — relative and invalid namespace URIs with the empty-string digest: a failed
  canonicalization must never count as success.
- **2.6 / 2.17 Several assertions, encryption** — signed+unsigned in both orders, two signed, Assertion beside
  EncryptedAssertion, two EncryptedAssertions; for the decryption path, one valid encrypted case and two whose
  decrypted Assertion is unsigned or signed by the attacker (the same signature rules apply after decryption).
- **2.7 Signature exclusion** — removed signatures and SignatureValues, signatures moved into Subject, Conditions
  or an Attribute (still cryptographically valid), three signatures, two on one element, the Response signature
  invalid beside a valid Assertion signature, an Assertion outside the signed Response.
- **2.8 KeyInfo** — attacker certificate, cloned subject, RSAKeyValue, KeyName, the real certificate beside a
  wrong key, and a rollover key that is not trusted: the key always comes from metadata.
- **2.10 / 2.11 References, transforms, algorithms** — empty, foreign, external (`http://127.0.0.1:9/x`,
  `file:///etc/passwd`) and XPointer URIs; XSLT, XPath, three transforms, no enveloped transform (an explicit inclusive
  c14n transform is valid: enveloped-signature alone implies it);
  hmac-sha1 keyed with the certificate, a truncated HMACOutputLength, md5, unknown URIs, SHA-1 without the option.
- **2.13 / 2.14 Semantics** — each fixture valid in every respect but one, re-signed after the edit: expiry,
  not-yet-valid, confirmation windows, session expiry, invalid dates, audience, recipient, every Destination
  variant from the survey, issuers, InResponseTo, status, version, subject confirmation methods, missing parts,
  replay.
- **2.15 IDs** — duplicate IDs, an `xml:id` collision, `Id=` instead of `ID=`, non-NCName IDs.
- **2.16 Namespaces** — foreign-namespace Assertion and root, a rebound prefix on Subject and on SignedInfo, a
  default-namespace Assertion (valid).
- **2.19 Robustness** — truncated, not XML, empty, invalid UTF-8, too deep, too large.

Not covered here: 2.12 (Redirect binding) and 2.18 (RelayState), which are not Response documents; from 2.8, an
attacker certificate chaining to a public CA (the SP never takes keys from the document, which keyinfo-* already
shows); from 2.9, `xi:include` (the parser never processes XInclude, so such an element is inert data); from 2.17,
CipherReference/RetrievalMethod, rsa-1_5 and padding-oracle probes (they belong with the decryption tests).

## Fixtures
"""


def write_readme():
    lines = [README_HEAD, "| name | file | verdict | attack | description |", "|---|---|---|---|---|"]
    for e in ENTRIES:
        verdict = "**valid**" if e["valid"] else f"`{e['expected']}`"
        if e.get("options"):
            verdict += " (" + ", ".join(f"{k}={json.dumps(v)}" for k, v in e["options"].items()) + ")"
        desc = e["description"].replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
        lines.append(f"| {e['name']} | {e['file']} | {verdict} | {e['attack'] or ''} | {desc} |")
    valid = sum(e["valid"] for e in ENTRIES)
    lines.append("")
    lines.append(f"{len(ENTRIES)} cases ({valid} valid, {len(ENTRIES) - valid} hostile) in "
                 f"{len({e['file'] for e in ENTRIES})} files.")
    return "\n".join(lines) + "\n"


# The three signed bases, kept as bytes (made in main); every variant edits a fresh copy.
ASSERTION_SIGNED = RESPONSE_SIGNED = BOTH_SIGNED = b""


def main():
    global ASSERTION_SIGNED, RESPONSE_SIGNED, BOTH_SIGNED, WORK, STAGE
    started = time.monotonic()
    WORK = pathlib.Path(tempfile.mkdtemp(prefix="make-responses-"))
    STAGE = WORK / "out"
    STAGE.mkdir()
    for tool in ("xmlsec1", "faketime"):
        if shutil.which(tool) is None:
            sys.exit(f"make_responses.py: {tool} is not installed (apt-get install xmlsec1 faketime)")
    ASSERTION_SIGNED = to_bytes(sign_assertion(base()))
    RESPONSE_SIGNED = to_bytes(sign_response(base()))
    BOTH_SIGNED = to_bytes(sign_both(base()))
    for family in (valid_baseline, valid_large, valid_pysaml2, wrapping, text_splitting, exclusion, keyinfo,
                   tampering, multiple_assertions, ids, references, transforms_and_algorithms, canonicalization,
                   doctype, times, audience_and_recipient, destination, issuer_and_correlation, status_and_version,
                   subject_and_statements, namespaces, roots, malformed):
        family()
    for e in ENTRIES:
        assert (STAGE / e["file"]).exists(), e
    (STAGE / "manifest.json").write_text(json.dumps(ENTRIES, indent=2, ensure_ascii=False) + "\n")
    (STAGE / "README.md").write_text(write_readme())
    if OUT.exists():
        shutil.rmtree(OUT)
    shutil.copytree(STAGE, OUT)
    shutil.rmtree(WORK, ignore_errors=True)
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

#!/usr/bin/python3
"""End-to-end: an example SP (Examples/HummingbirdSP or Examples/VaporSP) against real IdPs, in headless Chromium.

usage: Tests/E2E/run.sh [CASE ...]      (or `make e2e`; the wrapper installs, builds, then runs this)
       /usr/bin/python3 Tests/E2E/e2e.py --sp-binary PATH [CASE ...]

Starts on 127.0.0.1 only: SimpleSAMLphp (scripts/e2e/ssp/run.sh), pysaml2 (scripts/e2e/pysaml2_idp.py) and the
example SP, registers the SP at both IdPs from its own /saml/metadata, and drives the SP-initiated flow in headless
Chromium (selenium + chromedriver): open /, click "Sign in", fill the IdP's login form, land back on /. Each case
asserts what the page shows and, for a rejection, the failed check named in the SP's log line for that reference.
Prints one line per case and `E2E: N passed, M failed`; exits 1 on any failure. Stops every process it started.

Environment: E2E_SP_PORT (18480), E2E_SSP_PORT (18481), E2E_PYSAML2_PORT (18482), E2E_OUT (Tests/E2E/out:
logs, keys, IdP state; wiped at start), E2E_HEADFUL=1 (show the browser, with a display).
"""
import argparse
import base64
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import traceback
import urllib.parse

import requests
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = pathlib.Path(os.environ.get("E2E_OUT") or ROOT / "Tests/E2E/out").resolve()
SP_PORT = int(os.environ.get("E2E_SP_PORT", "18480"))
SSP_PORT = int(os.environ.get("E2E_SSP_PORT", "18481"))
PY_PORT = int(os.environ.get("E2E_PYSAML2_PORT", "18482"))

# The SP's public URL uses "localhost" and the IdPs "127.0.0.1": two sites, so the IdP's POST to the ACS is
# cross-site as in production and SameSite=Lax cookies do not come with it.
SP = f"http://localhost:{SP_PORT}"
SP_DIRECT = f"http://127.0.0.1:{SP_PORT}"       # for the test's own HTTP requests (the SP binds 127.0.0.1 only)
SP_ENTITY_ID = f"{SP}/saml/metadata"
ACS = f"{SP}/saml/acs"
SSP = f"http://127.0.0.1:{SSP_PORT}"
SSP_ENTITY_ID = f"{SSP}/saml2/idp/metadata.php"
SSP_SSO = f"{SSP}/saml2/idp/SSOService.php"
PY = f"http://127.0.0.1:{PY_PORT}"
PY_ENTITY_ID = f"{PY}/metadata"
OTHER_SP = "https://other-app.example.test/saml/metadata"

B_SIMON = {"uid": "b.simon", "email": "b.simon@example.test", "name": "B. Simon", "groups": ["staff", "saml-admins"]}
Z_UNAL_NAME = 'Zoë Ünal <b>&amp;</b> "Ω"'


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


# ---------------------------------------------------------------- processes

class Processes:
    """Every process the suite starts, each in its own process group, stopped in reverse order. Their group ids are
    also written to OUT/pids for run.sh's trap, in case this interpreter is killed outright."""

    def __init__(self):
        self.running = {}
        self.browser_pid = None    # chromedriver (selenium starts it in our own process group)

    def start(self, name, argv, env=None, log=None):
        self.stop(name)
        log = log or OUT / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        fh = open(log, "ab")
        fh.write(f"\n==== {time.strftime('%H:%M:%S')} start {' '.join(map(str, argv))}\n".encode())
        fh.flush()
        p = subprocess.Popen([str(a) for a in argv], stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env={**os.environ, **(env or {})}, cwd=ROOT, start_new_session=True)
        self.running[name] = (p, fh, log)
        self._write_pids()
        return log

    def stop(self, name):
        entry = self.running.pop(name, None)
        if not entry:
            return
        p, fh, _ = entry
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=5)
            except ProcessLookupError:
                pass
        try:  # workers left in the group (php -S forks them)
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        fh.close()
        self._write_pids()

    def stop_all(self):
        for name in reversed(list(self.running)):
            self.stop(name)

    def log(self, name):
        return self.running[name][2]

    def alive(self, name):
        return name in self.running and self.running[name][0].poll() is None

    def _write_pids(self):
        lines = [f"group {p.pid}\n" for p, _, _ in self.running.values()]
        if self.browser_pid:
            lines.append(f"process {self.browser_pid}\n")
        (OUT / "pids").write_text("".join(lines))


procs = Processes()


def wait_http(url, name, timeout=30, expect=200):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if name and not procs.alive(name):
            raise Failed(f"{name} exited; see {procs.log(name) if name in procs.running else 'its log'}")
        try:
            r = requests.get(url, timeout=2)
            if r.status_code == expect:
                return r
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise Failed(f"{url} did not answer {expect} within {timeout}s")


# ---------------------------------------------------------------- the IdPs and the SP

def start_ssp(faketime=""):
    procs.stop("ssp")
    procs.start("ssp", [ROOT / "scripts/e2e/ssp/run.sh", OUT / "ssp", SSP_PORT], env={"SSP_FAKETIME": faketime})
    wait_http(f"{SSP}/saml2/idp/metadata.php", "ssp")


def register_ssp(*options):
    # The example's metadata says WantAssertionsSigned="false" (it accepts a signed Response or a signed Assertion:
    # the metadata states what the validator requires), and SimpleSAMLphp reads that as "don't sign the assertion".
    # Sign both by default, as SimpleSAMLphp does for SPs that ask; a case's own options come after and win.
    # redirect.sign: SimpleSAMLphp signs its HTTP-Redirect logout messages to this SP (the library refuses unsigned
    # LogoutRequests and LogoutResponses; metadata has no attribute that asks for it).
    p = subprocess.run(["php", ROOT / "scripts/e2e/ssp/register.php", OUT / "sp-metadata.xml", OUT / "ssp",
                        "saml20.sign.assertion=true", "redirect.sign=true", *options],
                       capture_output=True, text=True)
    check(p.returncode == 0, f"register.php failed: {p.stderr}")


def start_pysaml2():
    procs.start("pysaml2", ["/usr/bin/python3", ROOT / "scripts/e2e/pysaml2_idp.py", "--port", PY_PORT,
                            "--state-dir", OUT / "pysaml2"])
    wait_http(f"{PY}/metadata", "pysaml2")


def pysaml2_profile(**profile):
    (OUT / "pysaml2" / "profile.json").write_text(json.dumps(profile))


class SPConfig:
    current = None


_state_counter = iter(range(1, 1_000_000))


def start_sp(binary, **settings):
    """(Re)starts the example SP; returns its log path. settings: extra SAML_* environment."""
    env = {
        "SP_HOST": "127.0.0.1", "SP_PORT": str(SP_PORT), "SP_BASE_URL": SP,
        "SAML_IDP_METADATA": f"{SSP}/saml2/idp/metadata.php,{PY}/metadata",
        "SAML_SP_KEY": str(OUT / "sp" / "sp.key"), "SAML_SP_CERT": str(OUT / "sp" / "sp.crt"),
        "SAML_DECRYPT_ASSERTIONS": "true", "LOG_LEVEL": "debug",
        # A fresh SQLite state per start, so that the cases do not depend on one another's replay cache.
        "SAML_STATE_DIR": str(OUT / "sp" / f"state-{next(_state_counter)}"),
        **settings,
    }
    procs.stop("sp")
    log = procs.start("sp", [binary], env=env)
    wait_http(f"{SP_DIRECT}/saml/metadata", "sp")
    md = requests.get(f"{SP_DIRECT}/saml/metadata", timeout=5)
    check(md.headers.get("Content-Type", "").startswith("application/samlmetadata+xml"),
          f"metadata Content-Type {md.headers.get('Content-Type')}")
    (OUT / "sp-metadata.xml").write_bytes(md.content)
    shutil.copy(OUT / "sp-metadata.xml", OUT / "pysaml2" / "sp-metadata.xml")   # pysaml2: registered
    register_ssp()                                                           # SimpleSAMLphp: registered
    SPConfig.current = settings
    return log


def sp_log_line(ref):
    """The SP's log line for one ACS reference (the 403 page shows the reference, the log names the check)."""
    check(ref, "an empty reference on the 403 page")
    # The whole token: the log is appended across SP restarts, and one reference may not match another's prefix.
    token = re.compile(r"(^|\s)saml\.reference=" + re.escape(ref) + r"(\s|$)")
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        for line in procs.log("sp").read_text(errors="replace").splitlines():
            if token.search(line):
                return line
        time.sleep(0.1)
    raise Failed(f"no SP log line with saml.reference={ref}")


def logged_code(line):
    m = re.search(r"\bsaml\.code=(\w+)", line)
    return m.group(1) if m else None


# ---------------------------------------------------------------- the browser

class Browser:
    def __init__(self):
        o = webdriver.ChromeOptions()
        for arg in ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                    "--disable-features=Translate,MediaRouter,OptimizationHints", "--password-store=basic",
                    f"--user-data-dir={OUT / 'chromium-profile'}", "--window-size=1100,900"):
            o.add_argument(arg)
        if not os.environ.get("E2E_HEADFUL"):
            o.add_argument("--headless=new")
        o.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        o.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver",
                          log_output=str(OUT / "logs" / "chromedriver.log")) if _service_takes_log_output() else \
            Service(shutil.which("chromedriver") or "/usr/bin/chromedriver", log_path=str(OUT / "logs" / "chromedriver.log"))
        self.d = webdriver.Chrome(service=service, options=o)
        procs.browser_pid = self.d.service.process.pid
        procs._write_pids()
        self.d.set_page_load_timeout(30)
        self.version = self.d.capabilities.get("browserVersion")

    def fresh(self):
        """A new visitor: no cookies at the SP or the IdPs."""
        self.d.execute_cdp_cmd("Network.enable", {})
        self.d.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.d.get("about:blank")
        self.d.get_log("performance")   # drop what came before

    def wait(self, predicate, what, timeout=15):
        try:
            WebDriverWait(self.d, timeout).until(lambda d: predicate(d))
        except TimeoutException:
            raise Failed(f"timed out waiting for {what}; at {self.d.current_url}: {self.text()[:300]!r}") from None

    def text(self, selector="body"):
        try:
            return self.d.find_element(By.CSS_SELECTOR, selector).text
        except Exception:  # noqa: BLE001
            return ""

    def login_at_idp(self, idp_base, user, password="password"):
        """Fill the IdP's login form (SimpleSAMLphp's and the pysaml2 IdP's both have #username / #password)."""
        self.wait(lambda d: d.current_url.startswith(idp_base) and d.find_elements(By.ID, "password"),
                  f"the login form at {idp_base}")
        self.d.find_element(By.ID, "username").clear()
        self.d.find_element(By.ID, "username").send_keys(user)
        self.d.find_element(By.ID, "password").send_keys(password)
        self.d.find_element(By.ID, "password").submit()

    def back_at_sp(self):
        """Wait for the IdP's auto-POST to the ACS and what follows to finish on the SP."""
        self.wait(lambda d: d.current_url.startswith(SP) and "/saml/login" not in d.current_url
                  and d.execute_script("return document.readyState") == "complete", "the return to the SP")

    def sign_in(self, idp_base, user, path="/", idp_entity_id=None):
        """SP-initiated: open `path` on the SP, click the sign-in link (of one IdP), log in at the IdP."""
        self.d.get(SP + path)
        if idp_entity_id:
            link = self.d.find_element(By.CSS_SELECTOR, f"a.sign-in[data-idp='{idp_entity_id}']")
        else:
            link = self.d.find_element(By.CSS_SELECTOR, "a#sign-in, a.sign-in")
        link.click()
        self.login_at_idp(idp_base, user)
        self.back_at_sp()

    def captured_acs_post(self):
        """The form body the browser POSTed to the ACS, from Chromium's network log (what an attacker on the wire,
        or in the browser's history, would have)."""
        for entry in self.d.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg.get("method") != "Network.requestWillBeSent":
                continue
            req = msg["params"]["request"]
            if req.get("method") == "POST" and req.get("url") == ACS:
                if "postData" in req:
                    return req["postData"]
                data = self.d.execute_cdp_cmd("Network.getRequestPostData", {"requestId": msg["params"]["requestId"]})
                return data["postData"]
        raise Failed("no POST to the ACS in the browser's network log")

    def shown_identity(self):
        return {k: self.text(f"#{k}") for k in ("uid", "email", "name", "groups", "issuer", "signed")}

    def quit(self):
        self.d.quit()
        procs.browser_pid = None
        procs._write_pids()


def _service_takes_log_output():
    import inspect
    return "log_output" in inspect.signature(Service.__init__).parameters


def expect_signed_in(b, idp_entity_id, signed=None, who=B_SIMON, path="/"):
    url = urllib.parse.urlsplit(b.d.current_url)
    check(b.d.current_url.startswith(SP), f"ended at {b.d.current_url}")
    check(url.path + (("?" + url.query) if url.query else "") == path, f"landed on {url.path}?{url.query}, not {path}")
    shown = b.shown_identity()
    check(shown["uid"] == who["uid"], f"page shows uid {shown['uid']!r}; page: {b.text()[:300]!r}")
    check(shown["email"] == who["email"], f"email {shown['email']!r}")
    check(shown["name"] == who["name"], f"name {shown['name']!r}")
    groups = [e.text for e in b.d.find_elements(By.CSS_SELECTOR, "#groups .group")]
    check(groups == who["groups"], f"groups {groups!r}")
    check(shown["issuer"] == idp_entity_id, f"issuer {shown['issuer']!r}")
    if signed is not None:
        check(shown["signed"] == signed, f"signed parts {shown['signed']!r}, expected {signed!r}")
    return f"{shown['uid']} <{shown['email']}> signed={shown['signed']}"


def expect_rejected(b_or_response, code):
    """A plain 403 page with a reference; the SP's log line for that reference names `code`."""
    if isinstance(b_or_response, requests.Response):
        r = b_or_response
        check(r.status_code == 403, f"HTTP {r.status_code}, expected 403")
        m = re.search(r'id="reference">([^<]+)<', r.text)
        check(m, "no reference on the 403 page")
        ref = m.group(1)
    else:
        b = b_or_response
        check(b.d.current_url == ACS, f"ended at {b.d.current_url}, expected the ACS's 403 page")
        check("Sign-in refused" in b.d.title, f"page title {b.d.title!r}")
        ref = b.text("#reference")
        check(b.d.find_elements(By.ID, "uid") == [], "a user is shown")
    line = sp_log_line(ref)
    check(logged_code(line) == code, f"logged {logged_code(line)!r}, expected {code!r}: {line}")
    check("warning" in line, f"not a warning: {line}")
    return f"403, logged code={code} (ref {ref})"


def replay(body):
    return requests.post(f"{SP_DIRECT}/saml/acs", data=body, allow_redirects=False, timeout=10,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})


# ---------------------------------------------------------------- cases

captured = {}


def case_ssp_signed_both_redirect(b):
    """SimpleSAMLphp signs Response and Assertion; signed HTTP-Redirect AuthnRequest (SSP verifies it)."""
    b.sign_in(SSP, "b.simon", idp_entity_id=SSP_ENTITY_ID)
    detail = expect_signed_in(b, SSP_ENTITY_ID, signed="response, assertion")
    captured["sp-initiated"] = b.captured_acs_post()
    b.d.find_element(By.ID, "logout").click()
    b.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "a.sign-in, a#sign-in"), "the signed-out page")
    return detail + "; signed out"


def case_ssp_replay(b):
    """The Response captured in the first case, POSTed again → rejected (its one-shot request is used up)."""
    check("sp-initiated" in captured, "nothing captured (first case failed)")
    return expect_rejected(replay(captured["sp-initiated"]), "inResponseToMismatch")


def case_ssp_signed_assertion(b):
    register_ssp("saml20.sign.response=false")
    try:
        b.sign_in(SSP, "b.simon", idp_entity_id=SSP_ENTITY_ID)
        return expect_signed_in(b, SSP_ENTITY_ID, signed="assertion")
    finally:
        register_ssp()


def case_ssp_signed_response(b):
    register_ssp("saml20.sign.assertion=false")
    try:
        b.sign_in(SSP, "b.simon", idp_entity_id=SSP_ENTITY_ID)
        return expect_signed_in(b, SSP_ENTITY_ID, signed="response")
    finally:
        register_ssp()


def case_ssp_encrypted_assertion(b):
    """SimpleSAMLphp encrypts the assertion to the SP's metadata certificate; the SP decrypts it."""
    register_ssp("assertion.encryption=true")
    try:
        b.sign_in(SSP, "b.simon", idp_entity_id=SSP_ENTITY_ID)
        return expect_signed_in(b, SSP_ENTITY_ID)
    finally:
        register_ssp()


def case_ssp_non_ascii_markup(b):
    """z.unal: non-ASCII names; markup characters in displayName and groups shown as text, nothing injected."""
    b.sign_in(SSP, "z.unal", idp_entity_id=SSP_ENTITY_ID)
    check(b.d.current_url == SP + "/", f"ended at {b.d.current_url}")
    shown = b.shown_identity()
    check(shown["uid"] == "z.unal", f"uid {shown['uid']!r}")
    check(shown["email"] == "zoë.ünal@example.test", f"email {shown['email']!r}")
    check(shown["name"] == Z_UNAL_NAME, f"name {shown['name']!r}, expected {Z_UNAL_NAME!r}")
    groups = [e.text for e in b.d.find_elements(By.CSS_SELECTOR, "#groups .group")]
    expected = ['<script>document.title="pwned"</script>', "R&D <img src=x onerror=alert(1)>", "Ärzte"]
    check(groups == expected, f"groups {groups!r}")
    check(b.d.find_elements(By.CSS_SELECTOR, "#name *, #groups script, #groups img, body script") == [],
          "markup from attributes became elements")
    check("pwned" not in b.d.title, "a script from an attribute ran")
    source = b.d.page_source
    check("&lt;b&gt;&amp;amp;&lt;/b&gt;" in source, "displayName is not escaped in the HTML")
    return f"name {shown['name']!r} and groups shown as text"


def case_open_redirect(b):
    """returnTo pointing off-site is ignored (lands on /); a local path is followed."""
    results = []
    for target in ("https://evil.example", "//evil.example", "/\\evil.example", "https:evil.example"):
        b.fresh()
        b.d.get(f"{SP}/saml/login?returnTo={urllib.parse.quote(target, safe='')}&idp={urllib.parse.quote(SSP_ENTITY_ID, safe='')}")
        b.login_at_idp(SSP, "b.simon")
        b.back_at_sp()
        check(b.d.current_url == SP + "/", f"returnTo={target!r} led to {b.d.current_url}")
        check(b.text("#uid") == "b.simon", "not signed in")
        results.append(target)
    b.fresh()
    b.d.get(f"{SP}/saml/login?returnTo={urllib.parse.quote('/?page=2', safe='')}&idp={urllib.parse.quote(SSP_ENTITY_ID, safe='')}")
    b.login_at_idp(SSP, "b.simon")
    b.back_at_sp()
    check(b.d.current_url == SP + "/?page=2", f"local returnTo led to {b.d.current_url}")
    return f"{len(results)} off-site targets → /; /?page=2 followed"


def idp_initiated(b, sp_entity_id, relay_state):
    b.d.get(f"{SSP_SSO}?" + urllib.parse.urlencode({"spentityid": sp_entity_id, "RelayState": relay_state}))
    b.login_at_idp(SSP, "b.simon")
    b.wait(lambda d: d.current_url.startswith(SP) and d.execute_script("return document.readyState") == "complete",
           "the return to the SP")


def case_ssp_idp_initiated_rejected(b):
    """IdP-initiated login (SSOService.php?spentityid=...) → rejected by default."""
    idp_initiated(b, SP_ENTITY_ID, "/")
    return expect_rejected(b, "unsolicitedResponse")


def case_pysaml2_signed_both(b):
    """pysaml2 answers the example's signed Redirect AuthnRequest (verifying it); urn:oid attribute names."""
    pysaml2_profile(sign="both")
    b.sign_in(PY, "b.simon", idp_entity_id=PY_ENTITY_ID)
    return expect_signed_in(b, PY_ENTITY_ID, signed="response, assertion")


def case_pysaml2_signed_assertion(b):
    pysaml2_profile(sign="assertion")
    b.sign_in(PY, "b.simon", idp_entity_id=PY_ENTITY_ID)
    return expect_signed_in(b, PY_ENTITY_ID, signed="assertion")


def case_pysaml2_wrong_audience(b):
    """pysaml2 has the SP registered under another entityID → the Audience names that one → rejected."""
    pysaml2_profile(audience=OTHER_SP)
    try:
        b.sign_in(PY, "b.simon", idp_entity_id=PY_ENTITY_ID)
        return expect_rejected(b, "audienceMismatch")
    finally:
        pysaml2_profile()


def case_pysaml2_key_not_in_metadata(b):
    """A second IdP (pysaml2) signs with a key that is not in its metadata → signature rejected."""
    pysaml2_profile(signing_key="other")
    try:
        b.sign_in(PY, "b.simon", idp_entity_id=PY_ENTITY_ID)
        return expect_rejected(b, "signatureInvalid")
    finally:
        pysaml2_profile()


def case_status_page(b):
    """/saml/status (admins): both IdPs, certificate days left, the last rejection (the previous case's)."""
    b.sign_in(SSP, "b.simon", idp_entity_id=SSP_ENTITY_ID)
    b.d.find_element(By.ID, "status-link").click()
    b.wait(lambda d: d.current_url == SP + "/saml/status", "the status page")
    ids = [e.text for e in b.d.find_elements(By.CSS_SELECTOR, ".idp-entity-id")]
    check(sorted(ids) == sorted([SSP_ENTITY_ID, PY_ENTITY_ID]), f"IdPs shown {ids}")
    days = [int(e.text) for e in b.d.find_elements(By.CSS_SELECTOR, ".days-left")]
    check(len(days) == 2 and all(3000 < d <= 3650 for d in days), f"days left {days}")
    last = b.text("#last-error .code")
    check(last == "signatureInvalid", f"last error shown {last!r}")
    r = requests.get(f"{SP_DIRECT}/saml/status", timeout=5)
    check(r.status_code == 403, f"anonymous /saml/status answered {r.status_code}")
    return f"2 IdPs, days left {days}, last error {last}; anonymous → 403"


def clock_case(offset, code):
    def run(b):
        start_ssp(faketime=offset)
        try:
            b.sign_in(SSP, "b.simon", idp_entity_id=SSP_ENTITY_ID)
            return expect_rejected(b, code)
        finally:
            start_ssp()
    run.__doc__ = f"SimpleSAMLphp's clock {offset} (libfaketime) → {code}"
    return run


def case_ssp_post_authnrequest(b):
    """SAML_AUTHN_REQUEST_BINDING=post: a signed HTTP-POST AuthnRequest (enveloped signature, SSP verifies it)."""
    b.sign_in(SSP, "b.simon", idp_entity_id=SSP_ENTITY_ID)
    return expect_signed_in(b, SSP_ENTITY_ID, signed="response, assertion")


def case_pysaml2_post_authnrequest(b):
    pysaml2_profile(sign="both")
    b.sign_in(PY, "b.simon", idp_entity_id=PY_ENTITY_ID)
    return expect_signed_in(b, PY_ENTITY_ID, signed="response, assertion")


def case_ssp_idp_initiated_accepted(b):
    """SAML_ALLOW_IDP_INITIATED=true: accepted; the IdP's RelayState (a local path) is followed."""
    idp_initiated(b, SP_ENTITY_ID, "/?via=idp")
    detail = expect_signed_in(b, SSP_ENTITY_ID, path="/?via=idp")
    captured["idp-initiated"] = b.captured_acs_post()
    return detail


def case_ssp_idp_initiated_replay(b):
    """The accepted IdP-initiated Response, POSTed again → the replay cache refuses it."""
    check("idp-initiated" in captured, "nothing captured (previous case failed)")
    return expect_rejected(replay(captured["idp-initiated"]), "replayDetected")


def case_ssp_wrong_entity_id(b):
    """SimpleSAMLphp has the SP registered under another entityID (IdP-initiated from that registration) → Audience."""
    register_ssp(f"alias={OTHER_SP}")
    try:
        idp_initiated(b, OTHER_SP, "/")
        return expect_rejected(b, "audienceMismatch")
    finally:
        register_ssp()


def case_idps_verify_request_signatures(b):
    """Control for the cases above: both IdPs check the example's signed AuthnRequests (one flipped bit in the
    Redirect signature → refused; the untouched one → login form)."""
    results = []
    for idp_entity_id, name, says in ((SSP_ENTITY_ID, "SimpleSAMLphp", "Unable to validate signature"),
                                      (PY_ENTITY_ID, "pysaml2", "signature does not verify")):
        login = requests.get(f"{SP_DIRECT}/saml/login", params={"returnTo": "/", "idp": idp_entity_id},
                             allow_redirects=False, timeout=5)
        check(login.status_code == 302, f"/saml/login answered {login.status_code}")
        good = login.headers["Location"]
        check("&Signature=" in good and "&SigAlg=" in good, f"unsigned Redirect AuthnRequest: {good[:120]}")
        head, signature = good.split("&Signature=", 1)
        raw = bytearray(base64.b64decode(urllib.parse.unquote(signature)))
        raw[10] ^= 1
        bad = head + "&Signature=" + urllib.parse.quote(base64.b64encode(bytes(raw)).decode(), safe="")
        refused = requests.get(bad, timeout=10, allow_redirects=False)
        check('id="password"' not in refused.text and says in refused.text,
              f"{name} did not refuse a tampered AuthnRequest signature ({refused.status_code}): {refused.text[:200]!r}")
        accepted = requests.get(good, timeout=10, allow_redirects=True)
        check(accepted.status_code == 200 and 'id="password"' in accepted.text,
              f"{name} refused the untampered AuthnRequest ({accepted.status_code})")
        results.append(f"{name}: {says!r}")
    return "; ".join(results)


# (name, SP settings, function); the SP restarts when the settings change.
DEFAULT, POST, UNSOLICITED = {}, {"SAML_AUTHN_REQUEST_BINDING": "post"}, {"SAML_ALLOW_IDP_INITIATED": "true"}
def case_ssp_library_preset_rejects(b):
    """SAML_MAPPING_PRESET=azure-ad (the library's Entra ID preset, uid ← objectidentifier): SimpleSAMLphp sends no
    objectidentifier claim, so the required field is missing → 403, logged missingRequired."""
    b.sign_in(SSP, "b.simon", idp_entity_id=SSP_ENTITY_ID)
    return expect_rejected(b, "missingRequired")


AZURE_PRESET = {"SAML_MAPPING_PRESET": "azure-ad"}

CASES = [
    ("ssp-signed-both-redirect", DEFAULT, case_ssp_signed_both_redirect),
    ("ssp-replay-sp-initiated", DEFAULT, case_ssp_replay),
    ("ssp-signed-assertion-only", DEFAULT, case_ssp_signed_assertion),
    ("ssp-signed-response-only", DEFAULT, case_ssp_signed_response),
    ("ssp-encrypted-assertion", DEFAULT, case_ssp_encrypted_assertion),
    ("ssp-non-ascii-and-markup", DEFAULT, case_ssp_non_ascii_markup),
    ("open-redirect-ignored", DEFAULT, case_open_redirect),
    ("ssp-idp-initiated-rejected", DEFAULT, case_ssp_idp_initiated_rejected),
    ("pysaml2-signed-both", DEFAULT, case_pysaml2_signed_both),
    ("pysaml2-signed-assertion-only", DEFAULT, case_pysaml2_signed_assertion),
    ("pysaml2-wrong-audience", DEFAULT, case_pysaml2_wrong_audience),
    ("pysaml2-key-not-in-metadata", DEFAULT, case_pysaml2_key_not_in_metadata),
    ("status-page", DEFAULT, case_status_page),
    ("idps-verify-request-signatures", DEFAULT, case_idps_verify_request_signatures),
    ("ssp-clock-behind-1h", DEFAULT, clock_case("-1h", "subjectConfirmationExpired")),
    ("ssp-clock-ahead-1h", DEFAULT, clock_case("+1h", "assertionNotYetValid")),
    ("ssp-post-authnrequest", POST, case_ssp_post_authnrequest),
    ("pysaml2-post-authnrequest", POST, case_pysaml2_post_authnrequest),
    ("ssp-idp-initiated-accepted", UNSOLICITED, case_ssp_idp_initiated_accepted),
    ("ssp-idp-initiated-replay", UNSOLICITED, case_ssp_idp_initiated_replay),
    ("ssp-wrong-sp-entity-id", UNSOLICITED, case_ssp_wrong_entity_id),
    ("ssp-library-preset-missing-field", AZURE_PRESET, case_ssp_library_preset_rejects),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sp-binary", required=True, type=pathlib.Path)
    ap.add_argument("cases", nargs="*", help="run only these cases (default: all)")
    a = ap.parse_args()
    unknown = set(a.cases) - {n for n, _, _ in CASES}
    if unknown:
        ap.error(f"unknown cases: {', '.join(sorted(unknown))}")
    selected = [c for c in CASES if not a.cases or c[0] in a.cases]

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)

    for port, var in ((SP_PORT, "E2E_SP_PORT"), (SSP_PORT, "E2E_SSP_PORT"), (PY_PORT, "E2E_PYSAML2_PORT")):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                print(f"E2E: port {port} on 127.0.0.1 is in use; choose another with {var}=...", flush=True)
                print("E2E: 0 passed, 1 failed", flush=True)
                return 1
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "logs").mkdir(parents=True)
    (OUT / "sp").mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "365",
                    "-subj", "/CN=swift-saml example SP (e2e)", "-keyout", OUT / "sp/sp.key", "-out", OUT / "sp/sp.crt"],
                   check=True, capture_output=True)
    t0 = time.monotonic()
    passed = failed = 0
    browser = None
    try:
        start_ssp()
        start_pysaml2()
        browser = Browser()
        print(f"E2E: SP {SP}, SimpleSAMLphp {SSP}, pysaml2 {PY}, Chromium {browser.version}; logs in {OUT / 'logs'}",
              flush=True)
        for name, settings, run in selected:
            t = time.monotonic()
            try:
                if SPConfig.current != settings or not procs.alive("sp"):
                    start_sp(a.sp_binary, **settings)
                browser.fresh()
                detail = run(browser)
                passed += 1
                print(f"PASS {name} ({time.monotonic() - t:.1f}s): {detail}", flush=True)
            except Failed as e:
                failed += 1
                print(f"FAIL {name} ({time.monotonic() - t:.1f}s): {e}", flush=True)
                try:
                    browser.d.save_screenshot(str(OUT / "logs" / f"{name}.png"))
                except Exception:  # noqa: BLE001
                    pass
            except Exception as e:  # noqa: BLE001 - a broken case must not stop the others
                failed += 1
                print(f"FAIL {name} ({time.monotonic() - t:.1f}s): {type(e).__name__}: {e}", flush=True)
                traceback.print_exc(file=open(OUT / "logs" / f"{name}.traceback", "w"))
    except KeyboardInterrupt as e:
        print(f"E2E: interrupted ({e})", flush=True)
        failed += 1
    except Failed as e:
        print(f"E2E: setup failed: {e}", flush=True)
        failed += 1
    finally:
        if browser:
            try:
                browser.quit()
            except Exception:  # noqa: BLE001
                pass
        procs.stop_all()
    if failed:
        print(f"E2E: logs in {OUT / 'logs'} (sp.log, ssp.log, pysaml2.log; ssp/log/simplesamlphp.log)", flush=True)
    print(f"E2E: wall time {time.monotonic() - t0:.0f}s", flush=True)
    print(f"E2E: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

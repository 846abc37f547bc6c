#!/usr/bin/python3
"""Two SP instances, one PostgreSQL (issue 13): instance A is the Hummingbird example, instance B the Vapor example,
both with the same DATABASE_URL, keys and public URL (as behind a load balancer), against real IdPs (pysaml2 and
SimpleSAMLphp), driven over HTTP with requests (no browser: nothing here is clicked by a person).

1. A login started on A (AuthnRequest, pending request in PostgreSQL) and answered by pysaml2 completes on B.
2. The same SAMLResponse posted again to A is refused (inResponseToMismatch: the pending request was taken once, on B).
3. An IdP-initiated SAMLResponse from SimpleSAMLphp accepted on B is refused on A as a replay (replayDetected: the
   replay cache is the shared table).
4. PostgreSQL stopped during a stream of logins: every login and every ACS post in that window is refused with 503 and
   a reference that is in the SP's log (fault=unavailable), none is accepted; after PostgreSQL restarts, logins succeed
   again within seconds, with no restart of the SPs, and the ACS posts refused during the outage can still complete
   (a refusal consumed nothing).

usage: Tests/E2E/two_instances.py --hummingbird PATH --vapor PATH   (run.sh runs it after the browser suites)
Environment: E2E_OUT (its own folder), E2E_SSP_PORT, E2E_PYSAML2_PORT, TWO_A_PORT (18490), TWO_B_PORT (18491).
Prints one line per step and `TWO-INSTANCES: N passed, M failed`; exits 1 on any failure.
"""
import argparse
import concurrent.futures
import html.parser
import os
import pathlib
import re
import subprocess
import sys
import time
import urllib.parse

import requests

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import e2e  # noqa: E402  (its process handling, IdP start-up and registration)
from e2e import Failed, check, procs  # noqa: E402

ROOT = e2e.ROOT
OUT = e2e.OUT
A_PORT = int(os.environ.get("TWO_A_PORT", "18490"))
B_PORT = int(os.environ.get("TWO_B_PORT", "18491"))
PUBLIC = f"http://localhost:{A_PORT}"     # the public URL both instances are configured with
A = f"http://127.0.0.1:{A_PORT}"
B = f"http://127.0.0.1:{B_PORT}"
PG_STATE = OUT / "postgres-state"


def postgres(*args):
    p = subprocess.run([ROOT / "scripts/postgres.sh", *args], capture_output=True, text=True,
                       env={**os.environ, "SAML_POSTGRES_STATE": str(PG_STATE)})
    check(p.returncode == 0, f"postgres.sh {' '.join(args)}: {p.stderr.strip()}")
    return p.stdout.strip()


class Form(html.parser.HTMLParser):
    """The first form of a page: its action and its inputs' names and values."""

    def __init__(self, page):
        super().__init__()
        self.action, self.fields, self.inside = None, {}, False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None:
            self.action, self.inside = a.get("action", ""), True
        elif tag == "input" and self.inside and a.get("name"):
            self.fields[a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def start_instance(name, binary, port, database_url):
    env = {
        "SP_HOST": "127.0.0.1", "SP_PORT": str(port), "SP_BASE_URL": PUBLIC,
        "SAML_IDP_METADATA": f"{e2e.SSP}/saml2/idp/metadata.php,{e2e.PY}/metadata",
        "SAML_SP_KEY": str(OUT / "sp" / "sp.key"), "SAML_SP_CERT": str(OUT / "sp" / "sp.crt"),
        "SAML_ALLOW_IDP_INITIATED": "true", "DATABASE_URL": database_url, "DATABASE_POOL_SIZE": "4", "LOG_LEVEL": "info",
    }
    procs.start(name, [binary], env=env)
    e2e.wait_http(f"http://127.0.0.1:{port}/healthz", name)
    return procs.running[name][0].pid


def answered_by_pysaml2(start_at):
    """Starts a login on `start_at` (Redirect binding) and logs in at pysaml2: the form the IdP's page would post."""
    s = requests.Session()
    r = s.get(f"{start_at}/saml/login", params={"returnTo": "/two", "idp": e2e.PY_ENTITY_ID}, allow_redirects=False, timeout=10)
    check(r.status_code == 302 and r.headers["Location"].startswith(e2e.PY), f"login on {start_at}: {r.status_code} {r.text[:200]!r}")
    login = s.get(r.headers["Location"], timeout=10)
    form = Form(login.text)
    check("key" in form.fields, f"pysaml2 login page: {login.text[:200]!r}")
    done = s.post(f"{e2e.PY}/login", data={"key": form.fields["key"], "username": "b.simon", "password": "password"}, timeout=10)
    post = Form(done.text)
    check("SAMLResponse" in post.fields, f"pysaml2 answered {done.status_code}: {done.text[:200]!r}")
    return post.fields


def answered_by_ssp_unsolicited():
    """An IdP-initiated login at SimpleSAMLphp: the form its page would post to the ACS."""
    s = requests.Session()
    r = s.get(f"{e2e.SSP_SSO}?" + urllib.parse.urlencode({"spentityid": f"{PUBLIC}/saml/metadata", "RelayState": "/unsolicited"}),
              timeout=10)
    form = Form(r.text)
    check("password" in form.fields or 'id="password"' in r.text, f"SimpleSAMLphp login page: {r.status_code} {r.text[:200]!r}")
    data = {**form.fields, "username": "b.simon", "password": "password"}
    done = s.post(urllib.parse.urljoin(r.url, form.action or r.url), data=data, timeout=10)
    post = Form(done.text)
    check("SAMLResponse" in post.fields, f"SimpleSAMLphp answered {done.status_code}: {done.text[:300]!r}")
    return post.fields


def post_acs(base, fields):
    return requests.post(f"{base}/saml/acs", data=fields, allow_redirects=False, timeout=30)


def session_cookie(r):
    return r.cookies.get("SAML_SESSION")


def logged(name, reference):
    """The SP log line of `reference` (the page shows the reference; the log names the check)."""
    token = re.compile(r"(^|\s)saml\.reference=" + re.escape(reference) + r"(\s|$)")
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        for line in procs.log(name).read_text(errors="replace").splitlines():
            if token.search(line):
                return line
        time.sleep(0.1)
    raise Failed(f"no {name} log line with saml.reference={reference}")


def refused(r, name, status, code=None, fault=None):
    check(r.status_code == status, f"{name}: HTTP {r.status_code}, expected {status}: {r.text[:200]!r}")
    check(session_cookie(r) is None, f"{name}: a session cookie came with the refusal")
    m = re.search(r'id="reference">([^<]+)<', r.text)
    check(m, f"{name}: no reference on the page")
    line = logged(name, m.group(1))
    if code:
        check(f"saml.code={code}" in line, f"{name} logged {line!r}, expected code {code}")
    if fault:
        check(f"saml.fault={fault}" in line, f"{name} logged {line!r}, expected fault {fault}")
    return m.group(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hummingbird", required=True, type=pathlib.Path)
    ap.add_argument("--vapor", required=True, type=pathlib.Path)
    a = ap.parse_args()
    passed = failed = 0

    def step(name, run):
        nonlocal passed, failed
        t = time.monotonic()
        try:
            detail = run()
            passed += 1
            print(f"PASS {name} ({time.monotonic() - t:.1f}s): {detail}", flush=True)
        except Failed as e:
            failed += 1
            print(f"FAIL {name} ({time.monotonic() - t:.1f}s): {e}", flush=True)
            raise

    (OUT / "logs").mkdir(parents=True, exist_ok=True)
    (OUT / "sp").mkdir(exist_ok=True)
    (OUT / "pysaml2").mkdir(exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "365",
                    "-subj", "/CN=swift-saml example SP (two instances)", "-keyout", OUT / "sp/sp.key", "-out", OUT / "sp/sp.crt"],
                   check=True, capture_output=True)
    try:
        url = postgres("start")
        e2e.start_ssp()
        e2e.start_pysaml2()
        pid_a = start_instance("sp-a", a.hummingbird, A_PORT, url)
        pid_b = start_instance("sp-b", a.vapor, B_PORT, url)
        md = requests.get(f"{A}/saml/metadata", timeout=5)
        md_b = requests.get(f"{B}/saml/metadata", timeout=5)
        entity = re.compile(r'entityID="([^"]+)"')
        check(md.status_code == 200 and md_b.status_code == 200 and entity.search(md.text).group(1) == entity.search(md_b.text).group(1)
              == f"{PUBLIC}/saml/metadata", "the two instances publish different entityIDs")
        (OUT / "sp-metadata.xml").write_bytes(md.content)
        (OUT / "pysaml2" / "sp-metadata.xml").write_bytes(md.content)
        e2e.register_ssp()
        print(f"TWO-INSTANCES: A {A} (HummingbirdSP), B {B} (VaporSP), public URL {PUBLIC}, PostgreSQL {url}", flush=True)
        kept = {}

        def started_on_a_completes_on_b():
            fields = answered_by_pysaml2(A)
            r = post_acs(B, fields)
            check(r.status_code == 303 and r.headers.get("Location") == "/two", f"B answered {r.status_code} {r.headers.get('Location')!r}: {r.text[:200]!r}")
            cookie = session_cookie(r)
            check(cookie, "no session cookie from B")
            me = requests.get(f"{B}/me", cookies={"SAML_SESSION": cookie}, timeout=5)
            check(me.status_code == 200 and me.json().get("uid") == "b.simon", f"B /me: {me.status_code} {me.text!r}")
            kept["sp-initiated"] = fields
            return "303 to /two on B, /me on B shows b.simon"

        def replay_on_a_refused():
            code = "inResponseToMismatch"
            ref = refused(post_acs(A, kept["sp-initiated"]), "sp-a", 403, code=code, fault="client")
            return f"403 on A, logged {code} (ref {ref})"

        def replay_cache_shared():
            fields = answered_by_ssp_unsolicited()
            r = post_acs(B, fields)
            check(r.status_code == 303 and r.headers.get("Location") == "/unsolicited", f"B answered {r.status_code}: {r.text[:200]!r}")
            ref = refused(post_acs(A, fields), "sp-a", 403, code="replayDetected", fault="client")
            ref_b = refused(post_acs(B, fields), "sp-b", 403, code="replayDetected", fault="client")
            return f"accepted on B; replayed on A → 403 replayDetected (ref {ref}); on B again → 403 (ref {ref_b})"

        def outage():
            in_flight = [answered_by_pysaml2(A) for _ in range(3)]   # answered by the IdP, not yet posted
            postgres("pause")
            t0 = time.monotonic()
            outcomes = []

            def stream(worker):
                # A stream of logins from 6 clients at once: each starts a login on A and posts an answered one to B.
                i = worker
                while time.monotonic() - t0 < 8:
                    r = requests.get(f"{A}/saml/login", params={"returnTo": "/x", "idp": e2e.PY_ENTITY_ID}, allow_redirects=False, timeout=30)
                    refused(r, "sp-a", 503, fault="unavailable")
                    outcomes.append(("A login", r.status_code))
                    r = post_acs(B, in_flight[i % len(in_flight)])
                    refused(r, "sp-b", 503, fault="unavailable")
                    outcomes.append(("B acs", r.status_code))
                    i += 1
            with concurrent.futures.ThreadPoolExecutor(6) as pool:
                for result in [pool.submit(stream, w) for w in range(6)]:
                    result.result()   # re-raises a worker's Failed
            postgres("resume")
            t1 = time.monotonic()
            while True:
                try:
                    fields = answered_by_pysaml2(A)
                    r = post_acs(B, fields)
                    if r.status_code == 303:
                        break
                except Failed:
                    pass
                check(time.monotonic() - t1 < 15, "logins did not succeed within 15 s of PostgreSQL's restart")
                time.sleep(0.2)
            recovered = time.monotonic() - t1
            check(procs.running["sp-a"][0].pid == pid_a and procs.alive("sp-a"), "instance A restarted or died")
            check(procs.running["sp-b"][0].pid == pid_b and procs.alive("sp-b"), "instance B restarted or died")
            late = [post_acs(B, fields).status_code for fields in in_flight]
            check(late == [303, 303, 303], f"the in-flight responses after recovery: {late}")
            return (f"{len(outcomes)} attempts in {t1 - t0:.1f}s of outage all 503 with a logged reference, none accepted; "
                    f"a full login succeeded {recovered:.1f}s after the restart; the 3 refused ACS posts completed afterwards")

        for name, run in (("started-on-A-completes-on-B", started_on_a_completes_on_b),
                          ("replay-on-A-refused", replay_on_a_refused),
                          ("replay-cache-shared", replay_cache_shared),
                          ("postgres-outage-fails-closed", outage)):
            try:
                step(name, run)
            except Failed:
                if name == "started-on-A-completes-on-B":
                    break
    except Failed as e:
        failed += 1
        print(f"TWO-INSTANCES: setup failed: {e}", flush=True)
    finally:
        procs.stop_all()
        try:
            postgres("stop")
        except Failed as e:
            print(f"TWO-INSTANCES: {e}", flush=True)
    if failed:
        print(f"TWO-INSTANCES: logs in {OUT / 'logs'} (sp-a.log, sp-b.log, ssp.log, pysaml2.log)", flush=True)
    print(f"TWO-INSTANCES: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""The multi-organisation setup flow in a real browser (issue 14): Examples/TenantsApp with two tenants and two IdPs.

In headless Chromium an admin signs in to the console with the token and, for each tenant, walks the wizard:
creates the organisation, downloads its SP metadata (the test registers that file at the tenant's IdP), uploads the
IdP's metadata (the parsed entityID, SSO URL and certificates are shown), tries "Require certificate signed by a
certificate authority" (refused at once for SimpleSAMLphp's self-signed certificate; accepted for pysaml2's
certificate issued by the fixtures' Root CA A), tries to enable before testing (refused: testRequired), runs
"Test SSO connection" in a new tab — first against metadata with the wrong certificate (the failed check is shown),
then the right one ("This test was successful") — and enables single sign-on. Then a user of each tenant signs in
through /login?email= and /me shows the tenant, and a response for one tenant is refused at the other's ACS.
Screenshots of each wizard step go to $E2E_OUT/screenshots (README's come from there).

usage: Tests/E2E/tenants.py --app PATH [--database-url URL]   (run.sh runs it on SQLite and on PostgreSQL)
Environment: E2E_OUT, E2E_SSP_PORT, E2E_PYSAML2_PORT, TENANTS_PORT (18495).
Prints one line per step and `TENANTS: N passed, M failed`; exits 1 on any failure.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import e2e  # noqa: E402
from e2e import Failed, check, procs  # noqa: E402

ROOT, OUT = e2e.ROOT, e2e.OUT
PORT = int(os.environ.get("TENANTS_PORT", "18495"))
APP = f"http://localhost:{PORT}"
DIRECT = f"http://127.0.0.1:{PORT}"
TOKEN = "e2e-admin-token-0123456789"
SHOTS = OUT / "screenshots"
RULES = json.dumps({"rules": [
    {"field": "uid", "sources": [{"attribute": "uid"}, {"attribute": "urn:oid:0.9.2342.19200300.100.1.1"}]},
    {"field": "email", "sources": [{"attribute": "mail"}, {"attribute": "urn:oid:0.9.2342.19200300.100.1.3"}], "required": False},
    {"field": "displayName", "sources": [{"attribute": "displayName"}, {"attribute": "urn:oid:2.16.840.1.113730.3.1.241"}], "required": False},
    {"field": "groups", "sources": [{"attribute": "groups"}, {"attribute": "urn:oid:1.3.6.1.4.1.5923.1.5.1.1"}],
     "required": False, "multiplicity": "multiple"},
]})


def shot(b, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = b.d.execute_script("return document.documentElement.scrollHeight")
    b.d.set_window_size(1100, max(700, min(height + 40, 2400)))
    b.d.save_screenshot(str(SHOTS / f"{name}.png"))
    b.d.set_window_size(1100, 900)


def set_value(b, element_id, text):
    b.d.execute_script("document.getElementById(arguments[0]).value = arguments[1]", element_id, text)


def wizard(b, tenant):
    b.d.get(f"{APP}/admin/tenants/{tenant}")
    b.wait(lambda d: d.find_elements(By.ID, "state"), f"the wizard of {tenant}")


def state(b):
    return b.text("#state")


def submit(b, button_id, what):
    """Clicks a form's button and waits for the next page: the old page's body must go stale first (its elements
    would otherwise satisfy the wait before the browser has navigated)."""
    old = b.d.find_element(By.TAG_NAME, "body")
    b.d.find_element(By.ID, button_id).click()

    def gone(_):
        try:
            old.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
    b.wait(gone, f"{what} (the page to change)")
    b.wait(lambda d: d.execute_script("return document.readyState") == "complete" and d.find_elements(By.ID, "state"), what)


def upload_metadata(b, tenant, xml):
    wizard(b, tenant)
    set_value(b, "idp-xml", xml)
    submit(b, "upload-idp", "the wizard after the upload")


def save_settings(b, tenant, require_ca=False, bundle="", rules=RULES):
    wizard(b, tenant)
    box = b.d.find_element(By.ID, "require-ca")
    if box.is_selected() != require_ca:
        box.click()
    set_value(b, "ca-bundle", bundle)
    b.d.execute_script("document.getElementById('mapping').value = 'rules'")
    set_value(b, "rules", rules)
    submit(b, "save-settings", "the wizard after saving")


def run_test(b, tenant, idp_base, expect):
    """Test SSO connection: the form opens a new tab, which signs in at the IdP; the console's test page shows it."""
    wizard(b, tenant)
    console = b.d.current_window_handle
    before = set(b.d.window_handles)
    b.d.find_element(By.ID, "test-sso").click()
    b.wait(lambda d: len(set(d.window_handles) - before) == 1, "the test's new tab")
    tab = (set(b.d.window_handles) - before).pop()
    b.d.switch_to.window(tab)
    at_acs = lambda d: d.current_url.startswith(f"{APP}/sso/{tenant}/acs") and d.find_elements(By.ID, "test-status")  # noqa: E731
    # The IdP asks for the password, or (a session there from an earlier test) answers at once.
    b.wait(lambda d: at_acs(d) or (d.current_url.startswith(idp_base) and d.find_elements(By.ID, "password")), "the IdP or the result")
    if not at_acs(b.d):
        b.login_at_idp(idp_base, "b.simon")
    b.wait(at_acs, "the test's result tab")
    result = b.text("#test-status")
    b.d.close()
    b.d.switch_to.window(console)
    b.d.get(f"{APP}/admin/tenants/{tenant}/test")
    b.wait(lambda d: d.find_elements(By.ID, "test-status"), "the console's test page")
    shown = b.text("#test-status")
    check(expect in shown and expect in result, f"test shown as {shown!r} (tab: {result!r}), expected {expect!r}")
    return shown


def sign_in(b, email, idp_base, tenant):
    b.fresh()
    b.d.get(f"{APP}/login?" + urllib.parse.urlencode({"email": email}))
    b.login_at_idp(idp_base, "b.simon")   # fresh(): no session at the IdP either
    b.wait(lambda d: d.current_url.startswith(APP) and d.find_elements(By.ID, "tenant"), "the signed-in page")
    check(b.text("#tenant") == tenant and b.text("#uid") == "b.simon", f"signed in as {b.text('#tenant')!r}/{b.text('#uid')!r}")
    cookie = b.d.get_cookie("SAML_SESSION")
    me = requests.get(f"{DIRECT}/me", cookies={"SAML_SESSION": cookie["value"]}, timeout=5).json()
    check(me["tenant"] == tenant and me["uid"] == "b.simon", f"/me {me}")
    return me


def download_sp_metadata(b, tenant, downloads):
    for old in downloads.glob("*"):
        old.unlink()
    wizard(b, tenant)
    b.d.find_element(By.ID, "download-sp-metadata").click()
    target = downloads / f"{tenant}-sp-metadata.xml"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not target.exists():
        time.sleep(0.1)
    check(target.exists(), f"the SP metadata download of {tenant} did not arrive")
    xml = target.read_text()
    check(f'entityID="{APP}/sso/{tenant}/metadata"' in xml, "the downloaded SP metadata names another entityID")
    return target


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", required=True, type=pathlib.Path)
    ap.add_argument("--database-url")
    a = ap.parse_args()
    passed = failed = 0
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "logs").mkdir(parents=True)
    (OUT / "pysaml2").mkdir()
    downloads = OUT / "downloads"
    downloads.mkdir()
    # pysaml2 publishes and signs with a certificate issued by the fixtures' Root CA A (valid 2026-01-01…2028-01-01).
    shutil.copy(ROOT / "Fixtures/chains/leaf-depth1.key", OUT / "pysaml2/idp.key")
    shutil.copy(ROOT / "Fixtures/chains/leaf-depth1.crt", OUT / "pysaml2/idp.crt")
    bundle = (ROOT / "Fixtures/chains/anchors-a.pem").read_text()
    browser = None

    def step(name, run):
        nonlocal passed, failed
        t = time.monotonic()
        try:
            detail = run()
            passed += 1
            print(f"PASS {name} ({time.monotonic() - t:.1f}s): {detail}", flush=True)
        except Exception as e:  # noqa: BLE001 - a failed step ends the walk (the next ones build on it)
            failed += 1
            print(f"FAIL {name} ({time.monotonic() - t:.1f}s): {type(e).__name__}: {e}", flush=True)
            try:
                browser.d.save_screenshot(str(OUT / "logs" / f"{name}.png"))
            except Exception:  # noqa: BLE001
                pass
            raise Failed(name) from e

    try:
        e2e.start_ssp()
        # pysaml2 needs an SP metadata file to start; the real one replaces it once downloaded.
        (OUT / "pysaml2/sp-metadata.xml").write_text('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
                                                    'entityID="urn:placeholder"><md:SPSSODescriptor protocolSupportEnumeration='
                                                    '"urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>')
        e2e.start_pysaml2()
        env = {"SP_HOST": "127.0.0.1", "SP_PORT": str(PORT), "SP_BASE_URL": APP, "SAML_ADMIN_TOKEN": TOKEN,
               "SAML_STATE_DIR": str(OUT / "state"), "LOG_LEVEL": "info"}
        if a.database_url:
            env["DATABASE_URL"] = a.database_url
        procs.start("app", [a.app], env=env)
        e2e.wait_http(f"{DIRECT}/healthz", "app")
        browser = e2e.Browser()
        b = browser
        b.d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        ssp_md = requests.get(f"{e2e.SSP}/saml2/idp/metadata.php", timeout=5).text
        py_md = requests.get(f"{e2e.PY}/metadata", timeout=5).text
        store = "PostgreSQL" if a.database_url else "SQLite"
        print(f"TENANTS: app {APP} ({store}), SimpleSAMLphp {e2e.SSP}, pysaml2 {e2e.PY}, Chromium {b.version}", flush=True)

        def console_sign_in():
            b.fresh()
            b.d.get(f"{APP}/admin")
            b.wait(lambda d: d.find_elements(By.ID, "token"), "the console's sign-in")
            b.d.find_element(By.ID, "token").send_keys("wrong-token")
            b.d.find_element(By.ID, "sign-in").click()
            b.wait(lambda d: d.find_elements(By.ID, "error"), "the refusal")
            b.d.find_element(By.ID, "token").send_keys(TOKEN)
            b.d.find_element(By.ID, "sign-in").click()
            b.wait(lambda d: d.current_url == f"{APP}/admin", "the tenant list")
            return "wrong token refused; signed in"

        def create(tenant, name, domain):
            def run():
                b.d.get(f"{APP}/admin")
                b.d.find_element(By.ID, "new-id").send_keys(tenant)
                b.d.find_element(By.ID, "new-name").send_keys(name)
                b.d.find_element(By.ID, "new-domains").send_keys(domain)
                b.d.find_element(By.ID, "create").click()
                b.wait(lambda d: d.current_url == f"{APP}/admin/tenants/{tenant}", f"the wizard of {tenant}")
                check(state(b) == "unconfigured", f"state {state(b)!r}")
                if tenant == "acme":
                    shot(b, "1-wizard-new-organisation")
                return f"{tenant} ({domain}): unconfigured"
            return run

        def lookalike():
            b.d.get(f"{APP}/admin")
            b.d.find_element(By.ID, "new-id").send_keys("acme-two")
            b.d.find_element(By.ID, "new-name").send_keys("Look-alike")
            b.d.find_element(By.ID, "new-domains").send_keys("\u0430cme.example")   # a Cyrillic а
            b.d.find_element(By.ID, "create").click()
            b.wait(lambda d: d.find_elements(By.ID, "error"), "the refusal")
            check(b.text("#error").startswith("confusableWithExisting"), b.text("#error"))
            return b.text("#error")

        def setup_acme():
            sp = download_sp_metadata(b, "acme", downloads)
            p = subprocess.run(["php", ROOT / "scripts/e2e/ssp/register.php", sp, OUT / "ssp", "saml20.sign.assertion=true"],
                               capture_output=True, text=True)
            check(p.returncode == 0, f"register.php: {p.stderr}")
            # Wrong certificate first: SimpleSAMLphp's metadata with another certificate in it.
            wrong_cert = "".join(l for l in (ROOT / "Fixtures/keys/idp-rsa2048.crt").read_text().splitlines() if not l.startswith("-----"))
            wrong = re.sub(r"<ds:X509Certificate>[^<]+</ds:X509Certificate>", f"<ds:X509Certificate>{wrong_cert}</ds:X509Certificate>", ssp_md)
            upload_metadata(b, "acme", wrong)
            check(state(b) == "configured", f"state {state(b)!r} after upload")
            check(b.text("#idp-entity-id") == e2e.SSP_ENTITY_ID, f"shown entityID {b.text('#idp-entity-id')!r}")
            save_settings(b, "acme")
            return "SP metadata downloaded and registered at SimpleSAMLphp; IdP metadata (wrong certificate) accepted"

        def acme_enable_refused():
            wizard(b, "acme")
            b.d.find_element(By.ID, "enable").click()
            b.wait(lambda d: "testRequired" in d.page_source or "Test required" in d.title, "the refusal")
            return "enable before a passing test: testRequired"

        def acme_failing_test():
            shown = run_test(b, "acme", e2e.SSP, "The test failed")
            check(b.text("#failed-check") == "signatureInvalid", f"failed check {b.text('#failed-check')!r}")
            shot(b, "4-test-failed")
            return f"failed check signatureInvalid: {b.text('#failed-detail')[:80]}…"

        def acme_require_ca_refused():
            upload_metadata(b, "acme", ssp_md)
            shot(b, "2-idp-metadata-uploaded")
            save_settings(b, "acme", require_ca=True, bundle=bundle)
            check(b.text("#error").startswith("caRequirementNotMet: selfSignedLeafInCAMode"), f"shown {b.text('#error')!r}")
            shot(b, "3-require-ca-refused")
            return b.text("#error")[:90]

        def acme_passing_test():
            run_test(b, "acme", e2e.SSP, "This test was successful")
            check(state(b) == "tested", f"state {state(b)!r}")
            shot(b, "5-test-successful")
            b.d.find_element(By.ID, "enable").click()
            b.wait(lambda d: d.find_elements(By.ID, "enabled"), "enabled")
            check(state(b) == "enabled", f"state {state(b)!r}")
            shot(b, "6-enabled")
            return "This test was successful — enabled"

        def setup_globex():
            sp = download_sp_metadata(b, "globex", downloads)
            shutil.copy(sp, OUT / "pysaml2" / "sp-metadata.xml")
            upload_metadata(b, "globex", py_md)
            check(b.text("#idp-entity-id") == e2e.PY_ENTITY_ID, f"shown entityID {b.text('#idp-entity-id')!r}")
            save_settings(b, "globex", require_ca=True, bundle=bundle)
            check(not b.d.find_elements(By.ID, "error"), f"require-CA refused: {b.text('#error')!r}")
            check(b.d.find_element(By.ID, "require-ca").is_selected(), "require-CA not kept")
            run_test(b, "globex", e2e.PY, "This test was successful")
            b.d.find_element(By.ID, "enable").click()
            b.wait(lambda d: d.find_elements(By.ID, "enabled"), "enabled")
            return "pysaml2 with a CA-issued certificate: require-CA accepted, tested, enabled"

        def users_sign_in():
            acme = sign_in(b, "b.simon@acme.example", e2e.SSP, "acme")
            shot(b, "7-user-signed-in")
            globex = sign_in(b, "b.simon@globex.example", e2e.PY, "globex")
            r = requests.get(f"{DIRECT}/login", params={"email": "x@nowhere.example"}, allow_redirects=False, timeout=5)
            check(r.status_code == 404 and "not set up" in r.text, f"unknown domain: {r.status_code}")
            return f"acme: {acme['uid']} ({acme.get('email')}); globex: {globex['uid']}; unknown domain: not set up"

        def scim_provisioning():
            """Azure AD's provisioning sequence into globex over SCIM, then in the browser: provisioned → signs in;
            deactivated → the open session ends and sign-in is refused."""
            admin = {"Authorization": f"Bearer {TOKEN}"}
            r = requests.post(f"{DIRECT}/admin/api/tenants/globex/scim/token", headers=admin, timeout=10)
            check(r.status_code == 201, f"token: {r.status_code} {r.text}")
            scim = {"Authorization": f"Bearer {r.json()['token']}", "Content-Type": "application/scim+json"}
            base = f"{DIRECT}/scim/v2/globex"
            # Provisioning is on: b.simon is not provisioned yet, so the sign-in is refused.
            b.fresh()
            b.d.get(f"{APP}/login?" + urllib.parse.urlencode({"email": "b.simon@globex.example"}))
            b.login_at_idp(e2e.PY, "b.simon")
            b.wait(lambda d: "Sign-in refused" in d.title or "Not possible" in d.title, "the refusal")
            found = requests.get(f"{base}/Users", params={"filter": 'userName eq "b.simon"'}, headers=scim, timeout=10).json()
            check(found["totalResults"] == 0, f"lookup {found}")
            user = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "externalId": "b-simon-ext", "userName": "b.simon",
                    "active": True, "emails": [{"primary": True, "type": "work", "value": "b.simon@example.test"}],
                    "name": {"familyName": "Simon", "givenName": "B."}}
            r = requests.post(f"{base}/Users", json=user, headers=scim, timeout=10)
            check(r.status_code == 201, f"create: {r.status_code} {r.text}")
            user_id = r.json()["id"]
            patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                     "Operations": [{"op": "Replace", "path": "displayName", "value": "B. Simon"}]}
            check(requests.patch(f"{base}/Users/{user_id}", json=patch, headers=scim, timeout=10).status_code == 200, "attribute change")
            sign_in(b, "b.simon@globex.example", e2e.PY, "globex")
            session = b.d.get_cookie("SAML_SESSION")["value"]
            deactivate = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                          "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}
            check(requests.patch(f"{base}/Users/{user_id}", json=deactivate, headers=scim, timeout=10).status_code == 200, "deactivate")
            me = requests.get(f"{DIRECT}/me", cookies={"SAML_SESSION": session}, timeout=5)
            check(me.status_code == 401, f"/me after deactivation: {me.status_code}")
            b.fresh()
            b.d.get(f"{APP}/login?" + urllib.parse.urlencode({"email": "b.simon@globex.example"}))
            b.login_at_idp(e2e.PY, "b.simon")
            b.wait(lambda d: d.find_elements(By.ID, "reference"), "the refusal page")
            check(b.d.find_elements(By.ID, "tenant") == [], "signed in after deactivation")
            shot(b, "9-deactivated-user-refused")
            check(requests.delete(f"{base}/Users/{user_id}", headers=scim, timeout=10).status_code == 204, "delete")
            return "not provisioned: refused; provisioned: signed in; deactivated: session ended, sign-in refused; deleted"

        def audit_log():
            b.fresh()
            console_sign_in()
            b.d.get(f"{APP}/admin/tenants/acme/audit")
            actions = [e.text for e in b.d.find_elements(By.CSS_SELECTOR, "#audit tr.event td:nth-child(3)")]
            check(actions and actions[0] == "signin" and "sso.enable" in actions and "tenant.create" == actions[-1], f"audit {actions}")
            shot(b, "8-audit-log")
            return f"{len(actions)} events, newest {actions[0]}"

        for name, run in (("console-sign-in", console_sign_in), ("create-acme", create("acme", "Acme Corp", "acme.example")),
                          ("create-globex", create("globex", "Globex", "globex.example")), ("lookalike-refused", lookalike),
                          ("acme-setup", setup_acme), ("acme-enable-before-test-refused", acme_enable_refused),
                          ("acme-failing-test", acme_failing_test), ("acme-require-ca-refused", acme_require_ca_refused),
                          ("acme-passing-test-and-enable", acme_passing_test), ("globex-setup-ca-test-enable", setup_globex),
                          ("users-sign-in", users_sign_in), ("scim-provision-deactivate", scim_provisioning),
                          ("audit-log", audit_log)):
            step(name, run)
    except Failed as e:
        if str(e) and not str(e).startswith(("acme", "globex", "console", "create", "lookalike", "users", "audit", "scim")):
            failed += 1
            print(f"TENANTS: setup failed: {e}", flush=True)
    finally:
        if browser:
            try:
                browser.quit()
            except Exception:  # noqa: BLE001
                pass
        procs.stop_all()
    if failed:
        print(f"TENANTS: logs in {OUT / 'logs'} (app.log, ssp.log, pysaml2.log)", flush=True)
    print(f"TENANTS: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

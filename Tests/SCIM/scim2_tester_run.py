#!/usr/bin/env python3
"""scim2-tester (the SCIM compliance checker on PyPI) against a tenant's SCIM endpoint of Examples/TenantsApp (issue 15).

Starts the app on a free loopback port with a fresh SQLite state (or DATABASE_URL), creates a tenant and its SCIM token
through the admin API, runs every check scim2-tester makes for Users and Groups (`check_server`), prints one line per
check, and exits 1 if any check fails other than those listed in EXPECTED_FAILURES with the reason (README lists them).

usage: Tests/SCIM/scim2_tester_run.py --app PATH [--database-url URL]
"""
import argparse
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import httpx2 as httpx
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import check_server
from scim2_tester.utils import Status

TOKEN = "scim2-tester-admin-token-0123456789"
# Checks that do not pass, each with the reason (kept in README's SCIM section).
EXPECTED_FAILURES = {}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", required=True, type=pathlib.Path)
    ap.add_argument("--database-url")
    a = ap.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    state = tempfile.mkdtemp(prefix="scim2-tester-")
    env = {**os.environ, "SP_HOST": "127.0.0.1", "SP_PORT": str(port), "SP_BASE_URL": base, "SAML_ADMIN_TOKEN": TOKEN,
           "SAML_STATE_DIR": state, "LOG_LEVEL": "warning"}
    if a.database_url:
        env["DATABASE_URL"] = a.database_url
    log = open(pathlib.Path(state) / "app.log", "wb")
    app = subprocess.Popen([str(a.app)], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    failed = 0
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        admin = {"Authorization": f"Bearer {TOKEN}"}
        r = httpx.post(f"{base}/admin/api/tenants", headers=admin, json={"id": "acme", "name": "Acme", "domains": ["acme.example"]})
        assert r.status_code == 201, r.text
        token = httpx.post(f"{base}/admin/api/tenants/acme/scim/token", headers=admin).json()["token"]
        http = httpx.Client(base_url=f"{base}/scim/v2/acme", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        client = SyncSCIMClient(http)
        client.discover()
        results = check_server(client, resource_types=["User", "Group"])
        passed = 0
        for result in results:
            name = getattr(result, "title", None) or getattr(result, "check", None) or str(result)
            status = result.status
            reason = (getattr(result, "reason", "") or "").replace("\n", " ")[:int(os.environ.get("REASON_CHARS", "300"))]
            resource = getattr(result, "resource_type", None) or ""
            key = f"{name} {resource}".strip()
            if status in (Status.SUCCESS,):
                passed += 1
                print(f"PASS {key}", flush=True)
            elif status in (Status.SKIPPED,) if hasattr(Status, "SKIPPED") else ():
                print(f"SKIP {key}: {reason}", flush=True)
            elif key in EXPECTED_FAILURES:
                print(f"KNOWN {key}: {reason} (expected: {EXPECTED_FAILURES[key]})", flush=True)
            else:
                failed += 1
                print(f"FAIL {key} [{status}]: {reason}", flush=True)
        print(f"SCIM2-TESTER: {passed} passed, {failed} failed, {len(results)} checks", flush=True)
    finally:
        os.killpg(app.pid, 15)
        app.wait(timeout=10)
        if not failed:
            shutil.rmtree(state, ignore_errors=True)
        else:
            print(f"SCIM2-TESTER: app log in {state}/app.log", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

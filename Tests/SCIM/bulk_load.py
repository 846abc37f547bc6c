#!/usr/bin/env python3
"""Bulk provisioning through the SCIM API (issue 15): 10,000 users and 500 groups (20 members each, added by PATCH
as Azure AD does) into one tenant of Examples/TenantsApp, from N concurrent clients on loopback; prints requests/s and
p50/p99 per phase (create users, create groups, add members, filter lookups). Not part of CI: README has the figures.

usage: Tests/SCIM/bulk_load.py --app PATH [--database-url URL] [--users 10000] [--groups 500] [--clients 8]
"""
import argparse
import concurrent.futures
import os
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import httpx2 as httpx

TOKEN = "bulk-load-admin-token-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def phase(name, jobs, clients, make_client):
    latencies, errors = [], 0
    lock = threading.Lock()
    local = threading.local()

    def run(job):
        nonlocal errors
        if not hasattr(local, "client"):
            local.client = make_client()
        t = time.perf_counter()
        ok = job(local.client)
        dt = time.perf_counter() - t
        with lock:
            latencies.append(dt)
            if not ok:
                errors += 1

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(run, jobs))
    wall = time.perf_counter() - t0
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(f"{name:<28} {len(jobs):>6} requests  {len(jobs) / wall:>8.0f}/s  p50 {p(0.5):6.1f} ms  p99 {p(0.99):6.1f} ms  errors {errors}",
          flush=True)
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", required=True, type=pathlib.Path)
    ap.add_argument("--database-url")
    ap.add_argument("--users", type=int, default=10_000)
    ap.add_argument("--groups", type=int, default=500)
    ap.add_argument("--clients", type=int, default=8)
    a = ap.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    state = tempfile.mkdtemp(prefix="scim-bulk-")
    env = {**os.environ, "SP_HOST": "127.0.0.1", "SP_PORT": str(port), "SP_BASE_URL": base, "SAML_ADMIN_TOKEN": TOKEN,
           "SAML_STATE_DIR": state, "LOG_LEVEL": "warning", "DATABASE_POOL_SIZE": "8"}
    if a.database_url:
        env["DATABASE_URL"] = a.database_url
    app = subprocess.Popen([str(a.app)], env=env, stdout=open(pathlib.Path(state) / "app.log", "wb"), stderr=subprocess.STDOUT,
                           start_new_session=True)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        admin = {"Authorization": f"Bearer {TOKEN}"}
        assert httpx.post(f"{base}/admin/api/tenants", headers=admin, json={"id": "bulk", "name": "Bulk", "domains": ["bulk.example"]}).status_code == 201
        token = httpx.post(f"{base}/admin/api/tenants/bulk/scim/token", headers=admin).json()["token"]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
        make = lambda: httpx.Client(base_url=f"{base}/scim/v2/bulk", headers=headers, timeout=60)  # noqa: E731
        ids = [None] * a.users
        group_ids = [None] * a.groups

        def create_user(i):
            def job(c):
                r = c.post("/Users", json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": f"user{i}@bulk.example",
                                           "externalId": f"ext-{i}", "active": True, "name": {"givenName": f"U{i}", "familyName": "Bulk"},
                                           "emails": [{"value": f"user{i}@bulk.example", "type": "work", "primary": True}]})
                if r.status_code == 201:
                    ids[i] = r.json()["id"]
                return r.status_code == 201
            return job

        def create_group(g):
            def job(c):
                r = c.post("/Groups", json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": f"group {g}", "members": []})
                if r.status_code == 201:
                    group_ids[g] = r.json()["id"]
                return r.status_code == 201
            return job

        def add_members(g):
            def job(c):
                members = [{"value": ids[(g * 20 + k) % a.users]} for k in range(20)]
                r = c.patch(f"/Groups/{group_ids[g]}", json={"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                                            "Operations": [{"op": "Add", "path": "members", "value": members}]})
                return r.status_code == 200
            return job

        def lookup(i):
            def job(c):
                r = c.get("/Users", params={"filter": f'userName eq "user{i}@bulk.example"'})
                return r.status_code == 200 and r.json()["totalResults"] == 1
            return job

        store = "PostgreSQL" if a.database_url else "SQLite"
        print(f"SCIM bulk load into one tenant, {store}, {a.clients} clients, loopback", flush=True)
        errors = phase("create users (POST)", [create_user(i) for i in range(a.users)], a.clients, make)
        errors += phase("create groups (POST)", [create_group(g) for g in range(a.groups)], a.clients, make)
        errors += phase("add 20 members (PATCH)", [add_members(g) for g in range(a.groups)], a.clients, make)
        errors += phase("find by userName (GET)", [lookup(i) for i in range(0, a.users, 10)], a.clients, make)
        return 1 if errors else 0
    finally:
        os.killpg(app.pid, 15)
        app.wait(timeout=10)
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

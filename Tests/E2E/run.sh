#!/usr/bin/env bash
# The end-to-end suite (`make e2e`): installs what it needs (apt, as root or through sudo), builds the example SPs
# (Examples: HummingbirdSP and VaporSP, in the root package's build folder so that the packages both share are built
# once), then runs Tests/E2E/e2e.py against each app in E2E_APPS (default both): it starts SimpleSAMLphp, pysaml2 and
# the SP on 127.0.0.1 and drives headless Chromium. The same cases run against both apps; each app's logs go to
# $E2E_OUT/<app>. Then, unless cases are named or E2E_TWO_INSTANCES=0, the two-instance test on PostgreSQL
# (Tests/E2E/two_instances.py) and the tenant wizard on SQLite and PostgreSQL (Tests/E2E/tenants.py; E2E_TENANTS=0
# skips it). Arguments: case names to run only those. Ports: E2E_SP_PORT, E2E_SSP_PORT,
# E2E_PYSAML2_PORT, TWO_A_PORT, TWO_B_PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
base=${E2E_OUT:-$root/Tests/E2E/out}
out=$base

scripts/install-deps.sh build
scripts/install-deps.sh e2e
swift build --package-path Examples --scratch-path .build
bindir=$(swift build --package-path Examples --scratch-path .build --show-bin-path)
apps=${E2E_APPS:-HummingbirdSP VaporSP}

# e2e.py stops what it starts; this trap is the backstop if it is killed outright (its process groups are in pids).
py=
cleanup() {
  [ -n "$py" ] && kill -TERM "$py" 2>/dev/null && wait "$py" 2>/dev/null
  if [ -f "$out/pids" ]; then
    while read -r kind id; do
      case $kind in
        group) kill -KILL -- "-$id" 2>/dev/null || true ;;                               # an IdP or the SP, with its workers
        process) pkill -TERM -P "$id" 2>/dev/null || true; kill -TERM "$id" 2>/dev/null || true ;;  # chromedriver and its Chromium
      esac
    done < "$out/pids"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
# Debian's interpreter: python3-selenium, python3-pysaml2 and python3-requests live there, not in a pyenv/venv python.
status=0
for app in $apps; do
  echo "== E2E: $app"
  out=$base/$app
  E2E_OUT=$out /usr/bin/python3 Tests/E2E/e2e.py --sp-binary "$bindir/$app" "$@" &
  py=$!
  wait "$py" || status=1
  py=
done
# Two instances (A: HummingbirdSP, B: VaporSP) on one throw-away PostgreSQL, against pysaml2 and SimpleSAMLphp:
# cross-instance login, shared replay cache, a database outage that fails closed (Tests/E2E/two_instances.py).
if [ $# -eq 0 ] && [ "${E2E_TWO_INSTANCES:-1}" = 1 ]; then
  echo "== E2E: two instances, one PostgreSQL"
  out=$base/two-instances
  E2E_OUT=$out /usr/bin/python3 Tests/E2E/two_instances.py --hummingbird "$bindir/HummingbirdSP" --vapor "$bindir/VaporSP" &
  py=$!
  wait "$py" || status=1
  py=
fi
# The multi-organisation setup flow (Examples/TenantsApp) in Chromium, on SQLite, then on a throw-away PostgreSQL
# (Tests/E2E/tenants.py): the console wizard for two tenants with two IdPs, then their users sign in.
if [ $# -eq 0 ] && [ "${E2E_TENANTS:-1}" = 1 ]; then
  echo "== E2E: tenants (SQLite)"
  out=$base/tenants-sqlite
  E2E_OUT=$out /usr/bin/python3 Tests/E2E/tenants.py --app "$bindir/TenantsApp" &
  py=$!
  wait "$py" || status=1
  py=
  echo "== E2E: tenants (PostgreSQL)"
  out=$base/tenants-postgres
  pg_state=$base/tenants-postgres-cluster
  if url=$(SAML_POSTGRES_STATE=$pg_state scripts/postgres.sh start); then
    E2E_OUT=$out /usr/bin/python3 Tests/E2E/tenants.py --app "$bindir/TenantsApp" --database-url "$url" &
    py=$!
    wait "$py" || status=1
    py=
    SAML_POSTGRES_STATE=$pg_state scripts/postgres.sh stop
  else
    echo "E2E: PostgreSQL did not start"; status=1
  fi
fi
# SCIM (issue 15): scim2-tester, the compliance checker from PyPI (pinned, in a venv under .build-venv), against a
# tenant's endpoint of TenantsApp; every check for Users and Groups must pass (Tests/SCIM/scim2_tester_run.py).
if [ $# -eq 0 ] && [ "${E2E_SCIM:-1}" = 1 ]; then
  echo "== E2E: scim2-tester"
  venv=$root/.build-venv/scim2-tester
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import scim2_tester' 2>/dev/null; then
    /usr/bin/python3 -m venv "$venv"   # python3-venv: installed with the e2e packages
    "$venv/bin/pip" install -q 'scim2-tester==0.5.2' 'scim2-client==0.13.2' 'scim2-models==0.12.3' 'httpx2==2.17.0'
  fi
  "$venv/bin/python" Tests/SCIM/scim2_tester_run.py --app "$bindir/TenantsApp" || status=1
fi
exit $status

#!/usr/bin/env bash
# `make demo`: the multi-organisation app with SimpleSAMLphp as the IdP of a first organisation, both on 127.0.0.1.
# Creates the organisation "demo" (email domain example.test) through the admin API, uploads SimpleSAMLphp's metadata,
# registers the organisation's SP metadata at SimpleSAMLphp, and prints the console URL and the admin token: the admin
# then runs "Test SSO connection" in the console and enables single sign-on; users sign in at /login with
# b.simon@example.test / password. Ctrl-C stops both.
# env: DEMO_SP_PORT (8080), DEMO_IDP_PORT (8081); DATABASE_URL for PostgreSQL instead of SQLite.
set -euo pipefail
cd "$(dirname "$0")/../.."
sp_port=${DEMO_SP_PORT:-8080}
idp_port=${DEMO_IDP_PORT:-8081}
state=.state/demo

scripts/install-deps.sh build
scripts/install-deps.sh demo
for p in "$sp_port" "$idp_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "Port $p on 127.0.0.1 is in use: choose others with DEMO_SP_PORT=... DEMO_IDP_PORT=... make demo" >&2
    exit 1
  fi
done
echo "Building the app (the first build takes a few minutes)..."
swift build --package-path Examples --scratch-path .build --product TenantsApp
bin=$(swift build --package-path Examples --scratch-path .build --show-bin-path)/TenantsApp
mkdir -p "$state"
state=$(cd "$state" && pwd)
[ -s "$state/admin-token" ] || (umask 077; openssl rand -hex 24 > "$state/admin-token")
token=$(cat "$state/admin-token")

idp= app=
stop() {
  trap - EXIT INT TERM
  for pgid in $app $idp; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
  sleep 0.5
  for pgid in $app $idp; do kill -KILL -- "-$pgid" 2>/dev/null || true; done
  echo "Stopped the app and the IdP."
}
trap stop EXIT
trap 'exit 130' INT TERM

setsid scripts/e2e/ssp/run.sh "$state/idp" "$idp_port" > "$state/idp.log" 2>&1 &
idp=$!
idp_md=http://127.0.0.1:$idp_port/saml2/idp/metadata.php
for _ in $(seq 100); do curl -sf -o "$state/idp-metadata.xml" "$idp_md" && break; sleep 0.1; done
[ -s "$state/idp-metadata.xml" ] || { echo "SimpleSAMLphp did not start; see $state/idp.log" >&2; exit 1; }

base=${SP_BASE_URL:-http://localhost:$sp_port}
SP_HOST=127.0.0.1 SP_PORT=$sp_port SP_BASE_URL=$base SAML_ADMIN_TOKEN=$token SAML_STATE_DIR=${SAML_STATE_DIR:-$state/state} \
  setsid "$bin" 2> >(tee "$state/app.log" >&2) &
app=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$sp_port/healthz" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$sp_port/healthz" || { echo "The app did not start; see $state/app.log" >&2; exit 1; }

api() { curl -s -o "$state/last.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$@"; }
code=$(api -X POST -H 'Content-Type: application/json' --data '{"id":"demo","name":"Demo organisation","domains":["example.test"]}' \
  "http://127.0.0.1:$sp_port/admin/api/tenants")
[ "$code" = 201 ] || [ "$code" = 409 ] || { echo "creating the tenant: HTTP $code $(cat "$state/last.json")" >&2; exit 1; }
if [ "$code" = 201 ]; then
  api -X PUT -H 'Content-Type: application/samlmetadata+xml' --data-binary @"$state/idp-metadata.xml" \
    "http://127.0.0.1:$sp_port/admin/api/tenants/demo/sso/idp-metadata" >/dev/null
  api -X PUT -H 'Content-Type: application/json' --data \
    '{"mapping":{"rules":[{"field":"uid","sources":[{"attribute":"uid"}]},{"field":"email","sources":[{"attribute":"mail"}],"required":false},{"field":"displayName","sources":[{"attribute":"displayName"}],"required":false},{"field":"groups","sources":[{"attribute":"groups"}],"required":false,"multiplicity":"multiple"}]}}' \
    "http://127.0.0.1:$sp_port/admin/api/tenants/demo/sso/settings" >/dev/null
fi
curl -sf -H "Authorization: Bearer $token" -o "$state/sp-metadata.xml" "http://127.0.0.1:$sp_port/admin/api/tenants/demo/sso/sp-metadata"
php scripts/e2e/ssp/register.php "$state/sp-metadata.xml" "$state/idp" saml20.sign.assertion=true 2>/dev/null

cat <<MSG

  swift-saml multi-organisation demo is running.
    Console   $base/admin          admin token: $token
              organisation "demo": SimpleSAMLphp's metadata is uploaded; run "Test SSO connection"
              (sign in as b.simon / password), then "This test was successful — enable single sign-on".
    Users     $base/               sign in with b.simon@example.test / password once it is enabled
    API       curl -H "Authorization: Bearer $token" $base/admin/api/tenants/demo
    Logs      below and in $state/app.log; IdP in $state/idp/log/
  Ctrl-C stops both.

MSG
wait "$app"

#!/usr/bin/env bash
# `make demo`: the Hummingbird example SP signing in through SimpleSAMLphp, both on 127.0.0.1.
# Installs what is missing (apt, as root or through sudo; otherwise it says what it needs), builds the example,
# starts SimpleSAMLphp as a local IdP and the example SP, registers each with the other, and prints the URL to open
# and the user to sign in as. Ctrl-C stops both.
# env: DEMO_SP_PORT (8080), DEMO_IDP_PORT (8081); SAML_* settings of the example pass through (README).
set -euo pipefail
cd "$(dirname "$0")/../.."
sp_port=${DEMO_SP_PORT:-8080}
idp_port=${DEMO_IDP_PORT:-8081}
state=Examples/.state/demo

scripts/install-deps.sh build
scripts/install-deps.sh demo
for p in "$sp_port" "$idp_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "Port $p on 127.0.0.1 is in use: choose others with DEMO_SP_PORT=... DEMO_IDP_PORT=... make demo" >&2
    exit 1
  fi
done
echo "Building the example (the first build takes a few minutes)..."
swift build --package-path Examples --scratch-path .build --product HummingbirdSP
bin=$(swift build --package-path Examples --scratch-path .build --show-bin-path)/HummingbirdSP

mkdir -p "$state"
state=$(cd "$state" && pwd)
if [ ! -f "$state/sp.key" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 -subj "/CN=swift-saml example SP" \
    -keyout "$state/sp.key" -out "$state/sp.crt" 2>/dev/null
fi

idp= sp=
stop() {
  trap - EXIT INT TERM
  # Each runs in its own session (setsid): its process group id is its pid; php -S workers share it.
  for pgid in $sp $idp; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
  sleep 0.5
  for pgid in $sp $idp; do kill -KILL -- "-$pgid" 2>/dev/null || true; done
  echo "Stopped the SP and the IdP."
}
trap stop EXIT
trap 'exit 130' INT TERM

setsid scripts/e2e/ssp/run.sh "$state/idp" "$idp_port" > "$state/idp.log" 2>&1 &
idp=$!
idp_md=http://127.0.0.1:$idp_port/saml2/idp/metadata.php
for _ in $(seq 100); do curl -sf -o /dev/null "$idp_md" && break; sleep 0.1; done
curl -sf -o /dev/null "$idp_md" || { echo "SimpleSAMLphp did not start; see $state/idp.log" >&2; exit 1; }

export SP_HOST=127.0.0.1 SP_PORT=$sp_port SP_BASE_URL=${SP_BASE_URL:-http://localhost:$sp_port}
export SAML_IDP_METADATA=${SAML_IDP_METADATA:-$idp_md}
# The SAML state (pending logins, replay cache, last good IdP metadata, SLO index) in SQLite under the demo's folder.
export SAML_SP_KEY=$state/sp.key SAML_SP_CERT=$state/sp.crt SAML_STATE_DIR=${SAML_STATE_DIR:-$state/state}
setsid "$bin" 2> >(tee "$state/sp.log" >&2) &
sp=$!
for _ in $(seq 100); do curl -sf -o "$state/sp-metadata.xml" "http://127.0.0.1:$sp_port/saml/metadata" && break; sleep 0.1; done
[ -s "$state/sp-metadata.xml" ] || { echo "The SP did not start; see $state/sp.log" >&2; exit 1; }
php scripts/e2e/ssp/register.php "$state/sp-metadata.xml" "$state/idp" saml20.sign.assertion=true redirect.sign=true 2>/dev/null

cat <<MSG

  swift-saml demo is running.
    Open      $SP_BASE_URL/
    Sign in   b.simon / password   (or z.unal / password: non-ASCII names, markup in attributes)
    Status    $SP_BASE_URL/saml/status   (as b.simon, a member of saml-admins)
    IdP       SimpleSAMLphp at http://127.0.0.1:$idp_port/ (entityID $idp_md)
    SP        entityID $SP_BASE_URL/saml/metadata, ACS $SP_BASE_URL/saml/acs
    Logs      SP below and in $state/sp.log; IdP in $state/idp/log/
  Ctrl-C stops both.

MSG
wait "$sp"

#!/usr/bin/env bash
# `make serve`: the multi-organisation example app (Examples/TenantsApp), non-interactively, in the foreground.
# State: SQLite under SAML_STATE_DIR (default .state/serve, git-ignored); DATABASE_URL switches to PostgreSQL.
# SAML_ADMIN_TOKEN is the bootstrap admin token (unset: one is generated once into the state folder and printed).
# SP_BASE_URL, SP_HOST, SP_PORT as for the other examples (default http://localhost:8080 on 127.0.0.1:8080).
# GET /healthz answers 200 once it is ready; the admin console is at $SP_BASE_URL/admin.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
swift build --package-path Examples --scratch-path .build --product TenantsApp
bin=$(swift build --package-path Examples --scratch-path .build --show-bin-path)/TenantsApp
export SAML_STATE_DIR=${SAML_STATE_DIR:-$PWD/.state/serve}
mkdir -p "$SAML_STATE_DIR"
if [ -z "${SAML_ADMIN_TOKEN:-}" ]; then
  [ -s "$SAML_STATE_DIR/admin-token" ] || (umask 077; openssl rand -hex 24 > "$SAML_STATE_DIR/admin-token")
  SAML_ADMIN_TOKEN=$(cat "$SAML_STATE_DIR/admin-token")
  echo "serve: admin token (from $SAML_STATE_DIR/admin-token): $SAML_ADMIN_TOKEN" >&2
fi
export SAML_ADMIN_TOKEN
exec "$bin"

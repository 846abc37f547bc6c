#!/usr/bin/env bash
# Generates every key and certificate the fixtures use, with openssl.
# Usage: Fixtures/scripts/make-keys.sh   (from the repository root; overwrites Fixtures/keys/)
# Certificates are valid for 10 years from generation; fixtures are checked with a fixed clock
# (Fixtures/README.md gives the instant), so regenerating keys means regenerating every signed fixture.
set -euo pipefail
cd "$(dirname "$0")/../keys"

selfsigned_rsa() { # name bits subject
  openssl req -x509 -newkey "rsa:$2" -nodes -sha256 -days 3650 -keyout "$1.key" -out "$1.crt" -subj "$3" 2>/dev/null
}
selfsigned_ec() { # name curve subject
  openssl req -x509 -newkey ec -pkeyopt "ec_paramgen_curve:$2" -nodes -sha256 -days 3650 -keyout "$1.key" -out "$1.crt" -subj "$3" 2>/dev/null
}

# The IdP whose responses the fixtures carry (Azure-AD-shaped subject).
selfsigned_rsa idp-rsa2048 2048 "/CN=Microsoft Azure Federated SSO Certificate"
# Its next key, published beside it during a rollover.
selfsigned_rsa idp-rsa2048-next 2048 "/CN=Microsoft Azure Federated SSO Certificate"
selfsigned_rsa idp-rsa4096 4096 "/CN=idp.example.test RSA-4096"
selfsigned_ec idp-ec256 prime256v1 "/CN=idp.example.test ECDSA P-256"
# An attacker: its own key, and a clone of the IdP's subject with a different key.
selfsigned_rsa attacker-rsa2048 2048 "/CN=attacker.example"
selfsigned_rsa attacker-clone 2048 "/CN=Microsoft Azure Federated SSO Certificate"
# The service provider's signing and encryption keys.
selfsigned_rsa sp-rsa2048 2048 "/CN=app.example.test"
selfsigned_ec sp-ec256 prime256v1 "/CN=app.example.test ECDSA"
selfsigned_rsa sp-enc-rsa2048 2048 "/CN=app.example.test encryption"
# Keys for the metadata shapes of the other IdPs.
for idp in adfs okta shibboleth simplesamlphp keycloak; do
  selfsigned_rsa "$idp" 2048 "/CN=$idp.example.test"
done
ls -1

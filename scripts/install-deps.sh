#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages swift-saml builds and tests with, when they are missing.
# Usage: scripts/install-deps.sh [build|test]   (build: the libraries; test: plus the independent tools)
set -euo pipefail
build=(pkg-config libxml2-dev libxmlsec1-dev libxmlsec1-openssl libssl-dev zlib1g-dev)
test=(xmlsec1 openssl python3 python3-pysaml2 python3-lxml)
wanted=("${build[@]}")
[ "${1:-test}" = "test" ] && wanted+=("${test[@]}")

missing=()
for p in "${wanted[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "swift-saml needs these packages (or your system's equivalents): ${missing[*]}" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "Missing packages: ${missing[*]}. Run as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs the Debian packages the example's demo and the end-to-end suite need, when they are missing.
# Usage: scripts/e2e/install-deps.sh [demo|e2e]
#   demo: SimpleSAMLphp (+ php-xml, which its package does not pull in) and the tools the scripts use;
#   e2e:  plus headless Chromium with chromedriver, selenium, libfaketime and pysaml2.
set -euo pipefail
demo=(simplesamlphp php-cli php-xml php-mbstring php-intl php-curl openssl curl python3 xmlsec1)
e2e=(chromium chromium-driver python3-selenium python3-requests python3-pysaml2 python3-lxml faketime libfaketime)
wanted=("${demo[@]}")
[ "${1:-e2e}" = "e2e" ] && wanted+=("${e2e[@]}")

missing=()
for p in "${wanted[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "The example needs these Debian/Ubuntu packages (or your system's equivalents): ${missing[*]}" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "Missing packages: ${missing[*]}" >&2
  echo "Run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
# Another apt run on the same machine holds the lock for a while: wait for it instead of failing.
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}"

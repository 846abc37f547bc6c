#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages swift-saml needs, when they are missing.
# Usage: scripts/install-deps.sh [build|test|demo|e2e]
#   build: the libraries the package builds against;
#   test:  build + the independent tools the tests run (xmlsec1, openssl, pysaml2);
#   demo:  the example's demo: SimpleSAMLphp (+ php-xml, which its package does not pull in) and the tools its scripts use;
#   e2e:   demo + headless Chromium with chromedriver, selenium, libfaketime and pysaml2.
set -euo pipefail
build=(pkg-config libxml2-dev libxmlsec1-dev libxmlsec1-openssl libssl-dev zlib1g-dev)
test=(xmlsec1 openssl python3 python3-pysaml2 python3-lxml)
demo=(simplesamlphp php-cli php-xml php-mbstring php-intl php-curl openssl curl python3 xmlsec1)
e2e=(chromium chromium-driver python3-selenium python3-requests python3-pysaml2 python3-lxml python3-venv faketime libfaketime)
case "${1:-test}" in
  build) wanted=("${build[@]}") ;;
  test) wanted=("${build[@]}" "${test[@]}") ;;
  demo) wanted=("${demo[@]}") ;;
  e2e) wanted=("${demo[@]}" "${e2e[@]}") ;;
  *) echo "usage: $0 [build|test|demo|e2e]" >&2; exit 2 ;;
esac

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
  echo "Missing packages: ${missing[*]}" >&2
  echo "Run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
# Another apt run on the same machine holds the lock for a while: wait for it instead of failing.
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}"

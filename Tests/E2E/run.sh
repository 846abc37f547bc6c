#!/usr/bin/env bash
# The end-to-end suite (`make e2e`): installs what it needs (apt, as root or through sudo), builds the example SP,
# then runs Tests/E2E/e2e.py, which starts SimpleSAMLphp, pysaml2 and the SP on 127.0.0.1 and drives headless
# Chromium. Arguments: case names to run only those. Ports: E2E_SP_PORT, E2E_SSP_PORT, E2E_PYSAML2_PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
out=${E2E_OUT:-$root/Tests/E2E/out}
export E2E_OUT=$out

scripts/install-deps.sh build
scripts/install-deps.sh e2e
swift build --package-path Examples/HummingbirdSP
bin=$(swift build --package-path Examples/HummingbirdSP --show-bin-path)/HummingbirdSP

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
/usr/bin/python3 Tests/E2E/e2e.py --sp-binary "$bin" "$@" &
py=$!
status=0
wait "$py" || status=$?
py=
exit $status

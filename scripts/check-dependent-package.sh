#!/usr/bin/env bash
# The packaging proof of issue 13: an app that depends on swift-saml with no traits (Tests/DependentPackage) resolves
# none of the optional integrations' packages. Run after `swift build --package-path Tests/DependentPackage`, which
# writes its Package.resolved; fails when that file is missing, lacks the packages SAML does need (a sign the file
# is not what we think), or names any package that only a trait should bring in.
set -euo pipefail
cd "$(dirname "$0")/.."
resolved=Tests/DependentPackage/Package.resolved
forbidden=(postgres-nio sqlite-nio hummingbird hummingbird-auth swift-service-lifecycle vapor)
required=(swift-certificates)

[ -f "$resolved" ] || { echo "check-dependent-package: $resolved is missing (build Tests/DependentPackage first)" >&2; exit 1; }
identities=$(python3 -c 'import json, sys; print("\n".join(p["identity"] for p in json.load(open(sys.argv[1]))["pins"]))' "$resolved")
status=0
for name in "${required[@]}"; do
  grep -qx "$name" <<<"$identities" || { echo "check-dependent-package: $resolved does not name $name" >&2; status=1; }
done
for name in "${forbidden[@]}"; do
  if grep -qx "$name" <<<"$identities"; then
    echo "check-dependent-package: an app without traits resolves $name ($resolved): a trait-only dependency leaked" >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "check-dependent-package: without traits an app resolves $(echo $identities | tr ' ' ','); none of ${forbidden[*]}"
exit $status

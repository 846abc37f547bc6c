#!/usr/bin/env bash
# Shows the SP side of "sign in with Azure AD": the SP metadata to upload to the IdP, and a login URL for the
# bundled Azure-AD-shaped IdP metadata (Fixtures/metadata/azure-ad.xml).
set -euo pipefail
cd "$(dirname "$0")/.."
saml=$(swift build --product saml --show-bin-path)/saml
idp=Fixtures/metadata/azure-ad.xml
sp_id=https://app.example.test/saml/metadata
acs=https://app.example.test/saml/acs

echo "== The IdP, as read from $idp"
"$saml" idp-metadata "$idp" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("entityID:", d["entityID"]); [print("SSO:", s["binding"].rsplit(":",1)[1], s["location"]) for s in d["singleSignOnServices"]]; print("signing certificates:", len(d["signingCertificates"]))'
echo
echo "== SP metadata to give the IdP (signed with Fixtures/keys/sp-rsa2048.key)"
"$saml" sp-metadata --entity-id "$sp_id" --acs-url "$acs" \
  --sign-key Fixtures/keys/sp-rsa2048.key --sign-cert Fixtures/keys/sp-rsa2048.crt \
  --name-id-format urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress | head -c 600
echo "..."
echo
echo "== A signed SP-initiated login (HTTP-Redirect): send the browser here"
"$saml" authn-request --idp-metadata "$idp" --sp-entity-id "$sp_id" --acs-url "$acs" --relay-state /dashboard \
  --sign-key Fixtures/keys/sp-rsa2048.key --sign-cert Fixtures/keys/sp-rsa2048.crt

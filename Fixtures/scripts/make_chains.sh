#!/usr/bin/env bash
# Generates the certificate chains the SAMLCertificatePolicy tests evaluate, with `openssl ca` (OpenSSL 3.0's
# `x509 -req` has no -not_before/-not_after, so `openssl ca -startdate/-enddate` fixes every validity window).
#
# Usage (from the repository root):  Fixtures/scripts/make_chains.sh
#
# Rebuilds Fixtures/chains/ from scratch, then runs make_mapping_responses.py --chain-responses to sign the
# end-to-end responses with the new leaf keys. Keys are fresh on every run (so every file changes); names, subjects,
# serial numbers, extensions and validity dates are fixed, and the tests rely only on those.
# The tests' fixed instant is NOW = 2026-12-01T12:00:00Z; each window below is placed around it.
# Fixtures/chains/README.md lists what every file proves.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/Fixtures/chains"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

rm -rf "$OUT"
mkdir -p "$OUT"

# Validity windows (openssl ca takes UTCTime, YYMMDDHHMMSSZ).
ROOT_FROM=200101000000Z;  ROOT_TO=400101000000Z       # 2020-01-01 .. 2040-01-01
INT_FROM=210101000000Z;   INT_TO=350101000000Z        # 2021-01-01 .. 2035-01-01
LEAF_FROM=260101000000Z;  LEAF_TO=280101000000Z       # 2026-01-01 .. 2028-01-01 (NOW inside; 395 days left)
EXPIRED_FROM=240101000000Z; EXPIRED_TO=261101000000Z  # 2024-01-01 .. 2026-11-01 (ended 30.5 days before NOW)
INT_EXPIRED_FROM=200101000000Z; INT_EXPIRED_TO=260601000000Z  # 2020-01-01 .. 2026-06-01
FUTURE_FROM=270101000000Z; FUTURE_TO=290101000000Z    # 2027-01-01 .. 2029-01-01 (starts 30.5 days after NOW)

cat > "$WORK/ext.cnf" <<'EOF'
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[intermediate]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# A CA that may issue leaves only (pathLenConstraint 0).
[intermediate_pathlen0]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# A CA certificate whose keyUsage omits keyCertSign.
[ca_no_certsign]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# An issuer that is not a CA at all (basicConstraints CA:FALSE), though its keyUsage says keyCertSign.
[not_ca]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyCertSign, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# A leaf whose keyUsage omits digitalSignature.
[leaf_no_digitalsignature]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment, dataEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# A self-signed leaf, the way Azure and ADFS make SAML signing certificates (no CA bit).
[selfsigned_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
EOF

# One `openssl ca` database per issuer, serials fixed per issuer so reruns give the same serial numbers.
ca_config() { # issuer-name first-serial
  local dir="$WORK/ca-$1"
  mkdir -p "$dir/new"
  : > "$dir/index.txt"
  echo "$2" > "$dir/serial"
  cat > "$dir/ca.cnf" <<EOF
[ca]
default_ca = this
[this]
dir = $dir
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
policy = anything
unique_subject = no
email_in_dn = no
copy_extensions = none
default_md = sha256
[anything]
commonName = supplied
organizationName = optional
EOF
}

newkey() { # name spec   (spec: rsa:BITS or ec:CURVE)
  case "$2" in
    rsa:*) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${2#rsa:}" -out "$OUT/$1.key" 2>/dev/null ;;
    ec:*) openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${2#ec:}" -out "$OUT/$1.key" 2>/dev/null ;;
  esac
  openssl req -new -key "$OUT/$1.key" -subj "/O=swift-saml fixtures/CN=$3" -out "$WORK/$1.csr" 2>/dev/null
}

# issue NAME KEYSPEC "CN" ISSUER|self SECTION FROM TO [MD]
issue() {
  local name=$1 spec=$2 cn=$3 issuer=$4 section=$5 from=$6 to=$7 md=${8:-sha256}
  newkey "$name" "$spec" "$cn"
  if [ "$issuer" = self ]; then
    ca_config "$name" 01
    openssl ca -batch -notext -preserveDN -config "$WORK/ca-$name/ca.cnf" -selfsign -keyfile "$OUT/$name.key" \
      -in "$WORK/$name.csr" -out "$OUT/$name.crt" -startdate "$from" -enddate "$to" -md "$md" \
      -extfile "$WORK/ext.cnf" -extensions "$section" 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
  else
    [ -d "$WORK/ca-$issuer" ] || ca_config "$issuer" 1000
    openssl ca -batch -notext -preserveDN -config "$WORK/ca-$issuer/ca.cnf" -cert "$OUT/$issuer.crt" -keyfile "$OUT/$issuer.key" \
      -in "$WORK/$name.csr" -out "$OUT/$name.crt" -startdate "$from" -enddate "$to" -md "$md" \
      -extfile "$WORK/ext.cnf" -extensions "$section" 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
  fi
}

# --- Trust anchors ------------------------------------------------------------------------------------------------
issue root-a rsa:3072 "swift-saml Root CA A" self root $ROOT_FROM $ROOT_TO
issue root-b rsa:2048 "swift-saml Root CA B" self root $ROOT_FROM $ROOT_TO

# --- Good chains of depth 1, 2 and 3 (depth = certificates above the leaf up to and including the anchor) ----------
issue leaf-depth1 rsa:2048 "idp.example.test depth 1" root-a leaf $LEAF_FROM $LEAF_TO
issue int-a1 rsa:2048 "swift-saml Intermediate A1" root-a intermediate $INT_FROM $INT_TO
issue leaf-depth2 rsa:2048 "idp.example.test depth 2" int-a1 leaf $LEAF_FROM $LEAF_TO
issue int-a2 rsa:2048 "swift-saml Intermediate A2" int-a1 intermediate $INT_FROM $INT_TO
issue leaf-depth3 rsa:2048 "idp.example.test depth 3" int-a2 leaf $LEAF_FROM $LEAF_TO
issue leaf-ec256 ec:P-256 "idp.example.test ECDSA P-256" int-a1 leaf $LEAF_FROM $LEAF_TO

# --- One defect each ------------------------------------------------------------------------------------------------
issue leaf-expired rsa:2048 "idp.example.test expired" int-a1 leaf $EXPIRED_FROM $EXPIRED_TO
issue leaf-not-yet-valid rsa:2048 "idp.example.test not yet valid" int-a1 leaf $FUTURE_FROM $FUTURE_TO
issue leaf-no-digitalsignature rsa:2048 "idp.example.test no digitalSignature" int-a1 leaf_no_digitalsignature $LEAF_FROM $LEAF_TO
issue leaf-rsa1024 rsa:1024 "idp.example.test RSA-1024" int-a1 leaf $LEAF_FROM $LEAF_TO

issue int-expired rsa:2048 "swift-saml Intermediate expired" root-a intermediate $INT_EXPIRED_FROM $INT_EXPIRED_TO
issue leaf-under-expired-int rsa:2048 "idp.example.test under expired intermediate" int-expired leaf $LEAF_FROM $LEAF_TO

issue int-no-certsign rsa:2048 "swift-saml Intermediate without keyCertSign" root-a ca_no_certsign $INT_FROM $INT_TO
issue leaf-under-no-certsign rsa:2048 "idp.example.test under CA without keyCertSign" int-no-certsign leaf $LEAF_FROM $LEAF_TO

issue int-not-ca rsa:2048 "swift-saml Intermediate not a CA" root-a not_ca $INT_FROM $INT_TO
issue leaf-under-not-ca rsa:2048 "idp.example.test under non-CA issuer" int-not-ca leaf $LEAF_FROM $LEAF_TO

issue int-sha1 rsa:2048 "swift-saml Intermediate SHA-1" root-a intermediate $INT_FROM $INT_TO sha1
issue leaf-under-sha1-int rsa:2048 "idp.example.test under SHA-1 intermediate" int-sha1 leaf $LEAF_FROM $LEAF_TO

issue int-pathlen0 rsa:2048 "swift-saml Intermediate pathlen 0" root-a intermediate_pathlen0 $INT_FROM $INT_TO
issue int-under-pathlen0 rsa:2048 "swift-saml Intermediate under pathlen 0" int-pathlen0 intermediate $INT_FROM $INT_TO
issue leaf-under-pathlen0 rsa:2048 "idp.example.test beyond path length" int-under-pathlen0 leaf $LEAF_FROM $LEAF_TO

issue leaf-selfsigned rsa:2048 "idp.example.test self-signed" self selfsigned_leaf $LEAF_FROM $LEAF_TO
issue leaf-other-ca rsa:2048 "idp.example.test from CA B" root-b leaf $LEAF_FROM $LEAF_TO

# --- Bundles as an admin would configure them -----------------------------------------------------------------------
cat "$OUT/root-a.crt" > "$OUT/anchors-a.pem"
cat "$OUT/root-a.crt" "$OUT/root-b.crt" > "$OUT/anchors-a-b.pem"
cat "$OUT/int-a1.crt" "$OUT/int-a2.crt" > "$OUT/intermediates-a.pem"

# --- Independent check: openssl verify agrees with each case at NOW (-attime) --------------------------------------
NOW_EPOCH=$(date -u -d 2026-12-01T12:00:00Z +%s)
expect() { # verdict leaf untrusted...
  local verdict=$1 leaf=$2; shift 2
  local untrusted=()
  for u in "$@"; do untrusted+=(-untrusted "$OUT/$u.crt"); done
  if openssl verify -attime "$NOW_EPOCH" -x509_strict -CAfile "$OUT/root-a.crt" "${untrusted[@]}" "$OUT/$leaf.crt" >/dev/null 2>&1; then
    got=ok
  else
    got=fail
  fi
  [ "$got" = "$verdict" ] || { echo "make_chains.sh: openssl verify says $got for $leaf, expected $verdict" >&2; exit 1; }
}
expect ok leaf-depth1
expect ok leaf-depth2 int-a1
expect ok leaf-depth3 int-a2 int-a1
expect ok leaf-ec256 int-a1
expect fail leaf-expired int-a1
expect fail leaf-not-yet-valid int-a1
expect fail leaf-under-expired-int int-expired
expect fail leaf-under-no-certsign int-no-certsign
expect fail leaf-under-not-ca int-not-ca
expect fail leaf-under-pathlen0 int-under-pathlen0 int-pathlen0
expect fail leaf-selfsigned
expect fail leaf-other-ca
# (openssl accepts a leaf without digitalSignature, an RSA-1024 leaf and a SHA-1 intermediate at its default
# security level: those three are the library's own checks.)

rm -f "$OUT"/*.csr
/usr/bin/python3 "$ROOT/Fixtures/scripts/make_mapping_responses.py" --chain-responses

cat > "$OUT/README.md" <<'EOF_README'
# Certificate-chain fixtures

Certificates for `Tests/SAMLCertificatePolicyTests`. **Generated** — do not edit; change
`Fixtures/scripts/make_chains.sh` and rerun it from the repository root:

```sh
Fixtures/scripts/make_chains.sh
```

It needs `openssl` (3.0: `openssl ca -startdate/-enddate` fixes each validity window, since `x509 -req` has no
`-not_before` there), `xmlsec1` and Python 3, rebuilds this folder from scratch, checks each chain's verdict with
`openssl verify -attime <NOW> -x509_strict` where OpenSSL has an opinion, then runs
`make_mapping_responses.py --chain-responses` to sign the `response-*.xml` files with the new leaf keys. Keys are new
on every run; names, subjects (`/O=swift-saml fixtures/CN=…`), serial numbers, extensions and dates are fixed, and
the tests depend only on those. The instant the tests evaluate at is NOW = `2026-12-01T12:00:00Z`.

Every file is `<name>.crt` (PEM certificate) with its `<name>.key`. Unless stated otherwise: RSA-2048, sha256WithRSA,
leaves `basicConstraints=critical,CA:FALSE`, `keyUsage=critical,digitalSignature`, valid 2026-01-01 … 2028-01-01
(395 days left at NOW); intermediates `CA:TRUE`, `keyCertSign, cRLSign`, valid 2021-01-01 … 2035-01-01; roots
self-signed, valid 2020-01-01 … 2040-01-01. Depth counts the certificates above the leaf, anchor included.

| file | issuer | what it proves |
|---|---|---|
| `root-a` (RSA-3072), `root-b` | self | the trust anchors; the tests trust Root CA A (`anchors-a.pem`), or both (`anchors-a-b.pem`) |
| `int-a1`, `int-a2` | Root CA A, Intermediate A1 | good intermediates (`intermediates-a.pem` has both) |
| `leaf-depth1` | Root CA A | depth 1: accepted |
| `leaf-depth2` | Intermediate A1 | depth 2: accepted (intermediate from the metadata or from the bundle) |
| `leaf-depth3` | Intermediate A2 | depth 3: accepted |
| `leaf-ec256` (ECDSA P-256) | Intermediate A1 | an EC leaf: accepted |
| `leaf-expired` | Intermediate A1 | valid 2024-01-01 … 2026-11-01: `expired` (a warning in pinned mode) |
| `leaf-not-yet-valid` | Intermediate A1 | valid 2027-01-01 … 2029-01-01: `notYetValid` |
| `int-expired` → `leaf-under-expired-int` | Root CA A | intermediate valid 2020-01-01 … 2026-06-01: `expired` names the intermediate |
| `int-no-certsign` → `leaf-under-no-certsign` | Root CA A | a CA whose keyUsage is `digitalSignature, cRLSign`: `missingKeyCertSign` |
| `int-not-ca` → `leaf-under-not-ca` | Root CA A | an issuer with `CA:FALSE` (keyUsage says keyCertSign): `notACertificateAuthority` |
| `leaf-no-digitalsignature` | Intermediate A1 | keyUsage `keyEncipherment, dataEncipherment`: `missingDigitalSignature` |
| `leaf-rsa1024` (RSA-1024) | Intermediate A1 | `weakKey(bits: 1024)` |
| `int-sha1` → `leaf-under-sha1-int` | Root CA A (sha1WithRSA) | a SHA-1-signed intermediate: `weakSignatureAlgorithm` (OpenSSL 3.0 at its default level accepts it) |
| `int-pathlen0` → `int-under-pathlen0` → `leaf-under-pathlen0` | Root CA A | a CA with `pathlen:0` issuing another CA: RFC 5280 path length, no typed case of its own: `chainUntrusted` with swift-certificates' reason |
| `leaf-selfsigned` | self (`CA:FALSE`) | `selfSignedLeafInCAMode`; fine when pinned |
| `leaf-other-ca` | Root CA B | `noPathToTrustAnchor` unless Root CA B is an anchor |
| `response-leaf-depth2.xml` | — | the Azure-shaped response of `../mapping/README.md`, Assertion signed by `leaf-depth2`: end to end through `ServiceProvider` |
| `response-leaf-other-ca.xml` | — | the same signed by `leaf-other-ca`: pinned passes, CA mode fails |
| `response-leaf-expired.xml` | — | the same signed by `leaf-expired`: pinned warns, CA mode rejects |
EOF_README
ls -1 "$OUT"

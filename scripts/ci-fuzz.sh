#!/usr/bin/env bash
# Fuzzes swift-saml for a bounded time with libFuzzer + AddressSanitizer (issue 6): the full
# ServiceProvider.validate path (XML and base64 entry points, strict and relaxed options, decryption), the
# HTTP-Redirect decoder with signature verification, and IdP metadata parsing (Fuzz/Sources/SAMLFuzz/FuzzTarget.swift).
# usage: scripts/ci-fuzz.sh [seconds]      (default: $FUZZ_SECONDS or 120)
#
# Fails on any crash, Swift runtime trap, sanitizer report, leak, hang (-timeout) or out-of-memory; the input that
# caused it is left in Fuzz/artifacts/ (reproduce: Fuzz/.build/release/SAMLFuzz Fuzz/artifacts/crash-…) and
# becomes a regression test. Seeds: Fuzz/scripts/make_seeds.py (every response fixture, base64 forms, Redirect
# queries, metadata, and ../shared/corpus when present). The corpus grows in Fuzz/corpus/ (git-ignored).
#
# Two phases: fuzzing without LeakSanitizer's per-input heap scan (it divides throughput by about 20 here), then
# one pass over the whole corpus, seeds and new inputs, with leak detection on (and a small ASan quarantine, so
# that each leak scan has less heap to walk).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-${FUZZ_SECONDS:-120}}"
scripts/install-deps.sh test

/usr/bin/python3 Fuzz/scripts/make_seeds.py Fuzz/seeds
start=$SECONDS
swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
echo "== fuzz target built in $((SECONDS - start)) s"
fuzzer=Fuzz/.build/release/SAMLFuzz
mkdir -p Fuzz/corpus Fuzz/artifacts
common=(-timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix=Fuzz/artifacts/ -print_final_stats=1)

quiet() { grep -vE '^#[0-9]+ +(NEW|REDUCE|pulse|RELOAD)' "$1" | tail -n "$2"; }
failed() { quiet "$1" 80; echo "$2: see Fuzz/artifacts/ and $1" >&2; ls -l Fuzz/artifacts >&2; exit 1; }

echo "== fuzzing for $seconds s"
"$fuzzer" "${common[@]}" -max_total_time="$seconds" -detect_leaks=0 Fuzz/corpus Fuzz/seeds > Fuzz/artifacts/fuzz.log 2>&1 \
  || failed Fuzz/artifacts/fuzz.log "fuzzing found a failure"
quiet Fuzz/artifacts/fuzz.log 30

echo "== replaying the corpus ($(ls Fuzz/corpus | wc -l) inputs + seeds) with leak detection"
ASAN_OPTIONS=quarantine_size_mb=16 "$fuzzer" "${common[@]}" -runs=0 -detect_leaks=1 Fuzz/corpus Fuzz/seeds > Fuzz/artifacts/replay.log 2>&1 \
  || failed Fuzz/artifacts/replay.log "the corpus replay found a failure"
quiet Fuzz/artifacts/replay.log 8
echo "== fuzzing clean ($((SECONDS - start)) s in all)"

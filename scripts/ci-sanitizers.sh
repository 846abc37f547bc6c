#!/usr/bin/env bash
# The whole test suite under AddressSanitizer (LeakSanitizer included) and ThreadSanitizer (issue 6).
# usage: scripts/ci-sanitizers.sh [address] [thread]      (default: both, in that order)
#
# Each sanitizer is a full rebuild of the package and its dependencies in its own scratch folder (.build-asan,
# .build-tsan; both git-ignored), then `swift test` on it. A sanitizer report fails the step: ASan and LSan exit
# non-zero at the first error or at exit with a leak, TSan exits 66 when it reported a race.
#
# LSan suppressions (not printed: the `saml` processes the tests start inherit LSAN_OPTIONS, and their stderr is
# part of what the tests compare): only leaks inside the Swift toolchain's libraries and one dependency's process-wide cache,
# none in swift-saml's code:
#   libXCTest.so                  XCTest's suite objects, never freed at exit (XCTest runner)
#   readBytesFromFile             FoundationEssentials' Data(contentsOf:) keeps a 4 KiB read buffer (tests' fixture loading)
#   Foundation7ProcessC3run       Foundation.Process.run's weak reference side table (tests running xmlsec1/python3)
#   cachedSystemTrustRootsFuture  swift-certificates' process-wide cache of the system trust roots (X509, with the
#                                 BoringSSL keys under it), loaded once on a Dispatch queue and never freed
#   ERR_* (OpenSSL's error queue) OpenSSL keeps each thread's error state in pthread-specific data, freed when the
#                                 thread exits; a worker thread still alive at exit holds it in glibc's second-level
#                                 key block, which LeakSanitizer does not scan, so the state (and the messages queued
#                                 in it) is reported now and then depending on scheduling. Matching these needs the
#                                 full allocation stack (libcrypto has no frame pointers): fast_unwind_on_malloc=0.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test

suppressions=$(mktemp)
trap 'rm -f "$suppressions"' EXIT
cat > "$suppressions" <<'SUPP'
leak:libXCTest.so
leak:readBytesFromFile
leak:Foundation7ProcessC3run
leak:cachedSystemTrustRootsFuture
leak:ERR_new
leak:ERR_set_debug
leak:ERR_set_error
leak:ERR_vset_error
leak:ERR_clear_error
leak:ERR_add_error_data
leak:ERR_add_error_vdata
leak:ERR_put_error
leak:ERR_get_state
leak:ERR_get_error
leak:ERR_peek_error
leak:ERR_peek_last_error
leak:ERR_get_error_all
leak:ERR_get_error_line_data
leak:ERR_peek_error_data
SUPP

for sanitizer in "${@:-address thread}"; do
  for s in $sanitizer; do
    start=$SECONDS
    case "$s" in
      address) scratch=.build-asan ;;
      thread) scratch=.build-tsan ;;
      *) echo "unknown sanitizer $s (address or thread)" >&2; exit 2 ;;
    esac
    echo "== $s sanitizer: build"
    swift build --build-tests --sanitize="$s" --scratch-path "$scratch"
    built=$SECONDS
    echo "== $s sanitizer: test"
    ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:fast_unwind_on_malloc=0 \
    LSAN_OPTIONS="suppressions=$suppressions:print_suppressions=0" \
    TSAN_OPTIONS=second_deadlock_stack=1 \
      swift test --skip-build --sanitize="$s" --scratch-path "$scratch"
    echo "== $s sanitizer: clean (build $((built - start)) s, tests $((SECONDS - built)) s)"
  done
done

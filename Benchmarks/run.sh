#!/usr/bin/env bash
# Builds and runs swift-saml's benchmark (README.md beside this file says what it measures and how).
# usage: Benchmarks/run.sh [--quick] [--only azure-ad,large-1m] [--sections validate,scaling,requests,metadata,rss]
# The inputs (Inputs/, git-ignored) are generated on first use by scripts/make_inputs.py, with keys it makes.
set -euo pipefail
cd "$(dirname "$0")"
../scripts/install-deps.sh test   # libxmlsec1-dev for the build; xmlsec1, openssl, python3-lxml for the inputs
[ -f Inputs/manifest.json ] || /usr/bin/python3 scripts/make_inputs.py
swift build -c release --product SAMLBenchmarks
exec .build/release/SAMLBenchmarks "$@"

#!/usr/bin/env bash
# Every ```swift block of README.md, of the DocC articles (Sources/*/Docs.docc/*.md) and of the doc comments of the
# library modules (SAML, SAMLAttributeMapping, SAMLCertificatePolicy, SAMLTesting) compiles against the library.
#
# Each code block becomes the body of its own `async throws` function (so names do not clash; `-> Reply` when it
# returns a route's response: `return redirect(…)` or `return html(…)`), its `import` lines hoisted, beside scripts/snippets-prelude.swift, which declares the
# placeholders snippets use (`keyPEM`, `form`, `httpGet`, …). Errors point at the Markdown file and line
# (`#sourceLocation`). The files are type-checked with swiftc against the modules `swift build` left in the bin path:
# seconds, where a throw-away package would rebuild swift-certificates and swift-crypto (Tests/DependentPackage
# already proves the library builds as a dependency).
#
# The line right above a fence may mark the block (an HTML comment: invisible on GitHub and in DocC):
#   <!-- snippet: manifest -->      a Package.swift fragment: its `.package(…)` and `.target(…)` lines are put into a
#                                   manifest that `swift package dump-package` evaluates
#   <!-- snippet: skip REASON -->   not checked, and the reason is printed
# A doc comment cannot carry a marker: its rare exceptions are listed in SKIP below, with their reasons.
#
# Usage: scripts/check-snippets.sh [swift build flags]
#   The flags go to the `swift build` that refreshes the modules first: `make test` passes the traits its test run
#   used (`--traits SQLite,Postgres`), so that build finds nothing to do instead of rebuilding every target.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build-snippets
rm -rf "$out" && mkdir -p "$out/manifests"

swift build "$@" >/dev/null
bin=$(swift build "$@" --show-bin-path)

python3 - "$out" README.md Sources/*/Docs.docc/*.md \
  $(find Sources/SAML Sources/SAMLAttributeMapping Sources/SAMLCertificatePolicy Sources/SAMLTesting -name '*.swift' | sort) <<'PY'
import os, re, sys
out, files = sys.argv[1], sys.argv[2:]
# Doc-comment snippets that are not statements, by file and the line of their fence.
SKIP = {
    'Sources/SAMLTesting/TestEnvironment.swift': 'a test target\'s declarations (a static property, a @Test trait), not statements',
}
fence = re.compile(r'^```swift[ \t]*\n(.*?)^```[ \t]*$', re.M | re.S)
marker = re.compile(r'<!--\s*snippet:\s*(manifest|skip)\b\s*(.*?)\s*-->\s*$')
imports, functions, manifests, skipped = set(), [], 0, []
for path in files:
    text = open(path, encoding='utf-8').read()
    if path.endswith('.swift'):
        # The doc comments' text, line for line; every other line becomes one no fence can span.
        text = '\n'.join(m.group(1) if (m := re.match(r'^\s*/// ?(.*)$', line)) else '\x00' for line in text.split('\n'))
    for m in fence.finditer(text):
        start = text.count('\n', 0, m.start()) + 1          # the fence's line
        before = text[:m.start()].rstrip('\n').rsplit('\n', 1)[-1]
        mark = marker.search(before)
        body = m.group(1)
        where = f'{path}:{start}'
        if path in SKIP:
            skipped.append(f'{where} ({SKIP[path]})')
            continue
        if mark and mark.group(1) == 'skip':
            if not mark.group(2):
                sys.exit(f'{where}: a skipped snippet must say why (<!-- snippet: skip REASON -->)')
            skipped.append(f'{where} ({mark.group(2)})')
            continue
        if mark and mark.group(1) == 'manifest':
            deps, targets = [], []
            for line in body.split('\n'):
                code = line.strip()
                if not code or code.startswith('//'):
                    continue
                code = re.sub(r'\s+//(\s.*)?$', '', code)      # a trailing comment (a URL's `//` follows no space)
                if code.startswith('.package('):
                    deps.append(code)
                elif re.match(r'\.(target|executableTarget|testTarget)\(', code):
                    targets.append(code)
                else:
                    sys.exit(f'{where}: a manifest snippet holds only .package(…) and .target(…) lines, not: {code}')
            manifests += 1
            d = os.path.join(out, 'manifests', str(manifests))
            os.makedirs(d)
            with open(os.path.join(d, 'Package.swift'), 'w') as f:
                f.write('// swift-tools-version:6.1\nimport PackageDescription\n\n')
                f.write(f'// {where}\nlet package = Package(\n    name: "Snippet",\n    dependencies: [\n')
                f.write(''.join(f'        {x}\n' for x in deps))
                f.write('    ],\n    targets: [\n' + ''.join(f'        {x}\n' for x in targets) + '    ]\n)\n')
            with open(os.path.join(d, 'origin'), 'w') as f:
                f.write(where + '\n')
            continue
        lines = body.split('\n')
        if lines and lines[-1] == '':
            lines.pop()
        kept = []
        for line in lines:
            if re.match(r'^import\s+\w+\s*$', line):
                imports.add(line.strip())
                kept.append('')                               # keep the line numbers
            else:
                kept.append(line)
        if any('…' in line.split('//')[0] for line in kept):
            sys.exit(f'{where}: "…" in code (comments may elide, code may not): use a placeholder from scripts/snippets-prelude.swift')
        returns = any(re.search(r'\breturn\s+(redirect|html)\(', line.split('//')[0]) for line in kept)
        name = re.sub(r'\W', '_', path) + f'_{start}'
        functions.append(
            f'func snippet_{name}() async throws{" -> Reply" if returns else ""} {{\n'
            f'#sourceLocation(file: "{path}", line: {start + 1})\n'
            + '\n'.join(kept) + '\n#sourceLocation()\n}\n')
with open(os.path.join(out, 'Snippets.swift'), 'w') as f:
    f.write('// Generated by scripts/check-snippets.sh from README.md and Sources/*/Docs.docc/*.md: do not edit.\n')
    f.write('import Foundation\n' + ''.join(sorted(i + '\n' for i in imports)) + '\n' + '\n'.join(functions))
with open(os.path.join(out, 'summary'), 'w') as f:
    f.write(f'{len(functions)} code snippets, {manifests} manifest snippets\n')
    for s in skipped:
        f.write(f'skipped: {s}\n')
PY

# The code snippets, type-checked against the library's modules (the C modules through their module maps).
xml_includes=$(pkg-config --cflags-only-I xmlsec1-openssl libxml-2.0)
swiftc -typecheck -swift-version 6 -suppress-warnings -module-name Snippets \
  scripts/snippets-prelude.swift "$out/Snippets.swift" \
  -I "$bin/Modules" \
  -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap \
  -Xcc -fmodule-map-file=Sources/CXMLSec/module.modulemap \
  -Xcc -fmodule-map-file="$bin/CXMLSecShims.build/module.modulemap" -Xcc -ISources/CXMLSecShims/include \
  $xml_includes

# The manifest snippets, evaluated by SwiftPM (no resolution, no network).
for dir in "$out"/manifests/*/; do
  [ -f "$dir/Package.swift" ] || continue
  if ! swift package dump-package --package-path "$dir" >/dev/null; then
    echo "check-snippets: the manifest snippet at $(cat "$dir/origin") does not evaluate ($dir/Package.swift)" >&2
    exit 1
  fi
done

echo "check-snippets: $(head -1 "$out/summary" | tr -d '\n') compile"
tail -n +2 "$out/summary" | sed 's/^/check-snippets: /'

#!/usr/bin/env bash
# Re-vendors Prism (syntax highlighting of the chat page's code blocks) into src/Http/wwwroot/vendor/ from npm:
# the core and the languages below, minified as published, in one ES module that exports Prism and never
# highlights on its own (manual mode: the page builds the DOM from Prism.tokenize, never from Prism's HTML).
# Usage: tools/vendor-prism.sh [version]   (needs npm; writes prism.js and prism.LICENSE.txt)
set -euo pipefail
version="${1:-1.30.0}"
# Dependencies first (clike before javascript/c/csharp/java/go, javascript before typescript, c before cpp).
languages=(markup css clike javascript typescript python bash json csharp java go rust sql yaml c cpp diff)
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/src/Http/wwwroot/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm install --prefix "$work" --no-save --no-audit --no-fund --ignore-scripts "prismjs@$version" >/dev/null
components="$work/node_modules/prismjs/components"
mkdir -p "$out"
{
  echo "// Prism $version (npm prismjs@$version, MIT, see prism.LICENSE.txt): prism-core.min.js and the languages"
  echo "// ${languages[*]}, concatenated unchanged by tools/vendor-prism.sh. Do not edit: re-run the script."
  echo "var Prism = globalThis.Prism = { manual: true, disableWorkerMessageHandler: true };"
  cat "$components/prism-core.min.js"; echo
  for language in "${languages[@]}"; do cat "$components/prism-$language.min.js"; echo; done
  echo "export default Prism;"
} >"$out/prism.js"
cp "$work/node_modules/prismjs/LICENSE" "$out/prism.LICENSE.txt"
echo "wrote $out/prism.js ($(wc -c <"$out/prism.js") bytes) and prism.LICENSE.txt"

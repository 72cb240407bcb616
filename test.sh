#!/usr/bin/env bash
# Runs every test of ChatBedrock. First installs, once, what the tests need beyond the .NET SDK and Node:
# Debian packages (as root, or through sudo) and the pinned npm packages of package-lock.json.
# Ends with one line: "tests: N passed, M failed, K skipped"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# Debian packages the tests use, and why.
APT_PACKAGES=(
  libgomp1 # OpenMP runtime that LLamaSharp.Backend.Cpu's llama.cpp libraries link against (local-model tests)
  clang        # Native AOT links the Lambda bootstrap with clang (Hosts.Lambda.Tests publishes it)
  zlib1g-dev   # ... and against zlib
  binutils     # objdump: the bootstrap's glibc symbol versions are checked against Amazon Linux 2023
  chromium     # the chat page's browser tests (Hosts.Local.Tests) drive it through Playwright
  fonts-ipafont-gothic # ... and Japanese text must render in their screenshots
)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "test.sh: installing Debian packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -f package-lock.json ] && ! cmp -s package-lock.json node_modules/.package-lock.json 2>/dev/null; then
  echo "test.sh: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
# Every src library must pack (issue 2): a package that cannot be built counts as a failed check.
pack_failed=0
dotnet pack ChatBedrock.sln -c Release --nologo -v quiet -o artifacts/packages || pack_failed=1
dotnet test ChatBedrock.sln --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Sum the per-assembly summaries: "Passed!  - Failed: 0, Passed: 43, Skipped: 0, Total: 43, ..."
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) {
      gsub(",", "", $(i + 1))
      if ($i == "Failed:") f += $(i + 1)
      if ($i == "Passed:") p += $(i + 1)
      if ($i == "Skipped:") s += $(i + 1)
    }
  }
  END { printf "%d %d %d\n", p, f, s }' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$pack_failed" -ne 0 ]; then echo "test.sh: dotnet pack failed (see above)"; failed=$((failed + 1)); status=1; fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"

#!/usr/bin/env bash
# Runs the whole test suite. Installs what the browser tests need when it is missing (Debian's
# Chromium), so the same command works on a fresh machine and in CI.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is not installed; the browser tests need it (sudo apt-get install chromium)" >&2
  fi
fi
log=$(mktemp)
set +e
dotnet test TraceCollector.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over every test project (each prints its own Passed/Failed/Skipped block).
awk '/^ +Passed: [0-9]+$/ {p += $2} /^ +Failed: [0-9]+$/ {f += $2} /^ +Skipped: [0-9]+$/ {s += $2}
     END {printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s}' "$log"
rm -f "$log"
exit "$status"

#!/usr/bin/env bash
# Runs the whole test suite, first installing what the browser and non-.NET reporter tests need when
# it is missing, so the same command works on a fresh machine and in CI.
set -euo pipefail
cd "$(dirname "$0")"
tests/install-test-prerequisites.sh
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

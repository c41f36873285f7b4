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
dotnet test TraceCollector.sln -c Release --logger "console;verbosity=normal" "$@"

#!/usr/bin/env bash
# Installs what the tests need beyond .NET when it is missing, so ./test.sh works on a fresh machine
# and in CI: Debian's Chromium (browser tests) and py_zipkin (python3-py-zipkin, run by Debian's
# /usr/bin/python3), Node.js, and the JS reporters' npm packages from their committed package-lock.json.
# A test whose prerequisite is still missing fails with what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -d /usr/lib/python3/dist-packages/py_zipkin ] || missing+=(python3-py-zipkin)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "not installed: ${missing[*]}; the browser and reporter tests need them (sudo apt-get install ${missing[*]})" >&2
  fi
fi

# npm ci into obj/, outside the source tree, again only when the committed lock has changed. The lock
# is copied beside node_modules after a good install: the tests compare it with the committed one.
js_source=tests/TraceCollector.Collector.Tests/Reporters/js
js_installed=tests/TraceCollector.Collector.Tests/obj/js-reporters
if [ ! -d "$js_installed/node_modules" ] || ! cmp -s "$js_source/package-lock.json" "$js_installed/package-lock.json"; then
  rm -rf "$js_installed"
  mkdir -p "$js_installed/install"
  cp "$js_source/package.json" "$js_source/package-lock.json" "$js_installed/install/"
  if command -v npm >/dev/null 2>&1 && (cd "$js_installed/install" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null); then
    mv "$js_installed/install/node_modules" "$js_installed/install/package.json" "$js_installed/install/package-lock.json" "$js_installed/"
    rm -rf "$js_installed/install"
  else
    echo "npm ci for the JS reporter tests failed; those tests will fail until it succeeds" >&2
    rm -rf "$js_installed"
  fi
fi

#!/usr/bin/env bash
# Reproduces docs/benchmarks.md, sections "Ingest (HTTP)" and "Ingest (OTLP)": the all-in-one server
# with its embedded store and durable acknowledgement under the load tool, once per format (Zipkin
# JSON v2 to /api/v2/spans, then OTLP protobuf to /v1/traces), each against a freshly started server
# on a fresh STORAGE_DIR so neither run reads or compacts the other's data, every accepted trace read
# back afterwards; then the JSON load against a bare endpoint that reads and discards the body.
# Settings: STORAGE_TYPE (rocksdb), DURATION seconds (20), WARMUP seconds (5), CONNECTIONS (32),
# FORMATS ("zipkin-json otlp-proto"), BARE (1; 0 skips the bare endpoint).
set -euo pipefail
cd "$(dirname "$0")/../../.."
storage=${STORAGE_TYPE:-rocksdb}
duration=${DURATION:-20}
warmup=${WARMUP:-5}
connections=${CONNECTIONS:-32}
formats=${FORMATS:-zipkin-json otlp-proto}
bare=${BARE:-1}

dotnet build -c Release -nologo -v q collector/TraceCollector.Server >/dev/null
dotnet build -c Release -nologo -v q tests/TraceCollector.Benchmarks >/dev/null
server=collector/TraceCollector.Server/bin/Release/net10.0/TraceCollector.Server.dll
tool=tests/TraceCollector.Benchmarks/bin/Release/net10.0/TraceCollector.Benchmarks.dll

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 300); do curl -fs -o /dev/null -X "$2" "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

runs=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$runs"; }
trap cleanup EXIT

failed=0
for format in $formats; do
  data="$runs/$format"
  mkdir -p "$data"
  port=$(free_port)
  echo "== collector: format $format, STORAGE_TYPE=$storage, COLLECTOR_ACK=durable, port $port"
  MEM_MAX_SPANS=${MEM_MAX_SPANS:-20000000} STORAGE_TYPE=$storage STORAGE_DIR=$data QUERY_PORT=$port dotnet "$server" >"$runs/$format-server.log" 2>&1 &
  pid=$!
  wait_for "http://127.0.0.1:$port/health" GET
  dotnet "$tool" load --format "$format" --url "http://127.0.0.1:$port" --connections "$connections" --warmup "$warmup" --duration "$duration" --verify all || failed=1
  curl -fs "http://127.0.0.1:$port/prometheus" | grep -E '^(zipkin_collector_(spans|spans_dropped|messages_dropped)_total\{transport="(http|otlp)"\}|tracecollector_storage_write_seconds_(sum|count)|tracecollector_storage_writes_total)' || true
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done

if [ "$bare" != 0 ]; then
  port=$(free_port)
  echo "== bare endpoint (reads and discards the body), port $port"
  dotnet "$tool" bare --port "$port" >/dev/null 2>&1 &
  pid=$!
  wait_for "http://127.0.0.1:$port/api/v2/spans" POST
  dotnet "$tool" load --url "http://127.0.0.1:$port" --connections "$connections" --warmup "$warmup" --duration "$duration" --verify 0 || failed=1
fi
exit $failed

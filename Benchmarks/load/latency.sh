#!/usr/bin/env bash
# Webhook-to-visible latency of the Frobs flow (issue 4): a release Callboard with the embedded
# Frobs simulator on loopback, N webhooks at a steady rate, p50/p99/p99.9 from each 202 to the
# entity being readable through GET /entities/by-name.
#
#   Benchmarks/load/latency.sh [count] [rate-per-second]      # default 1000 events at 50/s
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# BENCH_CONFIG=debug (the CI smoke run, `Benchmarks/run smoke`) uses debug builds: figures mean nothing.
config="${BENCH_CONFIG:-release}"
count="${1:-1000}"
rate="${2:-50}"

swift build -c "$config" --package-path "$root" --product callboard >/dev/null

work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/app-config.yaml" <<YAML
backend:
  listen: { host: 127.0.0.1, port: 7302 }
  database: { client: sqlite, connection: { directory: $work/data } }
  reading:
    allow: [{ host: '127.0.0.1:7308' }]
events:
  http:
    topics: [frobs]
catalog:
  providers:
    frobs:
      latency:
        url: http://127.0.0.1:7308/envs/{env}/data
        eventUrl: http://127.0.0.1:7308/sources/{id}/data
        schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 }, initialDelay: { hours: 1 } }
frobsSimulator: { port: 7308, demoInterval: 0 }
YAML
LOG_LEVEL=warning "$root/.build/$config/callboard" serve --config "$work/app-config.yaml" 2> "$work/callboard.log" &
for _ in $(seq 1 100); do
  (echo > /dev/tcp/127.0.0.1/7308) 2>/dev/null && (echo > /dev/tcp/127.0.0.1/7302) 2>/dev/null && break
  sleep 0.1
done
python3 "$here/webhook-to-visible.py" 7302 7308 "$count" "$rate"

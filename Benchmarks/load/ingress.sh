#!/usr/bin/env bash
# Ingress load test: accepted webhooks/s at 64 connections with a 1 KiB JSON body, for
# Callboard's durable ingress (202 = committed and fsynced) and for a no-op Hummingbird server
# that decodes the same body and discards it, measured in the same run.
#
#   Benchmarks/load/ingress.sh [duration-seconds]      # default 15
#
# Needs wrk (apt-get install wrk); builds both servers in release mode first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# BENCH_CONFIG=debug (the CI smoke run, `Benchmarks/run smoke`) uses debug builds: figures mean nothing.
config="${BENCH_CONFIG:-release}"
duration="${1:-15}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

swift build -c "$config" --package-path "$root" --product callboard >/dev/null
swift build -c "$config" --package-path "$root/Benchmarks/NoopServer" --scratch-path "$root/Benchmarks/.build-noop" >/dev/null

work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

run_wrk() { # url label
  wrk -t2 -c64 -d"${duration}s" --latency -s "$here/post-1k.lua" "$1" > "$work/$2.txt"
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$2.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/$2.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/$2.txt")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$work/$2.txt")
  echo "$2 $rps $p50 $p99 ${non2xx:-0}"
}

wait_port() { for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

"$root/Benchmarks/.build-noop/$config/NoopServer" 7101 2> "$work/noop.log" &
noop=$!
wait_port 7101
baseline=$(run_wrk "http://127.0.0.1:7101/api/events/http/bench" noop)
kill "$noop"; wait "$noop" 2>/dev/null || true

cat > "$work/app-config.yaml" <<YAML
backend:
  listen: { host: 127.0.0.1, port: 7102 }
  database: { client: sqlite, connection: { directory: $work/data } }
events:
  http:
    topics: [bench]
YAML
LOG_LEVEL=warning "$root/.build/$config/callboard" serve --config "$work/app-config.yaml" 2> "$work/callboard.log" &
server=$!
wait_port 7102
durable=$(run_wrk "http://127.0.0.1:7102/api/events/http/bench" callboard)
stored=$(curl -fsS "http://127.0.0.1:7102/api/events/topics" | python3 -c 'import json,sys; print(sum(t["storedEvents"] for t in json.load(sys.stdin) if t["topic"]=="bench"))')
kill -TERM "$server"; wait "$server" 2>/dev/null || true

read -r _ base_rps base_p50 base_p99 base_bad <<< "$baseline"
read -r _ cb_rps cb_p50 cb_p99 cb_bad <<< "$durable"
ratio=$(python3 -c "print(f'{$cb_rps / $base_rps:.2f}')")
printf '| server | requests/s | p50 | p99 | non-2xx |\n|---|---|---|---|---|\n'
printf '| no-op Hummingbird (baseline) | %s | %s | %s | %s |\n' "$base_rps" "$base_p50" "$base_p99" "$base_bad"
printf '| Callboard durable ingress | %s | %s | %s | %s |\n' "$cb_rps" "$cb_p50" "$cb_p99" "$cb_bad"
printf '\nratio (Callboard / baseline): %s; events stored: %s\n' "$ratio" "$stored"

#!/usr/bin/env bash
# Bounded soak test on loopback (issue 7): a Callboard with the embedded Frobs simulator (its demo
# changes the catalog and sends webhooks every second) takes GitHub push webhooks at a fixed rate
# (durable append, then the GitHub router's delivery) mixed with catalog and events reads, for a
# fixed time. Reports errors (target 0), p50/p99 latencies of each kind, throughput, and the
# server's RSS at start, after warm-up and at the end (target: growth < 10 % after warm-up).
#
#   Benchmarks/load/soak.sh                 # 15 minutes (5 warm-up) at 500 webhooks/s + 100 reads/s
#   Benchmarks/load/soak.sh --short         # 20 s at 100 webhooks/s + 50 reads/s (CI)
#   Benchmarks/load/soak.sh --duration 300 --rate 800 --read-rate 200 --warmup 60 --log-cap 2GiB
#
# The event log is capped (`events.retention.maxBytes`, 256 MiB unless --log-cap says otherwise)
# so that within the warm-up the server reaches its steady state: retention deleting as fast as
# webhooks arrive. With the default cap of 2 GiB a 500/s log takes about 17 minutes to fill, and
# the RSS step when retention starts would read as growth.
#
# CALLBOARD_BIN=path uses that binary; otherwise a release build is made (`swift build -c
# release`). Needs wrk (installed with apt-get when missing). Exits 1 when there were errors, or
# (full runs) when RSS grew by 10 % or more after warm-up. Listens on 127.0.0.1 only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

duration=900 rate=500 read_rate=100 warmup=300 log_cap=256MiB short=0
while (($#)); do
  case "$1" in
    --short) short=1 duration=20 rate=100 read_rate=50 warmup=5 ;;
    --duration) duration="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --read-rate) read_rate="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --log-cap) log_cap="$2"; shift ;;
    *) echo "soak.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

bin="${CALLBOARD_BIN:-}"
if [ -z "$bin" ]; then
  swift build -c release --package-path "$root" --product callboard >/dev/null
  bin="$root/.build/release/callboard"
fi

work="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  kill $(jobs -p) 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Two free loopback ports: Callboard's and the simulator's.
ports=$(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')
read -r port sim_port <<<"$ports"

cat > "$work/app-config.yaml" <<YAML
backend:
  listen: { host: 127.0.0.1, port: $port }
  database: { client: sqlite, connection: { directory: $work/data } }
  reading:
    allow: [{ host: '127.0.0.1:$sim_port' }]
events:
  http:
    topics: [frobs]
  modules:
    github: {}
  retention: { maxBytes: $log_cap }
catalog:
  providers:
    frobs:
      soak:
        url: http://127.0.0.1:$sim_port/envs/{env}/data
        eventUrl: http://127.0.0.1:$sim_port/sources/{id}/data
        schedule: { frequency: { minutes: 1 }, timeout: { minutes: 1 }, initialDelay: { seconds: 1 } }
frobsSimulator: { port: $sim_port, demoInterval: 1s }
YAML

LOG_LEVEL=warning "$bin" serve --config "$work/app-config.yaml" 2> "$work/callboard.log" &
server=$!
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$port/.backstage/health/v1/readiness" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/.backstage/health/v1/readiness" >/dev/null \
  || { echo "soak: callboard did not start"; cat "$work/callboard.log"; exit 1; }

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$server/status"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# RSS every 5 s, in the background, for the record.
( while kill -0 "$server" 2>/dev/null; do echo "$(date +%s) $(rss_kib)"; sleep 5; done ) > "$work/rss.txt" 2>/dev/null &

rss_start=$(rss_kib)
load_start=$(load)
started=$(date -u +%H:%M:%S)
# One connection per 10 requests/s: each waits 100 ms between requests, so the answer's own
# latency (a few ms) costs the offered rate only a few per cent.
connections=$(( rate / 10 > 0 ? rate / 10 : 1 ))
read_connections=$(( read_rate / 10 > 0 ? read_rate / 10 : 1 ))
SOAK_RATE=$rate SOAK_CONNECTIONS=$connections wrk -t1 -c$connections -d"${duration}s" --timeout 10s --latency \
  -s "$here/soak-ingress.lua" "http://127.0.0.1:$port/api/events/http/github" > "$work/ingress.txt" &
ingress=$!
SOAK_READ_RATE=$read_rate SOAK_READ_CONNECTIONS=$read_connections wrk -t1 -c$read_connections -d"${duration}s" --timeout 10s --latency \
  -s "$here/soak-reads.lua" "http://127.0.0.1:$port" > "$work/reads.txt" &
reads=$!
sleep "$warmup"
warm_at=$(date +%s)
wait "$ingress" "$reads"
end_at=$(date +%s)
load_end=$(load)
kill -0 "$server" 2>/dev/null || { echo "soak: callboard died"; tail -20 "$work/callboard.log"; exit 1; }

# The server must still have delivered everything: the GitHub router catches up.
lag="?"
for _ in $(seq 1 300); do
  lag=$(curl -fsS "http://127.0.0.1:$port/api/events/subscriptions" \
    | python3 -c 'import json,sys; print(next(s["lag"] for s in json.load(sys.stdin) if s["id"]=="GithubEventRouter"))')
  [ "$lag" = "0" ] && break
  sleep 0.1
done

summary() { # file label
  local f="$1" requests rps p50 p99 non2xx socket
  requests=$(awk '/requests in/ {print $1}' "$f")
  rps=$(awk '/Requests\/sec/ {print $2}' "$f")
  p50=$(awk '$1=="50%" {print $2}' "$f")
  p99=$(awk '$1=="99%" {print $2}' "$f")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$f")
  socket=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$f")
  echo "$2 requests=$requests rate=${rps}/s p50=$p50 p99=$p99 non2xx=${non2xx:-0} socket_errors=${socket:-0}"
  echo $(( ${non2xx:-0} + ${socket:-0} )) >> "$work/errors"
}
: > "$work/errors"
echo "soak: ${duration}s from $started UTC, webhooks at ${rate}/s, reads at ${read_rate}/s, event log capped at $log_cap, $(nproc) cores"
echo "soak: load average at start $load_start, at end $load_end"
summary "$work/ingress.txt" "soak: webhooks"
summary "$work/reads.txt" "soak: reads"
errors=$(awk '{s+=$1} END {print s+0}' "$work/errors")
# RSS after warm-up and at the end: the median of the 5 s samples over a window (30 s, or a
# quarter of a short run) starting at the end of warm-up and ending at the end of the run. One
# sample swings by 5-10 MiB with the allocator's trim cycle (every 10 s), so a single pair of
# samples would measure where in that cycle they fell.
window=$(( duration / 4 < 30 ? (duration / 4 > 5 ? duration / 4 : 5) : 30 ))
median_rss() { # from to (epoch seconds, inclusive)
  awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b {print $2}' "$work/rss.txt" | sort -n \
    | awk '{v[NR] = $1} END {print (NR ? v[int((NR + 1) / 2)] : 0)}'
}
rss_warm=$(median_rss "$warm_at" $(( warm_at + window )))
rss_end=$(median_rss $(( end_at - window )) "$end_at")
[ "$rss_warm" -gt 0 ] || rss_warm=$(rss_kib)
[ "$rss_end" -gt 0 ] || rss_end=$(rss_kib)
growth=$(awk -v a="$rss_warm" -v b="$rss_end" 'BEGIN {printf "%.1f", (b-a)*100/a}')
echo "soak: RSS start $((rss_start / 1024)) MiB, after ${warmup}s warm-up $((rss_warm / 1024)) MiB, end $((rss_end / 1024)) MiB (medians over ${window} s; growth after warm-up ${growth} %)"
# The RSS curve, one sample a minute (or ten over a short run): growth that flattens is caches
# filling up to their caps; growth that keeps its slope is a leak.
every=$(( duration >= 600 ? 12 : 1 ))
echo "soak: RSS curve (MiB, every $((every * 5)) s): $(awk -v n="$every" '(NR - 1) % n == 0 {printf "%d ", $2 / 1024}' "$work/rss.txt")"
echo "soak: GitHub router lag after the run: $lag; server log lines at warning or above: $(grep -c . "$work/callboard.log" || true)"
grep -v 'backend.auth.externalAccess is not configured' "$work/callboard.log" | head -5 | cut -c1-300 | sed 's/^/soak: log: /' || true
echo "soak: errors $errors (target 0)"
status=0
[ "$errors" -eq 0 ] || status=1
[ "$lag" = "0" ] || { echo "soak: the router did not catch up"; status=1; }
if [ "$short" -eq 0 ] && awk -v g="$growth" 'BEGIN {exit !(g >= 10)}'; then
  echo "soak: RSS grew by 10 % or more after warm-up"; status=1
fi
[ "$status" -eq 0 ] || tail -20 "$work/callboard.log"
exit "$status"

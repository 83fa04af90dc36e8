#!/usr/bin/env bash
# Durable webhook ingress on PostgreSQL (issue 5), one instance and two: the load of ingress.sh
# (wrk, 2 threads, 64 connections, post-1k.lua's 1 KiB JSON body) against one `callboard serve`
# on a throwaway PostgreSQL, then against two instances on one database (two wrk processes of one
# thread and 32 connections each, one per instance, started together; requests/s summed), and
# SQLite durable ingress for reference, all in one run. Each setup gets a fresh database, and SQL
# checks afterwards that every event answered 2xx is stored (a few more may be: requests wrk cut
# off at the end that had committed).
#
#   Benchmarks/load/ingress-postgres.sh [duration-seconds]      # default 15
#   CALLBOARD_BIN=.build/release/callboard Benchmarks/load/ingress-postgres.sh   # skip the build
#
# Needs wrk and PostgreSQL's binaries (apt-get install wrk postgresql).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration="${1:-15}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
source "$here/pg-throwaway.sh"

callboard="${CALLBOARD_BIN:-}"
if [[ -z "$callboard" ]]; then
    swift build -c release --package-path "$root" --product callboard >/dev/null
    callboard="$root/.build/release/callboard"
fi

work="$(mktemp -d)"
cleanup() { kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; pg_stop; rm -rf "$work"; }
trap cleanup EXIT
wait_port() { for _ in $(seq 1 300); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# wrk_run URL LABEL THREADS CONNECTIONS: writes $work/LABEL.txt
wrk_run() {
    wrk -t"$3" -c"$4" -d"${duration}s" --latency -s "$here/post-1k.lua" "$1/api/events/http/bench" > "$work/$2.txt"
}
# wrk_field LABEL rps|requests|non2xx|p50|p99
wrk_field() {
    case "$2" in
        rps) awk '/Requests\/sec/ {print $2}' "$work/$1.txt" ;;
        requests) awk '/requests in/ {print $1}' "$work/$1.txt" ;;
        non2xx) awk '/Non-2xx/ {print $5}' "$work/$1.txt" | grep . || echo 0 ;;
        p50) awk '$1=="50%" {print $2}' "$work/$1.txt" ;;
        p99) awk '$1=="99%" {print $2}' "$work/$1.txt" ;;
    esac
}

# serve NAME PORT DATABASE-LINE: starts an instance in the background, waits for its port
serve() {
    cat > "$work/$1.yaml" <<YAML
backend:
  listen: { host: 127.0.0.1, port: $2 }
  database: $3
events:
  http:
    topics: [bench]
YAML
    LOG_LEVEL=warning "$callboard" serve --config "$work/$1.yaml" 2> "$work/$1.log" &
    eval "pid_$1=$!"
    wait_port "$2" || { cat "$work/$1.log" >&2; exit 1; }
}
stop() { local pid; pid="$(eval echo "\$pid_$1")"; kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; }

pg_start 7200
pg_database() { echo "{ client: pg, connection: { host: 127.0.0.1, port: 7200, user: callboard, password: '$pg_password', database: $1, ssl: false } }"; }
rows=()
check() { # label accepted stored
    if (( $3 < $2 )); then echo "LOST EVENTS: $1 accepted $2, stored $3" >&2; exit 1; fi
}

# SQLite, one instance (reference).
serve sqlite 7210 "{ client: sqlite, connection: { directory: $work/sqlite } }"
wrk_run http://127.0.0.1:7210 sqlite 2 64
sqlite_stored=$(curl -fsS http://127.0.0.1:7210/api/events/topics | python3 -c 'import json,sys; print(sum(t["storedEvents"] for t in json.load(sys.stdin) if t["topic"]=="bench"))')
stop sqlite
sqlite_accepted=$(( $(wrk_field sqlite requests) - $(wrk_field sqlite non2xx) ))
check SQLite "$sqlite_accepted" "$sqlite_stored"
rows+=("| SQLite, one instance (reference) | $(wrk_field sqlite rps) | $(wrk_field sqlite p50) | $(wrk_field sqlite p99) | $(wrk_field sqlite non2xx) | $sqlite_accepted | $sqlite_stored |")

# PostgreSQL, one instance.
pg_createdb bench_one
serve one 7201 "$(pg_database bench_one)"
wrk_run http://127.0.0.1:7201 one 2 64
stop one
one_rps=$(wrk_field one rps)
one_accepted=$(( $(wrk_field one requests) - $(wrk_field one non2xx) ))
one_stored=$(pg_sql bench_one "SELECT count(*) FROM events WHERE topic = 'bench'")
check "PostgreSQL, one instance" "$one_accepted" "$one_stored"
rows+=("| PostgreSQL, one instance | $one_rps | $(wrk_field one p50) | $(wrk_field one p99) | $(wrk_field one non2xx) | $one_accepted | $one_stored |")

# PostgreSQL, two instances on one database; the load split between them.
pg_createdb bench_two
serve two_a 7202 "$(pg_database bench_two)"
serve two_b 7203 "$(pg_database bench_two)"
wrk_run http://127.0.0.1:7202 two_a 1 32 &
wrk_a=$!
wrk_run http://127.0.0.1:7203 two_b 1 32 &
wrk_b=$!
wait "$wrk_a" "$wrk_b"
stop two_a
stop two_b
two_rps=$(python3 -c "print(round($(wrk_field two_a rps) + $(wrk_field two_b rps), 2))")
two_non2xx=$(( $(wrk_field two_a non2xx) + $(wrk_field two_b non2xx) ))
two_accepted=$(( $(wrk_field two_a requests) + $(wrk_field two_b requests) - two_non2xx ))
two_stored=$(pg_sql bench_two "SELECT count(*) FROM events WHERE topic = 'bench'")
check "PostgreSQL, two instances" "$two_accepted" "$two_stored"
rows+=("| PostgreSQL, two instances (A + B) | $two_rps | $(wrk_field two_a p50) / $(wrk_field two_b p50) | $(wrk_field two_a p99) / $(wrk_field two_b p99) | $two_non2xx | $two_accepted | $two_stored |")

ratio=$(python3 -c "print(f'{$two_rps / $one_rps:.2f}')")
printf '| setup (%ss, 64 connections) | events/s | p50 | p99 | non-2xx | accepted (2xx) | stored (SQL) |\n|---|---|---|---|---|---|---|\n' "$duration"
printf '%s\n' "${rows[@]}"
printf '\nratio (two instances / one): %s; every accepted event stored: yes\n' "$ratio"

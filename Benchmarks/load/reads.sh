#!/usr/bin/env bash
# Read routes at scale (issue "Performance"): for each catalog size, seeds a SQLite catalog with
# the synthetic components (CatalogProfile: the initial and unchanged full mutations, timed),
# starts a release Callboard on it and measures each read route with wrk (one connection, so the
# figures are service times, not queueing), then records peak RSS. Prints a table and writes
# Benchmarks/results/reads.csv for plot-scaling.py.
#
#   Benchmarks/load/reads.sh [count ...]          # default: 250000
#   Benchmarks/load/reads.sh 10000 100000 250000  # the scaling curve
#   READS_DURATION=10s Benchmarks/load/reads.sh   # wrk duration per route (default 10s)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# BENCH_CONFIG=debug (the CI smoke run, `Benchmarks/run smoke`) uses debug builds: figures mean nothing.
config="${BENCH_CONFIG:-release}"
duration="${READS_DURATION:-10s}"
counts=("${@:-250000}")
command -v wrk >/dev/null || { echo "reads.sh needs wrk (apt-get install wrk)"; exit 1; }

swift build -c "$config" --package-path "$root" --product callboard >/dev/null
swift build -c "$config" --package-path "$root/Benchmarks" --scratch-path "$root/Benchmarks/.build" --product CatalogProfile >/dev/null

mkdir -p "$(dirname "${READS_CSV:-$root/Benchmarks/results/reads.csv}")"
csv="${READS_CSV:-$root/Benchmarks/results/reads.csv}"
echo "entities,measure,p50_ms,p99_ms,requests_per_s" > "$csv"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# "p50 p99 req/s" of one wrk run.
measure() {
  wrk -t1 -c1 -d"$duration" --latency "$@" 2>/dev/null | awk '
    /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 } /^Requests\/sec/ { rps = $2 }
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    END { printf "%.3f %.3f %.0f\n", ms(p50), ms(p99), rps }'
}

printf "%-10s %-52s %10s %10s %10s\n" entities measure p50_ms p99_ms req/s
for count in "${counts[@]}"; do
  dir="$work/$count"
  mkdir -p "$dir"
  # Seed: the provider `frobs-bench` owns the entities; the server configures it with a full
  # sync an hour away, so nothing replaces them during the run.
  seed="$("$root/Benchmarks/.build/$config/CatalogProfile" initial unchanged --count "$count" \
    --keep "$dir/catalog.sqlite" --provider frobs-bench)"
  for phase in initial unchanged; do
    # CatalogProfile repeats the unchanged mutation; the median of its runs.
    ms=$(echo "$seed" | awk -v p="engine: full mutation, $phase" 'index($0, p) == 1 { print $(NF-1) }' | sort -n \
      | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    echo "$count,full mutation $phase,$ms,,," >> "$csv"
    printf "%-10s %-52s %10s\n" "$count" "full mutation, $phase" "$ms"
  done
  port=$((7400 + RANDOM % 500))
  cat > "$dir/app-config.yaml" <<YAML
backend:
  listen: { host: 127.0.0.1, port: $port }
  database: { client: sqlite, connection: { directory: $dir } }
catalog:
  providers:
    frobs:
      bench:
        url: http://127.0.0.1:9/envs/{env}/data
        eventUrl: http://127.0.0.1:9/sources/{id}/data
        schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 }, initialDelay: { hours: 1 } }
YAML
  LOG_LEVEL=warning "$root/.build/$config/callboard" serve --config "$dir/app-config.yaml" 2> "$dir/callboard.log" &
  pid=$!
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/.backstage/health/v1/readiness" >/dev/null 2>&1 && break
    sleep 0.1
  done
  base="http://127.0.0.1:$port/api/catalog"
  routes=(
    "by-refs (10 refs)|$base/entities/by-refs|-s $here/reads.lua"
    "filter kind=component,spec.type=service limit 100|$base/entities?filter=kind=component,spec.type=service&limit=100|"
    "by-query first page (totalItems)|$base/entities/by-query?limit=20|"
    "by-query first page, orderField=metadata.name|$base/entities/by-query?limit=20&orderField=metadata.name,asc|"
    "facets spec.type|$base/entity-facets?facet=spec.type|"
    "by-name|$base/entities/by-name/component/default/component-000123|"
  )
  for route in "${routes[@]}"; do
    IFS='|' read -r label url extra <<< "$route"
    # shellcheck disable=SC2086
    read -r p50 p99 rps < <(READS_COUNT="$count" measure $extra "$url")
    echo "$count,\"$label\",$p50,$p99,$rps" >> "$csv"
    printf "%-10s %-52s %10s %10s %10s\n" "$count" "$label" "$p50" "$p99" "$rps"
  done
  rss=$(awk '/VmHWM/ { print $2 / 1024 }' "/proc/$pid/status")
  echo "$count,peak RSS MiB,$rss,,," >> "$csv"
  printf "%-10s %-52s %10s\n" "$count" "peak RSS (MiB)" "$rss"
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$dir"
done
echo "written: $csv"

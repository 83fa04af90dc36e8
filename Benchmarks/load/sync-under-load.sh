#!/usr/bin/env bash
# A streamed full sync of N entities with webhooks arriving meanwhile: peak RSS and ingress p99
# during the sync against ingress alone just before it (issue "Performance").
#
#   Benchmarks/load/sync-under-load.sh [entities] [rate-per-second]    # default 250000 at 200/s
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# BENCH_CONFIG=debug (the CI smoke run, `Benchmarks/run smoke`) uses debug builds: figures mean nothing.
config="${BENCH_CONFIG:-release}"
swift build -c "$config" --package-path "$root" --product callboard >/dev/null
python3 "$here/sync-under-load.py" "$root/.build/$config/callboard" "${1:-250000}" "${2:-200}"

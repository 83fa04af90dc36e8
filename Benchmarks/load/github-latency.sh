#!/usr/bin/env bash
# GitHub push to visible (issue "Real sources"): a release Callboard with GitHub discovery pointed
# at a fake GitHub API that the script serves itself; N signed push webhooks at a steady rate,
# p50/p99/p99.9 from each 202 to the changed entity being readable.
#
#   Benchmarks/load/github-latency.sh [count] [rate-per-second] [repositories]   # default 1000 at 50/s over 20
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# BENCH_CONFIG=debug (the CI smoke run, `Benchmarks/run smoke`) uses debug builds: figures mean nothing.
config="${BENCH_CONFIG:-release}"
swift build -c "$config" --package-path "$root" --product callboard >/dev/null
python3 "$here/github-push-to-visible.py" "$root/.build/$config/callboard" "${1:-1000}" "${2:-50}" "${3:-20}"

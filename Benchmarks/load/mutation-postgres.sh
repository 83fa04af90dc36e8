#!/usr/bin/env bash
# The full-mutation benchmark on PostgreSQL (issue 5): Benchmarks/Tools/PostgresProfile on a
# throwaway PostgreSQL server (durable defaults), measuring in one run the PostgreSQL floor (the
# same rows inserted raw), the mutations on SQLite, and the mutations on PostgreSQL
# (initial load, unchanged, 1 % changed).
#
#   Benchmarks/load/mutation-postgres.sh [entities]     # default 10000
#   BENCH_SCRATCH=Benchmarks/.build-x ...               # another build directory for the tool
#
# Needs PostgreSQL's binaries (apt-get install postgresql).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
count="${1:-10000}"
scratch="${BENCH_SCRATCH:-$root/Benchmarks/.build}"
source "$here/pg-throwaway.sh"

swift build -c release --package-path "$root/Benchmarks" --scratch-path "$scratch" --product PostgresProfile >/dev/null
trap pg_stop EXIT
pg_start 7220
pg_createdb profile
"$scratch/release/PostgresProfile" --postgres "$PG_URL_BASE/profile" --count "$count"

# Sourced by the PostgreSQL benchmarks: a throwaway PostgreSQL server, as the tests start one
# (Sources/CallboardTesting/PostgresServerProcess.swift): initdb into a temporary directory,
# pg_ctl start on a loopback port, durable settings left at PostgreSQL's defaults (fsync and
# synchronous_commit on, like Callboard's SQLite ingress). As root, the programs run as
# `postgres` (Debian's package creates it), else `callboard-pg` (created), else `nobody`.
#
#   source Benchmarks/load/pg-throwaway.sh
#   pg_start 7200            # sets PG_URL_BASE (postgresql://callboard:…@127.0.0.1:7200)
#   pg_createdb bench        # then $PG_URL_BASE/bench
#   pg_sql bench "SELECT 1"
#   pg_stop                  # the caller's EXIT trap should call it
set -euo pipefail

pg_bin="${CALLBOARD_POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[[ -x "$pg_bin/initdb" ]] || { echo "no PostgreSQL binaries (apt-get install postgresql, or CALLBOARD_POSTGRES_BIN)" >&2; exit 1; }

pg_as() {
    if [[ $(id -u) -eq 0 ]]; then /usr/sbin/runuser -u "$pg_user" -- "$@"; else "$@"; fi
}

pg_start() { # port
    pg_port="$1"
    pg_user="$(id -un)"
    if [[ $(id -u) -eq 0 ]]; then
        if id postgres >/dev/null 2>&1; then pg_user=postgres
        elif id callboard-pg >/dev/null 2>&1 || /usr/sbin/useradd --system --no-create-home --shell /usr/sbin/nologin callboard-pg; then pg_user=callboard-pg
        else pg_user=nobody; fi
    fi
    pg_dir="$(mktemp -d /tmp/callboard-pgbench-XXXXXX)"
    pg_password="$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "$pg_password" > "$pg_dir/pwfile"
    [[ $(id -u) -eq 0 ]] && chown -R "$pg_user" "$pg_dir"
    pg_as "$pg_bin/initdb" -D "$pg_dir/data" -U callboard --pwfile="$pg_dir/pwfile" --auth=scram-sha-256 \
        -E UTF8 --locale=C > "$pg_dir/initdb.out" 2>&1
    pg_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 120 \
        -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=400" start > /dev/null
    PG_URL_BASE="postgresql://callboard:$pg_password@127.0.0.1:$pg_port"
}

pg_stop() {
    [[ -n "${pg_dir:-}" && -d "$pg_dir" ]] || return 0
    pg_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop > /dev/null 2>&1 || true
    rm -rf "$pg_dir"
}

pg_sql() { # database sql
    PGPASSWORD="$pg_password" "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U callboard -d "$1" -Atqc "$2"
}

pg_createdb() { # name
    pg_sql postgres "CREATE DATABASE $1"
}

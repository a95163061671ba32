#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server for the tests: as the `postgres` user, in a
# private data directory, on a private port, listening on loopback only.
#   start: prints `export RATECARD_PG_URL=...` (eval it);  stop DIR: stops and removes it.
set -euo pipefail
cmd=${1:-start}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ "$cmd" = stop ]; then
  dir=$2
  su postgres -s /bin/bash -c "$bin/pg_ctl -D '$dir/data' -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi
port=${RATECARD_PG_PORT:-$((20000 + RANDOM % 20000))}
dir=$(mktemp -d /tmp/ratecard-pg.XXXXXX)
chown postgres "$dir"
su postgres -s /bin/bash -c "$bin/initdb -D '$dir/data' -U postgres -A trust --no-sync -E UTF8" >"$dir/initdb.log" 2>&1
su postgres -s /bin/bash -c "$bin/pg_ctl -D '$dir/data' -l '$dir/server.log' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start" >/dev/null
echo "export RATECARD_PG_URL=postgres://postgres@127.0.0.1:$port/postgres"
echo "export RATECARD_PG_DIR=$dir"

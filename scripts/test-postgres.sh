#!/usr/bin/env bash
# Starts a private, throwaway PostgreSQL cluster for the test suite (idempotent) and prints its
# admin URL. Loopback only, trust auth: it exists only for tests and lives under $PG_ROOT.
set -euo pipefail
PG_ROOT=${PG_ROOT:-/tmp/peergate-test-pg}
# Above the kernel's ephemeral range (32768–60999): an outgoing connection that happened to use the
# port (even one in TIME_WAIT) would otherwise make the bind fail.
PG_PORT=${PG_PORT:-61432}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ]; then
  echo "test-postgres: PostgreSQL is not installed (make test-deps installs it)" >&2
  exit 1
fi
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ ! -f "$PG_ROOT/data/PG_VERSION" ]; then
  mkdir -p "$PG_ROOT"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_ROOT"
  as_pg "$PGBIN/initdb" -D "$PG_ROOT/data" -A trust -U postgres >"$PG_ROOT/initdb.log"
fi
if ! as_pg "$PGBIN/pg_ctl" -D "$PG_ROOT/data" status >/dev/null 2>&1; then
  as_pg "$PGBIN/pg_ctl" -D "$PG_ROOT/data" -l "$PG_ROOT/server.log" -w \
    -o "-k $PG_ROOT -p $PG_PORT -h 127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$PG_PORT/postgres"

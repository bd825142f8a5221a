#!/usr/bin/env bash
# HTTP figures: requests/s and p50/p99 latency at 64 concurrent
# connections for GET /healthz and GET /api/auth/me with a bearer token, and peergate's resident
# memory after start and after the load. Side by side, the naive approach the bearer path avoids:
# checking a password hash (argon2id) on every request, as basic-auth tools do — measured here as
# POST /api/auth/login with the right password, which does exactly one argon2id verification.
# Load comes from wrk (C, 2 threads) on the same 2-core machine, so the figures are conservative.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
bin=$PWD/target/release/peergate
[ -x "$bin" ] || cargo build --release --locked -p peergate
duration=${BENCH_SECONDS:-10}
tmp=$(mktemp -d /tmp/peergate-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export PEERGATE_DATA_DIR=$tmp/data PEERGATE_LISTEN=127.0.0.1:$port PEERGATE_LOG=${PEERGATE_LOG:-info}
password=$("$bin" user add --username bench --role admin --generate-password | sed -n 's/^password (shown once): //p')
token=$("$bin" token create --username bench --name bench 2>/dev/null | tail -n 1)
"$bin" serve >"$tmp/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status"; }
rss_start=$(rss)

cat >"$tmp/login.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"username":"bench","password":"$password"}'
wrk.headers["Content-Type"] = "application/json"
LUA

run() { # label, wrk args... -> "label rps p50 p99"
  local label=$1; shift
  local out; out=$(wrk -t2 -c64 -d"${duration}s" --latency "$@")
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '%-44s %12s %10s %10s\n' "$label" "$rps" "$p50" "$p99"
  echo "$rps" >"$tmp/$label.rps"
}

echo "peergate HTTP benchmark: 64 connections, ${duration}s each, wrk -t2 on $(nproc) cores"
printf '%-44s %12s %10s %10s\n' "endpoint" "req/s" "p50" "p99"
run healthz "http://127.0.0.1:$port/healthz"
run me-bearer -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/auth/me"
rss_after=$(rss)
run naive-argon2-per-request -s "$tmp/login.lua" "http://127.0.0.1:$port/api/auth/login"
sleep 2 # let hashes already running finish
rss_login=$(rss)
echo
echo "RSS after start: ${rss_start} MiB; after the healthz + bearer load: ${rss_after} MiB; after the argon2 login flood: ${rss_login} MiB"
python3 - "$tmp" <<'PY'
import sys, pathlib
d = pathlib.Path(sys.argv[1])
r = {p.stem: float(p.read_text()) for p in d.glob("*.rps")}
print(f"bearer /api/auth/me vs argon2-per-request: {r['me-bearer'] / r['naive-argon2-per-request']:.0f}x the throughput")
print(f"bearer /api/auth/me vs /healthz: {r['me-bearer'] / r['healthz']:.2f}x (cost of authentication)")
PY

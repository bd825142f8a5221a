#!/usr/bin/env bash
# Browser end-to-end: the real peergate binary (debug build, UI read from web/dist) with a fresh
# SQLite database and a seeded admin, driven by Chromium through playwright-core.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked -q -p peergate --bin peergate
bin=$PWD/target/debug/peergate
tmp=$(mktemp -d /tmp/peergate-e2e.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Everything the gateway would write lives in the temp dir; the LAN is fixed so subnets never collide
# with this machine's own network.
export PEERGATE_DATA_DIR=$tmp/data PEERGATE_WG_DIR=$tmp/wireguard PEERGATE_SYSCTL_FILE=$tmp/sysctl.conf \
  PEERGATE_LAN_ADDRESS=10.201.0.1/24 PEERGATE_LISTEN=127.0.0.1:$port PEERGATE_LOG=warn
password=$("$bin" user add --username e2e-admin --role admin --generate-password | sed -n 's/^password (shown once): //p')
"$bin" serve >"$tmp/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
# The data-plane steps of e2e/clients.test.mjs need the namespace topology: scripts/e2e-dataplane.sh.
cd web
PEERGATE_URL=http://127.0.0.1:$port PEERGATE_E2E_USER=e2e-admin PEERGATE_E2E_PASSWORD=$password \
  PEERGATE_TEST_OUTPUT=${PEERGATE_TEST_OUTPUT:-../test-output} node --test --test-reporter=tap e2e/

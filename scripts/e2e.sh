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
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
# A webhook receiver for the alerts (e2e/alerts.test.mjs reads back what it got): each POSTed body
# is appended to a file, one per line. PEERGATE_E2E_WEBHOOK=0 runs the gateway without a webhook.
if [ "${PEERGATE_E2E_WEBHOOK:-1}" = 1 ]; then
  hook_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  export PEERGATE_E2E_WEBHOOK_LOG=$tmp/webhook.log PEERGATE_ALERT_WEBHOOK_URL=http://127.0.0.1:$hook_port/hook
  python3 -c '
import http.server, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with open(sys.argv[2], "ab") as log:
            log.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
' "$hook_port" "$PEERGATE_E2E_WEBHOOK_LOG" &
  pids+=($!)
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$hook_port/" && break; sleep 0.1; done
else
  unset PEERGATE_E2E_WEBHOOK_LOG PEERGATE_ALERT_WEBHOOK_URL
fi
"$bin" serve >"$tmp/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
# The data-plane steps of e2e/clients.test.mjs need the namespace topology: scripts/e2e-dataplane.sh.
# One file at a time: they share this server, and the client files each start and end with no
# clients (node would run several at once on a machine with more cores).
cd web
PEERGATE_URL=http://127.0.0.1:$port PEERGATE_E2E_USER=e2e-admin PEERGATE_E2E_PASSWORD=$password \
  PEERGATE_TEST_OUTPUT=${PEERGATE_TEST_OUTPUT:-../test-output} node --test --test-concurrency=1 --test-reporter=tap e2e/

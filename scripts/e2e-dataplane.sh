#!/usr/bin/env bash
# Browser end-to-end of the data plane: the real peergate (debug build) inside the gateway
# namespace of the test topology (scripts/netns-topology.sh), and Chromium driven by
# playwright-core inside the same namespace, so the browser reaches peergate on 127.0.0.1 there.
# The uploaded config is the topology's full-tunnel client: the test answers the subnet prompt,
# activates, waits for "connected" and a successful ping, deactivates and deletes. Root only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
[[ $(id -u) -eq 0 ]] || { echo "e2e-dataplane: needs root (network namespaces)" >&2; exit 1; }
cargo build --locked -q -p peergate --bin peergate
bin=$PWD/target/debug/peergate
prefix=ui$(( $$ % 100000 ))
tmp=$(mktemp -d /tmp/peergate-e2e-dp.XXXXXX)
pid=
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  "$root/scripts/netns-topology.sh" down "$prefix" "$tmp/topo" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
scripts/netns-topology.sh up "$prefix" "$tmp/topo" >/dev/null
# shellcheck disable=SC1091
source "$tmp/topo/env"
port=18446
gw() { ip netns exec "$PG_NS_GW" env "$@"; }
config=(PEERGATE_DATA_DIR="$tmp/data" PEERGATE_WG_DIR="$tmp/wireguard" PEERGATE_SYSCTL_FILE="$tmp/sysctl.conf"
  PEERGATE_FIREWALL=nftables PEERGATE_LAN_INTERFACE="$PG_IF_GW_LAN" PEERGATE_LAN_ADDRESS=10.201.0.1/24
  WG_QUICK_USERSPACE_IMPLEMENTATION=wireguard-go PEERGATE_LISTEN=127.0.0.1:$port PEERGATE_LOG=warn
  PEERGATE_STATUS_INTERVAL_SECS=1 PEERGATE_PING_INTERVAL_SECS=5)
password=$(gw "${config[@]}" "$bin" user add --username e2e-admin --role admin --generate-password | sed -n 's/^password (shown once): //p')
# Started directly (not through the `gw` function): `ip netns exec` and `env` exec, so $! is
# peergate's own pid and the cleanup can stop it.
ip netns exec "$PG_NS_GW" env "${config[@]}" "$bin" serve >"$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do gw curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
cd web
status=0
gw PATH="$PATH" HOME="${HOME:-/root}" PEERGATE_URL="http://127.0.0.1:$port" PEERGATE_E2E_USER=e2e-admin PEERGATE_E2E_PASSWORD="$password" \
  PEERGATE_E2E_CONF="$(cat "$tmp/topo/client-full.conf")" PEERGATE_E2E_SUBNET=10.77.0.0/24 PEERGATE_E2E_DATAPLANE=1 \
  PEERGATE_TEST_OUTPUT="${PEERGATE_TEST_OUTPUT:-../test-output}/dataplane" \
  node --test --test-reporter=tap e2e/clients.test.mjs || status=$?
[[ $status -eq 0 ]] || { echo "--- peergate log"; tail -n 50 "$tmp/serve.log"; }
exit $status

#!/usr/bin/env bash
# Namespace topology for peergate's privileged end-to-end tests:
#
#   [lan]  ${P}-lan0 10.201.0.2 ── ${P}-glan 10.201.0.1 [gw]
#   [gw]   ${P}-gwan 10.203.0.1 ──("internet")── ${P}-rwan 10.203.0.2 [rem]
#   [gw]   wg client 10.204.0.2 ══ WireGuard ══ ${P}-srv 10.204.0.1:51820 [rem]  (wireguard-go)
#   [rem]  ${P}-rlan 10.77.0.1 ── ${P}-rh0 10.77.0.10 [rh]   (default via 10.77.0.1)
#
# The server's only peer is the gateway with AllowedIPs 10.204.0.2/32: traffic from the LAN host
# (10.201.0.2) reaches the remote host only if the gateway masquerades it.
#
# Usage: netns-topology.sh up PREFIX DIR          build it; writes DIR/{env,client-*.conf,server.*}
#        netns-topology.sh down PREFIX DIR        tear it down (idempotent)
#        netns-topology.sh delete-ns PREFIX NAME  delete one namespace NAME (which must start with
#                                                 PREFIX), stopping what runs inside it
#        netns-topology.sh purge PREFIX DIR       down, then every namespace named PREFIX* and the
#                                                 sockets /var/run/wireguard/PREFIX* (benchmarks
#                                                 that make namespaces of their own use this)
#
# PREFIX: 1-8 characters [a-z0-9], unique per run. Everything created is named after it: namespaces
# ${P}lan ${P}gw ${P}rem ${P}rh and interfaces ${P}-*. Teardown touches only those namespaces, the
# processes inside them (checked by namespace identity), and sockets /var/run/wireguard/${P}-*.sock.
# Nothing in the host namespace (routes, rules, forwarding) is ever touched.
set -euo pipefail

die() { echo "netns-topology: $*" >&2; exit 1; }

[[ $# -eq 3 ]] || die "usage: $0 up|down|purge PREFIX DIR, or $0 delete-ns PREFIX NAME"
ACTION=$1 P=$2 DIR=$3
[[ $P =~ ^[a-z0-9]{1,8}$ ]] || die "PREFIX must be 1-8 characters [a-z0-9], got '$P'"
[[ $(id -u) -eq 0 ]] || die "must run as root"

NS_LAN=${P}lan NS_GW=${P}gw NS_REM=${P}rem NS_RH=${P}rh
IF_GW_LAN=${P}-glan IF_LAN=${P}-lan0
IF_GW_WAN=${P}-gwan IF_REM_WAN=${P}-rwan
IF_REM_LAN=${P}-rlan IF_RH=${P}-rh0
IF_SRV=${P}-srv
WG_RUN=/var/run/wireguard

ns_exists() { [[ -e /run/netns/$1 ]]; }

# Net namespace identity (dev:inode of the nsfs file) of a named namespace, or empty.
ns_id() { stat -L -c '%d:%i' "/run/netns/$1" 2>/dev/null || true; }

# Kills a pid only if it still lives in namespace $2 (identity $3); TERM, then KILL after 3 s.
kill_in_ns() {
  local pid=$1 id=$3 i
  [[ $(stat -L -c '%d:%i' "/proc/$pid/ns/net" 2>/dev/null || true) == "$id" ]] || return 0
  echo "netns-topology: stopping pid $pid ($(readlink "/proc/$pid/exe" 2>/dev/null || echo '?')) in $2" >&2
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 30); do
    [[ -e /proc/$pid ]] || return 0
    [[ $(stat -L -c '%d:%i' "/proc/$pid/ns/net" 2>/dev/null || true) == "$id" ]] || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

down() {
  # The server first, by the pid recorded at `up`, if it still is that wireguard-go.
  if [[ -f $DIR/env ]]; then
    local pid
    pid=$(sed -n 's/^PG_SRV_PID=//p' "$DIR/env" | tr -d "'\"")
    if [[ -n $pid && -e /proc/$pid ]] && [[ $(readlink "/proc/$pid/exe" 2>/dev/null || true) == */wireguard-go ]] \
       && [[ $(ns_id "$NS_REM") != "" && $(stat -L -c '%d:%i' "/proc/$pid/ns/net" 2>/dev/null || true) == "$(ns_id "$NS_REM")" ]]; then
      kill_in_ns "$pid" "$NS_REM" "$(ns_id "$NS_REM")"
    fi
  fi
  # Anything still running inside our namespaces (a peergate under test, the wireguard-go of its
  # client interfaces, a stray ping) keeps the namespace alive after `ip netns del`: stop it.
  local ns id pid
  for ns in "$NS_GW" "$NS_LAN" "$NS_REM" "$NS_RH"; do
    delete_ns "$ns"
  done
  # Sockets of our interfaces (names start with "${P}-") left by a daemon that was killed hard.
  local sock
  for sock in "$WG_RUN/$P"-*.sock "$WG_RUN/$P"-*.name; do
    [[ -e $sock ]] || continue
    echo "netns-topology: removing stale $sock" >&2
    rm -f -- "$sock"
  done
  rm -f -- "$DIR/env"
}

# Stops everything inside namespace $1 (by namespace identity), then deletes it.
delete_ns() {
  local ns=$1 id pid
  ns_exists "$ns" || return 0
  id=$(ns_id "$ns")
  for pid in $(ip netns pids "$ns" 2>/dev/null || true); do
    kill_in_ns "$pid" "$ns" "$id"
  done
  ip netns del "$ns" || die "could not delete namespace $ns"
}

# Everything named after the prefix, whoever made it.
purge() {
  [[ -d $DIR ]] && down
  local ns sock
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    [[ $ns == "$P"* ]] && delete_ns "$ns"
  done
  for sock in "$WG_RUN/$P"*.sock "$WG_RUN/$P"*.name; do
    [[ -e $sock ]] && rm -f -- "$sock"
  done
  return 0
}

up() {
  for tool in ip wg wireguard-go wg-quick; do
    command -v "$tool" >/dev/null || die "missing tool: $tool"
  done
  # Start from nothing: a previous run with the same prefix is removed first.
  down
  mkdir -p "$DIR"
  chmod 700 "$DIR"

  local ns
  for ns in "$NS_LAN" "$NS_GW" "$NS_REM" "$NS_RH"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
  done

  # Veths, created directly inside their namespaces.
  ip link add "$IF_GW_LAN" netns "$NS_GW" type veth peer name "$IF_LAN" netns "$NS_LAN"
  ip link add "$IF_GW_WAN" netns "$NS_GW" type veth peer name "$IF_REM_WAN" netns "$NS_REM"
  ip link add "$IF_REM_LAN" netns "$NS_REM" type veth peer name "$IF_RH" netns "$NS_RH"

  ip -n "$NS_GW" addr add 10.201.0.1/24 dev "$IF_GW_LAN"
  ip -n "$NS_LAN" addr add 10.201.0.2/24 dev "$IF_LAN"
  ip -n "$NS_GW" addr add 10.203.0.1/24 dev "$IF_GW_WAN"
  ip -n "$NS_REM" addr add 10.203.0.2/24 dev "$IF_REM_WAN"
  ip -n "$NS_REM" addr add 10.77.0.1/24 dev "$IF_REM_LAN"
  ip -n "$NS_RH" addr add 10.77.0.10/24 dev "$IF_RH"
  ip -n "$NS_GW" link set "$IF_GW_LAN" up
  ip -n "$NS_LAN" link set "$IF_LAN" up
  ip -n "$NS_GW" link set "$IF_GW_WAN" up
  ip -n "$NS_REM" link set "$IF_REM_WAN" up
  ip -n "$NS_REM" link set "$IF_REM_LAN" up
  ip -n "$NS_RH" link set "$IF_RH" up
  ip -n "$NS_RH" route add default via 10.77.0.1
  # The LAN host reaches the remote subnet through the gateway.
  ip -n "$NS_LAN" route add 10.77.0.0/24 via 10.201.0.1
  # The remote site routes between its tunnel and its LAN; the gateway starts with forwarding off
  # (a fresh namespace's default) so peergate has to turn it on.
  ip netns exec "$NS_REM" sysctl -q -w net.ipv4.ip_forward=1
  ip netns exec "$NS_GW" sysctl -q -w net.ipv4.ip_forward=0

  # Keys.
  umask 077
  wg genkey >"$DIR/server.key"
  wg pubkey <"$DIR/server.key" >"$DIR/server.pub"
  wg genkey >"$DIR/client.key"
  wg pubkey <"$DIR/client.key" >"$DIR/client.pub"
  local wrong_pub
  wrong_pub=$(wg genkey | wg pubkey)
  local srv_pub cli_priv cli_pub
  srv_pub=$(cat "$DIR/server.pub") cli_priv=$(cat "$DIR/client.key") cli_pub=$(cat "$DIR/client.pub")

  # The remote WireGuard server. `ip netns exec` execs the command, so $! is wireguard-go's pid.
  [[ ! -e $WG_RUN/$IF_SRV.sock ]] || die "$WG_RUN/$IF_SRV.sock exists: another run uses prefix $P?"
  ip netns exec "$NS_REM" wireguard-go -f "$IF_SRV" </dev/null >"$DIR/server.log" 2>&1 &
  local srv_pid=$!
  disown "$srv_pid" 2>/dev/null || true
  local i
  for i in $(seq 100); do
    [[ -S $WG_RUN/$IF_SRV.sock ]] && break
    [[ -e /proc/$srv_pid ]] || die "wireguard-go for $IF_SRV exited: $(cat "$DIR/server.log")"
    sleep 0.05
  done
  [[ -S $WG_RUN/$IF_SRV.sock ]] || die "wireguard-go did not create $WG_RUN/$IF_SRV.sock within 5 s"
  [[ $(readlink "/proc/$srv_pid/exe") == */wireguard-go ]] || die "pid $srv_pid is not wireguard-go"
  # Record the pid at once, so `down` can stop the server even if the rest fails.
  cat >"$DIR/env" <<EOF
PG_PREFIX='$P'
PG_SRV_PID='$srv_pid'
EOF
  cat >"$DIR/server.conf" <<EOF
[Interface]
PrivateKey = $(cat "$DIR/server.key")
ListenPort = 51820

[Peer]
PublicKey = $cli_pub
AllowedIPs = 10.204.0.2/32
EOF
  ip netns exec "$NS_REM" wg setconf "$IF_SRV" "$DIR/server.conf"
  ip -n "$NS_REM" addr add 10.204.0.1/24 dev "$IF_SRV"
  ip -n "$NS_REM" link set "$IF_SRV" up

  # The gateway's client confs (what a user would upload).
  client_conf() { # $1 = server public key, $2 = AllowedIPs
    cat <<EOF
[Interface]
PrivateKey = $cli_priv
Address = 10.204.0.2/32

[Peer]
PublicKey = $1
AllowedIPs = $2
Endpoint = 10.203.0.2:51820
PersistentKeepalive = 5
EOF
  }
  client_conf "$srv_pub" 0.0.0.0/0 >"$DIR/client-full.conf"
  client_conf "$srv_pub" 10.77.0.0/24 >"$DIR/client-split.conf"
  client_conf "$wrong_pub" 10.77.0.0/24 >"$DIR/client-wrongkey.conf"
  chmod 600 "$DIR"/client-*.conf

  # Sanity: the underlay works (gateway ↔ remote, remote ↔ remote host).
  ip netns exec "$NS_GW" ping -q -c 1 -W 2 10.203.0.2 >/dev/null || die "gateway cannot reach 10.203.0.2"
  ip netns exec "$NS_REM" ping -q -c 1 -W 2 10.77.0.10 >/dev/null || die "remote cannot reach 10.77.0.10"

  cat >"$DIR/env" <<EOF
PG_PREFIX='$P'
PG_NS_LAN='$NS_LAN'
PG_NS_GW='$NS_GW'
PG_NS_REM='$NS_REM'
PG_NS_RH='$NS_RH'
PG_IF_GW_LAN='$IF_GW_LAN'
PG_IF_LAN='$IF_LAN'
PG_IF_GW_WAN='$IF_GW_WAN'
PG_IF_REM_WAN='$IF_REM_WAN'
PG_IF_REM_LAN='$IF_REM_LAN'
PG_IF_RH='$IF_RH'
PG_IF_SRV='$IF_SRV'
PG_SRV_PID='$srv_pid'
PG_SRV_PUBKEY='$srv_pub'
PG_CLIENT_PUBKEY='$cli_pub'
PG_GW_LAN_ADDRESS='10.201.0.1/24'
PG_REMOTE_SUBNET='10.77.0.0/24'
PG_REMOTE_HOST='10.77.0.10'
EOF
  echo "netns-topology: $P up (server pid $srv_pid)" >&2
}

case $ACTION in
  up)
    # A failure part-way leaves nothing behind.
    trap 'rc=$?; if [[ $rc -ne 0 ]]; then echo "netns-topology: up failed (exit $rc), tearing down" >&2; trap - EXIT; down || true; fi; exit $rc' EXIT
    up
    trap - EXIT
    ;;
  down) down ;;
  purge) purge ;;
  delete-ns)
    [[ $DIR == "$P"* ]] || die "namespace '$DIR' does not start with the prefix '$P'"
    delete_ns "$DIR"
    ;;
  *) die "unknown action '$ACTION' (up|down|purge|delete-ns)" ;;
esac

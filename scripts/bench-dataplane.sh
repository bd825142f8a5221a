#!/usr/bin/env bash
# Data-plane figures, each side by side with the naive way, in one run:
#   1. status snapshot of 1/10/100 wireguard-go interfaces: peergate (UAPI sockets, in-process)
#      vs `wg show IFACE dump` per interface vs one `wg show all dump`, and tasks spawned per tick;
#   2. firewall change for client N+1 at N = 10 and 500: nftables batch, iptables-restore (nft and
#      legacy iptables), per-rule `iptables` calls; add and remove, with the 500/10 ratio;
#   3. upload → active → first successful probe through peergate's API in the namespace topology
#      (scripts/netns-topology.sh), vs the same steps typed by hand;
#   4. idle CPU and RSS of `peergate serve` with 100 active clients, vs a shell poller doing the
#      same status and probe work with one process per client.
# The Rust parts are benches (crates/peergate/benches, harness = false) run inside namespaces.
#
# Root only. Everything created is named after a random prefix pgbXXXX (namespaces, interfaces,
# sockets, temp dirs) and removed on exit, failure or interrupt; processes are stopped by pid after
# checking what they are. Nothing in the host namespace (routes, rules, forwarding) is touched.
#
# Environment: CARGO_TARGET_DIR (default ./target), BENCH_IDLE_SECONDS (60), BENCH_ACTIVATIONS (5),
# BENCH_FIGURES (default "1 2 3 4": run a subset while iterating).
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "bench-dataplane: $*" >&2; exit 1; }
log() { echo "bench-dataplane: $*" >&2; }

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces, nft, iptables)"
for tool in ip wg wg-quick wireguard-go nft iptables iptables-restore iptables-save curl python3 unshare; do
  command -v "$tool" >/dev/null || die "missing tool: $tool (wireguard-tools, wireguard-go, nftables, iptables, iproute2, curl, python3)"
done

P=pgb$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')  # 7 characters: room for interface suffixes (≤ 15)
TMP=$(mktemp -d "/tmp/peergate-bench-dataplane.XXXXXX")
WG_VIEW=$TMP/wireguard-aside  # mount point for the real /run/wireguard in a private view
RESULTS=$TMP/results.jsonl
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
IDLE_SECONDS=${BENCH_IDLE_SECONDS:-60}
ACTIVATIONS=${BENCH_ACTIVATIONS:-5}
FIGURES=${BENCH_FIGURES:-1 2 3 4}
TOPO_PREFIX=${P}t
TOPO_DIR=$TMP/topology
: >"$RESULTS"

# ---------------------------------------------------------------------------------------------
# Teardown: by pid (checked against /proc/PID/exe) and by our own namespace names only.

# Stops a pid if its executable is one we start; TERM, then KILL after 3 s.
stop_pid() {
  local pid=$1 exe i
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 0
  case ${exe##*/} in
    wireguard-go | peergate | bash | ping | wg | sleep | curl | xargs) ;;
    *) log "not stopping pid $pid ($exe): not a program this script starts"; return 0 ;;
  esac
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 30); do
    [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$exe" ]] || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# Namespaces are torn down by netns-topology.sh (processes inside stopped by namespace identity).
delete_ns() { scripts/netns-topology.sh delete-ns "$P" "$1" || log "could not delete namespace $1"; }

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  [[ -d $TOPO_DIR ]] && scripts/netns-topology.sh down "$TOPO_PREFIX" "$TOPO_DIR" >/dev/null 2>&1
  # Every namespace and socket named $P* (the topology's prefix starts with it too).
  scripts/netns-topology.sh purge "$P" "$TMP" >/dev/null 2>&1
  rm -rf -- "$TMP"
  [[ $rc -eq 0 ]] || log "failed (exit $rc); everything named $P* was removed"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

new_ns() { ip netns add "$1" && ip -n "$1" link set lo up; }

# Records one figure as a JSON line (the summary at the end reads them all): record KEY=VALUE...
record() {
  python3 - "$RESULTS" "$@" <<'PY'
import json, sys
def value(v):
    try: return json.loads(v)
    except ValueError: return v
print(json.dumps({k: value(v) for k, v in (a.split("=", 1) for a in sys.argv[2:])}), file=open(sys.argv[1], "a"))
PY
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---------------------------------------------------------------------------------------------
# Build: the release binary and the two bench programs (their paths come from cargo's JSON).

log "building (release) into $TARGET"
cargo build --release --locked -p peergate --bins >&2
PEERGATE=$TARGET/release/peergate
BENCHES=$(cargo bench --locked -p peergate --bench status_snapshot --bench firewall_change --no-run \
  --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["kind"] == ["bench"]:
        print(m["target"]["name"], m["executable"])')
STATUS_BENCH=$(awk '$1 == "status_snapshot" {print $2}' <<<"$BENCHES")
FIREWALL_BENCH=$(awk '$1 == "firewall_change" {print $2}' <<<"$BENCHES")
[[ -x $PEERGATE && -x $STATUS_BENCH && -x $FIREWALL_BENCH ]] || die "build did not produce the binaries"

# Starts wireguard-go for interface $2 in namespace $1 and prints its pid (`ip netns exec` execs
# the daemon, so $! is wireguard-go itself).
start_wireguard_go() {
  ip netns exec "$1" wireguard-go -f "$2" </dev/null >>"$TMP/wireguard-go.log" 2>&1 &
  echo $!
}

wait_for_socket() {
  local i
  for i in $(seq 100); do [[ -S /run/wireguard/$1.sock ]] && return 0; sleep 0.05; done
  die "wireguard-go did not create /run/wireguard/$1.sock"
}

# ---------------------------------------------------------------------------------------------
figure_status() {
  log "figure 1: status snapshot"
  local ns=${P}st i k pub
  new_ns "$ns"
  wg genkey >"$TMP/status.key"
  pub=$(wg genkey | wg pubkey)
  for i in $(seq 0 99); do start_wireguard_go "$ns" "${P}s$i" >/dev/null; done
  for i in $(seq 0 99); do
    wait_for_socket "${P}s$i"
    ip netns exec "$ns" wg set "${P}s$i" private-key "$TMP/status.key" \
      peer "$pub" allowed-ips "10.100.$i.0/24" endpoint 10.250.0.2:51820
  done
  for k in 1 10 100; do
    # A private view of /run/wireguard holding exactly these k sockets, so `wg show all` reads
    # only them (the real directory is host-wide): the real directory is bind-mounted aside, a
    # tmpfs covers it, and each socket is bind-mounted back (hard links would not do: wireguard-go
    # exits when its socket's link count changes). Plus a private PID namespace to count tasks.
    mkdir -p "$WG_VIEW"
    ip netns exec "$ns" unshare --pid --fork --mount-proc sh -c '
      aside=$1 prefix=$2 k=$3; shift 3
      mount --bind /run/wireguard "$aside" && mount -t tmpfs -o mode=700 pgb-view /run/wireguard || exit 1
      i=0
      while [ "$i" -lt "$k" ]; do
        touch "/run/wireguard/$prefix$i.sock" && mount --bind "$aside/$prefix$i.sock" "/run/wireguard/$prefix$i.sock" || exit 1
        i=$((i + 1))
      done
      exec "$@"' sh "$WG_VIEW" "${P}s" "$k" \
      env PGB_PREFIX="${P}s" PGB_COUNT="$k" PGB_RESULTS="$RESULTS" "$STATUS_BENCH"
  done
  delete_ns "$ns"
}

# ---------------------------------------------------------------------------------------------
figure_firewall() {
  log "figure 2: firewall change"
  local legacy_path=$TMP/legacy-bin tool
  # The multi-call binaries dispatch on argv[0]: these names run iptables-legacy.
  mkdir -p "$legacy_path"
  for tool in iptables iptables-restore iptables-save; do
    ln -s "$(command -v "${tool/iptables/iptables-legacy}")" "$legacy_path/$tool"
  done
  local spec backend label path ns n=0
  for spec in "nftables nftables $PATH" "iptables iptables-nft $PATH" "iptables iptables-legacy $legacy_path:$PATH"; do
    read -r backend label path <<<"$spec"
    if [[ $label == iptables-legacy ]] && ! command -v iptables-legacy >/dev/null; then continue; fi
    ns=${P}f$((n++))  # a fresh namespace per backend: legacy tables stay registered once used
    new_ns "$ns"
    ip netns exec "$ns" env PATH="$path" PGB_BACKEND="$backend" PGB_LABEL="$label" PGB_LAN="${P}-lan" \
      PGB_RESULTS="$RESULTS" "$FIREWALL_BENCH"
    delete_ns "$ns"
  done
}

# ---------------------------------------------------------------------------------------------
# peergate's environment for figures 3 and 4: $1 = state dir, $2 = LAN interface.
peergate_env() {
  mkdir -p "$1/data" "$1/wg"
  echo PEERGATE_DATA_DIR="$1/data" PEERGATE_WG_DIR="$1/wg" PEERGATE_SYSCTL_FILE="$1/99-peergate.conf" \
    PEERGATE_FIREWALL=nftables PEERGATE_LAN_INTERFACE="$2" PEERGATE_LAN_ADDRESS=10.201.0.1/24 \
    WG_QUICK_USERSPACE_IMPLEMENTATION=wireguard-go PEERGATE_LISTEN=127.0.0.1:18555 PEERGATE_LOG=warn
}

# Starts `peergate serve` in namespace $1 with environment $2 (words), log $3; prints its pid.
start_peergate() {
  # shellcheck disable=SC2086 # the environment is a list of words without spaces
  ip netns exec "$1" env $2 "$PEERGATE" serve </dev/null >"$3" 2>&1 &
  local pid=$! i
  for i in $(seq 100); do
    ip netns exec "$1" curl -fs -o /dev/null http://127.0.0.1:18555/healthz && { echo "$pid"; return 0; }
    [[ -e /proc/$pid ]] || die "peergate serve exited: $(tail -n 20 "$3")"
    sleep 0.1
  done
  die "peergate serve did not answer /healthz within 10 s"
}

figure_activation() {
  log "figure 3: upload → active → first probe"
  [[ -x scripts/netns-topology.sh ]] || die "scripts/netns-topology.sh is missing"
  scripts/netns-topology.sh up "$TOPO_PREFIX" "$TOPO_DIR" >&2
  # shellcheck disable=SC1091
  source "$TOPO_DIR/env"
  local gw=$PG_NS_GW conf=$TOPO_DIR/client-split.conf rep start elapsed

  # By hand, the floor: wg-quick up, forwarding, the same nft table, ping until the first answer.
  local hand=$TMP/by-hand/${P}h.conf
  mkdir -p "${hand%/*}"
  install -m 600 "$conf" "$hand"
  for rep in $(seq "$ACTIVATIONS"); do
    start=$(now_ms)
    ip netns exec "$gw" env WG_QUICK_USERSPACE_IMPLEMENTATION=wireguard-go wg-quick up "$hand" 2>/dev/null
    ip netns exec "$gw" sysctl -q -w net.ipv4.ip_forward=1
    ip netns exec "$gw" nft -f - <<EOF
table inet ${P}hand {
  chain forward { type filter hook forward priority filter; iifname "$PG_IF_GW_LAN" oifname "${P}h" accept; }
  chain postrouting { type nat hook postrouting priority srcnat; oifname "${P}h" masquerade; }
}
EOF
    until ip netns exec "$gw" ping -q -c 1 -W 1 "$PG_REMOTE_HOST" >/dev/null; do
      (($(now_ms) - start < 10000)) || die "by-hand activation: no answer from $PG_REMOTE_HOST"
    done
    elapsed=$(($(now_ms) - start))
    record fig=activation method=by_hand rep="$rep" total_ms="$elapsed"
    ip netns exec "$gw" env WG_QUICK_USERSPACE_IMPLEMENTATION=wireguard-go wg-quick down "$hand" 2>/dev/null
    ip netns exec "$gw" nft delete table inet "${P}hand"
    ip netns exec "$gw" sysctl -q -w net.ipv4.ip_forward=0
    while [[ -e /run/wireguard/${P}h.sock ]]; do sleep 0.05; done
  done

  local state=$TMP/gw env token pid
  env=$(peergate_env "$state" "$PG_IF_GW_LAN")
  # shellcheck disable=SC2086
  env $env "$PEERGATE" user add --username admin --role admin --generate-password >/dev/null
  # shellcheck disable=SC2086
  token=$(env $env "$PEERGATE" token create --username admin --name bench | tail -n 1)
  pid=$(start_peergate "$gw" "$env" "$TMP/serve-activation.log")
  local api=http://127.0.0.1:18555/api/clients auth="Authorization: Bearer $token"
  local out=$TMP/answer.json upload activate id code
  for rep in $(seq "$ACTIVATIONS"); do
    read -r code upload < <(ip netns exec "$gw" curl -sS -o "$out" -w '%{http_code} %{time_total}\n' -H "$auth" \
      -F "file=@$conf" -F "name=${P}c$rep" -F "probe_host=$PG_REMOTE_HOST" "$api/upload")
    [[ $code == 201 ]] || die "upload answered $code: $(cat "$out")"
    id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$out")
    read -r code activate < <(ip netns exec "$gw" curl -sS -o "$out" -w '%{http_code} %{time_total}\n' -X POST \
      -H "$auth" "$api/$id/activate")
    [[ $code == 200 ]] || die "activate answered $code: $(cat "$out")"
    if [[ $rep == 1 ]]; then
      # Not timed: the activation really carries the LAN's traffic (through peergate's NAT).
      ip netns exec "$PG_NS_LAN" ping -q -c 1 -W 2 "$PG_REMOTE_HOST" >/dev/null \
        || die "after activation the LAN host cannot reach $PG_REMOTE_HOST"
    fi
    record fig=activation method=peergate rep="$rep" upload_ms="$(python3 -c "print(round($upload*1000, 1))")" \
      activate_ms="$(python3 -c "print(round($activate*1000, 1))")" \
      total_ms="$(python3 -c "print(round(($upload+$activate)*1000, 1))")"
    code=$(ip netns exec "$gw" curl -sS -o "$out" -w '%{http_code}' -X POST -H "$auth" "$api/$id/deactivate")
    [[ $code == 200 ]] || die "deactivate answered $code: $(cat "$out")"
    code=$(ip netns exec "$gw" curl -sS -o "$out" -w '%{http_code}' -X DELETE -H "$auth" "$api/$id")
    [[ $code == 200 || $code == 204 ]] || die "delete answered $code: $(cat "$out")"
  done
  stop_pid "$pid"
  scripts/netns-topology.sh down "$TOPO_PREFIX" "$TOPO_DIR" >&2
}

# ---------------------------------------------------------------------------------------------
figure_idle() {
  log "figure 4: idle peergate with 100 active clients, ${IDLE_SECONDS} s"
  local ns=${P}id state=$TMP/idle confs=$TMP/idle-confs i pub env pid start
  new_ns "$ns"
  # The LAN interface, and a network holding the peers' (silent) endpoint 10.250.0.2.
  ip link add "${P}-il0" netns "$ns" type veth peer name "${P}-il1" netns "$ns"
  ip -n "$ns" addr add 10.201.0.1/24 dev "${P}-il0"
  ip -n "$ns" addr add 10.250.0.1/24 dev "${P}-il1"
  ip -n "$ns" link set "${P}-il0" up
  ip -n "$ns" link set "${P}-il1" up
  mkdir -p -m 700 "$confs"
  pub=$(wg genkey | wg pubkey)
  for i in $(seq 0 99); do
    cat >"$confs/${P}i$i.conf" <<EOF
[Interface]
PrivateKey = $(wg genkey)
Address = 10.99.$i.2/32

[Peer]
PublicKey = $pub
AllowedIPs = 10.100.$i.0/24
Endpoint = 10.250.0.2:51820
EOF
  done
  chmod 600 "$confs"/*.conf
  env=$(peergate_env "$state" "${P}-il0")
  # shellcheck disable=SC2086
  ip netns exec "$ns" env $env "$PEERGATE" client import "$confs" >"$TMP/import.log" 2>&1 \
    || die "client import failed: $(tail -n 20 "$TMP/import.log")"
  python3 - "$state/data/peergate.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("UPDATE clients SET state = 'active'").rowcount
db.commit()
assert n == 100, f"{n} clients imported, expected 100"
PY
  # The start-up reconcile brings all 100 up (wg-quick up each, the rules, forwarding).
  start=$(now_ms)
  pid=$(start_peergate "$ns" "$env" "$TMP/serve-idle.log")
  until (($(ip netns exec "$ns" ls /sys/class/net | grep -c "^${P}i") == 100)); do
    (($(now_ms) - start < 180000)) || die "not all 100 interfaces came up in 180 s: $(tail -n 20 "$TMP/serve-idle.log")"
    sleep 0.5
  done
  until (($(ip netns exec "$ns" nft -j list set inet peergate clients 2>/dev/null \
    | python3 -c 'import json,sys; print(sum(len(x["set"].get("elem",[])) for x in json.load(sys.stdin)["nftables"] if "set" in x))' \
    2>/dev/null || echo 0) == 100)); do
    (($(now_ms) - start < 180000)) || die "the rules of the 100 clients were not installed in 180 s"
    sleep 0.5
  done
  record fig=startup clients=100 ms=$(($(now_ms) - start))
  sleep 5  # let the start-up work finish before the idle window

  # The naive poller, over the same window: the same status reads and probes with one process
  # per client (status every 5 s with `wg show IFACE dump`, one round of `ping -c3` at the start,
  # like peergate's 60 s connectivity test). `times` prints its children's CPU when it ends.
  ip netns exec "$ns" bash -c '
    prefix=$1 seconds=$2 end=$((SECONDS + seconds))
    seq 0 99 | xargs -P 8 -I{} ping -q -c 3 -i 0.2 -W 1 10.100.{}.1 >/dev/null 2>&1 &
    while ((SECONDS < end)); do
      for i in $(seq 0 99); do wg show "$prefix$i" dump >/dev/null; done
      sleep 5
    done
    wait
    times' bash "${P}i" "$IDLE_SECONDS" >"$TMP/naive-times" 2>&1 &
  local naive=$!

  python3 - "$pid" "$ns" "$IDLE_SECONDS" "$RESULTS" <<'PY'
import json, os, subprocess, sys, time
pid, ns, seconds, results = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
tick = os.sysconf("SC_CLK_TCK")

def cpu(p):  # (own, own + waited-for children) CPU seconds
    f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
    own = (int(f[11]) + int(f[12])) / tick
    return own, own + (int(f[13]) + int(f[14])) / tick

def rss_mb(p):
    for line in open(f"/proc/{p}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

def daemons():  # the wireguard-go processes of this namespace
    pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
    return [int(p) for p in pids if os.readlink(f"/proc/{p}/exe").endswith("/wireguard-go")]

wg = daemons()
t0, (own0, all0), wg0 = time.monotonic(), cpu(pid), sum(cpu(p)[0] for p in wg)
peak = rss_mb(pid)
while time.monotonic() - t0 < seconds:
    time.sleep(1)
    peak = max(peak, rss_mb(pid))
t1, (own1, all1), wg1 = time.monotonic(), cpu(pid), sum(cpu(p)[0] for p in wg)
elapsed = t1 - t0
print(json.dumps({
    "fig": "idle", "seconds": round(elapsed, 1),
    "cpu_pct": 100 * (own1 - own0) / elapsed, "cpu_with_children_pct": 100 * (all1 - all0) / elapsed,
    "cpu_seconds_with_children": all1 - all0,
    "rss_mb": rss_mb(pid), "rss_peak_mb": peak,
    "wireguard_go_count": len(wg), "wireguard_go_rss_mb": sum(rss_mb(p) for p in wg),
    "wireguard_go_cpu_pct": 100 * (wg1 - wg0) / elapsed,
}), file=open(results, "a"))
PY
  wait "$naive" || die "the naive poller failed: $(cat "$TMP/naive-times")"
  python3 - "$TMP/naive-times" "$IDLE_SECONDS" "$RESULTS" <<'PY'
import json, re, sys
lines = open(sys.argv[1]).read().strip().splitlines()
def secs(t):
    m, s = re.fullmatch(r"(\d+)m([\d.]+)s", t).groups()
    return int(m) * 60 + float(s)
total = sum(secs(t) for line in lines[-2:] for t in line.split())  # shell + children, user + system
print(json.dumps({"fig": "idle_naive", "cpu_seconds": total, "cpu_pct": 100 * total / float(sys.argv[2])}),
      file=open(sys.argv[3], "a"))
PY
  stop_pid "$pid"
  delete_ns "$ns"
}

# ---------------------------------------------------------------------------------------------
umask 077  # keys and client configs are written from here on
for figure in $FIGURES; do
  case $figure in
    1) figure_status ;;
    2) figure_firewall ;;
    3) figure_activation ;;
    4) figure_idle ;;
    *) die "unknown figure $figure" ;;
  esac
done

python3 scripts/bench-dataplane-report.py "$RESULTS" "$(nproc)"

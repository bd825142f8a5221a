#!/usr/bin/env bash
# Installs what `make run` / `make test` need and is missing: Debian packages (without recommends,
# which would pull a kernel image with wireguard-tools) and checks of the toolchains.
set -euo pipefail
mode=${1:-test}

need_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "deps: Node.js >= 20.19 and npm are needed to build the web UI" >&2
    exit 1
  fi
  local v; v=$(node -p 'process.versions.node')
  if [ "$(printf '%s\n' 20.19.0 "$v" | sort -V | head -n1)" != 20.19.0 ]; then
    echo "deps: Node.js $v is too old; the web UI needs >= 20.19" >&2
    exit 1
  fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "deps: missing Debian packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

command -v cargo >/dev/null || { echo "deps: cargo (Rust) is needed" >&2; exit 1; }
need_node
case "$mode" in
  run) ;;
  # The data-plane suites run real WireGuard (userspace wireguard-go), nftables and iptables in
  # network namespaces.
  # cargo-audit (pinned) for the advisory gate: built once, then found on PATH.
  test) if ! cargo audit --version >/dev/null 2>&1; then
          echo "deps: installing cargo-audit 0.22.2 (a few minutes, once)"
          cargo install --quiet --locked cargo-audit --version 0.22.2
        fi
        apt_install postgresql chromium ca-certificates curl wireguard-tools wireguard-go iptables ipset nftables \
          iproute2 iputils-ping procps ;;
  *) echo "deps: unknown mode $mode" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Every suite CI runs, in order: gates (rustfmt, clippy), Rust on SQLite, Rust integration tests
# on PostgreSQL, web unit tests with type check and eslint, browser end-to-end against the real
# binary. Each suite runs even if an
# earlier one failed; the last line sums them up ("N passed, M failed") and the exit status is
# non-zero if anything failed or a suite ran no test at all.
set -uo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1 FORCE_COLOR=0 CARGO_TERM_COLOR=never
out=${PEERGATE_TEST_OUTPUT:-$PWD/test-output}
mkdir -p "$out/logs"
passed=0 failed=0 broken=()

count() { # suite log -> adds its passed/failed counts
  local suite=$1 log=$2 p f
  case "$suite" in
    cargo*) p=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
            f=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}') ;;
    vitest) p=$(grep -E '^ *Tests ' "$log" | grep -Eo '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
            f=$(grep -E '^ *Tests ' "$log" | grep -Eo '[0-9]+ failed' | awk '{s+=$1} END {print s+0}') ;;
    e2e*)   p=$(grep -E '^# pass ' "$log" | awk '{s+=$3} END {print s+0}')
            f=$(grep -E '^# fail ' "$log" | awk '{s+=$3} END {print s+0}') ;;
  esac
  echo "== $suite: $p passed, $f failed"
  passed=$((passed + p)); failed=$((failed + f))
  [ "$p" -gt 0 ] || { echo "== $suite ran no test: that is a failure"; broken+=("$suite (no tests)"); }
}

suite() { # name command... : runs, logs, counts
  local name=$1; shift
  local log="$out/logs/$name.log"
  echo; echo "== $name: $*"
  "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  count "$name" "$log"
  [ "$status" -eq 0 ] || broken+=("$name (exit $status)")
}

gate() { # name command... : a check of the code's shape; failing it fails the run
  local name=$1; shift
  local log="$out/logs/gate-$name.log"
  echo; echo "== gate $name: $*"
  if "$@" >"$log" 2>&1; then echo "== gate $name: ok"; else cat "$log"; broken+=("gate $name"); fi
}

web_ready() {
  (cd web && { [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build) >"$out/logs/web-build.log" 2>&1
}

echo "== building the web UI (embedded in the binary)"
if ! web_ready; then cat "$out/logs/web-build.log"; broken+=("web build"); fi

# Formatting and lints (peergate-core's clippy.toml forbids file, process and clock access there).
gate rustfmt cargo fmt --all --check
gate clippy cargo clippy --workspace --all-targets --locked -- -D warnings
# Known vulnerabilities in the dependencies (RustSec; the npm audit is recorded in the same log).
gate advisories scripts/audit.sh

# The privileged data-plane tests (real WireGuard in network namespaces) run here, as root in CI;
# they fail, never skip, when they cannot run.
PEERGATE_PRIVILEGED_TESTS=1 suite cargo-sqlite cargo test --locked --workspace
if grep -q "dataplane tests not run" "$out/logs/cargo-sqlite.log"; then broken+=("privileged data-plane tests skipped"); fi

if pg_url=$(scripts/test-postgres.sh); then
  # Same integration tests on PostgreSQL (the data-plane tests keep their own SQLite gateways).
  PEERGATE_TEST_POSTGRES_URL=$pg_url suite cargo-postgres cargo test --locked -p peergate --test it -- --skip dataplane::
else
  broken+=("postgres start")
fi

suite vitest bash -c 'cd web && npm run typecheck && npm run lint && npx vitest run'
suite e2e scripts/e2e.sh
# The same browser test with the data-plane steps (activate, connected, ping) in network namespaces.
suite e2e-dataplane scripts/e2e-dataplane.sh

echo
for b in "${broken[@]}"; do echo "FAILED: $b"; done
echo "make test: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#broken[@]} -eq 0 ]

#!/usr/bin/env bash
# Dependency advisories. Rust: `cargo audit` of Cargo.lock against the live RustSec database when
# it can be cloned, else against the committed snapshot (scripts/advisory-db/); a known
# vulnerability fails. npm: the production dependencies' audit, recorded (the registry's advisory
# endpoint is not reachable everywhere; then the production tree is listed instead).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
snapshot="bf5c0d2 of 2026-08-21"
if timeout 30 git clone -q --depth 1 https://github.com/rustsec/advisory-db "$work/live" >/dev/null 2>&1; then
  db="$work/live"
  echo "audit: RustSec advisory database fetched now ($(git -C "$db" log -1 --format='%h of %cs'))"
else
  tar -xJf scripts/advisory-db/rustsec-advisory-db.tar.xz -C "$work"
  db="$work/rustsec-advisory-db"
  echo "audit: the live RustSec database cannot be fetched here; using the snapshot $snapshot"
  echo "audit: a pass means no advisory was known on that date"
fi
cargo audit --db "$db" --no-fetch --file Cargo.lock
echo "audit: Cargo.lock has no known vulnerability"

echo "audit: npm production dependencies"
if (cd web && npm audit --omit=dev 2>&1); then
  echo "audit: npm reports no vulnerability in production dependencies"
else
  echo "audit: npm's advisory endpoint did not answer an audit; the production dependencies are:"
  (cd web && npm ls --omit=dev --all 2>/dev/null) || true
fi

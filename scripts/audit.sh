#!/usr/bin/env bash
# Checks every dependency in Cargo.lock (and fuzz/Cargo.lock) against the
# RustSec advisory database with cargo-audit; exits non-zero on a known
# vulnerability.
#
#   scripts/audit.sh              # fetches the database from GitHub
#   scripts/audit.sh DB_DIR       # uses a local clone of rustsec/advisory-db
#
# The CI machines reach crates.io but not GitHub, so CI cannot fetch the
# database; run this where GitHub is reachable, or with a local clone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! cargo audit --version >/dev/null 2>&1; then
    cargo install cargo-audit --locked
fi
args=()
if [ "$#" -gt 0 ]; then
    args=(--db "$1" --no-fetch)
fi
cargo audit "${args[@]}"
(cd fuzz && cargo audit "${args[@]}")

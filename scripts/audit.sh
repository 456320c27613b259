#!/usr/bin/env bash
# Checks every dependency in Cargo.lock (and fuzz/Cargo.lock) against the
# RustSec advisory database with cargo-audit; exits non-zero on a known
# vulnerability.
#
#   scripts/audit.sh              # the database fresh from GitHub, else the
#                                 # snapshot in scripts/audit/ (CI machines
#                                 # often reach only the package registries)
#   scripts/audit.sh DB_DIR       # a local clone of rustsec/advisory-db
#   scripts/audit.sh --snapshot-from DB_DIR
#       # replaces the bundled snapshot with DB_DIR's advisories (a git
#       # clone), then audits against it
#
# The snapshot (scripts/audit/advisory-db.tar.xz, its commit and date in
# scripts/audit/SNAPSHOT) is what an offline run audits against; the script
# says which database it used, so a stale snapshot is visible in the log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DB_URL=https://github.com/rustsec/advisory-db
SNAPSHOT=scripts/audit/advisory-db.tar.xz

if [ "${1:-}" = "--snapshot-from" ]; then
    src=$2
    commit=$(git -C "$src" log -1 --format=%H)
    date=$(git -C "$src" log -1 --format=%cs)
    git -C "$src" archive --format=tar HEAD crates rust LICENSE.txt | xz -9 > "$SNAPSHOT"
    echo "rustsec/advisory-db $commit $date" > scripts/audit/SNAPSHOT
    echo "audit: snapshot replaced by $commit ($date)"
    shift 2
fi

args=()
if [ "$#" -gt 0 ]; then
    args=(--db "$1" --no-fetch)
    echo "audit: advisories from $1"
elif timeout 20 git ls-remote "$DB_URL" HEAD >/dev/null 2>&1; then
    echo "audit: advisories fetched from $DB_URL"
else
    db=$(mktemp -d)
    trap 'rm -rf "$db"' EXIT
    tar -xJf "$SNAPSHOT" -C "$db"
    args=(--db "$db" --no-fetch)
    echo "audit: $DB_URL is unreachable; using the bundled snapshot ($(cat scripts/audit/SNAPSHOT))"
fi

if ! cargo audit --version >/dev/null 2>&1; then
    cargo install cargo-audit --locked
fi
cargo audit "${args[@]}"
(cd fuzz && cargo audit "${args[@]}")

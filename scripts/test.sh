#!/usr/bin/env bash
# The project's test command, for developers and CI alike (.ci/run execs it).
# On a fresh Debian machine it first installs what the tests need (python3,
# pip and the pinned smpplib for the interop test), then runs formatting,
# lint and the whole workspace's tests. Any failure exits non-zero.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Third-party SMPP client the interop test (smsc-sim/tests/interop_smpplib.rs)
# drives; pinned so a new release cannot change what the test exercises.
SMPPLIB_VERSION=2.2.4

log() { printf '==> %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

install_python() {
    local missing=()
    command -v python3 >/dev/null 2>&1 || missing+=(python3)
    if ! python3 -m pip --version >/dev/null 2>&1; then missing+=(python3-pip); fi
    if [ "${#missing[@]}" -gt 0 ]; then
        log "apt-get install ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" </dev/null
    fi
}

smpplib_installed() {
    python3 - "$SMPPLIB_VERSION" <<'PY' >/dev/null 2>&1
import sys
from importlib.metadata import version
import smpplib  # noqa: F401  (the import itself is what the test needs)
sys.exit(0 if version("smpplib") == sys.argv[1] else 1)
PY
}

# A Debian-managed Python (PEP 668) refuses pip installs unless told to.
externally_managed() {
    python3 -c 'import os, sys, sysconfig
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else 1)'
}

install_smpplib() {
    if smpplib_installed; then
        return
    fi
    log "pip install smpplib==$SMPPLIB_VERSION"
    local args=(--quiet --disable-pip-version-check --no-input)
    if [ "$(id -u)" -eq 0 ]; then args+=(--root-user-action=ignore); else args+=(--user); fi
    if externally_managed; then args+=(--break-system-packages); fi
    python3 -m pip install "${args[@]}" "smpplib==$SMPPLIB_VERSION"
    smpplib_installed || { log "smpplib $SMPPLIB_VERSION still not importable by python3"; exit 1; }
}

install_python
install_smpplib

# A fresh clone (CI) has no incremental state worth keeping; skip writing it.
if [ "${CI:-}" = "true" ]; then
    export CARGO_INCREMENTAL=0
fi

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

log "cargo test"
cargo test --workspace --no-fail-fast

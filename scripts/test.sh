#!/usr/bin/env bash
# The project's test command, for developers and CI alike (.ci/run execs it).
# On a fresh Debian machine it first installs what the tests need (python3,
# pip and the pinned python peers of the interop tests, node and the npm
# SMSC, Chromium and chromedriver), then runs formatting, lint and the whole
# workspace's tests. Any failure exits non-zero.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Third-party peers the interop tests drive, pinned so a new release cannot
# change what the tests exercise: smpplib (an SMPP client, against smsc-sim
# and the switch) and smspdudecoder (decodes the TPDUs wire encodes; it needs
# a bitstring that still has BitStream, which 5.x removed).
PY_PACKAGES=(smpplib==2.2.4 smspdudecoder==2.2.0 bitstring==3.1.9)

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

# True when python3 imports every pinned package at its pinned version.
py_packages_installed() {
    python3 - "${PY_PACKAGES[@]}" <<'PY' >/dev/null 2>&1
import importlib, sys
from importlib.metadata import version
for spec in sys.argv[1:]:
    name, want = spec.split("==")
    importlib.import_module(name)
    if version(name) != want:
        sys.exit(1)
PY
}

# A Debian-managed Python (PEP 668) refuses pip installs unless told to.
externally_managed() {
    python3 -c 'import os, sys, sysconfig
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else 1)'
}

install_py_packages() {
    if py_packages_installed; then
        return
    fi
    log "pip install ${PY_PACKAGES[*]}"
    local args=(--quiet --disable-pip-version-check --no-input)
    if [ "$(id -u)" -eq 0 ]; then args+=(--root-user-action=ignore); else args+=(--user); fi
    if externally_managed; then args+=(--break-system-packages); fi
    python3 -m pip install "${args[@]}" "${PY_PACKAGES[@]}"
    py_packages_installed || { log "${PY_PACKAGES[*]} still not importable by python3"; exit 1; }
}

# npm's smpp package, pinned by tests/interop/npm-smsc/package-lock.json, is
# the SMSC we did not write that gateway/tests/sms_npm_smsc.rs drives.
install_node() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        log "apt-get install nodejs npm"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm </dev/null
    fi
    log "npm ci --prefix tests/interop/npm-smsc"
    npm ci --prefix tests/interop/npm-smsc --no-audit --no-fund --loglevel=error </dev/null
}

# Headless Chromium and its WebDriver for tests/browser.rs (Debian's
# packages, so the two versions always match).
install_browser() {
    if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
        return
    fi
    log "apt-get install chromium chromium-driver"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver </dev/null
}

# Disk is the resource a debug build of this workspace runs out of first.
log "disk: $(df -h . | awk 'NR==2 {print $4 " free of " $2}')"

install_python
install_py_packages
install_node
install_browser

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

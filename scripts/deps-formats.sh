#!/usr/bin/env bash
# Test dependencies of crates/formats: Python 3 with the `cryptography`
# package, for tests/aegis_decrypt.py (the independent Aegis vault reader
# the round-trip test checks our encrypted exports against).
# Idempotent: installs only what is missing.
set -euo pipefail

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

if ! command -v python3 >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends python3 python3-pip
fi

if ! python3 -c 'import cryptography' >/dev/null 2>&1; then
    python3 -m pip install --quiet cryptography \
        || python3 -m pip install --quiet --break-system-packages cryptography
fi

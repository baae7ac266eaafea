#!/usr/bin/env bash
# Test dependencies of crates/formats: Python 3 with the `cryptography`
# package, for tests/aegis_decrypt.py (the independent Aegis vault reader
# the round-trip test checks our encrypted exports against). Idempotent.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
apt_install python3 python3-pip
python3 -c 'import cryptography' >/dev/null 2>&1 || pip_install cryptography

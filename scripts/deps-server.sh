#!/usr/bin/env bash
# Installs what the account server's Python tests and benchmark need
# (idempotent): py-jelastic (a real platform client), schemathesis (OpenAPI
# fuzzing), pytest; wrk for scripts/bench-server.sh.
set -euo pipefail
python3 -m pip install --quiet --disable-pip-version-check \
    "py-jelastic==0.1.6" "schemathesis>=4,<5" "pytest>=8"
if [ "${1:-}" = "--bench" ] && ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y --no-install-recommends wrk
fi

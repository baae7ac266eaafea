#!/usr/bin/env bash
# What the account server's Python tests need (tests/py): py-jelastic (a
# real platform client, used unchanged), schemathesis (OpenAPI fuzzing),
# pytest; PostgreSQL (server and client programs) for scripts/test-postgres.sh.
# With --bench, also wrk and curl for scripts/bench-server.sh.
# Idempotent.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pip_install "py-jelastic==0.1.6" "schemathesis>=4,<5" "pytest>=8"
apt_install postgresql postgresql-client
if [ "${1:-}" = "--bench" ]; then
  apt_install wrk curl
fi

#!/usr/bin/env bash
# Benchmark of the desktop app (release build) under Xvfb with the keyring
# slot: cold start to the first code on screen and the resident memory of
# all the app's processes with 1,000 entries. Figures are printed and kept
# in artifacts/bench-app.json. Reference, measured on the project's
# 2-core machines for a minimal Tauri window: content ≈ 1.0 s, ≈ 430 MiB;
# targets: first code ≤ 1.0 s, memory ≤ 1.2 × that.
#   APIQ_BENCH_ENTRIES=1000 APIQ_BENCH_RUNS=5 scripts/bench-app.sh
set -euo pipefail
cd "$(dirname "$0")/.."
APIQ_E2E_PROFILE=release APIQ_E2E_CMD="node bench.js" exec scripts/test-e2e.sh

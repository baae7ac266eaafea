#!/usr/bin/env bash
# Benchmark of the desktop integration under Xvfb (tests/e2e/bench-desktop.js):
# global shortcut to the quick-copy palette on screen (warm), a palette
# keystroke to the filtered list (1,000 entries), a second launch handing a
# URI over. Figures printed and kept in artifacts/bench-desktop.json.
#   APIQ_E2E_PROFILE=release scripts/bench-desktop.sh   (default: the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
APIQ_E2E_CMD="node bench-desktop.js" exec scripts/test-e2e.sh

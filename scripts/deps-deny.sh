#!/usr/bin/env bash
# cargo-deny for scripts/deny.sh, built from crates.io once and kept in
# ~/.cargo/bin (a few minutes the first time). Idempotent.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo-deny >/dev/null || cargo install --locked cargo-deny

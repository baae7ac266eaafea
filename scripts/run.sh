#!/usr/bin/env bash
# Installs what the app needs (Debian packages, npm modules), builds the UI
# and the desktop app, and starts it. The README's run command.
# Extra arguments are passed to the app. APIQ_DATA_DIR chooses the data folder.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/cache/apiq-target}
bash scripts/deps.sh app
npm --prefix ui run build
cargo build --release --locked -p apiq-authenticator --features custom-protocol
cargo build --release --locked --bin apiq --bin apiq-server
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "error: no display (DISPLAY/WAYLAND_DISPLAY unset); the app is built at $CARGO_TARGET_DIR/release/apiq-authenticator" >&2
  exit 1
fi
exec "$CARGO_TARGET_DIR/release/apiq-authenticator" "$@"

#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian/Ubuntu machine,
# idempotently: Debian packages, Python test tools, npm modules. Each area
# lists its own needs in scripts/deps-<area>.sh; this runs them all.
# Usage: scripts/deps.sh [test|app]   (default: test = everything)
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

source scripts/lib.sh

what=${1:-test}
apt_install build-essential pkg-config python3 python3-pip ca-certificates

# Rust itself is not installed here: Debian's rustc is older than the
# workspace's rust-version, and toolchains come from rustup's servers.
need_rust=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
have_rust=$(cargo --version 2>/dev/null | awk '{print $2}' || true)
if [ -z "$have_rust" ] || [ "$(printf '%s\n%s\n' "$need_rust" "$have_rust" | sort -V | head -1)" != "$need_rust" ]; then
  echo "error: Rust $need_rust or newer is needed (cargo ${have_rust:-not found}); install a stable toolchain with rustup, then run this again" >&2
  exit 1
fi

if [ "$what" = app ]; then
  bash scripts/deps-app.sh
  exit 0
fi

pip_install pyotp==2.9.0
for f in scripts/deps-*.sh; do
  [ -f "$f" ] || continue
  echo "deps: $f"
  bash "$f"
done

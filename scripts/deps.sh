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

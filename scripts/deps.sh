#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian/Ubuntu machine,
# idempotently: Debian packages, Python test tools, npm modules. Each area
# lists its own needs in scripts/deps-<area>.sh; this runs them all.
# Usage: scripts/deps.sh [test|app]   (default: test = everything)
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# apt-get update once per boot-ish (the lists are needed before any install).
stamp=/var/cache/apiq-apt-updated
if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +720 2>/dev/null)" ]; then
  $SUDO apt-get update -qq
  $SUDO touch "$stamp" 2>/dev/null || true
fi

# apt_install PKG... — installs only what is missing.
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: apt-get install ${missing[*]}"
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
# pip_install PKG... — into the user's Python, quietly.
pip_install() {
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "$@"
}
export -f apt_install pip_install
export SUDO

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

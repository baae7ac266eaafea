#!/usr/bin/env bash
# System packages the vault's keyring tests need (scripts/test-keyring.sh):
# a Secret Service (gnome-keyring), its CLI (libsecret-tools), the kernel
# keyring tools (keyutils), a D-Bus session bus, and the libdbus headers the
# `keyring` crate's Secret Service backend links against. Idempotent.
set -euo pipefail
pkgs=(gnome-keyring libsecret-tools keyutils dbus libdbus-1-dev pkg-config)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

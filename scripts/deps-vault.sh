#!/usr/bin/env bash
# System packages the vault's keyring tests need (scripts/test-keyring.sh):
# a Secret Service (gnome-keyring), its CLI (libsecret-tools), the kernel
# keyring tools (keyutils), a D-Bus session bus, and the libdbus headers the
# `keyring` crate's Secret Service backend links against. Idempotent.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
apt_install gnome-keyring libsecret-tools keyutils dbus libdbus-1-dev pkg-config

#!/usr/bin/env bash
# Runs the vault's keyring tests against real keyrings; installs nothing
# (scripts/deps-vault.sh does):
#   1. the freedesktop Secret Service: gnome-keyring-daemon, unlocked with a
#      throw-away password, inside a private D-Bus session and a throw-away
#      $HOME;
#   2. the Linux kernel keyring, inside a fresh session keyring.
# Each run executes the `#[ignore]`d keyring tests of apiq-vault and of the
# CLI (crates/cli/tests/vault_keyring.rs) with APIQ_TEST_KEYRING naming the
# store.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/apiq-target}"
# The Secret Service run gets a throw-away $HOME; keep the toolchain's.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"

for tool in dbus-run-session gnome-keyring-daemon keyctl; do
    command -v "$tool" >/dev/null || { echo "error: $tool missing: run scripts/deps-vault.sh" >&2; exit 1; }
done

tests=(-p apiq-vault --test keyring)
if [ -f crates/cli/tests/vault_keyring.rs ]; then
    tests+=(-p apiq-cli --test vault_keyring)
fi
# Build first, outside the sessions, so the sessions only run tests.
cargo test "${tests[@]}" --no-run

home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT

echo "== keyring tests: Secret Service (gnome-keyring in a private D-Bus session)"
HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home" \
APIQ_TEST_KEYRING=secret-service \
    dbus-run-session -- sh -c '
        printf "throwaway" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        exec cargo test "$@" -- --ignored --test-threads=1
    ' sh "${tests[@]}"

echo "== keyring tests: kernel keyring (fresh session keyring)"
APIQ_TEST_KEYRING=keyutils keyctl session - \
    cargo test "${tests[@]}" -- --ignored --test-threads=1

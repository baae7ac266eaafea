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
#
# The test binaries are the ones `cargo test --workspace` builds (found
# through cargo's JSON messages and run directly): building them with
# `-p apiq-vault` instead would resolve the dependencies' features for one
# package and recompile part of the tree for nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/apiq-target}"

for tool in dbus-run-session gnome-keyring-daemon keyctl; do
    command -v "$tool" >/dev/null || { echo "error: $tool missing: run scripts/deps-vault.sh" >&2; exit 1; }
done

# "DIR<TAB>BINARY" for each keyring test binary (DIR: its package, where
# cargo would run it).
mapfile -t tests < <(cargo test --workspace --locked --no-run --message-format=json 2>/dev/null | python3 -c '
import json, os, sys
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    t = m.get("target") or {}
    if m.get("reason") == "compiler-artifact" and m.get("executable") and t.get("kind") == ["test"] \
            and t.get("name") in ("keyring", "vault_keyring"):
        print(os.path.dirname(m["manifest_path"]) + "\t" + m["executable"])
')
[ ${#tests[@]} -gt 0 ] || { echo "error: no keyring test binary was built (cargo test --workspace --no-run)" >&2; exit 1; }

run_all() { # runs every keyring test binary; fails if any fails
    local rc=0 entry dir bin
    for entry in "${tests[@]}"; do
        dir=${entry%%$'\t'*}; bin=${entry#*$'\t'}
        echo "-- $(basename "$bin")"
        (cd "$dir" && "$bin" --ignored --test-threads=1) || rc=1
    done
    return $rc
}
export -f run_all
tests_env=$(printf '%s\n' "${tests[@]}")
export tests_env

home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT

echo "== keyring tests: Secret Service (gnome-keyring in a private D-Bus session)"
HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home" \
APIQ_TEST_KEYRING=secret-service \
    dbus-run-session -- bash -c '
        mapfile -t tests <<<"$tests_env"
        printf "throwaway" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        run_all
    '

echo "== keyring tests: kernel keyring (fresh session keyring)"
APIQ_TEST_KEYRING=keyutils keyctl session - bash -c '
    mapfile -t tests <<<"$tests_env"
    run_all
'

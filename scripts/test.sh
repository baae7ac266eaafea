#!/usr/bin/env bash
# Runs every test of the project, installing what they need first.
# This is the README's test command and what CI runs (.ci/run).
#
# Stages: formatting and lints (Biome for ui/, rustfmt, clippy, the pure
# crates' bans, rustdoc, cargo deny), the Rust test suites of every crate (unit,
# integration over real processes, SQLite, HTTP on 127.0.0.1, the QR corpus),
# the keyring tests inside a real Secret Service and kernel keyring session,
# the Python clients against a real apiq-server, the desktop app end to
# end under Xvfb, and its .deb and .rpm packages (the .deb installed and
# started). Every stage runs even if an earlier one failed; the exit
# code is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# One target dir outside the clone, reused between runs on the same machine.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/cache/apiq-target}
export CARGO_TERM_COLOR=never
mkdir -p "$CARGO_TARGET_DIR" artifacts

deps_start=$SECONDS
bash scripts/deps.sh || { echo "error: installing dependencies failed"; exit 1; }
echo "=== dependencies: ok ($((SECONDS - deps_start)) s)"

failed=()
# Each stage's output is also kept in artifacts/stages/, so that the end of
# the run can repeat why a failed stage failed (CI shows the tail of a log).
rm -rf artifacts/stages && mkdir -p artifacts/stages
stage() {
  local name=$1; shift
  echo
  echo "=== $name"
  local start=$SECONDS
  local log
  log="artifacts/stages/$(printf '%02d' $((${#stage_logs[@]} + 1))).log"
  stage_logs+=("$log")
  # Through a process substitution, not a pipe: a process a test leaves
  # behind holding the output open must not keep the stage from ending.
  if "$@" > >(tee "$log") 2>&1; then
    echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    echo "=== $name: FAILED ($((SECONDS - start)) s)"
    failed+=("$name")
    failed_logs+=("$log")
  fi
}
stage_logs=()
failed_logs=()

# Why a stage failed, from its log: the failing tests' names and errors as
# the test runners print them (node's spec reporter, cargo test, pytest,
# libFuzzer through scripts/fuzz.sh), at most 60 lines a stage.
why() {
  grep -E -A10 '^✖ failing tests|^test .* FAILED$|panicked at|^---- .* stdout ----|^FAILED |^E +|^error(\[|:)|^not ok|^fuzz: .* FAILED|^==[0-9]+== ERROR|^SUMMARY: libFuzzer|^fuzz: crashing input' "$1" | head -60
}

# The app's crate embeds the built UI at compile time (tauri.conf.json's
# frontendDist), so the UI is built before anything compiles the workspace.
stage "ui: typecheck and build" npm --prefix ui run build
stage "ui: unit tests (vitest)" npm --prefix ui test
stage "ui: format and lint (biome)" npm --prefix ui run lint
stage "rustfmt" cargo fmt --all --check
stage "clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
stage "pure crates: clippy.toml bans bite" bash scripts/check-pure-bans.sh
stage "rustdoc (warnings denied)" env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
stage "supply chain (cargo deny)" bash scripts/deny.sh
# --no-fail-fast: one failing test binary must not hide the others' results.
stage "cargo test" cargo test --workspace --locked --no-fail-fast
stage "keyring (Secret Service, kernel keyring)" bash scripts/test-keyring.sh
stage "python: py-jelastic and schemathesis against apiq-server" python3 -m pytest -q tests/py
stage "postgresql: the server suites, three instances, python clients" bash scripts/test-postgres.sh
stage "fuzz every parser briefly" bash scripts/fuzz.sh "${APIQ_FUZZ_SECONDS:-5}"
stage "desktop app end to end (Xvfb)" bash scripts/test-e2e.sh
# The .deb and .rpm (scripts/package.sh through Tauri's bundler), their
# contents, the AppStream file, and the .deb installed into this system and
# started under Xvfb (docs/packages.md). After test-e2e.sh, which empties
# artifacts/e2e/ where this one leaves its screenshot. Cost: the only release
# build here (the stages above build debug): ~8-10 min on 2 cores the first
# time on a machine; later runs reuse the dependencies from the same
# CARGO_TARGET_DIR and compile only the app crate again (~2.5 min: it embeds
# ui/dist, which the UI stage rewrites). Checks, install, start, removal: ~10 s.
stage "packages (.deb, .rpm, AppStream)" env APIQ_PKG_SKIP_DEPS=1 bash scripts/test-packages.sh

echo
echo "=== total: $SECONDS s"
if [ ${#failed[@]} -gt 0 ]; then
  for i in "${!failed[@]}"; do
    echo
    echo "=== why '${failed[$i]}' failed (whole log: ${failed_logs[$i]})"
    why "${failed_logs[$i]}"
  done
  echo
  echo "FAILED stages: ${failed[*]}"
  exit 1
fi
echo "all stages passed"

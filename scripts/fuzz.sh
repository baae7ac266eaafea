#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a while each (default 20 s).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP=1 enables them on the
# stable toolchain this machine has. Crashes land in fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}; shift || true
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version '^0.13'
export RUSTC_BOOTSTRAP=1
# Reuse a build dir outside the clone, like the rest of the project.
tdir=("--target-dir" "${CARGO_TARGET_DIR:-/var/cache/apiq-target}/fuzz")
unset CARGO_TARGET_DIR
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
# Hostile seeds (fuzz/seeds/, made by make_hostile.py) for the importers
# whose readers they aim at; every target runs under a 256 MiB RSS cap, so
# an input that inflates memory is a failure, not just a slow run.
seeds_for() {
  case $1 in
    import_google_authenticator|import_microsoft_authenticator|import_stratum) echo fuzz/seeds/sqlite ;;
    import_freeotp) echo fuzz/seeds/javaser ;;
    import_aegis) echo fuzz/seeds/aegis ;;
    import_auto) echo fuzz/seeds/sqlite fuzz/seeds/javaser fuzz/seeds/aegis ;;
  esac
}
cargo fuzz build --sanitizer none "${tdir[@]}"
status=0
for t in "${targets[@]}"; do
  log=$(mktemp)
  mkdir -p "fuzz/corpus/$t"
  # shellcheck disable=SC2046
  if cargo fuzz run --sanitizer none "${tdir[@]}" "$t" "fuzz/corpus/$t" $(seeds_for "$t") \
      -- -max_total_time="$secs" -rss_limit_mb=256 >"$log" 2>&1; then
    echo "fuzz: $t: $(grep -E '^Done' "$log" | tail -1)"
  else
    echo "fuzz: $t FAILED (input saved under fuzz/artifacts/$t):"
    # The input itself, so that a failure seen only in CI's log can be
    # replayed: `base64 -d > x && cargo fuzz run TARGET x`.
    crash=$(ls -t "fuzz/artifacts/$t" 2>/dev/null | head -1)
    if [ -n "$crash" ]; then
      echo "fuzz: crashing input $crash ($(stat -c %s "fuzz/artifacts/$t/$crash") bytes; base64 of the first 3000):"
      head -c 3000 "fuzz/artifacts/$t/$crash" | base64 -w0; echo
    fi
    tail -30 "$log"
    status=1
  fi
  rm -f "$log"
done
exit $status
